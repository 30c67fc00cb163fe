"""The unit's side of remediation in the portal: staff drafts the head edits and sends, assigning from the unit's
staff, asking for more time and Home Affairs deciding it, the inbox's filters, notifications and the scorecard."""

import io
import re
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from PIL import Image
from skimage import data as photographs

from inspections.models import (
    Evidence,
    Notification,
    Remediation,
    RemediationDraft,
    RemediationState,
    Severity,
)
from inspections.services import remediation as remediation_service
from inspections.services.calendar import add_working_days
from tests.factories import add_finding, make_user

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def photo(name="bang-phi.jpg") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.fromarray(photographs.coffee()).save(buffer, "JPEG", quality=85)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def remediation_of(submitted) -> Remediation:
    return Remediation.objects.get(finding=submitted.finding)


def test_the_head_assigns_the_finding_to_a_staff_member_picked_from_the_list(submitted):
    client = signed_in(submitted.head)
    url = f"/findings/{submitted.finding.uuid}/"
    page = client.get(url).content.decode()
    assert f'<option value="{submitted.staff.pk}">{submitted.staff.display_name}</option>' in page
    response = client.post(f"{url}assign/", {"assignee": submitted.staff.pk})
    assert response.status_code == 302
    assert remediation_of(submitted).assignee == submitted.staff
    assert Notification.objects.filter(recipient=submitted.staff, kind="assigned").exists()


def test_someone_outside_the_units_staff_cannot_be_assigned(submitted):
    outsider = make_user("staff-elsewhere", "unit_staff", submitted.field.world.units["P1-TTR"])
    response = signed_in(submitted.head).post(
        f"/findings/{submitted.finding.uuid}/assign/", {"assignee": outsider.pk}
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert remediation_of(submitted).assignee is None


def test_staff_drafts_and_the_head_edits_and_sends_it_in_their_name(submitted):
    remediation_service.assign(remediation_of(submitted), submitted.staff, actor=submitted.head)
    url = f"/findings/{submitted.finding.uuid}/"
    staff = signed_in(submitted.staff)
    assert "Lưu bản nháp" in staff.get(url).content.decode()  # the staff's button saves a draft
    assert staff.post(url, {"plan_of_action": "Dán bảng phí"}).status_code == 302
    remediation = remediation_of(submitted)
    assert remediation.state == RemediationState.OPEN and not remediation.answers.exists()
    assert Notification.objects.filter(recipient=submitted.head, kind="draft").exists()  # the head is told

    head = signed_in(submitted.head)
    page = head.get(url).content.decode()
    assert 'id="draft-note"' in page and "Dán bảng phí</textarea>" in page
    assert head.post(url, {"plan_of_action": "Dán bảng phí tại quầy 1 và 2"}).status_code == 302
    remediation = remediation_of(submitted)
    assert remediation.state == RemediationState.ANSWERED
    answer = remediation.answers.get()
    assert answer.plan_of_action == "Dán bảng phí tại quầy 1 và 2"
    assert (answer.accountable, answer.drafted_by) == (submitted.head, submitted.staff)


def test_the_head_asks_for_more_time_and_home_affairs_grants_it(submitted):
    remediation = remediation_of(submitted)
    original = remediation.deadline
    until = add_working_days(original, 10)
    url = f"/findings/{submitted.finding.uuid}/"
    head = signed_in(submitted.head)
    response = head.post(f"{url}extension/", {"until": until.isoformat(), "reason": "Chờ in bảng phí mới"})
    assert response.status_code == 302
    reviewer = submitted.field.world.reviewer
    assert Notification.objects.filter(recipient=reviewer, kind="extension").exists()
    inbox = signed_in(reviewer).get("/findings/?state=extension").content.decode()
    assert url in inbox

    inspector_page = signed_in(submitted.field.inspector).get(url).content.decode()
    assert "extension/decision/" not in inspector_page  # the inspector does not decide
    page = signed_in(reviewer).get(url).content.decode()
    assert "extension/decision/" in page
    assert signed_in(reviewer).post(f"{url}extension/decision/", {"decision": "grant"}).status_code == 302
    remediation.refresh_from_db()
    assert remediation.extension_granted is True and remediation.deadline == until
    page = head.get(url).content.decode()
    assert 'id="extension-decision"' in page
    assert f'<span id="original-deadline">{original:%d/%m/%Y}</span>' in page
    assert f'<strong id="deadline">{until:%d/%m/%Y}</strong>' in page


def test_a_date_not_after_the_deadline_is_refused_and_nothing_is_asked(submitted):
    remediation = remediation_of(submitted)
    response = signed_in(submitted.head).post(
        f"/findings/{submitted.finding.uuid}/extension/",
        {"until": (remediation.deadline - timedelta(days=1)).isoformat(), "reason": "x"},
    )
    assert response.status_code == 400 and 'role="alert"' in response.content.decode()
    assert remediation_of(submitted).extension_requested_at is None


def test_an_inspector_posting_a_decision_changes_nothing(submitted):
    remediation = remediation_of(submitted)
    remediation_service.request_extension(
        remediation, add_working_days(remediation.deadline, 5), "Chờ vật tư", actor=submitted.head
    )
    response = signed_in(submitted.field.inspector).post(
        f"/findings/{submitted.finding.uuid}/extension/decision/", {"decision": "grant"}
    )
    assert response.status_code == 400
    assert remediation_of(submitted).extension_granted is None


def test_the_inbox_filters_by_severity_and_overdue(submitted, clock):
    client = signed_in(submitted.head)
    other = next(value for value in Severity.values if value != submitted.finding.severity)
    assert (
        "Không niêm yết" in client.get(f"/findings/?severity={submitted.finding.severity}").content.decode()
    )
    assert "Không niêm yết" not in client.get(f"/findings/?severity={other}").content.decode()
    assert "Không niêm yết" not in client.get("/findings/?overdue=on").content.decode()
    clock.move_to(remediation_of(submitted).deadline + timedelta(days=3))
    client = signed_in(submitted.head)  # a new session: the first one expired on the way
    assert "Không niêm yết" in client.get("/findings/?overdue=on").content.decode()


def test_an_htmx_filter_gets_the_rows_only(submitted):
    response = signed_in(submitted.head).get("/findings/?state=", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "Không niêm yết" in html and "<html" not in html


def test_a_head_with_units_below_filters_by_unit(submitted):
    world = submitted.field.world
    province_head = make_user("chutich-p1", "unit_head", world.province, heads=True)
    client = signed_in(province_head)
    page = client.get("/findings/?state=").content.decode()
    assert 'name="unit"' in page and "Không niêm yết" in page
    elsewhere = world.units["W10"] if submitted.finding.unit.code != "W10" else world.units["W09"]
    assert "Không niêm yết" not in client.get(f"/findings/?state=&unit={elsewhere.pk}").content.decode()
    assert (
        "Không niêm yết" in client.get(f"/findings/?state=&unit={submitted.finding.unit_id}").content.decode()
    )


def test_notifications_are_marked_read_one_by_one_and_never_another_users(submitted):
    mine = Notification.objects.filter(recipient=submitted.head).first()
    assert mine is not None and mine.read_at is None  # the new finding
    theirs = Notification.objects.create(recipient=submitted.staff, key="x", kind="x", title="Của người khác")
    client = signed_in(submitted.head)
    page = client.get("/notifications/").content.decode()
    assert mine.title in page and "Của người khác" not in page
    response = client.post(f"/notifications/{mine.pk}/read/", HTTP_HX_REQUEST="true")
    assert response.status_code == 200 and f'id="notification-{mine.pk}"' in response.content.decode()
    mine.refresh_from_db()
    assert mine.read_at is not None
    assert client.post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_the_head_reads_their_scorecard_and_staff_have_none(submitted):
    page = signed_in(submitted.head).get("/scorecard/").content.decode()
    received = re.search(r"<strong>(\d+)</strong><span>kết luận nhận được", page)
    assert received and received.group(1) == "1"
    assert signed_in(submitted.staff).get("/scorecard/").status_code == 404


def test_the_head_sees_the_drafts_photo_and_sends_it_with_the_answer(submitted):
    remediation_service.assign(remediation_of(submitted), submitted.staff, actor=submitted.head)
    url = f"/findings/{submitted.finding.uuid}/"
    staff = signed_in(submitted.staff)
    assert staff.post(url, {"plan_of_action": "Dán bảng phí", "photos": [photo()]}).status_code == 302
    (photo_id,) = RemediationDraft.objects.get(remediation=remediation_of(submitted)).evidence_ids
    head = signed_in(submitted.head)
    assert head.get(f"/api/evidence/{photo_id}/thumbnail").status_code == 200
    other_head, _ = submitted.field.world.unit_people(
        submitted.field.world.units["W10" if submitted.finding.unit.code != "W10" else "W09"]
    )
    assert signed_in(other_head).get(f"/api/evidence/{photo_id}/thumbnail").status_code == 404
    assert f'name="keep_photo" value="{photo_id}" checked' in head.get(url).content.decode()
    assert head.post(url, {"plan_of_action": "Dán bảng phí", "keep_photo": photo_id}).status_code == 302
    answer = remediation_of(submitted).answers.get()
    assert [str(e) for e in Evidence.objects.filter(answer=answer).values_list("uuid", flat=True)] == [
        photo_id
    ]


def test_the_head_reads_the_visits_checklist_results(submitted):
    page = signed_in(submitted.head).get(f"/findings/{submitted.finding.uuid}/").content.decode()
    checklist = page[page.index('id="checklist"') :]
    assert (
        checklist.count('<li class="result-pass">')
        == submitted.finding.visit.answers.filter(result="pass").count()
    )
    assert "Đạt" in checklist


def test_the_inbox_runs_the_same_statements_for_3_or_25_findings(world):
    head, staff = world.unit_people(world.units["W01"])
    counts = []
    for total in (3, 25):
        for n in range(total - (3 if counts else 0)):
            finding = add_finding(
                world.units["W01"],
                "OSS-05",
                "major",
                date(2026, 11, 2),
                date(2026, 11, 20 + n % 8),
                author=world.inspectors[0],
            )
            Remediation.objects.filter(finding=finding).update(assignee=staff)
        client = signed_in(head)
        with CaptureQueriesContext(connection) as queries:
            page = client.get("/findings/?state=").content.decode()
        assert page.count('class="finding-row') == total
        counts.append(len(queries))
    assert counts[0] == counts[1]
