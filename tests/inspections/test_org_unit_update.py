"""updateOrgUnit: typed field errors for bad input, nothing written; permissions follow the tree."""

import base64

import pytest
from django.test import Client

from inspections.models import OrgUnit
from tests.factories import gql, token_for

UPDATE = """mutation($id: ID!, $address: String, $geofence: GeofenceInput) {
  updateOrgUnit(id: $id, address: $address, geofence: $geofence) {
    unit { code address geofence { latitude longitude radiusMeters } }
    errors { field code message }
  }
}"""


def gid(unit):
    return base64.b64encode(f"OrgUnit:{unit.pk}".encode()).decode()


def row(unit):
    return OrgUnit.objects.filter(pk=unit.pk).values().get()


def update(user, unit, **variables):
    return gql(Client(), UPDATE, {"id": gid(unit), **variables}, token=token_for(user))["data"][
        "updateOrgUnit"
    ]


def codes(payload):
    return sorted((e["field"], e["code"]) for e in payload["errors"])


@pytest.mark.parametrize(
    "geofence, expected",
    [
        ({"latitude": 91, "longitude": 106.7, "radiusMeters": 100}, [("latitude", "OUT_OF_RANGE")]),
        ({"latitude": 10.7, "longitude": -181, "radiusMeters": 100}, [("longitude", "OUT_OF_RANGE")]),
        ({"latitude": 10.7, "longitude": 106.7, "radiusMeters": 0}, [("radiusMeters", "OUT_OF_RANGE")]),
        (
            {"latitude": 95, "longitude": 200, "radiusMeters": 60000},
            [("latitude", "OUT_OF_RANGE"), ("longitude", "OUT_OF_RANGE"), ("radiusMeters", "OUT_OF_RANGE")],
        ),
    ],
)
def test_bad_geofence_answers_field_errors_and_writes_nothing(geofence, expected, role_users, small_tree):
    ward = small_tree["01-W2"]
    before = row(ward)
    payload = update(role_users["home_affairs"], ward, address="Số 1 Lê Lợi", geofence=geofence)
    assert payload["unit"] is None and codes(payload) == expected
    assert row(ward) == before  # the valid address was not written either


def test_address_too_long(role_users, small_tree):
    ward = small_tree["01-W2"]
    before = row(ward)
    payload = update(role_users["home_affairs"], ward, address="x" * 501)
    assert codes(payload) == [("address", "INVALID")] and row(ward) == before


def test_non_numbers_are_refused_by_graphql_itself(role_users, small_tree):
    response = Client().post(
        "/graphql/",
        {
            "query": UPDATE,
            "variables": {
                "id": gid(small_tree["01-W2"]),
                "geofence": {"latitude": "NaN", "longitude": 1, "radiusMeters": 1},
            },
        },
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token_for(role_users['admin'])}",
    )
    assert response.json()["errors"][0]["message"].startswith("Variable '$geofence' got invalid value")


def test_home_affairs_sets_and_clears_a_geofence_in_its_province(role_users, small_tree):
    ward = small_tree["01-W2"]
    payload = update(
        role_users["home_affairs"],
        ward,
        geofence={"latitude": 10.77, "longitude": 106.7, "radiusMeters": 150},
    )
    assert payload["errors"] == []
    assert payload["unit"]["geofence"] == {"latitude": 10.77, "longitude": 106.7, "radiusMeters": 150}
    payload = update(role_users["home_affairs"], ward, geofence=None)
    assert payload["errors"] == [] and payload["unit"]["geofence"] is None
    assert row(ward)["geofence_radius_m"] is None


def test_who_may_edit(role_users, small_tree):
    own_ward, other_province = small_tree["01-W2"], small_tree["02-W1"]
    staff = role_users["staff"]
    assert codes(update(staff, own_ward, address="x")) == [(None, "PERMISSION_DENIED")]
    # A unit the caller cannot see answers exactly like one that does not exist.
    hidden = update(staff, other_province, address="x")
    missing = gql(
        Client(),
        UPDATE,
        {"id": base64.b64encode(b"OrgUnit:99999999").decode(), "address": "x"},
        token=token_for(staff),
    )["data"]["updateOrgUnit"]
    assert hidden == missing
    assert hidden["unit"] is None and codes(hidden) == [("id", "NOT_FOUND")]
    assert codes(update(role_users["home_affairs"], other_province, address="x")) == [("id", "NOT_FOUND")]
    assert update(role_users["admin"], other_province, address="Số 2")["unit"]["address"] == "Số 2"
    assert row(own_ward)["address"] == ""
