import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.field.types import FieldError, FindingType
from inspections.graphql.lookups import device_of, get_finding
from inspections.services.field import return_finding_for_correction


class ReturnFindingForCorrection(BaseMutation):
    """Send a finding back to its inspectors for correction, with what is to be corrected (Home Affairs, or
    the head of the plan's authority). They are notified (kind `finding_returned`) and correct it with
    `correctFinding`; the finding is unchanged until then."""

    class Arguments:
        finding_id = graphene.ID(required=True)
        reason = graphene.String(required=True)

    finding = graphene.Field(FindingType)

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, finding_id, reason):
        finding = return_finding_for_correction(
            get_finding(info.context.user, finding_id, field="finding_id"),
            reason,
            actor=info.context.user,
            device=device_of(info),
        )
        return cls(finding=finding)
