"""Notifications: written once per recipient and event (``key``), in the recipient's language, then e-mailed
through Django's e-mail backend and pushed to the recipient's GraphQL subscription, after the transaction
commits. Delivery claims unsent notifications with one conditional UPDATE, so two senders never send one twice.
"""

import uuid

import structlog
from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext

from apikit.events import publish_many
from inspections.models import Finding, Notification, User

logger = structlog.get_logger(__name__)


def topic_for(user_id: int) -> str:
    return f"notifications:{user_id}"


def build(
    user: User, *, kind: str, key: str, finding: Finding | None, title, body="", values=None
) -> Notification:
    """One notification, its text rendered in the recipient's language."""
    with translation.override(user.language or settings.LANGUAGE_CODE):
        text = str(title) % values if values else str(title)
        details = (str(body) % values if values else str(body)) if body else ""
    return Notification(
        recipient=user, key=key[:128], kind=kind, title=text[:255], body=details, finding=finding
    )


def write(rows: list[Notification]) -> None:
    """Insert, skipping what a recipient already has; deliver after commit."""
    if not rows:
        return
    Notification.objects.bulk_create(rows, ignore_conflicts=True, batch_size=1000)
    transaction.on_commit(deliver)


def notify(
    recipients, *, kind: str, key: str, finding: Finding | None = None, title, body="", values=None
) -> None:
    people = {user.pk: user for user in recipients if user is not None and user.is_active}
    write(
        [
            build(user, kind=kind, key=key, finding=finding, title=title, body=body, values=values)
            for user in people.values()
        ]
    )


def email_body(notification: Notification) -> str:
    """The e-mail of a notification: addressed to the recipient by their full name (family name first), in
    their language, then the notice."""
    recipient = notification.recipient
    with translation.override(recipient.language or settings.LANGUAGE_CODE):
        greeting = gettext("Dear %(name)s,") % {"name": recipient.display_name}
    return f"{greeting}\n\n{notification.body or notification.title}"


def deliver() -> int:
    """E-mail and push every notification not yet sent. Returns how many this call sent."""
    claim = uuid.uuid4().hex
    now = timezone.now()
    claimed = Notification.objects.filter(emailed_at=None, claim="").update(claim=claim, emailed_at=now)
    if not claimed:
        return 0
    sent = list(Notification.objects.filter(claim=claim).select_related("recipient"))
    messages = [
        EmailMessage(subject=n.title, body=email_body(n), to=[n.recipient.email])
        for n in sent
        if n.recipient.email
    ]
    try:
        get_connection(fail_silently=False).send_messages(messages)
    except OSError:  # the mail server is down: in-app notices stand; log for the operator
        logger.exception("notification_email_failed", count=len(messages))
    try:
        publish_many([(topic_for(n.recipient_id), {"id": n.pk}) for n in sent])
    except Exception:  # a channel layer that is down must not lose the notifications: they are stored
        logger.exception("notification_publish_failed", count=len(sent))
    logger.info("notifications_delivered", count=len(sent), emails=len(messages))
    return len(sent)


def mark_read(user: User, ids=None) -> int:
    """Mark the user's unread notifications read (only those of ``ids`` when given); returns how many.
    Another user's notification is never touched, whatever id is sent."""
    rows = Notification.objects.filter(recipient=user, read_at=None)
    if ids is not None:
        rows = rows.filter(pk__in=list(ids))
    return rows.update(read_at=timezone.now())
