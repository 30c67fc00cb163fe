import graphene

from inspections.graphql.lookups import device_of, get_remediation
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove
from inspections.services import remediation as service


class DecideExtension(RemediationMove):
    """Grant (the deadline moves; the original stays on record) or refuse a request for more time."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        grant = graphene.Boolean(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, grant, version=None):
        return cls(
            remediation=service.decide_extension(
                get_remediation(info.context.user, finding_id),
                grant,
                actor=info.context.user,
                version=version,
                device=device_of(info),
            )
        )
