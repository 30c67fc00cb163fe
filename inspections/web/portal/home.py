"""``GET /``: the home page of the signed-in user's role, with what they have to do now.

Every figure comes through the visibility service (``visible_findings``), as for the API: a unit head's
counts never include a surprise visit before its check-in."""

from dataclasses import dataclass

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from inspections.models import Notification, Remediation, RemediationState, Role
from inspections.services.visibility import is_administrator, visible_findings

RECENT_NOTIFICATIONS = 5  # notifications listed on the home page


@dataclass(frozen=True)
class Tile:
    title: str
    text: str
    url: str


def remediation_counts(user) -> dict[str, int]:
    """Open, overdue and answered remediations of the findings the user may see."""
    rows = Remediation.objects.filter(finding__in=visible_findings(user).values("pk"))
    return {
        "open": rows.waiting().count(),
        "overdue": rows.overdue(timezone.localdate()).count(),
        "answered": rows.filter(state=RemediationState.ANSWERED).count(),
    }


def heads_a_unit(user) -> bool:
    return user.headed_units.exists()


def tiles_for(user) -> list[Tile]:
    """The places the role works in, first the one it needs most."""
    tiles = []
    if user.role in (Role.UNIT_HEAD, Role.UNIT_STAFF) or heads_a_unit(user):
        tiles.append(
            Tile(
                _("Findings"),
                _("Answer the findings of your unit before their deadline."),
                reverse("portal-inbox"),
            )
        )
    if user.role == Role.HOME_AFFAIRS or is_administrator(user):
        tiles.append(
            Tile(
                _("Inspection plans"),
                _("Plans, periodic visits, the surprise draw and inspectors."),
                reverse("portal-plans"),
            )
        )
    if user.role == Role.HOME_AFFAIRS:
        tiles.append(
            Tile(
                _("Requests for more time"),
                _("Extensions the units asked for, to grant or refuse."),
                reverse("portal-inbox") + "?state=extension",
            )
        )
    if heads_a_unit(user):
        tiles.append(
            Tile(
                _("Scorecard"), _("How your units answered for their findings."), reverse("portal-scorecard")
            )
        )
    if user.role in (Role.HOME_AFFAIRS, Role.INSPECTOR) or is_administrator(user) or heads_a_unit(user):
        tiles.append(
            Tile(
                _("Compliance board"),
                _("Coverage, findings and remediation of every unit."),
                reverse("board"),
            )
        )
    if user.role == Role.INSPECTOR:
        tiles.append(
            Tile(_("Field app"), _("Visits, check-in, checklist and findings on your phone."), "/app/")
        )
    if is_administrator(user) or user.is_staff:
        tiles.append(
            Tile(
                _("Administration"),
                _("Org tree, users, roles, checklists and cameras."),
                reverse("admin:index"),
            )
        )
    tiles.append(
        Tile(
            _("Change password"),
            _("Choose a new password for your account."),
            reverse("portal-password-change"),
        )
    )
    return tiles


@require_GET
@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    notifications = (
        Notification.objects.filter(recipient=user).select_related("finding").order_by("-created_at", "-pk")
    )
    context = {
        "role_label": Role(user.role).label if user.role in Role.values else "",
        "unit": user.unit,
        "counts": remediation_counts(user)
        if user.role in (Role.UNIT_HEAD, Role.UNIT_STAFF) or heads_a_unit(user)
        else None,
        "tiles": tiles_for(user),
        "notifications": list(notifications[:RECENT_NOTIFICATIONS]),
        "unread": notifications.filter(read_at=None).count(),
    }
    return render(request, "portal/home.html", context)
