"""Visits (inspections) of a unit under a plan: periodic (chosen by people) or surprise (drawn)."""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class VisitKind(models.TextChoices):
    PERIODIC = "periodic", _("Periodic")
    SURPRISE = "surprise", _("Surprise")


class VisitStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    IN_PROGRESS = "in_progress", _("In progress")
    SUBMITTED = "submitted", _("Submitted")
    CLOSED = "closed", _("Closed")


class Visit(models.Model):
    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    plan = models.ForeignKey("inspections.InspectionPlan", on_delete=models.PROTECT, related_name="visits")
    unit = models.ForeignKey(
        "inspections.OrgUnit",
        on_delete=models.PROTECT,
        related_name="visits",
        verbose_name=_("inspected unit"),
    )
    kind = models.CharField(_("kind"), max_length=8, choices=VisitKind.choices)
    planned_date = models.DateField(_("planned date"))
    status = models.CharField(
        _("status"), max_length=12, choices=VisitStatus.choices, default=VisitStatus.PLANNED
    )
    # Set by the inspector's check-in on site: the moment a surprise visit is revealed. ``checked_in_at`` is
    # the moment on site (the phone's clock corrected by its offset when it sent); ``check_in_received_at`` is
    # when the server received it (later, for a check-in queued offline).
    checked_in_at = models.DateTimeField(_("checked in at"), null=True, blank=True)
    check_in_received_at = models.DateTimeField(_("check-in received at"), null=True, blank=True)
    checked_in_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    check_in_latitude = models.FloatField(null=True, blank=True)
    check_in_longitude = models.FloatField(null=True, blank=True)
    check_in_accuracy_m = models.FloatField(null=True, blank=True)
    check_in_distance_m = models.FloatField(null=True, blank=True, help_text=_("From the unit's office."))
    check_in_reason = models.TextField(blank=True, help_text=_("Why the check-in was outside the geofence."))
    check_in_device_time = models.DateTimeField(null=True, blank=True)
    check_in_flags = models.JSONField(
        default=list, blank=True, help_text=_("outside_geofence, clock_skew, outside_window")
    )
    template = models.ForeignKey(
        "inspections.ChecklistTemplate",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        help_text=_("The checklist version the visit started with."),
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        through="VisitAssignment",
        through_fields=("visit", "inspector"),
        related_name="assigned_visits",
        blank=True,
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        constraints = [models.UniqueConstraint(fields=["plan", "unit"], name="visit_once_per_unit_and_plan")]
        indexes = [models.Index(fields=["unit", "kind", "status"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.unit} {self.planned_date}"

    @property
    def revealed(self) -> bool:
        """A surprise visit exists for the inspected unit only once an inspector has checked in."""
        return self.kind == VisitKind.PERIODIC or self.status != VisitStatus.PLANNED


class VisitAssignment(models.Model):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="assignments")
    inspector = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["visit", "inspector"], name="assignment_once")]

    def __str__(self) -> str:
        return f"{self.inspector_id} → {self.visit_id}"
