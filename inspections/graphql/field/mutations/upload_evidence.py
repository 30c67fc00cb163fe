import graphene

from apikit.mutations import BaseMutation
from apikit.upload import Upload
from inspections.graphql.field.types import EvidenceType, FieldError
from inspections.graphql.lookups import device_of
from inspections.services.evidence import PhonePosition, read_upload, store_photo


class UploadEvidence(BaseMutation):
    """Upload one photo of a finding (a multipart request, graphql-multipart-request-spec). Idempotent by the
    photo's id; the finding may not have reached the server yet. The photo is checked before it is stored.
    The phone's position and time at the capture (browsers strip EXIF GPS) are kept; a photo far from its
    unit is flagged `farFromUnit` for the reviewer."""

    class Arguments:
        id = graphene.UUID(required=True, description="Client-generated id of the photo.")
        finding_id = graphene.UUID(required=True, description="Client-generated id of its finding.")
        file = Upload(required=True)
        latitude = graphene.Float(description="Where the phone was when it took the photo (Geolocation API).")
        longitude = graphene.Float()
        accuracy = graphene.Float(description="The accuracy radius of that position, in metres.")
        captured_at = graphene.DateTime(description="The phone's clock when it took the photo.")
        sent_at = graphene.DateTime(
            description="The phone's clock when it sends this: capturedAt is corrected by receipt − sentAt."
        )

    evidence = graphene.Field(EvidenceType)
    created = graphene.Boolean(
        description="False when the photo was already there (a retry, or the same bytes)."
    )

    login_required = True

    class Meta:
        error_type_class = FieldError

    @classmethod
    def perform_mutation(cls, root, info, id, finding_id, file, **position):
        upload = store_photo(
            actor=info.context.user,
            evidence_id=id,
            finding_id=finding_id,
            data=read_upload(file),
            position=PhonePosition(
                latitude=position.get("latitude"),
                longitude=position.get("longitude"),
                accuracy_m=position.get("accuracy"),
                captured_at=position.get("captured_at"),
                sent_at=position.get("sent_at"),
            ),
            device=device_of(info),
        )
        return cls(evidence=upload.evidence, created=upload.created)
