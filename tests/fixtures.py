"""Moved: plain helpers are in tests/factories.py, fixtures in the conftest.py of their folder (the shared
worlds in tests/conftest.py). This module stays only until the last importer is updated; do not add to it."""

from tests.factories import gql, make_user, token_for  # noqa: F401
