import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.field.types import FieldError, FindingType
from inspections.graphql.lookups import device_of, get_finding_by_uuid
from inspections.services.field import withdraw_finding


class WithdrawFinding(BaseMutation):
    """Withdraw a finding recorded by mistake, before its visit is submitted (afterwards: `correctFinding`
    with `withdraw: true`). It is kept with the reason; no remediation is opened for it. Idempotent: the
    same finding withdrawn again answers it unchanged."""

    class Arguments:
        finding_id = graphene.UUID(required=True, description="The client-generated id of the finding.")
        reason = graphene.String(required=True)

    finding = graphene.Field(FindingType)

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, finding_id, reason):
        finding = get_finding_by_uuid(info.context.user, finding_id)
        return cls(
            finding=withdraw_finding(finding, actor=info.context.user, reason=reason, device=device_of(info))
        )
