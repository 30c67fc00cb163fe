import json

import pytest
from django.test import Client, override_settings

from inspections.models import Role
from tests.factories import make_user

pytestmark = pytest.mark.django_db


def test_healthz_checks_database_and_channel_layer():
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert {name: check["status"] for name, check in body["checks"].items()} == {
        "database": "ok",
        "channel_layer": "ok",
    }


@override_settings(
    CHANNEL_LAYERS={
        "default": {
            "BACKEND": "channels_redis.core.RedisChannelLayer",
            "CONFIG": {"hosts": ["redis://127.0.0.1:1/0"]},
        }
    }
)
def test_healthz_reports_a_dead_channel_layer_with_503():
    from channels.layers import channel_layers

    channel_layers.backends.clear()
    try:
        response = Client().get("/healthz")
    finally:
        channel_layers.backends.clear()
    assert response.status_code == 503
    assert response.json()["checks"]["channel_layer"]["status"] == "error"
    assert response.json()["checks"]["database"]["status"] == "ok"


def test_session_users_need_the_csrf_token(small_tree):
    user = make_user("noivu-01", Role.HOME_AFFAIRS, small_tree["01-SNV"])
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    body = json.dumps({"query": "mutation { logout { ok } }"})
    refused = client.post("/graphql/", body, content_type="application/json")
    assert refused.status_code == 403
    client.get(
        "/graphql/", {"query": "{ me { username } }"}, HTTP_ACCEPT="application/json"
    )  # sets the cookie
    token = client.cookies["csrftoken"].value
    accepted = client.post("/graphql/", body, content_type="application/json", HTTP_X_CSRFTOKEN=token)
    assert accepted.status_code == 200 and accepted.json()["data"]["logout"]["ok"] is True


def test_cookie_less_and_bearer_requests_are_not_csrf_checked(small_tree):
    client = Client(enforce_csrf_checks=True)
    response = client.post(
        "/graphql/", json.dumps({"query": "{ me { username } }"}), content_type="application/json"
    )
    assert response.status_code == 200


# --- /healthz/system: the deployment's background work --------------------------------------------------------


@pytest.fixture
def background_beating(settings):
    """Both background roles beat now; the ages a test does not look at are set out of its way."""
    from inspections.services import heartbeats

    settings.HEALTH_WORKER_MAX_AGE_SECONDS = 3600
    settings.HEALTH_SCHEDULER_MAX_AGE_SECONDS = 3600
    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 3600
    for role in heartbeats.ROLES:
        heartbeats.beat(role)
    return heartbeats


def system_checks() -> tuple[int, dict]:
    response = Client().get("/healthz/system")
    return response.status_code, {name: check["status"] for name, check in response.json()["checks"].items()}


def test_healthz_system_answers_503_when_the_oldest_waiting_task_waited_too_long(
    background_beating, settings, clock
):
    from inspections.tasks import remediation_sweep

    settings.HEALTH_TASK_MAX_WAIT_SECONDS = 60
    remediation_sweep.enqueue()  # no worker runs it
    assert system_checks() == (
        200,
        {"worker": "ok", "scheduler": "ok", "oldest_waiting_task": "ok"},
    )
    clock.shift(120)
    for role in background_beating.ROLES:
        background_beating.beat(role)  # the processes are alive, the queue is not moving
    assert system_checks() == (
        503,
        {"worker": "ok", "scheduler": "ok", "oldest_waiting_task": "error"},
    )
    assert Client().get("/healthz").status_code == 200  # this process is fine


def test_healthz_system_answers_503_when_the_scheduler_stopped_beating(background_beating, settings, clock):
    settings.HEALTH_SCHEDULER_MAX_AGE_SECONDS = 60
    assert system_checks()[0] == 200
    clock.shift(120)
    background_beating.beat("worker")  # the worker goes on; the scheduler's last beat is two minutes old
    status, checks = system_checks()
    assert status == 503 and checks == {"worker": "ok", "scheduler": "error", "oldest_waiting_task": "ok"}
    body = Client().get("/healthz/system").json()
    assert body["checks"]["scheduler"]["age_s"] >= 120 and body["checks"]["scheduler"]["max_age_s"] == 60
