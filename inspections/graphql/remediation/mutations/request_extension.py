import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class RequestExtension(RemediationMove):
    """Ask once for a later deadline, with a reason."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        until = graphene.Date(required=True)
        reason = graphene.String(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, until, reason, version=None):
        return cls(
            remediation=service.request_extension(
                get_remediation(info.context.user, finding_id),
                until,
                reason,
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
