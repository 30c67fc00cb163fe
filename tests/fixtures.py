"""Fixtures shared by the whole suite: real org units, real users of every role, a GraphQL client."""

import json

import pytest
from django.test import Client

from inspections.models import OrgUnit, OrgUnitKind, Role, User
from inspections.services.divisions import find_province, load_divisions
from mobile_api.services import issue_token

GRAPHQL_URL = "/graphql/"


def gql(client: Client, query: str, variables: dict | None = None, *, token: str | None = None, **headers):
    """POST a GraphQL operation the way a client does; returns the parsed JSON body."""
    if token:
        headers["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    response = client.post(
        GRAPHQL_URL, json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json", **headers,
    )
    assert response.status_code == 200, response.content
    return response.json()


def make_user(username: str, role: str, unit: OrgUnit | None, *, heads: bool = False, **extra) -> User:
    user = User.objects.create_user(username=username, password=f"{username}-pw-2026", role=role, unit=unit,
                                    first_name=username.title(), **extra)
    if heads:
        OrgUnit.objects.filter(pk=unit.pk).update(head=user)
    return user


def token_for(user: User) -> str:
    return issue_token(user, device_name="test phone").token


@pytest.fixture
def hcmc(db):
    """Hồ Chí Minh City with its 168 wards/communes and 12 departments, loaded by the real loader."""
    load_divisions([find_province("79")])
    return OrgUnit.objects.get(code="79")


@pytest.fixture
def small_tree(db):
    """Two provinces, each with a department and two wards, built through treebeard; a third level under one ward
    (an older province → district → ward shape) to exercise depth."""
    units = {}
    for pcode in ("01", "02"):
        province = OrgUnit.objects.add_root(instance=OrgUnit(code=pcode, kind=OrgUnitKind.PROVINCE, name=f"Tỉnh {pcode}"))
        units[pcode] = province
        for suffix, kind in (("SNV", OrgUnitKind.DEPARTMENT), ("TTR", OrgUnitKind.DEPARTMENT),
                             ("W1", OrgUnitKind.WARD), ("W2", OrgUnitKind.COMMUNE)):
            code = f"{pcode}-{suffix}"
            units[code] = OrgUnit.objects.add_child(province, instance=OrgUnit(code=code, kind=kind, name=f"Đơn vị {code}",
                                                              parent=province))
            province.refresh_from_db()
    district = units["01-W1"]
    units["01-W1-X"] = OrgUnit.objects.add_child(district, instance=OrgUnit(code="01-W1-X", kind=OrgUnitKind.WARD,
                                                          name="Tổ dân phố X", parent=district))
    return units


@pytest.fixture
def role_users(small_tree):
    u = small_tree
    return {
        "admin": make_user("admin", Role.ADMINISTRATOR, None),
        "home_affairs": make_user("noivu", Role.HOME_AFFAIRS, u["01-SNV"]),
        "inspector": make_user("thanhtra", Role.INSPECTOR, u["01-TTR"]),
        "ward_head": make_user("truongphuong", Role.UNIT_HEAD, u["01-W2"], heads=True),
        "district_head": make_user("truongquan", Role.UNIT_HEAD, u["01-W1"], heads=True),
        "department_head": make_user("giamdoc", Role.UNIT_HEAD, u["01-SNV"], heads=True),
        "staff": make_user("canbo", Role.UNIT_STAFF, u["01-W2"]),
    }


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path):
    """Each test stores files in its own folder, through the real file-system storage."""
    settings.STORAGES = {**settings.STORAGES, "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media-not-public/"},
    }}
    return tmp_path / "media"
