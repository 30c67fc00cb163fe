"""The plain multipart photo upload, for a phone's background uploader: one photo per request.

``POST /api/evidence`` with the form fields ``id`` (the photo's UUID, made by the phone), ``findingId`` (its
finding's UUID) and ``file``; optionally the phone's position at the capture (``latitude``, ``longitude``,
``accuracy`` in metres, ``capturedAt``: browsers strip EXIF GPS) and its clock when sending (``sentAt``). Idempotent by ``id``: a retry answers 200 with what the first upload made; a new
photo answers 201. Errors answer ``{"errors": [{"field", "code", "message"}]}`` with the same codes as the
GraphQL ``FieldErrorCode`` (413 for FILE_TOO_LARGE, 401 for UNAUTHENTICATED: no token, or an expired or revoked
one; 400 otherwise); nothing is stored.
"""

import math
import uuid
from datetime import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apikit.rest import error_response
from inspections.error_codes import FieldErrorCode, fail
from inspections.models import Evidence
from inspections.services.evidence import PhonePosition, read_upload, store_photo


def evidence_json(evidence: Evidence) -> dict:
    return {
        "id": str(evidence.uuid),
        "findingId": str(evidence.finding_uuid),
        "sha256": evidence.sha256,
        "size": evidence.size,
        "contentType": evidence.content_type,
        "width": evidence.width,
        "height": evidence.height,
        "latitude": evidence.latitude,
        "longitude": evidence.longitude,
        "capturedAt": timezone.localtime(evidence.captured_at).isoformat() if evidence.captured_at else None,
        "deviceLatitude": evidence.device_latitude,
        "deviceLongitude": evidence.device_longitude,
        "deviceAccuracy": evidence.device_accuracy_m,
        "deviceCapturedAt": (
            timezone.localtime(evidence.device_captured_at).isoformat()
            if evidence.device_captured_at
            else None
        ),
        "distanceFromUnitM": evidence.distance_from_unit_m,
        "farFromUnit": evidence.far_from_unit,
        "originalUrl": f"/api/evidence/{evidence.uuid}/original",
        "thumbnailUrl": f"/api/evidence/{evidence.uuid}/thumbnail",
    }


def form_number(request, name: str) -> float | None:
    value = request.POST.get(name, "").strip()
    if not value:
        return None
    try:
        number = float(value)
    except ValueError:
        raise fail(FieldErrorCode.INVALID, _("Expected a number."), name) from None
    if not math.isfinite(number):
        raise fail(FieldErrorCode.OUT_OF_RANGE, _("Expected a number."), name)
    return number


def form_moment(request, name: str) -> datetime | None:
    value = request.POST.get(name, "").strip()
    if not value:
        return None
    try:
        parsed = parse_datetime(value)
    except ValueError:
        parsed = None
    if parsed is None:
        raise fail(FieldErrorCode.INVALID, _("Expected an ISO 8601 date and time."), name)
    return parsed


def form_position(request) -> PhonePosition:
    """The phone's position and time at the capture (form fields latitude, longitude, accuracy, capturedAt)
    and its clock when it sent the photo (sentAt)."""
    return PhonePosition(
        latitude=form_number(request, "latitude"),
        longitude=form_number(request, "longitude"),
        accuracy_m=form_number(request, "accuracy"),
        captured_at=form_moment(request, "capturedAt"),
        sent_at=form_moment(request, "sentAt"),
    )


def form_uuid(request, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get(name, ""))
    except ValueError:
        raise fail(FieldErrorCode.INVALID, _("Expected a UUID."), name) from None


@require_POST
def upload_evidence(request):
    try:
        rejected = getattr(request, "credentials_rejected", None)
        if callable(rejected) and rejected():
            raise fail(
                FieldErrorCode.UNAUTHENTICATED, _("Your sign-in has expired or was revoked: sign in again.")
            )
        if not request.user.is_authenticated:
            raise fail(FieldErrorCode.UNAUTHENTICATED, _("Sign in first."))
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise fail(
                FieldErrorCode.FILE_TOO_LARGE,
                _("The request is larger than %(limit)s bytes.")
                % {"limit": f"{settings.UPLOAD_MAX_REQUEST_BYTES:,}"},
                "file",
            )
        evidence_id, finding_id = form_uuid(request, "id"), form_uuid(request, "findingId")
        file = request.FILES.get("file")
        if file is None:
            raise fail(FieldErrorCode.REQUIRED, _("Attach the photo as the form field 'file'."), "file")
        device = request.device_session() if callable(getattr(request, "device_session", None)) else None
        upload = store_photo(
            actor=request.user,
            evidence_id=evidence_id,
            finding_id=finding_id,
            data=read_upload(file),
            position=form_position(request),
            device=device,
        )
    except ValidationError as error:
        return error_response(error)
    return JsonResponse(
        {"evidence": evidence_json(upload.evidence), "created": upload.created},
        status=201 if upload.created else 200,
    )
