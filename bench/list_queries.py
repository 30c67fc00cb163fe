"""list_<query>: SQL statements of every list query at 50 rows against the same query at 5 rows.

Each list query is asked with every relation a client would (the documents and rows of
tests/inspections/list_rows.py, which tests/inspections/test_list_query_counts.py checks too). Here the floor
is the count at 5 rows, not a speed: a ratio of 1.0 means the statements do not grow with the rows, i.e. every
relation resolves through a DataLoader or a prefetch.
"""

from django.db import transaction

from bench.common import result
from inspections.models import OrgUnit, OrgUnitKind, Role
from tests.clock import pinned
from tests.factories import World, make_user
from tests.inspections.list_rows import SCENARIOS, at_5_and_50


def province_world() -> World:
    """The world of the tests (tests/conftest.py): province P1, two departments, ten wards, a reviewer and
    two inspectors."""
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="P1", kind=OrgUnitKind.PROVINCE, name="Tỉnh Một")
    )
    units = {}
    specs = [("P1-SNV", OrgUnitKind.DEPARTMENT), ("P1-TTR", OrgUnitKind.DEPARTMENT)]
    specs += [(f"W{i:02d}", OrgUnitKind.WARD) for i in range(1, 11)]
    for code, kind in specs:
        units[code] = OrgUnit.objects.add_child(
            province, instance=OrgUnit(code=code, kind=kind, name=f"Đơn vị {code}", parent=province)
        )
        province.refresh_from_db()
    return World(
        province=province,
        units=units,
        admin=make_user("admin-p1", Role.ADMINISTRATOR, None),
        reviewer=make_user("noivu-p1", Role.HOME_AFFAIRS, units["P1-SNV"]),
        inspectors=[make_user(f"thanhtra{i}-p1", Role.INSPECTOR, units["P1-TTR"]) for i in (1, 2)],
    )


class Discard(Exception):
    """Rolls a scenario back so that the next one starts from the migrated database."""


def run():
    for name, scenario in SCENARIOS.items():
        with pinned():
            try:
                with transaction.atomic():
                    counts, _ = at_5_and_50(*scenario(province_world()))
                    raise Discard
            except Discard:
                pass
        yield result(f"list_{name}", counts[1], "statements", counts[0], rows=50, floor_rows=5)
