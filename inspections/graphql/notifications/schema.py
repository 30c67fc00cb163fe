import graphene
from graphene_django.fields import DjangoConnectionField

from inspections.graphql.notifications.mutations.mark_notifications_read import MarkNotificationsRead
from inspections.graphql.notifications.types import NotificationType
from inspections.models import Notification
from inspections.services.notifications import topic_for


class NotificationQueries(graphene.ObjectType):
    notifications = DjangoConnectionField(
        NotificationType,
        unread_only=graphene.Boolean(default_value=False),
        description="Your notifications, newest first.",
    )

    @staticmethod
    def resolve_notifications(root, info, unread_only=False, **_kwargs):
        rows = NotificationType.get_queryset(Notification.objects.all(), info).order_by("-created_at", "-pk")
        return rows.filter(read_at=None) if unread_only else rows


class NotificationMutations(graphene.ObjectType):
    mark_notifications_read = MarkNotificationsRead.Field()


class NotificationSubscriptions(graphene.ObjectType):
    notification_received = graphene.Field(
        NotificationType, description="Your new notifications, as they come."
    )

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
