"""The admin: submitted visits, findings and approved plans are read-only; every change it allows writes an
audit row through the ADMIN surface; a checklist version in use shows its criteria and is copied into a new
version."""

from datetime import date

import pytest
from django.test import Client

from inspections.models import AuditEntry, ChecklistTemplate, Criterion, Finding, InspectionPlan, User, Visit
from inspections.services.plans import create_plan
from tests.factories import add_finding, approved_plan


@pytest.fixture
def admin_client(world) -> Client:
    User.objects.filter(pk=world.admin.pk).update(is_staff=True, is_superuser=True)
    client = Client()
    client.force_login(User.objects.get(pk=world.admin.pk))
    return client


def admin_rows(action):
    return list(AuditEntry.objects.filter(action=action, surface="admin"))


def test_a_submitted_visit_cannot_be_changed(world, admin_client):
    plan = approved_plan(world)
    visit = plan.visits.get(unit__code="P1-STP")
    Visit.objects.filter(pk=visit.pk).update(
        status="submitted", check_in_latitude=10.77, check_in_longitude=106.7
    )
    url = f"/admin/inspections/visit/{visit.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200 and b'name="check_in_latitude"' not in page.content
    assert b'name="status"' not in page.content
    posted = admin_client.post(url, {"check_in_latitude": "0", "status": "planned"})
    assert posted.status_code == 403
    visit.refresh_from_db()
    assert (visit.status, visit.check_in_latitude) == ("submitted", 10.77)
    assert (
        admin_client.post(f"/admin/inspections/visit/{visit.pk}/delete/", {"post": "yes"}).status_code == 403
    )


def test_an_approved_plan_cannot_be_changed_nor_deleted(world, admin_client):
    plan = approved_plan(world)
    url = f"/admin/inspections/inspectionplan/{plan.pk}/change/"
    page = admin_client.get(url)
    assert (
        page.status_code == 200
        and b'name="year"' not in page.content
        and b'name="coverage_target"' not in page.content
    )
    posted = admin_client.post(url, {"title": "x", "year": "2030", "coverage_target": "0.9"})
    assert posted.status_code == 403
    plan.refresh_from_db()
    assert (plan.year, str(plan.coverage_target)) == (2027, "0.300")
    assert (
        admin_client.post(f"/admin/inspections/inspectionplan/{plan.pk}/delete/", {"post": "yes"}).status_code
        == 403
    )
    assert InspectionPlan.objects.filter(pk=plan.pk).exists()


def test_a_finding_is_read_only(world, admin_client):
    finding = add_finding(
        world.units["W01"], "OSS-05", "major", date(2027, 3, 2), date(2027, 3, 20), author=world.inspectors[0]
    )
    url = f"/admin/inspections/finding/{finding.pk}/change/"
    assert admin_client.get(url).status_code == 200
    assert admin_client.post(url, {"text": "sửa"}).status_code == 403
    assert Finding.objects.get(pk=finding.pk).text == "OSS-05 major"


def test_every_change_the_admin_allows_is_audited(world, admin_client):
    draft = create_plan(actor=world.reviewer, authority=world.province, title="Nháp", year=2028)
    url = f"/admin/inspections/inspectionplan/{draft.pk}/change/"
    form = {
        "authority": world.province.pk,
        "title": "Kế hoạch 2028",
        "year": "2028",
        "quarter": "",
        "coverage_target": "0.4",
        "scope": "direct",
        "surprise_share": "0.5",
        "inspectors": [i.pk for i in world.inspectors],
    }
    assert admin_client.post(url, form).status_code == 302
    [row] = admin_rows("admin.change")
    assert (row.object_type, row.object_id, row.actor_id) == ("InspectionPlan", str(draft.pk), world.admin.pk)
    # The admin keeps the API's rule: a second plan of the same period is refused, and nothing is written.
    refused = admin_client.post("/admin/inspections/inspectionplan/add/", {**form, "quarter": "2"})
    assert refused.status_code == 200 and InspectionPlan.objects.count() == 1
    # A user changed and a camera unit's counter added are audited too.
    user = world.inspectors[0]
    change = admin_client.get(f"/admin/inspections/user/{user.pk}/change/")
    assert change.status_code == 200
    posted = admin_client.post(
        f"/admin/inspections/user/{user.pk}/change/",
        {
            "username": user.username,
            "full_name": "Trần Văn Minh",
            "email": "",
            "phone": "",
            "is_active": "on",
            "role": user.role,
            "unit": user.unit_id,
            "language": "vi",
            "last_login_0": "",
            "last_login_1": "",
            "date_joined_0": "2026-01-01",
            "date_joined_1": "08:00:00",
        },
    )
    assert posted.status_code == 302, posted.content[:2000]
    assert User.objects.get(pk=user.pk).full_name == "Trần Văn Minh"
    assert [r.object_id for r in admin_rows("admin.change") if r.object_type == "User"] == [str(user.pk)]
    added = admin_client.post(
        "/admin/inspections/counter/add/",
        {
            "name": "Quầy 1",
            "unit": world.units["W01"].pk,
            "camera-TOTAL_FORMS": "0",
            "camera-INITIAL_FORMS": "0",
            "camera-MIN_NUM_FORMS": "0",
            "camera-MAX_NUM_FORMS": "1",
        },
    )
    assert added.status_code == 302, added.content[:2000]
    assert [r.object_type for r in admin_rows("admin.add")] == ["Counter"]


def test_a_checklist_in_use_shows_its_criteria_and_is_copied_into_a_new_version(field, admin_client):
    template = ChecklistTemplate.objects.get(
        pk=field.visit.template_id or ChecklistTemplate.objects.first().pk
    )
    Visit.objects.filter(pk=field.visit.pk).update(template=template)
    page = admin_client.get(f"/admin/inspections/checklisttemplate/{template.pk}/change/").content.decode()
    criteria = list(template.criteria.order_by("position"))
    assert criteria and all(criterion.text_vi in page for criterion in criteria)
    assert 'name="criteria-0-text_vi"' not in page  # shown, not editable
    copied = admin_client.post(
        "/admin/inspections/checklisttemplate/",
        {"action": "copy_as_new_version", "_selected_action": [template.pk]},
    )
    assert copied.status_code == 302
    copy = ChecklistTemplate.objects.get(code=template.code, version=template.version + 1)
    assert not copy.is_active
    assert list(
        Criterion.objects.filter(template=copy).order_by("position").values_list("code", "text_vi")
    ) == [(c.code, c.text_vi) for c in criteria]
    [row] = admin_rows("checklist_template.copy")
    assert row.object_id == str(copy.pk)
    template.refresh_from_db()
    assert template.is_active  # the version in use stays as it was
    editable = admin_client.get(f"/admin/inspections/checklisttemplate/{copy.pk}/change/").content.decode()
    assert 'name="criteria-0-text_vi"' in editable  # the new version is edited before it is offered
