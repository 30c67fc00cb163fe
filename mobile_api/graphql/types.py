import graphene
from graphene_django import DjangoObjectType

from apikit.types import Node
from mobile_api.models import DeviceSession


class Device(DjangoObjectType):
    """A phone signed in to the caller's account."""

    current = graphene.Boolean(required=True, description="True for the device making this request.")

    class Meta:
        model = DeviceSession
        name = "Device"
        interfaces = (Node,)
        fields = ("id", "device_name", "created_at", "expires_at", "last_used_at", "revoked_at")

    @classmethod
    def get_queryset(cls, queryset, info):
        user = info.context.user
        return queryset.filter(user=user) if user.is_authenticated else queryset.none()

    @staticmethod
    def resolve_current(root, info):
        device = info.context.device_session() if hasattr(info.context, "device_session") else None
        return device is not None and device.pk == root.pk
