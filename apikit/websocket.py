"""GraphQL over WebSocket with the ``graphql-transport-ws`` protocol (the one current clients speak).

Protocol: the client opens with sub-protocol ``graphql-transport-ws`` and sends ``connection_init`` (with an
optional ``{"authorization": "Bearer <token>"}`` payload; a Django session cookie works too); the server
answers ``connection_ack``. Then ``subscribe`` {id, payload: {query, variables, operationName}} runs an
operation: a query or mutation answers one ``next`` and ``complete``; a subscription streams ``next`` until
either side sends ``complete``. ``ping``/``pong`` keep the line alive. Close codes: 4400 bad message, 4401
subscribe before the ack, 4408 no init in time, 4409 a subscription id reused, 4429 a second init, 4403 a
bearer token refused (at init, or before an event once its device was revoked or it expired).
When the channel layer loses Redis, every running subscription ends with an ``error`` of code
``EVENTS_INTERRUPTED`` (the socket stays open): the client refetches what it shows and subscribes again.

Events raised anywhere (a request, a background worker, another server process) reach subscribers through the
channel layer: see ``apikit.events``.
"""

import asyncio
import contextlib
import json
from typing import Any

import structlog
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from graphql import GraphQLError, OperationType, execute, get_operation_ast, subscribe

from .errors import RequestErrorCode
from .events import LAYER_LOST, group_name
from .limits import client_address, spend
from .rules import (
    check_variables,
    checked_document,
    json_depth,
    operation_cost,
    sign_ins,
    text_problem,
    too_costly,
)
from .view import format_error

logger = structlog.get_logger("backend.graphql.ws")

PROTOCOL = "graphql-transport-ws"
CONNECTION_INIT_TIMEOUT = 10  # seconds a client has to send connection_init
# Subscriptions running in this process per user (or per address when anonymous), over all their connections:
# one event loop runs every consumer of a process, so a plain dict is enough.
OPEN_SUBSCRIPTIONS: dict[str, int] = {}


class OriginCheck:
    """ASGI middleware for WebSocket handshakes: a foreign ``Origin`` is refused (cross-site WebSocket hijacking),
    a missing one is let through. Browsers always send an Origin; phones, scripts and servers send none, and
    carry no cookies worth stealing: on such a connection the cookies are dropped, so only a bearer token in
    ``connection_init`` can sign in (``origin_absent`` in the scope tells the consumer)."""

    def __init__(self, app):
        from channels.security.websocket import AllowedHostsOriginValidator

        self.app = app
        self.validated = AllowedHostsOriginValidator(app)

    async def __call__(self, scope, receive, send):
        if scope["type"] != "websocket":
            return await self.app(scope, receive, send)
        headers = scope.get("headers") or []
        if any(name.lower() == b"origin" for name, _value in headers):
            return await self.validated(scope, receive, send)
        without_cookies = [(name, value) for name, value in headers if name.lower() != b"cookie"]
        return await self.app({**scope, "headers": without_cookies, "origin_absent": True}, receive, send)


class WebSocketContext:
    """What resolvers see as ``info.context`` over WebSocket: the user, and a way to listen to events."""

    def __init__(self, consumer: "GraphQLWebSocketConsumer", user, device=None):
        self.consumer = consumer
        self.user = user
        self._device = device
        # What a sign-in (django-axes) reads of a request: the client's address and headers, as in WSGI.
        scope = consumer.scope
        headers = {
            name.decode("latin-1").lower(): value.decode("latin-1")
            for name, value in scope.get("headers", [])
        }
        self.META = {
            "HTTP_" + name.upper().replace("-", "_"): value
            for name, value in headers.items()
            if name != "cookie"
        }
        self.META.update(
            {
                "REMOTE_ADDR": (scope.get("client") or ["", 0])[0] or "",
                "PATH_INFO": scope.get("path", ""),
                "REQUEST_METHOD": "GET",
            }
        )
        self.method, self.path, self.GET, self.POST = "GET", scope.get("path", ""), {}, {}
        self.COOKIES: dict = {}
        self.headers = headers

    def device_session(self):
        return self._device

    async def listen(self, topic: str):
        """Yield every event published on ``topic`` until the subscription ends."""
        queue = await self.consumer.join(topic)
        try:
            while True:
                yield await queue.get()
        finally:
            await self.consumer.leave(topic, queue)


class GraphQLWebSocketConsumer(AsyncJsonWebsocketConsumer):
    # Handed in by the project's routing: ``GraphQLWebSocketConsumer.as_asgi(schema=..., authenticate=...)``.
    schema = None
    # ``authenticate(token) -> device session or None``: how a bearer token in ``connection_init`` signs in.
    authenticate = None

    def __init__(self, *args, schema=None, authenticate=None, **kwargs):
        super().__init__(*args, **kwargs)
        if schema is not None:
            self.schema = schema
        if authenticate is not None:
            self.authenticate = authenticate

    async def connect(self):
        if PROTOCOL not in self.scope.get("subprotocols", []):
            await self.close(code=4406)
            return
        self.acknowledged = False
        self.context: WebSocketContext | None = None
        self.operations: dict[str, asyncio.Task] = {}
        self.listeners: dict[str, set[asyncio.Queue]] = {}
        self.subscriptions: set[str] = set()  # ids of the operations that are subscriptions
        self.token: str | None = None
        await self.accept(subprotocol=PROTOCOL)
        self.init_timeout = asyncio.get_running_loop().call_later(
            CONNECTION_INIT_TIMEOUT, lambda: asyncio.ensure_future(self._init_timed_out())
        )

    async def _init_timed_out(self):
        if not self.acknowledged:
            await self.close(code=4408)

    async def disconnect(self, code):
        if hasattr(self, "init_timeout"):
            self.init_timeout.cancel()
        for task in list(getattr(self, "operations", {}).values()):
            task.cancel()
        for topic in list(getattr(self, "listeners", {})):
            await self.channel_layer.group_discard(group_name(topic), self.channel_name)

    # --- messages from the client ------------------------------------------------------------------------

    async def receive_json(self, content: Any, **kwargs):
        kind = content.get("type") if isinstance(content, dict) else None
        if kind == "connection_init":
            await self.on_init(content.get("payload") or {})
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self.on_subscribe(content)
        elif kind == "complete":
            task = self.operations.pop(str(content.get("id")), None)
            if task:
                task.cancel()
        else:
            await self.close(code=4400)

    @classmethod
    async def decode_json(cls, text_data):
        try:
            data = json.loads(text_data)
        except RecursionError as exc:  # a bracket bomb: a bad message (4400), not a server error (1011)
            raise ValueError("The message nests too deep.") from exc
        if not json_depth(data, settings.GRAPHQL_MAX_JSON_DEPTH):
            raise ValueError("The message nests too deep.")
        return data

    async def receive(self, text_data=None, bytes_data=None, **kwargs):
        try:
            await super().receive(text_data=text_data, bytes_data=bytes_data, **kwargs)
        except ValueError:
            await self.close(code=4400)

    async def on_init(self, payload: dict):
        if self.acknowledged:
            await self.close(code=4429)
            return
        user, device = self.scope.get("user") or AnonymousUser(), None
        self.token = None
        authorization = payload.get("authorization") or payload.get("Authorization") or ""
        if isinstance(authorization, str) and authorization.lower().startswith("bearer "):
            authenticate = self.authenticate
            device = (
                await database_sync_to_async(authenticate)(authorization[7:].strip())
                if authenticate
                else None
            )
            if device is None:
                await self.close(code=4403)
                return
            user, self.token = device.user, authorization[7:].strip()
        elif self.scope.get("origin_absent"):
            await self.close(code=4401)  # no Origin, no cookie: only a bearer token signs in
            return
        self.context = WebSocketContext(self, user, device)
        self.acknowledged = True
        self.init_timeout.cancel()
        await self.send_json({"type": "connection_ack"})

    async def on_subscribe(self, content: dict):
        if not self.acknowledged:
            await self.close(code=4401)
            return
        operation_id, payload = content.get("id"), content.get("payload")
        if not isinstance(operation_id, str) or not isinstance(payload, dict):
            await self.close(code=4400)
            return
        if operation_id in self.operations:
            await self.close(code=4409)
            return
        self.operations[operation_id] = asyncio.ensure_future(self.run_operation(operation_id, payload))

    # --- running operations ------------------------------------------------------------------------------

    async def run_operation(self, operation_id: str, payload: dict):
        holder: str | None = None  # set once the subscription counts against its user's cap
        try:
            errors, document, operation = self.check(payload)
            if errors:
                await self.send_json({"id": operation_id, "type": "error", "payload": errors})
                return
            options = {
                "context_value": self.context,
                "variable_values": payload.get("variables"),
                "operation_name": payload.get("operationName"),
            }
            if operation is not None and operation.operation == OperationType.SUBSCRIPTION:
                refusal = self.subscription_refusal()
                if refusal:
                    await self.send_json(
                        {
                            "id": operation_id,
                            "type": "error",
                            "payload": [
                                {
                                    "message": refusal,
                                    "extensions": {"code": RequestErrorCode.TOO_MANY_SUBSCRIPTIONS.value},
                                }
                            ],
                        }
                    )
                    return
                self.subscriptions.add(operation_id)
                holder = self.subscriber()
                OPEN_SUBSCRIPTIONS[holder] = OPEN_SUBSCRIPTIONS.get(holder, 0) + 1
                stream = await subscribe(self.graphql_schema, document, **options)
                if not hasattr(stream, "__aiter__"):  # the subscription could not start
                    await self.send_json(
                        {
                            "id": operation_id,
                            "type": "error",
                            "payload": [format_error(e) for e in stream.errors or []],
                        }
                    )
                    return
                try:
                    async for result in stream:
                        await self.send_json(
                            {"id": operation_id, "type": "next", "payload": serialise(result)}
                        )
                finally:
                    with contextlib.suppress(Exception):
                        await stream.aclose()
            else:
                result = await sync_to_async(self.execute_sync)(document, options)
                await self.send_json({"id": operation_id, "type": "next", "payload": serialise(result)})
            await self.send_json({"id": operation_id, "type": "complete"})
        except asyncio.CancelledError:
            raise
        except Exception:  # noqa: BLE001 - logged with its trace; the client learns only that it failed
            logger.exception("graphql_ws_operation_failed", operation_id=operation_id)
            await self.send_json(
                {
                    "id": operation_id,
                    "type": "error",
                    "payload": [
                        {
                            "message": "Internal server error.",
                            "extensions": {"code": RequestErrorCode.INTERNAL_ERROR.value},
                        }
                    ],
                }
            )
        finally:
            self.operations.pop(operation_id, None)
            if holder is not None:
                remaining = OPEN_SUBSCRIPTIONS.get(holder, 1) - 1
                if remaining > 0:
                    OPEN_SUBSCRIPTIONS[holder] = remaining
                else:
                    OPEN_SUBSCRIPTIONS.pop(holder, None)
            self.subscriptions.discard(operation_id)

    def subscriber(self) -> str:
        """Whose subscriptions a new one counts with: the signed-in user's, else the address's."""
        user = self.context.user if self.context else None
        if user is not None and user.is_authenticated:
            return f"user:{user.pk}"
        meta = self.context.META if self.context else {}
        return f"address:{client_address(meta.get('REMOTE_ADDR'), meta.get('HTTP_X_FORWARDED_FOR'))}"

    def subscription_refusal(self) -> str | None:
        """Why one more subscription may not start (the cap per connection, then per user), or None."""
        per_connection = settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS
        if len(self.subscriptions) >= per_connection:
            return f"A connection may hold at most {per_connection} subscriptions at once."
        per_user = settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_USER
        if OPEN_SUBSCRIPTIONS.get(self.subscriber(), 0) >= per_user:
            return f"A user may hold at most {per_user} subscriptions at once, over all their connections."
        return None

    @property
    def graphql_schema(self):
        return self.schema.graphql_schema

    def check(self, payload: dict):
        query = payload.get("query")
        if not isinstance(query, str) or not query.strip():
            return [{"message": "Provide a query string.", "extensions": {"code": "BAD_REQUEST"}}], None, None
        problem = text_problem(query)
        if problem:
            return (
                [{"message": problem, "extensions": {"code": RequestErrorCode.INVALID_INPUT.value}}],
                None,
                None,
            )
        if len(query.encode()) > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
            return (
                [
                    {
                        "message": "The query is too large.",
                        "extensions": {"code": RequestErrorCode.DOCUMENT_TOO_LARGE.value},
                    }
                ],
                None,
                None,
            )
        document, syntax_error, errors = checked_document(self.graphql_schema, query)
        if syntax_error is not None:
            error = dict(syntax_error.formatted)
            error["extensions"] = {"code": RequestErrorCode.GRAPHQL_PARSE_FAILED.value}
            return [error], None, None
        if errors:
            return [format_error(e) for e in errors], None, None
        operation = get_operation_ast(document, payload.get("operationName"))
        variables = payload.get("variables")
        if variables is not None and not isinstance(variables, dict):
            return (
                [
                    {
                        "message": "Variables must be a JSON object.",
                        "extensions": {"code": RequestErrorCode.BAD_REQUEST.value},
                    }
                ],
                None,
                None,
            )
        bad_input = check_variables(variables)
        cost, bad_argument = operation_cost(
            self.graphql_schema, document, operation, variables, budget=settings.GRAPHQL_MAX_COST
        )
        if bad_input or bad_argument:
            return [format_error(bad_input or bad_argument)], None, None
        if cost > settings.GRAPHQL_MAX_COST:
            return [format_error(too_costly(cost, settings.GRAPHQL_MAX_COST))], None, None
        meta = self.context.META
        address = client_address(meta["REMOTE_ADDR"], meta.get("HTTP_X_FORWARDED_FOR"))
        attempts = sign_ins(operation)
        wait = (
            spend("sign-in", address, attempts, settings.RATE_LIMIT_SIGN_INS_PER_MINUTE) if attempts else None
        )
        if not wait:
            who = f"token:{self.token}" if self.token else f"address:{address}"
            limit = (
                settings.RATE_LIMIT_COST_PER_MINUTE
                if self.token
                else settings.RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE
            )
            wait = spend("cost", who, max(cost, 1), limit)
        if wait:
            return (
                [
                    {
                        "message": f"Too many requests; try again in {wait} seconds.",
                        "extensions": {"code": RequestErrorCode.RATE_LIMITED.value, "retryAfter": wait},
                    }
                ],
                None,
                None,
            )
        return None, document, operation

    def execute_sync(self, document, options):
        # As over HTTP: each mutation field runs in its own transaction (BaseMutation.mutate), none around them.
        return execute(self.graphql_schema, document, **options)

    # --- events from the channel layer ---------------------------------------------------------------------

    async def join(self, topic: str) -> asyncio.Queue:
        queue: asyncio.Queue = asyncio.Queue()
        listeners = self.listeners.setdefault(topic, set())
        if not listeners:
            await self.channel_layer.group_add(group_name(topic), self.channel_name)
        listeners.add(queue)
        return queue

    async def leave(self, topic: str, queue: asyncio.Queue):
        listeners = self.listeners.get(topic, set())
        listeners.discard(queue)
        if not listeners and topic in self.listeners:
            del self.listeners[topic]
            await self.channel_layer.group_discard(group_name(topic), self.channel_name)

    async def channel_layer_lost(self, message: dict):
        """Redis went away (``apikit.events.ResilientRedisChannelLayer``): end every subscription, typed."""
        assert message["type"] == LAYER_LOST
        self.listeners.clear()  # the groups went with Redis; nothing to discard
        for operation_id in list(self.subscriptions):
            task = self.operations.pop(operation_id, None)
            if task:
                task.cancel()
            self.subscriptions.discard(operation_id)
            await self.send_json(
                {
                    "id": operation_id,
                    "type": "error",
                    "payload": [
                        {
                            "message": "Events were interrupted; subscribe again.",
                            "extensions": {"code": RequestErrorCode.EVENTS_INTERRUPTED.value},
                        }
                    ],
                }
            )

    async def graphql_event(self, message: dict):
        if not await self.still_signed_in():
            return
        for queue in list(self.listeners.get(message["topic"], ())):
            queue.put_nowait(message["payload"])

    async def still_signed_in(self) -> bool:
        """A connection signed in with a bearer token is checked again before each event it would be sent: once
        the device is revoked (a lost phone) or its token has expired, it learns nothing more and the socket
        closes with 4403, as a new connection with that token would be refused."""
        if self.token is None or self.authenticate is None:
            return True
        if await database_sync_to_async(self.authenticate)(self.token) is not None:
            return True
        logger.info("graphql_ws_token_no_longer_valid")
        await self.close(code=4403)
        return False


def serialise(result) -> dict:
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [
            format_error(e) if isinstance(e, GraphQLError) else {"message": "error"} for e in result.errors
        ]
    return body
