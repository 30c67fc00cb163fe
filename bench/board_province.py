"""board_province: the board of a province with 180 units, 2,000 visits and 20,000 findings (with their
remediation), median time through GraphQL as Home Affairs reads it (every row, every figure).

floor: one hand-written aggregate SQL query returning the board's main figures per unit (visits by kind,
findings by severity and CCTV source, remediation on time / late / overdue), in the same run.
Goal: ratio ≤ 5.
"""

import json
import random
import statistics
import time
from datetime import date, datetime, timedelta

from django.db import connection
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from bench.common import result
from inspections.models import (
    Criterion,
    Finding,
    FindingSource,
    InspectionPlan,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Remediation,
    Role,
    User,
    Visit,
    VisitKind,
)

UNITS, VISITS, FINDINGS = 180, 2000, 20_000
YEAR = 2026
REPEAT = 5
QUERY = """query($a: ID!, $y: Int!) { board(authorityId: $a, year: $y) { unitCount targetUnits visitedUnits coverage
  rows(first: 200) { totalCount edges { node { rank score status unit { code name } head { fullName }
    periodicVisits surpriseVisits visited findings { critical major minor total } findingsByArea { area count }
    remediationOnTime remediationLate overdueNow onTimeRate rejectedAnswers repeatFindings medianDaysToClose
    cctvFlags cameras cameraTamperShare } } } } }"""


def build(
    tag: str = "BP", units_count: int = UNITS, visits_count: int = VISITS, findings_count: int = FINDINGS
):
    """A province with ``units_count`` wards, ``visits_count`` visits done this year and ``findings_count``
    findings with their remediation; returns the province and its Home Affairs reviewer."""
    UNITS, VISITS, FINDINGS = units_count, visits_count, findings_count  # noqa: N806 - the module's names
    rng = random.Random(f"{tag}-{UNITS}")
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code=f"BENCH-{tag}", kind=OrgUnitKind.PROVINCE, name=f"Tỉnh {tag}")
    )
    reviewer = User.objects.create(username=f"bench-{tag}-nv", role=Role.HOME_AFFAIRS, unit=province)
    inspector = User.objects.create(username=f"bench-{tag}-tt", role=Role.INSPECTOR, unit=province)
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"{tag}{i:03d}",
                kind=OrgUnitKind.WARD,
                name=f"Phường {i}",
                search_name=f"phuong {i}",
                parent=province,
                depth=2,
                numchild=0,
                path=OrgUnit._get_path(province.path, 2, i),
            )
            for i in range(1, UNITS + 1)
        ]
    )
    OrgUnit.objects.filter(pk=province.pk).update(numchild=UNITS)
    units = list(OrgUnit.objects.filter(parent=province).order_by("code"))
    heads = User.objects.bulk_create(
        [User(username=f"bench-{tag}-h{u.pk}", role=Role.UNIT_HEAD, unit=u) for u in units]
    )
    for unit, head in zip(units, heads, strict=True):
        unit.head = head
    OrgUnit.objects.bulk_update(units, ["head"])
    plans = [
        InspectionPlan.objects.create(
            authority=province,
            title=f"Kế hoạch {i}",
            year=YEAR,
            status=PlanStatus.APPROVED,
            created_by=reviewer,
        )
        for i in range(-(-VISITS // UNITS))
    ]
    start = timezone.make_aware(datetime(YEAR, 1, 5, 9))
    visits = Visit.objects.bulk_create(
        [
            Visit(
                plan=plans[i // UNITS],
                unit=units[i % UNITS],
                kind=VisitKind.SURPRISE if i % 3 == 0 else VisitKind.PERIODIC,
                planned_date=(start + timedelta(days=i % 300)).date(),
                status="submitted",
                checked_in_at=start + timedelta(days=i % 300),
            )
            for i in range(VISITS)
        ]
    )
    criteria = list(Criterion.objects.filter(template__code="ONE_STOP_SHOP"))
    for chunk in range(0, FINDINGS, 5000):
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    visit=visits[i % VISITS],
                    unit=visits[i % VISITS].unit,
                    source=FindingSource.VISIT,
                    criterion=rng.choice(criteria),
                    severity=rng.choice(["critical", "major", "minor", "minor"]),
                    text=f"Phát hiện {i}",
                    captured_at=visits[i % VISITS].checked_in_at,
                    deadline=visits[i % VISITS].checked_in_at.date() + timedelta(days=20),
                    created_by=inspector,
                )
                for i in range(chunk, min(FINDINGS, chunk + 5000))
            ]
        )
        Remediation.objects.bulk_create(
            [
                Remediation(
                    finding=f,
                    unit_id=f.unit_id,
                    original_deadline=f.deadline,
                    deadline=f.deadline,
                    state=rng.choice(["open", "answered", "accepted", "closed", "rejected"]),
                    first_answered_on=(
                        f.captured_at.date() + timedelta(days=rng.randint(1, 30))
                        if rng.random() < 0.7
                        else None
                    ),
                    closed_at=f.captured_at + timedelta(days=25),
                )
                for f in findings
            ]
        )
    return province, reviewer


FLOOR_SQL = """
WITH units AS (SELECT id, path, code FROM inspections_orgunit WHERE parent_id = %(p)s),
v AS (SELECT substr(u.path, 1, %(w)s) AS rp,
             SUM(CASE WHEN v.kind = 'periodic' THEN 1 ELSE 0 END) AS periodic,
             SUM(CASE WHEN v.kind = 'surprise' THEN 1 ELSE 0 END) AS surprise
      FROM inspections_visit v JOIN inspections_orgunit u ON u.id = v.unit_id
      WHERE u.path LIKE %(like)s AND v.checked_in_at >= %(start)s AND v.checked_in_at < %(end)s GROUP BY 1),
f AS (SELECT substr(u.path, 1, %(w)s) AS rp,
             SUM(CASE WHEN f.severity = 'critical' THEN 1 ELSE 0 END) AS critical,
             SUM(CASE WHEN f.severity = 'major' THEN 1 ELSE 0 END) AS major,
             SUM(CASE WHEN f.severity = 'minor' THEN 1 ELSE 0 END) AS minor,
             SUM(CASE WHEN f.source = 'cctv' THEN 1 ELSE 0 END) AS cctv,
             SUM(CASE WHEN r.first_answered_at IS NOT NULL AND r.first_answered_at < r.deadline + 1 THEN 1 ELSE 0 END)
                 AS on_time,
             SUM(CASE WHEN r.state IN ('open', 'rejected') AND r.deadline < %(today)s THEN 1 ELSE 0 END) AS overdue
      FROM inspections_finding f JOIN inspections_orgunit u ON u.id = f.unit_id
      LEFT JOIN inspections_remediation r ON r.finding_id = f.id
      WHERE u.path LIKE %(like)s AND f.captured_at >= %(start)s AND f.captured_at < %(end)s
        AND NOT EXISTS (SELECT 1 FROM inspections_finding c WHERE c.supersedes_id = f.id) GROUP BY 1)
SELECT units.code, v.periodic, v.surprise, f.critical, f.major, f.minor, f.cctv, f.on_time, f.overdue
FROM units LEFT JOIN v ON v.rp = units.path LEFT JOIN f ON f.rp = units.path ORDER BY units.code
"""


def run():
    province, reviewer = build()
    client = Client()
    client.force_login(reviewer)
    body = json.dumps({"query": QUERY, "variables": {"a": to_global_id("OrgUnit", province.pk), "y": YEAR}})
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    def request():
        response = client.post("/graphql/", body, content_type="application/json")
        data = response.json()
        assert "errors" not in data, data.get("errors")
        return data

    data = request()
    assert data["data"]["board"]["rows"]["totalCount"] == UNITS
    samples = []
    for _ in range(REPEAT):
        statements[0] = 0
        with connection.execute_wrapper(count):
            started = time.perf_counter()
            request()
            samples.append((time.perf_counter() - started) * 1000)
    zone = timezone.get_current_timezone()
    params = {
        "p": province.pk,
        "w": 2 * OrgUnit.steplen,
        "like": province.path + "%",
        "start": datetime(YEAR, 1, 1, tzinfo=zone),
        "end": datetime(YEAR + 1, 1, 1, tzinfo=zone),
        "today": date.today(),
    }
    sql = (
        FLOOR_SQL
        if connection.vendor == "postgresql"
        else FLOOR_SQL.replace("r.deadline + 1", "date(r.deadline, '+1 day')")
    )
    floors = []
    for _ in range(REPEAT):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        floors.append((time.perf_counter() - started) * 1000)
    assert len(rows) == UNITS
    yield result(
        "board_province",
        statistics.median(samples),
        "ms",
        statistics.median(floors),
        units=UNITS,
        visits=VISITS,
        findings=FINDINGS,
        statements=statements[0],
    )
