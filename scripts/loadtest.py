"""`make loadtest`: the production stack under a realistic mix, on loopback, bounded in time.

Starts the stack as deploy/supervisord.conf runs it (two Daphne processes, the task worker, the scheduler) on
PostgreSQL and Redis with DEBUG off and the production limits, then drives it with locust (headless, as a
library): virtual phones sign in once and fetch the assignment bundle, `me`, notifications and org units;
Home Affairs users read the board. Each phone has its own client address through X-Forwarded-For (the proxy
is trusted). Prints JSON lines: requests/s, p50/p95/p99 per operation, errors, peak PostgreSQL connections, and
`loadtest_me`: the p95 of `{ me { username } }` under load against its p50 on the idle stack (ratio ≤ 5).

Environment: LOADTEST_DATABASE_URL (a database it may drop and create), LOADTEST_REDIS_URL, LOADTEST_USERS
(20), LOADTEST_SECONDS (60), LOADTEST_BASE_PORT (8790).
"""
# ruff: noqa: S603, S608, E402, I001 - a loopback tool running this repository's own commands on its own database

from locust import HttpUser, between, task  # first: locust patches the standard library for gevent
from locust.env import Environment

import json
import os
import random
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import urlparse

import psycopg
import requests

ROOT = Path(__file__).resolve().parent.parent
DATABASE_URL = os.environ.get("LOADTEST_DATABASE_URL", "postgres://postgres@127.0.0.1:5432/cchc_loadtest")
REDIS_URL = os.environ.get("LOADTEST_REDIS_URL", "redis://127.0.0.1:6379/9")
USERS = int(os.environ.get("LOADTEST_USERS", "20"))
SECONDS = int(os.environ.get("LOADTEST_SECONDS", "60"))
BASE_PORT = int(os.environ.get("LOADTEST_BASE_PORT", "8790"))
PROCESSES = 2
PASSWORD = "loadtest-Pw-2026!"  # noqa: S105 - a throwaway database on loopback
IDLE_SAMPLES = 30
DB_POOL_MAX_SIZE = int(os.environ.get("DB_POOL_MAX_SIZE", "8"))  # each Daphne process's pool (the setting)
WORKERS, SCHEDULERS = 1, 1  # as deploy/supervisord.conf runs them, one connection each
ME_RATIO_GOAL = 5  # p95 of `me` under load over its p50 on the idle stack

ME = "{ me { username } }"
BUNDLE = "{ assignmentBundle { version unchanged visits { visit { id } } } }"
NOTIFICATIONS = "{ notifications(first: 20) { edges { node { id } } } }"
ORG_UNITS = "{ orgUnits(first: 50) { edges { node { id code name } } } }"
BOARD = "query($a: ID!, $y: Int!) { board(authorityId: $a, year: $y) { unitCount } }"
LOGIN = """mutation($u: String!, $p: String!) {
  mobileLogin(username: $u, password: $p, deviceName: "loadtest") { token errors { code } } }"""


def stack_env() -> dict:
    return {
        **os.environ,
        "DEBUG": "0",
        "TESTING": "",
        "SECRET_KEY": "loadtest-" + "k" * 40,
        "ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DATABASE_URL": DATABASE_URL,
        "REDIS_URL": REDIS_URL,
        "SECURE_SSL_REDIRECT": "0",
        "SESSION_COOKIE_SECURE": "0",
        "CSRF_COOKIE_SECURE": "0",
        "TRUSTED_PROXIES": "127.0.0.1",
        "LOG_LEVEL": "WARNING",
        "REQUEST_LOG_LEVEL": "WARNING",
        "PYTHON": sys.executable,
        "BIND": "127.0.0.1",
        "DAPHNE_PROCESSES": str(PROCESSES),
        "DAPHNE_BASE_PORT": str(BASE_PORT),
    }


def recreate_database() -> None:
    parsed = urlparse(DATABASE_URL)
    name = parsed.path.lstrip("/")
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
        autocommit=True,
    ) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        conn.execute(f'CREATE DATABASE "{name}"')


def manage(*args: str) -> None:
    subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=stack_env(), check=True)


SEED = f"""
from inspections.models import OrgUnit, Role, User
from inspections.services.divisions import find_province, load_divisions
load_divisions([find_province("79")])
province = OrgUnit.objects.get(code="79")
home_affairs = OrgUnit.objects.get(code="79-SNV")
inspectorate = OrgUnit.objects.get(code="79-TTR")
for n in range({USERS}):
    User.objects.create_user(username=f"phone{{n}}", password={PASSWORD!r}, role=Role.INSPECTOR, unit=inspectorate)
    User.objects.create_user(username=f"noivu{{n}}", password={PASSWORD!r}, role=Role.HOME_AFFAIRS, unit=home_affairs)
from graphql_relay import to_global_id
print(to_global_id("OrgUnit", province.pk))
"""


def seed() -> str:
    out = subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", SEED],
        cwd=ROOT,
        env=stack_env(),
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return out.strip().splitlines()[-1]


def pg_connections() -> int:
    parsed = urlparse(DATABASE_URL)
    with psycopg.connect(
        host=parsed.hostname,
        port=parsed.port or 5432,
        user=parsed.username or "postgres",
        password=parsed.password,
        dbname="postgres",
    ) as conn:
        return conn.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = %s", [parsed.path.lstrip("/")]
        ).fetchone()[0]


def wait_for_stack() -> None:
    deadline = time.monotonic() + 120
    for port in range(BASE_PORT, BASE_PORT + PROCESSES):
        while True:
            try:
                if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200:
                    break
            except requests.RequestException:
                pass
            if time.monotonic() > deadline:
                raise SystemExit(f"the stack did not answer on port {port}")
            time.sleep(0.5)


def gql(session: requests.Session, base: str, query: str, variables=None, **headers) -> dict:
    response = session.post(
        f"{base}/graphql/", json={"query": query, "variables": variables or {}}, headers=headers, timeout=30
    )
    response.raise_for_status()
    body = response.json()
    if body.get("errors"):
        raise RuntimeError(json.dumps(body["errors"])[:300])
    return body["data"]


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))] if ordered else 0.0


def idle_me_p50(base: str) -> float:
    session = requests.Session()
    token = gql(session, base, LOGIN, {"u": "phone0", "p": PASSWORD}, **{"X-Forwarded-For": "10.9.0.1"})[
        "mobileLogin"
    ]["token"]
    timings = []
    for _ in range(IDLE_SAMPLES):
        started = time.perf_counter()
        gql(session, base, ME, Authorization=f"Bearer {token}", **{"X-Forwarded-For": "10.9.0.1"})
        timings.append((time.perf_counter() - started) * 1000)
    return percentile(timings, 0.5)


def run_locust(authority_id: str) -> dict:
    counter = {"phone": 0, "board": 0}

    def next_number(kind: str) -> int:
        counter[kind] += 1  # greenlets: no two run this at once
        return counter[kind] - 1

    class GraphQLUser(HttpUser):
        abstract = True
        host = f"http://127.0.0.1:{BASE_PORT}"

        def sign_in(self, username: str, address: str) -> None:
            # Each virtual user goes to one of the Daphne processes, as a load balancer would spread them.
            self.client.base_url = f"http://127.0.0.1:{BASE_PORT + random.randrange(PROCESSES)}"  # noqa: S311
            self.address, self.token = address, None
            self.token = self.post(LOGIN, "mobileLogin", {"u": username, "p": PASSWORD})["mobileLogin"][
                "token"
            ]

        def post(self, query, name, variables=None):
            headers = {"X-Forwarded-For": self.address}
            if self.token:
                headers["Authorization"] = f"Bearer {self.token}"
            with self.client.post(
                "/graphql/",
                json={"query": query, "variables": variables or {}},
                headers=headers,
                name=name,
                catch_response=True,
            ) as response:
                body = response.json() if response.status_code == 200 else {}
                if response.status_code != 200 or body.get("errors"):
                    response.failure(f"{response.status_code} {json.dumps(body.get('errors'))[:200]}")
                return body.get("data") or {}

    class Phone(GraphQLUser):
        weight = 4
        wait_time = between(0.5, 1.5)

        def on_start(self):
            number = next_number("phone") % USERS
            self.sign_in(f"phone{number}", f"10.1.{number // 250}.{number % 250 + 1}")

        @task(4)
        def me(self):
            self.post(ME, "me")

        @task(2)
        def bundle(self):
            self.post(BUNDLE, "assignmentBundle")

        @task(2)
        def notifications(self):
            self.post(NOTIFICATIONS, "notifications")

        @task(1)
        def org_units(self):
            self.post(ORG_UNITS, "orgUnits")

    class HomeAffairs(GraphQLUser):
        weight = 1
        wait_time = between(1, 3)

        def on_start(self):
            number = next_number("board") % USERS
            self.sign_in(f"noivu{number}", f"10.2.0.{number + 1}")

        @task
        def board(self):
            self.post(BOARD, "board", {"a": authority_id, "y": time.localtime().tm_year})

    environment = Environment(user_classes=[Phone, HomeAffairs])
    runner = environment.create_local_runner()
    peak = {"connections": 0}
    stop = threading.Event()

    def watch():
        while not stop.is_set():
            peak["connections"] = max(peak["connections"], pg_connections())
            stop.wait(0.5)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    runner.start(USERS, spawn_rate=USERS)
    # Every user signs in once, all at the start (a burst of password hashing): reported on its own line, then
    # the counters start again so the other lines are the steady load.
    deadline = time.monotonic() + 120
    while environment.stats.get("mobileLogin", "POST").num_requests < USERS and time.monotonic() < deadline:
        time.sleep(0.5)
    sign_ins = line_of(environment.stats.get("mobileLogin", "POST"))
    # The steady-load lines start afresh, but nothing that failed during the burst is forgotten: its failures
    # (of every operation, not only the sign-ins) and their messages are kept and counted.
    burst_errors = environment.stats.total.num_failures
    burst_messages = [
        {"error": str(error.error)[:300], "count": error.occurrences, "key": f"burst {name}"[:80]}
        for name, error in environment.stats.errors.items()
    ]
    environment.stats.reset_all()
    time.sleep(SECONDS)
    runner.quit()
    stop.set()
    watcher.join()
    return {
        "stats": environment.stats,
        "peak_connections": peak["connections"],
        "sign_ins": sign_ins,
        "burst_errors": burst_errors,
        "burst_messages": burst_messages,
    }


def line_of(entry) -> dict:
    return {
        "name": f"loadtest_{entry.name}",
        "requests": entry.num_requests,
        "rps": round(entry.total_rps, 1),
        "p50_ms": entry.get_response_time_percentile(0.5),
        "p95_ms": entry.get_response_time_percentile(0.95),
        "p99_ms": entry.get_response_time_percentile(0.99),
        "errors": entry.num_failures,
    }


def main() -> int:
    recreate_database()
    manage("migrate", "--noinput", "-v0")
    manage("createcachetable")
    authority_id = seed()
    run_dir = tempfile.mkdtemp(prefix="cchc-loadtest-")
    log_path = Path(run_dir) / "stack.log"  # the processes' JSON logs, for the errors' request ids
    with open(log_path, "wb") as log:
        stack = subprocess.Popen(
            [sys.executable, "-m", "supervisor.supervisord", "-c", "deploy/supervisord.conf"],
            cwd=ROOT,
            env={**stack_env(), "SUPERVISOR_RUN_DIR": run_dir},
            stdout=log,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_for_stack()
        floor = idle_me_p50(f"http://127.0.0.1:{BASE_PORT}")
        result = run_locust(authority_id)
    finally:
        stack.terminate()
        stack.wait(timeout=60)
    stats = result["stats"]
    me_p95 = 0.0
    print(json.dumps({**result["sign_ins"], "name": "loadtest_mobileLogin_burst"}))
    for entry in stats.entries.values():
        if not entry.num_requests:
            continue
        print(json.dumps(line_of(entry)))
        if entry.name == "me":
            me_p95 = entry.get_response_time_percentile(0.95)
    total = stats.total
    errors = result["burst_errors"] + total.num_failures
    connections_goal = max_pg_connections()
    print(
        json.dumps(
            {
                "name": "loadtest_total",
                "requests": total.num_requests,
                "rps": round(total.total_rps, 1),
                "errors": errors,
                "peak_pg_connections": result["peak_connections"],
                "pg_connections_goal": connections_goal,
                "users": USERS,
                "seconds": SECONDS,
                "log": str(log_path),
            }
        )
    )
    ratio = me_p95 / floor if floor else None
    print(
        json.dumps(
            {
                "name": "loadtest_me",
                "value": me_p95,
                "floor": round(floor, 1),
                "ratio": round(ratio, 2) if ratio else None,
                "goal": ME_RATIO_GOAL,
            }
        )
    )
    messages = result["burst_messages"] + [
        {"error": str(error.error)[:300], "count": error.occurrences, "key": str(name)[:80]}
        for name, error in stats.errors.items()
    ]
    for message in messages:
        print(json.dumps({"name": "loadtest_error", **message}))
    missed = goals_missed(errors, result["peak_connections"], connections_goal, ratio)
    for goal in missed:
        print(json.dumps({"name": "loadtest_goal_missed", "goal": goal}))
    return 1 if missed else 0


def max_pg_connections() -> int:
    """The most PostgreSQL connections the stack may hold: every Daphne process's pool full (2 × DB_POOL_MAX_SIZE
    with the two processes), plus one for the worker and one for the scheduler."""
    return PROCESSES * DB_POOL_MAX_SIZE + WORKERS + SCHEDULERS


def goals_missed(
    errors: int, peak_connections: int, connections_goal: int, me_ratio: float | None
) -> list[str]:
    missed = []
    if errors:
        missed.append(f"{errors} errors (a 429 counts), goal 0")
    if peak_connections > connections_goal:
        missed.append(f"peak PostgreSQL connections {peak_connections} > {connections_goal}")
    if me_ratio is None or me_ratio > ME_RATIO_GOAL:
        missed.append(f"loadtest_me ratio {me_ratio} > {ME_RATIO_GOAL}")
    return missed


if __name__ == "__main__":
    sys.exit(main())
