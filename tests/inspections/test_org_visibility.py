"""Each role sees exactly the units the rule gives, on every surface: list, count, unit lookup, node, admin."""

import base64

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inspections.models import OrgUnit
from tests.factories import gql, token_for

ORG_UNITS = "query { orgUnits(first: 100) { totalCount edges { node { code } } } }"
ORG_UNIT = "query($id: ID!) { orgUnit(id: $id) { code } }"
NODE = "query($id: ID!) { node(id: $id) { id ... on OrgUnit { code name } } }"

ALL_CODES = {
    "01",
    "01-SNV",
    "01-TTR",
    "01-W1",
    "01-W2",
    "01-W1-X",
    "02",
    "02-SNV",
    "02-TTR",
    "02-W1",
    "02-W2",
}
PROVINCE_01 = {code for code in ALL_CODES if code.startswith("01")}
# The rule of DESIGN.md §3.2 as the issue states it, written out by hand for the small tree.
EXPECTED = {
    "admin": ALL_CODES,
    "home_affairs": PROVINCE_01,  # Sở Nội vụ of province 01 sees the whole province
    "inspector": PROVINCE_01,  # Thanh tra acts for its province
    "ward_head": {"01-W2"},
    "district_head": {"01-W1", "01-W1-X"},  # a unit and what is under it
    "department_head": {"01-SNV"},  # a department and what is under it (nothing)
    "staff": {"01-W2"},
}


def global_id(unit: OrgUnit) -> str:
    return base64.b64encode(f"OrgUnit:{unit.pk}".encode()).decode()


@pytest.mark.parametrize("role", sorted(EXPECTED))
def test_each_role_sees_exactly_its_units(role, role_users, small_tree):
    token = token_for(role_users[role])
    client = Client()
    listed = gql(client, ORG_UNITS, token=token)["data"]["orgUnits"]
    assert {edge["node"]["code"] for edge in listed["edges"]} == EXPECTED[role]
    assert listed["totalCount"] == len(EXPECTED[role])
    for code, unit in small_tree.items():
        by_field = gql(client, ORG_UNIT, {"id": global_id(unit)}, token=token)["data"]["orgUnit"]
        by_node = gql(client, NODE, {"id": global_id(unit)}, token=token)["data"]["node"]
        visible = code in EXPECTED[role]
        assert (by_field is not None) is visible, code
        assert (by_node is not None) is visible, code


def test_anonymous_sees_nothing(small_tree):
    client = Client()
    listed = gql(client, ORG_UNITS)["data"]["orgUnits"]
    assert listed == {"totalCount": 0, "edges": []}
    assert gql(client, NODE, {"id": global_id(small_tree["01"])})["data"]["node"] is None


def test_hidden_node_answers_exactly_like_a_missing_one(role_users, small_tree):
    """A ward head asking for another ward gets the same bytes, the same SQL count, as for a random id."""
    token = token_for(role_users["ward_head"])
    client = Client()
    other_ward = global_id(small_tree["02-W1"])
    missing = base64.b64encode(b"OrgUnit:987654321").decode()
    malformed = "not-a-global-id"
    gql(client, "{ me { id } }", token=token)  # the token's first use writes its last-use time; not measured
    answers, counts = [], []
    for node_id in (other_ward, missing, malformed):
        for query in (NODE, ORG_UNIT):
            with CaptureQueriesContext(connection) as queries:
                response = client.post(
                    "/graphql/",
                    {"query": query, "variables": {"id": node_id}},
                    content_type="application/json",
                    HTTP_AUTHORIZATION=f"Bearer {token}",
                )
            answers.append((query, response.status_code, response.content))
            counts.append((query, len(queries)))
    assert answers[0] == answers[2] == answers[4]
    assert answers[1] == answers[3] == answers[5]
    assert b'"node":null' in answers[0][2]
    # The hidden and the missing ids each cost the same queries (a malformed id may cost fewer: it is not an id).
    assert counts[0] == counts[2] and counts[1] == counts[3]


def test_parent_is_hidden_when_the_caller_may_not_see_it(role_users, small_tree):
    token = token_for(role_users["ward_head"])
    data = gql(Client(), "{ orgUnits(first: 5) { edges { node { code parent { code } } } } }", token=token)
    assert data["data"]["orgUnits"]["edges"] == [{"node": {"code": "01-W2", "parent": None}}]
    token = token_for(role_users["home_affairs"])
    data = gql(
        Client(),
        "{ orgUnits(first: 20, kind: WARD) { edges { node { code parent { code } } } } }",
        token=token,
    )
    assert {(e["node"]["code"], e["node"]["parent"]["code"]) for e in data["data"]["orgUnits"]["edges"]} == {
        ("01-W1", "01"),
        ("01-W1-X", "01-W1"),
    }


@pytest.mark.parametrize("role", ["home_affairs", "ward_head", "district_head", "staff"])
def test_admin_changelist_shows_only_visible_units(role, role_users, small_tree):
    from django.contrib.auth.models import Permission

    user = role_users[role]
    user.is_staff = True
    user.save()
    user.user_permissions.add(Permission.objects.get(codename="view_orgunit"))
    client = Client()
    client.force_login(user)
    response = client.get("/admin/inspections/orgunit/")
    assert response.status_code == 200
    shown = {unit.code for unit in response.context["cl"].queryset}
    assert shown == EXPECTED[role]
    # A unit outside the scope answers like one that does not exist.
    outside = small_tree["02-W1"]
    assert (
        client.get(f"/admin/inspections/orgunit/{outside.pk}/change/").status_code
        == client.get("/admin/inspections/orgunit/99999999/change/").status_code
    )


def test_subtree_and_ancestry_answer_in_one_query_at_any_depth(small_tree):
    deep, province = small_tree["01-W1-X"], small_tree["01"]
    with CaptureQueriesContext(connection) as queries:
        under = set(OrgUnit.objects.filter(path__startswith=province.path).values_list("code", flat=True))
    assert len(queries) == 1
    assert under == PROVINCE_01
    with CaptureQueriesContext(connection) as queries:
        assert deep.is_within(province) and deep.is_within(small_tree["01-W1"])
        assert not deep.is_within(small_tree["02"])
    assert len(queries) == 0
