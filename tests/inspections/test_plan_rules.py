"""Targets, risk weights, coverage and the at-risk flag."""

from datetime import date
from decimal import Decimal

from inspections.models import OrgUnit, VisitStatus
from inspections.services.coverage import plan_coverage
from inspections.services.plans import (
    create_plan,
    period_of,
    plan_draw_inputs,
    preview_draw,
    risk_weight,
    target_units,
)
from tests.factories import approved_plan


def test_target_is_a_whole_number_of_units(world):
    plan = create_plan(actor=world.reviewer, authority=world.province, title="x", year=2027)
    assert target_units(plan, 12) == 4  # ceil(0.3 × 12)
    assert target_units(plan, 10) == 3
    plan.coverage_target = Decimal("0.35")
    assert target_units(plan, 10) == 4
    assert period_of(plan) == (date(2027, 1, 1), date(2027, 12, 31))
    plan.quarter = 4
    assert period_of(plan) == (date(2027, 10, 1), date(2027, 12, 31))


def test_risk_raises_weight_up_to_the_cap():
    assert risk_weight({}) == Decimal("1.000")
    assert risk_weight({"critical_findings": 1, "citizen_complaints": 2}) == Decimal("1.700")
    assert risk_weight({"overdue_remediations": 40}) == Decimal("4.000")


def test_complaints_show_in_the_preview(world):
    OrgUnit.objects.filter(code="W03").update(citizen_complaints=10)
    plan = create_plan(
        actor=world.reviewer, authority=world.province, title="x", year=2027, inspectors=world.inspectors
    )
    _planning, rows = preview_draw(plan, actor=world.reviewer, today=date(2026, 12, 1))
    by_code = {row.unit.code: row for row in rows}
    assert by_code["W03"].weight == Decimal("2.000")
    assert by_code["W03"].probability > by_code["W04"].probability >= Decimal("0.1")
    assert (
        sum(row.probability for row in rows)
        == plan_draw_inputs(plan, today=date(2026, 12, 1)).inputs.surprise_count
    )


def test_coverage_counts_checked_in_visits_and_flags_risk(world):
    plan = approved_plan(world)
    early = plan_coverage(plan, viewer=world.reviewer, today=date(2027, 1, 4))
    assert (early.unit_count, early.target_units, early.planned_units, early.visited_units) == (12, 4, 4, 0)
    assert not early.at_risk
    plan.visits.filter(unit__code="P1-STP").update(status=VisitStatus.SUBMITTED)
    late = plan_coverage(plan, viewer=world.reviewer, today=date(2027, 12, 30))
    assert late.visited_units == 1 and late.visits_left == 3
    assert late.working_days_left == 2 and late.at_risk is False  # 2 days × 2 inspectors × 2 visits ≥ 3
    last_day = plan_coverage(plan, viewer=world.reviewer, today=date(2027, 12, 31))
    assert last_day.working_days_left == 1 and last_day.at_risk is False
    plan.inspectors.set(world.inspectors[:1])
    assert plan_coverage(plan, viewer=world.reviewer, today=date(2027, 12, 31)).at_risk is True
