"""draw_national: approving a plan over 5,000 units with risk weights (draw, dates and inserts included).

floor: computing 5,000 HMAC-SHA256 values, the least any HMAC-driven draw over 5,000 units must do.
"""

import hashlib
import hmac
import random
import secrets
import statistics
import time
from datetime import date
from decimal import Decimal

from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from bench.common import median_ms, result
from inspections.models import InspectionPlan, OrgUnit, OrgUnitKind, Role, User
from inspections.services.plans import approve_plan, create_plan

UNITS = 5000


def build_country_sized_authority():
    root = OrgUnit.objects.add_root(instance=OrgUnit(code="NAT", kind=OrgUnitKind.PROVINCE, name="Toàn quốc"))
    rng = random.Random(5000)
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"N{i:05d}",
                kind=OrgUnitKind.COMMUNE,
                name=f"Xã {i}",
                search_name=f"xa {i}",
                parent=root,
                depth=2,
                numchild=0,
                path=OrgUnit._get_path(root.path, 2, i),
                citizen_complaints=rng.choice([0, 0, 0, 1, 2, 5, 12]),
            )
            for i in range(1, UNITS + 1)
        ],
        batch_size=1000,
    )
    OrgUnit.objects.filter(pk=root.pk).update(numchild=UNITS)
    reviewer = User.objects.create(username="noivu-nat", role=Role.ADMINISTRATOR)
    team = [User.objects.create(username=f"tt{i}", role=Role.INSPECTOR, unit=root) for i in range(5)]
    return root, reviewer, team


def run():
    root, reviewer, team = build_country_sized_authority()

    def approve_once():
        with transaction.atomic():
            plan = create_plan(
                actor=reviewer,
                authority=root,
                title="Bench",
                year=2027,
                inspectors=team,
                surprise_share=Decimal("1"),
            )
            approve_plan(plan, actor=reviewer, today=date(2026, 12, 1))
            transaction.set_rollback(True)  # every run draws the same plan from scratch

    with CaptureQueriesContext(connection) as queries:
        approve_once()
    query_count = len(queries)
    samples = []
    for _ in range(7):
        started = time.perf_counter()
        approve_once()
        samples.append((time.perf_counter() - started) * 1000)
    value = statistics.median(samples)

    seed = secrets.token_bytes(32)
    codes = [f"N{i:05d}".encode() for i in range(1, UNITS + 1)]
    floor = median_ms(lambda: [hmac.new(seed, code, hashlib.sha256).digest() for code in codes], repeat=30)
    assert not InspectionPlan.objects.exists()
    yield result("draw_national", value, "ms", floor, units=UNITS, queries=query_count)
