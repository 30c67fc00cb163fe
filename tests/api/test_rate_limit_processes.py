"""The rate limit is shared by every server process (issue 12): two Daphne processes on one Redis count one
budget. Needs REDIS_URL (skipped without it)."""

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
pytestmark = pytest.mark.skipif(not os.environ.get("REDIS_URL"), reason="needs REDIS_URL (a shared cache)")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def ask(port: int) -> int:
    request = urllib.request.Request(
        f"http://127.0.0.1:{port}/graphql/",
        data=json.dumps({"query": "{ __typename }"}).encode(),
        headers={"Content-Type": "application/json"},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        assert error.headers["Content-Type"].startswith("application/json") and error.headers["Retry-After"]
        return error.code


def wait_up(port: int, process) -> None:
    for _ in range(200):
        assert process.poll() is None, "the server exited"
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
            return
        except OSError:
            time.sleep(0.1)
    raise AssertionError("the server did not start")


def test_two_processes_share_one_budget(tmp_path):
    env = {
        **os.environ,
        "TESTING": "1",
        "CACHE_PREFIX": f"ratelimit-test-{os.getpid()}-{time.time_ns()}",
        "RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE": "4",
    }
    ports = [free_port(), free_port()]
    servers = [
        subprocess.Popen(
            [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port), "backend.asgi:application"],
            cwd=ROOT,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        for port in ports
    ]
    try:
        for port, server in zip(ports, servers, strict=True):
            wait_up(port, server)
        statuses = [ask(ports[i % 2]) for i in range(6)]  # alternating: each process alone would allow 4
    finally:
        for server in servers:
            server.terminate()
            server.wait(timeout=10)
    if statuses[4] == 200 and time.localtime().tm_sec < 2:
        pytest.skip("the minute turned during the run")
    assert statuses[:4] == [200] * 4 and statuses[4:] == [429, 429]
