"""The task worker, kept alive: django-tasks-db's worker in a loop that survives database outages.

``db_worker`` exits on the first dropped connection; this command runs the same worker, and when the database
goes away it closes its connections, waits with backoff (up to TASK_WORKER_MAX_BACKOFF_SECONDS) and goes on.
Each loop writes the worker's heartbeat, read by ``/healthz/system``. A task it was running when killed is
put back in the queue by the scheduler (see ``reclaim_stale_tasks``).
"""

import signal
import time

import structlog
from django.conf import settings
from django.core.management.base import BaseCommand
from django.db import Error as DatabaseError
from django.db import close_old_connections, connections
from django.utils.crypto import get_random_string
from django_tasks_db.management.commands.db_worker import Worker

from inspections.services import heartbeats

logger = structlog.get_logger(__name__)


class BeatingWorker(Worker):
    """django-tasks-db's worker that writes its heartbeat before each task, so a busy queue keeps it fresh."""

    def run_task(self, db_task_result) -> None:
        heartbeats.beat("worker")
        super().run_task(db_task_result)


class Command(BaseCommand):
    help = "Run background tasks (CCTV analysis, remediation sweeps), surviving database outages."

    def add_arguments(self, parser):
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between polls of an empty queue."
        )
        parser.add_argument("--queue-name", default="default", help="Queue to run ('*' for all).")
        parser.add_argument("--backend", default="default", help="Task backend alias.")

    def handle(self, *args, interval=1.0, queue_name="default", backend="default", **options):
        worker_id = get_random_string(32)
        running = {"on": True}

        def stop(*_):
            running["on"] = False

        signal.signal(signal.SIGTERM, stop)
        signal.signal(signal.SIGINT, stop)
        delay = 1.0
        logger.info("task_worker_started", worker_id=worker_id)
        while running["on"]:
            heartbeats.beat("worker")
            worker = BeatingWorker(
                queue_names=queue_name.split(","),
                interval=0,
                batch=True,
                backend_name=backend,
                startup_delay=False,
                max_tasks=None,
                worker_id=worker_id,
                excluded_queue_names=[],
            )
            try:
                worker.run()  # batch: runs every ready task, then returns
                delay = 1.0
            except DatabaseError as exc:
                logger.warning("task_worker_database_lost", error=repr(exc), retry_in=delay)
                for connection in connections.all():
                    connection.close()
                self.sleep(delay, running)
                delay = min(delay * 2, settings.TASK_WORKER_MAX_BACKOFF_SECONDS)
                continue
            close_old_connections()
            self.sleep(interval, running)
        logger.info("task_worker_stopped", worker_id=worker_id)

    @staticmethod
    def sleep(seconds: float, running: dict) -> None:
        deadline = time.monotonic() + seconds
        while running["on"] and time.monotonic() < deadline:
            time.sleep(min(0.2, seconds))
