"""Mobile sign-in: opaque bearer tokens, stored hashed, with expiry, last use and revocation."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth.backends import ModelBackend
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.error_codes import fail, fail_together
from inspections.models import AuditAction, User
from inspections.services.audit import record

from .error_codes import AccountErrorCode
from .models import DeviceSession

logger = structlog.get_logger(__name__)

TOKEN_PREFIX = "cchc_"


def hash_token(token: str) -> str:
    # The token carries 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class IssuedToken:
    token: str
    device: DeviceSession


class ConnectionFreeModelBackend(ModelBackend):
    """Django's username/password backend, which gives its database connection back (to the pool) before it
    hashes the password: a sign-in costs a fraction of a second of CPU, and twenty at once must not hold twenty
    connections meanwhile. Inside a transaction the connection is kept (closing it would end the transaction)."""

    def authenticate(self, request, username=None, password=None, **kwargs):
        user_model = get_user_model()
        if username is None:
            username = kwargs.get(user_model.USERNAME_FIELD)
        if username is None or password is None:
            return None
        try:
            user = user_model._default_manager.get_by_natural_key(username)
        except user_model.DoesNotExist:
            release_connection()
            user_model().set_password(password)  # as long as a real check, so no one learns who exists
            return None
        release_connection()
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None

    def get_user(self, user_id):
        """The session's user with their unit in the same query: every page checks what they may see against
        it (``unit_scope``), which otherwise cost a second query on every request."""
        user_model = get_user_model()
        user = user_model._default_manager.select_related("unit").filter(pk=user_id).first()
        return user if user is not None and self.user_can_authenticate(user) else None


def release_connection() -> None:
    if not connection.in_atomic_block:
        connection.close()


def check_login_input(username: str, password: str, device_name: str) -> None:
    errors = []
    if not username.strip():
        errors.append(fail(AccountErrorCode.REQUIRED, _("Enter your username."), "username"))
    if not password:
        errors.append(fail(AccountErrorCode.REQUIRED, _("Enter your password."), "password"))
    if not device_name.strip():
        errors.append(fail(AccountErrorCode.REQUIRED, _("Name this device."), "device_name"))
    elif len(device_name) > 100:
        errors.append(fail(AccountErrorCode.INVALID, _("At most 100 characters."), "device_name"))
    if errors:
        raise fail_together(errors)


def mobile_login(request: HttpRequest, *, username: str, password: str, device_name: str) -> IssuedToken:
    """Check the password (with django-axes counting failures per username and per address) and issue a
    token. Locked-out callers get ``LOCKED_OUT`` whether or not the password is right.

    Called outside any transaction (``MobileLogin.atomic = False``): the password is hashed with no
    transaction open and the connection given back (``ConnectionFreeModelBackend``); only the token is
    written in one."""
    check_login_input(username, password, device_name)
    user = authenticate(request, username=username.strip(), password=password)
    if getattr(request, "axes_locked_out", False):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise fail(
            AccountErrorCode.LOCKED_OUT,
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes},
        )
    if user is None:
        raise fail(AccountErrorCode.INVALID_CREDENTIALS, _("Wrong username or password."))
    return issue_token(user, device_name=device_name.strip(), ip_address=request.META.get("REMOTE_ADDR"))


@transaction.atomic
def issue_token(user: User, *, device_name: str, ip_address: str | None = None) -> IssuedToken:
    """Create a device session; the clear token exists only in the return value."""
    token = TOKEN_PREFIX + secrets.token_urlsafe(32)
    device = DeviceSession.objects.create(
        user=user,
        device_name=device_name,
        token_hash=hash_token(token),
        token_prefix=token[: len(TOKEN_PREFIX) + 4],
        expires_at=timezone.now() + timedelta(days=settings.MOBILE_TOKEN_TTL_DAYS),
        ip_address=ip_address,
    )
    logger.info("mobile_login", user=user.pk, device=device.pk)
    return IssuedToken(token=token, device=device)


def device_for_token(token: str) -> DeviceSession | None:
    """The active device session of a bearer token (one query), touching its last use now and then."""
    if not token.startswith(TOKEN_PREFIX):
        return None
    now = timezone.now()
    device = (
        DeviceSession.objects.select_related("user", "user__unit")
        .filter(token_hash=hash_token(token), revoked_at__isnull=True, expires_at__gt=now)
        .first()
    )
    if device is None or not device.user.is_active:
        return None
    touch_after = timedelta(seconds=settings.MOBILE_TOKEN_TOUCH_SECONDS)
    if device.last_used_at is None or now - device.last_used_at > touch_after:
        DeviceSession.objects.filter(pk=device.pk).update(last_used_at=now)
        device.last_used_at = now
    return device


@transaction.atomic
def revoke_device(device: DeviceSession, *, actor: User) -> DeviceSession:
    """Revoke a device session of the actor's own (idempotent: revoking twice keeps the first time, and writes
    one audit row)."""
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        record(actor, None, AuditAction.DEVICE_REVOKE, device, {"device_name": device.device_name})
        logger.info("device_revoked", user=device.user_id, device=device.pk, actor=actor.pk)
    return device


def active_devices(user: User):
    return DeviceSession.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
