"""The org tree: province → departments and wards/communes (or the older province → district → ward)."""

import unicodedata

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _
from treebeard.mp_tree import MP_Node


class OrgUnitKind(models.TextChoices):
    PROVINCE = "province", _("Province")
    DEPARTMENT = "department", _("Department")
    DISTRICT = "district", _("District")
    WARD = "ward", _("Ward")
    COMMUNE = "commune", _("Commune")
    SPECIAL_ZONE = "special_zone", _("Special zone")  # đặc khu, a commune-level island unit


# Kinds that sit at the ward/commune level of the 2025 two-level structure.
COMMUNE_LEVEL_KINDS = (OrgUnitKind.WARD, OrgUnitKind.COMMUNE, OrgUnitKind.SPECIAL_ZONE)


def fold_for_search(text: str) -> str:
    """Lower-case and strip Vietnamese diacritics so that "ben thanh" finds "Bến Thành"."""
    text = text.replace("Đ", "D").replace("đ", "d")
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).lower()


class OrgUnit(MP_Node):
    """A unit of the administrative tree.

    The materialized ``path`` (django-treebeard) answers "all units under X" with one prefix query and
    "is X under Y" with a string comparison. ``parent`` is kept beside it so that lists can join the parent
    with ``select_related`` instead of one query per row.
    """

    steplen = 4  # 36**4 children a level, enough for any province

    code = models.CharField(_("code"), max_length=32, unique=True)
    kind = models.CharField(_("kind"), max_length=16, choices=OrgUnitKind.choices)
    name = models.CharField(_("name"), max_length=255)
    search_name = models.CharField(max_length=255, editable=False, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name=_("parent"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="children",
        editable=False,
    )
    head = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("head"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="headed_units",
    )
    address = models.CharField(_("address"), max_length=500, blank=True)
    geofence_latitude = models.FloatField(
        _("geofence latitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-90), MaxValueValidator(90)],
    )
    geofence_longitude = models.FloatField(
        _("geofence longitude"),
        null=True,
        blank=True,
        validators=[MinValueValidator(-180), MaxValueValidator(180)],
    )
    geofence_radius_m = models.PositiveIntegerField(
        _("geofence radius (m)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(50_000)],
    )
    # Citizen complaints received in the last 12 months, entered by an administrator; raises draw weight.
    citizen_complaints = models.PositiveIntegerField(_("citizen complaints (12 months)"), default=0)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("org unit")
        verbose_name_plural = _("org units")
        constraints = [
            models.CheckConstraint(
                name="orgunit_geofence_all_or_none",
                condition=(
                    models.Q(
                        geofence_latitude__isnull=True,
                        geofence_longitude__isnull=True,
                        geofence_radius_m__isnull=True,
                    )
                    | models.Q(
                        geofence_latitude__isnull=False,
                        geofence_longitude__isnull=False,
                        geofence_radius_m__isnull=False,
                    )
                ),
            ),
            models.CheckConstraint(
                name="orgunit_geofence_in_range",
                condition=(
                    models.Q(geofence_latitude__isnull=True)
                    | models.Q(
                        geofence_latitude__gte=-90,
                        geofence_latitude__lte=90,
                        geofence_longitude__gte=-180,
                        geofence_longitude__lte=180,
                    )
                ),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name} ({self.code})"

    def save(self, *args, **kwargs):
        self.search_name = fold_for_search(self.name)
        super().save(*args, **kwargs)

    @property
    def has_geofence(self) -> bool:
        return self.geofence_radius_m is not None

    def is_within(self, other: "OrgUnit") -> bool:
        """True when this unit is ``other`` or lies under it (no query)."""
        return self.path.startswith(other.path)

    def ancestor_path(self, depth: int) -> str:
        return self.path[: depth * self.steplen]

    @transaction.atomic
    def move(self, target, pos=None):
        # Keep the denormalised parent in step with the path after a move (the admin's drag and drop).
        super().move(target, pos)
        moved = type(self).objects.get(pk=self.pk)
        new_parent = moved.get_parent(update=True)
        type(self).objects.filter(pk=self.pk).update(parent=new_parent)
