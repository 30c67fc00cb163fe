import graphene

from apikit.mutations import BaseMutation
from inspections.graphql.enums import value_of
from inspections.graphql.field.types import FieldError, FindingType, SeverityEnum
from inspections.graphql.lookups import device_of, get_visit
from inspections.services.field import record_finding


class RecordFinding(BaseMutation):
    """Record a finding on a failed criterion (one answered PASS or NOT_APPLICABLE answers
    CRITERION_NOT_FAILED; one not answered yet becomes FAIL); its deadline follows from severity in working
    days."""

    class Arguments:
        id = graphene.UUID(required=True, description="Client-generated id of the finding.")
        visit_id = graphene.ID(required=True)
        criterion_code = graphene.String(required=True)
        text = graphene.String(required=True)
        severity = SeverityEnum(description="Defaults to the criterion's severity.")
        recommendation = graphene.String()
        latitude = graphene.Float()
        longitude = graphene.Float()
        captured_at = graphene.DateTime(description="The phone's clock when it was found.")
        sent_at = graphene.DateTime(
            description="The phone's clock when it sends this: capturedAt is corrected by receipt − sentAt."
        )
        evidence_ids = graphene.List(graphene.NonNull(graphene.UUID), description="Ids of its photos.")

    finding = graphene.Field(FindingType)

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, id, visit_id, criterion_code, text, **data):
        finding = record_finding(
            get_visit(info.context.user, visit_id),
            actor=info.context.user,
            client_id=id,
            criterion_code=criterion_code,
            text=text,
            severity=value_of(data.get("severity")),
            recommendation=data.get("recommendation") or "",
            latitude=data.get("latitude"),
            longitude=data.get("longitude"),
            captured_at=data.get("captured_at"),
            sent_at=data.get("sent_at"),
            evidence_ids=data.get("evidence_ids") or [],
            device=device_of(info),
        )
        return cls(finding=finding)
