"""Bearer-token authentication for the field app, beside Django sessions for the web."""

from axes.middleware import AxesMiddleware
from django.contrib.auth.models import AnonymousUser
from django.utils.functional import SimpleLazyObject

from .services import device_for_token

GRAPHQL_PATH = "/graphql/"


def bearer_token(request) -> str | None:
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


class BearerTokenMiddleware:
    """Runs before CSRF. A request that carries no cookie credentials cannot be forged across sites, so the
    GraphQL endpoint skips the CSRF check for bearer-token requests and for requests without a session."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request.bearer_token = bearer_token(request)
        if request.path == GRAPHQL_PATH or request.path.startswith("/api/"):
            from django.conf import settings

            if request.bearer_token or settings.SESSION_COOKIE_NAME not in request.COOKIES:
                request._dont_enforce_csrf_checks = True
        return self.get_response(request)


class BearerUserMiddleware:
    """Runs after AuthenticationMiddleware: a bearer token, when present, decides the user (lazily, so a
    request rejected before execution runs no SQL)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        token = getattr(request, "bearer_token", None)
        cache: dict = {}

        def device_session():
            if "device" not in cache:
                cache["device"] = device_for_token(token) if token else None
            return cache["device"]

        request.device_session = device_session
        # A token that names no active session (expired, revoked, unknown) is refused, never taken for an
        # anonymous caller: the GraphQL endpoint and /api/ answer 401 UNAUTHENTICATED (checked lazily, after
        # a request passed its cheaper checks).
        request.credentials_rejected = lambda: bool(token) and device_session() is None
        if token:
            request.user = SimpleLazyObject(
                lambda: device_session().user if device_session() else AnonymousUser()
            )
        return self.get_response(request)


class LockoutResponseMiddleware(AxesMiddleware):
    """django-axes' lockout page for the web sign-in; the GraphQL endpoint answers ``LOCKED_OUT`` itself."""

    async_capable = False
    sync_capable = True

    def __call__(self, request):
        if request.path == GRAPHQL_PATH:
            return self.get_response(request)
        return super().__call__(request)
