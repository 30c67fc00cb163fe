"""The rows of every list query at 5 and at 50, and the document a client sends for it with every relation:
shared by tests/inspections/test_list_query_counts.py and bench/list_queries.py.

Rows are real model rows written in bulk (the services would take minutes for 50 rows of everything); the
units, users, plans and tokens around them come from the services and the world of tests/conftest.py."""

import uuid
from datetime import date, timedelta

from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import (
    Answer,
    Camera,
    Counter,
    Criterion,
    Evidence,
    Finding,
    InspectionPlan,
    Notification,
    OrgUnit,
    OrgUnitKind,
    Remediation,
    RemediationAnswer,
    Role,
    Snapshot,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
)
from inspections.services.plans import create_plan
from tests.factories import at, gid, gql, make_user, token_for

SIZES = (5, 50)
ZONE = [[0.1, 0.1], [0.5, 0.1], [0.5, 0.5], [0.1, 0.5]]

UNIT = "id code name kind childCount parent { code } head { fullName unit { code } }"
USER = "id username fullName role unit { code parent { code } }"
EVIDENCE = "uuid sha256 stored originalUrl"
FINDING = f"""id uuid text severity source isCurrent version deadline
  unit {{ {UNIT} }} criterion {{ code area }} evidence {{ {EVIDENCE} }} supersedes {{ id text isCurrent }}"""
REMEDIATION = f"""id state deadline isOverdue accountable {{ {USER} }} assignee {{ {USER} }}
  answers {{ number planOfAction accountable {{ {USER} }} draftedBy {{ {USER} }} evidence {{ {EVIDENCE} }} }}"""
VISIT = f"""id kind status plannedDate unit {{ {UNIT} }} inspectors {{ {USER} }}
  plan {{ id title authority {{ {UNIT} }} inspectors {{ {USER} }} }}
  answers {{ result note criterionCode criterion {{ code textVi area }} answeredBy {{ fullName }} }}"""

ORG_UNITS = f"query($parent: ID) {{ orgUnits(first: 100, parent: $parent) {{ totalCount edges {{ node {{ {UNIT} }} }} }} }}"
VISITS = (
    f"query($plan: ID) {{ visits(first: 100, plan: $plan) {{ totalCount edges {{ node {{ {VISIT} }} }} }} }}"
)
FINDINGS = f"""query($visit: ID) {{ findings(first: 100, visit: $visit) {{ totalCount edges {{ node {{
  {FINDING} remediation {{ {REMEDIATION} finding {{ id }} }} }} }} }} }}"""
REMEDIATIONS = f"""query($unit: ID) {{ remediations(first: 100, unit: $unit) {{ totalCount edges {{ node {{
  {REMEDIATION} finding {{ {FINDING} remediation {{ id }} }} }} }} }} }}"""
NOTIFICATIONS = (
    "{ notifications(first: 100) { totalCount edges { node { id kind title body findingId readAt } } } }"
)
REVIEW_QUEUE = f"""query($unit: ID) {{ snapshotReviewQueue(unit: $unit, first: 100) {{ flag label count firstAt lastAt
  camera {{ id name counter isActive unit {{ {UNIT} }} }}
  snapshot {{ id capturedAt status flags confidence imageUrl finding {{ id }}
    camera {{ id name counter unit {{ code parent {{ code }} head {{ fullName }} }} }} }} }} }}"""
PLANS = f"""query($authority: ID) {{ plans(first: 100, authority: $authority) {{ totalCount edges {{ node {{
  id title year status authority {{ {UNIT} }} inspectors {{ {USER} }}
  visits(first: 10) {{ totalCount edges {{ node {{ {VISIT} }} }} }} }} }} }} }}"""
BOARD = f"""query($authority: ID!) {{ board(authorityId: $authority, year: 2027) {{ unitCount
  rows(first: 100) {{ totalCount edges {{ node {{ rank score status overdueNow
    unit {{ {UNIT} }} head {{ {USER} }} findings {{ total }} findingsByArea {{ area count }} }} }} }} }} }}"""
MY_DEVICES = "{ myDevices { id deviceName current createdAt expiresAt lastUsedAt } }"


def statements(token: str, document: str, variables: dict | None = None) -> tuple[int, dict]:
    client = Client()
    # Each document asks for every relation at once, more than one client operation may cost or nest.
    with (
        override_settings(GRAPHQL_MAX_COST=10**7, GRAPHQL_MAX_REQUEST_COST=10**7, GRAPHQL_MAX_DEPTH=16),
        CaptureQueriesContext(connection) as queries,
    ):
        body = gql(client, document, variables, token=token)
    assert "errors" not in body, body["errors"]
    return len(queries), body["data"]


def at_5_and_50(
    build, token: str, document: str, variables: dict | None = None
) -> tuple[list[int], list[dict]]:
    """Builds rows up to 5, runs the document, builds up to 50, runs it again: the statements and the data of
    each run."""
    gql(Client(), "{ me { id } }", token=token)  # the token's first use records its last-use time
    counts, results = [], []
    built = 0
    for size in SIZES:
        build(built, size)
        built = size
        count, data = statements(token, document, variables)
        counts.append(count)
        results.append(data)
    return counts, results


# --- the rows -----------------------------------------------------------------------------------------------


def district(world, code: str, *, kind=OrgUnitKind.DISTRICT) -> OrgUnit:
    """A unit under the world's province, to hang fresh units under."""
    province = OrgUnit.objects.get(pk=world.province.pk)
    return OrgUnit.objects.add_child(
        province, instance=OrgUnit(code=code, kind=kind, name=f"Đơn vị {code}", parent=province)
    )


def add_wards(parent: OrgUnit, start: int, stop: int) -> list[OrgUnit]:
    """Wards ``start``..``stop`` under ``parent``, each with its head, in bulk."""
    parent.refresh_from_db()
    wards = OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"{parent.code}-{i:03d}",
                kind=OrgUnitKind.WARD,
                name=f"Phường {parent.code} {i}",
                search_name=f"phuong {i}",
                parent=parent,
                depth=parent.depth + 1,
                numchild=0,
                path=OrgUnit._get_path(parent.path, parent.depth + 1, i + 1),
            )
            for i in range(start, stop)
        ]
    )
    OrgUnit.objects.filter(pk=parent.pk).update(numchild=stop)
    wards = list(OrgUnit.objects.filter(parent=parent, code__in=[w.code for w in wards]))
    User.objects.bulk_create(
        [
            User(username=f"head-{w.code}", full_name=f"Trưởng {w.code}", role=Role.UNIT_HEAD, unit=w)
            for w in wards
        ]
    )
    heads = {u.unit_id: u for u in User.objects.filter(unit__in=wards, role=Role.UNIT_HEAD)}
    for ward in wards:
        ward.head = heads[ward.pk]
    OrgUnit.objects.bulk_update(wards, ["head"])
    return wards


def a_plan(world, title="Kế hoạch kiểm tra", authority=None, year=2027) -> InspectionPlan:
    return create_plan(
        actor=world.reviewer,
        authority=authority or world.province,
        title=title,
        year=year,
        inspectors=world.inspectors,
    )


def add_visits(world, plan: InspectionPlan, units: list[OrgUnit], *, kind=VisitKind.PERIODIC) -> list[Visit]:
    """One visit a unit, with both inspectors assigned."""
    visits = Visit.objects.bulk_create(
        [Visit(plan=plan, unit=unit, kind=kind, planned_date=date(2027, 3, 3)) for unit in units]
    )
    VisitAssignment.objects.bulk_create(
        [
            VisitAssignment(visit=visit, inspector=inspector, assigned_by=world.reviewer)
            for visit in visits
            for inspector in world.inspectors
        ]
    )
    criteria = list(Criterion.objects.filter(template__code="ONE_STOP_SHOP").order_by("position")[:2])
    Answer.objects.bulk_create(
        [
            Answer(
                visit=visit, criterion=criterion, result=result, note=note, answered_by=world.inspectors[0]
            )
            for visit in visits
            for criterion, result, note in zip(criteria, ("pass", "fail"), ("", "Thiếu bảng"), strict=True)
        ]
    )
    return visits


def add_findings(world, visit: Visit, start: int, stop: int) -> list[Finding]:
    """Findings of ``visit``: each corrects an earlier version (kept), has a photo, and a remediation answered
    once by the unit's staff in the head's name, with a photo of the fix."""
    inspector = world.inspectors[0]
    head, staff = world.unit_people(visit.unit)
    criterion = Criterion.objects.filter(template__code="ONE_STOP_SHOP").order_by("position").first()
    deadline = date(2027, 3, 24)

    def finding(i, version, supersedes=None):
        return Finding(
            visit=visit,
            unit=visit.unit,
            criterion=criterion,
            severity="major",
            text=f"Phát hiện {i} v{version}",
            captured_at=at(date(2027, 3, 3)),
            deadline=deadline,
            version=version,
            supersedes=supersedes,
            created_by=inspector,
        )

    first = Finding.objects.bulk_create([finding(i, 1) for i in range(start, stop)])
    current = Finding.objects.bulk_create(
        [finding(i, 2, old) for i, old in zip(range(start, stop), first, strict=True)]
    )
    remediations = Remediation.objects.bulk_create(
        [
            Remediation(
                finding=f,
                unit=visit.unit,
                original_deadline=deadline,
                deadline=deadline,
                state="answered",
                assignee=staff,
            )
            for f in current
        ]
    )
    answers = RemediationAnswer.objects.bulk_create(
        [
            RemediationAnswer(
                remediation=r, number=1, plan_of_action="Sắp xếp lại quầy", accountable=head, drafted_by=staff
            )
            for r in remediations
        ]
    )
    Evidence.objects.bulk_create(
        [Evidence(uuid=uuid.uuid4(), finding=f, sha256="a" * 64, uploaded_by=inspector) for f in current]
        + [Evidence(uuid=uuid.uuid4(), answer=a, sha256="b" * 64, uploaded_by=staff) for a in answers]
    )
    return current


def nodes(connection_data: dict) -> list[dict]:
    return [edge["node"] for edge in connection_data["edges"]]


# --- one scenario per list query: (build(start, stop), token, document, variables) ---------------------------


def org_units(world):
    parent = district(world, "D1")
    return (
        (lambda a, b: add_wards(parent, a, b)),
        token_for(world.reviewer),
        ORG_UNITS,
        {"parent": gid("OrgUnit", parent.pk)},
    )


def visits(world):
    parent = district(world, "D1")
    plan = a_plan(world)
    return (
        (lambda a, b: add_visits(world, plan, add_wards(parent, a, b))),
        token_for(world.reviewer),
        VISITS,
        {"plan": gid("Plan", plan.pk)},
    )


def findings(world):
    visit = add_visits(world, a_plan(world), [world.units["W01"]])[0]
    return (
        (lambda a, b: add_findings(world, visit, a, b)),
        token_for(world.reviewer),
        FINDINGS,
        {"visit": gid("Visit", visit.pk)},
    )


def remediations(world):
    """As the head of W02, who sees its remediation and not W03's."""
    plan = a_plan(world)
    visit = add_visits(world, plan, [world.units["W02"]])[0]
    head, _staff = world.unit_people(visit.unit)
    add_findings(world, add_visits(world, plan, [world.units["W03"]])[0], 0, 3)
    return (lambda a, b: add_findings(world, visit, a, b)), token_for(head), REMEDIATIONS, None


def notifications(world):
    visit = add_visits(world, a_plan(world), [world.units["W01"]])[0]
    about = add_findings(world, visit, 0, 50)

    def build(start, stop):
        Notification.objects.bulk_create(
            [
                Notification(
                    recipient=world.reviewer,
                    key=f"n{i}",
                    kind="overdue",
                    title=f"Quá hạn {i}",
                    finding=about[i],
                )
                for i in range(start, stop)
            ]
        )

    return build, token_for(world.reviewer), NOTIFICATIONS, None


def snapshot_review_queue(world):
    """A camera a ward, two open snapshots each covered: one item a camera."""
    parent = district(world, "D1")
    now = timezone.now()

    def build(start, stop):
        wards = add_wards(parent, start, stop)
        counters = Counter.objects.bulk_create([Counter(unit=w, name="Quầy 1") for w in wards])
        cameras = Camera.objects.bulk_create(
            [
                Camera(counter=c, name=f"Camera {c.unit.code}", staff_zone=ZONE, citizen_zone=ZONE)
                for c in counters
            ]
        )
        Snapshot.objects.bulk_create(
            [
                Snapshot(
                    camera=camera,
                    captured_at=now - timedelta(minutes=minutes),
                    received_sha256="c" * 64,
                    sha256="c" * 64,
                    size=1,
                    width=1,
                    height=1,
                    file_name="x.jpg",
                    in_working_hours=True,
                    status="analysed",
                    flags=["covered"],
                    verdicts={"covered": {"value": True, "confidence": 0.9}},
                    primary_flag="covered",
                    review_state="open",
                )
                for camera in cameras
                for minutes in (5, 10)
            ]
        )

    return build, token_for(world.inspectors[0]), REVIEW_QUEUE, None


def plans(world):
    """Plans of the province (one a year: periods never overlap), each with the same two ward visits."""
    wards = add_wards(district(world, "D1"), 0, 2)

    def build(start, stop):
        for i in range(start, stop):
            add_visits(world, a_plan(world, title=f"Kế hoạch {i}", year=2027 + i), wards)

    return build, token_for(world.reviewer), PLANS, {"authority": gid("OrgUnit", world.province.pk)}


def board_rows(world):
    """The board of a district seen by its head: a row per ward under it."""
    authority = district(world, "D1")
    head = make_user("head-D1", Role.UNIT_HEAD, authority, heads=True)
    return (
        (lambda a, b: add_wards(authority, a, b)),
        token_for(head),
        BOARD,
        {"authority": gid("OrgUnit", authority.pk)},
    )


def my_devices(world):
    user = world.inspectors[0]
    token = token_for(user)

    def build(start, stop):
        for _ in range(stop - max(start, 1)):  # the device of the request is the first one
            token_for(user)

    return build, token, MY_DEVICES, None


SCENARIOS = {
    "orgUnits": org_units,
    "visits": visits,
    "findings": findings,
    "remediations": remediations,
    "notifications": notifications,
    "snapshotReviewQueue": snapshot_review_queue,
    "plans": plans,
    "board_rows": board_rows,
    "myDevices": my_devices,
}
