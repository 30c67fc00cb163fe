"""Field work on a visit: check-in on site, answers, findings, submission, corrections.

Every function checks its input completely before writing, runs in one transaction, writes the audit log,
and is idempotent where a phone may retry: the same client id with the same content returns what the first
call made; the same client id with other content is a ``CONFLICT``.
"""

import math
import uuid as uuid_lib
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.error_codes import FieldErrorCode, fail, fail_together
from inspections.models import (
    Answer,
    AnswerResult,
    AuditAction,
    ChecklistTemplate,
    Criterion,
    Evidence,
    Finding,
    OrgUnit,
    Role,
    Severity,
    User,
    Visit,
    VisitAssignment,
    VisitStatus,
)
from inspections.services import board_events, notifications, remediation
from inspections.services.audit import record
from inspections.services.calendar import add_working_days
from inspections.services.visibility import is_administrator, may_return_finding

logger = structlog.get_logger(__name__)
EARTH_RADIUS_M = 6_371_008.8  # mean Earth radius (metres)


def distance_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance on the sphere (haversine), in metres."""
    phi1, phi2 = math.radians(lat1), math.radians(lat2)
    dphi, dlmb = math.radians(lat2 - lat1), math.radians(lon2 - lon1)
    a = math.sin(dphi / 2) ** 2 + math.cos(phi1) * math.cos(phi2) * math.sin(dlmb / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def check_coordinates(latitude, longitude, *, required: bool = True) -> None:
    if latitude is None and longitude is None and not required:
        return
    errors = []
    if (
        latitude is None
        or not isinstance(latitude, (int, float))
        or not math.isfinite(latitude)
        or not -90 <= latitude <= 90
    ):
        errors.append(
            fail(FieldErrorCode.OUT_OF_RANGE, _("Latitude must be a number between -90 and 90."), "latitude")
        )
    if (
        longitude is None
        or not isinstance(longitude, (int, float))
        or not math.isfinite(longitude)
        or not -180 <= longitude <= 180
    ):
        errors.append(
            fail(
                FieldErrorCode.OUT_OF_RANGE,
                _("Longitude must be a number between -180 and 180."),
                "longitude",
            )
        )
    if errors:
        raise fail_together(errors)


def check_moment(value, field: str, *, now: datetime) -> datetime:
    """An aware time within ten years of now (a phone's clock can be wrong, not absurd)."""
    if not isinstance(value, datetime):
        raise fail(FieldErrorCode.REQUIRED, _("Give a date and time."), field)
    if timezone.is_naive(value):
        value = timezone.make_aware(value)
    if abs(value - now) > timedelta(days=3650):
        raise fail(FieldErrorCode.OUT_OF_RANGE, _("The date is out of range."), field)
    return value


def check_assigned(visit: Visit | None, actor: User) -> None:
    """The actor is an inspector of the visit (a finding confirmed from CCTV has none: nobody is)."""
    if visit is None or not VisitAssignment.objects.filter(visit=visit, inspector=actor).exists():
        raise fail(FieldErrorCode.NOT_ASSIGNED, _("You are not assigned to this visit."))


def check_open(visit: Visit) -> None:
    if visit.status in (VisitStatus.SUBMITTED, VisitStatus.CLOSED):
        raise fail(
            FieldErrorCode.VISIT_SUBMITTED, _("The visit is submitted: its record can no longer change.")
        )
    if visit.status != VisitStatus.IN_PROGRESS:
        raise fail(FieldErrorCode.NOT_CHECKED_IN, _("Check in at the unit first."))


def default_template() -> ChecklistTemplate | None:
    return (
        ChecklistTemplate.objects.filter(code=settings.DEFAULT_CHECKLIST_TEMPLATE, is_active=True)
        .order_by("-version")
        .first()
    )


class GeofenceError(ValidationError):
    """Check-in outside the geofence without a reason; carries the distance for the phone to show."""

    def __init__(self, distance: float, allowed: float):
        self.distance_m = distance
        super().__init__(
            {
                "latitude": ValidationError(
                    _(
                        "You are %(distance)d m from the unit's office; check-ins count within %(allowed)d m. Give a reason "
                        "to check in anyway."
                    )
                    % {"distance": round(distance), "allowed": round(allowed)},
                    code=FieldErrorCode.OUT_OF_GEOFENCE.value,
                )
            }
        )


def clock_offset(sent_at, *, now: datetime, default: datetime) -> timedelta:
    """How far the phone's clock is behind the server's: receipt − the phone's clock when it sent (``sent_at``;
    ``default`` when the phone did not say, for a request sent the moment it was made)."""
    sent_at = default if sent_at is None else check_moment(sent_at, "sent_at", now=now)
    return now - sent_at


def on_server_clock(moment: datetime, offset: timedelta, *, now: datetime) -> datetime:
    """A moment of the phone's clock on the server's clock (never after the receipt)."""
    return min(moment + offset, now)


def in_window(visit: Visit, moment: datetime) -> bool:
    day = timezone.localdate(moment)
    return (
        visit.planned_date - timedelta(days=settings.CHECK_IN_WINDOW_DAYS_BEFORE)
        <= day
        <= visit.planned_date + timedelta(days=settings.CHECK_IN_WINDOW_DAYS_AFTER)
    )


def outside_window(visit: Visit) -> ValidationError:
    first = visit.planned_date - timedelta(days=settings.CHECK_IN_WINDOW_DAYS_BEFORE)
    last = visit.planned_date + timedelta(days=settings.CHECK_IN_WINDOW_DAYS_AFTER)
    return fail(
        FieldErrorCode.OUTSIDE_VISIT_WINDOW,
        _("This visit is planned for %(date)s: check in between %(first)s and %(last)s.")
        % {
            "date": visit.planned_date.strftime("%d/%m/%Y"),
            "first": first.strftime("%d/%m/%Y"),
            "last": last.strftime("%d/%m/%Y"),
        },
    )


@dataclass(frozen=True)
class CheckInResult:
    visit: Visit
    distance_m: float | None
    flags: list[str]


@transaction.atomic
def check_in(
    visit: Visit,
    *,
    actor: User,
    latitude,
    longitude,
    accuracy_m,
    device_time,
    sent_at=None,
    reason: str = "",
    device=None,
    now: datetime | None = None,
) -> CheckInResult:
    """Start the visit on site. Outside the unit's geofence (distance on the sphere > radius + accuracy) it is
    refused with OUT_OF_GEOFENCE and the distance, unless a reason is given, which is recorded and flagged.

    ``device_time`` is the phone's clock at the check-in, ``sent_at`` its clock when it sent it (the same when
    sent at once, later for a check-in queued offline). The phone's clock is off by receipt − ``sent_at``; the
    visit's ``checked_in_at`` is ``device_time`` corrected by that offset, ``check_in_received_at`` the receipt.
    An offset above CHECK_IN_MAX_CLOCK_SKEW_SECONDS is flagged ``clock_skew`` (the delay of an offline sync
    never is). A check-in on a day outside the visit's window is refused (OUTSIDE_VISIT_WINDOW) or flagged
    ``outside_window``, as CHECK_IN_OUTSIDE_WINDOW says. This is the moment a surprise visit becomes visible
    to the inspected unit. Checking in again changes nothing."""
    now = now or timezone.now()
    check_coordinates(latitude, longitude)
    if (
        accuracy_m is None
        or not math.isfinite(accuracy_m)
        or not 0 <= accuracy_m <= settings.CHECK_IN_MAX_ACCURACY_M
    ):
        raise fail(FieldErrorCode.OUT_OF_RANGE, _("The GPS accuracy is out of range."), "accuracy")
    device_time = check_moment(device_time, "device_time", now=now)
    offset = clock_offset(sent_at, now=now, default=device_time)
    on_site = on_server_clock(device_time, offset, now=now)
    visit = Visit.objects.select_for_update().select_related("unit").get(pk=visit.pk)
    check_assigned(visit, actor)
    if visit.status in (VisitStatus.SUBMITTED, VisitStatus.CLOSED):
        raise fail(
            FieldErrorCode.VISIT_SUBMITTED, _("The visit is submitted: its record can no longer change.")
        )
    if visit.status == VisitStatus.IN_PROGRESS:
        return CheckInResult(visit, visit.check_in_distance_m, list(visit.check_in_flags))
    unit, flags, distance = visit.unit, [], None
    if not in_window(visit, on_site):
        if settings.CHECK_IN_OUTSIDE_WINDOW != "flag":
            raise outside_window(visit)
        flags.append("outside_window")
    fence_lat, fence_lon = unit.geofence_latitude, unit.geofence_longitude
    if unit.has_geofence and fence_lat is not None and fence_lon is not None:
        distance = distance_m(latitude, longitude, fence_lat, fence_lon)
        allowed = unit.geofence_radius_m + accuracy_m
        if distance > allowed:
            if not (reason or "").strip():
                raise GeofenceError(distance, allowed)
            flags.append("outside_geofence")
    else:
        flags.append("no_geofence")
    if abs(offset.total_seconds()) > settings.CHECK_IN_MAX_CLOCK_SKEW_SECONDS:
        flags.append("clock_skew")
    visit.status = VisitStatus.IN_PROGRESS
    visit.checked_in_at, visit.check_in_received_at, visit.checked_in_by = on_site, now, actor
    visit.check_in_latitude, visit.check_in_longitude, visit.check_in_accuracy_m = (
        latitude,
        longitude,
        accuracy_m,
    )
    visit.check_in_distance_m, visit.check_in_reason = distance, (reason or "").strip()
    visit.check_in_device_time, visit.check_in_flags = device_time, flags
    visit.template = visit.template or default_template()
    visit.save()
    record(actor, device, AuditAction.VISIT_CHECK_IN, visit, {"distance_m": distance, "flags": flags})
    board_events.unit_changed(visit.unit)
    return CheckInResult(visit, distance, flags)


def may_read_answers(user: User, visit: Visit, unit: OrgUnit) -> bool:
    """Of a visit ``user`` may see: its checklist answers are read by the inspectors and the authority side at
    any time, and by the inspected unit's own people (and those of units under it) once it is submitted."""
    if visit.status in (VisitStatus.SUBMITTED, VisitStatus.CLOSED) or is_administrator(user):
        return True
    own = getattr(user, "unit", None)
    return own is None or not own.path.startswith(unit.path)


def criterion_of(visit: Visit, code: str) -> Criterion:
    criterion = Criterion.objects.filter(template_id=visit.template_id, code=code).first()
    if criterion is None:
        raise fail(
            FieldErrorCode.UNKNOWN_CRITERION,
            _("No such criterion in this visit's checklist."),
            "criterion_code",
        )
    return criterion


@transaction.atomic
def answer_criterion(
    visit: Visit,
    *,
    actor: User,
    criterion_code: str,
    result: str,
    note: str = "",
    client_id: uuid_lib.UUID | None = None,
    device=None,
) -> Answer:
    """Pass, fail or not applicable for one criterion of the visit's checklist (the last answer counts)."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_assigned(visit, actor)
    check_open(visit)
    if result not in AnswerResult.values:
        raise fail(FieldErrorCode.INVALID, _("Answer pass, fail or not applicable."), "result")
    criterion = criterion_of(visit, criterion_code)
    if (
        result != AnswerResult.FAIL
        and Finding.objects.filter(visit=visit, criterion=criterion, withdrawn_at__isnull=True).exists()
    ):
        raise fail(
            FieldErrorCode.CRITERION_HAS_FINDING,
            _("A finding is recorded for this criterion: it cannot pass."),
            "result",
        )
    if client_id and Answer.objects.filter(uuid=client_id).exclude(visit=visit, criterion=criterion).exists():
        raise fail(FieldErrorCode.CONFLICT, _("This id was already used for another answer."), "id")
    answer, _created = Answer.objects.update_or_create(
        visit=visit,
        criterion=criterion,
        defaults={
            "result": result,
            "note": (note or "").strip(),
            "answered_by": actor,
            **({"uuid": client_id} if client_id else {}),
        },
    )
    record(actor, device, AuditAction.ANSWER_SET, answer, {"criterion": criterion.code, "result": result})
    return answer


def deadline_for(severity: str, captured_at: datetime):
    days = settings.REMEDIATION_DEADLINE_WORKING_DAYS[severity]
    return add_working_days(timezone.localdate(captured_at), days)


@transaction.atomic
def record_finding(
    visit: Visit,
    *,
    actor: User,
    client_id: uuid_lib.UUID,
    criterion_code: str,
    text: str,
    severity: str | None = None,
    recommendation: str = "",
    latitude=None,
    longitude=None,
    captured_at=None,
    sent_at=None,
    evidence_ids=(),
    device=None,
    now: datetime | None = None,
) -> Finding:
    """A finding on a failed criterion: one answered PASS or NOT_APPLICABLE is refused (CRITERION_NOT_FAILED);
    one not answered yet becomes FAIL (so offline operations replayed in any order still work). Its deadline
    is counted in working days from its capture date by severity. ``captured_at`` is the phone's clock,
    corrected by its offset when ``sent_at`` (the phone's clock when it sent) is given. ``evidence_ids`` name
    its photos, which may be uploaded before or after. Sending the same finding again returns it; other
    content under the same id conflicts."""
    now = now or timezone.now()
    if not (text or "").strip():
        raise fail(FieldErrorCode.REQUIRED, _("Describe what was found."), "text")
    check_coordinates(latitude, longitude, required=False)
    captured_at = check_moment(captured_at or now, "captured_at", now=now)
    if sent_at is not None:
        captured_at = on_server_clock(captured_at, clock_offset(sent_at, now=now, default=now), now=now)
    visit = Visit.objects.select_for_update().select_related("unit").get(pk=visit.pk)
    check_assigned(visit, actor)
    existing = Finding.objects.filter(uuid=client_id).first()
    criterion = criterion_of(visit, criterion_code) if visit.template_id else None
    if existing is not None:
        same = (
            existing.visit_id == visit.pk
            and criterion is not None
            and existing.criterion_id == criterion.pk
            and existing.text == text.strip()
            and existing.severity == (severity or existing.severity)
        )
        if not same:
            raise fail(FieldErrorCode.CONFLICT, _("This id was already used for another finding."), "id")
        link_slots(existing, evidence_ids, actor=actor)
        return existing
    check_open(visit)
    assert criterion is not None
    answered = (
        Answer.objects.filter(visit=visit, criterion=criterion).values_list("result", flat=True).first()
    )
    if answered is not None and answered != AnswerResult.FAIL:
        raise fail(
            FieldErrorCode.CRITERION_NOT_FAILED,
            _("This criterion is answered %(result)s: answer it as failed to record a finding.")
            % {"result": AnswerResult(answered).label},
            "criterion_code",
        )
    severity = severity or criterion.default_severity
    if severity not in Severity.values:
        raise fail(FieldErrorCode.INVALID, _("Severity is minor, major or critical."), "severity")
    finding = Finding.objects.create(
        uuid=client_id,
        visit=visit,
        unit=visit.unit,
        criterion=criterion,
        severity=severity,
        text=text.strip(),
        recommendation=(recommendation or "").strip(),
        latitude=latitude,
        longitude=longitude,
        captured_at=captured_at,
        deadline=deadline_for(severity, captured_at),
        created_by=actor,
    )
    Answer.objects.update_or_create(
        visit=visit, criterion=criterion, defaults={"result": AnswerResult.FAIL, "answered_by": actor}
    )
    link_slots(finding, evidence_ids, actor=actor)
    record(
        actor,
        device,
        AuditAction.FINDING_CREATE,
        finding,
        {"criterion": criterion.code, "severity": severity},
    )
    return finding


def may_take(evidence: Evidence, finding_uuid: uuid_lib.UUID, actor: User) -> bool:
    """Whether ``actor`` may tie ``evidence`` (on no finding yet) to the finding ``finding_uuid``."""
    return evidence.finding_uuid == finding_uuid or (
        evidence.finding_uuid is None and evidence.uploaded_by_id == actor.pk
    )


def foreign(evidence: Evidence, finding: Finding | None, finding_uuid: uuid_lib.UUID, actor: User) -> bool:
    """Whether ``evidence`` is someone else's photo the actor may not tie to ``finding_uuid``: on another
    finding, or on none and neither uploaded by the actor nor for this finding (a unit's fix photo, another
    inspector's photo)."""
    if finding is not None and evidence.finding_id == finding.pk:
        return False
    return evidence.finding_id is not None or not may_take(evidence, finding_uuid, actor)


def link_slots(finding: Finding, evidence_ids, *, actor: User) -> None:
    """Attach photos to the finding: uploaded ones now, the others as slots their upload will fill. A photo
    not yet on a finding is taken only when the actor uploaded it or it was uploaded naming this finding.
    Someone else's photo (``foreign``) is never taken, and the answer is the one a missing id gets (accepted,
    waiting for its upload): answering CONFLICT told the caller that a photo exists under that id. Its upload
    later answers as any upload whose id is taken."""
    for evidence_id in evidence_ids:
        evidence, created = Evidence.objects.get_or_create(
            uuid=evidence_id,
            defaults={"finding": finding, "finding_uuid": finding.uuid, "uploaded_by": actor},
        )
        if created or evidence.finding_id == finding.pk:
            continue
        if foreign(evidence, finding, finding.uuid, actor):
            logger.info("evidence_foreign_id_ignored", evidence=str(evidence_id), finding=str(finding.uuid))
            continue
        evidence.finding, evidence.finding_uuid = finding, finding.uuid
        evidence.save(update_fields=["finding", "finding_uuid"])
    Evidence.objects.filter(finding_uuid=finding.uuid, finding__isnull=True).update(finding=finding)
    for evidence in Evidence.objects.filter(
        finding=finding, stored_at__isnull=False, far_from_unit__isnull=True
    ):
        if place_photo(evidence, finding.unit):
            evidence.save(update_fields=["distance_from_unit_m", "far_from_unit"])


def place_photo(evidence: Evidence, unit) -> bool:
    """Set how far the photo was taken from ``unit``'s office (its farthest known position: EXIF GPS, the
    phone's), flagging ``far_from_unit`` beyond the geofence by more than EVIDENCE_MAX_DISTANCE_FROM_UNIT_M
    (plus the phone's accuracy). False when nothing can be said (no position, or the unit has no geofence)."""
    fence_lat, fence_lon = unit.geofence_latitude, unit.geofence_longitude
    if not unit.has_geofence or fence_lat is None or fence_lon is None:
        return False
    allowed = unit.geofence_radius_m + settings.EVIDENCE_MAX_DISTANCE_FROM_UNIT_M
    beyond, farthest = False, None
    for latitude, longitude, accuracy in (
        (evidence.latitude, evidence.longitude, 0.0),
        (evidence.device_latitude, evidence.device_longitude, evidence.device_accuracy_m or 0.0),
    ):
        if latitude is None or longitude is None:
            continue
        distance = distance_m(latitude, longitude, fence_lat, fence_lon)
        farthest = distance if farthest is None else max(farthest, distance)
        beyond = beyond or distance > allowed + accuracy
    if farthest is None:
        return False
    evidence.distance_from_unit_m, evidence.far_from_unit = round(farthest, 1), beyond
    return True


@transaction.atomic
def link_evidence(
    *, actor: User, evidence_id: uuid_lib.UUID, finding_id: uuid_lib.UUID, device=None
) -> Evidence:
    """Attach a photo to a finding (either may not have reached the server yet). Only an inspector links, and
    only their own photos or those uploaded for this finding (``may_take``)."""
    if getattr(actor, "role", None) != Role.INSPECTOR:
        raise fail(FieldErrorCode.NOT_ASSIGNED, _("Only the visit's inspectors add photos."))
    finding = Finding.objects.select_related("visit").filter(uuid=finding_id).first()
    if finding is not None:
        check_assigned(finding.visit, actor)
        existing = Evidence.objects.filter(uuid=evidence_id).first()
        if (existing is None or existing.finding_id != finding.pk) and finding.visit is not None:
            check_open(finding.visit)  # a submitted visit takes no new photos, only the ones it named
        link_slots(finding, [evidence_id], actor=actor)
        evidence = Evidence.objects.get(uuid=evidence_id)
    else:
        evidence, _created = Evidence.objects.get_or_create(
            uuid=evidence_id, defaults={"finding_uuid": finding_id, "uploaded_by": actor}
        )
        if not foreign(evidence, None, finding_id, actor) and evidence.finding_uuid is None:
            evidence.finding_uuid = finding_id
            evidence.save(update_fields=["finding_uuid"])
    if foreign(evidence, finding, finding_id, actor):
        # Answered as a missing id is (accepted, its upload awaited), naming only the id the caller sent;
        # nothing is linked nor audited against someone else's photo.
        return Evidence(uuid=evidence_id, finding_uuid=finding_id)
    record(actor, device, AuditAction.EVIDENCE_LINK, evidence, {"finding": str(finding_id)})
    return evidence


@transaction.atomic
def submit_visit(visit: Visit, *, actor: User, device=None, now: datetime | None = None) -> Visit:
    """Submit the visit: every criterion answered; from now on its findings and evidence are fixed."""
    visit = Visit.objects.select_for_update().get(pk=visit.pk)
    check_assigned(visit, actor)
    if visit.status == VisitStatus.SUBMITTED:
        return visit
    check_open(visit)
    answered = set(Answer.objects.filter(visit=visit).values_list("criterion_id", flat=True))
    missing = list(
        Criterion.objects.filter(template_id=visit.template_id)
        .exclude(pk__in=answered)
        .values_list("code", flat=True)
    )
    if missing:
        raise fail(
            FieldErrorCode.INCOMPLETE,
            _("Answer every criterion first: %(codes)s.") % {"codes": ", ".join(missing)},
        )
    visit.status, visit.submitted_at = VisitStatus.SUBMITTED, now or timezone.now()
    visit.save(update_fields=["status", "submitted_at"])
    record(actor, device, AuditAction.VISIT_SUBMIT, visit, {"answers": len(answered)})
    board_events.unit_changed(visit.unit)
    # Each finding now has to be fixed by the unit: its head answers for it by the deadline.
    remediation.open_for(Finding.objects.filter(visit=visit).current().select_related("unit__head"))
    return visit


@transaction.atomic
def correct_finding(
    finding: Finding,
    *,
    actor: User,
    reason: str,
    text: str | None = None,
    severity: str | None = None,
    recommendation: str | None = None,
    withdraw: bool = False,
    device=None,
    now: datetime | None = None,
) -> Finding:
    """A new version of a finding that keeps the old one (which stays readable, linked by ``supersedes``).
    With ``withdraw`` the new version withdraws the finding (recorded by mistake): its remediation ends
    WITHDRAWN and the unit no longer answers it."""
    if not (reason or "").strip():
        raise fail(FieldErrorCode.REQUIRED, _("Say why the finding is corrected."), "reason")
    finding = Finding.objects.select_for_update(of=("self",)).select_related("visit").get(pk=finding.pk)
    check_assigned(finding.visit, actor)
    if Finding.objects.filter(supersedes=finding).exists():
        raise fail(FieldErrorCode.CONFLICT, _("This version was already corrected; correct the newest one."))
    if finding.withdrawn_at is not None:
        raise fail(FieldErrorCode.FINDING_WITHDRAWN, _("This finding was withdrawn: it takes no correction."))
    severity = severity or finding.severity
    if severity not in Severity.values:
        raise fail(FieldErrorCode.INVALID, _("Severity is minor, major or critical."), "severity")
    if text is not None and not text.strip():
        raise fail(FieldErrorCode.REQUIRED, _("Describe what was found."), "text")
    new = Finding.objects.create(
        visit=finding.visit,
        unit_id=finding.unit_id,
        criterion_id=finding.criterion_id,
        severity=severity,
        text=(text or finding.text).strip(),
        recommendation=(recommendation if recommendation is not None else finding.recommendation).strip(),
        latitude=finding.latitude,
        longitude=finding.longitude,
        captured_at=finding.captured_at,
        deadline=deadline_for(severity, finding.captured_at),
        version=finding.version + 1,
        supersedes=finding,
        correction_reason=reason.strip(),
        withdrawn_at=(now or timezone.now()) if withdraw else None,
        withdrawal_reason=reason.strip() if withdraw else "",
        created_by=actor,
    )
    remediation.follow_correction(finding, new)
    details = {"supersedes": str(finding.uuid), "reason": reason.strip()}
    if withdraw:
        record(actor, device, AuditAction.FINDING_WITHDRAW, new, details)
    else:
        record(actor, device, AuditAction.FINDING_CORRECT, new, details)
    return new


@transaction.atomic
def return_finding_for_correction(finding: Finding, reason: str, *, actor: User, device=None) -> Finding:
    """Send a finding back to its inspectors for correction (Home Affairs, or the head of the plan's
    authority): they are told, with the finding's text and the reason, and correct it (``correct_finding``)
    or withdraw it from the field app. The finding itself does not change until they do."""
    if not (reason or "").strip():
        raise fail(FieldErrorCode.REQUIRED, _("Say what is to be corrected."), "reason")
    finding = (
        Finding.objects.select_for_update(of=("self",))
        .select_related("visit__plan__authority", "unit", "criterion")
        .get(pk=finding.pk)
    )
    if not may_return_finding(actor, finding):
        raise fail(FieldErrorCode.PERMISSION_DENIED, _("You may not send this finding back for correction."))
    if finding.visit is None:
        raise fail(FieldErrorCode.INVALID, _("Only a finding of a visit goes back to its inspectors."))
    if finding.withdrawn_at is not None:
        raise fail(FieldErrorCode.FINDING_WITHDRAWN, _("This finding was withdrawn: it takes no correction."))
    if Finding.objects.filter(supersedes=finding).exists():
        raise fail(FieldErrorCode.CONFLICT, _("This version was already corrected; return the newest one."))
    reason = reason.strip()
    entry = record(actor, device, AuditAction.FINDING_RETURN, finding, {"reason": reason})
    inspectors = User.objects.filter(
        pk__in=VisitAssignment.objects.filter(visit=finding.visit).values("inspector_id")
    )
    notifications.notify(
        inspectors,
        kind="finding_returned",
        key=f"finding_returned:{finding.pk}:{entry.pk}",
        finding=finding,
        title=gettext_lazy("A finding was returned for correction"),
        body=gettext_lazy("%(unit)s · %(code)s: %(text)s\nTo correct: %(reason)s"),
        values={
            "unit": finding.unit.name,
            "code": finding.criterion.code,
            "text": finding.text[:200],
            "reason": reason[:500],
        },
    )
    return finding


@transaction.atomic
def withdraw_finding(
    finding: Finding, *, actor: User, reason: str, device=None, now: datetime | None = None
) -> Finding:
    """Withdraw a finding recorded by mistake, before its visit is submitted (after it, a correction withdraws
    it: ``correct_finding(withdraw=True)``). It is kept, with the reason; its criterion may then be answered
    otherwise; no remediation is opened for it. Withdrawing it again returns it unchanged."""
    if not (reason or "").strip():
        raise fail(FieldErrorCode.REQUIRED, _("Say why the finding is withdrawn."), "reason")
    finding = Finding.objects.select_for_update(of=("self",)).select_related("visit").get(pk=finding.pk)
    check_assigned(finding.visit, actor)
    if finding.withdrawn_at is not None:
        return finding
    assert finding.visit is not None
    if finding.visit.status in (VisitStatus.SUBMITTED, VisitStatus.CLOSED):
        raise fail(
            FieldErrorCode.VISIT_SUBMITTED,
            _("The visit is submitted: withdraw the finding with a correction."),
        )
    check_open(finding.visit)
    finding.withdrawn_at, finding.withdrawal_reason = now or timezone.now(), reason.strip()
    finding.save(update_fields=["withdrawn_at", "withdrawal_reason"])
    record(actor, device, AuditAction.FINDING_WITHDRAW, finding, {"reason": reason.strip()})
    return finding
