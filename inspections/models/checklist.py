"""Checklist templates: versioned criteria grouped by the eight CCHC areas."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CchcArea(models.TextChoices):
    DIRECTION = "direction", _("Direction and administration of reform")
    INSTITUTIONS = "institutions", _("Institutional reform")
    PROCEDURES = "procedures", _("Administrative procedures")
    APPARATUS = "apparatus", _("Organisational apparatus")
    CIVIL_SERVICE = "civil_service", _("Civil service")
    PUBLIC_FINANCE = "public_finance", _("Public finance")
    E_GOVERNMENT = "e_government", _("E-government and digital government")
    COMMUNICATION = "communication", _("Communication")


class Severity(models.TextChoices):
    MINOR = "minor", _("Minor")
    MAJOR = "major", _("Major")
    CRITICAL = "critical", _("Critical")


class ChecklistTemplate(models.Model):
    """One version of a checklist. A published version never changes: a visit keeps the version it started
    with, and a new version is a new row."""

    code = models.CharField(_("code"), max_length=32)
    version = models.PositiveIntegerField(_("version"))
    name_vi = models.CharField(_("name (Vietnamese)"), max_length=255)
    name_en = models.CharField(_("name (English)"), max_length=255)
    is_active = models.BooleanField(_("offered for new visits"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("checklist template")
        verbose_name_plural = _("checklist templates")
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="template_version_once")]
        ordering = ["code", "-version"]

    def __str__(self) -> str:
        return f"{self.name_vi} v{self.version}"


class Criterion(models.Model):
    template = models.ForeignKey(ChecklistTemplate, on_delete=models.PROTECT, related_name="criteria")
    code = models.CharField(_("code"), max_length=32)
    area = models.CharField(_("CCHC area"), max_length=16, choices=CchcArea.choices)
    text_vi = models.CharField(_("text (Vietnamese)"), max_length=500)
    text_en = models.CharField(_("text (English)"), max_length=500)
    default_severity = models.CharField(_("default severity"), max_length=8, choices=Severity.choices)
    position = models.PositiveSmallIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")
        constraints = [
            models.UniqueConstraint(fields=["template", "code"], name="criterion_once_per_template")
        ]
        ordering = ["template", "position"]

    def __str__(self) -> str:
        return f"{self.code} {self.text_vi}"
