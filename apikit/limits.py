"""Limits that protect the server before a request is understood: body size (ASGI, before the body is read),
the client's address behind trusted proxies, and rate limits on cost spent per minute (shared by every process
through Django's cache)."""

import hashlib
import ipaddress
import json
import time

import structlog
from django.conf import settings
from django.core.cache import cache
from django.utils import translation
from django.utils.translation import gettext as _

from .errors import RequestErrorCode

logger = structlog.get_logger("backend.limits")

JSON_HEADERS = [(b"content-type", b"application/json; charset=utf-8")]


def error_body(code: RequestErrorCode, message: str) -> bytes:
    """One typed error, readable both as a GraphQL error (``extensions.code``) and as a plain endpoint's."""
    error = {"code": code.value, "message": message, "extensions": {"code": code.value}}
    return json.dumps({"errors": [error]}, ensure_ascii=False).encode()


def _language(headers: dict[bytes, bytes]) -> str:
    accept = headers.get(b"accept-language", b"").decode("latin-1").lower()
    return "en" if accept.startswith("en") else settings.LANGUAGE_CODE


class BodySizeLimit:
    """ASGI middleware: a body over the limit answers 413 JSON. A ``Content-Length`` over it is refused before
    a byte is read; a chunked body is cut off as soon as it passes the limit (the application sees a
    disconnect and answers nothing, so the refusal is ours)."""

    def __init__(self, app):
        self.app = app

    @staticmethod
    def limit_for(headers: dict[bytes, bytes]) -> int:
        if headers.get(b"content-type", b"").lower().startswith(b"multipart/form-data"):
            return settings.UPLOAD_MAX_REQUEST_BYTES
        return settings.REQUEST_MAX_BYTES

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        headers = dict(scope.get("headers") or [])
        limit = self.limit_for(headers)
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_large = int(declared) > limit
            except ValueError:
                return await self.refuse(
                    send, headers, 400, RequestErrorCode.BAD_REQUEST, _("Content-Length is not a number.")
                )
            if too_large:
                return await self.refuse_size(send, headers, limit)
        state = {"received": 0, "exceeded": False, "started": False}

        async def limited_receive():
            message = await receive()
            if message["type"] == "http.request" and not state["exceeded"]:
                state["received"] += len(message.get("body", b""))
                if state["received"] > limit:
                    state["exceeded"] = True
                    return {"type": "http.disconnect"}
            return message

        async def tracking_send(message):
            if message["type"] == "http.response.start":
                state["started"] = True
            await send(message)

        await self.app(scope, limited_receive, tracking_send)
        if state["exceeded"] and not state["started"]:
            await self.refuse_size(send, headers, limit)

    async def refuse_size(self, send, headers, limit: int):
        with translation.override(_language(headers)):
            message = _("The request is larger than %(limit)s bytes.") % {"limit": f"{limit:,}"}
        await self.refuse(send, headers, 413, RequestErrorCode.REQUEST_TOO_LARGE, message)

    @staticmethod
    async def refuse(send, headers, status: int, code: RequestErrorCode, message: str):
        body = error_body(code, message)
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    *JSON_HEADERS,
                    (b"content-length", str(len(body)).encode()),
                    (b"connection", b"close"),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})


def client_address(remote_addr: str | None, forwarded_for: str | None) -> str:
    """The client's address: ``X-Forwarded-For`` is believed only when the request came from a proxy named in
    ``TRUSTED_PROXIES``, and then its right-most address that is not itself a trusted proxy."""
    address = (remote_addr or "").strip() or "unknown"
    trusted = set(settings.TRUSTED_PROXIES)
    if address not in trusted or not forwarded_for:
        return address
    for hop in reversed([part.strip() for part in forwarded_for.split(",") if part.strip()]):
        try:
            ipaddress.ip_address(hop)
        except ValueError:
            return address  # a forged or broken header: the proxy is the client we know
        if hop not in trusted:
            return hop
    return address


def rate_key(kind: str, who: str) -> str:
    return f"ratelimit:{kind}:{hashlib.sha256(who.encode()).hexdigest()[:32]}"


_cache_reachable = True  # False while the cache is down: the outage is logged once, not per request


def spend(kind: str, who: str, amount: int, limit: int, *, window: int = 60) -> int | None:
    """Charge ``amount`` to ``who`` in the current window; None when it fits, else the seconds until the window
    ends (``Retry-After``). A refused charge is not kept, so a client that waits gets its whole budget back.

    When the cache cannot be reached (Redis down) the limit fails open: the request goes through and the outage
    is logged once, so that losing the counters never turns every request into a server error."""
    global _cache_reachable
    try:
        wait = _charge(kind, who, amount, limit, window)
    except Exception as exc:  # noqa: BLE001 - any cache failure (Redis, the database cache) lets the request in
        if _cache_reachable:
            _cache_reachable = False
            logger.warning("rate_limit_cache_unreachable", error=f"{type(exc).__name__}: {exc}")
        return None
    if not _cache_reachable:
        _cache_reachable = True
        logger.info("rate_limit_cache_reachable")
    return wait


def _charge(kind: str, who: str, amount: int, limit: int, window: int) -> int | None:
    now = int(time.time())
    start = now - now % window
    key = f"{rate_key(kind, who)}:{start}"
    cache.add(key, 0, timeout=window * 2)
    try:
        spent = cache.incr(key, amount)
    except ValueError:  # expired between add and incr
        cache.set(key, amount, timeout=window * 2)
        spent = amount
    if spent > limit:
        cache.decr(key, amount)
        return max(1, start + window - now)
    return None
