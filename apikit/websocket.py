"""GraphQL over WebSocket with the ``graphql-transport-ws`` protocol (the one current clients speak).

Protocol: the client opens with sub-protocol ``graphql-transport-ws`` and sends ``connection_init`` (with an
optional ``{"authorization": "Bearer <token>"}`` payload; a Django session cookie works too); the server
answers ``connection_ack``. Then ``subscribe`` {id, payload: {query, variables, operationName}} runs an
operation: a query or mutation answers one ``next`` and ``complete``; a subscription streams ``next`` until
either side sends ``complete``. ``ping``/``pong`` keep the line alive. Close codes: 4400 bad message, 4401
subscribe before the ack, 4408 no init in time, 4409 a subscription id reused, 4429 a second init.

Events raised anywhere (a request, a background worker, another server process) reach subscribers through the
channel layer: see ``apikit.events``.
"""

import asyncio
import contextlib
from typing import Any

import structlog
from asgiref.sync import sync_to_async
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncJsonWebsocketConsumer
from django.conf import settings
from django.contrib.auth.models import AnonymousUser
from graphql import GraphQLError, OperationType, execute, get_operation_ast, parse, subscribe, validate
from graphql.error import GraphQLSyntaxError

from .errors import RequestErrorCode
from .events import group_name
from .rules import validation_rules
from .view import format_error

logger = structlog.get_logger("backend.graphql.ws")

PROTOCOL = "graphql-transport-ws"
CONNECTION_INIT_TIMEOUT = 10  # seconds a client has to send connection_init


class WebSocketContext:
    """What resolvers see as ``info.context`` over WebSocket: the user, and a way to listen to events."""

    def __init__(self, consumer: "GraphQLWebSocketConsumer", user, device=None):
        self.consumer = consumer
        self.user = user
        self._device = device

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
        await self.accept(subprotocol=PROTOCOL)
        self.init_timeout = asyncio.get_running_loop().call_later(
            CONNECTION_INIT_TIMEOUT, lambda: asyncio.ensure_future(self._init_timed_out()))

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
        authorization = payload.get("authorization") or payload.get("Authorization") or ""
        if isinstance(authorization, str) and authorization.lower().startswith("bearer "):
            authenticate = self.authenticate
            device = await database_sync_to_async(authenticate)(authorization[7:].strip()) if authenticate else None
            if device is None:
                await self.close(code=4403)
                return
            user = device.user
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
        try:
            errors, document, operation = self.check(payload)
            if errors:
                await self.send_json({"id": operation_id, "type": "error", "payload": errors})
                return
            options = {"context_value": self.context, "variable_values": payload.get("variables"),
                       "operation_name": payload.get("operationName")}
            if operation is not None and operation.operation == OperationType.SUBSCRIPTION:
                stream = await subscribe(self.graphql_schema, document, **options)
                if not hasattr(stream, "__aiter__"):  # the subscription could not start
                    await self.send_json({"id": operation_id, "type": "error",
                                          "payload": [format_error(e) for e in stream.errors or []]})
                    return
                try:
                    async for result in stream:
                        await self.send_json({"id": operation_id, "type": "next", "payload": serialise(result)})
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
            await self.send_json({"id": operation_id, "type": "error", "payload": [{
                "message": "Internal server error.", "extensions": {"code": RequestErrorCode.INTERNAL_ERROR.value}}]})
        finally:
            self.operations.pop(operation_id, None)

    @property
    def graphql_schema(self):
        return self.schema.graphql_schema

    def check(self, payload: dict):
        query = payload.get("query")
        if not isinstance(query, str) or not query.strip():
            return [{"message": "Provide a query string.", "extensions": {"code": "BAD_REQUEST"}}], None, None
        if len(query.encode()) > settings.GRAPHQL_MAX_DOCUMENT_BYTES:
            return [{"message": "The query is too large.",
                     "extensions": {"code": RequestErrorCode.DOCUMENT_TOO_LARGE.value}}], None, None
        try:
            document = parse(query)
        except GraphQLSyntaxError as exc:
            error = exc.formatted
            error["extensions"] = {"code": RequestErrorCode.GRAPHQL_PARSE_FAILED.value}
            return [error], None, None
        errors = validate(self.graphql_schema, document, validation_rules())
        if errors:
            return [format_error(e) for e in errors], None, None
        return None, document, get_operation_ast(document, payload.get("operationName"))

    def execute_sync(self, document, options):
        from django.db import transaction

        with transaction.atomic():
            result = execute(self.graphql_schema, document, **options)
            if result.errors:
                transaction.set_rollback(True)
        return result

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

    async def graphql_event(self, message: dict):
        for queue in list(self.listeners.get(message["topic"], ())):
            queue.put_nowait(message["payload"])


def serialise(result) -> dict:
    body: dict[str, Any] = {"data": result.data}
    if result.errors:
        body["errors"] = [format_error(e) if isinstance(e, GraphQLError) else {"message": "error"}
                          for e in result.errors]
    return body

