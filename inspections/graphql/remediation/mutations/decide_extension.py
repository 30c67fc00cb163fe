import graphene

from inspections.graphql.lookups import device_of
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove, finding_pk
from inspections.services import remediation as service


class DecideExtension(RemediationMove):
    """Grant (the deadline moves; the original stays on record) or refuse a request for more time."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        grant = graphene.Boolean(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, grant, version=None):
        return cls(remediation=service.decide_extension(info.context.user, finding_pk(finding_id), grant,
                                                        version=version, device=device_of(info)))

