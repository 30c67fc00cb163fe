"""The unit's findings in the portal: ``GET /findings/`` (the inbox) and ``/findings/<uuid>/`` (one finding's
timeline, and the answer form for whoever may draft it).

Rows come through ``visible_findings`` as everywhere, so a surprise visit's findings appear only once its
inspector checked in; a finding the user may not see answers 404 exactly like one that does not exist. The
answer goes through the remediation service, which checks who may answer and writes the audit row."""

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from inspections.error_codes import RemediationErrorCode, fail
from inspections.models import Remediation, RemediationState
from inspections.services import remediation as remediation_service
from inspections.services.calendar import count_working_days
from inspections.services.evidence import read_upload, store_answer_photo
from inspections.services.visibility import visible_findings

INBOX_PAGE_SIZE = 25  # rows per page of the inbox
WAITING = (RemediationState.OPEN, RemediationState.REJECTED)
STATES = [
    ("", _("All")),
    ("waiting", _("To answer")),
    ("overdue", _("Overdue")),
    (RemediationState.ANSWERED, _("Awaiting the inspectors")),
    (RemediationState.CLOSED, _("Closed")),
]


def visible_remediations(user):
    return Remediation.objects.filter(finding__in=visible_findings(user).values("pk"))


def working_days_left(deadline, today) -> int:
    """Working days from today to the deadline: 0 on the day itself, negative once it has passed."""
    if deadline >= today:
        return count_working_days(today, deadline) - 1 if deadline > today else 0
    return -(count_working_days(deadline, today) - 1)


@require_http_methods(["GET"])
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    rows = (
        visible_remediations(request.user)
        .select_related("finding__criterion", "unit", "assignee")
        .order_by("deadline", "pk")
    )
    state = request.GET.get("state", "waiting")
    if state == "waiting":
        rows = rows.waiting()
    elif state == "overdue":
        rows = rows.overdue(today)
    elif state in RemediationState.values:
        rows = rows.filter(state=state)
    page = Paginator(rows, INBOX_PAGE_SIZE).get_page(request.GET.get("page"))
    for row in page:
        row.days_left = working_days_left(row.deadline, today)
        row.days_overdue = -row.days_left
    return render(request, "portal/inbox.html", {"page": page, "state": state, "states": STATES})


def remediation_of(user, finding_uuid) -> Remediation:
    remediation = (
        visible_remediations(user)
        .select_related("finding__criterion", "finding__visit", "unit__head", "assignee")
        .filter(finding__uuid=finding_uuid)
        .first()
    )
    if remediation is None:
        raise Http404
    return remediation


@require_http_methods(["GET", "POST"])
@login_required
def finding_page(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    remediation = remediation_of(request.user, finding_uuid)
    errors: dict[str, list[str]] = {}
    may_answer = remediation.state in WAITING and remediation_service.may_draft(request.user, remediation)
    if request.method == "POST":
        if not may_answer:
            raise Http404
        try:
            answer_from(request, remediation)
        except ValidationError as error:
            errors = error.message_dict if hasattr(error, "error_dict") else {"__all__": error.messages}
        else:
            return redirect("portal-finding", finding_uuid=finding_uuid)
    answers = list(
        remediation.answers.select_related("drafted_by", "accountable", "decided_by")
        .prefetch_related("evidence")
        .order_by("number")
    )
    context = {
        "remediation": remediation,
        "finding": remediation.finding,
        "answers": answers,
        "photos": list(remediation.finding.evidence.exclude(stored_at=None)),
        "days_left": working_days_left(remediation.deadline, timezone.localdate()),
        "may_answer": may_answer,
        "errors": errors,
        "general_errors": errors.get("__all__", []),
        "form": request.POST if errors else {},
    }
    return render(request, "portal/finding.html", context, status=400 if errors else 200)


def answer_from(request: HttpRequest, remediation: Remediation) -> None:
    """The photos first (each checked as evidence), then the answer that takes them, in one transaction: a
    refused answer keeps none of its photos attached."""
    fixed_on = request.POST.get("fixed_on") or None
    if fixed_on is not None and parse_date(fixed_on) is None:
        raise fail(RemediationErrorCode.INVALID, _("Enter a date."), "fixed_on")
    with transaction.atomic():
        photo_ids = []
        for file in request.FILES.getlist("photos"):
            photo_id = uuid.uuid4()
            store_answer_photo(actor=request.user, evidence_id=photo_id, data=read_upload(file))
            photo_ids.append(photo_id)
        remediation_service.answer(
            remediation,
            remediation_service.AnswerInput(
                plan_of_action=request.POST.get("plan_of_action", ""),
                fix_done=request.POST.get("fix_done", ""),
                fixed_on=parse_date(fixed_on) if fixed_on else None,
                evidence_ids=tuple(photo_ids),
            ),
            actor=request.user,
            version=int(request.POST.get("version") or 0) or None,
        )
