"""Coverage of a plan against its target, as the viewer may see it."""

from dataclasses import dataclass
from datetime import date

from django.conf import settings
from django.utils import timezone

from inspections.models import InspectionPlan, User, VisitStatus
from inspections.services.calendar import count_working_days, is_working_day
from inspections.services.plans import period_of, plan_units, target_units
from inspections.services.visibility import visible_visits


@dataclass(frozen=True)
class Coverage:
    unit_count: int
    target_units: int
    planned_units: int
    visited_units: int
    working_days_left: int
    visits_left: int
    at_risk: bool

    @property
    def ratio(self) -> float:
        return self.visited_units / self.unit_count if self.unit_count else 0.0


def plan_coverage(plan: InspectionPlan, *, viewer: User, today: date | None = None) -> Coverage:
    """Units visited (a visit counts once checked in) against the target. Counts only visits the viewer may
    see, so a hidden surprise visit changes no figure a unit can read. At risk when the working days left,
    times the team's daily capacity, are fewer than the visits still needed."""
    today = today or timezone.localdate()
    unit_count = plan_units(plan).count()
    target = target_units(plan, unit_count)
    visits = visible_visits(viewer, today=today).filter(plan=plan)
    planned = visits.values("unit").distinct().count()
    visited = visits.exclude(status=VisitStatus.PLANNED).values("unit").distinct().count()
    _start, end = period_of(plan)
    days_left = count_working_days(today, end) + (1 if today <= end and is_working_day(today) else 0)
    visits_left = max(0, target - visited)
    capacity = plan.inspectors.count() * settings.VISITS_PER_INSPECTOR_PER_DAY
    return Coverage(
        unit_count=unit_count,
        target_units=target,
        planned_units=planned,
        visited_units=visited,
        working_days_left=days_left,
        visits_left=visits_left,
        at_risk=visits_left > days_left * max(capacity, 0),
    )
