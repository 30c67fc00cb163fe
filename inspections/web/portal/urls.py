from django.urls import path

from inspections.web.portal import accounts, findings, notifications, plans
from inspections.web.portal.home import home
from inspections.web.portal.scorecard import scorecard_page

urlpatterns = [
    path("", home, name="portal-home"),
    path("findings/", findings.inbox, name="portal-inbox"),
    path("findings/<uuid:finding_uuid>/", findings.finding_page, name="portal-finding"),
    path("findings/<uuid:finding_uuid>/assign/", findings.assign, name="portal-assign"),
    path("findings/<uuid:finding_uuid>/extension/", findings.ask_extension, name="portal-extension"),
    path(
        "findings/<uuid:finding_uuid>/extension/decision/",
        findings.decide_extension,
        name="portal-extension-decide",
    ),
    path(
        "findings/<uuid:finding_uuid>/return/", findings.return_for_correction, name="portal-finding-return"
    ),
    path("findings/<uuid:finding_uuid>/comment/", findings.comment, name="portal-finding-comment"),
    path("notifications/", notifications.notifications_page, name="portal-notifications"),
    path("notifications/read/", notifications.mark_all_read, name="portal-notifications-read-all"),
    path(
        "notifications/<int:notification_id>/read/",
        notifications.mark_read,
        name="portal-notification-read",
    ),
    path("scorecard/", scorecard_page, name="portal-scorecard"),
    path("plans/", plans.plans_list, name="portal-plans"),
    path("plans/new/", plans.plan_create, name="portal-plan-new"),
    path("plans/<int:plan_id>/", plans.plan_page, name="portal-plan"),
    path("plans/<int:plan_id>/periodic/", plans.add_periodic, name="portal-plan-periodic"),
    path("plans/<int:plan_id>/team/", plans.set_team, name="portal-plan-team"),
    path("plans/<int:plan_id>/preview/", plans.preview, name="portal-plan-preview"),
    path("plans/<int:plan_id>/approve/", plans.approve, name="portal-plan-approve"),
    path("plans/<int:plan_id>/assignments/", plans.assignments, name="portal-plan-assignments"),
    path("plans/<int:plan_id>/close/", plans.close, name="portal-plan-close"),
    path("login/", accounts.PortalLoginView.as_view(), name="portal-login"),
    path("logout/", accounts.PortalLogoutView.as_view(), name="portal-logout"),
    path("password/", accounts.PortalPasswordChangeView.as_view(), name="portal-password-change"),
    path("password/changed/", accounts.PortalPasswordChangedView.as_view(), name="portal-password-changed"),
    path(
        "password/reset/<uidb64>/<token>/",
        accounts.PortalPasswordResetConfirmView.as_view(),
        name="portal-password-reset-confirm",
    ),
    path(
        "password/reset/done/",
        accounts.PortalPasswordResetCompleteView.as_view(),
        name="portal-password-reset-complete",
    ),
]
