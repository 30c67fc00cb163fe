import graphene
from graphene_django import DjangoObjectType

from apikit.types import CountableConnection, Node
from inspections.models import Notification


class NotificationType(DjangoObjectType):
    """A notice for the signed-in user, in their language."""

    finding_id = graphene.ID(description="The finding it is about (global id), if any.")

    class Meta:
        model = Notification
        name = "Notification"
        interfaces = (Node,)
        connection_class = CountableConnection
        fields = ("id", "kind", "title", "body", "created_at", "read_at")

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        return queryset.filter(recipient=user) if user.is_authenticated else queryset.none()

    @staticmethod
    def resolve_finding_id(root, info):
        from graphql_relay import to_global_id

        return to_global_id("Finding", root.finding_id) if root.finding_id else None
