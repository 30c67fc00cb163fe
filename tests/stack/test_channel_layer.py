"""Subscriptions over a real Redis (a server of the test's own): idle for longer than redis-py's default
socket timeout, through a Redis restart, and publishing while Redis is down."""

import asyncio
import json

import graphene
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.test import Client

from apikit.events import publish
from apikit.websocket import GraphQLWebSocketConsumer
from inspections.models import AuditEntry, Visit
from tests.factories import NEAR, gid, now_iso

# The consumer reads the database (rate limits, sign-in): allowed, though these tests are about the layer.
pytestmark = pytest.mark.django_db

# Longer than redis-py's 5 s socket timeout and channels-redis' 5 s blocking read together.
IDLE_SECONDS = 30
SUBSCRIBE = {"query": 'subscription { announcement(topic: "board:79") }'}


class Query(graphene.ObjectType):
    ok = graphene.Boolean()


class Subscription(graphene.ObjectType):
    announcement = graphene.String(topic=graphene.String(required=True))

    @staticmethod
    async def subscribe_announcement(root, info, topic):
        async for payload in info.context.listen(topic):
            yield payload["text"]


class AnnouncementConsumer(GraphQLWebSocketConsumer):
    schema = graphene.Schema(query=Query, subscription=Subscription)


async def subscribed(operation_id: str = "s") -> WebsocketCommunicator:
    ws = WebsocketCommunicator(
        AnnouncementConsumer.as_asgi(), "/graphql/", subprotocols=["graphql-transport-ws"]
    )
    connected, _ = await ws.connect()
    assert connected
    await ws.send_json_to({"type": "connection_init", "payload": {}})
    assert await ws.receive_json_from() == {"type": "connection_ack"}
    await subscribe(ws, operation_id)
    return ws


async def subscribe(ws, operation_id: str) -> None:
    await ws.send_json_to({"id": operation_id, "type": "subscribe", "payload": SUBSCRIBE})
    assert await ws.receive_nothing(timeout=0.5)  # the subscription joins its group


def event(operation_id: str, text: str) -> dict:
    return {"id": operation_id, "type": "next", "payload": {"data": {"announcement": text}}}


def test_an_idle_subscription_stays_open_and_then_receives_its_event(redis_layer):
    async def scenario():
        ws = await subscribed()
        await asyncio.sleep(IDLE_SECONDS)
        await sync_to_async(publish)("board:79", {"text": "sau 30 giây"})
        assert await ws.receive_json_from(timeout=5) == event("s", "sau 30 giây")
        await ws.disconnect()

    async_to_sync(scenario)()


def test_after_a_redis_restart_subscribers_get_a_typed_error_and_resubscribe(redis_layer):
    async def scenario():
        ws = await subscribed("before")
        await sync_to_async(publish)("board:79", {"text": "trước"})
        assert await ws.receive_json_from(timeout=5) == event("before", "trước")

        await sync_to_async(redis_layer.restart)()
        error = await ws.receive_json_from(timeout=15)
        assert error["id"] == "before" and error["type"] == "error"
        assert error["payload"][0]["extensions"]["code"] == "EVENTS_INTERRUPTED"

        # The socket stayed open: the client subscribes again on it, and the first publish after the
        # restart (on a pooled connection that Redis dropped) reaches it.
        await subscribe(ws, "after")
        await sync_to_async(publish)("board:79", {"text": "sau"})
        assert await ws.receive_json_from(timeout=5) == event("after", "sau")
        await ws.disconnect()

    async_to_sync(scenario)()


def test_a_publish_while_redis_is_down_is_dropped_not_raised(redis_layer):
    redis_layer.stop()
    publish("board:79", {"text": "không ai nghe"})  # returns: logged and dropped


@pytest.mark.django_db(transaction=True)  # the view runs in another thread, on a connection of its own
def test_healthz_answers_while_a_subscriber_waits_on_redis_and_reports_redis_gone(redis_layer):
    """A subscriber blocked in its read on the Redis layer (as on any server with a board open) does not hold
    up /healthz, which still asks Redis itself: 200 while it answers, 503 once it is stopped."""

    def healthz() -> tuple[int, dict]:
        response = Client().get("/healthz")
        return response.status_code, {n: c["status"] for n, c in response.json()["checks"].items()}

    async def scenario():
        ws = await subscribed()
        assert await ws.receive_nothing(timeout=1)  # idle: its read waits on Redis
        assert await sync_to_async(healthz)() == (200, {"database": "ok", "channel_layer": "ok"})
        await sync_to_async(redis_layer.stop)()
        assert await sync_to_async(healthz)() == (503, {"database": "ok", "channel_layer": "error"})
        await ws.disconnect()

    async_to_sync(scenario)()


CHECK_IN = """mutation($visit: ID!, $lat: Float!, $lon: Float!, $time: DateTime!) {
  checkIn(visitId: $visit, latitude: $lat, longitude: $lon, accuracy: 8, deviceTime: $time) {
    visit { status } distanceMeters flags errors { field code }
  }
}"""


@pytest.mark.django_db(transaction=True)
def test_a_committed_check_in_answers_normally_while_redis_is_down(field, redis_layer):
    """Check-in announces a board update after commit; with Redis gone the announcement is dropped, the
    mutation answers its JSON result, and its retry finds the visit checked in (not a conflict)."""
    redis_layer.stop()
    variables = {"visit": gid("Visit", field.visit.pk), "lat": NEAR[0], "lon": NEAR[1], "time": now_iso()}

    def send():
        return Client().post(
            "/graphql/",
            json.dumps({"query": CHECK_IN, "variables": variables}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {field.token}",
        )

    response = send()
    assert response.status_code == 200 and response["Content-Type"].startswith("application/json")
    answer = response.json()["data"]["checkIn"]
    assert answer["visit"] == {"status": "IN_PROGRESS"} and answer["errors"] == []
    assert Visit.objects.get(pk=field.visit.pk).status == "in_progress"

    # The phone never saw that answer (as after the old HTML 500) and sends the same mutation again.
    retry = send()
    assert retry.status_code == 200 and retry["Content-Type"].startswith("application/json")
    assert retry.json()["data"]["checkIn"] == answer  # the same result, not CONFLICT
    assert AuditEntry.objects.filter(action="visit.check_in").count() == 1  # checked in once


@pytest.fixture(autouse=True)
def _channel_layer_per_test():
    """Each test's event loop gets layers built from its own settings."""
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    yield
    channel_layers.backends.clear()
