"""Plain helpers the tests share (no fixtures here: those live in the conftest.py of their folder)."""

import base64
import json
from dataclasses import dataclass, field
from datetime import date, datetime

from django.test import Client
from django.utils import timezone

from inspections.models import (
    Criterion,
    Finding,
    FindingSource,
    InspectionPlan,
    OrgUnit,
    Remediation,
    Role,
    User,
    Visit,
    VisitKind,
)
from inspections.services.plans import add_periodic_visit, approve_plan, create_plan
from mobile_api.services import issue_token

GRAPHQL_URL = "/graphql/"
OFFICE = (10.7721, 106.6983)  # latitude, longitude of the unit's office in the field world
NEAR = (10.7725, 106.6985)  # about 50 m away
FAR = (10.7900, 106.7200)  # about 3 km away


def gql(client: Client, query: str, variables: dict | None = None, *, token: str | None = None, **headers):
    """POST a GraphQL operation the way a client does; returns the parsed JSON body."""
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = client.post(
        GRAPHQL_URL,
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def gid(type_name: str, pk: int) -> str:
    return base64.b64encode(f"{type_name}:{pk}".encode()).decode()


def make_user(username: str, role: str, unit: OrgUnit | None, *, heads: bool = False, **extra) -> User:
    """A user whose password is ``<username>-pw-2026``; ``heads=True`` makes them the head of ``unit``."""
    user = User.objects.create_user(
        username=username,
        password=f"{username}-pw-2026",
        role=role,
        unit=unit,
        **{"full_name": username.title(), **extra},
    )
    if heads:
        OrgUnit.objects.filter(pk=unit.pk).update(head=user)
    return user


def token_for(user: User) -> str:
    return issue_token(user, device_name="test phone").token


def now_iso() -> str:
    return timezone.now().isoformat()


def aware(year, month, day, hour=9) -> datetime:
    return timezone.make_aware(datetime(year, month, day, hour))


def at(day: date, hour: int = 9) -> datetime:
    return aware(day.year, day.month, day.day, hour)


@dataclass
class World:
    """Province P1: three departments (P1-SNV Home Affairs, P1-STP Justice, P1-TTR Inspectorate) and ten wards
    W01..W10."""

    province: OrgUnit
    units: dict[str, OrgUnit]
    admin: User
    reviewer: User
    inspectors: list[User]
    people: dict[str, tuple[User, User]] = field(default_factory=dict)

    def unit_people(self, unit: OrgUnit) -> tuple[User, User]:
        """The head and a staff member of ``unit`` (created on first use)."""
        if unit.code not in self.people:
            head = make_user(f"head-{unit.code}", Role.UNIT_HEAD, unit, heads=True)
            staff = make_user(f"staff-{unit.code}", Role.UNIT_STAFF, unit)
            self.people[unit.code] = (head, staff)
        return self.people[unit.code]


def approved_plan(world: World, *, year: int = 2027, approve_on: date = date(2026, 12, 1)) -> InspectionPlan:
    """12 units (Home Affairs' own P1-SNV is in none of its plans), target 4: periodic visits to P1-STP and
    P1-TTR, two surprise visits drawn among the ten wards (so that every draw gives the tests a ward, whatever
    the seed)."""
    plan = create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Kiểm tra CCHC",
        year=year,
        inspectors=world.inspectors,
    )
    add_periodic_visit(plan, world.units["P1-STP"], date(year, 3, 3), actor=world.reviewer)
    add_periodic_visit(plan, world.units["P1-TTR"], date(year, 3, 4), actor=world.reviewer)
    return approve_plan(plan, actor=world.reviewer, today=approve_on)


def surprise_visits(plan: InspectionPlan) -> list[Visit]:
    return list(plan.visits.filter(kind=VisitKind.SURPRISE).select_related("unit").order_by("unit__code"))


@dataclass
class Field:
    """A surprise visit of today at a ward with a geofence around OFFICE, assigned to an inspector."""

    world: World
    visit: Visit
    inspector: User
    token: str

    def refresh(self) -> Visit:
        self.visit.refresh_from_db()
        return self.visit


def add_finding(
    unit,
    code,
    severity,
    captured: date,
    deadline: date,
    *,
    visit=None,
    answered: date | None = None,
    state="open",
    author=None,
) -> Finding:
    """A finding and its remediation written directly, at the given days (the board's scenes)."""
    finding = Finding.objects.create(
        visit=visit,
        source=FindingSource.VISIT if visit else FindingSource.CCTV,
        unit=unit,
        criterion=Criterion.objects.get(template__code="ONE_STOP_SHOP", code=code),
        severity=severity,
        text=f"{code} {severity}",
        captured_at=at(captured),
        deadline=deadline,
        created_by=author,
    )
    Remediation.objects.create(
        finding=finding,
        unit=unit,
        original_deadline=deadline,
        deadline=deadline,
        state=state,
        first_answered_at=at(answered) if answered else None,
        first_answered_on=answered,
    )
    return finding
