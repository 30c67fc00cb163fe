"""Mobile sign-in: opaque tokens stored hashed, expiry, revocation, lockout."""

import hashlib
import json
from datetime import timedelta

import pytest
from axes.models import AccessAttempt
from django.apps import apps
from django.db import connection
from django.test import Client, override_settings
from django.utils import timezone

from inspections.models import Role
from mobile_api.models import DeviceSession
from tests.factories import gql, make_user

pytestmark = pytest.mark.django_db

LOGIN = """mutation($u: String!, $p: String!, $d: String!) {
  mobileLogin(username: $u, password: $p, deviceName: $d) {
    token device { id deviceName expiresAt } errors { field code message }
  }
}"""
ME = "{ me { username } myDevices { id deviceName current } }"
REVOKE = "mutation($id: ID!) { revokeDevice(id: $id) { device { revokedAt } errors { field code } } }"
LOGOUT = "mutation { logout { ok errors { field code } } }"


@pytest.fixture
def inspector(small_tree):
    return make_user("thanhtra-01", Role.INSPECTOR, small_tree["01-TTR"])


def login(client, username="thanhtra-01", password="thanhtra-01-pw-2026", device="Pixel 8", **headers):
    return gql(client, LOGIN, {"u": username, "p": password, "d": device}, **headers)["data"]["mobileLogin"]


def error_codes(payload):
    return [(error["field"], error["code"]) for error in payload["errors"]]


def test_token_is_shown_once_and_stored_only_as_its_hash(inspector):
    result = login(Client())
    token = result["token"]
    assert token and result["errors"] == []
    device = DeviceSession.objects.get()
    assert device.token_hash == hashlib.sha256(token.encode()).hexdigest()
    assert device.device_name == "Pixel 8" and device.user == inspector
    assert timedelta(days=29) < device.expires_at - timezone.now() <= timedelta(days=30)
    # Nowhere in the database: scan every text column of every table.
    with connection.cursor() as cursor:
        for model in apps.get_models():
            columns = [
                f.column
                for f in model._meta.concrete_fields
                if f.get_internal_type() in ("CharField", "TextField", "JSONField", "GenericIPAddressField")
            ]
            for column in columns:
                cursor.execute(
                    f'SELECT COUNT(*) FROM "{model._meta.db_table}" WHERE CAST("{column}" AS TEXT) LIKE %s',
                    [f"%{token[5:]}%"],
                )
                assert cursor.fetchone()[0] == 0, (model, column)


def test_bearer_token_acts_as_the_user_and_records_last_use(inspector):
    client = Client()
    token = login(client)["token"]
    data = gql(client, ME, token=token)["data"]
    assert data["me"] == {"username": "thanhtra-01"}
    assert [d["current"] for d in data["myDevices"]] == [True]
    first_use = DeviceSession.objects.get().last_used_at
    assert first_use is not None
    gql(client, ME, token=token)
    assert DeviceSession.objects.get().last_used_at == first_use  # not written on every request


def refused(client, token):
    """A token that names no active session is refused (401 UNAUTHENTICATED), never taken for an anonymous
    caller; signing in again with it in the header still works."""
    for query in (ME, LOGOUT):
        response = client.post(
            "/graphql/",
            json.dumps({"query": query}),
            content_type="application/json",
            HTTP_AUTHORIZATION=f"Bearer {token}",
        )
        assert response.status_code == 401, response.content
        assert [e["extensions"]["code"] for e in response.json()["errors"]] == ["UNAUTHENTICATED"]


def test_revoked_expired_malformed_and_inactive_tokens_are_refused(inspector):
    client = Client()
    revoked, expired, inactive = (login(client)["token"] for _ in range(3))
    DeviceSession.objects.filter(token_hash=hashlib.sha256(revoked.encode()).hexdigest()).update(
        revoked_at=timezone.now()
    )
    DeviceSession.objects.filter(token_hash=hashlib.sha256(expired.encode()).hexdigest()).update(
        expires_at=timezone.now() - timedelta(seconds=1)
    )
    for token in (revoked, expired, "cchc_" + "A" * 43, "garbage"):
        refused(client, token)
    inspector.is_active = False
    inspector.save()
    refused(client, inactive)


def test_revoke_and_logout(inspector, small_tree):
    client = Client()
    phone, tablet = login(client)["token"], login(client, device="Tablet")["token"]
    devices = {d["deviceName"]: d["id"] for d in gql(client, ME, token=phone)["data"]["myDevices"]}
    result = gql(client, REVOKE, {"id": devices["Tablet"]}, token=phone)["data"]["revokeDevice"]
    assert result["errors"] == [] and result["device"]["revokedAt"]
    refused(client, tablet)
    # Someone else's device answers exactly like a device that does not exist, and stays active.
    other = make_user("canbo-01", Role.UNIT_STAFF, small_tree["01-W1"])
    other_token = login(client, "canbo-01", "canbo-01-pw-2026")["token"]
    other_id = gql(client, ME, token=other_token)["data"]["myDevices"][0]["id"]
    foreign = gql(client, REVOKE, {"id": other_id}, token=phone)["data"]["revokeDevice"]
    missing = gql(client, REVOKE, {"id": "RGV2aWNlOjk5OTk5"}, token=phone)["data"]["revokeDevice"]
    assert foreign == missing == {"device": None, "errors": [{"field": "id", "code": "NOT_FOUND"}]}
    assert DeviceSession.objects.get(user=other).revoked_at is None
    # Logout kills the token in use; a second logout with it is refused.
    assert gql(client, LOGOUT, token=phone)["data"]["logout"] == {"ok": True, "errors": []}
    refused(client, phone)


def test_wrong_password_and_unknown_user_look_the_same(inspector):
    client = Client()
    wrong = login(client, password="nope")
    unknown = login(client, username="nobody", password="nope")
    assert error_codes(wrong) == error_codes(unknown) == [(None, "INVALID_CREDENTIALS")]
    assert wrong["token"] is None and not DeviceSession.objects.exists()


def test_bad_input_answers_field_errors_and_creates_nothing(inspector):
    client = Client()
    result = login(client, username=" ", device="")
    assert sorted(error_codes(result)) == [("deviceName", "REQUIRED"), ("username", "REQUIRED")]
    result = login(client, device="x" * 101)
    assert error_codes(result) == [("deviceName", "INVALID")]
    assert not DeviceSession.objects.exists() and not AccessAttempt.objects.exists()


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_per_username_then_it_expires(inspector):
    client = Client()
    for _ in range(2):
        assert error_codes(login(client, password="wrong")) == [(None, "INVALID_CREDENTIALS")]
    # The third failure reaches the limit: from then on the username is locked out, even with the right
    # password, and from another address too.
    assert error_codes(login(client, password="wrong")) == [(None, "LOCKED_OUT")]
    assert error_codes(login(client)) == [(None, "LOCKED_OUT")]
    assert error_codes(login(client, REMOTE_ADDR="10.9.9.9")) == [(None, "LOCKED_OUT")]
    assert not DeviceSession.objects.exists()
    # The cool-off passes (the attempts age in the database, as the clock would move).
    AccessAttempt.objects.update(attempt_time=timezone.now() - timedelta(minutes=16))
    result = login(client)
    assert result["errors"] == [] and result["token"]


@override_settings(AXES_FAILURE_LIMIT=3)
def test_lockout_per_address_across_usernames(inspector, small_tree):
    make_user("canbo-01", Role.UNIT_STAFF, small_tree["01-W1"])
    client = Client()
    for name in ("a", "b", "c"):
        login(client, username=name, password="wrong", REMOTE_ADDR="10.1.1.1")
    assert error_codes(login(client, "canbo-01", "canbo-01-pw-2026", REMOTE_ADDR="10.1.1.1")) == [
        (None, "LOCKED_OUT")
    ]
    # Another address is not affected.
    assert login(client, "canbo-01", "canbo-01-pw-2026", REMOTE_ADDR="10.2.2.2")["errors"] == []
