"""The unit's findings in the portal: ``GET /findings/`` (the inbox, with filters) and ``/findings/<uuid>/`` (one
finding's timeline, and the forms of whoever may act on it: answer, assign, ask for more time, decide on it).

Rows come through the rule of ``visible_findings`` as everywhere (``visible_remediations``), so a surprise
visit's findings appear only once its inspector checked in; a finding the user may not see answers 404 exactly
like one that does not exist. Every change goes through the remediation service, which checks who may act and
writes the audit row."""

import uuid
from dataclasses import dataclass

from django import forms
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.text import Truncator
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views.decorators.http import require_http_methods, require_POST

from inspections.error_codes import RemediationErrorCode, fail
from inspections.models import (
    Evidence,
    Remediation,
    RemediationDraft,
    RemediationState,
    Role,
    Severity,
    User,
)
from inspections.services import field as field_service
from inspections.services import org as org_service
from inspections.services import remediation as remediation_service
from inspections.services.calendar import count_working_days
from inspections.services.evidence import read_upload, store_answer_photo
from inspections.services.visibility import may_return_finding, visible_remediations, visible_units

INBOX_PAGE_SIZE = 25  # rows per page of the inbox
SUMMARY_CHARS = 140  # a finding's text in the inbox is cut to this many characters
UNIT_FILTER_MAX = 400  # units offered in the inbox's unit filter; more and the filter is left out
WAITING = (RemediationState.OPEN, RemediationState.REJECTED)
STATES = [
    ("", gettext_lazy("All")),
    ("waiting", gettext_lazy("To answer")),
    ("overdue", gettext_lazy("Overdue")),
    ("extension", gettext_lazy("More time asked")),
    (RemediationState.ANSWERED, gettext_lazy("Awaiting the inspectors")),
    (RemediationState.CLOSED, gettext_lazy("Closed")),
]


# What a row of the inbox shows, and nothing more, read as plain values: a finding's text is short, but the rest
# of the three rows (the unit's path and code, the user's password hash and settings) was read for nothing, and
# four model instances a row cost more than the row's SQL.
INBOX_FIELDS = (
    "finding__uuid",
    "finding__severity",
    "finding__text",
    "unit__name",
    "state",
    "deadline",
    "extension_requested_at",
    "extension_granted",
    "assignee__username",
    "assignee__full_name",
)


@dataclass(slots=True)
class InboxRow:
    """One line of the inbox, in words: its link, severity, what it is about and where it stands (written here
    rather than by the template's tags for every row, which cost more than the rows' SQL)."""

    href: str
    severity: str
    severity_label: str
    summary: str
    meta: str  # unit · state · assignee · "more time asked"
    due: str  # countdown · deadline
    late: bool


class InboxPage:
    """One page of the inbox, read as ``INBOX_PAGE_SIZE + 1`` rows: the extra row says whether a next page
    exists, so the page never counts every row the user may see (the count repeated the whole visibility check
    and cost as much as the page itself). A page past the end (a bookmark after findings were closed) shows
    the last page, as Django's paginator did; only that rare page counts."""

    def __init__(self, rows: list, number: int, has_next: bool):
        self.rows = rows
        self.number = number
        self.has_next = has_next
        self.has_previous = number > 1
        self.next_page_number = number + 1
        self.previous_page_number = number - 1

    @classmethod
    def of(cls, queryset, wanted) -> "InboxPage":
        try:
            number = max(1, int(wanted))
        except (TypeError, ValueError):
            number = 1
        start = (number - 1) * INBOX_PAGE_SIZE
        rows = list(queryset[start : start + INBOX_PAGE_SIZE + 1])
        if not rows and number > 1:
            number = max(1, -(-queryset.count() // INBOX_PAGE_SIZE))
            start = (number - 1) * INBOX_PAGE_SIZE
            rows = list(queryset[start : start + INBOX_PAGE_SIZE + 1])
        return cls(rows[:INBOX_PAGE_SIZE], number, len(rows) > INBOX_PAGE_SIZE)


def describe_rows(values: list[tuple], today) -> list[InboxRow]:
    """The inbox's rows from their ``INBOX_FIELDS`` values. The labels are translated and the finding's URL
    reversed once per page, not once per row."""
    labels = {
        "severity": {value: str(label) for value, label in Severity.choices},
        "state": {value: str(label) for value, label in RemediationState.choices},
        "more_time": _("more time asked"),
        "deadline": _("deadline"),
    }
    placeholder = str(uuid.UUID(int=0))
    href = reverse("portal-finding", args=[placeholder]).replace(placeholder, "{}")
    return [describe_row(row, today, labels, href) for row in values]


def describe_row(values: tuple, today, labels: dict, href: str) -> InboxRow:
    (finding_uuid, severity, text, unit_name, state, deadline, asked_at, granted, username, full_name) = (
        values
    )
    meta = [unit_name, labels["state"].get(state, state)]
    if assignee := (full_name or "").strip() or username:
        meta.append(assignee)
    if asked_at is not None and granted is None:
        meta.append(labels["more_time"])
    due = f"{labels['deadline']} {deadline:%d/%m/%Y}"
    days = 0
    if state in WAITING:
        days = working_days_left(deadline, today)
        due = f"{countdown(days)} · {due}"
    return InboxRow(
        href=href.format(finding_uuid),
        severity=severity,
        severity_label=labels["severity"].get(severity, severity),
        summary=text if len(text) <= SUMMARY_CHARS else Truncator(text).chars(SUMMARY_CHARS),
        meta=" · ".join(meta),
        due=due,
        late=days < 0,
    )


def countdown(days: int) -> str:
    """Working days left before a deadline, or overdue once it has passed."""
    if days < 0:
        return ngettext("%(days)s working day overdue", "%(days)s working days overdue", -days) % {
            "days": -days
        }
    return ngettext("%(days)s working day left", "%(days)s working days left", days) % {"days": days}


def working_days_left(deadline, today) -> int:
    """Working days from today to the deadline: 0 on the day itself, negative once it has passed."""
    if deadline >= today:
        return count_working_days(today, deadline) - 1 if deadline > today else 0
    return -(count_working_days(deadline, today) - 1)


class InboxFilter(forms.Form):
    """The inbox's filters; a value that is not among the choices is ignored (the filter is left out)."""

    state = forms.ChoiceField(label=gettext_lazy("State"), choices=STATES, required=False)
    severity = forms.ChoiceField(
        label=gettext_lazy("Severity"),
        choices=[("", gettext_lazy("Any severity")), *Severity.choices],
        required=False,
    )
    unit = forms.ChoiceField(label=gettext_lazy("Unit"), required=False)
    overdue = forms.BooleanField(label=gettext_lazy("Overdue only"), required=False)

    def __init__(self, data, *, units):
        super().__init__(data)
        self.fields["unit"].choices = [("", _("Every unit")), *((str(pk), name) for pk, name in units)]

    def value(self, name: str):
        return self.cleaned_data.get(name) if name not in self.errors else None


def unit_choices(user) -> list[tuple[int, str]]:
    """The units (id, name) a head with units below may narrow the inbox to (empty when there is only their
    own)."""
    units = list(visible_units(user).order_by("path").values_list("pk", "name")[: UNIT_FILTER_MAX + 1])
    return units if 1 < len(units) <= UNIT_FILTER_MAX else []


@require_http_methods(["GET"])
@login_required
def inbox(request: HttpRequest) -> HttpResponse:
    today = timezone.localdate()
    units = unit_choices(request.user)
    data = request.GET.copy()
    data.setdefault("state", "waiting")
    filters = InboxFilter(data, units=units)
    filters.is_valid()
    rows = visible_remediations(request.user).order_by("deadline", "pk")
    state = filters.value("state") or ""
    if state == "waiting":
        rows = rows.waiting()
    elif state == "overdue":
        rows = rows.overdue(today)
    elif state == "extension":
        rows = rows.filter(extension_requested_at__isnull=False, extension_granted__isnull=True)
    elif state in RemediationState.values:
        rows = rows.filter(state=state)
    if filters.value("severity"):
        rows = rows.filter(finding__severity=filters.value("severity"))
    if filters.value("unit"):
        rows = rows.filter(unit_id=int(filters.value("unit")))
    if filters.value("overdue"):
        rows = rows.overdue(today)
    page = InboxPage.of(rows.values_list(*INBOX_FIELDS), request.GET.get("page"))
    page.rows = describe_rows(page.rows, today)
    query = data.copy()
    query.pop("page", None)
    context = {
        "page": page,
        # The filters' options, chosen here: Django's widgets render each option through the template engine,
        # and comparing every option with the choice in the template cost more than the page's SQL.
        "states": options(STATES, state),
        "severities": options(filters.fields["severity"].choices, filters.value("severity") or ""),
        "units": options(units, int(filters.value("unit")) if filters.value("unit") else None),
        "overdue": bool(filters.value("overdue")),
        "query": query.urlencode(),
    }
    template = "portal/_inbox_rows.html" if request.htmx else "portal/inbox.html"
    return render(request, template, context)


def options(choices, chosen) -> list[tuple[object, str, bool]]:
    """A select's options as (value, label, selected)."""
    return [(value, label, value == chosen) for value, label in choices]


def remediation_of(user, finding_uuid) -> Remediation:
    remediation = (
        visible_remediations(user)
        .select_related(
            "finding__criterion", "finding__visit", "unit__head", "assignee", "extension_decided_by"
        )
        .filter(finding__uuid=finding_uuid)
        .first()
    )
    if remediation is None:
        raise Http404
    return remediation


def unit_staff(remediation: Remediation, user) -> list[User]:
    """The staff a head may hand the drafting to."""
    return org_service.unit_staff(remediation.unit, viewer=user)


def may_decide_extension(user, remediation: Remediation) -> bool:
    return (
        remediation.extension_requested_at is not None
        and remediation.extension_granted is None
        and user.role != Role.INSPECTOR
        and remediation_service.may_review(user, remediation)
    )


def may_return(user, remediation: Remediation) -> bool:
    """The button that sends the finding back to its inspectors: Home Affairs or the plan authority's head,
    while the finding is that of a visit and has not been withdrawn."""
    finding = remediation.finding
    return (
        finding.visit_id is not None
        and finding.withdrawn_at is None
        and remediation.state != RemediationState.WITHDRAWN
        and may_return_finding(user, finding)
    )


def timeline(remediation: Remediation, answers: list) -> list[tuple[str, object]]:
    """The answers and the comments in the order they happened, as ("answer", row) and ("comment", row)."""
    comments = list(remediation.comments.select_related("author").order_by("created_at", "pk"))
    events = [(a.submitted_at, 0, a.pk, "answer", a) for a in answers]
    events += [(c.created_at, 1, c.pk, "comment", c) for c in comments]
    return [(kind, row) for _at, _order, _pk, kind, row in sorted(events, key=lambda e: e[:3])]


def errors_of(error: ValidationError) -> dict[str, list[str]]:
    """Messages by field; those of no field under "general" (a template reads no name starting with _)."""
    if not hasattr(error, "error_dict"):
        return {"general": error.messages}
    return {
        "general" if name == "__all__" else name: messages for name, messages in error.message_dict.items()
    }


def finding_context(request: HttpRequest, remediation: Remediation, errors=None, form=None) -> dict:
    user = request.user
    head = remediation_service.is_unit_head(user, remediation)
    answers = list(
        remediation.answers.select_related("drafted_by", "accountable", "decided_by")
        .prefetch_related("evidence")
        .order_by("number")
    )
    errors = errors or {}
    may_answer = remediation.state in WAITING and remediation_service.may_draft(user, remediation)
    draft = draft_of(remediation) if may_answer else None
    if form is None and draft is not None:
        form = {
            "plan_of_action": draft.plan_of_action,
            "fix_done": draft.fix_done,
            "fixed_on": draft.fixed_on.isoformat() if draft.fixed_on else "",
        }
    visit = remediation.finding.visit
    checklist = (
        list(visit.answers.select_related("criterion").order_by("criterion__position", "criterion__code"))
        if visit is not None and field_service.may_read_answers(user, visit, remediation.unit)
        else []
    )
    return {
        "remediation": remediation,
        "finding": remediation.finding,
        "checklist": checklist,
        "answers": answers,
        "photos": list(remediation.finding.evidence.exclude(stored_at=None)),
        "days_left": working_days_left(remediation.deadline, timezone.localdate()),
        "may_answer": may_answer,
        "drafting": may_answer and not head,  # a staff member's answer is a draft for the head
        "draft": draft,
        "draft_photos": draft_photos(draft),
        "may_assign": head and remediation.state in (*WAITING, RemediationState.ANSWERED),
        "staff": unit_staff(remediation, user) if head else [],
        "may_ask_extension": head
        and remediation.state in WAITING
        and remediation.extension_requested_at is None,
        "may_decide_extension": may_decide_extension(user, remediation),
        "may_return": may_return(user, remediation),
        "may_comment": remediation_service.may_comment(user, remediation),
        "timeline": timeline(remediation, answers),
        "returned": request.GET.get("returned") == "1",
        "errors": errors,
        "form": form or {},
    }


@require_http_methods(["GET", "POST"])
@login_required
def finding_page(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    remediation = remediation_of(request.user, finding_uuid)
    if request.method == "POST":
        if not (remediation.state in WAITING and remediation_service.may_draft(request.user, remediation)):
            raise Http404
        try:
            answer_from(request, remediation)
        except ValidationError as error:
            return render_finding(request, remediation, {"answer": errors_of(error)})
        return redirect("portal-finding", finding_uuid=finding_uuid)
    return render(request, "portal/finding.html", finding_context(request, remediation))


def render_finding(request: HttpRequest, remediation: Remediation, errors: dict) -> HttpResponse:
    """The page again with what the user typed and why it was refused (400)."""
    context = finding_context(request, remediation, errors, request.POST)
    return render(request, "portal/finding.html", context, status=400)


def answer_from(request: HttpRequest, remediation: Remediation) -> None:
    """The photos first (each checked as evidence), then the answer that takes them, in one transaction: a
    refused answer keeps none of its photos attached.

    The head answers (or, with a draft waiting, submits it as edited on the page); the staff member the head
    assigned saves a draft the head reads (the service decides which by who acts)."""
    fixed_on = request.POST.get("fixed_on") or None
    if fixed_on is not None and parse_date(fixed_on) is None:
        raise fail(RemediationErrorCode.INVALID, _("Enter a date."), "fixed_on")
    draft = draft_of(remediation)
    kept = [
        photo.uuid for photo in draft_photos(draft) if str(photo.uuid) in request.POST.getlist("keep_photo")
    ]
    with transaction.atomic():
        photo_ids = list(kept)
        for file in request.FILES.getlist("photos"):
            photo_id = uuid.uuid4()
            store_answer_photo(actor=request.user, evidence_id=photo_id, data=read_upload(file))
            photo_ids.append(photo_id)
        data = remediation_service.AnswerInput(
            plan_of_action=request.POST.get("plan_of_action", ""),
            fix_done=request.POST.get("fix_done", ""),
            fixed_on=parse_date(fixed_on) if fixed_on else None,
            evidence_ids=tuple(photo_ids),
        )
        if draft is not None and remediation_service.is_unit_head(request.user, remediation):
            remediation_service.submit_draft(
                remediation, data, actor=request.user, version=version_of(request)
            )
        else:
            remediation_service.answer(remediation, data, actor=request.user, version=version_of(request))


def draft_of(remediation: Remediation) -> RemediationDraft | None:
    return RemediationDraft.objects.select_related("drafted_by").filter(remediation=remediation).first()


def draft_photos(draft: RemediationDraft | None) -> list[Evidence]:
    if draft is None:
        return []
    return list(Evidence.objects.filter(uuid__in=draft.evidence_ids).exclude(stored_at=None).order_by("pk"))


def version_of(request: HttpRequest) -> int | None:
    try:
        return int(request.POST.get("version") or 0) or None
    except ValueError:
        return None


def act_on(
    request: HttpRequest, finding_uuid: uuid.UUID, form: str, action, *, then: str = ""
) -> HttpResponse:
    """Run ``action(remediation)`` on a finding the user may see; a refusal shows the finding's page again with
    the errors under ``form``, success goes back to the page (with ``then``, a query string, appended)."""
    remediation = remediation_of(request.user, finding_uuid)
    try:
        action(remediation)
    except ValidationError as error:
        return render_finding(request, remediation, {form: errors_of(error)})
    return redirect(reverse("portal-finding", kwargs={"finding_uuid": finding_uuid}) + then)


@require_POST
@login_required
def assign(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    """The head hands the drafting to one of the unit's staff (or takes it back)."""
    staff_id = request.POST.get("assignee") or ""

    def action(remediation):
        staff = None
        if staff_id:
            staff = next((s for s in unit_staff(remediation, request.user) if str(s.pk) == staff_id), None)
            if staff is None:
                raise fail(
                    RemediationErrorCode.INVALID, _("Assign a staff member of the unit."), "assignee_id"
                )
        remediation_service.assign(remediation, staff, actor=request.user, version=version_of(request))

    return act_on(request, finding_uuid, "assign", action)


@require_POST
@login_required
def ask_extension(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    """The head asks once for more time, with the date and the reason."""
    until = parse_date(request.POST.get("until") or "")

    def action(remediation):
        if until is None:
            raise fail(RemediationErrorCode.INVALID, _("Enter a date."), "until")
        remediation_service.request_extension(
            remediation,
            until,
            request.POST.get("reason", ""),
            actor=request.user,
            version=version_of(request),
        )

    return act_on(request, finding_uuid, "extension", action)


@require_POST
@login_required
def decide_extension(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    """Home Affairs (or the authority) grants or refuses the time asked for."""
    grant = request.POST.get("decision") == "grant"
    return act_on(
        request,
        finding_uuid,
        "decision",
        lambda remediation: remediation_service.decide_extension(
            remediation, grant, actor=request.user, version=version_of(request)
        ),
    )


@require_POST
@login_required
def return_for_correction(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    """Home Affairs (or the plan authority's head) sends the finding back to its inspectors, with the reason."""
    return act_on(
        request,
        finding_uuid,
        "return",
        lambda remediation: field_service.return_finding_for_correction(
            remediation.finding, request.POST.get("return_reason", ""), actor=request.user
        ),
        then="?returned=1",
    )


@require_POST
@login_required
def comment(request: HttpRequest, finding_uuid: uuid.UUID) -> HttpResponse:
    """A comment on the finding's timeline (the unit, the inspectors, the authority)."""
    return act_on(
        request,
        finding_uuid,
        "comment",
        lambda remediation: remediation_service.add_comment(
            remediation, request.POST.get("comment", ""), actor=request.user
        ),
    )
