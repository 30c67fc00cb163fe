"""The production runner's Daphne command (deploy/supervisord.conf), run as it is written: a client address in
X-Forwarded-For is believed only from TRUSTED_PROXIES, never because Daphne took it from anyone."""

import configparser
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
import requests
from django.db import connection

from tests.servers import free_port

from .conftest import redis_env, requires_postgres

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]
SIGN_INS_PER_MINUTE = 2
LOGIN = """mutation { mobileLogin(username: "khong-co", password: "sai", deviceName: "x") { token errors { code } } }"""


def web_command(port: int) -> list[str]:
    """The [program:web] command of deploy/supervisord.conf, with supervisor's expansions filled in."""
    conf = configparser.RawConfigParser()
    conf.read(ROOT / "deploy" / "supervisord.conf")
    command = conf.get("program:web", "command")
    for name, value in {
        "%(ENV_PYTHON)s": sys.executable,
        "%(ENV_BIND)s": "127.0.0.1",
        "%(process_num)d": str(port),
    }.items():
        command = command.replace(name, value)
    assert "%(" not in command, command
    return command.split()


@pytest.fixture
def daphne(redis_server):
    port = free_port()
    name = connection.settings_dict["NAME"]
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    env = {
        **os.environ,
        "TESTING": "1",
        "DATABASE_URL": f"{base}/{name}",
        "TRUSTED_PROXIES": "",  # nobody's X-Forwarded-For is believed
        "RATE_LIMIT_SIGN_INS_PER_MINUTE": str(SIGN_INS_PER_MINUTE),
        **redis_env(redis_server),
    }
    with tempfile.TemporaryFile() as log:
        process = subprocess.Popen(
            web_command(port), cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=log
        )
        url = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                requests.get(f"{url}/healthz", timeout=5)
                break
            except requests.ConnectionError:
                assert process.poll() is None and time.monotonic() < deadline, "Daphne did not start"
                time.sleep(0.2)
        yield url
        process.terminate()
        process.wait(timeout=30)


def test_a_forged_x_forwarded_for_does_not_give_a_client_more_sign_ins(daphne):
    """Each attempt claims another address; the peer is not a trusted proxy, so all are counted as its own."""
    answers = [
        requests.post(
            f"{daphne}/graphql/",
            json={"query": LOGIN},
            headers={"X-Forwarded-For": f"203.0.113.{n + 1}"},
            timeout=30,
        )
        for n in range(SIGN_INS_PER_MINUTE + 1)
    ]
    assert [a.status_code for a in answers[:SIGN_INS_PER_MINUTE]] == [200] * SIGN_INS_PER_MINUTE
    refused = answers[-1]
    assert refused.status_code == 429 and refused.json()["errors"][0]["extensions"]["code"] == "RATE_LIMITED"
