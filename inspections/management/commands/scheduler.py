"""Queue the periodic work (the remediation sweep, the CCTV snapshot retention purge) every
SCHEDULER_INTERVAL_SECONDS; the task worker runs it. Each round also puts back in the queue the tasks that a
dead worker had claimed (RUNNING for longer than TASK_RECLAIM_AFTER_SECONDS), and writes the scheduler's
heartbeat, read by ``/healthz/system``.

Running two schedulers, or one twice, sends nothing twice: every reminder and escalation is keyed. A database
outage does not stop it: the round is retried with backoff (up to TASK_WORKER_MAX_BACKOFF_SECONDS).
"""

import signal
import time
from datetime import timedelta

import structlog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import Error as DatabaseError
from django.db import close_old_connections, connections
from django.utils import timezone
from django_tasks_db.models import DBTaskResult

from inspections import tasks
from inspections.services import heartbeats

logger = structlog.get_logger(__name__)

PERIODIC = ("remediation_sweep", "purge_snapshots")  # tasks of inspections.tasks queued every round


def reclaim_stale_tasks() -> int:
    """Put back to READY every task RUNNING for longer than TASK_RECLAIM_AFTER_SECONDS: its worker died
    (killed, out of memory, host lost) without finishing it. The tasks are keyed, so running one again has the
    effect of running it once. Returns how many were reclaimed."""
    stale_before = timezone.now() - timedelta(seconds=settings.TASK_RECLAIM_AFTER_SECONDS)
    reclaimed = (
        DBTaskResult.objects.running()
        .filter(started_at__lt=stale_before)
        .update(status="READY", started_at=None)
    )
    if reclaimed:
        logger.warning("tasks_reclaimed", count=reclaimed)
    return reclaimed


def one_round() -> None:
    reclaim_stale_tasks()
    for name in PERIODIC:
        task = getattr(tasks, name, None)
        if task is not None:
            result = task.enqueue()
            logger.info("scheduler_enqueued", task=name, result=str(result.id))
    heartbeats.beat("scheduler")


class Command(BaseCommand):
    help = "Queue the periodic work (reminders, escalations, retention) and reclaim tasks of dead workers."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Run one round and exit.")
        parser.add_argument("--interval", type=int, default=None, help="Seconds between rounds.")

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval or settings.SCHEDULER_INTERVAL_SECONDS
        running = {"on": True}
        signal.signal(signal.SIGTERM, lambda *_: running.update(on=False))
        delay = 1.0
        while running["on"]:
            try:
                one_round()
            except DatabaseError as exc:
                if once:
                    raise
                logger.warning("scheduler_database_lost", error=repr(exc), retry_in=delay)
                for connection in connections.all():
                    connection.close()
                self.sleep(delay, running)
                delay = min(delay * 2, settings.TASK_WORKER_MAX_BACKOFF_SECONDS)
                continue
            delay = 1.0
            close_old_connections()
            if once:
                return
            self.sleep(interval, running)

    @staticmethod
    def sleep(seconds: float, running: dict) -> None:
        deadline = time.monotonic() + seconds
        while running["on"] and time.monotonic() < deadline:
            time.sleep(min(1.0, seconds))
