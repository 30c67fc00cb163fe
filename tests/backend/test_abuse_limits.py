"""Each abuse limit rejects a request just over it with a typed error, before any SQL, and accepts one under it."""

import json

import pytest
from django.db import connection
from django.test import Client, override_settings
from django.test.utils import CaptureQueriesContext

from inspections.models import Role
from tests.factories import make_user, token_for

pytestmark = pytest.mark.django_db


def post(client, body, token=None):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    with CaptureQueriesContext(connection) as queries:
        response = client.post(
            "/graphql/",
            json.dumps(body),
            content_type="application/json",
            HTTP_ACCEPT="application/graphql-response+json",
            **headers,
        )
    return response, len(queries)


def codes(response):
    return [error.get("extensions", {}).get("code") for error in response.json().get("errors", [])]


def nested(depth: int) -> str:
    """`me { unit { parent { parent … { code } } } }` with `depth` levels of fields."""
    inner = "code"
    for _ in range(depth - 3):
        inner = f"parent {{ {inner} }}"
    return f"{{ me {{ unit {{ {inner} }} }} }}" if depth >= 3 else "{ me { id } }"


@pytest.fixture(params=["anonymous", "bearer"])
def token(request, small_tree):
    if request.param == "anonymous":
        return None
    return token_for(make_user("noivu-01", Role.HOME_AFFAIRS, small_tree["01-SNV"]))


@override_settings(GRAPHQL_MAX_DEPTH=5)
def test_depth_limit(token):
    client = Client()
    response, queries = post(client, {"query": nested(6)}, token)
    assert response.status_code == 400 and codes(response) == ["QUERY_TOO_DEEP"] and queries == 0
    assert "data" not in response.json()
    response, _ = post(client, {"query": nested(5)}, token)
    assert response.status_code == 200 and "errors" not in response.json()


@override_settings(GRAPHQL_MAX_FIELDS=20)
def test_field_limit_counts_aliases(token):
    client = Client()
    over = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(11)) + " }"  # 22 fields
    under = "{ " + " ".join(f"a{i}: me {{ id }}" for i in range(10)) + " }"  # 20 fields
    response, queries = post(client, {"query": over}, token)
    assert response.status_code == 400 and codes(response) == ["QUERY_TOO_COMPLEX"] and queries == 0
    response, _ = post(client, {"query": under}, token)
    assert response.status_code == 200 and "errors" not in response.json()


@override_settings(GRAPHQL_MAX_FIELDS=50)
def test_fragment_bomb_is_rejected_without_expanding_it(token):
    fragments = ["fragment F0 on User { id username }"]
    for i in range(1, 30):  # each level doubles: 2**30 fields if expanded
        fragments.append(f"fragment F{i} on User {{ ...F{i - 1} ...F{i - 1} }}")
    query = "{ me { ...F29 } } " + " ".join(fragments)
    response, queries = post(Client(), {"query": query}, token)
    assert response.status_code == 400 and codes(response) == ["QUERY_TOO_COMPLEX"] and queries == 0


@override_settings(GRAPHQL_MAX_DOCUMENT_BYTES=200)
def test_document_size_limit(token):
    padding = "{ me { id } }"
    over = padding + " " * (201 - len(padding))
    under = padding + " " * (200 - len(padding))
    response, queries = post(Client(), {"query": over}, token)
    assert response.status_code == 400 and codes(response) == ["DOCUMENT_TOO_LARGE"] and queries == 0
    response, _ = post(Client(), {"query": under}, token)
    assert response.status_code == 200


@override_settings(GRAPHQL_MAX_BATCH_OPERATIONS=3)
def test_batch_limit_runs_nothing(token):
    mutation = {
        "query": 'mutation { mobileLogin(username: "x", password: "y", deviceName: "z") { errors { code } } }'
    }
    response, queries = post(Client(), [mutation] * 4, token)
    assert response.status_code == 400 and codes(response) == ["TOO_MANY_OPERATIONS"] and queries == 0
    response, _ = post(Client(), [{"query": "{ me { id } }"}] * 3, token)
    assert response.status_code == 200
    assert isinstance(response.json(), list) and len(response.json()) == 3


@override_settings(GRAPHQL_INTROSPECTION=False)
def test_introspection_off(token):
    response, queries = post(Client(), {"query": "{ __schema { types { name } } }"}, token)
    assert response.status_code == 400 and codes(response) == ["INTROSPECTION_DISABLED"] and queries == 0
    response, _ = post(Client(), {"query": "{ __typename }"}, token)
    assert response.json() == {"data": {"__typename": "Query"}}


def test_specification_rules_still_run(token):
    for query in (
        "{ nope }",
        "{ me { ...Missing } }",
        "{ me { ...A } } fragment A on User { ...B } fragment B on User { ...A }",
    ):
        response, queries = post(Client(), {"query": query}, token)
        assert response.status_code == 400, query
        assert codes(response) and set(codes(response)) == {"GRAPHQL_VALIDATION_FAILED"}, query
        assert queries == 0


def test_undefined_fragment_with_depth_limit_is_a_validation_error_not_a_crash():
    """graphene's depth_limit_validator crashes on an undefined fragment (graphene issue 1538)."""
    response, _ = post(Client(), {"query": "query { me { unit { ...Nowhere } } }"})
    assert response.status_code == 400
    assert codes(response) == ["GRAPHQL_VALIDATION_FAILED"]
    assert "Nowhere" in response.json()["errors"][0]["message"]
