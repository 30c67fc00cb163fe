"""Home Affairs' planning pages: ``/plans/`` (the plans list), ``/plans/new/``, ``/plans/<id>/`` (one plan: its
periodic visits picked on a working-day calendar, the team, coverage and what is at risk, approval and its
commitment, closing and the draw's verification, the exports), ``/plans/<id>/preview/`` (each unit's weight and
probability in the draw) and ``/plans/<id>/assignments/`` (inspectors for every visit at once).

Plans come through ``visible_plans`` and visits through ``visible_visits``: an inspected unit's head finds no
plan above them (404, like a plan that does not exist). Every change is a call to the plans service, which checks
who may make it and writes the audit row."""

import calendar
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import Count
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from graphql_relay import to_global_id

from inspections.error_codes import PlanErrorCode, fail
from inspections.models import InspectionPlan, PlanStatus, Visit
from inspections.services import people
from inspections.services import plans as plans_service
from inspections.services.calendar import is_working_day
from inspections.services.coverage import plan_coverage
from inspections.services.visibility import can_manage_plans_for, visible_plans, visible_visits
from inspections.web.portal.findings import errors_of

# --- lookups -------------------------------------------------------------------------------------------------


def plan_of(user, plan_id: int) -> InspectionPlan:
    plan = visible_plans(user).select_related("authority").filter(pk=plan_id).first()
    if plan is None:
        raise Http404
    return plan


def managed_plan_of(user, plan_id: int) -> InspectionPlan:
    """A plan the user may change; one they may only read is a 404 too (nothing to do here)."""
    plan = plan_of(user, plan_id)
    if not can_manage_plans_for(user, plan.authority):
        raise Http404
    return plan


# --- the list and a new plan ---------------------------------------------------------------------------------


@require_GET
@login_required
def plans_list(request: HttpRequest) -> HttpResponse:
    plans = list(
        visible_plans(request.user)
        .select_related("authority")
        .annotate(visit_count=Count("visits"))
        .order_by("-year", "quarter", "authority__path", "pk")
    )
    return render(
        request,
        "portal/plans.html",
        {"plans": plans, "may_create": bool(people.plan_authorities(request.user))},
    )


def decimal_share(text: str, field: str) -> Decimal | None:
    """A percentage typed in the form as the share the service takes (30 → 0.300)."""
    if not (text or "").strip():
        return None
    try:
        return (Decimal(text.strip().replace(",", ".")) / 100).quantize(Decimal("0.001"))
    except InvalidOperation:
        raise fail(PlanErrorCode.INVALID, _("Enter a number."), field) from None


@require_http_methods(["GET", "POST"])
@login_required
def plan_create(request: HttpRequest) -> HttpResponse:
    authorities = people.plan_authorities(request.user)
    if not authorities:
        raise Http404
    errors: dict = {}
    if request.method == "POST":
        try:
            authority = next((a for a in authorities if str(a.pk) == request.POST.get("authority")), None)
            if authority is None:
                raise fail(PlanErrorCode.REQUIRED, _("Choose the inspecting authority."), "authority")
            year = int(request.POST.get("year") or 0)
            quarter = int(request.POST["quarter"]) if request.POST.get("quarter") else None
            team_ids = set(request.POST.getlist("inspectors"))
            team = [i for i in plans_service.authority_inspectors(authority) if str(i.pk) in team_ids]
            plan = plans_service.create_plan(
                actor=request.user,
                authority=authority,
                title=request.POST.get("title", ""),
                year=year,
                quarter=quarter,
                coverage_target=decimal_share(request.POST.get("coverage_target", ""), "coverage_target"),
                surprise_share=decimal_share(request.POST.get("surprise_share", ""), "surprise_share"),
                inspectors=team,
            )
        except ValueError:
            errors = {"year": [_("Enter a number.")]}
        except ValidationError as error:
            errors = errors_of(error)
        else:
            return redirect("portal-plan", plan_id=plan.pk)
    inspectors = {a.pk: plans_service.authority_inspectors(a) for a in authorities[:1]}
    context = {
        "authorities": authorities,
        "inspectors": next(iter(inspectors.values()), []),
        "errors": errors,
        "form": request.POST if request.method == "POST" else {},
        "chosen_inspectors": set(request.POST.getlist("inspectors")),
        "this_year": timezone.localdate().year,
    }
    return render(request, "portal/plan_new.html", context, status=400 if errors else 200)


# --- one plan -------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Day:
    day: date
    in_month: bool
    in_period: bool
    working: bool
    booked: int  # visits already planned that day

    @property
    def pickable(self) -> bool:
        return self.in_month and self.in_period and self.working


def month_of(plan: InspectionPlan, text: str | None) -> tuple[int, int]:
    """The month shown on the calendar: the one asked for (YYYY-MM) if in the plan's period, else its first."""
    start, end = plans_service.period_of(plan)
    try:
        year, month = (int(part) for part in (text or "").split("-"))
        if start <= date(year, month, 1) <= end:
            return year, month
    except ValueError:
        pass
    first_open = max(start, min(end, timezone.localdate()))
    return first_open.year, first_open.month


def calendar_context(plan: InspectionPlan, visits, month_text: str | None) -> dict:
    year, month = month_of(plan, month_text)
    start, end = plans_service.period_of(plan)
    booked: dict[date, int] = {}
    for visit in visits:
        booked[visit.planned_date] = booked.get(visit.planned_date, 0) + 1
    weeks = [
        [
            Day(
                day=day,
                in_month=day.month == month,
                in_period=start <= day <= end,
                working=is_working_day(day),
                booked=booked.get(day, 0),
            )
            for day in week
        ]
        for week in calendar.Calendar(firstweekday=0).monthdatescalendar(year, month)
    ]
    previous = (year - (month == 1), 12 if month == 1 else month - 1)
    following = (year + (month == 12), 1 if month == 12 else month + 1)
    return {
        "weeks": weeks,
        "month": date(year, month, 1),
        "previous_month": f"{previous[0]}-{previous[1]:02d}"
        if date(previous[0], previous[1], 1) >= start.replace(day=1)
        else None,
        "next_month": f"{following[0]}-{following[1]:02d}"
        if date(following[0], following[1], 1) <= end
        else None,
    }


def plan_context(request: HttpRequest, plan: InspectionPlan, errors=None) -> dict:
    user = request.user
    visits = list(
        visible_visits(user)
        .filter(plan=plan)
        .select_related("unit")
        .prefetch_related("inspectors")
        .order_by("planned_date", "unit__code")
    )
    for visit in visits:
        visit.unit_gid = to_global_id("OrgUnit", visit.unit_id)
    manage = can_manage_plans_for(user, plan.authority)
    draft = plan.status == PlanStatus.DRAFT
    planned_units = {visit.unit_id for visit in visits}
    year_query = f"authority={to_global_id('OrgUnit', plan.authority_id)}&year={plan.year}"
    if plan.quarter:
        year_query += f"&quarter={plan.quarter}"
    return {
        "plan": plan,
        "period": plans_service.period_of(plan),
        "visits": visits,
        "team": list(plan.inspectors.order_by("full_name", "pk")),
        "coverage": plan_coverage(plan, viewer=user),
        "may_manage": manage,
        "draft": draft,
        "free_units": [
            unit for unit in plans_service.plan_units(plan).order_by("code") if unit.pk not in planned_units
        ]
        if manage and draft
        else [],
        "verification": plans_service.verify_plan_draw(plan) if plan.status == PlanStatus.CLOSED else None,
        "exports": [
            (_("Board (Excel)"), f"/api/exports/board.xlsx?{year_query}"),
            (_("Board (CSV)"), f"/api/exports/board.csv?{year_query}"),
            (_("Findings (Excel)"), f"/api/exports/findings.xlsx?{year_query}"),
            (_("Findings (CSV)"), f"/api/exports/findings.csv?{year_query}"),
            (_("Checklist answers (Excel)"), f"/api/exports/answers.xlsx?{year_query}"),
            (_("Checklist answers (CSV)"), f"/api/exports/answers.csv?{year_query}"),
        ],
        "report_query": f"year={plan.year}",
        "team_choices": plans_service.inspector_loads(plan.authority, actor=user) if manage and draft else [],
        "team_ids": set(plan.inspectors.values_list("pk", flat=True)),
        "errors": errors or {},
        "form": request.POST if errors else {},
        **(calendar_context(plan, visits, request.GET.get("month")) if manage and draft else {}),
    }


@require_GET
@login_required
def plan_page(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = plan_of(request.user, plan_id)
    context = plan_context(request, plan)
    if request.htmx and request.GET.get("month"):
        return render(request, "portal/_plan_calendar.html", context)
    return render(request, "portal/plan.html", context)


def render_plan(request: HttpRequest, plan: InspectionPlan, errors: dict) -> HttpResponse:
    return render(request, "portal/plan.html", plan_context(request, plan, errors), status=400)


@require_POST
@login_required
def add_periodic(request: HttpRequest, plan_id: int) -> HttpResponse:
    """A periodic visit: a unit of the plan on a working day picked on the calendar."""
    plan = managed_plan_of(request.user, plan_id)
    unit = plans_service.plan_units(plan).filter(pk=request.POST.get("unit") or 0).first()
    day = parse_date(request.POST.get("date") or "")
    try:
        if unit is None:
            raise fail(PlanErrorCode.REQUIRED, _("Choose a unit."), "unit_id")
        if day is None:
            raise fail(PlanErrorCode.REQUIRED, _("Pick a working day on the calendar."), "date")
        plans_service.add_periodic_visit(plan, unit, day, actor=request.user)
    except ValidationError as error:
        return render_plan(request, plan, {"periodic": errors_of(error)})
    return redirect(f"/plans/{plan.pk}/?month={day:%Y-%m}#periodic")


@require_POST
@login_required
def set_team(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = managed_plan_of(request.user, plan_id)
    chosen = set(request.POST.getlist("inspectors"))
    team = [i for i in plans_service.authority_inspectors(plan.authority) if str(i.pk) in chosen]
    try:
        plans_service.update_plan(plan, actor=request.user, inspectors=team)
    except ValidationError as error:
        return render_plan(request, plan, {"team": errors_of(error)})
    return redirect("portal-plan", plan_id=plan.pk)


@require_GET
@login_required
def preview(request: HttpRequest, plan_id: int) -> HttpResponse:
    """Each eligible unit's weight and chance of a surprise visit, before approval."""
    plan = managed_plan_of(request.user, plan_id)
    if plan.status != PlanStatus.DRAFT:
        return redirect("portal-plan", plan_id=plan.pk)
    return render(request, "portal/plan_preview.html", preview_context(plan, request.user, {}))


def preview_context(plan: InspectionPlan, user, errors: dict) -> dict:
    planning, rows = plans_service.preview_draw(plan, actor=user)
    rows.sort(key=lambda row: (-row.probability, row.unit.code))
    percents = [(row, (row.probability * 100).quantize(Decimal("0.1"))) for row in rows]
    return {"plan": plan, "planning": planning, "rows": percents, "errors": errors}


@require_POST
@login_required
def approve(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = managed_plan_of(request.user, plan_id)
    try:
        plans_service.approve_plan(plan, actor=request.user)
    except ValidationError as error:
        context = preview_context(plan, request.user, errors_of(error))
        return render(request, "portal/plan_preview.html", context, status=400)
    return redirect("portal-plan", plan_id=plan.pk)


@require_POST
@login_required
def close(request: HttpRequest, plan_id: int) -> HttpResponse:
    plan = managed_plan_of(request.user, plan_id)
    try:
        plans_service.close_plan(plan, actor=request.user)
    except ValidationError as error:
        return render_plan(request, plan, {"close": errors_of(error)})
    return redirect("portal-plan", plan_id=plan.pk)


# --- inspectors for every visit at once ----------------------------------------------------------------------


@dataclass
class AssignmentRow:
    visit: Visit
    chosen: set[int]
    conflicted: set[int]  # inspectors who belong to the inspected unit or a unit under it
    errors: list[str]
    short: int = 0  # inspectors the proposal could not find free that day


def plan_visits(plan: InspectionPlan, user) -> list[Visit]:
    return list(
        visible_visits(user)
        .filter(plan=plan)
        .select_related("unit")
        .prefetch_related("inspectors")
        .order_by("planned_date", "unit__code")
    )


@require_http_methods(["GET", "POST"])
@login_required
def assignments(request: HttpRequest, plan_id: int) -> HttpResponse:
    """The whole plan's assignment on one page: the current one, or a proposal by capacity that never names an
    inspector of the inspected unit (for the visits nobody is assigned to yet); edited, then saved at once,
    all or nothing."""
    plan = managed_plan_of(request.user, plan_id)
    team = list(plan.inspectors.select_related("unit").order_by("full_name", "pk"))
    if not team:
        team = plans_service.authority_inspectors(plan.authority)
    visits = plan_visits(plan, request.user)
    chosen = {visit.pk: {i.pk for i in visit.inspectors.all()} for visit in visits}
    short: dict[int, int] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        by_id = {str(i.pk): i for i in team}
        wanted = [
            (visit, [by_id[pk] for pk in request.POST.getlist(f"visit-{visit.pk}") if pk in by_id])
            for visit in visits
        ]
        wanted = [(visit, inspectors) for visit, inspectors in wanted if inspectors or chosen[visit.pk]]
        try:
            plans_service.assign_inspectors_bulk(plan, wanted, actor=request.user)
        except ValidationError as error:
            errors = errors_of(error)
            chosen.update({visit.pk: {i.pk for i in inspectors} for visit, inspectors in wanted})
        else:
            return redirect("portal-plan", plan_id=plan.pk)
        row_errors = {
            wanted[int(name.split(".")[1])][0].pk: messages
            for name, messages in errors.items()
            if name.startswith("assignments.")
        }
    else:
        row_errors = {}
        if request.GET.get("propose"):
            for proposal in plans_service.propose_assignments(plan, actor=request.user):
                chosen[proposal.visit.pk] = {i.pk for i in proposal.inspectors}
                short[proposal.visit.pk] = proposal.short
    rows = [
        AssignmentRow(
            visit=visit,
            chosen=chosen[visit.pk],
            conflicted={i.pk for i in team if plans_service.has_conflict_of_interest(i, visit.unit)},
            errors=row_errors.get(visit.pk, []),
            short=short.get(visit.pk, 0),
        )
        for visit in visits
    ]
    context = {
        "plan": plan,
        "team": team,
        "rows": rows,
        "proposed": bool(request.GET.get("propose")) and request.method == "GET",
        "errors": {name: m for name, m in errors.items() if not name.startswith("assignments.")},
    }
    return render(request, "portal/plan_assignments.html", context, status=400 if errors else 200)
