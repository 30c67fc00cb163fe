"""ASGI entry point for Daphne: HTTP goes to Django, WebSocket to the Channels consumers."""

import os

from django.core.asgi import get_asgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "backend.settings")
django_asgi_app = get_asgi_application()

from channels.auth import AuthMiddlewareStack  # noqa: E402  (needs the apps loaded)
from channels.routing import ProtocolTypeRouter, URLRouter  # noqa: E402

from apikit.limits import BodySizeLimit  # noqa: E402
from apikit.websocket import OriginCheck  # noqa: E402
from backend.routing import websocket_urlpatterns  # noqa: E402

application = ProtocolTypeRouter(
    {
        # Bodies over the limit are refused from Content-Length, before Django reads them.
        "http": BodySizeLimit(django_asgi_app),
        # A foreign Origin is refused; none at all (phones, scripts) is accepted, cookies dropped.
        "websocket": OriginCheck(AuthMiddlewareStack(URLRouter(websocket_urlpatterns))),
    }
)
