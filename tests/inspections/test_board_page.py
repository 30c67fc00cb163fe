"""The web compliance board page (``/board/``): who gets it, what it shows, in which language."""

import json
import re

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import approved_plan, gid

CONFIG = re.compile(r'<script id="board-config" type="application/json">(.*?)</script>', re.S)


def config_of(response) -> dict:
    match = CONFIG.search(response.content.decode())
    assert match, "the page has no #board-config JSON"
    return json.loads(match.group(1))


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_url_is_named_board():
    assert reverse("board") == "/board/"


@pytest.mark.django_db
def test_anonymous_users_are_sent_to_the_sign_in_page():
    response = Client().get("/board/")
    assert response.status_code == 302
    assert response["Location"] == "/login/?next=/board/"  # the portal's one sign-in page for every role


def test_home_affairs_sees_the_board_of_its_province_in_vietnamese(world):
    approved_plan(world)
    response = signed_in(world.reviewer).get("/board/")
    assert response.status_code == 200
    assert response["Content-Language"] == "vi"
    html = response.content.decode()
    for unit in world.units.values():
        assert unit.name in html
    assert 'src="/static/board/board.js"' in html and 'href="/static/board/board.css"' in html
    assert "Bảng theo dõi tuân thủ" in html  # the title, through {% translate %}
    config = config_of(response)
    assert config["authorityId"] == gid("OrgUnit", world.province.pk)
    assert config["lang"] == "vi" and config["graphqlPath"] == "/graphql/"
    assert config["strings"]["visited"] == "Đã kiểm tra"
    assert config["strings"]["statusRED"] == "Cảnh báo"
    assert config["strings"]["coverageText"] == "Đã kiểm tra %(visited)s/%(target)s đơn vị"
    assert config["severities"]["CRITICAL"] == "Đặc biệt nghiêm trọng"
    # The table drawn by the server: every unit of the province, with its traffic light.
    assert html.count("data-unit-id=") == len(world.units)
    assert response.cookies.get("csrftoken")  # the page's script posts to /graphql/ with it


def test_english_with_lang_en_and_it_is_remembered(world):
    client = signed_in(world.reviewer)
    response = client.get("/board/", {"lang": "en"})
    assert response.status_code == 200 and response["Content-Language"] == "en"
    config = config_of(response)
    assert config["lang"] == "en"
    assert config["strings"]["visited"] == "Visited"
    assert config["strings"]["statusRED"] == "Alert"
    html = response.content.decode()
    assert "Compliance board" in html and '<html lang="en">' in html
    assert 'href="/board/?lang=vi"' in html  # the switch back
    assert config_of(client.get("/board/"))["lang"] == "en"  # the language cookie remembers the choice
    assert config_of(client.get("/board/", {"lang": "vi"}))["strings"]["visited"] == "Đã kiểm tra"


def test_filters_sort_and_year_in_the_url(world):
    client = signed_in(world.reviewer)
    response = client.get(
        "/board/", {"kind": "DEPARTMENT", "sort": "NAME", "year": "2027", "severity": "MAJOR"}
    )
    config = config_of(response)
    assert config["year"] == 2027
    assert config["filters"] == {"kind": "DEPARTMENT", "severity": "MAJOR", "sort": "NAME"}
    html = response.content.decode()
    assert html.count("data-unit-id=") == 3 and "Đơn vị W01" not in html  # the three departments
    bad = config_of(client.get("/board/", {"kind": "<script>", "sort": "DROP", "year": "99999"}))
    assert bad["filters"] == {"kind": "", "severity": "", "sort": "RANK"} and bad["year"] >= 2026


def test_a_ward_head_gets_no_board(world):
    approved_plan(world)
    head = world.unit_people(world.units["W01"])[0]
    client = signed_in(head)
    for params in ({}, {"authority": gid("OrgUnit", world.province.pk)}):
        response = client.get("/board/", params)
        assert response.status_code == 403
        html = response.content.decode()
        assert "board-config" not in html and "data-unit-id" not in html
        assert "Không có bảng theo dõi tuân thủ" in html
        assert "Đơn vị W02" not in html
    english = client.get("/board/", {"lang": "en"})
    assert english.status_code == 403 and "No compliance board for you here" in english.content.decode()


def test_an_authority_id_that_is_not_an_org_unit_is_no_board(world):
    client = signed_in(world.reviewer)
    for authority in ("nonsense", gid("User", world.reviewer.pk), gid("OrgUnit", 999_999)):
        assert client.get("/board/", {"authority": authority}).status_code == 403
    # Another unit's board by its id: the reviewer's province includes its departments.
    response = client.get("/board/", {"authority": gid("OrgUnit", world.units["P1-SNV"].pk)})
    assert response.status_code == 200 and config_of(response)["authorityName"] == "Đơn vị P1-SNV"


def test_the_head_of_an_authority_with_units_under_it_gets_its_own_board(world):
    from inspections.models import OrgUnit, OrgUnitKind

    ward = world.units["W02"]
    OrgUnit.objects.add_child(
        ward, instance=OrgUnit(code="W02-K1", kind=OrgUnitKind.WARD, name="Khu phố 1", parent=ward)
    )
    head = world.unit_people(OrgUnit.objects.get(pk=ward.pk))[0]
    response = signed_in(head).get("/board/")
    assert response.status_code == 200
    assert config_of(response)["authorityId"] == gid("OrgUnit", ward.pk)
    html = response.content.decode()
    assert "Khu phố 1" in html and "Đơn vị W01" not in html
