"""The plain multipart photo upload, for a phone's background uploader: one photo per request.

``POST /api/evidence`` with the form fields ``id`` (the photo's UUID, made by the phone), ``findingId`` (its
finding's UUID) and ``file``. Idempotent by ``id``: a retry answers 200 with what the first upload made; a new
photo answers 201. Errors answer ``{"errors": [{"field", "code", "message"}]}`` with the same codes as the
GraphQL ``FieldErrorCode`` (413 for FILE_TOO_LARGE, 401 for UNAUTHENTICATED, 400 otherwise); nothing is stored.
"""

import uuid

from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import JsonResponse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from apikit.rest import error_response
from inspections.error_codes import FieldErrorCode, fail
from inspections.models import Evidence
from inspections.services.evidence import read_upload, store_photo


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
        "originalUrl": f"/api/evidence/{evidence.uuid}/original",
        "thumbnailUrl": f"/api/evidence/{evidence.uuid}/thumbnail",
    }


def form_uuid(request, name: str) -> uuid.UUID:
    try:
        return uuid.UUID(request.POST.get(name, ""))
    except ValueError:
        raise fail(FieldErrorCode.INVALID, _("Expected a UUID."), name) from None


@require_POST
def upload_evidence(request):
    try:
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
            device=device,
        )
    except ValidationError as error:
        return error_response(error)
    return JsonResponse(
        {"evidence": evidence_json(upload.evidence), "created": upload.created},
        status=201 if upload.created else 200,
    )
