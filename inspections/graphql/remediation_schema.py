import graphene
from django.utils import timezone
from graphene_django.fields import DjangoConnectionField

from apikit.mutations import BaseMutation
from apikit.types import decode_id
from inspections.models import Notification, Remediation
from inspections.models import User as UserModel
from inspections.services.notifications import topic_for
from inspections.services.scorecard import scorecard
from inspections.services.visibility import can_see_unit

from .mutations.evidence_upload import UploadRemediationEvidence
from .mutations.remediation_moves import (
    AcceptRemediation,
    AnswerFinding,
    AssignRemediation,
    DecideExtension,
    RejectRemediation,
    RemediationError,
    RequestExtension,
    VerifyRemediation,
)
from .types.remediation import HeadScorecard, NotificationType, RemediationState, RemediationType


class RemediationQueries(graphene.ObjectType):
    remediations = DjangoConnectionField(
        RemediationType, state=RemediationState(), unit=graphene.ID(), overdue=graphene.Boolean(),
        description="Remediation of findings you may see, earliest deadline first.")
    notifications = DjangoConnectionField(NotificationType, unread_only=graphene.Boolean(default_value=False),
                                          description="Your notifications, newest first.")
    head_scorecard = graphene.Field(HeadScorecard, head_id=graphene.ID(required=True), year=graphene.Int(required=True))

    @staticmethod
    def resolve_remediations(root, info, state=None, unit=None, overdue=None, **_kwargs):
        rows = RemediationType.get_queryset(Remediation.objects.all(), info).order_by("deadline", "pk")
        if state is not None:
            rows = rows.filter(state=getattr(state, "value", state))
        if unit is not None:
            rows = rows.filter(unit_id=decode_id(unit, "OrgUnit") or 0)
        if overdue:
            rows = rows.filter(state__in=["open", "rejected"], deadline__lt=timezone.localdate())
        return rows

    @staticmethod
    def resolve_notifications(root, info, unread_only=False, **_kwargs):
        rows = NotificationType.get_queryset(Notification.objects.all(), info).order_by("-created_at", "-pk")
        return rows.filter(read_at=None) if unread_only else rows

    @staticmethod
    def resolve_head_scorecard(root, info, head_id, year):
        head = UserModel.objects.select_related("unit").filter(pk=decode_id(head_id, "User") or 0).first()
        if head is None or head.unit is None or not can_see_unit(info.context.user, head.unit):
            return None
        return scorecard(head, year)


class MarkNotificationsRead(BaseMutation):
    """Mark your notifications read (all of them when ``ids`` is not given)."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID))

    marked = graphene.Int()

    class Meta:
        error_type_class = RemediationError

    @classmethod
    def perform_mutation(cls, root, info, ids=None):
        rows = NotificationType.get_queryset(Notification.objects.all(), info).filter(read_at=None)
        if ids is not None:
            rows = rows.filter(pk__in=[decode_id(i, "Notification") or 0 for i in ids])
        return cls(marked=rows.update(read_at=timezone.now()))


class RemediationMutations(graphene.ObjectType):
    assign_remediation = AssignRemediation.Field()
    answer_finding = AnswerFinding.Field()
    accept_remediation = AcceptRemediation.Field()
    reject_remediation = RejectRemediation.Field()
    verify_remediation = VerifyRemediation.Field()
    request_extension = RequestExtension.Field()
    decide_extension = DecideExtension.Field()
    upload_remediation_evidence = UploadRemediationEvidence.Field()
    mark_notifications_read = MarkNotificationsRead.Field()


class RemediationSubscriptions(graphene.ObjectType):
    notification_received = graphene.Field(NotificationType, description="Your new notifications, as they come.")

    @staticmethod
    async def subscribe_notification_received(root, info):
        from channels.db import database_sync_to_async

        user = info.context.user
        if not getattr(user, "is_authenticated", False):
            return
        fetch = database_sync_to_async(lambda pk: Notification.objects.filter(pk=pk, recipient=user).first())
        async for payload in info.context.listen(topic_for(user.pk)):
            notification = await fetch(payload.get("id"))
            if notification is not None:
                yield notification
