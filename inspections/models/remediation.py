"""Remediation of findings: the unit head answers for fixing each finding by a deadline in working days;
inspectors or the authority accept, reject (with the reason) and verify. Notifications record every reminder,
escalation and move once per recipient."""

from datetime import date

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class RemediationState(models.TextChoices):
    OPEN = "open", _("Open")
    ANSWERED = "answered", _("Answered")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    CLOSED = "closed", _("Verified closed")
    # The finding was withdrawn by a correction: nobody answers for it any more.
    WITHDRAWN = "withdrawn", _("Withdrawn")


# The states in which the unit owes an answer: not answered yet, or its answer was rejected.
WAITING_FOR_UNIT = (RemediationState.OPEN, RemediationState.REJECTED)


class RemediationQuerySet(models.QuerySet):
    """The shared rules of remediation, one definition each: "waiting for the unit" and "overdue"."""

    @staticmethod
    def waiting_condition() -> Q:
        return Q(state__in=WAITING_FOR_UNIT)

    @staticmethod
    def overdue_condition(as_of: date) -> Q:
        """Overdue on ``as_of``: still waiting for the unit and its deadline before that day (a remediation
        due on ``as_of`` itself is not overdue yet). Also for ``Count(filter=...)`` in aggregates."""
        return Q(state__in=WAITING_FOR_UNIT, deadline__lt=as_of)

    def waiting(self) -> "RemediationQuerySet":
        return self.filter(self.waiting_condition())

    def overdue(self, as_of: date) -> "RemediationQuerySet":
        return self.filter(self.overdue_condition(as_of))


class Remediation(models.Model):
    """One per finding (it follows the finding's current version). The accountable person is always the head
    of the unit; a staff member the head assigns only drafts."""

    finding = models.OneToOneField(
        "inspections.Finding", on_delete=models.PROTECT, related_name="remediation"
    )
    unit = models.ForeignKey("inspections.OrgUnit", on_delete=models.PROTECT, related_name="remediations")
    state = models.CharField(
        _("state"), max_length=12, choices=RemediationState.choices, default=RemediationState.OPEN
    )
    version = models.PositiveIntegerField(
        default=1, help_text=_("Raised by every move (optimistic locking).")
    )
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("A staff member drafting for the head."),
    )
    original_deadline = models.DateField(_("original deadline"))
    deadline = models.DateField(_("deadline"), db_index=True)
    extension_reason = models.TextField(blank=True)
    extension_until = models.DateField(null=True, blank=True)
    extension_requested_at = models.DateTimeField(null=True, blank=True)
    extension_granted = models.BooleanField(null=True)
    extension_decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    extension_decided_at = models.DateTimeField(null=True, blank=True)
    first_answered_at = models.DateTimeField(null=True, blank=True)
    # Its local date: "answered by the deadline" compares two dates, in SQL, without time-zone arithmetic.
    first_answered_on = models.DateField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = RemediationQuerySet.as_manager()

    class Meta:
        verbose_name = _("remediation")
        verbose_name_plural = _("remediations")
        indexes = [models.Index(fields=["state", "deadline"])]

    def __str__(self) -> str:
        return f"{self.finding_id} {self.state}"

    def is_overdue(self, as_of: date) -> bool:
        """``RemediationQuerySet.overdue`` for one row already loaded."""
        return self.state in WAITING_FOR_UNIT and self.deadline < as_of


class RemediationAnswer(models.Model):
    """One answer of the unit (a plan of action, the fix done, photos). A rejection keeps it, with the reason."""

    remediation = models.ForeignKey(Remediation, on_delete=models.PROTECT, related_name="answers")
    number = models.PositiveSmallIntegerField()
    plan_of_action = models.TextField(_("plan of action"))
    fix_done = models.TextField(_("what was fixed"), blank=True)
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    accountable = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The head of the unit, in whose name the answer is given."),
    )
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    submitted_at = models.DateTimeField(auto_now_add=True)
    decision = models.CharField(
        max_length=8, blank=True, choices=[("accepted", _("Accepted")), ("rejected", _("Rejected"))]
    )
    decision_reason = models.TextField(blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("remediation answer")
        verbose_name_plural = _("remediation answers")
        constraints = [models.UniqueConstraint(fields=["remediation", "number"], name="answer_number_once")]
        ordering = ["remediation", "number"]

    def __str__(self) -> str:
        return f"{self.remediation_id} #{self.number}"


class RemediationDraft(models.Model):
    """A staff member's draft of the unit's answer: not an answer yet, and never shown to the inspectors. The
    head reads it, may edit it and submits it as the answer in the head's name (``drafted_by`` kept)."""

    remediation = models.OneToOneField(Remediation, on_delete=models.CASCADE, related_name="draft")
    plan_of_action = models.TextField(_("plan of action"))
    fix_done = models.TextField(_("what was fixed"), blank=True)
    fixed_on = models.DateField(_("fixed on"), null=True, blank=True)
    # The photos' ids (uploaded with uploadRemediationEvidence); they join the answer when it is submitted.
    evidence_ids = models.JSONField(default=list, blank=True)
    drafted_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    saved_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("remediation draft")
        verbose_name_plural = _("remediation drafts")

    def __str__(self) -> str:
        return f"{self.remediation_id} draft"


class RemediationComment(models.Model):
    """A comment on a finding's timeline, by the unit (head, staff), the finding's inspectors or the authority
    that may see it. Comments change no state; they are kept in the order they were written."""

    remediation = models.ForeignKey(Remediation, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    text = models.TextField(_("comment"))
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("comment")
        verbose_name_plural = _("comments")
        ordering = ["remediation", "created_at", "pk"]

    def __str__(self) -> str:
        return f"{self.remediation_id} comment {self.pk}"


class Notification(models.Model):
    """In-app notice (and the e-mail sent for it), written in the recipient's language. ``key`` names the
    event: the same event reaches a recipient once, however often the scheduler runs."""

    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications"
    )
    key = models.CharField(max_length=128)
    kind = models.CharField(max_length=24)
    title = models.CharField(max_length=255)
    body = models.TextField(blank=True)
    finding = models.ForeignKey(
        "inspections.Finding", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    read_at = models.DateTimeField(null=True, blank=True)
    emailed_at = models.DateTimeField(null=True, blank=True)
    claim = models.CharField(max_length=32, blank=True, help_text=_("The sender that took its e-mail."))

    class Meta:
        verbose_name = _("notification")
        verbose_name_plural = _("notifications")
        constraints = [models.UniqueConstraint(fields=["recipient", "key"], name="notification_once")]
        indexes = [models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.recipient_id} {self.key}"
