import graphene
from django.utils import timezone
from graphene_django.fields import DjangoConnectionField

from apikit.types import decode_id
from inspections.graphql.remediation.mutations.accept_remediation import AcceptRemediation
from inspections.graphql.remediation.mutations.answer_finding import AnswerFinding
from inspections.graphql.remediation.mutations.assign_remediation import AssignRemediation
from inspections.graphql.remediation.mutations.decide_extension import DecideExtension
from inspections.graphql.remediation.mutations.reject_remediation import RejectRemediation
from inspections.graphql.remediation.mutations.request_extension import RequestExtension
from inspections.graphql.remediation.mutations.save_remediation_draft import SaveRemediationDraft
from inspections.graphql.remediation.mutations.submit_remediation_draft import SubmitRemediationDraft
from inspections.graphql.remediation.mutations.upload_remediation_evidence import UploadRemediationEvidence
from inspections.graphql.remediation.mutations.verify_remediation import VerifyRemediation
from inspections.graphql.remediation.types import HeadScorecard, RemediationState, RemediationType
from inspections.models import Remediation
from inspections.models import User as UserModel
from inspections.services.scorecard import scorecard
from inspections.services.visibility import can_see_unit


class RemediationQueries(graphene.ObjectType):
    remediations = DjangoConnectionField(
        RemediationType,
        state=RemediationState(),
        unit=graphene.ID(),
        overdue=graphene.Boolean(),
        description="Remediation of findings you may see, earliest deadline first.",
    )
    head_scorecard = graphene.Field(
        HeadScorecard, head_id=graphene.ID(required=True), year=graphene.Int(required=True)
    )

    @staticmethod
    def resolve_remediations(root, info, state=None, unit=None, overdue=None, **_kwargs):
        rows = RemediationType.get_queryset(Remediation.objects.all(), info).order_by("deadline", "pk")
        if state is not None:
            rows = rows.filter(state=getattr(state, "value", state))
        if unit is not None:
            rows = rows.filter(unit_id=decode_id(unit, "OrgUnit") or 0)
        if overdue:
            rows = rows.overdue(timezone.localdate())
        return rows

    @staticmethod
    def resolve_head_scorecard(root, info, head_id, year):
        head = UserModel.objects.select_related("unit").filter(pk=decode_id(head_id, "User") or 0).first()
        if head is None or head.unit is None or not can_see_unit(info.context.user, head.unit):
            return None
        return scorecard(head, year)


class RemediationMutations(graphene.ObjectType):
    assign_remediation = AssignRemediation.Field()
    answer_finding = AnswerFinding.Field()
    save_remediation_draft = SaveRemediationDraft.Field()
    submit_remediation_draft = SubmitRemediationDraft.Field()
    accept_remediation = AcceptRemediation.Field()
    reject_remediation = RejectRemediation.Field()
    verify_remediation = VerifyRemediation.Field()
    request_extension = RequestExtension.Field()
    decide_extension = DecideExtension.Field()
    upload_remediation_evidence = UploadRemediationEvidence.Field()
