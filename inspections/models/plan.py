"""Inspection plans and their commit–reveal surprise draw."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    APPROVED = "approved", _("Approved")
    CLOSED = "closed", _("Closed")


class CoverageScope(models.TextChoices):
    DIRECT = "direct", _("Direct subordinate units")
    SUBTREE = "subtree", _("All units in the subtree")


class InspectionPlan(models.Model):
    """One inspecting authority's plan for a year or a quarter."""

    authority = models.ForeignKey(
        "inspections.OrgUnit",
        on_delete=models.PROTECT,
        related_name="plans",
        verbose_name=_("inspecting authority"),
    )
    title = models.CharField(_("title"), max_length=255)
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(2000), MaxValueValidator(2100)]
    )
    quarter = models.PositiveSmallIntegerField(
        _("quarter"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(4)]
    )
    coverage_target = models.DecimalField(
        _("coverage target"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.300"),
        validators=[MinValueValidator(Decimal("0.001")), MaxValueValidator(Decimal("1"))],
    )
    scope = models.CharField(
        _("units covered"), max_length=8, choices=CoverageScope.choices, default=CoverageScope.DIRECT
    )
    surprise_share = models.DecimalField(
        _("share of surprise visits"),
        max_digits=4,
        decimal_places=3,
        default=Decimal("0.500"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("1"))],
    )
    status = models.CharField(_("status"), max_length=8, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    inspectors = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="plan_teams", verbose_name=_("inspection team")
    )
    # Published at approval: SHA-256 of the secret seed, and the canonical inputs of the draw (JSON).
    commitment = models.CharField(_("commitment"), max_length=64, blank=True)
    algorithm_version = models.CharField(_("draw algorithm"), max_length=32, blank=True)
    published_inputs = models.JSONField(_("published draw inputs"), null=True, blank=True)
    inputs_digest = models.CharField(_("digest of the published inputs"), max_length=64, blank=True)
    revealed_seed = models.CharField(_("revealed seed"), max_length=64, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    approved_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("inspection plan")
        verbose_name_plural = _("inspection plans")
        ordering = ["-year", "quarter", "pk"]

    def __str__(self) -> str:
        period = f"Q{self.quarter}/{self.year}" if self.quarter else str(self.year)
        return f"{self.title} ({period})"


class PlanSecret(models.Model):
    """The draw's secret seed. No GraphQL type, admin or export reads this model; the seed becomes public
    only by being copied to ``InspectionPlan.revealed_seed`` when the plan closes."""

    plan = models.OneToOneField(InspectionPlan, on_delete=models.CASCADE, related_name="+")
    seed = models.CharField(max_length=64)

    class Meta:
        default_permissions = ()

    def __str__(self) -> str:
        return f"secret of plan {self.plan_id}"  # never the seed itself
