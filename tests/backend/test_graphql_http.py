"""/graphql/ follows the GraphQL-over-HTTP specification; failures are typed, never traces."""

import json
import logging

import graphene
import pytest
from django.test import Client, override_settings
from django.urls import path

from apikit.view import GraphQLHTTPView

pytestmark = pytest.mark.django_db

GRAPHQL_RESPONSE = "application/graphql-response+json"


def post(body, accept=None, content_type="application/json", **headers):
    if accept:
        headers["HTTP_ACCEPT"] = accept
    data = body if isinstance(body, (str, bytes)) else json.dumps(body)
    return Client().post("/graphql/", data, content_type=content_type, **headers)


def test_get_runs_queries_and_refuses_mutations():
    response = Client().get("/graphql/", {"query": "{ __typename }"}, HTTP_ACCEPT="application/json")
    assert response.status_code == 200 and response.json() == {"data": {"__typename": "Query"}}
    response = Client().get(
        "/graphql/", {"query": "mutation { logout { ok } }"}, HTTP_ACCEPT="application/json"
    )
    assert response.status_code == 405 and response["Allow"] == "POST"
    assert response.json()["errors"][0]["extensions"]["code"] == "METHOD_NOT_ALLOWED"


def test_post_json_and_application_graphql():
    assert post({"query": "{ __typename }"}).json() == {"data": {"__typename": "Query"}}
    response = post("{ __typename }", content_type="application/graphql")
    assert response.json() == {"data": {"__typename": "Query"}}


@pytest.mark.parametrize(
    "accept, media_type",
    [
        (None, "application/json"),
        ("*/*", "application/json"),
        ("application/json", "application/json"),
        (GRAPHQL_RESPONSE, GRAPHQL_RESPONSE),
        (f"{GRAPHQL_RESPONSE}, application/json;q=0.9", GRAPHQL_RESPONSE),
        (f"application/json, {GRAPHQL_RESPONSE};q=0.5", "application/json"),
    ],
)
def test_media_type_follows_accept(accept, media_type):
    response = post({"query": "{ __typename }"}, accept=accept)
    assert response.status_code == 200
    assert response["Content-Type"] == f"{media_type}; charset=utf-8"


@pytest.mark.parametrize(
    "query, code",
    [("{ nope }", "GRAPHQL_VALIDATION_FAILED"), ("{", "GRAPHQL_PARSE_FAILED"), ("", "BAD_REQUEST")],
)
def test_unexecutable_documents(query, code):
    # application/graphql-response+json: 400; application/json: 200 with errors (and no data).
    strict = post({"query": query}, accept=GRAPHQL_RESPONSE)
    legacy = post({"query": query}, accept="application/json")
    assert (strict.status_code, legacy.status_code) == (400, 200)
    for response in (strict, legacy):
        body = response.json()
        assert "data" not in body and body["errors"][0]["extensions"]["code"] == code


def test_malformed_requests():
    assert post("{not json", accept=GRAPHQL_RESPONSE).status_code == 400
    assert post("{not json", accept="application/json").status_code == 400
    assert post({"query": "{ __typename }"}, content_type="text/plain").status_code == 415
    assert post({"query": "{ __typename }"}, accept="text/html").status_code == 406
    assert post({"query": "{ __typename }", "variables": "[1]"}).status_code == 400
    assert Client().put("/graphql/").status_code == 405


def test_field_errors_keep_the_data_and_a_200():
    """A document that executed answers 200 even when a field failed (here: a non-null field resolved null)."""
    response = post(
        {"query": 'mutation { mobileLogin(username: "", password: "", deviceName: "") { errors { code } } }'},
        accept=GRAPHQL_RESPONSE,
    )
    assert response.status_code == 200
    assert {e["code"] for e in response.json()["data"]["mobileLogin"]["errors"]} == {"REQUIRED"}


class BrokenQuery(graphene.ObjectType):
    broken = graphene.String()

    @staticmethod
    def resolve_broken(root, info):
        raise RuntimeError("secret detail: connection string postgres://user:pw@db")


urlpatterns = [path("graphql/", GraphQLHTTPView.as_view(schema=graphene.Schema(query=BrokenQuery)))]


@override_settings(ROOT_URLCONF=__name__)
def test_unexpected_exception_is_logged_and_the_client_gets_a_request_id(caplog):
    with caplog.at_level(logging.ERROR, logger="backend.graphql"):
        response = post({"query": "{ broken }"})
    assert response.status_code == 200
    body = response.json()
    assert body["data"] == {"broken": None}
    error = body["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_ERROR"
    assert "secret" not in response.content.decode() and "Traceback" not in response.content.decode()
    request_id = error["extensions"]["requestId"]
    assert request_id and response["X-Request-ID"] == request_id
    logged = [r for r in caplog.records if "graphql_unexpected_error" in r.getMessage()]
    message = logged[0].getMessage()
    assert request_id in message and "Traceback" in message and "RuntimeError" in message
