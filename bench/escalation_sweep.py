"""escalation_sweep: one scheduler pass over 100,000 open findings of which 5% are due (reminders 3 and 1
working days before the deadline, escalations after it), median time and SQL statements.

`escalation_sweep` is the pass the scheduler makes every few minutes: what is due was already sent, so the pass
finds it and writes nothing. `escalation_sweep_first` is the pass that writes and delivers (e-mail, push) every
notification of the 5,000 due findings, for comparison.

floor: one raw SQL query selecting the due rows (the same conditions), the least any pass must do.
Goal: ratio ≤ 10, and SQL statements that do not grow with the number of findings.
"""

import statistics
import time
from datetime import date, datetime, timedelta

from django.db import connection
from django.test import override_settings
from django.utils import timezone

from bench.common import result
from inspections.models import (
    Criterion,
    Finding,
    FindingSource,
    Notification,
    OrgUnit,
    OrgUnitKind,
    Remediation,
    Role,
    User,
)
from inspections.services.escalation import reminder_windows, sweep

FINDINGS = 100_000
DUE_SHARE = 0.05
WARDS = 200
TODAY = date(2026, 12, 7)  # a Monday
REPEAT = 5


def build() -> None:
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="BENCH-ES", kind=OrgUnitKind.PROVINCE, name="Tỉnh")
    )
    OrgUnit.objects.filter(pk=province.pk).update(
        head=User.objects.create(
            username="bench-es-p", role=Role.UNIT_HEAD, email="p@example.vn", unit=province
        )
    )
    User.objects.create(username="bench-es-nv", role=Role.HOME_AFFAIRS, unit=province, email="nv@example.vn")
    wards = []
    for index in range(WARDS):
        province.refresh_from_db()
        ward = OrgUnit.objects.add_child(
            province,
            instance=OrgUnit(
                code=f"BENCH-ES-{index}", kind=OrgUnitKind.WARD, name=f"Phường {index}", parent=province
            ),
        )
        head = User.objects.create(
            username=f"bench-es-{index}", role=Role.UNIT_HEAD, unit=ward, email=f"h{index}@example.vn"
        )
        OrgUnit.objects.filter(pk=ward.pk).update(head=head)
        wards.append(ward)
    inspector = User.objects.create(username="bench-es-tt", role=Role.INSPECTOR, unit=province)
    criterion = Criterion.objects.filter(template__code="ONE_STOP_SHOP", code="OSS-05").first()
    windows = reminder_windows(TODAY)
    due = int(FINDINGS * DUE_SHARE)
    deadlines = (
        [windows[3][1]] * (due // 5)
        + [windows[1][1]] * (due // 5)
        + [TODAY - timedelta(days=3 + i % 30) for i in range(due - 2 * (due // 5))]
    )
    deadlines += [date(2027, 3, 1) + timedelta(days=i % 200) for i in range(FINDINGS - due)]
    captured = timezone.make_aware(datetime(2026, 10, 1, 9))
    for start in range(0, FINDINGS, 5000):
        chunk = deadlines[start : start + 5000]
        findings = Finding.objects.bulk_create(
            [
                Finding(
                    source=FindingSource.CCTV,
                    unit=wards[(start + i) % WARDS],
                    criterion=criterion,
                    severity="minor",
                    text=f"Phát hiện {start + i}",
                    captured_at=captured,
                    deadline=deadline,
                    created_by=inspector,
                )
                for i, deadline in enumerate(chunk)
            ]
        )
        Remediation.objects.bulk_create(
            [
                Remediation(
                    finding=finding,
                    unit_id=finding.unit_id,
                    original_deadline=finding.deadline,
                    deadline=finding.deadline,
                )
                for finding in findings
            ]
        )


def run():
    build()
    now = timezone.make_aware(datetime(TODAY.year, TODAY.month, TODAY.day, 8))
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    first, first_statements = [], 0
    with override_settings(EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend"):
        for _ in range(2):
            Notification.objects.all().delete()
            statements[0] = 0
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                written = sweep(now).notifications
                first.append((time.perf_counter() - started) * 1000)
            first_statements = statements[0]
        steady = []
        for _ in range(REPEAT):
            statements[0] = 0
            with connection.execute_wrapper(count):
                started = time.perf_counter()
                again = sweep(now)
                steady.append((time.perf_counter() - started) * 1000)
            assert again.notifications == 0
        steady_statements = statements[0]

    windows = reminder_windows(TODAY)
    sql = (
        f"SELECT id, deadline, unit_id, assignee_id, finding_id FROM {Remediation._meta.db_table} "
        "WHERE state IN ('open', 'rejected') AND (deadline < %s OR (deadline > %s AND deadline <= %s) "
        "OR (deadline > %s AND deadline <= %s))"
    )
    params = [TODAY, windows[3][0], windows[3][1], windows[1][0], windows[1][1]]
    floors, due_rows = [], 0
    for _ in range(REPEAT):
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            due_rows = len(cursor.fetchall())
        floors.append((time.perf_counter() - started) * 1000)
    floor = statistics.median(floors)
    yield result(
        "escalation_sweep",
        statistics.median(steady),
        "ms",
        floor,
        findings=FINDINGS,
        due=due_rows,
        statements=steady_statements,
    )
    yield result(
        "escalation_sweep_first",
        statistics.median(first),
        "ms",
        floor,
        findings=FINDINGS,
        due=due_rows,
        notifications=written,
        statements=first_statements,
    )
