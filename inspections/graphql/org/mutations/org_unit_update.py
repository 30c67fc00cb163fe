import graphene
from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from apikit.mutations import BaseMutation, error_type
from apikit.types import decode_id
from inspections.error_codes import OrgErrorCode
from inspections.graphql.org.types import OrgUnit
from inspections.services.org import update_unit
from inspections.services.visibility import visible_units

OrgError = error_type("OrgError", OrgErrorCode)


class GeofenceInput(graphene.InputObjectType):
    latitude = graphene.Float(required=True)
    longitude = graphene.Float(required=True)
    radius_meters = graphene.Int(required=True)


class OrgUnitUpdate(BaseMutation):
    """Change a unit's address and geofence (administrators; Home Affairs for their province)."""

    class Arguments:
        id = graphene.ID(required=True)
        address = graphene.String()
        geofence = GeofenceInput(description="The office position and radius; null clears it.")

    unit = graphene.Field(OrgUnit)

    class Meta:
        error_type_class = OrgError

    @classmethod
    def perform_mutation(cls, root, info, id, **data):
        user = info.context.user
        pk = decode_id(id, "OrgUnit")
        unit = visible_units(user).filter(pk=pk).first() if pk is not None else None
        if unit is None:
            raise ValidationError({"id": ValidationError(_("No such unit."), code=OrgErrorCode.NOT_FOUND.value)})
        changes = {}
        if "address" in data:
            changes["address"] = data["address"]
        if "geofence" in data:
            fence = data["geofence"]
            changes["geofence"] = None if fence is None else (
                fence.latitude, fence.longitude, fence.radius_meters)
        return cls(unit=update_unit(unit, actor=user, **changes))
