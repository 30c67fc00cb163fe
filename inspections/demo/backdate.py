"""Back-dating: the one place where the demo writes to the database behind the services' back.

Why: the demo is a year that already happened, but the services stamp what they write with the real clock
(``accepted_at``, ``closed_at``, ``created_at``, ...), and only some of them take ``now=`` / ``captured_at=``. So
each step of the year runs through the real service, and afterwards the stamps it wrote are moved back to the
moment of that step. Nothing else is changed here: no state, no relation, no rule. The audit log is left as
written: it is append-only, and tells when the demo was really seeded.
"""

import functools
import operator
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime, timedelta

from django.db.models import Case, F, Q, Value, When
from django.utils import timezone

from inspections.models import (
    Answer,
    Camera,
    CameraKey,
    Evidence,
    Finding,
    InspectionPlan,
    Notification,
    Remediation,
    RemediationAnswer,
    Snapshot,
    Visit,
    VisitAssignment,
)

# Fields the services stamp with the real clock, moved back to the moment of the demo step that wrote them.
STAMPED = [
    (InspectionPlan, ("created_at", "approved_at")),
    (Visit, ("created_at",)),
    (VisitAssignment, ("assigned_at",)),
    (Answer, ("updated_at",)),
    (Finding, ("created_at",)),
    (Evidence, ("created_at", "stored_at")),
    (
        Remediation,
        (
            "created_at",
            "updated_at",
            "accepted_at",
            "closed_at",
            "extension_requested_at",
            "extension_decided_at",
        ),
    ),
    (RemediationAnswer, ("submitted_at", "decided_at")),
    (Notification, ("created_at",)),
    (Camera, ("created_at",)),
    (CameraKey, ("created_at",)),
    (Snapshot, ("received_at", "analysed_at", "reviewed_at")),
]


@contextmanager
def backdated(moment: datetime, *models) -> Iterator[None]:
    """Whatever the block writes with the real clock, in ``models`` (default: all of ``STAMPED``), is dated
    ``moment`` (a demo value in the past). One UPDATE per model."""
    started = timezone.now()
    yield
    for model, names in STAMPED:
        if models and model not in models:
            continue
        written = functools.reduce(operator.or_, (Q(**{f"{name}__gte": started}) for name in names))
        model.objects.filter(written).update(
            **{
                name: Case(When(**{f"{name}__gte": started}, then=Value(moment)), default=F(name))
                for name in names
            }
        )


def deliver_history(after_pk: int, now: datetime, read_after_days: int = 14) -> None:
    """The notices of past months (those with a pk above ``after_pk``) were delivered then: e-mailed at their
    creation, and the older ones read. Only what today's sweep writes afterwards goes out now, so the console
    e-mail backend prints a few e-mails, not hundreds."""
    history = Notification.objects.filter(pk__gt=after_pk)
    history.filter(emailed_at=None).update(emailed_at=F("created_at"), claim="demo-history")
    history.filter(created_at__lt=now - timedelta(days=read_after_days)).update(read_at=F("created_at"))
