"""Moved: helpers to tests/factories.py, the `world` fixture to tests/conftest.py (visible to every test folder).
This module stays only until the last importer is updated; do not add to it."""

from tests.conftest import world  # noqa: F401, E402
from tests.factories import World, approved_plan, gid, surprise_visits  # noqa: F401
