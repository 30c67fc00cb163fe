import graphene

from apikit.mutations import BaseMutation, error_type
from inspections.error_codes import OrgErrorCode
from inspections.graphql.lookups import get_unit
from inspections.graphql.org.types import OrgUnit
from inspections.services.org import update_unit

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
        unit = get_unit(user, id, field="id")
        changes = {}
        if "address" in data:
            changes["address"] = data["address"]
        if "geofence" in data:
            fence = data["geofence"]
            changes["geofence"] = (
                None if fence is None else (fence.latitude, fence.longitude, fence.radius_meters)
            )
        return cls(unit=update_unit(unit, actor=user, **changes))
