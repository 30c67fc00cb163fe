import graphene
from graphene_django.fields import DjangoConnectionField

from apikit.types import decode_id
from inspections.graphql.field.mutations.answer_criterion import AnswerCriterion
from inspections.graphql.field.mutations.check_in import CheckIn
from inspections.graphql.field.mutations.correct_finding import CorrectFinding
from inspections.graphql.field.mutations.record_finding import RecordFinding
from inspections.graphql.field.mutations.return_finding_for_correction import ReturnFindingForCorrection
from inspections.graphql.field.mutations.submit_visit import SubmitVisit
from inspections.graphql.field.mutations.upload_evidence import UploadEvidence
from inspections.graphql.field.mutations.withdraw_finding import WithdrawFinding
from inspections.graphql.field.types import ChecklistTemplateType, FindingType
from inspections.models import ChecklistTemplate
from inspections.services.visibility import visible_findings


class FieldQueries(graphene.ObjectType):
    checklist_templates = graphene.List(
        graphene.NonNull(ChecklistTemplateType),
        required=True,
        description="Active checklist templates, newest version first.",
    )
    findings = DjangoConnectionField(
        FindingType,
        visit=graphene.ID(),
        unit=graphene.ID(),
        current_only=graphene.Boolean(default_value=True),
        description="Findings of visits the caller may see.",
    )

    @staticmethod
    def resolve_checklist_templates(root, info):
        if not info.context.user.is_authenticated:
            return []
        return ChecklistTemplate.objects.filter(is_active=True).prefetch_related("criteria")

    @staticmethod
    def resolve_findings(root, info, visit=None, unit=None, current_only=True, **_kwargs):
        findings = visible_findings(info.context.user).order_by("pk")
        if visit is not None:
            findings = findings.filter(visit_id=decode_id(visit, "Visit") or 0)
        if unit is not None:
            findings = findings.filter(unit_id=decode_id(unit, "OrgUnit") or 0)
        if current_only:
            findings = findings.filter(correction__isnull=True)
        return findings


class FieldMutations(graphene.ObjectType):
    check_in = CheckIn.Field()
    answer_criterion = AnswerCriterion.Field()
    record_finding = RecordFinding.Field()
    submit_visit = SubmitVisit.Field()
    correct_finding = CorrectFinding.Field()
    withdraw_finding = WithdrawFinding.Field()
    return_finding_for_correction = ReturnFindingForCorrection.Field()
    upload_evidence = UploadEvidence.Field()
