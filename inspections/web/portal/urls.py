from django.urls import path

from inspections.web.portal import accounts
from inspections.web.portal.findings import finding_page, inbox
from inspections.web.portal.home import home

urlpatterns = [
    path("", home, name="portal-home"),
    path("findings/", inbox, name="portal-inbox"),
    path("findings/<uuid:finding_uuid>/", finding_page, name="portal-finding"),
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
