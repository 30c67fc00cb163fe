"""Fixtures for the production-stack tests: the channel layer and cache on the test's own Redis (the
``redis_server`` fixture of tests/conftest.py), and the PostgreSQL checks those tests need."""

import os

import psycopg
import pytest
from django.db import connection

from tests.servers import RedisServer


@pytest.fixture
def redis_layer(redis_server, settings):
    """The project's channel layer configuration, on the test's own Redis."""
    from backend.settings import redis_channel_layers

    settings.CHANNEL_LAYERS = redis_channel_layers(redis_server.url)
    return redis_server


CACHE_PREFIX = "cchc-stack"


@pytest.fixture
def redis_cache(redis_server, settings):
    """Django's cache (the heartbeats', the rate limits') on the test's own Redis, as child processes given
    ``redis_env`` have it."""
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": redis_server.url,
            "KEY_PREFIX": CACHE_PREFIX,
        }
    }
    return redis_server


def redis_env(server: RedisServer) -> dict:
    """The environment that puts a child process's cache and channel layer on ``server``."""
    return {"REDIS_URL": server.url, "CACHE_PREFIX": CACHE_PREFIX}


def on_postgres() -> bool:
    return connection.vendor == "postgresql"


requires_postgres = pytest.mark.skipif(
    not os.environ.get("DATABASE_URL", "").startswith("postgres"), reason="needs PostgreSQL (DATABASE_URL)"
)


@pytest.fixture
def pg_observer(db):
    """A connection of its own to read pg_stat_activity about the test database, outside Django's pool."""
    params = connection.get_connection_params()
    params.pop("cursor_factory", None)
    params.pop("prepare_threshold", None)
    params.pop("context", None)
    observer = psycopg.connect(
        **{k: v for k, v in params.items() if k in {"dbname", "user", "password", "host", "port"}},
        autocommit=True,
    )
    name = connection.settings_dict["NAME"]

    class Observer:
        database = name

        def backends(self, state: str | None = None) -> int:
            sql = "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND pid <> pg_backend_pid()"
            args: list = [name]
            if state:
                sql += " AND state = %s"
                args.append(state)
            return observer.execute(sql, args).fetchone()[0]

        def waiting_for_locks(self) -> int:
            return observer.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = %s AND wait_event_type = 'Lock'",
                [name],
            ).fetchone()[0]

        def terminate_backends(self) -> int:
            return observer.execute(
                "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            ).fetchone()[0]

    yield Observer()
    observer.close()


@pytest.fixture(autouse=True)
def fresh_connections_afterwards():
    """These tests terminate database backends and restart servers: the next test (of any folder) starts on
    new connections instead of one the server has already closed."""
    yield
    from django.db import connections

    connections.close_all()
