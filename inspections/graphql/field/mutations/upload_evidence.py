import graphene

from apikit.mutations import BaseMutation
from apikit.upload import Upload
from inspections.graphql.field.types import EvidenceType, FieldError
from inspections.graphql.lookups import device_of
from inspections.services.evidence import read_upload, store_photo


class UploadEvidence(BaseMutation):
    """Upload one photo of a finding (a multipart request, graphql-multipart-request-spec). Idempotent by the
    photo's id; the finding may not have reached the server yet. The photo is checked before it is stored."""

    class Arguments:
        id = graphene.UUID(required=True, description="Client-generated id of the photo.")
        finding_id = graphene.UUID(required=True, description="Client-generated id of its finding.")
        file = Upload(required=True)

    evidence = graphene.Field(EvidenceType)
    created = graphene.Boolean(
        description="False when the photo was already there (a retry, or the same bytes)."
    )

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, id, finding_id, file):
        upload = store_photo(
            actor=info.context.user,
            evidence_id=id,
            finding_id=finding_id,
            data=read_upload(file),
            device=device_of(info),
        )
        return cls(evidence=upload.evidence, created=upload.created)
