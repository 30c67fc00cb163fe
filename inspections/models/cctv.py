"""Counter cameras of one-stop shops and their snapshots, with the automatic analysis and the review."""

import hashlib
from datetime import time

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models.fields.files import FieldFile
from django.utils.translation import gettext_lazy as _


def validate_zone(value) -> None:
    from inspections.cctv.zones import ZoneError, check_zone

    try:
        check_zone(value)
    except ZoneError as error:
        raise ValidationError(str(error), code="invalid_zone") from error


class HashedFieldFile(FieldFile):
    """A stored file whose SHA-256 is recorded on its instance from the bytes being saved, whichever way they come
    (an admin upload, ``field.save(name, content)``), so every later read can check them."""

    def save(self, name, content, save=True):
        digest = hashlib.sha256()
        for chunk in content.chunks():  # from the start; the storage reads it from the start again
            digest.update(chunk)
        setattr(self.instance, self.field.sha256_field, digest.hexdigest())
        super().save(name, content, save)

    def delete(self, save=True):
        setattr(self.instance, self.field.sha256_field, "")
        super().delete(save)


class HashedFileField(models.FileField):
    """A FileField that keeps the SHA-256 of its file in the model's ``sha256_field``."""

    attr_class = HashedFieldFile

    def __init__(self, *args, sha256_field: str = "", **kwargs):
        self.sha256_field = sha256_field
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["sha256_field"] = self.sha256_field
        return name, path, args, kwargs


class Counter(models.Model):
    """A counter (quầy) of a unit's one-stop shop."""

    unit = models.ForeignKey("inspections.OrgUnit", on_delete=models.PROTECT, related_name="counters")
    name = models.CharField(_("name"), max_length=100)

    class Meta:
        verbose_name = _("counter")
        verbose_name_plural = _("counters")
        constraints = [models.UniqueConstraint(fields=["unit", "name"], name="counter_name_once_per_unit")]

    def __str__(self) -> str:
        return f"{self.unit.name} — {self.name}"


class Camera(models.Model):
    """The camera over a counter: where staff sit and citizens stand (polygons relative to the frame, 0–1),
    when the counter is open, and the frame of the empty scene every snapshot is compared with."""

    counter = models.OneToOneField(Counter, on_delete=models.PROTECT, related_name="camera")
    name = models.CharField(_("name"), max_length=100)
    staff_zone = models.JSONField(
        _("staff zone"),
        validators=[validate_zone],
        help_text=_("Points [x, y] relative to the frame, e.g. [[0.3, 0.1], ...]."),
    )
    citizen_zone = models.JSONField(_("citizen zone"), validators=[validate_zone])
    work_start = models.TimeField(_("opens at"), default=time(7, 30))
    work_end = models.TimeField(_("closes at"), default=time(17, 0))
    break_start = models.TimeField(_("lunch break from"), null=True, blank=True, default=time(11, 30))
    break_end = models.TimeField(_("lunch break until"), null=True, blank=True, default=time(13, 30))
    reference_frame = HashedFileField(
        _("reference frame (empty scene, JPEG)"),
        upload_to="cameras/references/",
        blank=True,
        sha256_field="reference_sha256",
    )
    # Checked on every read of the reference frame (analysis, the admin's preview).
    reference_sha256 = models.CharField(
        _("SHA-256 of the reference frame"), max_length=64, blank=True, editable=False
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("camera")
        verbose_name_plural = _("cameras")

    def __str__(self) -> str:
        return self.name


class CameraKey(models.Model):
    """An API key a camera (or its recorder) sends snapshots with. Only its SHA-256 is kept."""

    camera = models.ForeignKey(Camera, on_delete=models.CASCADE, related_name="keys")
    prefix = models.CharField(max_length=16, unique=True)
    key_hash = models.CharField(max_length=64)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("camera API key")
        verbose_name_plural = _("camera API keys")

    def __str__(self) -> str:
        return f"{self.prefix}…"


class AnalysisStatus(models.TextChoices):
    PENDING = "pending", _("Waiting for analysis")
    ANALYSED = "analysed", _("Analysed")
    FAILED = "failed", _("Analysis failed")


class ReviewState(models.TextChoices):
    NONE = "", _("Nothing to review")
    OPEN = "open", _("To review")
    CONFIRMED = "confirmed", _("Confirmed")
    DISMISSED = "dismissed", _("Dismissed")


class Snapshot(models.Model):
    """One picture from a counter camera at one moment (once per camera and moment).

    The original, as received, waits in a private store only until the worker has analysed it; what is kept
    afterwards is the picture with citizens' faces blurred. ``received_sha256`` is the hash of the bytes the
    camera sent (deduplication, the 409 on other bytes at a used moment, the frozen check); ``sha256`` is the hash
    of the file ``file_name`` names now (the original while pending, the blurred picture after), checked on
    every read."""

    camera = models.ForeignKey(Camera, on_delete=models.PROTECT, related_name="snapshots")
    captured_at = models.DateTimeField(_("captured at"))
    received_at = models.DateTimeField(auto_now_add=True)
    received_sha256 = models.CharField(_("SHA-256 received"), max_length=64)
    sha256 = models.CharField(_("SHA-256 stored"), max_length=64)
    faces_blurred = models.PositiveSmallIntegerField(null=True, blank=True)
    size = models.PositiveIntegerField()
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    file_name = models.CharField(max_length=255)
    in_working_hours = models.BooleanField()
    status = models.CharField(max_length=8, choices=AnalysisStatus.choices, default=AnalysisStatus.PENDING)
    failure = models.CharField(max_length=255, blank=True)
    analysed_at = models.DateTimeField(null=True, blank=True)
    analyser_version = models.CharField(max_length=32, blank=True)
    analysis_ms = models.FloatField(null=True, blank=True)
    staffed = models.BooleanField(null=True)
    staffed_confidence = models.FloatField(null=True, blank=True)
    people = models.PositiveSmallIntegerField(null=True, blank=True)
    flags = models.JSONField(default=list, blank=True)
    verdicts = models.JSONField(default=dict, blank=True, help_text=_("Each flag's value and confidence."))
    measurements = models.JSONField(default=dict, blank=True)
    signature = models.JSONField(null=True, blank=True)
    primary_flag = models.CharField(max_length=16, blank=True, help_text=_("The most serious raised flag."))
    review_state = models.CharField(
        max_length=10, choices=ReviewState.choices, default=ReviewState.NONE, blank=True
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    dismiss_reason = models.TextField(blank=True)
    finding = models.ForeignKey(
        "inspections.Finding", null=True, blank=True, on_delete=models.PROTECT, related_name="snapshots"
    )

    class Meta:
        verbose_name = _("snapshot")
        verbose_name_plural = _("snapshots")
        constraints = [
            models.UniqueConstraint(fields=["camera", "captured_at"], name="snapshot_once_per_moment"),
        ]
        indexes = [
            models.Index(fields=["camera", "captured_at"]),
            models.Index(fields=["review_state", "camera", "primary_flag"]),
            models.Index(fields=["captured_at"], name="snapshot_retention"),
        ]

    def __str__(self) -> str:
        return f"{self.camera_id} {self.captured_at:%Y-%m-%d %H:%M:%S}"
