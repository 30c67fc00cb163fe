"""A finding returned for correction: Home Affairs (or the plan authority's head) sends a finding back to its
inspectors with the reason; they find it in their notifications, in the field app's bundle, naming the finding."""

from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from inspections.error_codes import FieldErrorCode
from inspections.models import (
    AuditAction,
    AuditEntry,
    Notification,
    OrgUnit,
    OrgUnitKind,
    Role,
)
from inspections.services.field import return_finding_for_correction
from tests.factories import gid, gql, make_user, token_for

pytestmark = pytest.mark.django_db

BUNDLE = (
    Path(__file__).resolve().parents[2] / "graphql" / "field-app" / "AssignmentBundle.graphql"
).read_text()

RETURN = """mutation($findingId: ID!, $reason: String!) {
  returnFindingForCorrection(findingId: $findingId, reason: $reason) {
    finding { id }
    errors { field code message }
  }
}"""


def code_of(error: ValidationError) -> str:
    return (
        error.error_list[0].code
        if not hasattr(error, "error_dict")
        else next(iter(error.error_dict.values()))[0].code
    )


def returned_notices(user):
    return Notification.objects.filter(recipient=user, kind="finding_returned")


def test_home_affairs_returns_a_finding_and_its_inspector_is_told(submitted):
    world, finding = submitted.field.world, submitted.finding
    return_finding_for_correction(finding, "Ghi rõ quầy nào", actor=world.reviewer)
    notice = returned_notices(submitted.field.inspector).get()
    assert notice.finding_id == finding.pk
    assert finding.text in notice.body and "Ghi rõ quầy nào" in notice.body
    entry = AuditEntry.objects.get(action=AuditAction.FINDING_RETURN)
    assert entry.actor == world.reviewer and entry.data["reason"] == "Ghi rõ quầy nào"


def test_the_plan_authoritys_head_may_return_it(submitted):
    world = submitted.field.world
    authority_head, _ = world.unit_people(submitted.field.visit.plan.authority)
    return_finding_for_correction(submitted.finding, "Sai mức độ", actor=authority_head)
    assert returned_notices(submitted.field.inspector).count() == 1


@pytest.mark.parametrize("who", ["inspected_head", "inspected_staff", "inspector"])
def test_the_inspected_unit_and_the_inspector_may_not(submitted, who):
    people = {
        "inspected_head": submitted.head,
        "inspected_staff": submitted.staff,
        "inspector": submitted.field.inspector,
    }
    with pytest.raises(ValidationError) as raised:
        return_finding_for_correction(submitted.finding, "Không đúng", actor=people[who])
    assert code_of(raised.value) == FieldErrorCode.PERMISSION_DENIED.value
    assert not Notification.objects.filter(kind="finding_returned").exists()
    assert not AuditEntry.objects.filter(action=AuditAction.FINDING_RETURN).exists()


def test_a_reason_is_required(submitted):
    with pytest.raises(ValidationError) as raised:
        return_finding_for_correction(submitted.finding, "  ", actor=submitted.field.world.reviewer)
    assert code_of(raised.value) == FieldErrorCode.REQUIRED.value


def test_the_mutation_returns_it_and_the_bundle_carries_the_notice_naming_the_finding(submitted):
    world, finding = submitted.field.world, submitted.finding
    body = gql(
        Client(),
        RETURN,
        {"findingId": gid("Finding", finding.pk), "reason": "Thiếu ảnh"},
        token=token_for(world.reviewer),
    )
    assert body["data"]["returnFindingForCorrection"]["errors"] == []
    bundle = gql(Client(), BUNDLE, {"knownVersion": None}, token=submitted.field.token)
    notices = [edge["node"] for edge in bundle["data"]["notifications"]["edges"]]
    returned = [n for n in notices if n["kind"] == "finding_returned"]
    assert len(returned) == 1
    assert returned[0]["findingId"] == gid("Finding", finding.pk)  # what the app opens and corrects
    assert "Thiếu ảnh" in returned[0]["body"] and finding.text in returned[0]["body"]


def test_the_mutation_refuses_the_inspected_units_head(submitted):
    body = gql(
        Client(),
        RETURN,
        {"findingId": gid("Finding", submitted.finding.pk), "reason": "Không đúng"},
        token=token_for(submitted.head),
    )
    errors = body["data"]["returnFindingForCorrection"]["errors"]
    assert [e["code"] for e in errors] == ["PERMISSION_DENIED"]
    assert not Notification.objects.filter(kind="finding_returned").exists()


def test_a_foreign_finding_answers_what_a_missing_one_does(submitted):
    other = OrgUnit.objects.add_root(instance=OrgUnit(code="P2", kind=OrgUnitKind.PROVINCE, name="Tỉnh Hai"))
    department = OrgUnit.objects.add_child(
        other, instance=OrgUnit(code="P2-SNV", kind=OrgUnitKind.DEPARTMENT, name="Sở Nội vụ", parent=other)
    )
    foreign_reviewer = make_user("noivu-p2", Role.HOME_AFFAIRS, department)
    token = token_for(foreign_reviewer)
    foreign = gql(
        Client(), RETURN, {"findingId": gid("Finding", submitted.finding.pk), "reason": "x"}, token=token
    )["data"]["returnFindingForCorrection"]
    missing = gql(
        Client(),
        RETURN,
        {"findingId": gid("Finding", submitted.finding.pk + 999), "reason": "x"},
        token=token,
    )["data"]["returnFindingForCorrection"]
    assert foreign == missing
    assert [e["code"] for e in foreign["errors"]] == ["NOT_FOUND"]
    assert not Notification.objects.filter(kind="finding_returned").exists()


def test_the_portal_button_is_for_home_affairs_only(submitted):
    world, finding = submitted.field.world, submitted.finding
    url = f"/findings/{finding.uuid}/"
    head = Client()
    head.force_login(submitted.head)
    assert 'id="return"' not in head.get(url).content.decode()
    refused = head.post(f"{url}return/", {"return_reason": "Không đúng"})
    assert refused.status_code == 400
    assert not returned_notices(submitted.field.inspector).exists()

    reviewer = Client()
    reviewer.force_login(world.reviewer)
    assert 'id="return"' in reviewer.get(url).content.decode()
    response = reviewer.post(f"{url}return/", {"return_reason": "Ghi rõ quầy nào"})
    assert response.status_code == 302
    assert 'id="returned-note"' in reviewer.get(response["Location"]).content.decode()
    assert "Ghi rõ quầy nào" in returned_notices(submitted.field.inspector).get().body
