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
