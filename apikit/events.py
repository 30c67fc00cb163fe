"""Events for GraphQL subscriptions, carried by the Channels layer.

``publish`` is called by services (from ``transaction.on_commit``, so that nothing rolled back is announced)
in any process: a web request, a background worker. With channels-redis every Daphne process receives it;
the WebSocket consumer hands it to the subscriptions listening on that topic, which filter it through the
visibility service before sending anything to their client.
"""

import hashlib
import re

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]")


def group_name(topic: str) -> str:
    """A valid channel-layer group name for a topic (ASCII, under 100 characters)."""
    cleaned = _UNSAFE.sub("_", topic)
    if len(cleaned) > 80:
        cleaned = cleaned[:60] + hashlib.sha256(topic.encode()).hexdigest()[:16]
    return f"gql.{cleaned}"


def publish(topic: str, payload: dict) -> None:
    """Send ``payload`` to every subscription listening on ``topic``, in every server process."""
    layer = get_channel_layer()
    if layer is None:
        return
    async_to_sync(layer.group_send)(group_name(topic), {"type": "graphql.event", "topic": topic, "payload": payload})


def publish_many(events: list[tuple[str, dict]]) -> None:
    """``publish`` for many (topic, payload) pairs at once: one trip into the event loop, not one per event."""
    layer = get_channel_layer()
    if layer is None or not events:
        return

    async def send_all():
        for topic, payload in events:
            await layer.group_send(group_name(topic), {"type": "graphql.event", "topic": topic, "payload": payload})

    async_to_sync(send_all)()
