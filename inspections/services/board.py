"""The compliance board: per unit under an authority and period, what Home Affairs needs to see.

Every figure of every row comes from a fixed number of grouped queries (about a dozen) whatever the number of
units, visits or findings: rows are the authority's direct subordinate units, and each figure is grouped by
the row's path prefix, so a unit's figures include everything under it.

Score (weights are the setting ``BOARD_SCORE_WEIGHTS``)::

    score = 100 − critical·w_critical − major·w_major − minor·w_minor − overdue_now·w_overdue
                − repeat·w_repeat − cctv_flags·w_cctv − (1 − on_time_rate)·w_on_time,   clipped to 0–100

where the counts are the row's findings of the period (current versions), ``overdue_now`` its remediation past
the deadline and still waiting for the unit, and ``on_time_rate`` the share of its remediation due so far (or
answered) that was answered by the deadline (1 when none is due). Rank: inspected units first, then by score,
highest first; ties by unit code. Units not inspected yet come after all of them, whatever their score.
Status: red when something is overdue or the score is under BOARD_RED_BELOW, amber under BOARD_AMBER_BELOW or when
not visited yet, green otherwise.
"""

import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.conf import settings
from django.db.models import Count, F, Min, Q
from django.db.models.functions import Substr
from django.utils import timezone

from inspections.models import (
    Camera,
    Finding,
    FindingSource,
    InspectionPlan,
    OrgUnit,
    PlanStatus,
    Remediation,
    RemediationAnswer,
    RemediationState,
    Role,
    User,
    VisitKind,
    VisitStatus,
)
from inspections.services.coverage import plan_units, target_units
from inspections.services.visibility import is_administrator, unit_scope, visible_visits

SEVERITIES = ("critical", "major", "minor")


@dataclass
class BoardRow:
    unit: OrgUnit
    periodic_visits: int = 0
    surprise_visits: int = 0
    findings: dict[str, int] = field(default_factory=lambda: dict.fromkeys(SEVERITIES, 0))
    areas: dict[str, int] = field(default_factory=dict)
    remediation_on_time: int = 0
    remediation_late: int = 0
    overdue_now: int = 0
    rejected_answers: int = 0
    repeat_findings: int = 0
    cctv_flags: int = 0
    cameras: int = 0
    camera_snapshots: int = 0
    camera_tampered: int = 0
    median_days_to_close: float | None = None
    due_so_far: int = 0  # remediation whose deadline has come, or that was answered
    score: float = 100.0
    rank: int = 0
    status: str = "green"

    @property
    def visited(self) -> bool:
        return self.periodic_visits + self.surprise_visits > 0

    @property
    def findings_total(self) -> int:
        return sum(self.findings.values())

    @property
    def on_time_rate(self) -> float | None:
        return round(self.remediation_on_time / self.due_so_far, 3) if self.due_so_far else None

    @property
    def camera_tamper_share(self) -> float | None:
        return round(self.camera_tampered / self.camera_snapshots, 3) if self.camera_snapshots else None

    @property
    def head(self) -> User | None:
        return self.unit.head


@dataclass
class Board:
    authority: OrgUnit
    year: int
    quarter: int | None
    rows: list[BoardRow]
    unit_count: int  # units the authority's approved plans of the period must cover
    target_units: int
    visited_units: int

    @property
    def coverage(self) -> float | None:
        return round(self.visited_units / self.target_units, 3) if self.target_units else None


def may_see_board(user: User, authority: OrgUnit) -> bool:
    """The authority side: administrators, Home Affairs and inspectors who see the authority, and the
    authority's own head. Inspected units never see a board above them."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_administrator(user):
        return True
    if user.role in (Role.HOME_AFFAIRS, Role.INSPECTOR):
        return unit_scope(user).contains(authority)
    return user.role == Role.UNIT_HEAD and user.unit_id == authority.pk


def period(year: int, quarter: int | None) -> tuple[datetime, datetime]:
    first_month = 1 if quarter is None else 3 * (quarter - 1) + 1
    start = date(year, first_month, 1)
    end = date(year + 1, 1, 1) if quarter in (None, 4) else date(year, first_month + 3, 1)
    zone = timezone.get_current_timezone()
    return datetime.combine(start, time(), zone), datetime.combine(end, time(), zone)


def board(
    user: User,
    authority: OrgUnit,
    year: int,
    *,
    quarter: int | None = None,
    kind: str | None = None,
    area: str | None = None,
    severity: str | None = None,
    units: list[OrgUnit] | None = None,
    today: date | None = None,
) -> Board:
    """The board of ``authority`` (its direct subordinate units, or ``units`` among them), ranked."""
    today = today or timezone.localdate()
    start, end = period(year, quarter)
    if units is None:
        children = OrgUnit.objects.filter(parent=authority).select_related("head")
        if kind:
            children = children.filter(kind=kind)
        units = list(children.order_by("code"))
    rows = {unit.path: BoardRow(unit) for unit in units}
    width = (authority.depth + 1) * OrgUnit.steplen
    prefix = Substr("unit__path", 1, width)
    # The units under the authority, as a subquery of ids: the database then reads each table through its
    # unit index instead of scanning every row of the country for a path prefix.
    subordinate = OrgUnit.objects.filter(path__startswith=authority.path, depth__gt=authority.depth).values(
        "pk"
    )
    under = Q(unit_id__in=subordinate)

    def grouped(queryset, **aggregates):
        return (
            queryset.filter(under)
            .annotate(row=prefix)
            .values("row")
            .annotate(**aggregates)
            .filter(row__in=list(rows))
        )

    # Visits done in the period (checked in), as the user may see them (rule 1 holds for every figure).
    visits = visible_visits(user, today=today).filter(checked_in_at__gte=start, checked_in_at__lt=end)
    for line in grouped(
        visits,
        periodic=Count("pk", filter=Q(kind=VisitKind.PERIODIC)),
        surprise=Count("pk", filter=Q(kind=VisitKind.SURPRISE)),
    ):
        rows[line["row"]].periodic_visits, rows[line["row"]].surprise_visits = (
            line["periodic"],
            line["surprise"],
        )

    # A finding exists only once its visit was checked in (or comes from CCTV), so whoever may see the board may
    # see every finding under it: no visit subquery is needed here (rule 1 is about visits not yet checked in).
    findings = Finding.objects.current().filter(captured_at__gte=start, captured_at__lt=end)
    if area:
        findings = findings.filter(criterion__area=area)
    if severity:
        findings = findings.filter(severity=severity)
    by_severity = {name: Count("pk", filter=Q(severity=name)) for name in SEVERITIES}
    for line in grouped(findings, cctv=Count("pk", filter=Q(source=FindingSource.CCTV)), **by_severity):
        row = rows[line["row"]]
        row.findings = {name: line[name] for name in SEVERITIES}
        row.cctv_flags = line["cctv"]
    for line in grouped(findings, criterion_area=F("criterion__area"), count=Count("pk")).values(
        "row", "criterion_area", "count"
    ):
        rows[line["row"]].areas[line["criterion_area"]] = line["count"]
    # Repeat findings (the same criterion at the same unit within the 365 days before), from one ordered scan.
    counted = set(findings.filter(under).values_list("pk", flat=True)) if (area or severity) else None
    previous: tuple | None = None
    for pk, row_path, unit_id, criterion_id, captured in (
        Finding.objects.current()
        .filter(under, captured_at__gte=start - timedelta(days=365), captured_at__lt=end)
        .annotate(row=prefix)
        .order_by("unit_id", "criterion_id", "captured_at", "pk")
        .values_list("pk", "row", "unit_id", "criterion_id", "captured_at")
    ):
        repeat = (
            previous is not None
            and previous[:2] == (unit_id, criterion_id)
            and captured - previous[2] <= timedelta(days=365)
        )
        if repeat and captured >= start and row_path in rows and (counted is None or pk in counted):
            rows[row_path].repeat_findings += 1
        previous = (unit_id, criterion_id, captured)

    remediation = Remediation.objects.filter(finding__in=findings.values("pk"))
    answered_late = Q(first_answered_on__gt=F("deadline"))
    for line in grouped(
        remediation,
        on_time=Count("pk", filter=Q(first_answered_on__lte=F("deadline"))),
        late=Count("pk", filter=answered_late),
        overdue=Count("pk", filter=Remediation.objects.overdue_condition(today)),
        due=Count("pk", filter=Q(deadline__lt=today) | Q(first_answered_on__isnull=False)),
    ):
        row = rows[line["row"]]
        row.remediation_on_time, row.remediation_late = line["on_time"], line["late"]
        row.overdue_now, row.due_so_far = line["overdue"], line["due"]
    answers = RemediationAnswer.objects.filter(remediation__in=remediation.values("pk"), decision="rejected")
    for line in (
        answers.filter(remediation__unit_id__in=subordinate)
        .annotate(row=Substr("remediation__unit__path", 1, width))
        .values("row")
        .annotate(count=Count("pk"))
        .filter(row__in=list(rows))
    ):
        rows[line["row"]].rejected_answers = line["count"]
    closing: dict[str, list[float]] = defaultdict(list)
    for row_path, closed, found in (
        remediation.filter(under, state=RemediationState.CLOSED)
        .annotate(row=prefix)
        .values_list("row", "closed_at", "finding__captured_at")
    ):
        if row_path in rows and closed is not None:
            closing[row_path].append((closed - found).total_seconds() / 86400)
    for row_path, days in closing.items():
        rows[row_path].median_days_to_close = round(statistics.median(days), 1)

    since = timezone.now() - timedelta(days=settings.CCTV_HEALTH_DAYS)
    tamper_flags = [flag for flag in settings.CCTV_FLAG_ORDER if flag != "queue_unstaffed"]
    cameras = (
        Camera.objects.filter(counter__unit_id__in=subordinate)
        .annotate(row=Substr("counter__unit__path", 1, width))
        .values("row")
        .annotate(
            cameras=Count("pk", distinct=True),
            recent=Count("snapshots", filter=Q(snapshots__captured_at__gte=since)),
            tampered=Count(
                "snapshots",
                filter=Q(snapshots__captured_at__gte=since, snapshots__primary_flag__in=tamper_flags),
            ),
        )
        .filter(row__in=list(rows))
    )
    for line in cameras:
        row = rows[line["row"]]
        row.cameras, row.camera_snapshots, row.camera_tampered = (
            line["cameras"],
            line["recent"],
            line["tampered"],
        )

    ranked = rank(list(rows.values()))
    unit_count, target, visited = coverage_of(user, authority, year, quarter, today=today)
    return Board(authority, year, quarter, ranked, unit_count, target, visited)


def period_plans(authority: OrgUnit, year: int, quarter: int | None = None):
    """The authority's approved (or closed) plans of the year, or of the quarter (its yearly plan included)."""
    plans = InspectionPlan.objects.filter(
        authority=authority, year=year, status__in=[PlanStatus.APPROVED, PlanStatus.CLOSED]
    ).select_related("authority")
    if quarter is not None:
        plans = plans.filter(Q(quarter=quarter) | Q(quarter__isnull=True))
    return plans


def coverage_of(
    user: User, authority: OrgUnit, year: int, quarter: int | None = None, *, today: date | None = None
) -> tuple[int, int, int]:
    """(units to cover, target units, units visited) of the authority's plans of the period, each counting
    DISTINCT units: a unit in two plans (a year and its quarters, a direct and a subtree plan) is one unit,
    the target is the largest plan's (never more than the units), and a unit visited twice is visited once."""
    plans = list(period_plans(authority, year, quarter))
    if not plans:
        return 0, 0, 0
    units: set[int] = set()
    target = 0
    for plan in plans:
        ids = set(plan_units(plan).values_list("pk", flat=True))
        units |= ids
        target = max(target, target_units(plan, len(ids)))
    visited = (
        visible_visits(user, today=today)
        .filter(plan__in=[plan.pk for plan in plans])
        .exclude(status=VisitStatus.PLANNED)
        .values("unit")
        .distinct()
        .count()
    )
    return len(units), min(target, len(units)), visited


def score(row: BoardRow) -> float:
    weights = settings.BOARD_SCORE_WEIGHTS
    rate = row.on_time_rate if row.on_time_rate is not None else 1.0
    value = (
        100
        - sum(weights[name] * row.findings[name] for name in SEVERITIES)
        - weights["overdue"] * row.overdue_now
        - weights["repeat"] * row.repeat_findings
        - weights["cctv"] * row.cctv_flags
        - weights["on_time"] * (1 - rate)
    )
    return round(min(100.0, max(0.0, value)), 1)


def rank(rows: list[BoardRow]) -> list[BoardRow]:
    for row in rows:
        row.score = score(row)
        if row.overdue_now or row.score < settings.BOARD_RED_BELOW:
            row.status = "red"
        elif row.score < settings.BOARD_AMBER_BELOW or not row.visited:
            row.status = "amber"
        else:
            row.status = "green"
    # A unit not inspected yet has no findings because nobody looked: it ranks after every inspected unit.
    rows.sort(key=lambda row: (not row.visited, -row.score, row.unit.code))
    for position, row in enumerate(rows, start=1):
        row.rank = position
    return rows


@dataclass(frozen=True)
class MonthPoint:
    month: int
    coverage: float | None  # share of the target visited by the month's end
    on_time: float | None  # share of remediation due by the month's end that was answered in time


def series(
    user: User, authority: OrgUnit, year: int, *, target: int | None = None, today: date | None = None
) -> list[MonthPoint]:
    """Coverage and on-time remediation over the year, month by month (for the board's chart). ``target`` is the
    year's target when the caller has it already (the yearly board does)."""
    today = today or timezone.localdate()
    start, end = period(year, None)
    first_visit = (
        visible_visits(user, today=today)
        .filter(
            unit__path__startswith=authority.path,
            unit__depth__gt=authority.depth,
            checked_in_at__gte=start,
            checked_in_at__lt=end,
        )
        .values("unit")
        .annotate(first=Min("checked_in_at"))
        .values_list("first", flat=True)
    )
    firsts = sorted(timezone.localdate(moment) for moment in first_visit)
    due = list(
        Remediation.objects.filter(
            unit__path__startswith=authority.path,
            finding__captured_at__gte=start,
            finding__captured_at__lt=end,
        )
        .exclude(state=RemediationState.WITHDRAWN)
        .values_list("deadline", "first_answered_on")
    )
    if target is None:
        _units, target, _visited = coverage_of(user, authority, year, today=today)
    points = []
    for month in range(1, 13):
        month_end = date(year + (month == 12), month % 12 + 1, 1) - timedelta(days=1)
        if month_end > today and date(year, month, 1) > today:
            points.append(MonthPoint(month, None, None))
            continue
        visited = sum(1 for day in firsts if day <= month_end)
        came_due = [(deadline, answered) for deadline, answered in due if deadline <= month_end]
        in_time = sum(1 for deadline, answered in came_due if answered is not None and answered <= deadline)
        points.append(
            MonthPoint(
                month,
                round(min(1.0, visited / target), 3) if target else None,
                round(in_time / len(came_due), 3) if came_due else None,
            )
        )
    return points


# The orders a board can be read in, shared by the GraphQL board and the web page.
SORTS = {
    "rank": lambda row: row.rank,
    "name": lambda row: (row.unit.name, row.unit.code),
    "code": lambda row: row.unit.code,
    "overdue": lambda row: (-row.overdue_now, row.rank),
    "findings": lambda row: (-row.findings_total, row.rank),
}
