import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class VerifyRemediation(RemediationMove):
    """The fix is checked: the finding is closed."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, version=None):
        return cls(
            remediation=service.verify(
                get_remediation(info.context.user, finding_id),
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
