"""The API under attack (issue 12): every abusive or malformed request gets a typed JSON error, never a 500,
an HTML page, a schema leak or work done for nothing."""

import asyncio
import json
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.testing import HttpCommunicator, WebsocketCommunicator
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from backend.asgi import application
from inspections.models import OrgUnit, Role
from tests.factories import NEAR, gid, make_user, now_iso, token_for

pytestmark = pytest.mark.django_db
URL = "/graphql/"
PROTOCOL = ["graphql-transport-ws"]
BOARD_ALIASES_150 = (
    "{ " + " ".join(f'b{i}: board(authorityId: "$ID", year: 2026) {{ unitCount }}' for i in range(150)) + " }"
)


def post(client: Client, body, *, token: str | None = None, raw: bool = False, **headers):
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    data = body if raw else json.dumps(body)
    return client.post(URL, data, content_type="application/json", **headers)


def code_of(response_or_body) -> str:
    body = response_or_body if isinstance(response_or_body, (dict, list)) else response_or_body.json()
    return body["errors"][0]["extensions"]["code"]


def unit_id(unit: OrgUnit) -> str:
    from graphql_relay import to_global_id

    return to_global_id("OrgUnit", unit.pk)


# --- WebSocket handshakes -------------------------------------------------------------------------------


def test_a_websocket_without_origin_is_accepted_and_signs_in_only_by_token(reviewer):
    _user, token = reviewer

    async def scenario():
        ws = WebsocketCommunicator(application, URL, subprotocols=PROTOCOL)  # no Origin header at all
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        assert await ws.receive_json_from() == {"type": "connection_ack"}
        await ws.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": "{ me { username } }"}})
        assert (await ws.receive_json_from())["payload"] == {"data": {"me": {"username": "noivu"}}}
        await ws.disconnect()

        ws = WebsocketCommunicator(application, URL, subprotocols=PROTOCOL)
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to(
            {"type": "connection_init", "payload": {}}
        )  # no token: a cookie would not count
        assert (await ws.receive_output())["code"] == 4401

    async_to_sync(scenario)()


def test_a_websocket_from_a_foreign_origin_is_refused(reviewer):
    async def scenario():
        ws = WebsocketCommunicator(
            application, URL, subprotocols=PROTOCOL, headers=[(b"origin", b"https://evil.example")]
        )
        connected, _ = await ws.connect()
        assert not connected

    async_to_sync(scenario)()


# --- no schema leaks ----------------------------------------------------------------------------------


def test_no_field_suggestions_over_http_or_websocket(client, reviewer, settings):
    settings.DEBUG = False
    settings.GRAPHQL_FIELD_SUGGESTIONS = False
    body = post(client, {"query": "{ mee { username } }"}).json()
    assert code_of(body) == "GRAPHQL_VALIDATION_FAILED"
    assert "Did you mean" not in json.dumps(body) and "'me'" not in json.dumps(body)
    body = post(
        client, {"query": '{ board(authorityId: "x", year: 2026, sort: RANKK) { unitCount } }'}
    ).json()
    assert "Did you mean" not in json.dumps(body)
    _user, token = reviewer

    async def scenario():
        ws = WebsocketCommunicator(application, URL, subprotocols=PROTOCOL)
        await ws.connect()
        await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        await ws.receive_json_from()
        await ws.send_json_to({"id": "1", "type": "subscribe", "payload": {"query": "{ mee { username } }"}})
        error = await ws.receive_json_from()
        assert error["type"] == "error" and "Did you mean" not in json.dumps(error)
        await ws.disconnect()

    async_to_sync(scenario)()
    settings.GRAPHQL_FIELD_SUGGESTIONS = True  # under DEBUG they help the developer
    assert "Did you mean" in json.dumps(post(client, {"query": "{ mee { username } }"}).json())


# --- bad input: a typed JSON error, never a 500 ----------------------------------------------------------


def test_json_nested_5000_deep_is_a_typed_error_over_http_and_websocket(client, reviewer):
    deep = "[" * 5000 + "]" * 5000
    response = post(client, '{"query": "{ __typename }", "variables": {"a": ' + deep + "}}", raw=True)
    assert response.status_code == 400 and code_of(response) == "BAD_INPUT"
    response = post(
        client, '{"query": "{ __typename }", "variables": {"a": ' + "[" * 100 + "]" * 100 + "}}", raw=True
    )
    assert response.status_code == 400 and code_of(response) == "BAD_INPUT"
    _user, token = reviewer

    async def scenario():
        ws = WebsocketCommunicator(application, URL, subprotocols=PROTOCOL)
        await ws.connect()
        await ws.send_to(text_data='{"type": "ping", "payload": ' + deep + "}")
        assert (await ws.receive_output())["code"] == 4400  # a bad message, not 1011

    async_to_sync(scenario)()


@pytest.mark.parametrize(
    "query",
    [
        "{ orgUnits(first: -1) { totalCount } }",
        "{ orgUnits(first: 501) { totalCount } }",
        "{ orgUnits(first: 100000) { totalCount } }",
        "{ orgUnits(last: 0) { totalCount } }",
        "{ notifications(first: -1) { totalCount } }",
        "{ findings(first: 100000) { totalCount } }",
    ],
)
def test_page_sizes_out_of_range_are_bad_input(client, reviewer, query):
    _user, token = reviewer
    with CaptureQueriesContext(connection) as queries:
        body = post(client, {"query": query}, token=token).json()
    assert code_of(body) == "BAD_INPUT" and "data" not in body
    assert len(queries) == 0  # refused before the token is even looked up


def test_an_explicit_null_page_size_takes_the_default(client, reviewer):
    """Found by the fuzz test: ``first: null`` on a list with a default page reached the resolver as None."""
    _user, token = reviewer
    for query in (
        "{ snapshotReviewQueue(first: null) { flag } }",
        "{ orgUnits(first: null) { totalCount } }",
    ):
        body = post(client, {"query": query}, token=token).json()
        assert "errors" not in body, body


def test_page_size_from_a_variable_is_checked_too(client, reviewer):
    _user, token = reviewer
    body = post(
        client,
        {"query": "query($n: Int) { orgUnits(first: $n) { totalCount } }", "variables": {"n": 100000}},
        token=token,
    ).json()
    assert code_of(body) == "BAD_INPUT"
    body = post(
        client,
        {"query": "query($n: Int) { orgUnits(first: $n) { totalCount } }", "variables": {"n": 5}},
        token=token,
    ).json()
    assert "errors" not in body


@pytest.mark.parametrize("cursor", ["junk", "YXJyYXljb25uZWN0aW9uOi01", "YXJyYXljb25uZWN0aW9uOjE="[:-1]])
def test_a_cursor_the_server_never_gave_is_bad_input(client, reviewer, cursor):
    """Found by the fuzz test: graphene-django failed on a cursor it could not decode (INTERNAL_ERROR)."""
    _user, token = reviewer
    for query in (
        "query($a: String) { plans(after: $a) { totalCount } }",
        "query($a: String) { orgUnits(after: $a) { totalCount } }",
    ):
        body = post(client, {"query": query, "variables": {"a": cursor}}, token=token).json()
        assert code_of(body) == "BAD_INPUT", body
    good = post(
        client,
        {"query": '{ orgUnits(after: "YXJyYXljb25uZWN0aW9uOjA=") { totalCount } }'},
        token=token,
    ).json()
    assert "errors" not in good


def test_an_overlong_search_is_bad_input(client, reviewer, settings):
    _user, token = reviewer
    query = "query($s: String) { orgUnits(search: $s) { totalCount } }"
    body = post(client, {"query": query, "variables": {"s": "x" * 50_001}}, token=token).json()
    assert code_of(body) == "BAD_INPUT"
    body = post(
        client,
        {"query": query, "variables": {"s": "x" * (settings.GRAPHQL_MAX_SEARCH_CHARS + 1)}},
        token=token,
    ).json()
    assert code_of(body) == "BAD_INPUT"
    assert "errors" not in post(client, {"query": query, "variables": {"s": "Sở"}}, token=token).json()


@pytest.mark.parametrize("text", ["\ud800", "ab\x00c"])
def test_lone_surrogates_and_nul_are_invalid_input(client, reviewer, text):
    _user, token = reviewer
    raw = json.dumps(
        {"query": "query($s: String) { orgUnits(search: $s) { totalCount } }", "variables": {"s": text}}
    )
    response = post(client, raw, raw=True, token=token)
    assert response.status_code == 200 and code_of(response) == "INVALID_INPUT"
    literal = json.dumps({"query": '{ orgUnits(search: "a\\u0000b") { totalCount } }'})
    assert code_of(post(client, literal, raw=True, token=token)) == "INVALID_INPUT"


def test_nul_inside_list_and_input_object_literals_is_invalid_input(client, reviewer, field):
    _user, token = reviewer
    in_a_list = 'mutation { markNotificationsRead(ids: ["QQ==\\u0000"]) { errors { code } } }'
    body = post(client, {"query": in_a_list}, token=token).json()
    assert code_of(body) == "INVALID_INPUT" and "data" not in body
    payload = json.dumps({"visitId": gid("Visit", field.visit.pk), "reason": "R"}).replace('"R"', '"\x00"')
    in_an_object = (
        f'mutation {{ syncBatch(sentAt: "{now_iso()}", operations: [{{id: "{uuid.uuid4()}", kind: CHECK_IN, '
        f"payload: {json.dumps(payload)}}}]) {{ results {{ ok }} }} }}"
    )
    assert "\\u0000" in in_an_object  # the NUL is a GraphQL escape inside the input object
    body = post(client, {"query": in_an_object}, token=field.token).json()
    assert code_of(body) == "INVALID_INPUT" and "data" not in body
    assert field.refresh().checked_in_at is None


SYNC_ONE = """mutation($ops: [SyncOperationInput!]!, $sentAt: DateTime!) {
  syncBatch(sentAt: $sentAt, operations: $ops) { results { ok } } }"""


@pytest.mark.parametrize("escape", ["\\u0000", "\\ud800", "a\\udfffb"])
def test_nul_or_a_lone_surrogate_inside_a_sync_payload_is_invalid_input_and_stores_nothing(field, escape):
    from mobile_api.models import SyncOperation

    client = Client()
    check_in = {
        "visitId": gid("Visit", field.visit.pk),
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "accuracy": 10,
        "deviceTime": now_iso(),
        "reason": "REASON",
    }
    payload = json.dumps(check_in).replace("REASON", escape)  # an escape of JSON, inside the JSON text
    operation = {"id": str(uuid.uuid4()), "kind": "CHECK_IN", "payload": payload}
    by_variable = post(
        client, {"query": SYNC_ONE, "variables": {"ops": [operation], "sentAt": now_iso()}}, token=field.token
    )
    literal = (
        f'mutation {{ syncBatch(sentAt: "{now_iso()}", operations: [{{id: "{uuid.uuid4()}", kind: CHECK_IN, '
        f"payload: {json.dumps(payload)}}}]) {{ results {{ ok }} }} }}"
    )
    by_literal = post(client, {"query": literal}, token=field.token)
    for answer in (by_variable, by_literal):
        assert answer.status_code == 200 and code_of(answer) == "INVALID_INPUT", answer.json()
        assert not (answer.json().get("data") or {}).get("syncBatch")
    assert field.refresh().checked_in_at is None and not SyncOperation.objects.exists()
    # The same operation with a plain reason goes through: the refusal was the text.
    operation["payload"] = json.dumps(check_in).replace("REASON", "no signal")
    answer = post(
        client, {"query": SYNC_ONE, "variables": {"ops": [operation], "sentAt": now_iso()}}, token=field.token
    ).json()
    assert answer["data"]["syncBatch"]["results"] == [{"ok": True}]


def test_a_node_id_with_a_trailing_nul_does_not_resolve(client, reviewer, small_tree):
    _user, token = reviewer
    good = unit_id(small_tree["01-W1"])
    query = "query($id: ID!) { node(id: $id) { id } }"
    assert (
        post(client, {"query": query, "variables": {"id": good}}, token=token).json()["data"]["node"]["id"]
        == good
    )
    body = post(client, {"query": query, "variables": {"id": good + "\x00"}}, token=token).json()
    assert code_of(body) == "INVALID_INPUT"


def asgi_post(body: bytes, headers: list[tuple[bytes, bytes]], *, declared: int | None = None):
    """A POST through the real ASGI application; returns (status, JSON body, bytes the app asked to read)."""

    async def scenario():
        reads = {"count": 0}
        all_headers = [(b"content-type", b"application/json"), *headers]
        if declared is not None:
            all_headers.append((b"content-length", str(declared).encode()))
        comm = HttpCommunicator(application, "POST", URL, body=body, headers=all_headers)
        original = comm.input_queue.get

        async def counting_get():
            reads["count"] += 1
            return await original()

        comm.input_queue.get = counting_get
        response = await comm.get_response(timeout=10)
        return response["status"], json.loads(response["body"]), reads["count"]

    return async_to_sync(scenario)()


def test_a_body_over_the_limit_is_refused_from_content_length_before_it_is_read(settings):
    status, body, reads = asgi_post(b"", [], declared=100 * 1024 * 1024)
    assert status == 413 and body["errors"][0]["code"] == "REQUEST_TOO_LARGE"
    assert reads == 0  # not a byte of the 100 MiB was asked for


def test_a_chunked_body_over_the_limit_is_cut_off_with_json(settings):
    settings.REQUEST_MAX_BYTES = 10_000
    status, body, _reads = asgi_post(b"x" * 20_000, [])
    assert status == 413 and body["errors"][0]["extensions"]["code"] == "REQUEST_TOO_LARGE"


def test_a_csrf_refusal_on_the_api_is_json(reviewer):
    user, _token = reviewer
    client = Client(enforce_csrf_checks=True)
    client.force_login(user)
    response = client.post(URL, json.dumps({"query": "{ me { username } }"}), content_type="application/json")
    assert response.status_code == 403 and response["Content-Type"].startswith("application/json")
    assert response.json()["errors"][0]["code"] == "CSRF_FAILED"


def test_a_server_error_on_graphql_is_json_with_the_request_id(rf, monkeypatch):
    from apikit.view import GraphQLHTTPView
    from backend.schema import schema

    def broken(self, request):
        raise RuntimeError("a bug")

    monkeypatch.setattr(GraphQLHTTPView, "read_request", broken)  # a bug in the view itself, not a resolver
    request = rf.post(URL, "{}", content_type="application/json")
    response = GraphQLHTTPView.as_view(schema=schema)(request)
    assert response.status_code == 500 and response["Content-Type"].startswith("application/json")
    error = json.loads(response.content)["errors"][0]
    assert error["extensions"]["code"] == "INTERNAL_ERROR" and "requestId" in error["extensions"]
    assert "a bug" not in response.content.decode()


def test_mobile_login_over_websocket_answers_typed(reviewer):
    async def scenario():
        ws = WebsocketCommunicator(
            application, URL, subprotocols=PROTOCOL, headers=[(b"origin", b"http://testserver")]
        )
        await ws.connect()
        await ws.send_json_to({"type": "connection_init", "payload": {}})
        await ws.receive_json_from()
        mutation = (
            'mutation { mobileLogin(username: "noivu", password: "%s", deviceName: "phone") '
            "{ token errors { code } } }"
        )
        await ws.send_json_to(
            {"id": "1", "type": "subscribe", "payload": {"query": mutation % "noivu-pw-2026"}}
        )
        answer = await ws.receive_json_from()
        assert answer["type"] == "next" and "errors" not in answer["payload"], answer
        assert answer["payload"]["data"]["mobileLogin"]["token"]
        await ws.receive_json_from()
        await ws.send_json_to({"id": "2", "type": "subscribe", "payload": {"query": mutation % "wrong"}})
        answer = await ws.receive_json_from()
        assert answer["payload"]["data"]["mobileLogin"]["errors"][0]["code"] == "INVALID_CREDENTIALS"
        await ws.disconnect()

    async_to_sync(scenario)()


# --- cost ----------------------------------------------------------------------------------------------


def test_150_aliases_of_the_board_are_too_costly_and_run_no_sql(client, reviewer, small_tree):
    _user, token = reviewer
    query = BOARD_ALIASES_150.replace("$ID", unit_id(small_tree["01"]))
    with CaptureQueriesContext(connection) as queries:
        body = post(client, {"query": query}, token=token).json()
    assert code_of(body) == "QUERY_TOO_COSTLY" and "data" not in body
    assert len(queries) == 0
    one = query.split(" b1:")[0] + " }"
    assert "errors" not in post(client, {"query": one}, token=token).json()


def test_a_repeated_abusive_document_is_refused_without_parsing_or_costing_it_whole(
    client, reviewer, small_tree, settings, monkeypatch
):
    """What keeps abuse_refusal's ratio low: a document is parsed and validated once per process, and the cost
    walk stops at the first root field over the budget."""
    import apikit.rules

    parsed = []
    real_parse = apikit.rules.parse
    monkeypatch.setattr(apikit.rules, "parse", lambda text: parsed.append(text) or real_parse(text))
    _user, token = reviewer
    query = BOARD_ALIASES_150.replace("$ID", unit_id(small_tree["01"])).replace(
        "{ b0", "query Repeated { b0", 1
    )
    for _ in range(3):
        body = post(client, {"query": query}, token=token).json()
        assert code_of(body) == "QUERY_TOO_COSTLY"
    assert parsed == [query]
    board = settings.GRAPHQL_FIELD_COSTS["board"] + 1
    assert (
        settings.GRAPHQL_MAX_COST
        < body["errors"][0]["extensions"]["cost"]
        <= settings.GRAPHQL_MAX_COST + board
    )
    settings.GRAPHQL_MAX_DEPTH = 1  # a rule's setting changes: the document is checked again under it
    assert code_of(post(client, {"query": query}, token=token)) == "QUERY_TOO_DEEP"


def test_a_batch_sums_its_costs(client, reviewer, small_tree):
    _user, token = reviewer
    twenty = (
        "{ "
        + " ".join(
            f'b{i}: board(authorityId: "{unit_id(small_tree["01"])}", year: 2026) {{ unitCount }}'
            for i in range(20)
        )
        + " }"
    )
    with CaptureQueriesContext(connection) as queries:
        body = post(client, [{"query": twenty}] * 10, token=token).json()
    assert [code_of(item) for item in body] == ["QUERY_TOO_COSTLY"] * 10
    assert len(queries) == 0


# --- rate limits ---------------------------------------------------------------------------------------


def test_a_token_over_its_budget_gets_429_with_retry_after_whatever_it_accepts(client, reviewer, settings):
    settings.RATE_LIMIT_COST_PER_MINUTE = 5
    _user, token = reviewer
    answers = [post(client, {"query": "{ __typename }"}, token=token) for _ in range(5)]
    assert {r.status_code for r in answers} == {200}
    refused = post(client, {"query": "{ __typename }"}, token=token, HTTP_ACCEPT="text/html, */*")
    assert refused.status_code == 429 and code_of(refused) == "RATE_LIMITED"
    assert refused["Content-Type"].startswith("application/json")
    assert 1 <= int(refused["Retry-After"]) <= 60
    # Another caller has its own budget.
    settings.RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE = 5
    assert post(client, {"query": "{ __typename }"}).status_code == 200


def test_anonymous_callers_are_limited_per_address_and_proxies_only_when_trusted(client, settings):
    settings.RATE_LIMIT_ANONYMOUS_COST_PER_MINUTE = 2
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    behind = {"REMOTE_ADDR": "10.0.0.1"}
    for _ in range(2):
        assert (
            post(
                client, {"query": "{ __typename }"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **behind
            ).status_code
            == 200
        )
    assert (
        post(client, {"query": "{ __typename }"}, HTTP_X_FORWARDED_FOR="203.0.113.5", **behind).status_code
        == 429
    )
    # Another client behind the same proxy is someone else.
    assert (
        post(client, {"query": "{ __typename }"}, HTTP_X_FORWARDED_FOR="203.0.113.6", **behind).status_code
        == 200
    )
    # An untrusted sender cannot pick its address with the header.
    for _ in range(2):
        post(
            client, {"query": "{ __typename }"}, HTTP_X_FORWARDED_FOR="198.51.100.1", REMOTE_ADDR="192.0.2.9"
        )
    assert (
        post(
            client, {"query": "{ __typename }"}, HTTP_X_FORWARDED_FOR="198.51.100.2", REMOTE_ADDR="192.0.2.9"
        ).status_code
        == 429
    )


def test_sign_in_is_limited_per_address(client, reviewer, settings):
    settings.RATE_LIMIT_SIGN_INS_PER_MINUTE = 2
    mutation = 'mutation { mobileLogin(username: "x", password: "y", deviceName: "p") { token } }'
    assert [post(client, {"query": mutation}).status_code for _ in range(3)] == [200, 200, 429]


def test_a_caller_over_its_budget_hears_429_json_even_accepting_only_html(client, reviewer, settings):
    settings.RATE_LIMIT_COST_PER_MINUTE = 2
    _user, token = reviewer
    assert post(client, {"query": "{ __typename }"}, token=token, HTTP_ACCEPT="text/html").status_code == 406
    assert post(client, {"query": "{ __typename }"}, token=token).status_code == 200
    refused = post(client, {"query": "{ __typename }"}, token=token, HTTP_ACCEPT="text/html")
    assert refused.status_code == 429 and code_of(refused) == "RATE_LIMITED"
    assert refused["Content-Type"].startswith("application/json") and int(refused["Retry-After"]) >= 1


def test_sign_in_over_websocket_is_limited_per_address_too(reviewer, settings):
    settings.RATE_LIMIT_SIGN_INS_PER_MINUTE = 2
    mutation = 'mutation { mobileLogin(username: "noivu", password: "wrong", deviceName: "p") { token } }'

    async def scenario():
        ws = WebsocketCommunicator(
            application, URL, subprotocols=PROTOCOL, headers=[(b"origin", b"http://testserver")]
        )
        await ws.connect()
        await ws.send_json_to({"type": "connection_init", "payload": {}})
        await ws.receive_json_from()
        kinds = []
        for n in ("1", "2", "3"):
            await ws.send_json_to({"id": n, "type": "subscribe", "payload": {"query": mutation}})
            answer = await ws.receive_json_from()
            kinds.append(answer["type"])
            if answer["type"] == "next":
                await ws.receive_json_from()  # complete
        assert kinds == ["next", "next", "error"]
        assert answer["payload"][0]["extensions"]["code"] == "RATE_LIMITED"
        await ws.disconnect()

    async_to_sync(scenario)()


def test_rate_limits_fail_open_while_the_caches_redis_is_down(client, reviewer, settings, redis_cache):
    redis_server = redis_cache
    settings.RATE_LIMIT_COST_PER_MINUTE = 1
    _user, token = reviewer
    query = {"query": "{ me { username } }"}
    assert post(client, query, token=token).status_code == 200
    assert post(client, query, token=token).status_code == 429  # the counters are in that Redis
    redis_server.stop()
    for _ in range(3):
        answer = post(client, query, token=token)
        assert answer.status_code == 200 and answer.json() == {"data": {"me": {"username": "noivu"}}}
    redis_server.start()  # back: counted again (a fresh Redis, an empty budget)
    assert post(client, query, token=token).status_code == 200
    assert post(client, query, token=token).status_code == 429


# --- subscriptions ---------------------------------------------------------------------------------------


def test_subscriptions_are_capped_per_connection(reviewer, small_tree, settings):
    settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS = 2
    _user, token = reviewer
    authority = unit_id(small_tree["01"])
    subscription = (
        f'subscription {{ boardUpdated(authorityId: "{authority}", year: 2026) {{ visitedUnits }} }}'
    )

    async def scenario():
        ws = WebsocketCommunicator(application, URL, subprotocols=PROTOCOL)
        await ws.connect()
        await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        await ws.receive_json_from()
        for n in ("1", "2", "3"):
            await ws.send_json_to({"id": n, "type": "subscribe", "payload": {"query": subscription}})
        refused = await ws.receive_json_from(timeout=5)
        assert refused["id"] == "3" and refused["type"] == "error"
        assert refused["payload"][0]["extensions"]["code"] == "TOO_MANY_SUBSCRIPTIONS"
        await ws.send_json_to({"id": "1", "type": "complete"})
        await ws.send_json_to({"id": "4", "type": "ping"})
        assert await ws.receive_json_from() == {"type": "pong"}
        await ws.disconnect()

    async_to_sync(scenario)()


@pytest.mark.django_db(transaction=True)  # the subscriptions read the database from threads of their own
def test_subscriptions_are_capped_per_user_over_all_their_connections(reviewer, small_tree, settings):
    from apikit.websocket import OPEN_SUBSCRIPTIONS

    settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS = 5
    settings.GRAPHQL_WS_MAX_SUBSCRIPTIONS_PER_USER = 3
    _user, token = reviewer
    other_token = token_for(make_user("noivu2", Role.HOME_AFFAIRS, small_tree["01-SNV"]))
    authority = unit_id(small_tree["01"])
    subscription = (
        f'subscription {{ boardUpdated(authorityId: "{authority}", year: 2026) {{ visitedUnits }} }}'
    )

    async def open_socket(bearer):
        ws = WebsocketCommunicator(application, URL, subprotocols=PROTOCOL)
        await ws.connect()
        await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {bearer}"}})
        await ws.receive_json_from()
        return ws

    async def subscribe(ws, n):
        await ws.send_json_to({"id": n, "type": "subscribe", "payload": {"query": subscription}})
        await ws.send_json_to({"type": "ping"})  # answered once the subscribe was taken in
        answer = await ws.receive_json_from(timeout=5)
        if answer == {"type": "pong"}:
            return "open"
        await ws.receive_json_from(timeout=5)  # the pong
        assert answer["id"] == n and answer["type"] == "error", answer
        return answer["payload"][0]["extensions"]["code"]

    async def scenario():
        first, second = await open_socket(token), await open_socket(token)
        assert [await subscribe(first, "1"), await subscribe(first, "2")] == ["open", "open"]
        assert await subscribe(second, "1") == "open"
        assert await subscribe(second, "2") == "TOO_MANY_SUBSCRIPTIONS"  # 2 of this socket's 5, but 4 of 3
        someone_else = await open_socket(other_token)
        assert await subscribe(someone_else, "1") == "open"
        await first.send_json_to({"id": "1", "type": "complete"})
        assert await subscribe(second, "3") == "open"  # one ended elsewhere: room again
        await first.disconnect()
        assert await subscribe(second, "4") == "open"
        for ws in (second, someone_else):
            await ws.disconnect()
        await asyncio.sleep(0.1)
        assert OPEN_SUBSCRIPTIONS == {}  # every ended subscription gave its place back

    async_to_sync(scenario)()


def test_node_ids_are_decoded_strictly(client, reviewer, small_tree):
    _user, token = reviewer
    good = unit_id(small_tree["01-W1"])
    query = "query($id: ID!) { node(id: $id) { id } }"
    for lax in (good + "!!", " " + good, good + "\n", good.rstrip("=") + "=="):
        if lax == good:
            continue
        assert (
            post(client, {"query": query, "variables": {"id": lax}}, token=token).json()["data"]["node"]
            is None
        )


# --- automatic persisted queries (Apollo APQ) ----------------------------------------------------------


def test_a_hash_alone_asks_for_the_document_then_is_enough(client, reviewer):
    import hashlib

    _user, token = reviewer
    query = "{ me { username } }"
    digest = hashlib.sha256(query.encode()).hexdigest()
    extensions = {"persistedQuery": {"version": 1, "sha256Hash": digest}}
    first = post(client, {"extensions": extensions}, token=token)
    assert first.status_code == 200 and code_of(first) == "PERSISTED_QUERY_NOT_FOUND"
    wrong = post(client, {"query": "{ __typename }", "extensions": extensions}, token=token)
    assert code_of(wrong) == "BAD_REQUEST"
    full = post(client, {"query": query, "extensions": extensions}, token=token).json()
    assert full == {"data": {"me": {"username": "noivu"}}}
    again = client.get(URL, {"extensions": json.dumps(extensions)}, HTTP_AUTHORIZATION=f"Bearer {token}")
    assert again.json() == {"data": {"me": {"username": "noivu"}}}
    bad = post(client, {"extensions": {"persistedQuery": {"version": 2, "sha256Hash": digest}}}, token=token)
    assert code_of(bad) == "PERSISTED_QUERY_NOT_SUPPORTED"
