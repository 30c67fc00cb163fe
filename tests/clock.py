"""The suite's clock: every test runs at one pinned instant, never at the real date.

``pinned()`` travels (time-machine, ticking) to Monday 23 November 2026, 09:00 in Hồ Chí Minh City, moved by
``TEST_CLOCK_OFFSET_DAYS`` days (``make test`` runs the suite once more a year ahead). time-machine patches this
process only, not its children nor a browser: tests that drive those run on the real clock instead and compare
no dates across the boundary (tests/conftest.py).
"""

import os
from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import time_machine

PINNED = datetime(2026, 11, 23, 9, 0, tzinfo=ZoneInfo("Asia/Ho_Chi_Minh"))


def pinned_instant() -> datetime:
    """The instant every test starts at: PINNED moved by TEST_CLOCK_OFFSET_DAYS days."""
    return PINNED + timedelta(days=int(os.environ.get("TEST_CLOCK_OFFSET_DAYS") or 0))


def pinned() -> time_machine.travel:
    """Travel to the pinned instant; time goes on from there (tick), so timeouts and orderings still work."""
    return time_machine.travel(pinned_instant(), tick=True)
