"""The task worker and the scheduler as real processes: they live through dropped database connections and a
Redis outage, a worker killed mid-task leaves no task RUNNING for ever, and /healthz/system reports them."""

import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest
from django.db import connection
from django.test import Client
from django_tasks_db.models import DBTaskResult

from inspections.services import heartbeats

from .conftest import redis_env, requires_postgres
from .tasks import announce, hold_once, quick

pytestmark = [requires_postgres, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parents[2]


def process_env(**extra) -> dict:
    """The test's own database for the child processes, and the same Redis (the heartbeats' cache)."""
    name = connection.settings_dict["NAME"]
    base = os.environ["DATABASE_URL"].rsplit("/", 1)[0]
    return {**os.environ, "TESTING": "1", "DATABASE_URL": f"{base}/{name}", **extra}


def manage(*args, **env) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=process_env(**env),
        stdout=subprocess.DEVNULL,
        # A file, not a pipe nobody reads: a process logging through an outage would block once a pipe is full.
        stderr=tempfile.TemporaryFile(),
    )


def wait_until(predicate, seconds: float = 60.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.2)
    return False


def status_of(result_id) -> str:
    return DBTaskResult.objects.get(pk=result_id).status


@pytest.fixture(autouse=True)
def fresh_pool():
    """A pool of this process's own for each test: its connections are terminated on purpose here, and
    earlier tests' threads may still hold some."""
    if getattr(connection, "pool", None) is not None:
        connection.close()
        connection.close_pool()
    yield


@pytest.fixture
def processes():
    started: list[subprocess.Popen] = []
    yield started
    for process in started:
        if process.poll() is None:
            process.kill()
        process.wait()


def test_the_worker_lives_through_dropped_connections_and_runs_the_next_task(
    processes, pg_observer, tmp_path
):
    worker = manage("task_worker", "--interval", "0.2")
    processes.append(worker)
    first = quick.enqueue(str(tmp_path / "first"))
    assert wait_until(lambda: status_of(first.id) == "SUCCESSFUL")

    killed = [pg_observer.terminate_backends()]  # the worker's (and this test's) connections die
    for _ in range(2):  # and again while it reconnects
        time.sleep(0.5)
        killed.append(pg_observer.terminate_backends())
    assert killed[0] >= 1
    connection.close()
    later = quick.enqueue(str(tmp_path / "later"))
    assert wait_until(lambda: status_of(later.id) == "SUCCESSFUL"), worker.poll()
    assert worker.poll() is None  # still running


def test_the_scheduler_lives_through_dropped_connections(processes, pg_observer):
    scheduler = manage("scheduler", "--interval", "1")
    processes.append(scheduler)
    assert wait_until(lambda: DBTaskResult.objects.filter(task_path__endswith="remediation_sweep").exists())
    for _ in range(3):
        pg_observer.terminate_backends()
        time.sleep(0.5)
    connection.close()
    queued = DBTaskResult.objects.filter(task_path__endswith="remediation_sweep").count()
    assert wait_until(
        lambda: DBTaskResult.objects.filter(task_path__endswith="remediation_sweep").count() > queued
    )
    assert scheduler.poll() is None


def test_a_task_of_a_killed_worker_is_reclaimed_and_run_again(processes, tmp_path):
    marker = tmp_path / "marker"
    held = hold_once.enqueue(str(marker))
    worker = manage("task_worker", "--interval", "0.2")
    processes.append(worker)
    assert wait_until(lambda: marker.exists() and status_of(held.id) == "RUNNING")
    worker.send_signal(signal.SIGKILL)
    worker.wait()
    assert status_of(held.id) == "RUNNING"  # what django-tasks-db leaves behind

    # The scheduler's round puts it back (its age limit set to nothing here); a new worker runs it again.
    reclaim = subprocess.run(
        [sys.executable, "manage.py", "scheduler", "--once"],
        cwd=ROOT,
        env=process_env(TASK_RECLAIM_AFTER_SECONDS="0"),
        capture_output=True,
        timeout=120,
    )
    assert reclaim.returncode == 0, reclaim.stderr[-2000:]
    assert status_of(held.id) == "READY"
    processes.append(manage("task_worker", "--interval", "0.2"))
    assert wait_until(lambda: status_of(held.id) == "SUCCESSFUL")
    assert DBTaskResult.objects.get(pk=held.id).return_value == "done"


def test_healthz_system_reports_heartbeats_and_the_oldest_waiting_task(processes, settings):
    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 3600
    for role in heartbeats.ROLES:
        heartbeats.beat(role)
    body = Client().get("/healthz/system").json()
    assert body["status"] == "ok", body

    settings.HEALTH_WORKER_MAX_AGE_SECONDS = -1  # any heartbeat is too old
    response = Client().get("/healthz/system")
    assert response.status_code == 503
    assert response.json()["checks"]["worker"]["status"] == "error"
    assert response.json()["checks"]["scheduler"]["status"] == "ok"
    assert Client().get("/healthz").status_code == 200  # this process's liveness is another question


def system_health() -> dict:
    response = Client().get("/healthz/system")
    return {"code": response.status_code, **response.json()}


def test_healthz_system_reads_the_heartbeat_of_a_real_worker_process(processes, redis_cache, settings):
    """The worker's heartbeat, written by a `manage.py task_worker` process into the shared cache, is what
    /healthz/system reads: none before it starts (503), fresh while it runs (200), too old once it is killed."""
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 30
    heartbeats.beat("scheduler")  # the worker is the question here
    before = system_health()
    assert before["code"] == 503 and before["checks"]["worker"] == {
        "status": "error",
        "error": "never",
        "max_age_s": 30,
    }

    worker = manage("task_worker", "--interval", "0.2", **redis_env(redis_cache))
    processes.append(worker)
    assert wait_until(lambda: system_health()["code"] == 200), worker.poll()
    running = system_health()
    assert running["checks"]["worker"]["status"] == "ok" and running["checks"]["worker"]["age_s"] <= 30

    worker.send_signal(signal.SIGKILL)
    worker.wait()
    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 1
    assert wait_until(lambda: system_health()["checks"]["worker"]["status"] == "error", seconds=30)
    assert system_health()["code"] == 503


def cache_answers() -> bool:
    try:
        return heartbeats.last_beat_age("worker") is not None
    except Exception:  # noqa: BLE001 - the cache's first use after a restart may meet a dropped connection
        return False


def test_the_worker_and_the_scheduler_keep_running_while_redis_is_down_and_after(
    processes, redis_cache, tmp_path
):
    """Their cache (heartbeats) and channel layer (the events tasks publish) are on a Redis that stops and
    comes back: both processes go on, the worker runs the tasks queued meanwhile, and they beat again after."""
    env = redis_env(redis_cache)
    worker = manage("task_worker", "--interval", "0.2", **env)
    scheduler = manage("scheduler", "--interval", "1", **env)
    processes.extend([worker, scheduler])
    first = announce.enqueue(str(tmp_path / "first"))
    assert wait_until(lambda: status_of(first.id) == "SUCCESSFUL"), worker.poll()
    assert wait_until(cache_answers)

    redis_cache.stop()
    rounds = DBTaskResult.objects.filter(task_path__endswith="remediation_sweep").count()
    during = announce.enqueue(str(tmp_path / "during"))  # publishes to the Redis that is gone
    assert wait_until(lambda: status_of(during.id) == "SUCCESSFUL"), worker.poll()
    assert wait_until(
        lambda: DBTaskResult.objects.filter(task_path__endswith="remediation_sweep").count() > rounds + 1
    ), scheduler.poll()
    assert worker.poll() is None and scheduler.poll() is None

    redis_cache.start()  # an empty Redis: the heartbeats come back only if they write again
    after = announce.enqueue(str(tmp_path / "after"))
    assert wait_until(lambda: status_of(after.id) == "SUCCESSFUL"), worker.poll()
    assert wait_until(cache_answers)
    assert wait_until(lambda: heartbeats.last_beat_age("scheduler") is not None)
    assert worker.poll() is None and scheduler.poll() is None
    assert (tmp_path / "during").read_text() == "ran"
