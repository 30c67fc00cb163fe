"""Health checks.

``/healthz`` is this process's own liveness, what a load balancer asks: is the database answering, does the
channel layer answer. ``/healthz/system`` is the whole deployment's: are the task workers and the scheduler
beating, and how long has the oldest waiting task waited; 503 past the HEALTH_* ages of the settings.
"""

import time
import uuid

import structlog
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import connection
from django.http import JsonResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = structlog.get_logger(__name__)


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


async def _channel_round_trip() -> None:
    layer = get_channel_layer()
    channel = await layer.new_channel("healthz.")
    marker = uuid.uuid4().hex
    await layer.send(channel, {"type": "healthz.ping", "marker": marker})
    message = await layer.receive(channel)
    if message.get("marker") != marker:
        raise RuntimeError("channel layer returned another message")


async def _redis_ping() -> None:
    # A round trip through a process-local channel would queue behind the subscribers' blocking read (up to
    # channels-redis' 5 s): asking Redis directly tells the same without the wait.
    await get_channel_layer().connection(0).ping()


def check_channel_layer() -> str:
    layer = get_channel_layer()
    async_to_sync(_redis_ping if hasattr(layer, "connection") else _channel_round_trip)()
    return "ok"


@never_cache
@require_GET
def healthz(request):
    checks, healthy = {}, True
    for name, check in (("database", check_database), ("channel_layer", check_channel_layer)):
        started = time.perf_counter()
        try:
            checks[name] = {"status": check(), "ms": round((time.perf_counter() - started) * 1000, 1)}
        except Exception as exc:  # noqa: BLE001 - any failure means unhealthy, reported by name
            healthy = False
            checks[name] = {"status": "error", "error": type(exc).__name__}
            logger.warning("healthz_failed", check=name, error=repr(exc))
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )


def _age_check(age: float | None, limit: int) -> dict:
    if age is None:
        return {"status": "error", "error": "never", "max_age_s": limit}
    return {"status": "ok" if age <= limit else "error", "age_s": round(age, 1), "max_age_s": limit}


def oldest_waiting_task_age() -> float:
    """Seconds the oldest task ready to run has waited (0 when none waits): since it was queued, or since the
    moment it was deferred to (``run_after``) when that came later."""
    from django.db.models import Case, F, When
    from django.db.models.functions import Greatest
    from django.utils import timezone
    from django_tasks_db.models import DBTaskResult, get_date_max

    now = timezone.now()
    oldest = (
        DBTaskResult.objects.ready()  # a task queued with no run_after has the far future there, not NULL
        .annotate(
            waiting_since=Case(
                When(run_after=get_date_max(), then=F("enqueued_at")),
                default=Greatest("enqueued_at", "run_after"),
            )
        )
        .order_by("waiting_since")
        .values_list("waiting_since", flat=True)
        .first()
    )
    return 0.0 if oldest is None else max(0.0, (now - oldest).total_seconds())


@never_cache
@require_GET
def healthz_system(request):
    from django.conf import settings

    from inspections.services import heartbeats

    checks: dict = {}
    try:
        checks["worker"] = _age_check(
            heartbeats.last_beat_age("worker"), settings.HEALTH_WORKER_MAX_AGE_SECONDS
        )
        checks["scheduler"] = _age_check(
            heartbeats.last_beat_age("scheduler"), settings.HEALTH_SCHEDULER_MAX_AGE_SECONDS
        )
    except Exception as exc:  # noqa: BLE001 - the heartbeats' cache is down
        checks["heartbeats"] = {"status": "error", "error": type(exc).__name__}
    try:
        checks["oldest_waiting_task"] = _age_check(
            oldest_waiting_task_age(), settings.HEALTH_TASK_MAX_WAIT_SECONDS
        )
    except Exception as exc:  # noqa: BLE001 - the database is down
        checks["oldest_waiting_task"] = {"status": "error", "error": type(exc).__name__}
    healthy = all(check["status"] == "ok" for check in checks.values())
    if not healthy:
        logger.warning("healthz_system_failed", checks=checks)
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
