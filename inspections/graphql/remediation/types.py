import graphene
from django.utils import timezone
from graphene_django import DjangoObjectType

from apikit.dataloaders import BatchedConnection, related
from apikit.mutations import error_type
from apikit.types import Node
from inspections.error_codes import RemediationErrorCode
from inspections.graphql.enums import choices_enum
from inspections.graphql.field.dataloaders import FindingByIdLoader
from inspections.graphql.org.dataloaders import OrgUnitByIdLoader, UserByIdLoader
from inspections.graphql.org.types import User
from inspections.graphql.remediation.dataloaders import (
    AnswersByRemediationIdLoader,
    DraftByRemediationIdLoader,
    EvidenceByAnswerIdLoader,
    EvidenceByUuidLoader,
)
from inspections.models import Remediation, RemediationAnswer, RemediationDraft
from inspections.models import RemediationState as RemediationStateChoices
from inspections.services.visibility import visible_findings

RemediationState = choices_enum(
    "RemediationState",
    RemediationStateChoices,
    "open → answered → accepted → closed; answered → rejected → answered.",
)

RemediationError = error_type("RemediationError", RemediationErrorCode)


class RemediationAnswerType(DjangoObjectType):
    """One answer of the unit, in the head's name. A rejected answer stays, with the reason."""

    accountable = graphene.Field(User, required=True, description="The head, in whose name it was given.")
    drafted_by = graphene.Field(User, required=True)
    evidence = graphene.List(graphene.NonNull("inspections.graphql.field.types.EvidenceType"), required=True)

    class Meta:
        model = RemediationAnswer
        name = "RemediationAnswer"
        fields = (
            "number",
            "plan_of_action",
            "fix_done",
            "fixed_on",
            "submitted_at",
            "decision",
            "decision_reason",
            "decided_at",
        )

    @staticmethod
    def resolve_accountable(root, info):
        return related(info, root, "accountable", UserByIdLoader)

    @staticmethod
    def resolve_drafted_by(root, info):
        return related(info, root, "drafted_by", UserByIdLoader)

    @staticmethod
    def resolve_evidence(root, info):
        return EvidenceByAnswerIdLoader(info).load_for(root, lambda answer: answer.pk)


class RemediationDraftType(DjangoObjectType):
    """A staff member's draft of the answer, waiting for the head to submit it. Seen only inside the unit."""

    drafted_by = graphene.Field(User, required=True)
    evidence = graphene.List(graphene.NonNull("inspections.graphql.field.types.EvidenceType"), required=True)

    class Meta:
        model = RemediationDraft
        name = "RemediationDraft"
        fields = ("plan_of_action", "fix_done", "fixed_on", "saved_at")

    @staticmethod
    def resolve_drafted_by(root, info):
        return related(info, root, "drafted_by", UserByIdLoader)

    @staticmethod
    def resolve_evidence(root, info):
        photos = EvidenceByUuidLoader(info).load_many(list(root.evidence_ids))
        return [photo for photo in photos if photo is not None]


class RemediationType(DjangoObjectType):
    """How the unit answers for a finding, by its deadline in working days."""

    state = graphene.Field(RemediationState, required=True)
    accountable = graphene.Field(User, description="The head of the unit: accountable whoever drafts.")
    assignee = graphene.Field(User)
    answers = graphene.List(graphene.NonNull(RemediationAnswerType), required=True)
    is_overdue = graphene.Boolean(required=True)
    finding = graphene.Field("inspections.graphql.field.types.FindingType", required=True)
    draft = graphene.Field(
        RemediationDraftType,
        description="The answer a staff member drafted, waiting for the head: seen by the unit's own people only.",
    )

    class Meta:
        model = Remediation
        name = "Remediation"
        interfaces = (Node,)
        connection_class = BatchedConnection
        fields = (
            "id",
            "version",
            "deadline",
            "original_deadline",
            "extension_reason",
            "extension_until",
            "extension_requested_at",
            "extension_granted",
            "first_answered_at",
            "accepted_at",
            "closed_at",
        )

    @classmethod
    def get_queryset(cls, queryset, info):
        visible = visible_findings(info.context.user).values("pk")
        return queryset.filter(finding__in=visible).select_related("unit__head", "assignee", "finding")

    @staticmethod
    def resolve_state(root, info):
        return str(root.state)

    @staticmethod
    def resolve_accountable(root, info):
        return related(info, related(info, root, "unit", OrgUnitByIdLoader), "head", UserByIdLoader)

    @staticmethod
    def resolve_assignee(root, info):
        return related(info, root, "assignee", UserByIdLoader)

    @staticmethod
    def resolve_answers(root, info):
        return AnswersByRemediationIdLoader(info).load_for(root, lambda remediation: remediation.pk)

    @staticmethod
    def resolve_is_overdue(root, info):
        return root.state in ("open", "rejected") and root.deadline < timezone.localdate()

    @staticmethod
    def resolve_finding(root, info):
        return related(info, root, "finding", FindingByIdLoader)

    @staticmethod
    def resolve_draft(root, info):
        user = info.context.user
        if not getattr(user, "is_authenticated", False) or user.unit_id != root.unit_id:
            return None  # the reviewers never read a draft
        return DraftByRemediationIdLoader(info).load_for(root, lambda remediation: remediation.pk)


class HeadScorecard(graphene.ObjectType):
    """How a head's units answered for findings in a year."""

    head = graphene.Field(User, required=True)
    year = graphene.Int(required=True)
    received = graphene.Int(required=True)
    answered_on_time = graphene.Int(required=True)
    on_time_rate = graphene.Float()
    overdue_now = graphene.Int(required=True)
    rejected_answers = graphene.Int(required=True)
    repeat_findings = graphene.Int(
        required=True, description="Same criterion at the same unit within 12 months."
    )
    median_days_to_close = graphene.Float()
