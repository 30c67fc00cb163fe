"""Plans through GraphQL: create, periodic visits, preview, approve (commit), assign, close (reveal), verify."""

import json
from datetime import date

import pytest
from django.test import Client

from inspections.models import InspectionPlan, PlanSecret, PlanStatus, Role, Visit, VisitStatus
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
    plan = approved_plan(world)
    client, token = Client(), token_for(world.reviewer)
    inspector = world.inspectors[0]
    # The Thanh tra department is itself a unit of the plan: its own inspectors may not inspect it.
    from inspections.services.plans import add_periodic_visit, create_plan

    other = create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Q1",
        year=2027,
        quarter=1,
        inspectors=world.inspectors,
    )
    own = add_periodic_visit(other, world.units["P1-TTR"], date(2027, 3, 9), actor=world.reviewer)
    result = gql(
        client, ASSIGN, {"visit": gid("Visit", own.pk), "people": [gid("User", inspector.pk)]}, token=token
    )["data"]["assignInspectors"]
    assert codes(result) == [("inspectorIds", "CONFLICT_OF_INTEREST")]
    assert not own.assignments.exists()
    # Two visits a day at most per inspector.
    day = date(2027, 3, 3)
    visits = [plan.visits.get(unit__code="P1-STP")]
    for code in ("W01", "W02"):
        visits.append(add_periodic_visit(other, world.units[code], day, actor=world.reviewer))
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
