"""What an inspector records during a visit: answers per criterion, findings, and photo evidence."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from .checklist import Severity


class AnswerResult(models.TextChoices):
    PASS = "pass", _("Pass")
    FAIL = "fail", _("Fail")
    NOT_APPLICABLE = "not_applicable", _("Not applicable")


class Answer(models.Model):
    uuid = models.UUIDField(null=True, blank=True, unique=True, help_text=_("Set by the phone."))
    visit = models.ForeignKey("inspections.Visit", on_delete=models.PROTECT, related_name="answers")
    criterion = models.ForeignKey("inspections.Criterion", on_delete=models.PROTECT, related_name="+")
    result = models.CharField(_("result"), max_length=16, choices=AnswerResult.choices)
    note = models.TextField(_("note"), blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["visit", "criterion"], name="answer_once_per_criterion")
        ]

    def __str__(self) -> str:
        return f"{self.criterion_id}: {self.result}"


class FindingSource(models.TextChoices):
    VISIT = "visit", _("Inspection visit")
    CCTV = "cctv", _("CCTV review")


class FindingQuerySet(models.QuerySet):
    def current(self) -> "FindingQuerySet":
        """The findings as they stand: the latest version of each, not superseded by a correction, and not
        withdrawn (a withdrawn finding is kept, but nobody answers for it and no board counts it)."""
        return self.filter(correction__isnull=True, withdrawn_at__isnull=True)


class Finding(models.Model):
    """A shortcoming found at a unit. Immutable once its visit is submitted: a correction is a new version
    (``supersedes`` the old one, which is kept)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, help_text=_("Set by the phone."))
    # Empty for a finding confirmed from CCTV snapshots, which belongs to no visit.
    visit = models.ForeignKey(
        "inspections.Visit", null=True, blank=True, on_delete=models.PROTECT, related_name="findings"
    )
    source = models.CharField(
        _("source"), max_length=8, choices=FindingSource.choices, default=FindingSource.VISIT
    )
    unit = models.ForeignKey("inspections.OrgUnit", on_delete=models.PROTECT, related_name="findings")
    criterion = models.ForeignKey("inspections.Criterion", on_delete=models.PROTECT, related_name="+")
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    text = models.TextField(_("what was found"))
    recommendation = models.TextField(_("recommendation"), blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    captured_at = models.DateTimeField(_("captured at"))
    deadline = models.DateField(_("deadline"))
    version = models.PositiveIntegerField(default=1)
    supersedes = models.OneToOneField(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="correction"
    )
    correction_reason = models.TextField(blank=True)
    # A finding recorded by mistake is withdrawn (before submission in place, after it by a correction that
    # withdraws): it is kept, its remediation ends WITHDRAWN, the unit no longer answers it.
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    withdrawal_reason = models.TextField(_("why it was withdrawn"), blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    objects = FindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("finding")
        verbose_name_plural = _("findings")
        indexes = [
            models.Index(fields=["unit", "created_at"]),
            # repeat findings: the same criterion at the same unit within a year
            models.Index(fields=["unit", "criterion", "captured_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} {self.criterion_id} v{self.version}"


class Evidence(models.Model):
    """An uploaded photo. The original bytes are kept unchanged under their SHA-256; every read re-checks it.
    A photo may arrive before its finding: ``finding_uuid`` is the slot it fills once the finding exists."""

    uuid = models.UUIDField(unique=True, help_text=_("Set by the phone."))
    finding_uuid = models.UUIDField(null=True, blank=True, db_index=True)
    finding = models.ForeignKey(
        Finding, null=True, blank=True, on_delete=models.PROTECT, related_name="evidence"
    )
    # A photo of a remediation answer (the fix) instead of a finding's.
    answer = models.ForeignKey(
        "inspections.RemediationAnswer",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="evidence",
    )
    # Empty until the photo arrives: a finding may name its photos (slots) before they are uploaded.
    stored_at = models.DateTimeField(null=True, blank=True)
    sha256 = models.CharField(max_length=64, db_index=True, blank=True)
    size = models.PositiveIntegerField(default=0)
    content_type = models.CharField(max_length=32, blank=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    file_name = models.CharField(max_length=255, blank=True)
    thumbnail_name = models.CharField(max_length=255, blank=True)
    thumbnail_sha256 = models.CharField(max_length=64, blank=True)
    captured_at = models.DateTimeField(null=True, blank=True)
    latitude = models.FloatField(null=True, blank=True)
    longitude = models.FloatField(null=True, blank=True)
    # Where and when the phone says the photo was taken (the Geolocation API: browsers strip EXIF GPS).
    device_latitude = models.FloatField(null=True, blank=True)
    device_longitude = models.FloatField(null=True, blank=True)
    device_accuracy_m = models.FloatField(null=True, blank=True)
    device_captured_at = models.DateTimeField(null=True, blank=True)
    # Farthest known position of the photo (EXIF or the phone's) from its unit's office, and whether that is
    # beyond the geofence by more than EVIDENCE_MAX_DISTANCE_FROM_UNIT_M: None while unknown.
    distance_from_unit_m = models.FloatField(null=True, blank=True)
    far_from_unit = models.BooleanField(null=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("evidence")
        verbose_name_plural = _("evidence")

    def __str__(self) -> str:
        return f"{self.uuid} ({self.sha256[:12]})"
