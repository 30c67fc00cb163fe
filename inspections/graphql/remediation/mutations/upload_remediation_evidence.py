import graphene

from apikit.mutations import BaseMutation
from apikit.upload import Upload
from inspections.graphql.field.types import EvidenceType, FieldError
from inspections.graphql.lookups import device_of
from inspections.services.evidence import read_upload, store_answer_photo


class UploadRemediationEvidence(BaseMutation):
    """Upload a photo of the fix (head or staff of the inspected unit), then name it in answerFinding's
    evidenceIds. A multipart request; the same checks as a finding's photo; idempotent by the photo's id."""

    class Arguments:
        id = graphene.UUID(required=True, description="Client-generated id of the photo.")
        file = Upload(required=True)

    evidence = graphene.Field(EvidenceType)
    created = graphene.Boolean()

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, id, file):
        upload = store_answer_photo(
            actor=info.context.user, evidence_id=id, data=read_upload(file), device=device_of(info)
        )
        return cls(evidence=upload.evidence, created=upload.created)
