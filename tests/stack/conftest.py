"""Fixtures for the production-stack tests: a Redis server of the test's own, on its own port, that a test
can stop and restart, and the PostgreSQL checks those tests need."""

import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import psycopg
import pytest
from django.db import connection

from tests.servers import real_clock_env

REDIS_PORTS = range(6390, 6400)  # this suite's own ports, apart from the shared server's 6379
REDIS_DB = 5


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError("condition not reached")


class RedisServer:
    """A real redis-server process on a loopback port; ``restart`` loses everything, as a crash would."""

    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.process = port, workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=real_clock_env(),
        )
        _wait_for(lambda: not _port_free(self.port))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        _wait_for(lambda: _port_free(self.port))

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = next((p for p in REDIS_PORTS if _port_free(p)), None)
    if port is None:
        pytest.skip("no free port for a test Redis")
    server = RedisServer(port, tmp_path)
    server.start()
    yield server
    server.stop()


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
