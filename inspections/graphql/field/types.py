import graphene
from graphene_django import DjangoObjectType

from apikit.dataloaders import BatchedConnection, related
from apikit.mutations import error_type
from apikit.types import Node
from inspections.error_codes import FieldErrorCode
from inspections.graphql.enums import choices_enum
from inspections.graphql.field.dataloaders import (
    CorrectionIdBySupersededIdLoader,
    CriterionByIdLoader,
    EvidenceByFindingIdLoader,
    FindingByIdLoader,
)
from inspections.graphql.org.dataloaders import OrgUnitByIdLoader
from inspections.graphql.org.types import OrgUnit
from inspections.graphql.remediation.dataloaders import RemediationByFindingIdLoader
from inspections.models import Answer, ChecklistTemplate, Criterion, Evidence, Finding, Remediation
from inspections.models import AnswerResult as AnswerResultChoices
from inspections.models import CchcArea as CchcAreaChoices
from inspections.models import Severity as SeverityChoices
from inspections.services.visibility import visible_findings

SeverityEnum = choices_enum("Severity", SeverityChoices, "minor, major, critical.")
CchcAreaEnum = choices_enum("CchcArea", CchcAreaChoices, "The eight areas of administrative reform.")
AnswerResultEnum = choices_enum("AnswerResult", AnswerResultChoices, "pass, fail, not applicable.")

FieldError = error_type("FieldError", FieldErrorCode)


class CriterionType(DjangoObjectType):
    area = graphene.Field(CchcAreaEnum, required=True)
    default_severity = graphene.Field(SeverityEnum, required=True)

    class Meta:
        model = Criterion
        name = "Criterion"
        fields = ("id", "code", "text_vi", "text_en", "position")

    @staticmethod
    def resolve_area(root, info):
        return str(root.area)

    @staticmethod
    def resolve_default_severity(root, info):
        return str(root.default_severity)


class ChecklistTemplateType(DjangoObjectType):
    criteria = graphene.List(graphene.NonNull(CriterionType), required=True)

    class Meta:
        model = ChecklistTemplate
        name = "ChecklistTemplate"
        fields = ("id", "code", "version", "name_vi", "name_en")

    @staticmethod
    def resolve_criteria(root, info):
        return root.criteria.all()


class AnswerType(DjangoObjectType):
    """The inspector's answer to one criterion of a visit's checklist."""

    result = graphene.Field(AnswerResultEnum, required=True)
    criterion_code = graphene.String(required=True)
    criterion = graphene.Field(CriterionType, required=True)
    answered_by = graphene.Field("inspections.graphql.org.types.User")

    class Meta:
        model = Answer
        name = "Answer"
        fields = ("id", "uuid", "note", "updated_at")

    @staticmethod
    def resolve_result(root, info):
        return str(root.result)

    @staticmethod
    def resolve_criterion_code(root, info):
        return related(info, root, "criterion", CriterionByIdLoader).code

    @staticmethod
    def resolve_criterion(root, info):
        return related(info, root, "criterion", CriterionByIdLoader)

    @staticmethod
    def resolve_answered_by(root, info):
        from inspections.graphql.org.dataloaders import UserByIdLoader

        return related(info, root, "answered_by", UserByIdLoader)


class EvidenceType(DjangoObjectType):
    """A photo. Its bytes are served by /api/evidence/<uuid>/original and /thumbnail, to those who may see
    the finding, after the stored bytes are checked against the SHA-256."""

    stored = graphene.Boolean(required=True, description="False while the phone has not uploaded it yet.")
    distance_from_unit_m = graphene.Float(
        description="Farthest known position of the photo (EXIF GPS, the phone's) from its unit's office (metres)."
    )
    far_from_unit = graphene.Boolean(
        description=(
            "True when the photo was taken farther than EVIDENCE_MAX_DISTANCE_FROM_UNIT_M beyond its unit's "
            "geofence: for the reviewer to check. Null while unknown (no position, or no geofence)."
        )
    )
    original_url = graphene.String()
    thumbnail_url = graphene.String()

    class Meta:
        model = Evidence
        name = "Evidence"
        fields = (
            "uuid",
            "sha256",
            "size",
            "content_type",
            "width",
            "height",
            "captured_at",
            "latitude",
            "longitude",
            "device_latitude",
            "device_longitude",
            "device_accuracy_m",
            "device_captured_at",
            "distance_from_unit_m",
            "far_from_unit",
            "created_at",
        )

    @staticmethod
    def resolve_stored(root, info):
        return root.stored_at is not None

    @staticmethod
    def resolve_original_url(root, info):
        return f"/api/evidence/{root.uuid}/original" if root.stored_at else None

    @staticmethod
    def resolve_thumbnail_url(root, info):
        return f"/api/evidence/{root.uuid}/thumbnail" if root.stored_at else None


class FindingType(DjangoObjectType):
    """A finding. ``supersedes`` is the earlier version a correction replaced (kept unchanged)."""

    severity = graphene.Field(SeverityEnum, required=True)
    unit = graphene.Field(OrgUnit, required=True)
    criterion = graphene.Field(CriterionType, required=True)
    evidence = graphene.List(graphene.NonNull(EvidenceType), required=True)
    supersedes = graphene.Field(lambda: FindingType)
    is_current = graphene.Boolean(required=True)
    remediation = graphene.Field(
        "inspections.graphql.remediation.types.RemediationType",
        description="How the unit answers for it (after the visit is submitted).",
    )
    source = graphene.String(required=True, description="visit or cctv.")
    withdrawn = graphene.Boolean(
        required=True, description="Withdrawn as recorded by mistake: kept, but nobody answers for it."
    )

    class Meta:
        model = Finding
        name = "Finding"
        interfaces = (Node,)
        fields = (
            "id",
            "uuid",
            "text",
            "recommendation",
            "latitude",
            "longitude",
            "captured_at",
            "deadline",
            "version",
            "correction_reason",
            "withdrawn_at",
            "withdrawal_reason",
            "created_at",
        )
        connection_class = BatchedConnection

    @classmethod
    def get_queryset(cls, queryset, info):
        visible = visible_findings(info.context.user).values("pk")
        return queryset.filter(pk__in=visible).select_related("unit", "criterion")

    @staticmethod
    def resolve_severity(root, info):
        return str(root.severity)

    @staticmethod
    def resolve_unit(root, info):
        return related(info, root, "unit", OrgUnitByIdLoader)

    @staticmethod
    def resolve_criterion(root, info):
        return related(info, root, "criterion", CriterionByIdLoader)

    @staticmethod
    def resolve_evidence(root, info):
        return EvidenceByFindingIdLoader(info).load_for(root, lambda finding: finding.pk)

    @staticmethod
    def resolve_supersedes(root, info):
        return related(info, root, "supersedes", FindingByIdLoader)

    @staticmethod
    def resolve_remediation(root, info):
        remediation = RemediationByFindingIdLoader(info).load_for(root, lambda finding: finding.pk)
        if remediation is not None:
            Remediation.finding.field.set_cached_value(remediation, root)
        return remediation

    @staticmethod
    def resolve_source(root, info):
        return str(root.source)

    @staticmethod
    def resolve_withdrawn(root, info):
        return root.withdrawn_at is not None

    @staticmethod
    def resolve_is_current(root, info):
        return CorrectionIdBySupersededIdLoader(info).load_for(root, lambda finding: finding.pk) is None
