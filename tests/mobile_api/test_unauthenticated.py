"""Expired, revoked or missing credentials answer UNAUTHENTICATED everywhere the phone calls, in the phone's
language (issue 13): never a silent null, a "Not found." or an anonymous caller."""

import io
import json
from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone

from mobile_api.models import DeviceSession
from tests import images
from tests.factories import NEAR, gid, now_iso

BUNDLE = "{ assignmentBundle { version visits { visit { id } } } }"
CHECK_IN = """mutation($visit: ID!, $time: DateTime!) {
  checkIn(visitId: $visit, latitude: 10.7725, longitude: 106.6985, accuracy: 8, deviceTime: $time) {
    visit { status } errors { field code message }
  }
}"""
SYNC = """mutation($sentAt: DateTime!, $ops: [SyncOperationInput!]!) {
  syncBatch(sentAt: $sentAt, operations: $ops) { results { ok } errors { code message } }
}"""
LOGIN = """mutation { mobileLogin(username: "thanhtra1-p1", password: "thanhtra1-p1-pw-2026", deviceName: "Pixel") {
  token errors { code } } }"""


def post(query, variables=None, *, token=None, language="vi"):
    headers = {"HTTP_ACCEPT_LANGUAGE": language}
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    return Client().post(
        "/graphql/",
        json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        **headers,
    )


def expire():
    DeviceSession.objects.update(expires_at=timezone.now() - timedelta(seconds=1))


def check_in_variables(field):
    return {"visit": gid("Visit", field.visit.pk), "time": now_iso()}


def sync_variables(field):
    payload = {
        "visitId": gid("Visit", field.visit.pk),
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "accuracy": 8,
    }
    ops = [
        {
            "id": "0d8e4c6a-51c1-4c8e-8f3e-6a1d2b9c7e10",
            "kind": "CHECK_IN",
            "payload": json.dumps({**payload, "deviceTime": now_iso()}),
        }
    ]
    return {"sentAt": now_iso(), "ops": ops}


@pytest.mark.parametrize("how", ["expired", "revoked"])
def test_a_dead_token_is_refused_everywhere_with_401_in_the_phones_language(field, how):
    if how == "expired":
        expire()
    else:
        DeviceSession.objects.update(revoked_at=timezone.now())
    messages = {}
    for language in ("vi", "en"):
        for query, variables in (
            (BUNDLE, None),
            (CHECK_IN, check_in_variables(field)),
            (SYNC, sync_variables(field)),
        ):
            response = post(query, variables, token=field.token, language=language)
            assert response.status_code == 401, response.content
            [error] = response.json()["errors"]
            assert error["extensions"]["code"] == "UNAUTHENTICATED"
            messages.setdefault(language, set()).add(error["message"])
        upload = io.BytesIO(images.jpeg(images.photo("coffee")))
        upload.name = "photo.jpg"
        photo = Client().post(
            "/api/evidence",
            {
                "id": "0d8e4c6a-51c1-4c8e-8f3e-6a1d2b9c7e10",
                "findingId": "5b0c3f7e-2f59-4a51-9d55-0c3b8f1a6e21",
                "file": upload,
            },
            HTTP_AUTHORIZATION=f"Bearer {field.token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        served = Client().get(
            "/api/evidence/0d8e4c6a-51c1-4c8e-8f3e-6a1d2b9c7e10/original",
            HTTP_AUTHORIZATION=f"Bearer {field.token}",
            HTTP_ACCEPT_LANGUAGE=language,
        )
        for answer in (photo, served):
            assert answer.status_code == 401 and answer.json()["errors"][0]["code"] == "UNAUTHENTICATED"
            messages[language].add(answer.json()["errors"][0]["message"])
    assert len(messages["vi"]) == len(messages["en"]) == 1 and messages["vi"] != messages["en"]
    assert field.refresh().status == "planned"
    # Signing in again works with the dead token still in the header (the phone keeps its outbox).
    login = post(LOGIN, token=field.token).json()["data"]["mobileLogin"]
    assert login["errors"] == [] and login["token"]


def test_no_token_answers_unauthenticated_in_each_field_in_the_phones_language(field):
    messages = {}
    for language in ("vi", "en"):
        bundle = post(BUNDLE, language=language).json()
        assert bundle["data"] == {"assignmentBundle": None}
        assert [e["extensions"]["code"] for e in bundle["errors"]] == ["UNAUTHENTICATED"]
        check_in = post(CHECK_IN, check_in_variables(field), language=language).json()["data"]["checkIn"]
        sync = post(SYNC, sync_variables(field), language=language).json()["data"]["syncBatch"]
        assert (
            [e["code"] for e in check_in["errors"]]
            == [e["code"] for e in sync["errors"]]
            == ["UNAUTHENTICATED"]
        )
        assert sync["results"] is None
        messages[language] = {
            bundle["errors"][0]["message"],
            check_in["errors"][0]["message"],
            sync["errors"][0]["message"],
        }
    assert len(messages["vi"]) == len(messages["en"]) == 1 and messages["vi"] != messages["en"]
    assert field.refresh().status == "planned"


def test_a_live_token_still_works(field):
    response = post(BUNDLE, token=field.token)
    assert response.status_code == 200 and response.json()["data"]["assignmentBundle"]["version"]
