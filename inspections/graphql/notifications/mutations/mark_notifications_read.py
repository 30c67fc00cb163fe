import graphene
from django.utils import timezone

from apikit.mutations import BaseMutation
from apikit.types import decode_id
from inspections.graphql.notifications.types import NotificationType
from inspections.graphql.remediation.types import RemediationError
from inspections.models import Notification


class MarkNotificationsRead(BaseMutation):
    """Mark your notifications read (all of them when ``ids`` is not given)."""

    class Arguments:
        ids = graphene.List(graphene.NonNull(graphene.ID))

    marked = graphene.Int()

    login_required = True

    class Meta:
        error_type_class = RemediationError

    @classmethod
    def perform_mutation(cls, root, info, ids=None):
        rows = NotificationType.get_queryset(Notification.objects.all(), info).filter(read_at=None)
        if ids is not None:
            rows = rows.filter(pk__in=[decode_id(i, "Notification") or 0 for i in ids])
        return cls(marked=rows.update(read_at=timezone.now()))
