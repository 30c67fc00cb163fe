"""sync_batch: one offline batch of 200 operations (10 visits, each: check-in, 18 answers, one of them failed,
and its finding), applied by the sync service, median time. Every run starts from the same state (rolled back).

floor: bulk-inserting the rows such a batch must leave (one operation record and one answer per operation) in
two INSERT statements, the least any server that records each operation must do.
"""

import statistics
import time
import uuid

from django.db import connection, transaction
from django.utils import timezone
from graphql_relay import to_global_id

from bench.common import result
from inspections.models import (
    Answer,
    AnswerResult,
    ChecklistTemplate,
    InspectionPlan,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Role,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
)
from mobile_api.models import SyncOperation
from mobile_api.sync import Operation, sync_batch

VISITS = 10
REPEAT = 7


def build():
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="BENCH-SB", kind=OrgUnitKind.PROVINCE, name="Bench")
    )
    inspector = User.objects.create(username="bench-sync", role=Role.INSPECTOR, unit=province)
    plan = InspectionPlan.objects.create(
        authority=province, title="Bench", year=2026, status=PlanStatus.APPROVED, created_by=inspector
    )
    template = ChecklistTemplate.objects.filter(code="ONE_STOP_SHOP").order_by("-version").first()
    visits = []
    for index in range(VISITS):
        province.refresh_from_db()
        unit = OrgUnit.objects.add_child(
            province,
            instance=OrgUnit(
                code=f"BENCH-SB-{index}", kind=OrgUnitKind.WARD, name=f"Phường {index}", parent=province
            ),
        )
        visit = Visit.objects.create(
            plan=plan,
            unit=unit,
            kind=VisitKind.PERIODIC,
            planned_date=timezone.localdate(),
            template=template,
        )
        VisitAssignment.objects.create(visit=visit, inspector=inspector, assigned_by=inspector)
        visits.append(visit)
    return inspector, visits, list(template.criteria.order_by("position").values_list("code", flat=True))


def operations(visits, codes) -> list[Operation]:
    ops = []
    for visit in visits:
        visit_id = to_global_id("Visit", visit.pk)
        ops.append(
            Operation(
                uuid.uuid4(),
                "check_in",
                {
                    "visitId": visit_id,
                    "latitude": 10.77,
                    "longitude": 106.7,
                    "accuracy": 10,
                    "deviceTime": timezone.now().isoformat(),
                },
            )
        )
        ops += [
            Operation(
                uuid.uuid4(),
                "answer",
                {
                    "visitId": visit_id,
                    "criterionCode": code,
                    "result": "fail" if code == codes[-1] else "pass",
                },
            )
            for code in codes
        ]
        ops.append(
            Operation(
                uuid.uuid4(),
                "finding",
                {"visitId": visit_id, "criterionCode": codes[-1], "text": "Không niêm yết phí"},
            )
        )
    return ops


def run():
    inspector, visits, codes = build()
    samples, statements = [], [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    for _ in range(REPEAT + 1):
        ops = operations(visits, codes)
        statements[0] = 0
        with transaction.atomic(), connection.execute_wrapper(count):
            started = time.perf_counter()
            results = sync_batch(ops, actor=inspector)
            samples.append((time.perf_counter() - started) * 1000)
            assert len(results) == len(ops) and all(r.ok for r in results), [r for r in results if not r.ok][
                :1
            ]
            transaction.set_rollback(True)
    value = statistics.median(samples[1:])

    criteria = dict(visits[0].template.criteria.values_list("code", "pk"))
    by_id = {to_global_id("Visit", visit.pk): visit for visit in visits}
    floors = []
    for _ in range(REPEAT):
        ops = operations(visits, codes)
        with transaction.atomic():
            started = time.perf_counter()
            SyncOperation.objects.bulk_create(
                [SyncOperation(uuid=op.id, user=inspector, kind=op.kind, digest="", result={}) for op in ops]
            )
            Answer.objects.bulk_create(
                [
                    Answer(
                        uuid=op.id,
                        visit=by_id[op.payload["visitId"]],
                        criterion_id=criteria[op.payload["criterionCode"]],
                        result=AnswerResult.PASS,
                        answered_by=inspector,
                    )
                    for op in ops
                    if op.kind == "answer"
                ]
            )
            floors.append((time.perf_counter() - started) * 1000)
            transaction.set_rollback(True)
    assert not SyncOperation.objects.exists()
    yield result(
        "sync_batch",
        value,
        "ms",
        statistics.median(floors),
        operations=len(ops),
        statements_per_operation=round(statements[0] / len(ops), 1),
    )
