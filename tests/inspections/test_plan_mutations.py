"""Plans through GraphQL: create, periodic visits, preview, approve (commit), assign, close (reveal), verify."""

import json
from collections import Counter
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from inspections.models import (
    AuditEntry,
    InspectionPlan,
    PlanSecret,
    PlanStatus,
    Role,
    Visit,
    VisitAssignment,
    VisitStatus,
)
from inspections.services.plans import (
    add_periodic_visit,
    assign_inspectors,
    assign_inspectors_bulk,
    create_plan,
    propose_assignments,
    update_plan,
)
from tests.factories import approved_plan, gid, gql, make_user, surprise_visits, token_for

CREATE = """mutation($authority: ID!, $team: [ID!]) {
  createPlan(authorityId: $authority, title: "Kiểm tra CCHC 2027", year: 2027, inspectorIds: $team) {
    plan { id status coverageTarget surpriseShare } errors { field code }
  }
}"""
ADD = """mutation($plan: ID!, $unit: ID!, $date: Date!) {
  addPeriodicVisit(planId: $plan, unitId: $unit, date: $date) { visit { id kind plannedDate } errors { field code } }
}"""
PREVIEW = """query($plan: ID!) { previewDraw(planId: $plan) {
  unitCount targetUnits periodicCount surpriseCount units { unit { code } weight probability } } }"""
APPROVE = "mutation($id: ID!) { approvePlan(id: $id) { commitment plan { status } errors { field code } } }"
COMMITMENT = """query($plan: ID!) { planCommitment(planId: $plan) {
  commitment algorithmVersion inputsDigest publishedInputs revealedSeed status } }"""
CLOSE = "mutation($id: ID!) { closePlan(id: $id) { revealedSeed plan { status } errors { field code } } }"
VERIFY = "query($plan: ID!) { verifyDraw(planId: $plan) { revealed matchesCommitment matchesInputs matchesVisits ok } }"
ASSIGN = """mutation($visit: ID!, $people: [ID!]!) {
  assignInspectors(visitId: $visit, inspectorIds: $people) { visit { inspectors { username } } errors { field code } }
}"""


def codes(payload):
    return [(error["field"], error["code"]) for error in payload["errors"]]


def test_a_plan_from_draft_to_verified_draw(world):
    client, token = Client(), token_for(world.reviewer)
    team = [gid("User", inspector.pk) for inspector in world.inspectors]
    created = gql(
        client, CREATE, {"authority": gid("OrgUnit", world.province.pk), "team": team}, token=token
    )["data"]["createPlan"]
    assert created["errors"] == [] and created["plan"]["status"] == "DRAFT"
    assert created["plan"]["coverageTarget"] == 0.3
    plan_id = created["plan"]["id"]
    for code, day in (("W09", "2027-03-03"), ("W10", "2027-03-04")):
        added = gql(
            client,
            ADD,
            {"plan": plan_id, "unit": gid("OrgUnit", world.units[code].pk), "date": day},
            token=token,
        )["data"]["addPeriodicVisit"]
        assert added["errors"] == [] and added["visit"]["kind"] == "PERIODIC"

    preview = gql(client, PREVIEW, {"plan": plan_id}, token=token)["data"]["previewDraw"]
    assert (preview["unitCount"], preview["targetUnits"], preview["periodicCount"]) == (12, 4, 2)
    assert preview["surpriseCount"] == 2 and len(preview["units"]) == 10
    probabilities = [row["probability"] for row in preview["units"]]
    assert abs(sum(probabilities) - 2) < 1e-6 and min(probabilities) >= 0.1 and max(probabilities) < 1

    approved = gql(client, APPROVE, {"id": plan_id}, token=token)["data"]["approvePlan"]
    assert approved["errors"] == [] and approved["plan"]["status"] == "APPROVED"
    assert len(approved["commitment"]) == 64
    plan = InspectionPlan.objects.get()
    assert len(surprise_visits(plan)) == 2

    # Everyone in the authority's tree reads the commitment and the inputs, not the result or the seed.
    ward_head = make_user("head", Role.UNIT_HEAD, world.units["W01"], heads=True)
    published = gql(client, COMMITMENT, {"plan": plan_id}, token=token_for(ward_head))["data"][
        "planCommitment"
    ]
    assert published["commitment"] == approved["commitment"] and published["revealedSeed"] is None
    assert {u["code"] for u in json.loads(published["publishedInputs"])["units"]} == {
        f"W{i:02d}" for i in range(1, 9)
    } | {"P1-STP", "P1-TTR"}
    assert gql(client, VERIFY, {"plan": plan_id}, token=token)["data"]["verifyDraw"]["revealed"] is False

    # The seed stays secret while surprise visits are still to come.
    refused = gql(client, CLOSE, {"id": plan_id}, token=token)["data"]["closePlan"]
    assert codes(refused) == [(None, "PERIOD_NOT_OVER")] and InspectionPlan.objects.get().revealed_seed == ""
    Visit.objects.filter(plan=plan).update(status=VisitStatus.IN_PROGRESS)
    closed = gql(client, CLOSE, {"id": plan_id}, token=token)["data"]["closePlan"]
    assert closed["errors"] == [] and closed["revealedSeed"] == PlanSecret.objects.get(plan=plan).seed
    verified = gql(client, VERIFY, {"plan": plan_id}, token=token_for(ward_head))["data"]["verifyDraw"]
    assert verified == {
        "revealed": True,
        "matchesCommitment": True,
        "matchesInputs": True,
        "matchesVisits": True,
        "ok": True,
    }
    # A recorded visit moved afterwards is caught.
    moved = surprise_visits(plan)[0]
    Visit.objects.filter(pk=moved.pk).update(planned_date=date(2027, 12, 30))
    assert gql(client, VERIFY, {"plan": plan_id}, token=token)["data"]["verifyDraw"]["matchesVisits"] is False


def test_approval_below_target_changes_nothing(world):
    client, token = Client(), token_for(world.reviewer)
    team = [gid("User", inspector.pk) for inspector in world.inspectors]
    plan_id = gql(
        client, CREATE, {"authority": gid("OrgUnit", world.province.pk), "team": team}, token=token
    )["data"]["createPlan"]["plan"]["id"]
    gql(
        client,
        "mutation($id: ID!) { updatePlan(id: $id, surpriseShare: 0.0) { errors { code } } }",
        {"id": plan_id},
        token=token,
    )
    result = gql(client, APPROVE, {"id": plan_id}, token=token)["data"]["approvePlan"]
    assert codes(result) == [(None, "BELOW_TARGET")]
    plan = InspectionPlan.objects.get()
    assert plan.status == PlanStatus.DRAFT and plan.commitment == "" and not Visit.objects.exists()
    assert not PlanSecret.objects.exists()


@pytest.mark.parametrize(
    "date_value, code",
    [
        ("2027-02-08", "NOT_A_WORKING_DAY"),
        ("2027-04-30", "NOT_A_WORKING_DAY"),
        ("2027-03-06", "NOT_A_WORKING_DAY"),
        ("2028-01-05", "DATE_OUT_OF_PERIOD"),
    ],
)
def test_periodic_visits_only_on_working_days_of_the_period(world, date_value, code):
    client, token = Client(), token_for(world.reviewer)
    plan_id = gql(client, CREATE, {"authority": gid("OrgUnit", world.province.pk)}, token=token)["data"][
        "createPlan"
    ]["plan"]["id"]
    result = gql(
        client,
        ADD,
        {"plan": plan_id, "unit": gid("OrgUnit", world.units["W01"].pk), "date": date_value},
        token=token,
    )["data"]["addPeriodicVisit"]
    assert codes(result) == [("date", code)] and not Visit.objects.exists()


def test_only_the_authority_side_may_plan(world):
    head = make_user("head", Role.UNIT_HEAD, world.units["W01"], heads=True)
    result = gql(Client(), CREATE, {"authority": gid("OrgUnit", world.province.pk)}, token=token_for(head))[
        "data"
    ]["createPlan"]
    assert codes(result) == [("authorityId", "NOT_FOUND")]  # the province is not even visible to a ward head
    dept_head = make_user("dept", Role.UNIT_HEAD, world.units["P1-TTR"], heads=True)
    result = gql(
        Client(), CREATE, {"authority": gid("OrgUnit", world.units["P1-TTR"].pk)}, token=token_for(dept_head)
    )["data"]["createPlan"]
    assert result["errors"] == []  # a department head plans inspections of the units under it
    assert not InspectionPlan.objects.filter(authority=world.province).exists()


def test_conflict_of_interest_and_overbooking(world):
    client, token = Client(), token_for(world.reviewer)
    inspector = world.inspectors[0]
    # The Thanh tra department is itself a unit of the plan: its own inspectors may not inspect it.
    other = create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Q1",
        year=2028,
        quarter=1,
        inspectors=world.inspectors,
    )
    own = add_periodic_visit(other, world.units["P1-TTR"], date(2028, 3, 9), actor=world.reviewer)
    result = gql(
        client, ASSIGN, {"visit": gid("Visit", own.pk), "people": [gid("User", inspector.pk)]}, token=token
    )["data"]["assignInspectors"]
    assert codes(result) == [("inspectorIds", "CONFLICT_OF_INTEREST")]
    assert not own.assignments.exists()
    # Two visits a day at most per inspector.
    day = date(2028, 3, 9)
    visits = [
        add_periodic_visit(other, world.units[code], day, actor=world.reviewer)
        for code in ("P1-STP", "W01", "W02")
    ]
    for visit in visits[:2]:
        ok = gql(
            client,
            ASSIGN,
            {"visit": gid("Visit", visit.pk), "people": [gid("User", inspector.pk)]},
            token=token,
        )["data"]["assignInspectors"]
        assert ok["errors"] == [] and ok["visit"]["inspectors"] == [{"username": inspector.username}]
    over = gql(
        client,
        ASSIGN,
        {"visit": gid("Visit", visits[2].pk), "people": [gid("User", inspector.pk)]},
        token=token,
    )["data"]["assignInspectors"]
    assert codes(over) == [("inspectorIds", "INSPECTOR_OVERBOOKED")]


CREATE_PERIOD = """mutation($authority: ID!, $year: Int!, $quarter: Int) {
  createPlan(authorityId: $authority, title: "Kế hoạch", year: $year, quarter: $quarter) {
    plan { id } errors { field code } } }"""
UPDATE_PERIOD = """mutation($id: ID!, $quarter: Int) { updatePlan(id: $id, quarter: $quarter) {
    plan { quarter } errors { field code } } }"""


@pytest.mark.parametrize(
    "first, second, refused",
    [
        ((2027, None), (2027, None), True),  # the same year twice
        ((2027, None), (2027, 2), True),  # a quarter of a year already planned
        ((2027, 3), (2027, None), True),  # the year of a quarter already planned
        ((2027, 3), (2027, 3), True),
        ((2027, 3), (2027, 4), False),  # two quarters do not overlap
        ((2027, None), (2028, 1), False),
    ],
)
def test_plans_of_one_authority_never_overlap(world, first, second, refused):
    client, token = Client(), token_for(world.reviewer)
    province = gid("OrgUnit", world.province.pk)
    made = gql(
        client, CREATE_PERIOD, {"authority": province, "year": first[0], "quarter": first[1]}, token=token
    )
    assert made["data"]["createPlan"]["errors"] == []
    again = gql(
        client, CREATE_PERIOD, {"authority": province, "year": second[0], "quarter": second[1]}, token=token
    )["data"]["createPlan"]
    expected = [("quarter" if second[1] else "year", "PERIOD_OVERLAPS")] if refused else []
    assert codes(again) == expected
    assert InspectionPlan.objects.filter(authority=world.province).count() == (1 if refused else 2)
    # Another authority plans the same period freely.
    other = gql(
        client,
        CREATE_PERIOD,
        {"authority": gid("OrgUnit", world.units["P1-TTR"].pk), "year": first[0], "quarter": first[1]},
        token=token,
    )["data"]["createPlan"]
    assert other["errors"] == []


def test_moving_a_plan_onto_another_ones_period_is_refused(world):
    q1 = create_plan(actor=world.reviewer, authority=world.province, title="Q1", year=2027, quarter=1)
    q2 = create_plan(actor=world.reviewer, authority=world.province, title="Q2", year=2027, quarter=2)
    token = token_for(world.reviewer)
    moved = gql(Client(), UPDATE_PERIOD, {"id": gid("Plan", q2.pk), "quarter": 1}, token=token)["data"][
        "updatePlan"
    ]
    assert codes(moved) == [("quarter", "PERIOD_OVERLAPS")]
    q2.refresh_from_db()
    assert q2.quarter == 2 and q1.quarter == 1
    same = gql(Client(), UPDATE_PERIOD, {"id": gid("Plan", q2.pk), "quarter": 2}, token=token)["data"][
        "updatePlan"
    ]
    assert same["errors"] == []  # a plan never overlaps itself
    with pytest.raises(ValidationError) as error:
        update_plan(q1, actor=world.reviewer, quarter=None)  # the whole year would cover Q2
    assert error.value.error_dict["quarter"][0].code == "period_overlaps"


BULK = """mutation($plan: ID!, $assignments: [VisitAssignmentInput!]!) {
  assignInspectorsBulk(planId: $plan, assignments: $assignments) {
    visits { unit { code } inspectors { username } } errors { field code } } }"""
INSPECTORS = """query($authority: ID!) { inspectors(authorityId: $authority) {
  inspector { username fullName } upcomingVisits visitsThisYear } }"""
PROPOSAL = """query($plan: ID!) { proposedAssignments(planId: $plan) {
  visit { unit { code } } inspectors { username } short } }"""


@pytest.fixture
def one_day_plan(world):
    """A draft plan for 2028 with five periodic visits on one day, P1-TTR (the inspectors' own unit) first."""
    plan = create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Q1",
        year=2028,
        quarter=1,
        inspectors=world.inspectors,
    )
    for code in ("P1-TTR", "P1-STP", "W01", "W02", "W03"):
        add_periodic_visit(plan, world.units[code], date(2028, 3, 9), actor=world.reviewer)
    return plan


def test_bulk_assignment_is_all_or_nothing_with_an_error_per_refused_visit(world, one_day_plan):
    first, second = (gid("User", inspector.pk) for inspector in world.inspectors)
    visits = {v.unit.code: gid("Visit", v.pk) for v in one_day_plan.visits.select_related("unit")}
    token = token_for(world.reviewer)
    refused = gql(
        Client(),
        BULK,
        {
            "plan": gid("Plan", one_day_plan.pk),
            "assignments": [
                {"visitId": visits["P1-TTR"], "inspectorIds": [first]},  # their own department
                {"visitId": visits["P1-STP"], "inspectorIds": [second]},
                {"visitId": visits["W01"], "inspectorIds": [second]},
                {"visitId": visits["W02"], "inspectorIds": [second]},  # a third visit that day
            ],
        },
        token=token,
    )["data"]["assignInspectorsBulk"]
    assert codes(refused) == [
        ("assignments.0.inspectorIds", "CONFLICT_OF_INTEREST"),
        ("assignments.3.inspectorIds", "INSPECTOR_OVERBOOKED"),
    ]
    assert not VisitAssignment.objects.filter(visit__plan=one_day_plan).exists()
    done = gql(
        Client(),
        BULK,
        {
            "plan": gid("Plan", one_day_plan.pk),
            "assignments": [
                {"visitId": visits["P1-STP"], "inspectorIds": [first, second]},
                {"visitId": visits["W01"], "inspectorIds": [first]},
                {"visitId": visits["W02"], "inspectorIds": [second]},
            ],
        },
        token=token,
    )["data"]["assignInspectorsBulk"]
    assert done["errors"] == [] and len(done["visits"]) == 3
    assert VisitAssignment.objects.filter(visit__plan=one_day_plan).count() == 4
    assert AuditEntry.objects.filter(action="visit.assign_inspectors").count() == 3
    # A visit of another plan, and a planner of nothing, are refused.
    other = approved_plan(world)
    foreign = gid("Visit", other.visits.first().pk)
    wrong = gql(
        Client(),
        BULK,
        {
            "plan": gid("Plan", one_day_plan.pk),
            "assignments": [{"visitId": foreign, "inspectorIds": [first]}],
        },
        token=token,
    )["data"]["assignInspectorsBulk"]
    assert codes(wrong) == [("assignments.0.visitId", "INVALID")]
    head, _staff = world.unit_people(world.units["W01"])
    hidden = gql(
        Client(),
        BULK,
        {
            "plan": gid("Plan", one_day_plan.pk),
            "assignments": [{"visitId": visits["W03"], "inspectorIds": [first]}],
        },
        token=token_for(head),
    )["data"]["assignInspectorsBulk"]
    assert codes(hidden) == [("planId", "NOT_FOUND")]


def test_planners_list_inspectors_with_their_load(world, one_day_plan):
    assign_inspectors(one_day_plan.visits.get(unit__code="W01"), [world.inspectors[0]], actor=world.reviewer)
    authority = gid("OrgUnit", world.province.pk)
    listed = gql(Client(), INSPECTORS, {"authority": authority}, token=token_for(world.reviewer))["data"]
    loads = {row["inspector"]["username"]: row for row in listed["inspectors"]}
    assert set(loads) == {"thanhtra1-p1", "thanhtra2-p1"}
    assert loads["thanhtra1-p1"]["upcomingVisits"] == 1 and loads["thanhtra2-p1"]["upcomingVisits"] == 0
    head, _staff = world.unit_people(world.units["W01"])
    assert (
        gql(Client(), INSPECTORS, {"authority": authority}, token=token_for(head))["data"]["inspectors"] == []
    )


def test_the_proposal_fills_by_capacity_and_honours_conflicts(world, one_day_plan, settings):
    settings.INSPECTORS_PER_VISIT = 1
    rows = gql(Client(), PROPOSAL, {"plan": gid("Plan", one_day_plan.pk)}, token=token_for(world.reviewer))[
        "data"
    ]["proposedAssignments"]
    proposal = {row["visit"]["unit"]["code"]: row for row in rows}
    # Both inspectors belong to P1-TTR: nobody may inspect it. Two inspectors × two visits a day cover four.
    assert proposal["P1-TTR"] == {"visit": {"unit": {"code": "P1-TTR"}}, "inspectors": [], "short": 1}
    booked = [row["inspectors"] for code, row in proposal.items() if code != "P1-TTR"]
    assert all(len(people) == 1 for people in booked)
    per_person = Counter(people[0]["username"] for people in booked)
    assert per_person == {"thanhtra1-p1": 2, "thanhtra2-p1": 2}
    # Accepted as proposed, it passes the bulk assignment's checks.
    plan = InspectionPlan.objects.get(pk=one_day_plan.pk)
    proposed = propose_assignments(plan, actor=world.reviewer)
    assign_inspectors_bulk(
        plan, [(p.visit, p.inspectors) for p in proposed if p.inspectors], actor=world.reviewer
    )
    assert VisitAssignment.objects.filter(visit__plan=plan).count() == 4
    assert propose_assignments(plan, actor=world.reviewer)[0].visit.unit.code == "P1-TTR"
