"""Mobile sign-in: opaque bearer tokens, stored hashed, with expiry, last use and revocation."""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import timedelta

import structlog
from django.conf import settings
from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.models import User

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


def check_login_input(username: str, password: str, device_name: str) -> None:
    errors = {}
    if not username.strip():
        errors["username"] = ValidationError(_("Enter your username."), code=AccountErrorCode.REQUIRED.value)
    if not password:
        errors["password"] = ValidationError(_("Enter your password."), code=AccountErrorCode.REQUIRED.value)
    if not device_name.strip():
        errors["device_name"] = ValidationError(_("Name this device."), code=AccountErrorCode.REQUIRED.value)
    elif len(device_name) > 100:
        errors["device_name"] = ValidationError(_("At most 100 characters."), code=AccountErrorCode.INVALID.value)
    if errors:
        raise ValidationError(errors)


def mobile_login(request: HttpRequest, *, username: str, password: str, device_name: str) -> IssuedToken:
    """Check the password (with django-axes counting failures per username and per address) and issue a
    token. Locked-out callers get ``LOCKED_OUT`` whether or not the password is right.

    Called outside any transaction (``MobileLogin.atomic = False``): the password is hashed in autocommit,
    so no database connection sits "idle in transaction" meanwhile; only the token is written in one."""
    check_login_input(username, password, device_name)
    user = authenticate(request, username=username.strip(), password=password)
    if getattr(request, "axes_locked_out", False):
        minutes = int(settings.AXES_COOLOFF_TIME.total_seconds() // 60)
        raise ValidationError(
            _("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes},
            code=AccountErrorCode.LOCKED_OUT.value,
        )
    if user is None:
        raise ValidationError(_("Wrong username or password."), code=AccountErrorCode.INVALID_CREDENTIALS.value)
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


def revoke_device(device: DeviceSession, *, actor: User) -> DeviceSession:
    """Revoke a device session of the actor's own (idempotent: revoking twice keeps the first time)."""
    if device.revoked_at is None:
        device.revoked_at = timezone.now()
        device.save(update_fields=["revoked_at"])
        logger.info("device_revoked", user=device.user_id, device=device.pk, actor=actor.pk)
    return device


def active_devices(user: User):
    return DeviceSession.objects.filter(user=user, revoked_at__isnull=True, expires_at__gt=timezone.now())
