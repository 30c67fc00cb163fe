import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class RejectRemediation(RemediationMove):
    """Send the answer back to the unit with the reason (it stays in the history)."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, reason, version=None):
        return cls(
            remediation=service.reject(
                get_remediation(info.context.user, finding_id),
                reason,
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
