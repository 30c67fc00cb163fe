"""The scheduler's pass over open findings: reminders before the deadline, escalation after it.

- Reminders to the assignee and the head ``REMEDIATION_REMINDER_WORKING_DAYS`` (3 and 1) working days before
  the deadline, while the unit has still to answer (open, or rejected).
- Overdue (the deadline passed, no answer standing): to the head, the assignee, the head of the parent unit and
  the Home Affairs reviewers of the province, on the first overdue working day and again every
  ``REMEDIATION_ESCALATION_EVERY_WORKING_DAYS``.

Each reminder or escalation has a key (finding, deadline, which one), and a recipient gets a key once: a
scheduler that runs twice, or two schedulers, send nothing twice. One pass costs the same few SQL statements
whatever the number of findings (one query for the due rows, one for the reviewers, the inserts of what it
writes, and the delivery).
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import NamedTuple

from django.conf import settings
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy

from inspections.models import Finding, Notification, OrgUnit, Remediation, Role, User
from inspections.models.remediation import WAITING_FOR_UNIT  # noqa: F401 (the name the demo knows it by)
from inspections.services.calendar import add_working_days, count_working_days
from inspections.services.notifications import build, write


@dataclass(frozen=True)
class SweepResult:
    reminders: int  # remediations reminded
    escalations: int  # remediations escalated
    notifications: int  # notifications written by this pass (those already sent before are not counted)


def reminder_windows(today: date) -> dict[int, tuple[date, date]]:
    """For each reminder, the deadlines that leave exactly that many working days: (after, up to and with)."""
    return {
        days: (add_working_days(today, days - 1), add_working_days(today, days))
        for days in settings.REMEDIATION_REMINDER_WORKING_DAYS
    }


KEY_CHUNK = 10_000  # keys looked up per statement


class Due(NamedTuple):
    pk: int
    deadline: date
    unit__path: str
    unit__name: str
    unit__head_id: int | None
    unit__parent__head_id: int | None
    assignee_id: int | None
    finding_id: int
    finding__text: str


class Event(NamedTuple):
    key: str  # the reminder or escalation: a recipient gets each key once
    row: Due
    days: int  # working days left (reminder) or late (escalation)
    escalation: bool


@transaction.atomic
def sweep(now: datetime | None = None) -> SweepResult:
    today = timezone.localdate(now or timezone.now())
    windows = reminder_windows(today)
    due = Q(deadline__lt=today)
    for after, until in windows.values():
        due |= Q(deadline__gt=after, deadline__lte=until)
    rows = [Due(*row) for row in Remediation.objects.waiting().filter(due).values_list(*Due._fields)]
    overdue_days = cache(lambda deadline: count_working_days(deadline, today))
    every = settings.REMEDIATION_ESCALATION_EVERY_WORKING_DAYS
    events: list[Event] = []
    for row in rows:
        pk, deadline = row.pk, row.deadline
        if deadline >= today:
            days = next(d for d, (after, until) in windows.items() if after < deadline <= until)
            events.append(Event(f"reminder:{pk}:{deadline.isoformat()}:{days}", row, days, False))
        else:
            late = overdue_days(deadline)
            if late:  # past the deadline on a day off: escalation starts on the next working day
                events.append(
                    Event(
                        f"escalation:{pk}:{deadline.isoformat()}:{1 + (late - 1) // every}", row, late, True
                    )
                )
    keys = [event.key for event in events]
    sent: set[str] = set()
    for start in range(0, len(keys), KEY_CHUNK):  # what earlier passes already wrote is left alone
        sent.update(
            Notification.objects.filter(key__in=keys[start : start + KEY_CHUNK]).values_list("key", flat=True)
        )
    new = [event for event in events if event.key not in sent]
    written = _notifications(new) if new else []
    write(written)
    return SweepResult(sum(not e.escalation for e in events), sum(e.escalation for e in events), len(written))


def _notifications(events: list["Event"]) -> list[Notification]:
    """The notifications of new reminders and escalations, for every person concerned, in their language."""
    reviewers: dict[str, list[int]] = defaultdict(list)
    for user_id, path in User.objects.filter(
        role=Role.HOME_AFFAIRS, is_active=True, unit__isnull=False
    ).values_list("pk", "unit__path"):
        reviewers[path[: OrgUnit.steplen]].append(user_id)
    recipients: dict[str, list[int]] = {}
    for event in events:
        row = event.row
        people = [row.unit__head_id, row.assignee_id]
        if event.escalation:
            people += [row.unit__parent__head_id, *reviewers[row.unit__path[: OrgUnit.steplen]]]
        recipients[event.key] = [person for person in dict.fromkeys(people) if person is not None]
    users = User.objects.in_bulk({pk for people in recipients.values() for pk in people})
    written = []
    for event in events:
        row = event.row
        values: dict[str, object] = {
            "unit": row.unit__name,
            "text": row.finding__text[:200],
            "deadline": row.deadline.strftime("%d/%m/%Y"),
        }
        if event.escalation:
            title = gettext_lazy("Overdue finding at %(unit)s (%(late)d working day(s) late)")
            values["late"] = event.days
        else:
            title = gettext_lazy("%(days)d working day(s) left to fix a finding")
            values["days"] = event.days
        finding = Finding(pk=row.finding_id)
        for person in recipients[event.key]:
            user = users.get(person)
            if user is not None and user.is_active:
                written.append(
                    build(
                        user,
                        kind=event.key.split(":")[0],
                        key=event.key,
                        finding=finding,
                        title=title,
                        body=gettext_lazy("%(unit)s: %(text)s — deadline %(deadline)s"),
                        values=values,
                    )
                )
    return written
