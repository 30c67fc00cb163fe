"""Fuzzing the API (issue 12): operations generated from the schema (hypothesis-graphql, the generator behind
schemathesis' GraphQL support), valid and invalid, with generated variables, sent to a live server with
production settings (DEBUG off, no introspection, no suggestions). Bounded and derandomized, so a run is
repeatable. Whatever is sent, the answer is JSON, never a 5xx (nor an INTERNAL_ERROR inside a 200), an HTML
page or a trace."""

import json
import re
import urllib.error
import urllib.request

import pytest
from graphql import StringValueNode
from hypothesis import HealthCheck, given
from hypothesis import settings as hypothesis_settings
from hypothesis import strategies as st
from hypothesis_graphql import strategies as gql_strategies
from hypothesis_graphql.strategies import Mode

from backend.schema import schema

pytestmark = pytest.mark.django_db(transaction=True)

# A trace or a path of the server in an answer: the marks of a leaked exception.
LEAKS = re.compile(r"Traceback|File \"|\.py\b|/site-packages/|/work/|/home/|/usr/lib")
RUNS = hypothesis_settings(
    max_examples=60,
    derandomize=True,
    deadline=None,
    database=None,
    suppress_health_check=[
        HealthCheck.function_scoped_fixture,
        HealthCheck.too_slow,
        HealthCheck.data_too_large,
    ],
)


def string_node(value: str) -> StringValueNode:
    return StringValueNode(value=value)


# JSON documents, valid or not, as text: the JSONString and syncBatch's OperationPayload scalars.
JSON_TEXTS = st.one_of(
    st.just("{}"),
    st.dictionaries(st.text(max_size=8), st.text(max_size=8) | st.integers(), max_size=3).map(json.dumps),
    st.text(max_size=20),
)
CUSTOM_SCALARS = {
    "UUID": st.uuids().map(str).map(string_node),
    "Date": st.dates().map(lambda d: d.isoformat()).map(string_node),
    "DateTime": st.datetimes().map(lambda d: d.isoformat() + "+07:00").map(string_node),
    "JSONString": JSON_TEXTS.map(string_node),
    "OperationPayload": JSON_TEXTS.map(string_node),
    "Upload": st.just("").map(string_node),
}
JSON_VALUES = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | st.text(max_size=30),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=8), inner, max_size=4),
    max_leaves=20,
)
# Documents that take variables, so that generated variables meet every kind of argument.
WITH_VARIABLES = [
    "query($s: String, $n: Int, $a: String) { orgUnits(search: $s, first: $n, after: $a) { totalCount } }",
    "query($id: ID!) { node(id: $id) { id } }",
    "query($n: Int) { notifications(first: $n) { totalCount } }",
    "mutation($ops: [SyncOperationInput!]!, $at: DateTime!) "
    "{ syncBatch(sentAt: $at, operations: $ops) { results { ok } errors { code } } }",
    "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) { errors { code } } }",
]


@pytest.fixture
def production(settings):
    settings.DEBUG = False
    settings.GRAPHQL_INTROSPECTION = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    settings.GRAPHQL_GRAPHIQL = False


@pytest.fixture
def send(live_server, reviewer, production):
    _user, token = reviewer
    url = live_server.url + "/graphql/"

    def post(body: bytes, *, accept: str = "application/json") -> tuple[int, str, str]:
        request = urllib.request.Request(
            url,
            data=body,
            headers={
                "Content-Type": "application/json",
                "Authorization": f"Bearer {token}",
                "Accept": accept,
            },
        )
        try:
            with urllib.request.urlopen(request, timeout=60) as response:
                return response.status, response.headers.get("Content-Type", ""), response.read().decode()
        except urllib.error.HTTPError as refused:
            return refused.code, refused.headers.get("Content-Type", ""), refused.read().decode()

    return post


def check(answer: tuple[int, str, str]) -> None:
    status, content_type, text = answer
    assert status < 500, text[:500]
    assert "json" in content_type and "html" not in content_type, (status, content_type, text[:200])
    assert not LEAKS.search(text), text[:500]
    assert "INTERNAL_ERROR" not in text, text[:500]  # a server error answered 200 is a server error still
    json.loads(text)


def test_generated_operations_valid_or_not_never_break_the_server(send):
    operations = st.one_of(
        gql_strategies.from_schema(schema.graphql_schema, custom_scalars=CUSTOM_SCALARS),
        gql_strategies.from_schema(schema.graphql_schema, custom_scalars=CUSTOM_SCALARS, mode=Mode.NEGATIVE),
    )

    @RUNS
    @given(
        query=operations, accept=st.sampled_from(["application/json", "application/graphql-response+json"])
    )
    def run(query, accept):
        check(send(json.dumps({"query": query}).encode(), accept=accept))

    run()


def test_generated_variables_and_bodies_never_break_the_server(send):
    bodies = st.one_of(
        st.builds(
            lambda query, variables: json.dumps({"query": query, "variables": variables}).encode(),
            st.sampled_from(WITH_VARIABLES),
            st.dictionaries(st.sampled_from(["s", "n", "a", "id", "ops", "ids"]), JSON_VALUES, max_size=4),
        ),
        JSON_VALUES.map(lambda value: json.dumps(value).encode()),  # any JSON as the whole body
        st.binary(max_size=200),  # not even JSON
    )

    @RUNS
    @given(body=bodies)
    def run(body):
        check(send(body))

    run()
