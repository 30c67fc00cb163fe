import graphene
from django.core.exceptions import ValidationError

from apikit.mutations import BaseMutation, error_type
from mobile_api.error_codes import AccountErrorCode
from mobile_api.services import mobile_login

from ..types import Device

AccountError = error_type("AccountError", AccountErrorCode)


class MobileLogin(BaseMutation):
    """Sign a phone in. The token is returned once and never again: keep it in the phone's secure store."""

    class Arguments:
        username = graphene.String(required=True)
        password = graphene.String(required=True)
        device_name = graphene.String(required=True)

    token = graphene.String(description="Send as `Authorization: Bearer <token>`.")
    device = graphene.Field(Device)

    class Meta:
        error_type_class = AccountError

    # Hashing the password takes a fraction of a second of CPU: no transaction (and no connection "idle in
    # transaction") is held meanwhile; issuing the token is its own transaction.
    atomic = False

    @classmethod
    def perform_mutation(cls, root, info, username, password, device_name):
        try:
            issued = mobile_login(info.context, username=username, password=password, device_name=device_name)
        except ValidationError as error:
            # Returned, not raised: raising rolls the transaction back, and with it django-axes' record of the
            # failed attempt, which the lockout needs. Nothing else was written.
            return cls(errors=cls.errors_from(error))
        return cls(token=issued.token, device=issued.device)
