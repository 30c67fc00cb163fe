import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.field.types import FieldError
from inspections.graphql.lookups import device_of, get_visit
from inspections.graphql.plans.types import VisitNode
from inspections.services.field import GeofenceError, check_in


class CheckIn(BaseMutation):
    """Check in on site. Outside the unit's geofence this answers OUT_OF_GEOFENCE with `distanceMeters`
    unless a `reason` is given (then it is recorded and flagged). Outside the visit's days it answers
    OUTSIDE_VISIT_WINDOW (or flags `outside_window`, as CHECK_IN_OUTSIDE_WINDOW says)."""

    class Arguments:
        visit_id = graphene.ID(required=True)
        latitude = graphene.Float(required=True)
        longitude = graphene.Float(required=True)
        accuracy = graphene.Float(required=True, description="GPS accuracy radius in metres.")
        device_time = graphene.DateTime(required=True, description="The phone's clock at the check-in.")
        sent_at = graphene.DateTime(
            description=(
                "The phone's clock when it sends this (for a check-in queued offline); omitted, deviceTime. "
                "checkedInAt is deviceTime corrected by the offset receipt − sentAt."
            )
        )
        reason = graphene.String(description="Why you check in outside the geofence.")

    visit = graphene.Field(VisitNode)
    distance_meters = graphene.Float(description="Distance from the unit's office.")
    flags = graphene.List(graphene.NonNull(graphene.String))

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(
        cls, root, info, visit_id, latitude, longitude, accuracy, device_time, sent_at=None, reason=""
    ):
        visit = get_visit(info.context.user, visit_id)
        try:
            result = check_in(
                visit,
                actor=info.context.user,
                latitude=latitude,
                longitude=longitude,
                accuracy_m=accuracy,
                device_time=device_time,
                sent_at=sent_at,
                reason=reason or "",
                device=device_of(info),
            )
        except GeofenceError as refused:
            return cls(errors=cls.errors_from(refused), distance_meters=round(refused.distance_m, 1))
        return cls(
            visit=result.visit,
            flags=result.flags,
            distance_meters=None if result.distance_m is None else round(result.distance_m, 1),
        )
