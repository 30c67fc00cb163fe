import graphene

from apikit.mutations import BaseMutation
from inspections.services.field import correct_finding

from ..types.field import FindingType, SeverityEnum
from ..types.plan import value_of
from .field_common import FieldError, device_of, finding_for


class CorrectFinding(BaseMutation):
    """Correct a finding: a new version linked to the old one, which is kept unchanged."""

    class Arguments:
        id = graphene.ID(required=True)
        reason = graphene.String(required=True)
        text = graphene.String()
        severity = SeverityEnum()
        recommendation = graphene.String()

    finding = graphene.Field(FindingType)

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, id, reason, **data):
        finding = correct_finding(finding_for(info, id), actor=info.context.user, reason=reason,
                                  text=data.get("text"), severity=value_of(data.get("severity")),
                                  recommendation=data.get("recommendation"), device=device_of(info))
        return cls(finding=finding)
