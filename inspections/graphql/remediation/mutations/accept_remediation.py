import graphene

from inspections.graphql.lookups import device_of
from inspections.graphql.remediation.mutations.remediation_move import RemediationMove, finding_pk
from inspections.services import remediation as service


class AcceptRemediation(RemediationMove):
    class Arguments:
        finding_id = graphene.ID(required=True)
        version = graphene.Int()

    @classmethod
    def perform_mutation(cls, root, info, finding_id, version=None):
        return cls(remediation=service.accept(info.context.user, finding_pk(finding_id), version=version,
                                              device=device_of(info)))

