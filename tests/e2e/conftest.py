"""Fixtures of the end-to-end tests."""

import pytest

from tests.clock import pinned

# A browser keeps its cookies by its own clock, which time-machine does not reach; the board's server runs in a
# child process, which it does not reach either. Tests that drive either stay on the real clock, so that the
# server, the browser and the test agree; they compare no dates, so the real date changes nothing in them.
REAL_CLOCK_FIXTURES = {"chromium", "live_board"}


@pytest.fixture(autouse=True)
def clock(request):
    """The suite's pinned clock (tests/conftest.py), except for the tests that drive a browser or a server
    process of their own."""
    if REAL_CLOCK_FIXTURES & set(request.fixturenames):
        yield None
        return
    with pinned() as traveller:
        yield traveller
