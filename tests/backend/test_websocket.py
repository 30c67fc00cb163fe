"""GraphQL over WebSocket (graphql-transport-ws) through the real ASGI app and the real channel layer."""

import graphene
import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator

from apikit.events import publish
from apikit.websocket import GraphQLWebSocketConsumer
from backend.asgi import application
from inspections.models import Role
from tests.factories import make_user, token_for

pytestmark = pytest.mark.django_db
ORIGIN = [(b"origin", b"http://testserver")]


def communicator(app=application):
    return WebsocketCommunicator(app, "/graphql/", subprotocols=["graphql-transport-ws"], headers=ORIGIN)


async def open_acked(ws, payload=None):
    connected, subprotocol = await ws.connect()
    assert connected and subprotocol == "graphql-transport-ws"
    await ws.send_json_to({"type": "connection_init", "payload": payload or {}})
    assert await ws.receive_json_from() == {"type": "connection_ack"}


def test_query_over_websocket_with_a_bearer_token(small_tree):
    token = token_for(make_user("noivu-01", Role.HOME_AFFAIRS, small_tree["01-SNV"]))

    async def scenario():
        ws = communicator()
        await open_acked(ws, {"authorization": f"Bearer {token}"})
        await ws.send_json_to({"type": "ping"})
        assert await ws.receive_json_from() == {"type": "pong"}
        await ws.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": "{ me { username } }"}})
        assert await ws.receive_json_from() == {
            "id": "1",
            "type": "next",
            "payload": {"data": {"me": {"username": "noivu-01"}}},
        }
        assert await ws.receive_json_from() == {"id": "1", "type": "complete"}
        await ws.send_json_to({"id": "2", "type": "subscribe", "payload": {"query": "{ nope }"}})
        error = await ws.receive_json_from()
        assert (
            error["type"] == "error"
            and error["payload"][0]["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
        )
        await ws.disconnect()

    async_to_sync(scenario)()


def test_protocol_violations_close_with_their_codes(small_tree):
    async def scenario():
        ws = communicator()
        await ws.connect()
        await ws.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": "{ __typename }"}})
        assert (await ws.receive_output())["code"] == 4401
        ws = communicator()
        await ws.connect()
        await ws.send_json_to({"type": "what"})
        assert (await ws.receive_output())["code"] == 4400
        ws = communicator()
        await open_acked(ws)
        await ws.send_json_to({"type": "connection_init"})
        assert (await ws.receive_output())["code"] == 4429
        ws = communicator()
        await ws.connect()
        await ws.send_json_to(
            {"type": "connection_init", "payload": {"authorization": "Bearer cchc_revoked"}}
        )
        assert (await ws.receive_output())["code"] == 4403

    async_to_sync(scenario)()


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


def test_an_event_published_from_synchronous_code_reaches_the_subscriber():
    """publish() is what services and background workers call; with REDIS_URL set this crosses processes."""

    async def scenario():
        ws = WebsocketCommunicator(
            AnnouncementConsumer.as_asgi(), "/graphql/", subprotocols=["graphql-transport-ws"]
        )
        await open_acked(ws)
        await ws.send_json_to(
            {
                "id": "s",
                "type": "subscribe",
                "payload": {"query": 'subscription { announcement(topic: "board:79") }'},
            }
        )
        await ws.receive_nothing(timeout=0.3)  # the subscription joins its group
        await sync_to_async(publish)("board:79", {"text": "cập nhật"})
        await sync_to_async(publish)("board:01", {"text": "another province"})
        assert await ws.receive_json_from(timeout=3) == {
            "id": "s",
            "type": "next",
            "payload": {"data": {"announcement": "cập nhật"}},
        }
        assert await ws.receive_nothing(timeout=0.3)
        await ws.send_json_to({"id": "s", "type": "complete"})
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)
def test_a_revoked_phone_learns_nothing_more_on_an_open_subscription(small_tree):
    """A lost phone signed out from another one: its open socket is closed (4403) before the next notification,
    which it never receives; until then it received them."""
    from inspections.services.notifications import notify
    from mobile_api.models import DeviceSession
    from mobile_api.services import revoke_device

    head = make_user("truong-01", Role.UNIT_HEAD, small_tree["01-W1"])
    token = token_for(head)

    def tell(title: str) -> None:
        notify([head], kind="reminder", key=title, title=title)

    async def scenario():
        ws = WebsocketCommunicator(application, "/graphql/", subprotocols=["graphql-transport-ws"])  # a phone
        await open_acked(ws, {"authorization": f"Bearer {token}"})
        query = "subscription { notificationReceived { title } }"
        await ws.send_json_to({"id": "n", "type": "subscribe", "payload": {"query": query}})
        await ws.receive_nothing(timeout=0.5)  # the server has joined the user's group
        await sync_to_async(tell)("Nhắc hạn thứ nhất")
        message = await ws.receive_json_from(timeout=5)
        assert message["payload"]["data"]["notificationReceived"]["title"] == "Nhắc hạn thứ nhất"

        await sync_to_async(lambda: revoke_device(DeviceSession.objects.get(user=head), actor=head))()
        await sync_to_async(tell)("Nhắc hạn thứ hai")
        closed = await ws.receive_output(timeout=5)
        assert closed == {"type": "websocket.close", "code": 4403}

    async_to_sync(scenario)()
