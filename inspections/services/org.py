"""Changes to org units made by people (the loader of official divisions is in ``divisions``)."""

import math

import structlog
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from inspections.error_codes import OrgErrorCode
from inspections.models import OrgUnit, Role, User
from inspections.services.visibility import can_see_unit, is_administrator

logger = structlog.get_logger(__name__)

_UNSET = object()


def check_can_edit_unit(unit: OrgUnit, *, actor: User) -> None:
    """Administrators edit any unit; a Home Affairs reviewer edits the units of their province."""
    if is_administrator(actor):
        return
    if actor.role == Role.HOME_AFFAIRS and can_see_unit(actor, unit):
        return
    raise ValidationError(_("Only an administrator or the province's Home Affairs reviewer may change a unit."),
        code=OrgErrorCode.PERMISSION_DENIED.value,
    )


def check_geofence(latitude, longitude, radius_m) -> None:
    """All three or none; coordinates on the globe; radius between 1 m and 50 km."""
    given = [value is not None for value in (latitude, longitude, radius_m)]
    if any(given) and not all(given):
        raise ValidationError(
            {"geofence": ValidationError(_("Give latitude, longitude and radius together, or none."),
                                         code=OrgErrorCode.REQUIRED.value)}
        )
    if not any(given):
        return
    errors = {}
    if not (math.isfinite(latitude) and -90 <= latitude <= 90):
        errors["latitude"] = ValidationError(_("Latitude must be between -90 and 90."),
                                             code=OrgErrorCode.OUT_OF_RANGE.value)
    if not (math.isfinite(longitude) and -180 <= longitude <= 180):
        errors["longitude"] = ValidationError(_("Longitude must be between -180 and 180."),
                                              code=OrgErrorCode.OUT_OF_RANGE.value)
    if not 1 <= radius_m <= 50_000:
        errors["radius_meters"] = ValidationError(_("The radius must be between 1 and 50,000 metres."),
                                                  code=OrgErrorCode.OUT_OF_RANGE.value)
    if errors:
        raise ValidationError(errors)


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
            raise ValidationError({"address": ValidationError(_("At most 500 characters."),
                                                              code=OrgErrorCode.INVALID.value)})
        unit.address = address
        changed.append("address")
    if geofence is not _UNSET:
        latitude, longitude, radius_m = geofence if geofence is not None else (None, None, None)
        check_geofence(latitude, longitude, radius_m)
        unit.geofence_latitude, unit.geofence_longitude, unit.geofence_radius_m = latitude, longitude, radius_m
        changed += ["geofence_latitude", "geofence_longitude", "geofence_radius_m"]
    if changed:
        unit.save(update_fields=[*changed, "updated_at", "search_name"])
        logger.info("org_unit_updated", unit=unit.code, actor=actor.pk, fields=changed)
    return unit
