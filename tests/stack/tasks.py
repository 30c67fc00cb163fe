"""Tasks the stack tests hand to a real worker process."""

import time
from pathlib import Path

from django_tasks import task

from apikit.events import publish


@task()
def hold_once(marker: str) -> str:
    """The first run writes ``marker`` and then hangs (for the test to kill its worker); a rerun finds the
    marker and finishes at once, as the product's keyed tasks do."""
    path = Path(marker)
    if path.exists():
        return "done"
    path.write_text("started")
    time.sleep(120)
    return "slept"


@task()
def quick(marker: str) -> str:
    Path(marker).write_text("ran")
    return "ran"


@task()
def announce(marker: str) -> str:
    """Publishes a board event (through Redis, when it answers), then leaves its marker."""
    publish("board:79", {"text": marker})
    Path(marker).write_text("ran")
    return "ran"
