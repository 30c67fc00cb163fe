"""A province with departments and ten wards, its people, and plans built through the services."""

import base64
from dataclasses import dataclass, field
from datetime import date

import pytest

from inspections.models import InspectionPlan, OrgUnit, OrgUnitKind, Role, User, Visit, VisitKind
from inspections.services.plans import add_periodic_visit, approve_plan, create_plan
from tests.fixtures import make_user


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


@dataclass
class World:
    province: OrgUnit
    units: dict[str, OrgUnit]
    admin: User
    reviewer: User
    inspectors: list[User]
    people: dict[str, User] = field(default_factory=dict)

    def unit_people(self, unit: OrgUnit) -> tuple[User, User]:
        """The head and a staff member of ``unit`` (created on first use)."""
        if unit.code not in self.people:
            head = make_user(f"head-{unit.code}", Role.UNIT_HEAD, unit, heads=True)
            staff = make_user(f"staff-{unit.code}", Role.UNIT_STAFF, unit)
            self.people[unit.code] = (head, staff)
        return self.people[unit.code]


@pytest.fixture
def world(db) -> World:
    province = OrgUnit.objects.add_root(instance=OrgUnit(code="P1", kind=OrgUnitKind.PROVINCE, name="Tỉnh Một"))
    units = {}
    specs = [("P1-SNV", OrgUnitKind.DEPARTMENT), ("P1-TTR", OrgUnitKind.DEPARTMENT)]
    specs += [(f"W{i:02d}", OrgUnitKind.WARD) for i in range(1, 11)]
    for code, kind in specs:
        units[code] = OrgUnit.objects.add_child(province, instance=OrgUnit(code=code, kind=kind, name=f"Đơn vị {code}",
                                                                           parent=province))
        province.refresh_from_db()
    return World(
        province=province, units=units,
        admin=make_user("admin", Role.ADMINISTRATOR, None),
        reviewer=make_user("noivu", Role.HOME_AFFAIRS, units["P1-SNV"]),
        inspectors=[make_user(f"thanhtra{i}", Role.INSPECTOR, units["P1-TTR"]) for i in (1, 2)],
    )


def approved_plan(world: World, *, year: int = 2027, approve_on: date = date(2026, 12, 1)) -> InspectionPlan:
    """12 units, target 4: periodic visits to the two departments, two surprise visits drawn among the ten
    wards (so that every draw gives the tests a ward, whatever the seed)."""
    plan = create_plan(actor=world.reviewer, authority=world.province, title="Kiểm tra CCHC", year=year,
                       inspectors=world.inspectors)
    add_periodic_visit(plan, world.units["P1-SNV"], date(year, 3, 3), actor=world.reviewer)
    add_periodic_visit(plan, world.units["P1-TTR"], date(year, 3, 4), actor=world.reviewer)
    return approve_plan(plan, actor=world.reviewer, today=approve_on)


def surprise_visits(plan: InspectionPlan) -> list[Visit]:
    return list(plan.visits.filter(kind=VisitKind.SURPRISE).select_related("unit").order_by("unit__code"))
