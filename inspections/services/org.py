"""Changes to org units made by people (the loader of official divisions is in ``divisions``)."""

import math

import structlog
from django.db import transaction
from django.utils.translation import gettext as _

from inspections.error_codes import OrgErrorCode, fail, fail_together
from inspections.models import AuditAction, OrgUnit, Role, User
from inspections.services.audit import record
from inspections.services.visibility import can_see_unit, is_administrator

logger = structlog.get_logger(__name__)

_UNSET = object()


def check_can_edit_unit(unit: OrgUnit, *, actor: User) -> None:
    """Administrators edit any unit; a Home Affairs reviewer edits the units of their province."""
    if is_administrator(actor):
        return
    if actor.role == Role.HOME_AFFAIRS and can_see_unit(actor, unit):
        return
    raise fail(
        OrgErrorCode.PERMISSION_DENIED,
        _("Only an administrator or the province's Home Affairs reviewer may change a unit."),
    )


def check_geofence(latitude, longitude, radius_m) -> None:
    """All three or none; coordinates on the globe; radius between 1 m and 50 km."""
    given = [value is not None for value in (latitude, longitude, radius_m)]
    if any(given) and not all(given):
        raise fail(
            OrgErrorCode.REQUIRED, _("Give latitude, longitude and radius together, or none."), "geofence"
        )
    if not any(given):
        return
    errors = []
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        errors.append(fail(OrgErrorCode.OUT_OF_RANGE, _("Latitude must be between -90 and 90."), "latitude"))
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        errors.append(
            fail(OrgErrorCode.OUT_OF_RANGE, _("Longitude must be between -180 and 180."), "longitude")
        )
    if not 1 <= radius_m <= 50_000:
        errors.append(
            fail(
                OrgErrorCode.OUT_OF_RANGE,
                _("The radius must be between 1 and 50,000 metres."),
                "radius_meters",
            )
        )
    if errors:
        raise fail_together(errors)


@transaction.atomic
def update_unit(unit: OrgUnit, *, actor: User, address=_UNSET, geofence=_UNSET) -> OrgUnit:
    """Change a unit's address and/or geofence. All checks pass before anything is written.

    ``geofence`` is ``None`` to clear it or a ``(latitude, longitude, radius_m)`` tuple.
    """
    check_can_edit_unit(unit, actor=actor)
    changed = []
    if address is not _UNSET:
        address = (address or "").strip()
        if len(address) > 500:
            raise fail(OrgErrorCode.INVALID, _("At most 500 characters."), "address")
        unit.address = address
        changed.append("address")
    if geofence is not _UNSET:
        latitude, longitude, radius_m = geofence if geofence is not None else (None, None, None)
        check_geofence(latitude, longitude, radius_m)
        unit.geofence_latitude, unit.geofence_longitude, unit.geofence_radius_m = (
            latitude,
            longitude,
            radius_m,
        )
        changed += ["geofence_latitude", "geofence_longitude", "geofence_radius_m"]
    if changed:
        unit.save(update_fields=[*changed, "updated_at", "search_name"])
        record(
            actor,
            None,
            AuditAction.ORG_UNIT_UPDATE,
            unit,
            {
                "address": unit.address,
                "geofence": [unit.geofence_latitude, unit.geofence_longitude, unit.geofence_radius_m],
            },
        )
        logger.info("org_unit_updated", unit=unit.code, actor=actor.pk, fields=changed)
    return unit


def may_list_staff(viewer: User, unit: OrgUnit) -> bool:
    """A unit's staff list is for its own people (head and staff) and the authorities above it (heads of
    the units above, the province's Home Affairs reviewers, administrators); inspectors do not need it."""
    if not getattr(viewer, "is_authenticated", False) or not viewer.is_active:
        return False
    if is_administrator(viewer):
        return True
    if viewer.unit_id == unit.pk:
        return viewer.role in (Role.UNIT_HEAD, Role.UNIT_STAFF)
    return viewer.role in (Role.UNIT_HEAD, Role.HOME_AFFAIRS) and can_see_unit(viewer, unit)


def unit_staff(unit: OrgUnit, *, viewer: User) -> list[User]:
    """The active staff members of ``unit`` (those its head may assign a finding to), by full name; empty
    for a viewer ``may_list_staff`` refuses."""
    if not may_list_staff(viewer, unit):
        return []
    return list(
        User.objects.filter(unit=unit, role=Role.UNIT_STAFF, is_active=True)
        .select_related("unit")
        .order_by("full_name", "pk")
    )
