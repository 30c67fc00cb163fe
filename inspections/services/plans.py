"""Inspection plans: creation, periodic visits, the surprise draw at approval, inspectors, closing."""

import math
import secrets
from collections import Counter
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.error_codes import PlanErrorCode, fail, fail_together
from inspections.models import (
    AuditAction,
    CoverageScope,
    InspectionPlan,
    OrgUnit,
    PlanSecret,
    PlanStatus,
    Role,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
)
from inspections.services import draw as draw_service
from inspections.services.audit import record
from inspections.services.calendar import is_working_day, working_days_between
from inspections.services.divisions import HOME_AFFAIRS_SUFFIX
from inspections.services.visibility import authority_path, can_manage_plans_for, unit_scope, visible_visits

logger = structlog.get_logger(__name__)


def today_local() -> date:
    return timezone.localdate()


# --- the plan's universe ---------------------------------------------------------------------------------


def period_of(plan: InspectionPlan) -> tuple[date, date]:
    if plan.quarter:
        start = date(plan.year, 3 * plan.quarter - 2, 1)
        end = date(plan.year + (plan.quarter == 4), (3 * plan.quarter) % 12 + 1, 1) - timedelta(days=1)
        return start, end
    return date(plan.year, 1, 1), date(plan.year, 12, 31)


def plan_units(plan: InspectionPlan) -> QuerySet[OrgUnit]:
    """The units the plan must cover: the authority's direct subordinates, or its whole subtree, without Home
    Affairs' own department (see ``home_affairs_paths``)."""
    if plan.scope == CoverageScope.SUBTREE:
        units = OrgUnit.objects.filter(path__startswith=plan.authority.path).exclude(pk=plan.authority_id)
    else:
        units = OrgUnit.objects.filter(parent_id=plan.authority_id)
    return units.exclude(path__in=home_affairs_paths(plan.authority))


def home_affairs_paths(authority: OrgUnit) -> set[str]:
    """Paths of the units under ``authority`` that Home Affairs' staff belong to (the Sở Nội vụ, and any unit
    holding a Home Affairs reviewer), with their ancestors. Home Affairs runs every plan of its province and
    may see every surprise visit except one at its own unit (rule 1): a unit it belongs to is never drawn nor
    counted in a target, or a planner would meet counts and refusals that depend on a visit hidden from them.
    The provincial Inspectorate inspects Sở Nội vụ instead (README, *Inspection plans*)."""
    units = OrgUnit.objects.filter(path__startswith=authority.path).exclude(pk=authority.pk)
    own = set(units.filter(code__endswith=f"-{HOME_AFFAIRS_SUFFIX}").values_list("path", flat=True)) | set(
        User.objects.filter(
            role=Role.HOME_AFFAIRS, is_active=True, unit__path__startswith=authority.path
        ).values_list("unit__path", flat=True)
    )
    step = OrgUnit.steplen
    return {path[:end] for path in own for end in range(step, len(path) + 1, step)} - {authority.path}


def target_units(plan: InspectionPlan, unit_count: int) -> int:
    """The coverage target as a whole number of units: ceil(target × units)."""
    return math.ceil(plan.coverage_target * unit_count)


def surprise_count(plan: InspectionPlan, target: int, eligible: int) -> int:
    """ceil(target × surprise share), raised so that every eligible unit can keep the floor probability."""
    floor = Decimal(settings.DRAW_FLOOR_PROBABILITY)
    wanted = max(
        math.ceil(target * plan.surprise_share), math.ceil(floor * eligible) if plan.surprise_share else 0
    )
    return min(wanted, eligible)


# --- permissions -----------------------------------------------------------------------------------------


def check_can_manage(authority: OrgUnit, actor: User) -> None:
    if not can_manage_plans_for(actor, authority):
        raise fail(
            PlanErrorCode.PERMISSION_DENIED,
            _("Only the authority's head, its Home Affairs reviewers or an administrator may do this."),
        )


def check_draft(plan: InspectionPlan) -> None:
    if plan.status != PlanStatus.DRAFT:
        raise fail(PlanErrorCode.NOT_DRAFT, _("The plan is approved: its visits and settings are fixed."))


def check_team(authority: OrgUnit, inspectors: list[User]) -> None:
    for inspector in inspectors:
        if inspector.role != Role.INSPECTOR or not unit_scope(inspector).contains(authority):
            raise fail(
                PlanErrorCode.NOT_AN_INSPECTOR,
                _("%(name)s is not an inspector of this authority.") % {"name": inspector.display_name},
                "inspector_ids",
            )


def _check_numbers(coverage_target, surprise_share) -> None:
    if coverage_target is not None and not (Decimal("0") < Decimal(coverage_target) <= 1):
        raise fail(
            PlanErrorCode.INVALID, _("The coverage target is a share between 0 and 1."), "coverage_target"
        )
    if surprise_share is not None and not (Decimal("0") <= Decimal(surprise_share) <= 1):
        raise fail(PlanErrorCode.INVALID, _("The surprise share is between 0 and 1."), "surprise_share")


def _check_period(year: int, quarter: int | None) -> None:
    if not 2000 <= year <= 2100:
        raise fail(PlanErrorCode.INVALID, _("The year is out of range."), "year")
    if quarter is not None and not 1 <= quarter <= 4:
        raise fail(PlanErrorCode.INVALID, _("The quarter is 1, 2, 3 or 4."), "quarter")


def check_no_overlap(
    authority: OrgUnit,
    year: int,
    quarter: int | None,
    *,
    excluding: InspectionPlan | None = None,
    field: str | None = None,
) -> None:
    """One plan per authority and period: a year overlaps each of its quarters, a quarter only itself. The
    authority's row is locked first, so two plans created at once cannot both pass."""
    OrgUnit.objects.select_for_update().filter(pk=authority.pk).first()
    same_year = InspectionPlan.objects.filter(authority=authority, year=year)
    if excluding is not None:
        same_year = same_year.exclude(pk=excluding.pk)
    if quarter is not None:
        same_year = same_year.filter(Q(quarter__isnull=True) | Q(quarter=quarter))
    clash = same_year.order_by("pk").first()
    if clash is not None:
        raise fail(
            PlanErrorCode.PERIOD_OVERLAPS,
            _("The authority already has a plan for this period: %(title)s.") % {"title": clash.title},
            field or ("quarter" if quarter is not None else "year"),
        )


# --- changes ---------------------------------------------------------------------------------------------


@transaction.atomic
def create_plan(
    *,
    actor: User,
    authority: OrgUnit,
    title: str,
    year: int,
    quarter: int | None = None,
    coverage_target: Decimal | None = None,
    scope: str | None = None,
    surprise_share: Decimal | None = None,
    inspectors: list[User] | None = None,
) -> InspectionPlan:
    """A draft plan of ``authority``. Checks everything before writing anything."""
    check_can_manage(authority, actor)
    if not title.strip():
        raise fail(PlanErrorCode.REQUIRED, _("Give the plan a title."), "title")
    _check_period(year, quarter)
    _check_numbers(coverage_target, surprise_share)
    check_team(authority, inspectors or [])
    check_no_overlap(authority, year, quarter)
    plan = InspectionPlan(
        authority=authority,
        title=title.strip()[:255],
        year=year,
        quarter=quarter,
        created_by=actor,
        scope=scope or CoverageScope.DIRECT,
    )
    if coverage_target is not None:
        plan.coverage_target = Decimal(coverage_target)
    if surprise_share is not None:
        plan.surprise_share = Decimal(surprise_share)
    plan.save()
    plan.inspectors.set(inspectors or [])
    record(
        actor,
        None,
        AuditAction.PLAN_CREATE,
        plan,
        {"authority": authority.code, "year": year, "quarter": quarter, "title": plan.title},
    )
    logger.info("plan_created", plan=plan.pk, authority=authority.code, actor=actor.pk)
    return plan


@transaction.atomic
def update_plan(plan: InspectionPlan, *, actor: User, **changes) -> InspectionPlan:
    """Change a draft plan; ``changes`` among title, year, quarter, coverage_target, scope, surprise_share,
    inspectors."""
    check_can_manage(plan.authority, actor)
    check_draft(plan)
    if "title" in changes and not (changes["title"] or "").strip():
        raise fail(PlanErrorCode.REQUIRED, _("Give the plan a title."), "title")
    _check_period(changes.get("year", plan.year), changes.get("quarter", plan.quarter))
    _check_numbers(changes.get("coverage_target"), changes.get("surprise_share"))
    if "year" in changes or "quarter" in changes:
        check_no_overlap(
            plan.authority,
            changes.get("year", plan.year),
            changes.get("quarter", plan.quarter),
            excluding=plan,
            field="quarter" if "quarter" in changes else "year",
        )
    inspectors = changes.pop("inspectors", None)
    if inspectors is not None:
        check_team(plan.authority, inspectors)
        plan.inspectors.set(inspectors)
    for name, value in changes.items():
        setattr(plan, name, value.strip() if name == "title" else value)
    if changes:
        plan.save()
    audited: dict[str, object] = {
        name: value if value is None or isinstance(value, (int, str)) else str(value)
        for name, value in changes.items()
    }
    if inspectors is not None:
        audited["inspectors"] = [inspector.username for inspector in inspectors]
    record(actor, None, AuditAction.PLAN_UPDATE, plan, audited)
    return plan


@transaction.atomic
def add_periodic_visit(plan: InspectionPlan, unit: OrgUnit, planned_date: date, *, actor: User) -> Visit:
    """A periodic visit chosen by people: a unit of the plan, on a working day of its period."""
    check_can_manage(plan.authority, actor)
    check_draft(plan)
    if not plan_units(plan).filter(pk=unit.pk).exists():
        raise fail(
            PlanErrorCode.UNIT_NOT_IN_PLAN, _("This unit is not among the units the plan covers."), "unit_id"
        )
    start, end = period_of(plan)
    if not start <= planned_date <= end:
        raise fail(PlanErrorCode.DATE_OUT_OF_PERIOD, _("The date is outside the plan's period."), "date")
    if not is_working_day(planned_date):
        raise fail(
            PlanErrorCode.NOT_A_WORKING_DAY, _("The date is a weekend day or a public holiday."), "date"
        )
    if Visit.objects.filter(plan=plan, unit=unit).exists():
        raise fail(PlanErrorCode.ALREADY_PLANNED, _("The unit already has a visit in this plan."), "unit_id")
    visit = Visit.objects.create(plan=plan, unit=unit, kind=VisitKind.PERIODIC, planned_date=planned_date)
    record(
        actor,
        None,
        AuditAction.PLAN_ADD_PERIODIC_VISIT,
        plan,
        {"visit": str(visit.uuid), "unit": unit.code, "date": planned_date.isoformat()},
    )
    return visit


# --- the draw --------------------------------------------------------------------------------------------

RISK_SIGNALS = (
    "critical_findings",
    "major_findings",
    "minor_findings",
    "overdue_remediations",
    "cctv_flags",
    "citizen_complaints",
)

# Functions (unit ids, as_of) -> {unit_id: {signal: count}}; the findings, remediation and CCTV modules add theirs.
RISK_SOURCES: list = []


def risk_signals(complaints: dict[int, int], *, as_of: date) -> dict[int, dict[str, int]]:
    """Per unit id, the counts that raise its weight. Citizen complaints are entered by administrators;
    findings, overdue remediation and confirmed CCTV flags are counted from their records (field issue,
    remediation issue, CCTV issue) through ``RISK_SOURCES``."""
    signals = {
        unit_id: {**dict.fromkeys(RISK_SIGNALS, 0), "citizen_complaints": count}
        for unit_id, count in complaints.items()
    }
    for source in RISK_SOURCES:
        for unit_id, counts in source(list(complaints), as_of).items():
            signals[unit_id].update(counts)
    return signals


def risk_weight(signals: dict[str, int]) -> Decimal:
    """1 + Σ factor × count, capped at DRAW_MAX_WEIGHT, to three decimals."""
    return risk_weights({0: signals})[0]


def risk_weights(signals: dict[int, dict[str, int]]) -> dict[int, Decimal]:
    """``risk_weight`` for many units at once, in integer thousandths (the same result, faster)."""
    factors = {name: int(Decimal(settings.DRAW_RISK_FACTORS[name]) * 1000) for name in RISK_SIGNALS}
    cap = int(Decimal(settings.DRAW_MAX_WEIGHT) * 1000)
    thousandth = Decimal("0.001")
    return {
        unit_id: Decimal(min(cap, 1000 + sum(factors[name] * counts.get(name, 0) for name in RISK_SIGNALS)))
        * thousandth
        for unit_id, counts in signals.items()
    }


@dataclass(frozen=True)
class DrawPlanning:
    inputs: draw_service.DrawInputs
    target: int
    unit_count: int
    periodic_count: int
    unit_ids: dict[str, int]  # eligible unit code -> id


def plan_draw_inputs(plan: InspectionPlan, *, today: date | None = None) -> DrawPlanning:
    """The published inputs the draw of ``plan`` would use if approved ``today``."""
    today = today or today_local()
    units = list(plan_units(plan).order_by("code").values_list("pk", "code", "citizen_complaints"))
    periodic = list(plan.visits.filter(kind=VisitKind.PERIODIC).values_list("unit_id", "planned_date"))
    periodic_units = {unit_id for unit_id, _day in periodic}
    eligible = [row for row in units if row[0] not in periodic_units]
    target = target_units(plan, len(units))
    count = surprise_count(plan, target, len(eligible))
    weights = risk_weights(risk_signals({pk: complaints for pk, _code, complaints in eligible}, as_of=today))
    start, end = period_of(plan)
    team_size = plan.inspectors.count()
    inputs = draw_service.DrawInputs(
        plan=plan.pk,
        authority=plan.authority.code,
        period_start=start,
        period_end=end,
        surprise_count=count,
        floor=Decimal(settings.DRAW_FLOOR_PROBABILITY),
        ceiling=Decimal(settings.DRAW_MAX_INCLUSION_PROBABILITY),
        units=tuple((code, weights[pk]) for pk, code, _complaints in eligible),
        working_days=tuple(working_days_between(max(start, today + timedelta(days=1)), end)),
        capacity_per_day=team_size * settings.VISITS_PER_INSPECTOR_PER_DAY,
        booked=tuple(sorted(Counter(day for _unit, day in periodic).items())),
    )
    return DrawPlanning(
        inputs=inputs,
        target=target,
        unit_count=len(units),
        periodic_count=len(periodic),
        unit_ids={code: pk for pk, code, _complaints in eligible},
    )


@dataclass(frozen=True)
class PreviewRow:
    unit: OrgUnit
    weight: Decimal
    probability: Decimal


def preview_draw(
    plan: InspectionPlan, *, actor: User, today: date | None = None
) -> tuple[DrawPlanning, list]:
    """Each eligible unit's weight and inclusion probability, for the plan's owner before approval."""
    check_can_manage(plan.authority, actor)
    planning = plan_draw_inputs(plan, today=today)
    inputs = planning.inputs
    probabilities = draw_service.inclusion_probabilities(
        inputs.units, inputs.surprise_count, inputs.floor, inputs.ceiling
    )
    units = OrgUnit.objects.in_bulk(list(planning.unit_ids.values()))
    rows = [
        PreviewRow(
            unit=units[planning.unit_ids[code]],
            weight=weight,
            probability=Decimal(probabilities[code]) / draw_service.SCALE,
        )
        for code, weight in inputs.units
    ]
    return planning, rows


@transaction.atomic
def approve_plan(plan: InspectionPlan, *, actor: User, today: date | None = None) -> InspectionPlan:
    """Draw the surprise visits from a fresh secret seed, publish the commitment and the inputs.

    The seed goes to ``PlanSecret``, which no API reads, until ``close_plan`` reveals it.
    """
    plan = InspectionPlan.objects.select_for_update().select_related("authority").get(pk=plan.pk)
    check_can_manage(plan.authority, actor)
    check_draft(plan)
    planning = plan_draw_inputs(plan, today=today)
    inputs = planning.inputs
    if planning.periodic_count + inputs.surprise_count < planning.target:
        raise fail(
            PlanErrorCode.BELOW_TARGET,
            _(
                "Periodic and surprise visits (%(planned)d) are fewer than the target (%(target)d units): add "
                "periodic visits or raise the surprise share."
            )
            % {"planned": planning.periodic_count + inputs.surprise_count, "target": planning.target},
        )
    if inputs.surprise_count and inputs.capacity_per_day == 0:
        raise fail(
            PlanErrorCode.NO_INSPECTORS, _("Assign an inspection team before approving."), "inspector_ids"
        )
    seed = secrets.token_bytes(32)
    try:
        drawn = draw_service.draw(inputs, seed)
    except draw_service.DrawError as exc:
        raise fail(
            PlanErrorCode.NO_CAPACITY,
            _("The team cannot make all the visits on the working days left in the period."),
        ) from exc
    Visit.objects.bulk_create(
        [
            Visit(plan=plan, unit_id=planning.unit_ids[code], kind=VisitKind.SURPRISE, planned_date=day)
            for code, day in sorted(drawn.items())
        ]
    )
    PlanSecret.objects.create(plan=plan, seed=seed.hex())
    plan.status = PlanStatus.APPROVED
    plan.commitment = draw_service.commitment_for(seed)
    plan.algorithm_version = inputs.algorithm
    plan.published_inputs = inputs.to_json()
    plan.inputs_digest = inputs.digest()
    plan.approved_by, plan.approved_at = actor, timezone.now()
    plan.save()
    # The commitment and the inputs' digest are what anyone checks the draw against later; which units were
    # drawn stays out of the log until the seed is revealed (rule 1).
    record(
        actor,
        None,
        AuditAction.PLAN_APPROVE,
        plan,
        {
            "commitment": plan.commitment,
            "inputs_digest": plan.inputs_digest,
            "algorithm": plan.algorithm_version,
            "surprise_visits": len(drawn),
        },
    )
    logger.info("plan_approved", plan=plan.pk, surprise=len(drawn), actor=actor.pk)
    return plan


@transaction.atomic
def close_plan(plan: InspectionPlan, *, actor: User, today: date | None = None) -> InspectionPlan:
    """Close the plan and reveal its seed, once the period is over or every surprise visit has happened
    (revealing earlier would tell units the dates still to come)."""
    plan = InspectionPlan.objects.select_for_update().select_related("authority").get(pk=plan.pk)
    check_can_manage(plan.authority, actor)
    if plan.status != PlanStatus.APPROVED:
        raise fail(PlanErrorCode.NOT_APPROVED, _("Only an approved plan can be closed."))
    today = today or today_local()
    _start, end = period_of(plan)
    pending = plan.visits.filter(kind=VisitKind.SURPRISE, status="planned").exists()
    if today <= end and pending:
        raise fail(
            PlanErrorCode.PERIOD_NOT_OVER,
            _("Surprise visits are still to come: the seed is revealed when the period is over."),
        )
    secret = PlanSecret.objects.get(plan=plan)
    plan.revealed_seed = secret.seed
    plan.status = PlanStatus.CLOSED
    plan.closed_at = timezone.now()
    plan.save(update_fields=["revealed_seed", "status", "closed_at"])
    record(
        actor,
        None,
        AuditAction.PLAN_CLOSE,
        plan,
        {"revealed_seed": plan.revealed_seed, "commitment": plan.commitment},
    )
    logger.info("plan_closed", plan=plan.pk, actor=actor.pk)
    return plan


def recorded_draw(plan: InspectionPlan) -> dict[str, date]:
    return dict(plan.visits.filter(kind=VisitKind.SURPRISE).values_list("unit__code", "planned_date"))


def verify_plan_draw(plan: InspectionPlan) -> draw_service.Verification | None:
    """None until the seed is revealed; then the three checks of ``draw.verify``."""
    if not plan.revealed_seed or not plan.published_inputs:
        return None
    inputs = draw_service.DrawInputs.from_json(plan.published_inputs)
    return draw_service.verify(
        inputs, plan.revealed_seed, plan.commitment, plan.inputs_digest, recorded_draw(plan)
    )


# --- inspectors ------------------------------------------------------------------------------------------


def _assignment_problem(
    visit: Visit, inspectors: list[User], booked: Counter, field: str
) -> ValidationError | None:
    """Why ``inspectors`` may not make ``visit`` (the first reason), or None. ``booked`` counts the visits
    each (inspector id, day) already has, the visit itself left out."""
    if not inspectors:
        return fail(PlanErrorCode.REQUIRED, _("Name at least one inspector."), field)
    for inspector in inspectors:
        if inspector.role != Role.INSPECTOR or not unit_scope(inspector).contains(visit.plan.authority):
            return fail(
                PlanErrorCode.NOT_AN_INSPECTOR,
                _("%(name)s is not an inspector of this authority.") % {"name": inspector.display_name},
                field,
            )
    for inspector in inspectors:
        if has_conflict_of_interest(inspector, visit.unit):
            return fail(
                PlanErrorCode.CONFLICT_OF_INTEREST,
                _("%(name)s belongs to the inspected unit (or a unit under it) and may not inspect it.")
                % {"name": inspector.display_name},
                field,
            )
    for inspector in inspectors:
        count = booked[inspector.pk, visit.planned_date]
        if count >= settings.VISITS_PER_INSPECTOR_PER_DAY:
            return fail(
                PlanErrorCode.INSPECTOR_OVERBOOKED,
                _("%(name)s already has %(count)d visits on that day.")
                % {"name": inspector.display_name, "count": count},
                field,
            )
    return None


def has_conflict_of_interest(inspector: User, unit: OrgUnit) -> bool:
    """An inspector who belongs to the inspected unit, or a unit under it, may not inspect it."""
    return inspector.unit is not None and inspector.unit.path.startswith(unit.path)


def _bookings(inspectors, days, leaving_out, actor: User) -> Counter:
    """Visits per (inspector id, day) on ``days``, the visits ``leaving_out`` (being reassigned) not counted.
    Only visits ``actor`` may see count: a refusal must not tell a planner of a surprise visit hidden from them
    (rule 1), even at the price of an inspector booked once more than VISITS_PER_INSPECTOR_PER_DAY."""
    rows = (
        VisitAssignment.objects.filter(
            inspector__in=inspectors,
            visit__planned_date__in=set(days),
            visit__in=visible_visits(actor).values("pk"),
        )
        .exclude(visit__in=leaving_out)
        .values_list("inspector_id", "visit__planned_date")
    )
    return Counter(rows)


def _write_assignment(visit: Visit, inspectors: list[User], actor: User) -> None:
    VisitAssignment.objects.filter(visit=visit).exclude(inspector__in=inspectors).delete()
    existing = set(VisitAssignment.objects.filter(visit=visit).values_list("inspector_id", flat=True))
    VisitAssignment.objects.bulk_create(
        [
            VisitAssignment(visit=visit, inspector=inspector, assigned_by=actor)
            for inspector in inspectors
            if inspector.pk not in existing
        ]
    )


@transaction.atomic
def assign_inspectors(visit: Visit, inspectors: list[User], *, actor: User) -> Visit:
    """Assign inspectors to a visit. Never one who belongs to the inspected unit or a unit under it; never
    more than VISITS_PER_INSPECTOR_PER_DAY visits for one inspector on one day that the planner may see."""
    plan = visit.plan
    check_can_manage(plan.authority, actor)
    problem = _assignment_problem(
        visit, inspectors, _bookings(inspectors, [visit.planned_date], [visit], actor), "inspector_ids"
    )
    if problem is not None:
        raise problem
    _write_assignment(visit, inspectors, actor)
    record(
        actor,
        None,
        AuditAction.VISIT_ASSIGN_INSPECTORS,
        visit,
        {"inspectors": [inspector.username for inspector in inspectors]},
    )
    return visit


@transaction.atomic
def assign_inspectors_bulk(
    plan: InspectionPlan, assignments: list[tuple[Visit, list[User]]], *, actor: User
) -> list[Visit]:
    """Set the inspectors of many visits of ``plan`` at once, all or nothing: every visit is checked (its plan,
    conflicts of interest, each inspector's visits per day counting the other assignments of the same call)
    and the errors of every refused visit are raised together, on ``assignments.<i>.inspector_ids``."""
    check_can_manage(plan.authority, actor)
    visits = [visit for visit, _people in assignments]
    everyone = {inspector.pk: inspector for _visit, people in assignments for inspector in people}
    booked = _bookings(list(everyone.values()), [visit.planned_date for visit in visits], visits, actor)
    problems = []
    seen: set[int] = set()
    for index, (visit, inspectors) in enumerate(assignments):
        field = f"assignments.{index}.inspector_ids"
        if visit.plan_id != plan.pk or visit.pk in seen:
            problems.append(
                fail(
                    PlanErrorCode.INVALID,
                    _("Name each visit of this plan once."),
                    f"assignments.{index}.visit_id",
                )
            )
            continue
        seen.add(visit.pk)
        visit.plan = plan
        problem = _assignment_problem(visit, inspectors, booked, field)
        if problem is not None:
            problems.append(problem)
            continue
        for inspector in inspectors:  # the visits of this call book their days too
            booked[inspector.pk, visit.planned_date] += 1
    if problems:
        raise fail_together(problems)
    for visit, inspectors in assignments:
        _write_assignment(visit, inspectors, actor)
        record(
            actor,
            None,
            AuditAction.VISIT_ASSIGN_INSPECTORS,
            visit,
            {"inspectors": [inspector.username for inspector in inspectors], "bulk": True},
        )
    return visits


# --- inspectors and their load ---------------------------------------------------------------------------


@dataclass(frozen=True)
class InspectorLoad:
    inspector: User
    upcoming_visits: int  # assigned visits not yet submitted, from today on
    visits_this_year: int  # assigned visits planned in the current year


def authority_inspectors(authority: OrgUnit) -> list[User]:
    """The active inspectors who may inspect for ``authority`` (as ``check_team`` accepts them), by name."""
    candidates = User.objects.filter(
        role=Role.INSPECTOR, is_active=True, unit__path__startswith=authority.ancestor_path(1)
    ).select_related("unit")
    return sorted(
        (u for u in candidates if u.unit is not None and authority.path.startswith(authority_path(u.unit))),
        key=lambda u: (u.display_name, u.pk),
    )


def inspector_loads(authority: OrgUnit, *, actor: User, today: date | None = None) -> list[InspectorLoad]:
    """The inspectors of ``authority`` with their booked visits, for its planners (two queries)."""
    check_can_manage(authority, actor)
    today = today or today_local()
    inspectors = authority_inspectors(authority)
    rows = VisitAssignment.objects.filter(inspector__in=inspectors).values(
        "inspector_id", "visit__planned_date", "visit__status"
    )
    upcoming: Counter = Counter()
    this_year: Counter = Counter()
    for row in rows:
        day = row["visit__planned_date"]
        if day is not None and day >= today and row["visit__status"] in ("planned", "in_progress"):
            upcoming[row["inspector_id"]] += 1
        if day is not None and day.year == today.year:
            this_year[row["inspector_id"]] += 1
    return [InspectorLoad(u, upcoming[u.pk], this_year[u.pk]) for u in inspectors]


@dataclass(frozen=True)
class ProposedAssignment:
    visit: Visit
    inspectors: list[User]
    short: int  # inspectors still missing for a full team


def propose_assignments(
    plan: InspectionPlan, *, actor: User, team_size: int | None = None
) -> list[ProposedAssignment]:
    """A proposal (nothing written) of inspectors for each visit of ``plan`` not yet assigned, by capacity:
    the plan's team (or the authority's inspectors when it has none), least loaded first, never an inspector
    of the inspected unit (conflict of interest), never over VISITS_PER_INSPECTOR_PER_DAY visits a day. A
    visit for which too few are free is proposed short (``short`` > 0); the planner edits and then calls
    ``assign_inspectors_bulk``."""
    check_can_manage(plan.authority, actor)
    team_size = team_size or settings.INSPECTORS_PER_VISIT
    team = list(plan.inspectors.select_related("unit").order_by("pk")) or authority_inspectors(plan.authority)
    visits = list(
        plan.visits.filter(assignments__isnull=True)
        .select_related("unit")
        .order_by("planned_date", "unit__code")
    )
    booked = _bookings(team, [visit.planned_date for visit in visits], [], actor)
    load = Counter({inspector.pk: 0 for inspector in team})
    for (inspector_id, _day), count in booked.items():
        load[inspector_id] += count
    proposals = []
    for visit in visits:
        free = [
            inspector
            for inspector in team
            if not has_conflict_of_interest(inspector, visit.unit)
            and booked[inspector.pk, visit.planned_date] < settings.VISITS_PER_INSPECTOR_PER_DAY
        ]
        chosen = sorted(free, key=lambda inspector: (load[inspector.pk], inspector.pk))[:team_size]
        for inspector in chosen:
            booked[inspector.pk, visit.planned_date] += 1
            load[inspector.pk] += 1
        proposals.append(ProposedAssignment(visit, chosen, team_size - len(chosen)))
    return proposals
