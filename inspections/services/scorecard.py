"""The head's scorecard: per head of unit and year, how their units answered for findings. The compliance
boards use the same figures."""

import statistics
from dataclasses import dataclass
from datetime import date, timedelta

from django.db.models import Count, Exists, F, OuterRef, Q
from django.utils import timezone

from inspections.models import Finding, Remediation, RemediationAnswer, RemediationState, User


@dataclass(frozen=True)
class Scorecard:
    head: User
    year: int
    received: int  # findings at the head's units in the year (current versions)
    answered_on_time: int  # first answer given by the deadline
    overdue_now: int  # still waiting for the unit, past the deadline
    rejected_answers: int
    repeat_findings: int  # same criterion at the same unit within the 12 months before
    median_days_to_close: float | None  # from the finding to its verified closing (calendar days)

    @property
    def on_time_rate(self) -> float | None:
        return round(self.answered_on_time / self.received, 3) if self.received else None


def scorecard(head: User, year: int, *, today: date | None = None) -> Scorecard:
    """Four queries, whatever the number of findings."""
    today = today or timezone.localdate()
    remediations = Remediation.objects.filter(unit__head=head, finding__captured_at__year=year).exclude(
        state=RemediationState.WITHDRAWN
    )
    earlier = (
        Finding.objects.current()
        .filter(
            unit_id=OuterRef("finding__unit_id"),
            criterion_id=OuterRef("finding__criterion_id"),
            captured_at__lt=OuterRef("finding__captured_at"),
            captured_at__gte=OuterRef("finding__captured_at") - timedelta(days=365),
        )
        .exclude(pk=OuterRef("finding_id"))
    )
    figures = remediations.aggregate(
        received=Count("pk"),
        on_time=Count("pk", filter=Q(first_answered_on__lte=F("deadline"))),
        overdue=Count("pk", filter=Remediation.objects.overdue_condition(today)),
    )
    repeats = remediations.filter(Exists(earlier)).count()
    rejected = RemediationAnswer.objects.filter(remediation__in=remediations, decision="rejected").count()
    closing = [
        (closed - found).total_seconds() / 86400
        for closed, found in remediations.filter(state=RemediationState.CLOSED).values_list(
            "closed_at", "finding__captured_at"
        )
        if closed is not None
    ]
    return Scorecard(
        head,
        year,
        figures["received"],
        figures["on_time"],
        figures["overdue"],
        rejected,
        repeats,
        round(statistics.median(closing), 1) if closing else None,
    )
