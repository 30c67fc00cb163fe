"""Offline sync: a phone sends the operations it queued offline, each with a client-generated UUID.

Guarantees (rule 4 of DESIGN.md §3): resending any operation or batch, in any order, after any failure,
creates nothing twice and returns the same result; each operation has its own result; one bad operation (a
payload that is not a JSON object, a field missing) fails alone with a typed error and leaves nothing
half-written (each runs in its own savepoint). Inside a batch the operations run in a fixed order of kinds
(check-in, answers FAIL, findings, photo links, withdrawals, other answers, submit), so a shuffled batch does
what the ordered one does: a finding recorded then withdrawn and its criterion answered PASS ends so.

The batch carries the phone's clock when it was sent (``sent_at``): the times the phone recorded (a check-in's
``deviceTime``, a finding's ``capturedAt``) are corrected by the offset receipt − ``sent_at``.
"""

import hashlib
import json
import uuid as uuid_lib
from collections.abc import Callable
from contextvars import ContextVar
from dataclasses import dataclass, field
from datetime import datetime

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _

from apikit.types import decode_id
from inspections.error_codes import FieldErrorCode, fail
from inspections.models import AnswerResult, Finding, User, Visit
from inspections.services import field as field_service
from inspections.services.visibility import visible_visits

from .models import SyncOperation

logger = structlog.get_logger(__name__)

KINDS = ("check_in", "answer", "finding", "evidence_link", "withdraw_finding", "submit")
# The order operations of a batch apply in: an answer FAIL before the findings it makes possible, any other
# answer after the withdrawals that make it possible.
APPLY_ORDER = ("check_in", "answer_fail", "finding", "evidence_link", "withdraw_finding", "answer", "submit")


class MalformedPayload:
    """An operation's payload that is not JSON text: kept as it came, so that the operation fails alone."""

    def __init__(self, raw):
        self.raw = raw

    def __repr__(self) -> str:
        return f"MalformedPayload({self.raw!r})"


@dataclass
class Operation:
    id: uuid_lib.UUID
    kind: str
    payload: dict | MalformedPayload


@dataclass
class OperationResult:
    id: uuid_lib.UUID
    kind: str
    ok: bool
    object_id: str | None = None
    errors: list[ValidationError] = field(default_factory=list)


def digest_of(operation: Operation) -> str:
    canonical = json.dumps(
        {"kind": operation.kind, "payload": operation.payload},
        sort_keys=True,
        separators=(",", ":"),
        ensure_ascii=False,
        default=str,
    )
    return hashlib.sha256(canonical.encode()).hexdigest()


def text(payload: dict, name: str, *, required: bool = True) -> str:
    value = payload.get(name)
    if value is None or value == "":
        if required:
            raise fail(FieldErrorCode.REQUIRED, _("This is required."), name)
        return ""
    if not isinstance(value, str):
        raise fail(FieldErrorCode.INVALID, _("Expected text."), name)
    return value


def number(payload: dict, name: str, *, required: bool = True) -> float | None:
    value = payload.get(name)
    if value is None:
        if required:
            raise fail(FieldErrorCode.REQUIRED, _("This is required."), name)
        return None
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise fail(FieldErrorCode.INVALID, _("Expected a number."), name)
    return float(value)


def moment(payload: dict, name: str, *, required: bool = True) -> datetime | None:
    value = payload.get(name)
    if value is None:
        if required:
            raise fail(FieldErrorCode.REQUIRED, _("This is required."), name)
        return None
    try:
        parsed = parse_datetime(value) if isinstance(value, str) else None
    except ValueError:  # well formed but impossible (a 13th month)
        parsed = None
    if parsed is None:
        raise fail(FieldErrorCode.INVALID, _("Expected an ISO 8601 date and time."), name)
    return parsed


def client_uuid(payload: dict, name: str, default=None) -> uuid_lib.UUID:
    value = payload.get(name, default)
    try:
        return value if isinstance(value, uuid_lib.UUID) else uuid_lib.UUID(str(value))
    except (TypeError, ValueError) as exc:
        raise fail(FieldErrorCode.INVALID, _("Expected a UUID."), name) from exc


# The visits the batch's user may see, worked out once per batch (visibility does not change within one).
_visible_in_batch: ContextVar[frozenset[int] | None] = ContextVar("visible_in_batch", default=None)


def visit_of(payload: dict, actor: User):
    pk = decode_id(text(payload, "visitId"), "Visit")
    visible = _visible_in_batch.get()
    if visible is not None:
        visit = Visit.objects.filter(pk=pk).first() if pk in visible else None
    else:
        visit = visible_visits(actor).filter(pk=pk).first() if pk else None
    if visit is None:
        raise fail(FieldErrorCode.NOT_FOUND, _("No such visit."), "visitId")
    return visit


@dataclass(frozen=True)
class Sender:
    """Who sent the batch, from which device, and the phone's clock when it sent it."""

    actor: User
    device: object
    sent_at: datetime | None


def apply_check_in(operation: Operation, sender: Sender):
    payload = operation.payload
    actor, device = sender.actor, sender.device
    result = field_service.check_in(
        visit_of(payload, actor),
        actor=actor,
        latitude=number(payload, "latitude"),
        longitude=number(payload, "longitude"),
        accuracy_m=number(payload, "accuracy"),
        device_time=moment(payload, "deviceTime"),
        sent_at=sender.sent_at,
        reason=text(payload, "reason", required=False),
        device=device,
    )
    return result.visit


def apply_answer(operation: Operation, sender: Sender):
    payload = operation.payload
    actor, device = sender.actor, sender.device
    return field_service.answer_criterion(
        visit_of(payload, actor),
        actor=actor,
        criterion_code=text(payload, "criterionCode"),
        result=text(payload, "result"),
        note=text(payload, "note", required=False),
        client_id=operation.id,
        device=device,
    )


def apply_finding(operation: Operation, sender: Sender):
    payload = operation.payload
    actor, device = sender.actor, sender.device
    evidence = payload.get("evidenceIds") or []
    if not isinstance(evidence, list):
        raise fail(FieldErrorCode.INVALID, _("Expected a list of UUIDs."), "evidenceIds")
    return field_service.record_finding(
        visit_of(payload, actor),
        actor=actor,
        client_id=client_uuid(payload, "findingId", operation.id),
        criterion_code=text(payload, "criterionCode"),
        text=text(payload, "text"),
        severity=text(payload, "severity", required=False) or None,
        recommendation=text(payload, "recommendation", required=False),
        latitude=number(payload, "latitude", required=False),
        longitude=number(payload, "longitude", required=False),
        captured_at=moment(payload, "capturedAt", required=False),
        sent_at=sender.sent_at,
        evidence_ids=[client_uuid({"id": item}, "id") for item in evidence],
        device=device,
    )


def apply_evidence_link(operation: Operation, sender: Sender):
    payload = operation.payload
    return field_service.link_evidence(
        actor=sender.actor,
        evidence_id=client_uuid(payload, "evidenceId"),
        finding_id=client_uuid(payload, "findingId"),
        device=sender.device,
    )


def finding_of(payload: dict, actor: User) -> Finding:
    """The finding the payload names by its client UUID, among those of the visits the actor may see."""
    finding_id = client_uuid(payload, "findingId")
    visible = _visible_in_batch.get()
    visits = visible if visible is not None else visible_visits(actor).values("pk")
    finding = Finding.objects.filter(uuid=finding_id, visit_id__in=visits).first()
    if finding is None:
        raise fail(FieldErrorCode.NOT_FOUND, _("No such finding."), "findingId")
    return finding


def apply_withdraw_finding(operation: Operation, sender: Sender):
    payload = operation.payload
    return field_service.withdraw_finding(
        finding_of(payload, sender.actor),
        actor=sender.actor,
        reason=text(payload, "reason"),
        device=sender.device,
    )


def apply_submit(operation: Operation, sender: Sender):
    return field_service.submit_visit(
        visit_of(operation.payload, sender.actor), actor=sender.actor, device=sender.device
    )


HANDLERS: dict[str, Callable[[Operation, Sender], object]] = {
    "check_in": apply_check_in,
    "answer": apply_answer,
    "finding": apply_finding,
    "evidence_link": apply_evidence_link,
    "withdraw_finding": apply_withdraw_finding,
    "submit": apply_submit,
}


def apply_position(operation: Operation) -> tuple[int, str]:
    """Where the operation goes in the batch's order (then by id, so that any shuffle sorts alike)."""
    step = operation.kind
    if step == "answer":
        result = operation.payload.get("result") if isinstance(operation.payload, dict) else None
        step = "answer_fail" if result == AnswerResult.FAIL else "answer"
    position = APPLY_ORDER.index(step) if step in APPLY_ORDER else len(APPLY_ORDER)
    return position, str(operation.id)


def object_id(obj) -> str:
    from graphql_relay import to_global_id

    type_name = {"Visit": "Visit", "Finding": "Finding"}.get(type(obj).__name__)
    if type_name:
        return to_global_id(type_name, obj.pk)
    return str(getattr(obj, "uuid", None) or obj.pk)


def repeated(operation: Operation, digest: str, actor: User) -> OperationResult | None:
    """The stored result if this operation id was applied already (a conflict if with other content)."""
    done = SyncOperation.objects.filter(uuid=operation.id).first()
    if done is None:
        return None
    if done.digest == digest and done.user_id == actor.pk:
        return OperationResult(operation.id, operation.kind, True, done.result.get("objectId"))
    return OperationResult(
        operation.id,
        operation.kind,
        False,
        errors=[
            fail(
                FieldErrorCode.CONFLICT, _("This operation id was already used for different content."), "id"
            )
        ],
    )


def lock_visit(operation: Operation) -> None:
    """Take the row lock of the operation's visit (the one its service takes too), so that copies of one
    operation arriving at two servers at once run one after the other."""
    visit_id = operation.payload.get("visitId")
    pk = decode_id(visit_id, "Visit") if isinstance(visit_id, str) else None
    if pk is not None and connection.features.has_select_for_update:  # SQLite writes one at a time anyway
        list(Visit.objects.select_for_update().filter(pk=pk).values_list("pk", flat=True))


def apply(operation: Operation, sender: Sender) -> OperationResult:
    actor = sender.actor
    if operation.kind not in HANDLERS:
        return OperationResult(
            operation.id,
            operation.kind,
            False,
            errors=[fail(FieldErrorCode.INVALID, _("Unknown operation kind."), "kind")],
        )
    if not isinstance(operation.payload, dict):
        message = (
            _("The payload is not JSON.")
            if isinstance(operation.payload, MalformedPayload)
            else _("Expected a JSON object.")
        )
        return OperationResult(
            operation.id,
            operation.kind,
            False,
            errors=[fail(FieldErrorCode.MALFORMED_OPERATION, message, "payload")],
        )
    digest = digest_of(operation)
    try:
        with transaction.atomic():
            lock_visit(operation)
            # Checked under the lock: a copy that held it may have committed while this one waited.
            earlier = repeated(operation, digest, actor)
            if earlier is not None:
                return earlier
            obj = HANDLERS[operation.kind](operation, sender)
            result = {"objectId": object_id(obj)}
            SyncOperation.objects.create(
                uuid=operation.id, user=actor, kind=operation.kind, digest=digest, result=result
            )
    except ValidationError as error:
        return OperationResult(operation.id, operation.kind, False, errors=[error])
    except (TypeError, ValueError, KeyError, AttributeError, OverflowError):
        # A payload shaped in a way no check foresaw: this operation fails alone, typed, and is logged.
        logger.warning(
            "sync_operation_malformed", operation=str(operation.id), kind=operation.kind, exc_info=True
        )
        return OperationResult(
            operation.id,
            operation.kind,
            False,
            errors=[fail(FieldErrorCode.MALFORMED_OPERATION, _("The operation is malformed."), "payload")],
        )
    except IntegrityError:
        # A copy without a visit lock (a photo link) committed the same operation id first.
        earlier = repeated(operation, digest, actor)
        if earlier is None:
            raise
        return earlier
    return OperationResult(operation.id, operation.kind, True, result["objectId"])


def sync_batch(
    operations: list[Operation], *, actor: User, sent_at: datetime | None = None, device=None
) -> list[OperationResult]:
    """Apply a batch; results come back in the order the operations were sent. ``sent_at`` is the phone's
    clock when it sent the batch (the times it recorded are corrected by its offset)."""
    if sent_at is not None:
        sent_at = field_service.check_moment(sent_at, "sent_at", now=timezone.now())
    if len(operations) > settings.SYNC_BATCH_MAX_OPERATIONS:
        raise fail(
            FieldErrorCode.INVALID,
            _("At most %(count)d operations in one batch.") % {"count": settings.SYNC_BATCH_MAX_OPERATIONS},
        )
    results: dict[uuid_lib.UUID, OperationResult] = {}
    token = _visible_in_batch.set(frozenset(visible_visits(actor).values_list("pk", flat=True)))
    try:
        sender = Sender(actor=actor, device=device, sent_at=sent_at)
        for operation in sorted(operations, key=apply_position):
            if operation.id not in results:
                results[operation.id] = apply(operation, sender)
    finally:
        _visible_in_batch.reset(token)
    return [results[operation.id] for operation in operations]
