"""The append-only audit log: who changed what, when, through which surface, from which device."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """Every change the services make. A new action gets a member here; tests/inspections/test_audit.py fails
    on a service that writes without recording one."""

    ORG_UNIT_UPDATE = "org_unit.update", _("Unit updated")
    PLAN_CREATE = "plan.create", _("Plan created")
    PLAN_UPDATE = "plan.update", _("Plan updated")
    PLAN_ADD_PERIODIC_VISIT = "plan.add_periodic_visit", _("Periodic visit added to a plan")
    PLAN_APPROVE = "plan.approve", _("Plan approved (surprise draw committed)")
    PLAN_CLOSE = "plan.close", _("Plan closed (draw seed revealed)")
    VISIT_ASSIGN_INSPECTORS = "visit.assign_inspectors", _("Inspectors assigned to a visit")
    VISIT_CHECK_IN = "visit.check_in", _("Visit checked in")
    VISIT_SUBMIT = "visit.submit", _("Visit submitted")
    ANSWER_SET = "answer.set", _("Checklist answer given")
    FINDING_CREATE = "finding.create", _("Finding recorded")
    FINDING_CORRECT = "finding.correct", _("Finding corrected")
    FINDING_WITHDRAW = "finding.withdraw", _("Finding withdrawn")
    FINDING_RETURN = "finding.return", _("Finding returned to its inspectors for correction")
    EVIDENCE_UPLOAD = "evidence.upload", _("Photo uploaded")
    EVIDENCE_LINK = "evidence.link", _("Photo linked to a finding")
    EVIDENCE_TAMPERED = "evidence.tampered", _("Stored photo found altered")
    REMEDIATION_ASSIGN = "remediation.assign", _("Remediation assigned")
    REMEDIATION_ANSWER = "remediation.answer", _("Finding answered")
    REMEDIATION_DRAFT_SAVE = "remediation.draft_save", _("Answer drafted")
    REMEDIATION_DRAFT_SUBMIT = "remediation.draft_submit", _("Drafted answer submitted by the head")
    REMEDIATION_ACCEPT = "remediation.accept", _("Answer accepted")
    REMEDIATION_REJECT = "remediation.reject", _("Answer rejected")
    REMEDIATION_VERIFY = "remediation.verify", _("Fix verified")
    REMEDIATION_EXTENSION_REQUEST = "remediation.extension_request", _("More time asked for")
    REMEDIATION_EXTENSION_DECIDE = "remediation.extension_decide", _("More time decided")
    REMEDIATION_COMMENT = "remediation.comment", _("Comment added to a finding")
    SNAPSHOT_CONFIRM = "snapshot.confirm", _("Snapshot confirmed as a finding")
    SNAPSHOT_DISMISS = "snapshot.dismiss", _("Snapshot flag dismissed")
    SNAPSHOT_VIEW = "snapshot.view", _("Snapshot picture viewed")
    SNAPSHOT_PURGE = "snapshot.purge", _("Snapshots past their retention deleted")
    DEVICE_REVOKE = "device.revoke", _("Device signed out")
    ACCOUNT_PASSWORD_RESET_STARTED = "account.password_reset_started", _("Password reset started")
    CHECKLIST_TEMPLATE_COPY = "checklist_template.copy", _("Checklist copied as a new version")
    ADMIN_ADD = "admin.add", _("Added in the administration")
    ADMIN_CHANGE = "admin.change", _("Changed in the administration")
    ADMIN_DELETE = "admin.delete", _("Deleted in the administration")
    ADMIN_ACTION = "admin.action", _("Administration action run")


class AuditSurface(models.TextChoices):
    """Through which door the change came (DESIGN.md §3 rule 6)."""

    API = "api", _("API")
    PORTAL = "portal", _("Portal")
    ADMIN = "admin", _("Administration")
    COMMAND = "command", _("Command")


class AuditEntry(models.Model):
    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    surface = models.CharField(max_length=16, choices=AuditSurface.choices, default=AuditSurface.COMMAND)
    device_id = models.BigIntegerField(null=True, blank=True)
    device_name = models.CharField(max_length=100, blank=True)
    action = models.CharField(max_length=64, choices=AuditAction.choices)
    object_type = models.CharField(max_length=64)
    object_id = models.CharField(max_length=64)
    data = models.JSONField(default=dict)

    class Meta:
        verbose_name = _("audit entry")
        verbose_name_plural = _("audit log")
        ordering = ["-at", "-pk"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.action} {self.object_type}:{self.object_id}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValueError("The audit log is append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValueError("The audit log is append-only.")
