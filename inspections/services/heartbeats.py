"""Heartbeats of the background processes (task workers, the scheduler), kept in the shared cache.

Each process writes the time of its last healthy loop under its role; ``/healthz/system`` reads them and the
age of the oldest waiting task, so a stopped worker or scheduler shows up instead of work silently piling up.
"""

import time

import structlog
from django.core.cache import cache

logger = structlog.get_logger(__name__)

ROLES = ("worker", "scheduler")
# A heartbeat outlives its process this long in the cache (seconds), so a dead one reads as old, not absent.
KEEP_SECONDS = 7 * 24 * 3600


def _key(role: str) -> str:
    return f"heartbeat:{role}"


def beat(role: str) -> None:
    """Record that a process of ``role`` is alive now. Never raises: a cache outage must not stop the work."""
    try:
        cache.set(_key(role), time.time(), KEEP_SECONDS)
    except Exception as exc:  # noqa: BLE001 - the heartbeat is a report, not the work
        logger.warning("heartbeat_failed", role=role, error=repr(exc))


def last_beat_age(role: str) -> float | None:
    """Seconds since a process of ``role`` last beat, or None if none ever did (raises if the cache is down)."""
    beaten = cache.get(_key(role))
    return None if beaten is None else max(0.0, time.time() - float(beaten))
