"""``/notifications/``: the signed-in user's notifications, newest first, each marked read with one click (htmx
swaps the one notice), or all at once."""

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_POST

from inspections.models import Notification
from inspections.services import notifications as notifications_service

NOTIFICATIONS_PAGE_SIZE = 30  # notices per page


def notifications_of(user):
    return (
        Notification.objects.filter(recipient=user).select_related("finding").order_by("-created_at", "-pk")
    )


@require_GET
@login_required
def notifications_page(request: HttpRequest) -> HttpResponse:
    rows = notifications_of(request.user)
    page = Paginator(rows, NOTIFICATIONS_PAGE_SIZE).get_page(request.GET.get("page"))
    unread = rows.filter(read_at=None).count()
    return render(request, "portal/notifications.html", {"page": page, "unread": unread})


@require_POST
@login_required
def mark_read(request: HttpRequest, notification_id: int) -> HttpResponse:
    notifications_service.mark_read(request.user, [notification_id])
    notification = notifications_of(request.user).filter(pk=notification_id).first()
    if notification is None:
        raise Http404
    if request.htmx:
        return render(request, "portal/_notification.html", {"n": notification})
    return redirect("portal-notifications")


@require_POST
@login_required
def mark_all_read(request: HttpRequest) -> HttpResponse:
    notifications_service.mark_read(request.user)
    return redirect("portal-notifications")
