"""Signing in and out of the portal, changing one's password, and following a reset link an administrator
sent. Django's own auth views with the portal's templates: the session cookie, CSRF and django-axes' lockout
(``LOGIN_FAILURE_LIMIT`` failures, then ``LOGIN_LOCKOUT_MINUTES``) apply as everywhere."""

from django.contrib.auth import views as auth_views
from django.urls import reverse_lazy


class PortalLoginView(auth_views.LoginView):
    template_name = "portal/login.html"
    redirect_authenticated_user = True


class PortalLogoutView(auth_views.LogoutView):
    next_page = reverse_lazy("portal-login")


class PortalPasswordChangeView(auth_views.PasswordChangeView):
    template_name = "portal/password_change.html"
    success_url = reverse_lazy("portal-password-changed")


class PortalPasswordChangedView(auth_views.PasswordChangeDoneView):
    template_name = "portal/password_changed.html"


class PortalPasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    """The page a reset link opens: a new password, once; the link dies when it is used or expires
    (``PASSWORD_RESET_TIMEOUT``)."""

    template_name = "portal/password_reset_confirm.html"
    success_url = reverse_lazy("portal-password-reset-complete")
    post_reset_login = False


class PortalPasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "portal/password_reset_complete.html"
