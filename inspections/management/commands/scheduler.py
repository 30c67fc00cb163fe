"""Queue the periodic work (the remediation sweep) every SCHEDULER_INTERVAL_SECONDS; the task worker runs it.

Running two schedulers, or one twice, sends nothing twice: every reminder and escalation is keyed.
"""

import signal
import time

import structlog
from django.conf import settings
from django.core.management.base import BaseCommand

from inspections.tasks import remediation_sweep

logger = structlog.get_logger(__name__)


class Command(BaseCommand):
    help = "Queue the remediation sweep periodically (reminders and escalations)."

    def add_arguments(self, parser):
        parser.add_argument("--once", action="store_true", help="Queue one sweep and exit.")
        parser.add_argument("--interval", type=int, default=None, help="Seconds between sweeps.")

    def handle(self, *args, once=False, interval=None, **options):
        interval = interval or settings.SCHEDULER_INTERVAL_SECONDS
        running = {"on": True}
        signal.signal(signal.SIGTERM, lambda *_: running.update(on=False))
        while running["on"]:
            result = remediation_sweep.enqueue()
            logger.info("scheduler_enqueued", task="remediation_sweep", result=str(result.id))
            if once:
                return
            deadline = time.monotonic() + interval
            while running["on"] and time.monotonic() < deadline:
                time.sleep(min(1.0, interval))
