import graphene
from graphene_django import DjangoObjectType
from graphene_django.utils import bypass_get_queryset

from apikit.dataloaders import related
from apikit.mutations import error_type
from apikit.types import Node
from inspections.error_codes import CctvErrorCode
from inspections.graphql.cctv.dataloaders import CameraByIdLoader, CounterByIdLoader
from inspections.graphql.enums import choices_enum
from inspections.graphql.field.dataloaders import FindingByIdLoader
from inspections.graphql.org.dataloaders import OrgUnitByIdLoader
from inspections.graphql.org.types import OrgUnit
from inspections.models import AnalysisStatus as AnalysisStatusChoices
from inspections.models import Camera, Snapshot
from inspections.services.snapshot_review import flag_label, reviewable_snapshots

CctvFlag = graphene.Enum(
    "CctvFlag",
    [
        (flag.upper(), flag)
        for flag in ("queue_unstaffed", "covered", "displaced", "frozen", "dark", "blurred")
    ],
    description="What the analysis raised, most serious first.",
)
AnalysisStatus = choices_enum(
    "SnapshotAnalysisStatus", AnalysisStatusChoices, "pending → analysed, or failed."
)

CctvError = error_type("CctvError", CctvErrorCode)


class CameraType(DjangoObjectType):
    """A camera over a one-stop-shop counter."""

    counter = graphene.String(required=True, description="The counter's name.")
    unit = graphene.Field(OrgUnit, required=True)

    class Meta:
        model = Camera
        name = "Camera"
        fields = ("id", "name", "is_active")

    @staticmethod
    def resolve_counter(root, info):
        return related(info, root, "counter", CounterByIdLoader).name

    @staticmethod
    def resolve_unit(root, info):
        return related(info, related(info, root, "counter", CounterByIdLoader), "unit", OrgUnitByIdLoader)


class SnapshotType(DjangoObjectType):
    """A counter-camera snapshot and what the analysis found (for reviewers only)."""

    camera = graphene.Field(CameraType, required=True)
    status = graphene.Field(AnalysisStatus, required=True)
    flags = graphene.List(graphene.NonNull(CctvFlag), required=True)
    confidence = graphene.Float(description="The confidence of the most serious flag raised.")
    image_url = graphene.String(required=True)

    class Meta:
        model = Snapshot
        name = "Snapshot"
        interfaces = (Node,)
        fields = (
            "id",
            "captured_at",
            "in_working_hours",
            "staffed",
            "staffed_confidence",
            "people",
            "analyser_version",
            "analysis_ms",
            "review_state",
            "dismiss_reason",
            "reviewed_at",
            "finding",
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        return queryset.filter(pk__in=reviewable_snapshots(info.context.user).values("pk"))

    @staticmethod
    def resolve_camera(root, info):
        return related(info, root, "camera", CameraByIdLoader)

    @staticmethod
    @bypass_get_queryset
    def resolve_finding(root, info):
        # The confirmed finding, only when the caller may see it (as the type's get_node answered, one per row).
        return FindingByIdLoader(info).load_for(root, lambda snapshot: snapshot.finding_id)

    @staticmethod
    def resolve_status(root, info):
        return str(root.status)

    @staticmethod
    def resolve_flags(root, info):
        return list(root.flags)

    @staticmethod
    def resolve_confidence(root, info):
        verdict = root.verdicts.get(root.primary_flag) if root.primary_flag else None
        return verdict["confidence"] if verdict else None

    @staticmethod
    def resolve_image_url(root, info):
        return f"/api/cameras/snapshots/{root.pk}/image"


class SnapshotReviewItem(graphene.ObjectType):
    """Open flagged snapshots of one camera with the same most serious flag: one decision covers them all."""

    camera = graphene.Field(CameraType, required=True)
    flag = graphene.Field(CctvFlag, required=True)
    label = graphene.String(required=True, description="The flag in words, in the caller's language.")
    count = graphene.Int(required=True)
    first_at = graphene.DateTime(required=True)
    last_at = graphene.DateTime(required=True)
    snapshot = graphene.Field(
        SnapshotType, required=True, description="The latest: confirm or dismiss by it."
    )

    @staticmethod
    def resolve_label(root, info):
        return flag_label(root.flag)


class CameraHealthType(graphene.ObjectType):
    class Meta:
        name = "CameraHealth"

    camera = graphene.Field(CameraType, required=True)
    last_snapshot_at = graphene.DateTime()
    snapshots = graphene.Int(required=True, description="Over the last CCTV_HEALTH_DAYS days.")
    tampered = graphene.Int(required=True)
    failed = graphene.Int(required=True, description="Snapshots that could not be analysed.")
    tamper_share = graphene.Float(
        required=True, description="Share of analysed snapshots with a tamper flag."
    )
