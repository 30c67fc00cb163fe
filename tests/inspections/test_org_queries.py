"""orgUnits: filters, pagination and a constant number of SQL queries whatever the page size."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from inspections.models import OrgUnit, Role
from tests.factories import gid, gql, make_user, token_for

LIST = """query($first: Int, $after: String, $kind: OrgUnitKind, $search: String, $parent: ID, $under: ID) {
  orgUnits(first: $first, after: $after, kind: $kind, search: $search, parent: $parent, under: $under) {
    totalCount
    pageInfo { hasNextPage endCursor }
    edges { node { id code name kind parent { code } head { fullName } } }
  }
}"""


@pytest.fixture
def reviewer_token(hcmc):
    reviewer = make_user("noivu-79", Role.HOME_AFFAIRS, OrgUnit.objects.get(code="79-SNV"))
    for ward in OrgUnit.objects.filter(parent=hcmc)[:150]:
        make_user(f"head{ward.code}", Role.UNIT_HEAD, ward, heads=True)
    token = token_for(reviewer)
    gql(Client(), "{ me { id } }", token=token)  # first use records last-use time
    return token


def listing(token, **variables):
    return gql(Client(), LIST, variables, token=token)["data"]["orgUnits"]


def test_query_count_does_not_grow_with_the_page(reviewer_token):
    counts = {}
    for first in (5, 150):
        with CaptureQueriesContext(connection) as queries:
            page = listing(reviewer_token, first=first)
        assert len(page["edges"]) == first
        assert all(edge["node"]["head"] for edge in page["edges"][1:])
        counts[first] = len(queries)
    assert counts[5] == counts[150]


def test_filters_and_pagination(reviewer_token, hcmc):
    everything = listing(reviewer_token, first=500)
    assert everything["totalCount"] == 1 + 12 + 168
    wards = listing(reviewer_token, first=500, kind="WARD")
    assert wards["totalCount"] == OrgUnit.objects.filter(kind="ward", parent=hcmc).count() > 0
    found = listing(reviewer_token, first=10, search="ben thanh")
    assert [edge["node"]["name"] for edge in found["edges"]] == ["Phường Bến Thành"]
    by_code = listing(reviewer_token, first=10, search="79-SNV")
    assert [edge["node"]["code"] for edge in by_code["edges"]] == ["79-SNV"]
    province_id = everything["edges"][0]["node"]["id"]
    children = listing(reviewer_token, first=500, parent=province_id)
    assert children["totalCount"] == 180
    under = listing(reviewer_token, first=500, under=province_id)
    assert under["totalCount"] == 180
    # Pages follow each other without gaps or repeats.
    seen, after = [], None
    while True:
        page = listing(reviewer_token, first=50, after=after)
        seen += [edge["node"]["code"] for edge in page["edges"]]
        if not page["pageInfo"]["hasNextPage"]:
            break
        after = page["pageInfo"]["endCursor"]
    assert seen == [edge["node"]["code"] for edge in everything["edges"]]


UNIT_STAFF = """query($unit: ID!) { unitStaff(unitId: $unit) { username fullName } }"""


def test_a_units_staff_are_listed_to_its_people_and_the_authorities_above(world):
    ward = world.units["W01"]
    head, staff = world.unit_people(ward)
    make_user("staff-W01-b", Role.UNIT_STAFF, ward)
    make_user("staff-W01-gone", Role.UNIT_STAFF, ward, is_active=False)
    other_head, other_staff = world.unit_people(world.units["W02"])
    province_head = make_user("head-P1", Role.UNIT_HEAD, world.province, heads=True)

    def listed(user):
        rows = gql(Client(), UNIT_STAFF, {"unit": gid("OrgUnit", ward.pk)}, token=token_for(user))["data"]
        return sorted(row["username"] for row in rows["unitStaff"])

    everyone = ["staff-W01", "staff-W01-b"]
    for viewer in (head, staff, province_head, world.reviewer, world.admin):
        assert listed(viewer) == everyone, viewer.username
    for viewer in (other_head, other_staff, world.inspectors[0]):
        assert listed(viewer) == [], viewer.username
