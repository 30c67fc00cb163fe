"""Events for GraphQL subscriptions, carried by the Channels layer.

``publish`` is called by services (from ``transaction.on_commit``, so that nothing rolled back is announced)
in any process: a web request, a background worker. With channels-redis every Daphne process receives it;
the WebSocket consumer hands it to the subscriptions listening on that topic, which filter it through the
visibility service before sending anything to their client.

An event is a hint that something changed, never the change itself: a publish that fails (Redis down) is
logged and dropped, so that the committed change it announces still answers its normal result.
"""

import asyncio
import hashlib
import re

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from channels_redis.core import RedisChannelLayer
from redis.exceptions import ConnectionError as RedisConnectionError
from redis.exceptions import TimeoutError as RedisTimeoutError

logger = structlog.get_logger(__name__)

_UNSAFE = re.compile(r"[^a-zA-Z0-9_.-]")
# What a lost or restarting Redis raises through redis-py.
LAYER_ERRORS = (RedisConnectionError, RedisTimeoutError, ConnectionError, OSError, asyncio.TimeoutError)
# The message a consumer receives once when its channel layer lost its connection (its groups may be gone).
LAYER_LOST = "channel_layer.lost"


def group_name(topic: str) -> str:
    """A valid channel-layer group name for a topic (ASCII, under 100 characters)."""
    cleaned = _UNSAFE.sub("_", topic)
    if len(cleaned) > 80:
        cleaned = cleaned[:60] + hashlib.sha256(topic.encode()).hexdigest()[:16]
    return f"gql.{cleaned}"


def _message(topic: str, payload: dict) -> dict:
    return {"type": "graphql.event", "topic": topic, "payload": payload}


def publish(topic: str, payload: dict) -> None:
    """Send ``payload`` to every subscription listening on ``topic``, in every server process.

    Never raises for a channel layer that is down: the failure is logged and the event dropped.
    """
    publish_many([(topic, payload)])


def publish_many(events: list[tuple[str, dict]]) -> None:
    """``publish`` for many (topic, payload) pairs at once: one trip into the event loop, not one per event."""
    layer = get_channel_layer()
    if layer is None or not events:
        return

    async def send_all():
        for topic, payload in events:
            await layer.group_send(group_name(topic), _message(topic, payload))

    try:
        async_to_sync(send_all)()
    except Exception as exc:  # noqa: BLE001 - after commit nothing may fail the change it announces
        logger.warning(
            "event_publish_dropped",
            topics=sorted({t for t, _ in events})[:10],
            count=len(events),
            error=repr(exc),
        )


class RedisRestarted(Exception):
    """The Redis behind the layer is another server than before (its run id changed): its groups are gone."""


class ResilientRedisChannelLayer(RedisChannelLayer):
    """channels-redis that survives a Redis restart instead of killing, or silently orphaning, its consumers.

    redis-py reconnects by itself (see ``redis_channel_layers`` in the settings), but a restarted Redis has
    forgotten every group, so subscribers would wait for ever. This layer notices the outage (a read that
    fails) or the restart (the server's ``run_id`` changed) and hands every consumer receiving from it one
    ``channel_layer.lost`` message, so it can tell its subscribers to subscribe again; then it waits with
    backoff until Redis answers. The consumers keep their WebSockets.
    """

    # Longest wait between two reconnection attempts of a receive (seconds).
    reconnect_backoff_max = 5.0

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._receivers: set[str] = set()  # this process's channels being received from
        self._reconnecting: set[str] = set()  # channels told of an outage, waiting for Redis to answer
        self._run_ids: dict[int, str] = {}  # the Redis server each connection index last talked to

    async def receive(self, channel):
        if channel in self._reconnecting:
            await self._wait_for_redis(channel)
            self._reconnecting.discard(channel)
        self._receivers.add(channel)
        try:
            return await super().receive(channel)
        except asyncio.CancelledError:
            self._receivers.discard(channel)  # its consumer went away
            raise
        except (*LAYER_ERRORS, RedisRestarted) as exc:
            logger.warning("channel_layer_lost", channel=channel, error=repr(exc))
            self._reconnecting.add(channel)
            return {"type": LAYER_LOST}

    async def _brpop_with_clean(self, index, channel, timeout):
        run_id = await self._run_id(index)
        known = self._run_ids.setdefault(index, run_id)
        if run_id != known:
            self._run_ids[index] = run_id
            # Only one coroutine reads Redis for all of this process's channels: tell the others through
            # their buffers, and this one by raising (channels-redis drops the raiser's buffer).
            for other in self._receivers:
                self.receive_buffer[other].put_nowait({"type": LAYER_LOST})
            raise RedisRestarted(f"Redis run id {known} became {run_id}")
        return await super()._brpop_with_clean(index, channel, timeout)

    async def _run_id(self, index: int) -> str:
        info = await self.connection(index).execute_command("INFO", "server")
        return str(info.get("run_id", ""))

    async def _wait_for_redis(self, channel) -> None:
        delay = 0.1
        index = self.consistent_hash(channel)
        while True:
            try:
                self._run_ids[index] = await self._run_id(index)
            except LAYER_ERRORS:
                await asyncio.sleep(delay)
                delay = min(delay * 2, self.reconnect_backoff_max)
            else:
                logger.info("channel_layer_reconnected", channel=channel)
                return
