"""Object-level holes (OWASP API1, issue 12): every id-taking operation sent another unit's ids."""

import uuid

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from inspections.models import AuditEntry, Criterion, Evidence
from inspections.services.evidence import store_answer_photo, store_photo
from inspections.services.field import check_in, link_evidence, record_finding
from mobile_api.sync import Operation, sync_batch
from tests.factories import NEAR
from tests.images import jpeg, photo

pytestmark = pytest.mark.django_db


def code_of(call) -> str:
    with pytest.raises(ValidationError) as refused:
        call()
    error = refused.value
    items = (
        [e for errors in error.error_dict.values() for e in errors]
        if hasattr(error, "error_dict")
        else error.error_list
    )
    return items[0].code.upper()


@pytest.fixture
def foreign_fix_photo(field):
    """A photo of a fix uploaded by the head of a ward that is not the visit's unit."""
    other = next(
        u for code, u in field.world.units.items() if code.startswith("W") and u.pk != field.visit.unit_id
    )
    head, _staff = field.world.unit_people(other)
    upload = store_answer_photo(
        actor=head, evidence_id=uuid.uuid4(), data=jpeg(photo("coffee", size=(320, 240)))
    )
    return upload.evidence


@pytest.fixture
def on_site(field):
    check_in(
        field.visit,
        actor=field.inspector,
        latitude=NEAR[0],
        longitude=NEAR[1],
        accuracy_m=10,
        device_time=timezone.now(),
    )
    field.visit.refresh_from_db()
    return field


def a_criterion(visit) -> str:
    return Criterion.objects.filter(template=visit.template).order_by("position").first().code


def unchanged(photo: Evidence) -> bool:
    """The photo is as its uploader left it: on no finding, its bytes' digest the same."""
    before = (photo.finding_id, photo.finding_uuid, photo.sha256, photo.stored_at)
    photo.refresh_from_db()
    return (photo.finding_id, photo.finding_uuid, photo.sha256, photo.stored_at) == before


def test_record_finding_takes_another_units_photo_id_as_a_missing_one_and_never_links_it(
    on_site, foreign_fix_photo
):
    finding = record_finding(
        on_site.visit,
        actor=on_site.inspector,
        client_id=uuid.uuid4(),
        criterion_code=a_criterion(on_site.visit),
        text="Không đeo thẻ",
        evidence_ids=[foreign_fix_photo.uuid],
    )
    assert unchanged(foreign_fix_photo) and foreign_fix_photo.finding_id is None
    assert not Evidence.objects.filter(finding=finding).exists()
    # Uploading under that id answers as any upload whose id is taken, and the photo stays as it was.
    upload = lambda: store_photo(  # noqa: E731
        actor=on_site.inspector,
        evidence_id=foreign_fix_photo.uuid,
        finding_id=finding.uuid,
        data=jpeg(photo("coffee", size=(320, 240))),
    )
    assert code_of(upload) == "CONFLICT"
    assert unchanged(foreign_fix_photo)


def test_record_finding_still_takes_the_inspectors_own_photo(on_site):
    finding_id = uuid.uuid4()
    own = store_photo(
        actor=on_site.inspector,
        evidence_id=uuid.uuid4(),
        finding_id=finding_id,
        data=jpeg(photo("astronaut", size=(320, 240))),
    ).evidence
    finding = record_finding(
        on_site.visit,
        actor=on_site.inspector,
        client_id=finding_id,
        criterion_code=a_criterion(on_site.visit),
        text="Không đeo thẻ",
        evidence_ids=[own.uuid],
    )
    own.refresh_from_db()
    assert own.finding_id == finding.pk


def test_link_evidence_answers_another_units_photo_as_a_missing_one_for_an_existing_or_future_finding(
    on_site, foreign_fix_photo
):
    finding = record_finding(
        on_site.visit,
        actor=on_site.inspector,
        client_id=uuid.uuid4(),
        criterion_code=a_criterion(on_site.visit),
        text="Không niêm yết",
    )
    for finding_id in (finding.uuid, uuid.uuid4()):  # arrived, and not arrived yet
        for _retry in range(2):
            linked = link_evidence(
                actor=on_site.inspector, evidence_id=foreign_fix_photo.uuid, finding_id=finding_id
            )
            assert linked.uuid == foreign_fix_photo.uuid and linked.stored_at is None and not linked.sha256
    assert unchanged(foreign_fix_photo) and foreign_fix_photo.finding_id is None
    assert not AuditEntry.objects.filter(
        action="evidence.link", object_id=str(foreign_fix_photo.uuid)
    ).exists()


def test_sync_batch_evidence_link_needs_an_inspector_and_never_links_their_neighbours_photo(
    on_site, foreign_fix_photo
):
    head, staff = on_site.world.unit_people(on_site.world.units["W10"])
    for actor, ok in (
        (head, False),
        (staff, False),
        (on_site.world.reviewer, False),
        (on_site.inspector, True),
    ):
        operation = Operation(
            id=uuid.uuid4(),
            kind="evidence_link",
            payload={"evidenceId": str(foreign_fix_photo.uuid), "findingId": str(uuid.uuid4())},
        )
        [result] = sync_batch([operation], actor=actor)
        assert result.ok is ok, actor
    assert unchanged(foreign_fix_photo) and foreign_fix_photo.finding_uuid is None
    assert not AuditEntry.objects.filter(
        action="evidence.link", object_id=str(foreign_fix_photo.uuid)
    ).exists()
    assert Evidence.objects.filter(pk=foreign_fix_photo.pk, finding__isnull=True).exists()


# --- Home Affairs' own department (a reviewer whose unit would be drawn would learn of the visit) ------------


def test_home_affairs_own_department_is_never_drawn_nor_counted_so_its_reviewers_count_every_visit(world):
    from datetime import date

    from inspections.models import VisitKind, VisitStatus
    from inspections.services.plans import approve_plan, close_plan, create_plan, plan_draw_inputs
    from inspections.services.visibility import visible_visits

    # Every eligible unit is drawn: were Sở Nội vụ eligible, it would be.
    plan = create_plan(
        actor=world.reviewer,
        authority=world.province,
        title="Kiểm tra đột xuất",
        year=2027,
        coverage_target=1,
        surprise_share=1,
        inspectors=world.inspectors,
    )
    planning = plan_draw_inputs(plan, today=date(2026, 12, 1))
    assert "P1-SNV" not in {code for code, _weight in planning.inputs.units}
    assert planning.unit_count == len(world.units) - 1 and planning.target == planning.unit_count
    approve_plan(plan, actor=world.reviewer, today=date(2026, 12, 1))
    plan.refresh_from_db()
    published = plan.published_inputs["surpriseCount"]
    seen = visible_visits(world.reviewer).filter(plan=plan, kind=VisitKind.SURPRISE)
    assert published == seen.count() == plan.visits.filter(kind=VisitKind.SURPRISE).count()
    assert not plan.visits.filter(unit__code="P1-SNV").exists()
    # Once every visit the reviewer can see has happened, the plan closes: nothing hidden is still to come.
    seen.update(status=VisitStatus.IN_PROGRESS)
    assert close_plan(plan, actor=world.reviewer, today=date(2027, 6, 1)).revealed_seed


def test_a_home_affairs_department_periodic_visit_is_not_in_its_plans(world):
    from datetime import date

    from inspections.services.plans import add_periodic_visit, create_plan

    plan = create_plan(actor=world.reviewer, authority=world.province, title="Kiểm tra", year=2027)
    assert (
        code_of(
            lambda: add_periodic_visit(plan, world.units["P1-SNV"], date(2027, 3, 3), actor=world.reviewer)
        )
        == "UNIT_NOT_IN_PLAN"
    )


def test_assigning_an_inspector_ignores_a_visit_hidden_from_the_planner(world, settings):
    """A department head plans the units under it; the province's surprise visit to the department itself is
    hidden from them, so it may not make the inspector look overbooked."""
    from datetime import date

    from inspections.models import OrgUnit, OrgUnitKind, Visit, VisitAssignment, VisitKind
    from inspections.services.plans import add_periodic_visit, assign_inspectors, create_plan

    settings.VISITS_PER_INSPECTOR_PER_DAY = 1
    department = world.units["P1-STP"]
    below = OrgUnit.objects.add_child(
        department,
        instance=OrgUnit(code="P1-STP-1", kind=OrgUnitKind.DEPARTMENT, name="Phòng 1", parent=department),
    )
    head, _staff = world.unit_people(department)
    inspector = world.inspectors[0]
    day = date(2027, 3, 3)
    province_plan = create_plan(actor=world.reviewer, authority=world.province, title="Tỉnh", year=2027)
    hidden = Visit.objects.create(
        plan=province_plan, unit=department, kind=VisitKind.SURPRISE, planned_date=day
    )
    VisitAssignment.objects.create(visit=hidden, inspector=inspector, assigned_by=world.reviewer)

    own_plan = create_plan(actor=head, authority=department, title="Sở", year=2027, inspectors=[inspector])
    own_visit = add_periodic_visit(own_plan, below, day, actor=head)
    assign_inspectors(own_visit, [inspector], actor=head)  # the hidden visit does not count
    assert own_visit.assignments.filter(inspector=inspector).exists()
    # The same day seen by Home Affairs, who may see the surprise visit: the inspector is booked.
    other = add_periodic_visit(province_plan, world.units["W01"], day, actor=world.reviewer)
    assert (
        code_of(lambda: assign_inspectors(other, [inspector], actor=world.reviewer)) == "INSPECTOR_OVERBOOKED"
    )


# --- a foreign id and a missing one answer alike (differential) --------------------------------------------


def test_foreign_and_missing_ids_answer_the_same_code_in_the_same_language(on_site):
    from django.test import Client

    from inspections.models import Notification, OrgUnit, OrgUnitKind, Role
    from mobile_api.models import DeviceSession
    from tests.factories import gid, gql, make_user, token_for

    world = on_site.world
    finding = record_finding(
        on_site.visit,
        actor=on_site.inspector,
        client_id=uuid.uuid4(),
        criterion_code=a_criterion(on_site.visit),
        text="Không niêm yết",
    )
    outsider_head, _staff = world.unit_people(
        next(u for code, u in world.units.items() if code.startswith("W") and u.pk != on_site.visit.unit_id)
    )
    elsewhere = OrgUnit.objects.add_root(
        instance=OrgUnit(code="P9", kind=OrgUnitKind.PROVINCE, name="Tỉnh Chín")
    )
    stranger = make_user("thanhtra-p9", Role.INSPECTOR, elsewhere)
    token_for(stranger)  # the stranger's phone: a device that is not the caller's
    foreign_device = DeviceSession.objects.filter(user=stranger).first()
    foreign_note = Notification.objects.create(recipient=stranger, key="k", kind="reminder", title="Nhắc")
    cases = [  # (token, document, variables with a foreign id, with a missing one)
        (
            token_for(outsider_head),
            'mutation($id: ID!) { correctFinding(id: $id, reason: "x", text: "y") { errors { field code message } } }',
            {"id": gid("Finding", finding.pk)},
            {"id": gid("Finding", 10**6)},
        ),
        (
            token_for(outsider_head),
            "mutation($id: ID!) { acceptRemediation(findingId: $id) { errors { field code message } } }",
            {"id": gid("Finding", finding.pk)},
            {"id": gid("Finding", 10**6)},
        ),
        (
            on_site.token,
            "mutation($id: ID!) { revokeDevice(id: $id) { errors { field code message } } }",
            {"id": gid("Device", foreign_device.pk)},
            {"id": gid("Device", 10**6)},
        ),
        (
            token_for(world.reviewer),
            'mutation($a: ID!, $who: [ID!]) { createPlan(authorityId: $a, title: "K", year: 2027, '
            "inspectorIds: $who) { errors { field code message } } }",
            {"a": gid("OrgUnit", world.province.pk), "who": [gid("User", stranger.pk)]},
            {"a": gid("OrgUnit", world.province.pk), "who": [gid("User", 10**6)]},
        ),
        (
            on_site.token,
            "mutation($ids: [ID!]) { markNotificationsRead(ids: $ids) { marked errors { code message } } }",
            {"ids": [gid("Notification", foreign_note.pk)]},
            {"ids": [gid("Notification", 10**6)]},
        ),
    ]
    for token, document, foreign, missing in cases:
        for language in ("vi", "en"):
            answers = [
                gql(Client(), document, variables, token=token, HTTP_ACCEPT_LANGUAGE=language)
                for variables in (foreign, missing)
            ]
            assert answers[0] == answers[1], (document, language, answers)
    foreign_note.refresh_from_db()
    assert foreign_note.read_at is None


RECORD_FINDING = """mutation($id: UUID!, $visit: ID!, $code: String!, $photos: [UUID!]) {
  recordFinding(id: $id, visitId: $visit, criterionCode: $code, text: "Không đeo thẻ", evidenceIds: $photos) {
    finding { uuid text severity deadline } errors { field code message }
  }
}"""
SYNC = """mutation($sentAt: DateTime!, $ops: [SyncOperationInput!]!) {
  syncBatch(sentAt: $sentAt, operations: $ops) { results { id kind ok objectId errors { field code message } } }
}"""


def test_a_foreign_photo_id_and_a_missing_one_answer_alike_in_a_finding_and_a_photo_link(
    on_site, foreign_fix_photo
):
    import json

    from django.test import Client

    from tests.factories import gid, gql, now_iso

    visit = gid("Visit", on_site.visit.pk)
    codes = list(
        Criterion.objects.filter(template=on_site.visit.template)
        .order_by("position")
        .values_list("code", flat=True)
    )
    foreign_id = str(foreign_fix_photo.uuid)
    for n, language in enumerate(("vi", "en")):
        answers = []
        for photo_id in (foreign_id, str(uuid.uuid4())):
            finding_id, link_id, op_id = str(uuid.uuid4()), str(uuid.uuid4()), str(uuid.uuid4())
            variables = {"id": finding_id, "visit": visit, "code": codes[n], "photos": [photo_id]}
            recorded = gql(
                Client(), RECORD_FINDING, variables, token=on_site.token, HTTP_ACCEPT_LANGUAGE=language
            )
            link = {
                "id": op_id,
                "kind": "EVIDENCE_LINK",
                "payload": json.dumps({"evidenceId": photo_id, "findingId": link_id}),
            }
            synced = gql(
                Client(),
                SYNC,
                {"sentAt": now_iso(), "ops": [link]},
                token=on_site.token,
                HTTP_ACCEPT_LANGUAGE=language,
            )
            text = json.dumps([recorded, synced])
            for real, placeholder in ((photo_id, "PHOTO"), (finding_id, "FINDING"), (op_id, "OP")):
                text = text.replace(real, placeholder)
            answers.append(json.loads(text))
        assert answers[0] == answers[1], (language, answers)
        assert answers[0][0]["data"]["recordFinding"]["errors"] == []
        assert answers[0][1]["data"]["syncBatch"]["results"][0]["ok"] is True
    assert unchanged(foreign_fix_photo) and foreign_fix_photo.finding_id is None
