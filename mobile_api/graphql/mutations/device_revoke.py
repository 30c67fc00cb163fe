import graphene
from django.utils.translation import gettext as _

from apikit.mutations import BaseMutation
from apikit.types import decode_id
from inspections.error_codes import fail
from mobile_api.error_codes import AccountErrorCode
from mobile_api.models import DeviceSession
from mobile_api.services import revoke_device

from ..types import Device
from .mobile_login import AccountError


def require_user(info):
    user = info.context.user
    if not user.is_authenticated:
        raise fail(AccountErrorCode.UNAUTHENTICATED, _("Sign in first."))
    return user


class RevokeDevice(BaseMutation):
    """Sign one of your devices out (a lost phone, say). Its token stops working at once."""

    class Arguments:
        id = graphene.ID(required=True)

    device = graphene.Field(Device)

    login_required = True

    class Meta:
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info, id):
        user = require_user(info)
        pk = decode_id(id, "Device")
        device = DeviceSession.objects.filter(pk=pk, user=user).first() if pk is not None else None
        if device is None:
            raise fail(AccountErrorCode.NOT_FOUND, _("No such device."), "id")
        return cls(device=revoke_device(device, actor=user))


class Logout(BaseMutation):
    """End this session: revokes the bearer token in use, or signs the web session out."""

    ok = graphene.Boolean(description="True once signed out.")

    login_required = True

    class Meta:
        error_type_class = AccountError

    @classmethod
    def perform_mutation(cls, root, info):
        from django.contrib.auth import logout

        request = info.context
        user = require_user(info)
        device = request.device_session() if hasattr(request, "device_session") else None
        if device is not None:
            revoke_device(device, actor=user)
        else:
            logout(request)
        return cls(ok=True)
