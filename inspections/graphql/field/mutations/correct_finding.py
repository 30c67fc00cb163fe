import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.enums import value_of
from inspections.graphql.field.types import FieldError, FindingType, SeverityEnum
from inspections.graphql.lookups import device_of, get_finding
from inspections.services.field import correct_finding


class CorrectFinding(BaseMutation):
    """Correct a finding: a new version linked to the old one, which is kept unchanged. With `withdraw` the
    new version withdraws it, with the reason."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        text = graphene.String()
        severity = SeverityEnum()
        recommendation = graphene.String()
        withdraw = graphene.Boolean(
            default_value=False,
            description="Withdraw the finding (recorded by mistake): its remediation ends WITHDRAWN.",
        )

    finding = graphene.Field(FindingType)

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, id, reason, **data):
        finding = correct_finding(
            get_finding(info.context.user, id),
            actor=info.context.user,
            reason=reason,
            text=data.get("text"),
            severity=value_of(data.get("severity")),
            recommendation=data.get("recommendation"),
            withdraw=bool(data.get("withdraw")),
            device=device_of(info),
        )
        return cls(finding=finding)
