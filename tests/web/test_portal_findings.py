"""A unit head's findings in the portal: the inbox, one finding's timeline, answering with photos."""

import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from PIL import Image
from skimage import data as photographs

from inspections.models import Evidence, Remediation, RemediationState
from inspections.services import remediation as remediation_service
from tests.factories import surprise_visits

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo(name="fix.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.fromarray(photographs.coffee()).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def test_the_head_finds_the_finding_in_the_inbox_with_its_countdown(submitted):
    page = signed_in(submitted.head).get("/findings/").content.decode()
    assert "Không niêm yết mức phí tại quầy" in page
    assert re.search(r"\d+ ngày làm việc", page)
    assert f"/findings/{submitted.finding.uuid}/" in page


def test_another_wards_head_gets_what_a_missing_finding_gets(submitted):
    other_head, _ = submitted.field.world.unit_people(
        submitted.field.world.units["W10"]
        if submitted.finding.unit.code != "W10"
        else submitted.field.world.units["W09"]
    )
    client = signed_in(other_head)
    assert "Không niêm yết" not in client.get("/findings/").content.decode()
    hidden = client.get(f"/findings/{submitted.finding.uuid}/")
    missing = client.get("/findings/00000000-0000-4000-8000-000000000000/")
    assert hidden.status_code == missing.status_code == 404
    assert hidden.content == missing.content


def test_the_head_answers_with_a_photo_and_sees_it_in_the_timeline(submitted):
    client = signed_in(submitted.head)
    url = f"/findings/{submitted.finding.uuid}/"
    response = client.post(
        url,
        {
            "plan_of_action": "Niêm yết bảng phí tại quầy 1",
            "fix_done": "Đã dán bảng phí",
            "fixed_on": "",
            "photos": [photo()],
        },
    )
    assert response.status_code == 302 and response["Location"] == url
    remediation = Remediation.objects.get(finding=submitted.finding)
    assert remediation.state == RemediationState.ANSWERED
    answer = remediation.answers.get()
    assert answer.accountable == submitted.head and Evidence.objects.filter(answer=answer).count() == 1
    page = client.get(url).content.decode()
    assert "Niêm yết bảng phí tại quầy 1" in page and 'id="answer"' not in page  # answered: no form any more


def test_an_answer_without_a_plan_is_refused_and_changes_nothing(submitted):
    client = signed_in(submitted.head)
    response = client.post(
        f"/findings/{submitted.finding.uuid}/", {"plan_of_action": "  ", "photos": [photo()]}
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    remediation = Remediation.objects.get(finding=submitted.finding)
    assert remediation.state == RemediationState.OPEN and not remediation.answers.exists()
    assert not Evidence.objects.filter(answer__isnull=False).exists()
    assert not Evidence.objects.filter(finding__isnull=True, answer__isnull=True).exists()  # no orphan photo


def test_the_head_reads_why_an_answer_was_rejected(submitted):
    remediation = Remediation.objects.get(finding=submitted.finding)
    remediation = remediation_service.answer(
        remediation, remediation_service.AnswerInput(plan_of_action="Sẽ niêm yết"), actor=submitted.head
    )
    remediation_service.reject(
        remediation, "Chưa có ảnh bảng phí đã niêm yết", actor=submitted.field.inspector
    )
    page = signed_in(submitted.head).get(f"/findings/{submitted.finding.uuid}/").content.decode()
    assert "Chưa có ảnh bảng phí đã niêm yết" in page and 'class="decision rejected"' in page
    assert 'id="answer"' in page  # rejected: the head answers again


def test_staff_not_assigned_read_but_do_not_answer(submitted):
    client = signed_in(submitted.staff)
    url = f"/findings/{submitted.finding.uuid}/"
    assert 'id="answer"' not in client.get(url).content.decode()
    assert client.post(url, {"plan_of_action": "x"}).status_code == 404
    assert Remediation.objects.get(finding=submitted.finding).state == RemediationState.OPEN


def placeholders(html: str, user, unit) -> str:
    """The page with what differs between two users by right (their name, unit, ids, tokens) blanked."""
    for value, mark in (
        (user.display_name, "USER"),
        (user.username, "USER"),
        (unit.name, "UNIT"),
        (unit.code, "CODE"),
    ):
        html = html.replace(value, mark)
    html = re.sub(r'"X-CSRFToken": "[^"]+"', '"X-CSRFToken": "TOKEN"', html)
    return re.sub(
        r'name="csrfmiddlewaretoken" value="[^"]+"', 'name="csrfmiddlewaretoken" value="TOKEN"', html
    )


# Values for the URL parameters of the portal's urlconf; the plan is the one that drew the unit.
SAMPLE_UUID = "00000000-0000-4000-8000-000000000000"
# Query strings worth trying on a page besides the bare URL (every filter a head can set).
QUERIES = {
    "portal-inbox": [
        "?state=",
        "?state=overdue",
        "?state=answered",
        "?state=extension",
        "?state=closed",
        "?severity=critical",
        "?severity=major",
        "?severity=minor",
        "?overdue=on",
        "?page=2",
    ],
    "portal-scorecard": ["?year=2026", "?year=2027"],
    "portal-plans": [],
    "portal-plan": ["?month=2027-03"],
}


def portal_paths(plan) -> list[tuple[str, str]]:
    """(name, path) for every route of the portal's urlconf, each with the queries above."""
    from django.urls import reverse

    from inspections.web.portal.urls import urlpatterns

    values = {
        "finding_uuid": SAMPLE_UUID,
        "plan_id": plan.pk,
        "notification_id": 1,
        "uidb64": "MQ",
        "token": "set-password",
    }
    paths = []
    for pattern in urlpatterns:
        kwargs = {name: values[name] for name in pattern.pattern.converters}
        path = reverse(pattern.name, kwargs=kwargs)
        paths += [(pattern.name, path + query) for query in ["", *QUERIES.get(pattern.name, [])]]
    return paths


def twin_heads(field):
    """The head of the unit drawn for the surprise visit (today, not checked in) and of an undrawn twin."""
    world = field.world
    drawn = field.visit.unit
    drawn_codes = {v.unit.code for v in surprise_visits(field.visit.plan)}
    twin = next(u for code, u in world.units.items() if code.startswith("W") and code not in drawn_codes)
    return [(world.unit_people(unit)[0], unit) for unit in (drawn, twin)]


def test_a_drawn_units_head_learns_nothing_before_check_in(field):
    """Differential over EVERY route of the portal (GET, then POST with an empty form): the head of the unit
    drawn for a surprise visit and the head of an undrawn twin get the same status and the same page, once
    their names, codes and tokens are blanked."""
    heads = twin_heads(field)
    clients = [signed_in(head) for head, _unit in heads]
    paths = portal_paths(field.visit.plan)
    assert len({name for name, _path in paths}) >= 20  # the whole urlconf, not a sample
    for method in ("get", "post"):
        for name, path in sorted(paths, key=lambda item: item[0] == "portal-logout"):  # sign out last
            answers = []
            for (head, unit), client in zip(heads, clients, strict=True):
                response = getattr(client, method)(path)
                body = response.content.decode() if "html" in response.get("Content-Type", "") else ""
                answers.append(
                    (response.status_code, response.get("Location"), placeholders(body, head, unit))
                )
            assert answers[0] == answers[1], f"{method.upper()} {path} ({name}) tells the drawn unit apart"
            if name == "portal-logout":
                clients = [signed_in(head) for head, _unit in heads]


def test_a_fix_date_that_is_not_a_date_is_refused_and_changes_nothing(submitted):
    response = signed_in(submitted.head).post(
        f"/findings/{submitted.finding.uuid}/", {"plan_of_action": "Niêm yết", "fixed_on": "31/02/2026"}
    )
    assert response.status_code == 400 and "Nhập một ngày." in response.content.decode()
    assert Remediation.objects.get(finding=submitted.finding).state == RemediationState.OPEN
