"""``POST /api/cameras/snapshots``: a counter camera (or its recorder) sends one JPEG snapshot.

Authenticated per camera by ``X-Camera-Key: cam_...`` (or ``Authorization: Camera cam_...``); form fields
``file`` and ``capturedAt`` (ISO 8601; without an offset, Vietnam's time). Answers 202 with the snapshot (its
analysis is queued, never run in the request), 200 when the same bytes were already sent for that moment (a
retry), 409 CONFLICT with the snapshot kept when other bytes were, and typed errors as the evidence upload does
(nothing stored). The same bytes at a new moment are a new snapshot: that is how a frozen recorder is caught.

``GET /api/cameras/snapshots/<id>/image`` serves the stored picture (citizens' faces blurred) to reviewers,
once analysed, after its hash check; every view is written to the audit log.
"""

import json

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from apikit.rest import error_response, json_error
from inspections.error_codes import CctvErrorCode, fail
from inspections.models import AnalysisStatus, Snapshot
from inspections.services.evidence import TamperedEvidence, read_upload, read_verified_file
from inspections.services.snapshot_review import reviewable_snapshots
from inspections.services.snapshots import MomentTaken, camera_for_key, ingest, record_view


def camera_key(request) -> str | None:
    scheme, _sep, value = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() == "camera" and value.strip():
        return value.strip()
    return request.headers.get("X-Camera-Key")


def snapshot_json(snapshot: Snapshot) -> dict:
    return {
        "id": snapshot.pk,
        "capturedAt": timezone.localtime(snapshot.captured_at).isoformat(),
        "sha256": snapshot.received_sha256,
        "inWorkingHours": snapshot.in_working_hours,
        "status": snapshot.status,
    }


@csrf_exempt  # no cookie credentials: a camera key cannot be forged across sites
@require_POST
def ingest_snapshot(request):
    try:
        camera = camera_for_key(camera_key(request))
        if camera is None:
            raise fail(CctvErrorCode.UNAUTHENTICATED, _("Send a valid camera key."))
        if int(request.META.get("CONTENT_LENGTH") or 0) > settings.UPLOAD_MAX_REQUEST_BYTES:
            raise fail(
                CctvErrorCode.FILE_TOO_LARGE,
                _("The request is larger than %(limit)s bytes.")
                % {"limit": f"{settings.UPLOAD_MAX_REQUEST_BYTES:,}"},
                "file",
            )
        raw_time = request.POST.get("capturedAt", "")
        try:
            captured_at = parse_datetime(raw_time) if raw_time else None
        except ValueError:
            captured_at = None
        if raw_time and captured_at is None:
            raise fail(CctvErrorCode.INVALID, _("Give the capture time in ISO 8601."), "captured_at")
        file = request.FILES.get("file")
        if file is None:
            raise fail(CctvErrorCode.REQUIRED, _("Attach the snapshot as the form field 'file'."), "file")
        result = ingest(camera, read_upload(file), captured_at)
    except ValidationError as error:
        return error_response(error)
    except MomentTaken as taken:
        response = json_error(
            409,
            "CONFLICT",
            _(
                "Another snapshot was already received from this camera for this moment; check the camera's clock."
            ),
        )
        response.content = json.dumps(
            {**json.loads(response.content), "snapshot": snapshot_json(taken.kept)}, ensure_ascii=False
        )
        return response
    return JsonResponse(
        {"snapshot": snapshot_json(result.snapshot), "created": result.created},
        status=202 if result.created else 200,
    )


@require_GET
def snapshot_image(request, snapshot_id: int):
    """The snapshot's JPEG, for those who may review it, after its SHA-256 is checked (as evidence is)."""
    user = request.user
    if not user.is_authenticated:
        return json_error(401, "UNAUTHENTICATED", _("Sign in first."))
    snapshot = reviewable_snapshots(user).filter(pk=snapshot_id).first()
    if snapshot is None:
        return json_error(404, "NOT_FOUND", _("Not found."))
    if snapshot.status != AnalysisStatus.ANALYSED:  # the original, faces unblurred, is never served
        return json_error(
            409, "NOT_READY", _("The snapshot is still being analysed; its picture is not ready.")
        )
    try:
        data = read_verified_file(snapshot.file_name, snapshot.sha256)
    except TamperedEvidence:
        return json_error(
            409,
            "EVIDENCE_TAMPERED",
            _("The stored snapshot no longer matches the one received; it is not served."),
        )
    record_view(snapshot, viewer=user)
    return HttpResponse(
        data,
        content_type="image/jpeg",
        headers={
            "Cache-Control": f"private, max-age={settings.EVIDENCE_CACHE_SECONDS}",
            "X-Content-Type-Options": "nosniff",
            "ETag": f'"{snapshot.sha256}"',
        },
    )
