"""Evidence photos are served only here: to a caller who may see the finding, after the stored bytes are
checked against the SHA-256 recorded at upload (DESIGN.md rule 3). There is no public /media/ URL."""

from django.conf import settings
from django.db.models import Q
from django.http import HttpResponse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from apikit.rest import json_error
from inspections.models import Evidence, RemediationDraft
from inspections.services.audit import record
from inspections.services.evidence import ORIGINAL, TamperedEvidence, read_verified
from inspections.services.visibility import visible_findings


def in_a_draft_for(user, evidence_id, findings) -> bool:
    """A photo of a draft answer is seen by the unit's head and the staff member drafting (the head reads the
    draft before sending it), as long as they see the finding."""
    drafts = RemediationDraft.objects.filter(
        Q(remediation__unit__head=user) | Q(remediation__assignee=user), remediation__finding__in=findings
    ).values_list("evidence_ids", flat=True)
    return any(str(evidence_id) in ids for ids in drafts)


@require_GET
def evidence_file(request, evidence_id, kind):
    user = request.user
    rejected = getattr(request, "credentials_rejected", None)
    if callable(rejected) and rejected():  # an expired or revoked token, never taken for an anonymous caller
        return json_error(
            401, "UNAUTHENTICATED", _("Your sign-in has expired or was revoked: sign in again.")
        )
    if not user.is_authenticated:
        return json_error(401, "UNAUTHENTICATED", _("Sign in first."))
    # A photo is as visible as its finding's visit (rule 1 included); one that has not found its finding yet
    # only to the inspector who sent it. Hidden and missing answer alike.
    findings = visible_findings(user).values("pk")
    visible = (
        Q(finding__in=findings)
        | Q(answer__remediation__finding__in=findings)
        | Q(finding=None, answer=None, uploaded_by=user)
    )
    evidence = Evidence.objects.filter(visible, uuid=evidence_id).exclude(stored_at=None).first()
    if evidence is None and in_a_draft_for(user, evidence_id, findings):
        evidence = (
            Evidence.objects.filter(uuid=evidence_id, finding=None, answer=None)
            .exclude(stored_at=None)
            .first()
        )
    if evidence is None:
        return json_error(404, "NOT_FOUND", _("Not found."))
    etag = f'"{evidence.sha256 if kind == ORIGINAL else evidence.thumbnail_sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": f"private, max-age={settings.EVIDENCE_CACHE_SECONDS}",
        "X-Content-Type-Options": "nosniff",
        "Content-Security-Policy": "default-src 'none'",
    }
    if request.headers.get("If-None-Match") == etag:
        return HttpResponse(status=304, headers=headers)
    try:
        data = read_verified(evidence, kind)
    except TamperedEvidence:
        record(user, None, "evidence.tampered", evidence, {"kind": kind})
        return json_error(
            409,
            "EVIDENCE_TAMPERED",
            _(
                "The stored photo no longer matches the one uploaded; it is not served. The incident is logged."
            ),
        )
    content_type = evidence.content_type if kind == ORIGINAL else "image/jpeg"
    extension = evidence.file_name.rsplit(".", 1)[-1] if kind == ORIGINAL else "jpg"
    headers["Content-Disposition"] = f'inline; filename="{evidence.uuid}-{kind}.{extension}"'
    return HttpResponse(data, content_type=content_type, headers=headers)
