"""Remediation: every finding is answered by the head of the inspected unit, by a deadline in working days.

States: open → answered → accepted → closed (verified), or answered → rejected (back to the unit, with the
reason) → answered again. Who may move:

- the unit's head answers (a staff member the head assigned drafts and submits in the head's name), assigns a
  staff member, and may ask once for an extension with a reason;
- the inspector (an inspector of the finding's visit, or who confirmed it from CCTV) or the authority (Home
  Affairs of the province, the administrator, the head of the plan's inspecting authority) accepts, rejects,
  verifies and decides on extensions.

Every move takes the remediation (found through the caller's visibility by the GraphQL layer or the page) and
the acting user as ``actor=``. A move that is not allowed answers a typed error and changes nothing. Every move
re-reads the row FOR UPDATE inside its transaction and raises ``version``; a move made against an older version
(two people acting at once) is a CONFLICT: the lock and the conditional UPDATE let exactly one win, on every
database.
"""

import uuid as uuid_lib
from dataclasses import dataclass
from datetime import date, datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from inspections.error_codes import RemediationErrorCode, fail
from inspections.models import (
    AuditAction,
    Evidence,
    Finding,
    Remediation,
    RemediationAnswer,
    RemediationComment,
    RemediationDraft,
    RemediationState,
    Role,
    User,
    VisitAssignment,
)
from inspections.services import board_events, notifications
from inspections.services.audit import record
from inspections.services.visibility import (
    can_manage_plans_for,
    is_administrator,
    unit_scope,
    visible_findings,
)

S = RemediationState


# --- creation -----------------------------------------------------------------------------------------------


def open_for(findings) -> list[Remediation]:
    """A remediation for each finding that has none (its deadline is the finding's). Idempotent."""
    findings = list(findings)
    opened = set(Remediation.objects.filter(finding__in=findings).values_list("finding_id", flat=True))
    findings = [f for f in findings if f.pk not in opened]
    created = Remediation.objects.bulk_create(
        [
            Remediation(finding=f, unit_id=f.unit_id, original_deadline=f.deadline, deadline=f.deadline)
            for f in findings
        ]
    )
    notifications.write(
        [
            notifications.build(
                finding.unit.head,
                kind="finding",
                key=f"finding:{finding.pk}",
                finding=finding,
                title=gettext_lazy("New finding to fix by %(deadline)s"),
                body=gettext_lazy("%(unit)s: %(text)s"),
                values={
                    "deadline": finding.deadline.strftime("%d/%m/%Y"),
                    "unit": finding.unit.name,
                    "text": finding.text[:200],
                },
            )
            for finding in findings
            if finding.unit.head is not None and finding.unit.head.is_active
        ]
    )
    return created


def follow_correction(old: Finding, new: Finding) -> None:
    """A corrected finding keeps its remediation; a new severity moves the deadline unless it was extended.
    A correction that withdraws the finding ends its remediation WITHDRAWN (nobody answers for it any more)
    and tells the unit."""
    remediation = Remediation.objects.filter(finding=old).select_related("unit__head", "assignee").first()
    if remediation is None:
        return
    if new.withdrawn_at is not None:
        remediation.finding, remediation.state = new, RemediationState.WITHDRAWN
        remediation.version += 1
        remediation.save(update_fields=["finding", "state", "version", "updated_at"])
        board_events.unit_changed(remediation.unit)
        _tell_unit(remediation, "withdrawn", gettext_lazy("A finding was withdrawn"), new.withdrawal_reason)
        return
    remediation.finding = new
    remediation.original_deadline = new.deadline
    if not remediation.extension_granted:
        remediation.deadline = new.deadline
    remediation.save(update_fields=["finding", "original_deadline", "deadline", "updated_at"])


# --- who is who ---------------------------------------------------------------------------------------------


def is_unit_head(user: User, remediation: Remediation) -> bool:
    return user.role == Role.UNIT_HEAD and user.unit_id == remediation.unit_id


def may_draft(user: User, remediation: Remediation) -> bool:
    return is_unit_head(user, remediation) or (
        remediation.assignee_id is not None and remediation.assignee_id == user.pk
    )


def may_review(user: User, remediation: Remediation) -> bool:
    """The finding's inspector, or the authority over the unit."""
    if not getattr(user, "is_authenticated", False):
        return False
    if is_administrator(user):
        return True
    finding = remediation.finding
    if user.role == Role.INSPECTOR:
        if finding.visit_id is None:
            return finding.created_by_id == user.pk
        return VisitAssignment.objects.filter(visit_id=finding.visit_id, inspector=user).exists()
    if user.role == Role.HOME_AFFAIRS:
        return unit_scope(user).contains(remediation.unit)
    if user.role == Role.UNIT_HEAD and finding.visit is not None:
        return can_manage_plans_for(user, finding.visit.plan.authority)
    return False


def _locked(remediation: Remediation) -> Remediation:
    """The remediation's row as it is now, locked until the move's transaction ends."""
    return (
        Remediation.objects.select_for_update(of=("self",))
        .select_related("finding__visit__plan__authority", "unit__head", "assignee")
        .get(pk=remediation.pk)
    )


# --- moves --------------------------------------------------------------------------------------------------


def _move(
    remediation: Remediation, expected_version: int | None, allowed_from: tuple[str, ...], **changes
) -> Remediation:
    """Apply a move: only from ``allowed_from``, only against the version the caller saw (default: the one
    just read). Exactly one of two simultaneous moves wins; the other is a CONFLICT."""
    if expected_version is not None and expected_version != remediation.version:
        raise fail(
            RemediationErrorCode.CONFLICT,
            _("Someone else changed this finding's remediation first; reload it and try again."),
            "version",
        )
    if remediation.state not in allowed_from:
        raise fail(
            RemediationErrorCode.NOT_ALLOWED,
            _("This is not allowed while the finding is %(state)s.")
            % {"state": RemediationState(remediation.state).label},
            "state",
        )
    version = remediation.version
    updated = Remediation.objects.filter(pk=remediation.pk, version=version, state=remediation.state).update(
        version=version + 1, updated_at=timezone.now(), **changes
    )
    if not updated:
        raise fail(
            RemediationErrorCode.CONFLICT,
            _("Someone else changed this finding's remediation first; reload it and try again."),
            "version",
        )
    remediation.refresh_from_db()
    board_events.unit_changed(remediation.unit)
    return remediation


@transaction.atomic
def assign(
    remediation: Remediation, staff: User | None, *, actor: User, version: int | None = None, device=None
) -> Remediation:
    """The head hands the drafting to a staff member of the unit (None takes it back)."""
    remediation = _locked(remediation)
    if not is_unit_head(actor, remediation):
        raise fail(
            RemediationErrorCode.PERMISSION_DENIED, _("Only the head of the unit assigns its findings.")
        )
    if staff is not None and not (staff.unit_id == remediation.unit_id and staff.role == Role.UNIT_STAFF):
        raise fail(RemediationErrorCode.INVALID, _("Assign a staff member of the unit."), "assignee_id")
    remediation = _move(remediation, version, (S.OPEN, S.REJECTED, S.ANSWERED), assignee=staff)
    record(
        actor,
        device,
        AuditAction.REMEDIATION_ASSIGN,
        remediation.finding,
        {"assignee": staff.username if staff else None},
    )
    if staff is not None:
        _tell(
            [staff],
            remediation,
            f"assigned:{remediation.pk}:{remediation.version}",
            gettext_lazy("A finding was assigned to you"),
            gettext_lazy("%(text)s — deadline %(deadline)s"),
            deadline=remediation.deadline.strftime("%d/%m/%Y"),
        )
    return remediation


@dataclass(frozen=True)
class AnswerInput:
    plan_of_action: str
    fix_done: str = ""
    fixed_on: date | None = None
    evidence_ids: tuple[uuid_lib.UUID, ...] = ()


def _checked_answer(data: AnswerInput, now: datetime) -> None:
    if not (data.plan_of_action or "").strip():
        raise fail(
            RemediationErrorCode.REQUIRED, _("Say what the unit does about the finding."), "plan_of_action"
        )
    if data.fixed_on is not None and data.fixed_on > timezone.localdate(now):
        raise fail(RemediationErrorCode.OUT_OF_RANGE, _("The fix date cannot be in the future."), "fixed_on")


def _photos(evidence_ids, uploaders: set[int]) -> list[Evidence]:
    """The stored photos named, each uploaded by one of ``uploaders`` and not yet with a finding or answer."""
    photos = list(Evidence.objects.filter(uuid__in=evidence_ids))
    if len(photos) != len(set(evidence_ids)) or any(
        p.stored_at is None or p.uploaded_by_id not in uploaders or p.finding_id or p.answer_id
        for p in photos
    ):
        raise fail(
            RemediationErrorCode.INVALID,
            _("Upload the photos first; each belongs to one answer."),
            "evidence_ids",
        )
    return photos


@transaction.atomic
def answer(
    remediation: Remediation,
    data: AnswerInput,
    *,
    actor: User,
    version: int | None = None,
    now: datetime | None = None,
    device=None,
) -> Remediation:
    """The unit's answer, in the head's name: from open, or after a rejection. Given by the head it is sent to
    the reviewers; given by the staff member the head assigned it is only a draft (``save_draft``) that the
    head reads, edits and submits (``submit_draft``)."""
    now = now or timezone.now()
    remediation = _locked(remediation)
    if not may_draft(actor, remediation):
        raise fail(
            RemediationErrorCode.PERMISSION_DENIED,
            _("Only the head of the unit, or the staff member the head assigned, answers."),
        )
    if not is_unit_head(actor, remediation):
        remediation = _save_draft(remediation, data, actor=actor, version=version, now=now)
        record(actor, device, AuditAction.REMEDIATION_DRAFT_SAVE, remediation.finding)
        return remediation
    _checked_answer(data, now)
    photos = _photos(data.evidence_ids, {actor.pk})
    remediation, audit = _submit(remediation, data, photos, drafted_by=actor, version=version, now=now)
    record(actor, device, AuditAction.REMEDIATION_ANSWER, remediation.finding, audit)
    return remediation


def _submit(
    remediation: Remediation,
    data: AnswerInput,
    photos: list[Evidence],
    *,
    drafted_by: User,
    version: int | None,
    now: datetime,
) -> tuple[Remediation, dict]:
    """The answer in the head's name, told to the reviewers; answers the data of the caller's audit row."""
    head = remediation.unit.head
    if head is None:
        raise fail(RemediationErrorCode.INVALID, _("The unit has no head to answer in the name of."))
    number = remediation.answers.count() + 1
    remediation = _move(
        remediation,
        version,
        (S.OPEN, S.REJECTED),
        state=S.ANSWERED,
        first_answered_at=remediation.first_answered_at or now,
        first_answered_on=remediation.first_answered_on or timezone.localdate(now),
    )
    saved = RemediationAnswer.objects.create(
        remediation=remediation,
        number=number,
        plan_of_action=data.plan_of_action.strip(),
        fix_done=(data.fix_done or "").strip(),
        fixed_on=data.fixed_on,
        accountable=head,
        drafted_by=drafted_by,
    )
    Evidence.objects.filter(pk__in=[p.pk for p in photos]).update(answer=saved)
    # A draft the head overtook by answering is spent either way.
    RemediationDraft.objects.filter(remediation=remediation).delete()
    _tell(
        reviewers(remediation),
        remediation,
        f"answered:{remediation.pk}:{number}",
        gettext_lazy("A unit answered a finding"),
        gettext_lazy("Finding: %(text)s\n%(unit)s: %(plan)s"),
        unit=remediation.unit.name,
        plan=saved.plan_of_action[:200],
    )
    return remediation, {"answer": number, "in_name_of": head.username, "drafted_by": drafted_by.username}


@transaction.atomic
def save_draft(
    remediation: Remediation,
    data: AnswerInput,
    *,
    actor: User,
    version: int | None = None,
    now: datetime | None = None,
    device=None,
) -> Remediation:
    """The staff member the head assigned (or the head) keeps a draft of the answer: the remediation stays
    waiting for the unit, nothing reaches the reviewers, and the head is told a draft waits. Saving again
    replaces the draft; each save raises ``version``."""
    remediation = _locked(remediation)
    if not may_draft(actor, remediation):
        raise fail(
            RemediationErrorCode.PERMISSION_DENIED,
            _("Only the head of the unit, or the staff member the head assigned, drafts the answer."),
        )
    remediation = _save_draft(remediation, data, actor=actor, version=version, now=now or timezone.now())
    record(actor, device, AuditAction.REMEDIATION_DRAFT_SAVE, remediation.finding)
    return remediation


def _save_draft(
    remediation: Remediation, data: AnswerInput, *, actor: User, version: int | None, now: datetime
) -> Remediation:
    _checked_answer(data, now)
    kept = set()
    existing = RemediationDraft.objects.filter(remediation=remediation).first()
    if existing is not None:
        kept = set(existing.evidence_ids)
    # Photos already in the draft stay usable whoever uploaded them; new ones are the drafter's own.
    new_ids = [e for e in data.evidence_ids if str(e) not in kept]
    _photos(new_ids, {actor.pk})
    remediation = _move(remediation, version, (S.OPEN, S.REJECTED))
    RemediationDraft.objects.update_or_create(
        remediation=remediation,
        defaults={
            "plan_of_action": data.plan_of_action.strip(),
            "fix_done": (data.fix_done or "").strip(),
            "fixed_on": data.fixed_on,
            "evidence_ids": [str(e) for e in dict.fromkeys(data.evidence_ids)],
            "drafted_by": actor,
        },
    )
    head = remediation.unit.head
    if head is not None and head.pk != actor.pk:
        _tell(
            [head],
            remediation,
            f"draft:{remediation.pk}:{remediation.version}",
            gettext_lazy("A draft answer waits for you"),
            gettext_lazy("Finding: %(text)s\nDrafted by %(author)s: %(plan)s"),
            author=actor.display_name,
            plan=data.plan_of_action.strip()[:200],
        )
    return remediation


@transaction.atomic
def submit_draft(
    remediation: Remediation,
    data: AnswerInput | None = None,
    *,
    actor: User,
    version: int | None = None,
    now: datetime | None = None,
    device=None,
) -> Remediation:
    """The head submits the staff's draft as the unit's answer, in the head's name (``drafted_by`` stays the
    staff member), as it is or with the head's edits (``data``, which replaces the draft's text and photos)."""
    now = now or timezone.now()
    remediation = _locked(remediation)
    if not is_unit_head(actor, remediation):
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("Only the head of the unit submits a draft."))
    draft = RemediationDraft.objects.select_related("drafted_by").filter(remediation=remediation).first()
    if draft is None:
        raise fail(RemediationErrorCode.NO_DRAFT, _("There is no draft to submit."))
    if data is None:
        data = AnswerInput(
            plan_of_action=draft.plan_of_action,
            fix_done=draft.fix_done,
            fixed_on=draft.fixed_on,
            evidence_ids=tuple(uuid_lib.UUID(e) for e in draft.evidence_ids),
        )
    _checked_answer(data, now)
    drafted = {uuid_lib.UUID(e) for e in draft.evidence_ids}
    photos = _photos(data.evidence_ids, {actor.pk, draft.drafted_by_id})
    if any(p.uploaded_by_id != actor.pk and p.uuid not in drafted for p in photos):
        raise fail(
            RemediationErrorCode.INVALID,
            _("Upload the photos first; each belongs to one answer."),
            "evidence_ids",
        )
    remediation, audit = _submit(
        remediation, data, photos, drafted_by=draft.drafted_by, version=version, now=now
    )
    record(actor, device, AuditAction.REMEDIATION_DRAFT_SUBMIT, remediation.finding, audit)
    return remediation


def _decide(actor: User, remediation: Remediation, decision: str, reason: str, now) -> RemediationAnswer:
    last = remediation.answers.order_by("-number").first()
    assert last is not None  # an answered remediation has an answer
    RemediationAnswer.objects.filter(pk=last.pk).update(
        decision=decision, decision_reason=reason, decided_by=actor, decided_at=now
    )
    return last


@transaction.atomic
def accept(remediation: Remediation, *, actor: User, version: int | None = None, device=None) -> Remediation:
    """The inspector or the authority accepts the unit's last answer."""
    remediation = _locked(remediation)
    if not may_review(actor, remediation):
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("You may not do this."))
    now = timezone.now()
    remediation = _move(remediation, version, (S.ANSWERED,), state=S.ACCEPTED, accepted_at=now)
    _decide(actor, remediation, "accepted", "", now)
    record(actor, device, AuditAction.REMEDIATION_ACCEPT, remediation.finding)
    _tell_unit(remediation, "accepted", gettext_lazy("Your answer was accepted"), "")
    return remediation


@transaction.atomic
def reject(
    remediation: Remediation, reason: str, *, actor: User, version: int | None = None, device=None
) -> Remediation:
    """The answer goes back to the unit with the reason (it stays in the history)."""
    if not (reason or "").strip():
        raise fail(RemediationErrorCode.REQUIRED, _("Say why the answer is rejected."), "reason")
    remediation = _locked(remediation)
    if not may_review(actor, remediation):
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("You may not do this."))
    remediation = _move(remediation, version, (S.ANSWERED,), state=S.REJECTED)
    answer_ = _decide(actor, remediation, "rejected", reason.strip(), timezone.now())
    record(
        actor,
        device,
        AuditAction.REMEDIATION_REJECT,
        remediation.finding,
        {"answer": answer_.number, "reason": reason.strip()},
    )
    _tell_unit(
        remediation, f"rejected:{answer_.number}", gettext_lazy("Your answer was rejected"), reason.strip()
    )
    return remediation


@transaction.atomic
def verify(remediation: Remediation, *, actor: User, version: int | None = None, device=None) -> Remediation:
    """The fix is checked (on site or from the photos): the finding is closed."""
    remediation = _locked(remediation)
    if not may_review(actor, remediation):
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("You may not do this."))
    remediation = _move(remediation, version, (S.ACCEPTED,), state=S.CLOSED, closed_at=timezone.now())
    record(actor, device, AuditAction.REMEDIATION_VERIFY, remediation.finding)
    _tell_unit(remediation, "closed", gettext_lazy("The finding is closed"), "")
    return remediation


@transaction.atomic
def request_extension(
    remediation: Remediation,
    until: date,
    reason: str,
    *,
    actor: User,
    version: int | None = None,
    device=None,
) -> Remediation:
    """Once per finding, by the head, with a reason and the date asked for."""
    remediation = _locked(remediation)
    if not is_unit_head(actor, remediation):
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("Only the head of the unit asks for more time."))
    if not (reason or "").strip():
        raise fail(RemediationErrorCode.REQUIRED, _("Say why more time is needed."), "reason")
    if remediation.extension_requested_at is not None:
        raise fail(RemediationErrorCode.EXTENSION_ALREADY_REQUESTED, _("An extension can be asked for once."))
    if until <= remediation.deadline:
        raise fail(
            RemediationErrorCode.OUT_OF_RANGE, _("Ask for a date after the current deadline."), "until"
        )
    remediation = _move(
        remediation,
        version,
        (S.OPEN, S.REJECTED),
        extension_reason=reason.strip(),
        extension_until=until,
        extension_requested_at=timezone.now(),
    )
    record(
        actor,
        device,
        AuditAction.REMEDIATION_EXTENSION_REQUEST,
        remediation.finding,
        {"until": until.isoformat(), "reason": reason.strip()},
    )
    _tell(
        extension_deciders(remediation),
        remediation,
        f"extension:{remediation.pk}",
        gettext_lazy("More time asked for a finding"),
        gettext_lazy("Finding: %(text)s\n%(unit)s asks until %(until)s (deadline %(deadline)s): %(reason)s"),
        unit=remediation.unit.name,
        until=until.strftime("%d/%m/%Y"),
        deadline=remediation.deadline.strftime("%d/%m/%Y"),
        reason=reason.strip()[:200],
    )
    return remediation


@transaction.atomic
def decide_extension(
    remediation: Remediation, grant: bool, *, actor: User, version: int | None = None, device=None
) -> Remediation:
    """Grant (the deadline becomes the date asked for; the original stays on record) or refuse."""
    remediation = _locked(remediation)
    if not may_review(actor, remediation) or actor.role == Role.INSPECTOR:
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("The authority decides on extensions."))
    if remediation.extension_requested_at is None or remediation.extension_granted is not None:
        raise fail(RemediationErrorCode.NOT_ALLOWED, _("There is no pending request for more time."))
    changes: dict = {
        "extension_granted": grant,
        "extension_decided_by": actor,
        "extension_decided_at": timezone.now(),
    }
    if grant:
        changes["deadline"] = remediation.extension_until
    remediation = _move(remediation, version, (S.OPEN, S.REJECTED, S.ANSWERED), **changes)
    record(actor, device, AuditAction.REMEDIATION_EXTENSION_DECIDE, remediation.finding, {"granted": grant})
    values = {
        "until": remediation.extension_until.strftime("%d/%m/%Y") if remediation.extension_until else "",
        "deadline": remediation.deadline.strftime("%d/%m/%Y"),
        "original": remediation.original_deadline.strftime("%d/%m/%Y"),
        "reason": remediation.extension_reason[:200],
    }
    if grant:
        title = gettext_lazy("More time granted")
        body = gettext_lazy(
            "Finding: %(text)s\nGranted: the new deadline is %(deadline)s (original deadline %(original)s)."
            "\nReason given: %(reason)s"
        )
    else:
        title = gettext_lazy("More time refused")
        body = gettext_lazy(
            "Finding: %(text)s\nRefused: the deadline stays %(deadline)s (original deadline %(original)s; "
            "asked until %(until)s).\nReason given: %(reason)s"
        )
    _tell_unit(remediation, "extension", title, body=body, values=values)
    return remediation


COMMENT_MAX_CHARS = 4000  # the longest comment accepted, in characters


def is_unit_side(user: User, remediation: Remediation) -> bool:
    """The head or a staff member of the inspected unit."""
    return user.role in (Role.UNIT_HEAD, Role.UNIT_STAFF) and user.unit_id == remediation.unit_id


def may_comment(user: User, remediation: Remediation) -> bool:
    """The unit's head and staff, the finding's inspectors and the authority over the unit, provided they
    may see the finding (a surprise visit's findings stay hidden as everywhere)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if not (is_unit_side(user, remediation) or may_review(user, remediation)):
        return False
    return visible_findings(user).filter(pk=remediation.finding_id).exists()


@transaction.atomic
def add_comment(remediation: Remediation, text: str, *, actor: User, device=None) -> RemediationComment:
    """A comment on the finding's timeline; the other side is told (the inspectors when the unit writes, the
    unit's head and assigned staff when the inspectors or the authority write)."""
    text = (text or "").strip()
    if not text:
        raise fail(RemediationErrorCode.REQUIRED, _("Write the comment."), "text")
    if len(text) > COMMENT_MAX_CHARS:
        raise fail(RemediationErrorCode.OUT_OF_RANGE, _("The comment is too long."), "text")
    remediation = Remediation.objects.select_related(
        "finding__visit__plan__authority", "unit__head", "assignee"
    ).get(pk=remediation.pk)
    if not may_comment(actor, remediation):
        raise fail(RemediationErrorCode.PERMISSION_DENIED, _("You may not do this."))
    comment = RemediationComment.objects.create(remediation=remediation, author=actor, text=text)
    record(actor, device, AuditAction.REMEDIATION_COMMENT, remediation.finding, {"comment": comment.pk})
    if is_unit_side(actor, remediation):
        people = reviewers(remediation)
    else:
        people = [p for p in (remediation.unit.head, remediation.assignee) if p is not None]
    _tell(
        [p for p in people if p.pk != actor.pk],
        remediation,
        f"comment:{comment.pk}",
        gettext_lazy("New comment on a finding"),
        gettext_lazy("Finding: %(text)s\n%(author)s: %(comment)s"),
        author=actor.display_name,
        comment=text[:500],
    )
    return comment


# --- people to tell -------------------------------------------------------------------------------------------


def reviewers(remediation: Remediation) -> list[User]:
    finding = remediation.finding
    if finding.visit_id is None:
        return [finding.created_by]
    return list(
        User.objects.filter(
            pk__in=VisitAssignment.objects.filter(visit_id=finding.visit_id).values("inspector_id")
        )
    )


def extension_deciders(remediation: Remediation) -> list[User]:
    """Who decides a request for more time (``decide_extension``): the Home Affairs reviewers of the unit's
    province and, for a finding of a plan's visit, the head of the plan's inspecting authority. Not the
    inspector, who may not decide it."""
    unit = remediation.unit
    people = list(
        User.objects.filter(
            role=Role.HOME_AFFAIRS, is_active=True, unit__path__startswith=unit.ancestor_path(1)
        )
    )
    visit = remediation.finding.visit
    if visit is not None:
        head = visit.plan.authority.head
        if head is not None and head.role == Role.UNIT_HEAD and head.unit_id == visit.plan.authority_id:
            people.append(head)
    return people


def _tell(people, remediation: Remediation, key: str, title, body, **values) -> None:
    """Notify ``people`` about the finding, once per ``key`` (its first part is the kind); ``body`` may name
    ``%(text)s``, the finding's text, besides ``values``."""
    notifications.notify(
        people,
        kind=key.split(":")[0],
        key=key,
        finding=remediation.finding,
        title=title,
        body=body,
        values={"text": remediation.finding.text[:200], **values},
    )


def _tell_unit(
    remediation: Remediation, event: str, title, reason: str = "", *, body=None, values: dict | None = None
) -> None:
    """Tell the head (and the assigned staff) of a move, with the finding's text and the reason if any."""
    if body is None:
        body = (
            gettext_lazy("Finding: %(text)s\nReason: %(reason)s")
            if reason
            else gettext_lazy("Finding: %(text)s")
        )
        values = {"reason": reason}
    _tell(
        [p for p in (remediation.unit.head, remediation.assignee) if p is not None],
        remediation,
        f"{event}:{remediation.pk}:{remediation.version}",
        title,
        body,
        **(values or {}),
    )
