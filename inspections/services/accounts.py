"""Accounts of the portal: an administrator starts a password reset for a user who forgot theirs."""

from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from inspections.models import AuditAction, User
from inspections.services.audit import record


def start_password_reset(user: User, *, actor: User) -> str:
    """A one-time link (path) that lets ``user`` choose a new password. It stops working once used, once the
    password changes otherwise, or after ``PASSWORD_RESET_TIMEOUT`` seconds. The administrator hands it over
    (a phone user may have no e-mail); the audit log records who started it, never the link."""
    with transaction.atomic():
        record(actor, None, AuditAction.ACCOUNT_PASSWORD_RESET_STARTED, user)
        uid = urlsafe_base64_encode(force_bytes(user.pk))
        return reverse("portal-password-reset-confirm", args=[uid, default_token_generator.make_token(user)])
