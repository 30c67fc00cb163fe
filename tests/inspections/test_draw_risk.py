"""Overdue remediation raises a unit's weight in the surprise draw: the remediations overdue on the draw's as-of
date (``Remediation.objects.overdue``), by the README's formula, published with the inputs so that the draw stays
verifiable."""

import json
from datetime import date, timedelta
from decimal import Decimal

from django.conf import settings
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from inspections.models import InspectionPlan, Remediation, RemediationState, VisitStatus
from inspections.services.calendar import working_days_between
from inspections.services.plans import add_periodic_visit, close_plan, create_plan, recorded_draw, risk_weight
from tests.factories import add_finding, gid, gql, token_for

PREVIEW = """query($plan: ID!) { previewDraw(planId: $plan) {
  surpriseCount units { unit { code } weight probability } } }"""
APPROVE = "mutation($id: ID!) { approvePlan(id: $id) { commitment errors { field code } } }"
VERIFY = "query($plan: ID!) { verifyDraw(planId: $plan) { revealed matchesCommitment matchesInputs matchesVisits ok } }"


def remediation_at(
    world, code, *, deadline_in: int, state=RemediationState.OPEN, answered_in: int | None = None
):
    """A CCTV finding of last week at ``code`` and its remediation due ``deadline_in`` days from today (answered
    ``answered_in`` days from today, if given). Every unit given one carries the same finding signal, so twins
    differ only by their remediation."""
    today = timezone.localdate()
    answered = today + timedelta(days=answered_in) if answered_in is not None else None
    finding = add_finding(
        world.units[code],
        "OSS-10",
        "minor",
        today - timedelta(days=7),
        today + timedelta(days=deadline_in),
        answered=answered,
        state=state,
        author=world.inspectors[0],
    )
    return finding.remediation


def draft_plan(world, *, periodic: bool = False):
    """A draft plan of next year for the world's province (12 units, target 4); with ``periodic``, the two
    departments get periodic visits on the first working days of March, so that it can be approved."""
    year = timezone.localdate().year + 1
    plan = create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Kiểm tra CCHC",
        year=year,
        inspectors=world.inspectors,
    )
    if periodic:
        days = working_days_between(date(year, 3, 2), date(year, 3, 31))
        for code, day in zip(("P1-STP", "P1-TTR"), days, strict=False):
            add_periodic_visit(plan, world.units[code], day, actor=world.reviewer)
    return plan


def preview(plan, reviewer) -> tuple[int, dict[str, dict]]:
    data = gql(Client(), PREVIEW, {"plan": gid("Plan", plan.pk)}, token=token_for(reviewer))
    rows = data["data"]["previewDraw"]
    return rows["surpriseCount"], {row["unit"]["code"]: row for row in rows["units"]}


def test_overdue_on_a_day_is_waiting_for_the_unit_with_its_deadline_before_that_day(world):
    today = timezone.localdate()
    yesterday = remediation_at(world, "W01", deadline_in=-1).pk
    rejected = remediation_at(
        world, "W01", deadline_in=-30, state=RemediationState.REJECTED, answered_in=-40
    ).pk
    overdue = {yesterday, rejected}
    remediation_at(world, "W01", deadline_in=0)  # due today: not overdue yet
    remediation_at(world, "W01", deadline_in=1)
    remediation_at(world, "W01", deadline_in=-1, state=RemediationState.ANSWERED, answered_in=-2)
    remediation_at(
        world, "W01", deadline_in=-5, state=RemediationState.ANSWERED, answered_in=-1
    )  # late, answered
    remediation_at(world, "W01", deadline_in=-9, state=RemediationState.ACCEPTED, answered_in=-10)
    remediation_at(world, "W01", deadline_in=-9, state=RemediationState.CLOSED, answered_in=-10)

    assert set(Remediation.objects.overdue(today).values_list("pk", flat=True)) == overdue
    assert {r.pk for r in Remediation.objects.all() if r.is_overdue(today)} == overdue
    # Tomorrow the one due today is overdue too; yesterday only the one due a month ago was.
    assert Remediation.objects.overdue(today + timedelta(days=1)).count() == 3
    assert list(Remediation.objects.overdue(today - timedelta(days=1)).values_list("pk", flat=True)) == [
        rejected
    ]
    # The API's filter is the same rule.
    data = gql(
        Client(), "{ remediations(overdue: true, first: 50) { totalCount } }", token=token_for(world.reviewer)
    )
    assert data["data"]["remediations"]["totalCount"] == 2


def test_an_overdue_remediation_raises_the_weight_by_the_formula(world):
    factor = Decimal(settings.DRAW_RISK_FACTORS["overdue_remediations"])
    assert factor > 0
    remediation_at(world, "W01", deadline_in=-1)  # overdue today
    remediation_at(
        world, "W02", deadline_in=-1, state=RemediationState.ANSWERED, answered_in=-3
    )  # answered in time
    remediation_at(world, "W03", deadline_in=0)  # due today
    remediation_at(world, "W04", deadline_in=5)  # due after the as-of date
    plan = draft_plan(world)

    count, rows = preview(plan, world.reviewer)
    twin = Decimal(str(rows["W02"]["weight"]))
    assert twin == risk_weight({"cctv_flags": 1}) > Decimal(1)  # the finding itself still counts
    assert Decimal(str(rows["W03"]["weight"])) == Decimal(str(rows["W04"]["weight"])) == twin
    assert (
        Decimal(str(rows["W01"]["weight"]))
        == twin + factor
        == risk_weight({"cctv_flags": 1, "overdue_remediations": 1})
    )
    assert Decimal(str(rows["W05"]["weight"])) == Decimal(1)
    assert rows["W01"]["probability"] > rows["W02"]["probability"]
    assert abs(rows["W02"]["probability"] - rows["W03"]["probability"]) <= 1e-9  # one billionth of rounding
    assert rows["W02"]["probability"] > rows["W05"]["probability"] >= 0.1
    assert abs(sum(row["probability"] for row in rows.values()) - count) < 1e-6


def test_many_overdue_items_reach_the_cap_yet_never_certainty_and_the_floor_holds(world):
    for _ in range(12):
        remediation_at(world, "W01", deadline_in=-2)
    for _ in range(3):
        remediation_at(world, "W02", deadline_in=-2)
    plan = draft_plan(world)

    count, rows = preview(plan, world.reviewer)
    assert Decimal(str(rows["W01"]["weight"])) == Decimal(settings.DRAW_MAX_WEIGHT)
    assert Decimal(str(rows["W02"]["weight"])) == risk_weight({"cctv_flags": 3, "overdue_remediations": 3})
    probabilities = [row["probability"] for row in rows.values()]
    assert (
        count >= 1 and max(probabilities) < 1 and min(probabilities) >= float(settings.DRAW_FLOOR_PROBABILITY)
    )
    assert rows["W01"]["probability"] == max(probabilities)


def test_the_overdue_signal_is_in_the_published_inputs_and_the_draw_verifies(world, tmp_path, capsys):
    remediation_at(world, "W01", deadline_in=-1)
    plan = draft_plan(world, periodic=True)
    _count, rows = preview(plan, world.reviewer)
    client, token = Client(), token_for(world.reviewer)
    approved = gql(client, APPROVE, {"id": gid("Plan", plan.pk)}, token=token)["data"]["approvePlan"]
    assert approved["errors"] == []
    plan = InspectionPlan.objects.get(pk=plan.pk)
    published = {unit["code"]: unit["weight"] for unit in plan.published_inputs["units"]}
    assert published["W01"] == str(risk_weight({"cctv_flags": 1, "overdue_remediations": 1}))
    assert Decimal(published["W01"]) == Decimal(str(rows["W01"]["weight"]))

    # The unit answers afterwards: the published weights stand, the draw still verifies from them alone.
    Remediation.objects.filter(unit=world.units["W01"]).update(state=RemediationState.ANSWERED)
    plan.visits.update(status=VisitStatus.IN_PROGRESS)
    plan = close_plan(plan, actor=world.reviewer)
    verified = gql(client, VERIFY, {"plan": gid("Plan", plan.pk)}, token=token)["data"]["verifyDraw"]
    assert verified == {
        "revealed": True,
        "matchesCommitment": True,
        "matchesInputs": True,
        "matchesVisits": True,
        "ok": True,
    }
    inputs, visits = tmp_path / "inputs.json", tmp_path / "visits.json"
    inputs.write_text(json.dumps(plan.published_inputs), encoding="utf-8")
    visits.write_text(json.dumps({code: day.isoformat() for code, day in recorded_draw(plan).items()}))
    call_command(
        "verify_draw",
        inputs=str(inputs),
        seed=plan.revealed_seed,
        commitment=plan.commitment,
        digest=plan.inputs_digest,
        visits=str(visits),
    )
    report = json.loads(capsys.readouterr().out)
    assert report["matchesCommitment"] and report["matchesInputs"] and report["matchesVisits"]
