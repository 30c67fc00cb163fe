"""Remediation: the head of the inspected unit answers for every finding by a deadline in working days."""

import io
import json
import threading
import uuid
from datetime import date, datetime, timedelta

import pytest
from asgiref.sync import async_to_sync, sync_to_async
from channels.testing import WebsocketCommunicator
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from backend.routing import graphql_websocket
from inspections.graphql.lookups import get_remediation
from inspections.models import (
    AuditEntry,
    Criterion,
    Evidence,
    Finding,
    Notification,
    OrgUnit,
    Remediation,
    RemediationDraft,
    RemediationState,
    Role,
    Visit,
)
from inspections.services import remediation as service
from inspections.services.escalation import sweep
from inspections.services.evidence import store_answer_photo
from inspections.services.field import answer_criterion, check_in, deadline_for, record_finding, submit_visit
from inspections.services.scorecard import scorecard
from tests import images
from tests.factories import NEAR, Field, gid, gql, make_user, token_for

REMEDIATION = """query($id: ID!) { node(id: $id) { ... on Finding { remediation {
  state version deadline originalDeadline isOverdue accountable { username } assignee { username }
  answers { number planOfAction decision decisionReason accountable { username } draftedBy { username }
            evidence { sha256 } } } } } }"""
MOVE = {
    "answer": """mutation($f: ID!, $v: Int, $photos: [UUID!]) { answerFinding(findingId: $f, version: $v,
        planOfAction: "Niêm yết lại bảng phí", fixDone: "Đã niêm yết", evidenceIds: $photos) {
        remediation { state version } errors { field code message } } }""",
    "accept": """mutation($f: ID!, $v: Int) { acceptRemediation(findingId: $f, version: $v) {
        remediation { state version } errors { field code } } }""",
    "reject": """mutation($f: ID!, $v: Int) { rejectRemediation(findingId: $f, version: $v,
        reason: "Ảnh chưa thể hiện bảng phí") { remediation { state version } errors { field code } } }""",
    "verify": """mutation($f: ID!, $v: Int) { verifyRemediation(findingId: $f, version: $v) {
        remediation { state version } errors { field code } } }""",
}
MOVE_FIELD = {
    "answer": "answerFinding",
    "accept": "acceptRemediation",
    "reject": "rejectRemediation",
    "verify": "verifyRemediation",
}


class Case:
    """A submitted visit with one major finding (OSS-05), its remediation open at the ward."""

    def __init__(self, field: Field, captured_at: datetime | None = None):
        self.field = field
        visit = Visit.objects.get(pk=field.visit.pk)
        self.head, self.staff = field.world.unit_people(visit.unit)
        self.inspector = field.inspector
        check_in(
            visit,
            actor=self.inspector,
            latitude=NEAR[0],
            longitude=NEAR[1],
            accuracy_m=10,
            device_time=timezone.now(),
        )
        for criterion in Criterion.objects.filter(template=Visit.objects.get(pk=visit.pk).template):
            if criterion.code != "OSS-05":
                answer_criterion(visit, actor=self.inspector, criterion_code=criterion.code, result="pass")
        self.finding = record_finding(
            visit,
            actor=self.inspector,
            client_id=uuid.uuid4(),
            criterion_code="OSS-05",
            text="Không niêm yết phí",
            captured_at=captured_at,
        )
        submit_visit(visit, actor=self.inspector)
        self.id = gid("Finding", self.finding.pk)

    @property
    def remediation(self) -> Remediation:
        return Remediation.objects.get(finding=self.finding)

    def move(self, name, user, version=None, **variables):
        result = gql(Client(), MOVE[name], {"f": self.id, "v": version, **variables}, token=token_for(user))[
            "data"
        ][MOVE_FIELD[name]]
        return [(e["field"], e["code"]) for e in result["errors"]], result["remediation"]

    def seen_by(self, user):
        return gql(Client(), REMEDIATION, {"id": self.id}, token=token_for(user), HTTP_ACCEPT_LANGUAGE="en")[
            "data"
        ]


@pytest.fixture
def case(field) -> Case:
    return Case(field)


def upload_photo(user, photo_id: uuid.UUID) -> None:
    """A photo of the fix uploaded by ``user`` through the service the upload mutation calls."""
    store_answer_photo(actor=user, evidence_id=photo_id, data=images.jpeg(images.photo("coffee")))


# --- opening --------------------------------------------------------------------------------------------------


def test_submission_opens_a_remediation_and_tells_the_head(case):
    remediation = case.remediation
    assert remediation.state == "open" and remediation.unit == case.finding.unit
    assert remediation.deadline == remediation.original_deadline == case.finding.deadline
    notice = Notification.objects.get(recipient=case.head, kind="finding")
    deadline = remediation.deadline.strftime("%d/%m/%Y")
    assert notice.title == f"Phát hiện mới cần khắc phục trước ngày {deadline}"  # the head reads Vietnamese
    assert case.seen_by(case.head)["node"]["remediation"]["accountable"] == {"username": case.head.username}


# --- moves by role ----------------------------------------------------------------------------------------------


def test_only_the_head_or_the_assigned_staff_answers_and_the_head_stays_accountable(case):
    assert case.move("answer", case.staff)[0] == [(None, "PERMISSION_DENIED")]
    assert case.move("answer", case.inspector)[0] == [(None, "PERMISSION_DENIED")]
    assign = gql(
        Client(),
        """mutation($f: ID!, $s: ID) { assignRemediation(findingId: $f, assigneeId: $s) {
        remediation { assignee { username } } errors { field code } } }""",
        {"f": case.id, "s": gid("User", case.staff.pk)},
        token=token_for(case.head),
    )["data"]
    assert assign["assignRemediation"]["errors"] == []
    # The staff member's answer is only a draft: nothing reaches the inspector, the head is told.
    errors, remediation = case.move("answer", case.staff)
    assert errors == [] and remediation["state"] == "OPEN"
    assert case.seen_by(case.head)["node"]["remediation"]["answers"] == []
    assert not Notification.objects.filter(recipient=case.inspector, kind="answered").exists()
    assert Notification.objects.filter(recipient=case.head, kind="draft").exists()
    submit = gql(
        Client(),
        """mutation($f: ID!) { submitRemediationDraft(findingId: $f) {
        remediation { state } errors { field code } } }""",
        {"f": case.id},
        token=token_for(case.head),
    )["data"]["submitRemediationDraft"]
    assert submit == {"remediation": {"state": "ANSWERED"}, "errors": []}
    [answer] = case.seen_by(case.head)["node"]["remediation"]["answers"]
    assert answer["accountable"] == {"username": case.head.username}
    assert answer["draftedBy"] == {"username": case.staff.username}
    assert Notification.objects.filter(recipient=case.inspector, kind="answered").exists()


DRAFT = """query($id: ID!) { node(id: $id) { ... on Finding { remediation { state version
  draft { planOfAction fixDone draftedBy { username } evidence { sha256 } } } } } }"""
SAVE_DRAFT = """mutation($f: ID!, $v: Int, $plan: String!, $photos: [UUID!]) { saveRemediationDraft(findingId: $f,
    version: $v, planOfAction: $plan, fixDone: "Đang in bảng", evidenceIds: $photos) {
    remediation { state version } errors { field code } } }"""
SUBMIT_DRAFT = """mutation($f: ID!, $plan: String, $photos: [UUID!]) { submitRemediationDraft(findingId: $f,
    planOfAction: $plan, fixDone: "Đã niêm yết", evidenceIds: $photos) {
    remediation { state answers { planOfAction fixDone draftedBy { username } accountable { username }
    evidence { sha256 } } } errors { field code } } }"""


def test_staff_drafts_and_the_head_reads_edits_and_submits(case, django_capture_on_commit_callbacks):
    service.assign(case.remediation, case.staff, actor=case.head)
    photo = uuid.uuid4()
    upload_photo(case.staff, photo)
    with django_capture_on_commit_callbacks(execute=True):
        saved = gql(
            Client(),
            SAVE_DRAFT,
            {"f": case.id, "plan": "In lại bảng phí", "photos": [str(photo)]},
            token=token_for(case.staff),
        )["data"]["saveRemediationDraft"]
    assert saved["errors"] == [] and saved["remediation"]["state"] == "OPEN"
    [notice] = Notification.objects.filter(recipient=case.head, kind="draft")
    assert "Không niêm yết phí" in notice.body and "In lại bảng phí" in notice.body
    assert AuditEntry.objects.filter(action="remediation.draft_save", actor=case.staff).count() == 1
    # The head reads the draft; the inspector sees the finding but never the draft.
    draft = gql(Client(), DRAFT, {"id": case.id}, token=token_for(case.head))["data"]["node"]["remediation"]
    assert draft["state"] == "OPEN" and draft["draft"]["planOfAction"] == "In lại bảng phí"
    assert draft["draft"]["draftedBy"] == {"username": case.staff.username}
    assert len(draft["draft"]["evidence"]) == 1
    seen = gql(Client(), DRAFT, {"id": case.id}, token=token_for(case.inspector))["data"]["node"][
        "remediation"
    ]
    assert seen["draft"] is None
    assert not Notification.objects.filter(recipient=case.inspector).exclude(kind="finding").exists()
    # Saving against an older version is a conflict; a staff member not assigned may not draft.
    stale = gql(Client(), SAVE_DRAFT, {"f": case.id, "v": 1, "plan": "Khác"}, token=token_for(case.staff))[
        "data"
    ]["saveRemediationDraft"]
    assert stale["errors"] == [{"field": "version", "code": "CONFLICT"}]
    other = make_user("staff-other", Role.UNIT_STAFF, case.finding.unit)
    denied = gql(Client(), SAVE_DRAFT, {"f": case.id, "plan": "Khác"}, token=token_for(other))
    assert denied["data"]["saveRemediationDraft"]["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]
    # Only the head submits; edited, the answer keeps the staff member's photo and authorship.
    by_staff = gql(Client(), SUBMIT_DRAFT, {"f": case.id}, token=token_for(case.staff))
    assert by_staff["data"]["submitRemediationDraft"]["errors"] == [
        {"field": None, "code": "PERMISSION_DENIED"}
    ]
    submitted = gql(
        Client(),
        SUBMIT_DRAFT,
        {"f": case.id, "plan": "In lại và niêm yết bảng phí", "photos": [str(photo)]},
        token=token_for(case.head),
    )["data"]["submitRemediationDraft"]
    assert submitted["errors"] == []
    [answer] = submitted["remediation"]["answers"]
    assert submitted["remediation"]["state"] == "ANSWERED"
    assert answer["planOfAction"] == "In lại và niêm yết bảng phí" and answer["fixDone"] == "Đã niêm yết"
    assert answer["draftedBy"] == {"username": case.staff.username}
    assert answer["accountable"] == {"username": case.head.username}
    assert len(answer["evidence"]) == 1
    assert AuditEntry.objects.filter(action="remediation.draft_submit", actor=case.head).count() == 1
    again = gql(Client(), SUBMIT_DRAFT, {"f": case.id}, token=token_for(case.head))
    assert again["data"]["submitRemediationDraft"]["errors"] == [{"field": None, "code": "NO_DRAFT"}]


def test_staff_cannot_accept_their_own_answer_nor_the_head(case):
    case.move("answer", case.head)
    for person in (case.staff, case.head):
        assert case.move("accept", person)[0] == [(None, "PERMISSION_DENIED")]
    other_inspector = case.field.world.inspectors[1]  # sees the province, not on this visit
    assert case.move("accept", other_inspector)[0] == [(None, "PERMISSION_DENIED")]
    assert case.remediation.state == "answered"


def test_the_whole_cycle_with_a_rejection_kept_in_the_history(case):
    assert case.move("accept", case.inspector)[0] == [("state", "NOT_ALLOWED")]  # nothing to accept yet
    assert case.move("verify", case.inspector)[0] == [("state", "NOT_ALLOWED")]
    assert case.move("answer", case.head)[0] == []
    assert case.move("answer", case.head)[0] == [("state", "NOT_ALLOWED")]  # one answer at a time
    errors, remediation = case.move("reject", case.inspector)
    assert errors == [] and remediation["state"] == "REJECTED"
    seen = case.seen_by(case.head)["node"]["remediation"]
    assert seen["answers"][0]["decision"] == "REJECTED"
    assert seen["answers"][0]["decisionReason"] == "Ảnh chưa thể hiện bảng phí"  # the unit sees why
    assert Notification.objects.filter(recipient=case.head, kind="rejected").count() == 1
    assert case.move("answer", case.head)[0] == []
    assert case.move("accept", case.field.world.reviewer)[0] == []  # Home Affairs of the province
    errors, remediation = case.move("verify", case.inspector)
    assert errors == [] and remediation["state"] == "CLOSED"
    assert [a["decision"] for a in case.seen_by(case.head)["node"]["remediation"]["answers"]] == [
        "REJECTED",
        "ACCEPTED",
    ]
    assert case.move("answer", case.head)[0] == [("state", "NOT_ALLOWED")]
    actions = list(
        AuditEntry.objects.filter(action__startswith="remediation.")
        .order_by("pk")
        .values_list("action", flat=True)
    )
    assert actions == [
        "remediation.answer",
        "remediation.reject",
        "remediation.answer",
        "remediation.accept",
        "remediation.verify",
    ]


def test_a_head_of_another_ward_gets_what_a_missing_finding_gets(case):
    other_ward = next(
        u for c, u in case.field.world.units.items() if c.startswith("W") and u != case.finding.unit
    )
    other_head, _ = case.field.world.unit_people(other_ward)
    before = (case.remediation.state, case.remediation.version)
    errors, _ = case.move("answer", other_head)
    missing = gql(
        Client(), MOVE["answer"], {"f": gid("Finding", 987654), "v": None}, token=token_for(other_head)
    )["data"]["answerFinding"]
    assert errors == [(e["field"], e["code"]) for e in missing["errors"]] == [("findingId", "NOT_FOUND")]
    assert case.seen_by(other_head) == {"node": None}
    assert (case.remediation.state, case.remediation.version) == before


def test_a_move_against_an_older_version_is_a_conflict(case):
    version = case.remediation.version
    assert case.move("answer", case.head, version=version)[0] == []
    assert case.move("accept", case.inspector, version=version)[0] == [("version", "CONFLICT")]
    assert case.remediation.state == "answered"


@pytest.mark.django_db(transaction=True)
def test_two_accepts_at_once_on_postgresql_one_wins(field):
    if connection.vendor != "postgresql":
        pytest.skip("row-level concurrency is what PostgreSQL gives; SQLite serialises writers whole")
    case = Case(field)
    service.answer(case.remediation, service.AnswerInput("Niêm yết lại"), actor=case.head)
    version = case.remediation.version
    barrier, outcomes = threading.Barrier(2), []

    def accept(user):
        from django.db import connections

        try:
            barrier.wait()
            service.accept(case.remediation, actor=user, version=version)
            outcomes.append("won")
        except Exception as error:  # noqa: BLE001 - the typed error is what is asserted
            outcomes.append(getattr(error, "error_dict", {}).get("version", [error])[0].code)
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=accept, args=(user,)) for user in (case.inspector, case.field.world.reviewer)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(outcomes) == ["conflict", "won"]
    remediation = case.remediation
    assert remediation.state == "accepted" and remediation.version == version + 1


# --- photos of the fix -----------------------------------------------------------------------------------------


def test_the_answer_carries_photos_checked_like_a_findings(case):
    upload = """mutation($id: UUID!, $file: Upload!) { uploadRemediationEvidence(id: $id, file: $file) {
        evidence { uuid sha256 } errors { field code } } }"""

    def send(data: bytes, photo_id: str):
        part = io.BytesIO(data)
        part.name = "fix.jpg"
        body = {
            "operations": json.dumps({"query": upload, "variables": {"id": photo_id, "file": None}}),
            "map": json.dumps({"0": ["variables.file"]}),
            "0": part,
        }
        return Client().post("/graphql/", body, HTTP_AUTHORIZATION=f"Bearer {token_for(case.head)}").json()

    refused = send(images.svg(), str(uuid.uuid4()))["data"]["uploadRemediationEvidence"]
    assert refused["errors"] == [{"field": "file", "code": "UNSUPPORTED_FORMAT"}]
    photo_id = str(uuid.uuid4())
    photo = images.jpeg(images.photo("coffee"))
    assert send(photo, photo_id)["data"]["uploadRemediationEvidence"]["errors"] == []
    assert case.move("answer", case.head, photos=[photo_id])[0] == []
    answer = case.seen_by(case.inspector)["node"]["remediation"]["answers"][0]
    assert answer["evidence"] == [{"sha256": Evidence.objects.get(uuid=photo_id).sha256}]
    served = Client().get(
        f"/api/evidence/{photo_id}/original", HTTP_AUTHORIZATION=f"Bearer {token_for(case.inspector)}"
    )
    assert served.status_code == 200 and served.content == photo


# --- deadlines and extensions ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "severity, found_on, deadline",
    [
        ("critical", date(2026, 2, 12), date(2026, 2, 26)),  # Tết 2026: 14–22 February off; Fri 13 is day 1
        (
            "major",
            date(2026, 4, 20),
            date(2026, 5, 14),
        ),  # Hùng Kings (Sun 26/4, observed Mon 27/4), 30/4 and 1/5
        (
            "critical",
            date(2026, 8, 28),
            date(2026, 9, 9),
        ),  # 31/8 (swapped for Sat 22/8), 1/9 and 2/9, two weekends
        ("critical", date(2026, 8, 17), date(2026, 8, 22)),  # Saturday 22/8/2026 is a working day (the swap)
        ("minor", date(2026, 11, 20), date(2027, 1, 5)),  # weekends, 24/11 (Culture Day), then 1/1/2027
    ],
)
def test_deadlines_in_working_days_match_the_calendar(severity, found_on, deadline):
    captured = timezone.make_aware(datetime(found_on.year, found_on.month, found_on.day, 9))
    assert deadline_for(severity, captured) == deadline


def test_one_extension_with_a_reason_granted_by_the_authority(case):
    request = """mutation($f: ID!, $until: Date!, $reason: String!) { requestExtension(findingId: $f, until: $until,
        reason: $reason) { remediation { deadline extensionUntil } errors { field code } } }"""
    decide = """mutation($f: ID!, $grant: Boolean!) { decideExtension(findingId: $f, grant: $grant) {
        remediation { deadline originalDeadline extensionGranted } errors { field code } } }"""
    original = case.remediation.deadline
    later = (original + timedelta(days=20)).isoformat()
    asked = gql(Client(), request, {"f": case.id, "until": later, "reason": " "}, token=token_for(case.head))
    assert asked["data"]["requestExtension"]["errors"] == [{"field": "reason", "code": "REQUIRED"}]
    by_staff = gql(
        Client(),
        request,
        {"f": case.id, "until": later, "reason": "Chờ in bảng"},
        token=token_for(case.staff),
    )
    assert by_staff["data"]["requestExtension"]["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]
    asked = gql(
        Client(),
        request,
        {"f": case.id, "until": later, "reason": "Chờ in bảng niêm yết"},
        token=token_for(case.head),
    )["data"]["requestExtension"]
    assert asked["errors"] == [] and asked["remediation"]["deadline"] == original.isoformat()
    again = gql(
        Client(), request, {"f": case.id, "until": later, "reason": "Lần nữa"}, token=token_for(case.head)
    )
    assert again["data"]["requestExtension"]["errors"] == [
        {"field": None, "code": "EXTENSION_ALREADY_REQUESTED"}
    ]
    by_inspector = gql(Client(), decide, {"f": case.id, "grant": True}, token=token_for(case.inspector))
    assert by_inspector["data"]["decideExtension"]["errors"] == [{"field": None, "code": "PERMISSION_DENIED"}]
    granted = gql(
        Client(), decide, {"f": case.id, "grant": True}, token=token_for(case.field.world.reviewer)
    )["data"]["decideExtension"]
    assert granted["errors"] == [] and granted["remediation"] == {
        "deadline": later,
        "originalDeadline": original.isoformat(),
        "extensionGranted": True,
    }


def test_an_extension_request_reaches_who_decides_and_the_decision_says_why(case):
    reviewer = case.field.world.reviewer
    service.request_extension(case.remediation, date(2030, 1, 2), "Chờ in bảng niêm yết", actor=case.head)
    [asked] = Notification.objects.filter(kind="extension", recipient=reviewer)
    assert "Không niêm yết phí" in asked.body and "02/01/2030" in asked.body
    assert not Notification.objects.filter(kind="extension", recipient=case.inspector).exists()
    original = case.remediation.original_deadline.strftime("%d/%m/%Y")
    service.decide_extension(case.remediation, True, actor=reviewer)
    [granted] = Notification.objects.filter(kind="extension", recipient=case.head)
    for part in ("Không niêm yết phí", "02/01/2030", original, "Chờ in bảng niêm yết"):
        assert part in granted.body, part


def test_a_refused_extension_says_the_deadline_stands(case):
    deadline = case.remediation.deadline.strftime("%d/%m/%Y")
    service.request_extension(case.remediation, date(2030, 1, 2), "Chờ in", actor=case.head)
    service.decide_extension(case.remediation, False, actor=case.field.world.reviewer)
    [refused] = Notification.objects.filter(kind="extension", recipient=case.head)
    for part in ("Không niêm yết phí", deadline, "02/01/2030", "Chờ in"):
        assert part in refused.body, part


def test_every_notice_of_a_move_carries_the_findings_text(case):
    service.answer(case.remediation, service.AnswerInput("Niêm yết lại"), actor=case.head)
    service.reject(case.remediation, "Chưa đủ", actor=case.inspector)
    service.answer(case.remediation, service.AnswerInput("Niêm yết lại lần hai"), actor=case.head)
    service.accept(case.remediation, actor=case.inspector)
    service.verify(case.remediation, actor=case.inspector)
    notices = list(Notification.objects.filter(finding=case.finding))
    assert {n.kind for n in notices} >= {"finding", "answered", "rejected", "accepted", "closed"}
    for notice in notices:
        assert "Không niêm yết phí" in notice.body, notice.kind


# --- reminders and escalation --------------------------------------------------------------------------------


@pytest.fixture
def province_head(field):
    province = OrgUnit.objects.get(pk=field.world.province.pk)
    return make_user("head-P1", Role.UNIT_HEAD, province, heads=True, email="p1@example.vn")


def at(day: date, hour: int = 8) -> datetime:
    return timezone.make_aware(datetime(day.year, day.month, day.day, hour))


def test_reminders_and_escalation_are_sent_once_whatever_the_scheduler_does(
    case, province_head, settings, django_capture_on_commit_callbacks
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    for person in (case.head, case.staff, case.field.world.reviewer):
        person.email = f"{person.username}@example.vn"
        person.save()
    case.head.language = "en"
    case.head.save()
    Remediation.objects.filter(pk=case.remediation.pk).update(deadline=date(2026, 12, 10))  # a Thursday
    Notification.objects.all().delete()
    mail.outbox.clear()

    def run(day):
        with django_capture_on_commit_callbacks(execute=True):
            return sweep(at(day))

    # Monday 7 December: three working days left (Tue, Wed, Thu).
    first, second = run(date(2026, 12, 7)), run(date(2026, 12, 7))
    assert (first.reminders, first.notifications) == (1, 1) and (second.reminders, second.notifications) == (
        1,
        0,
    )
    [reminder] = Notification.objects.filter(kind="reminder")
    assert reminder.recipient == case.head and reminder.title == "3 working day(s) left to fix a finding"
    assert [m.to for m in mail.outbox] == [[case.head.email]]
    assert run(date(2026, 12, 8)).notifications == 0  # two days left: no reminder
    assert run(date(2026, 12, 9)).notifications == 1  # one day left
    # Overdue from Friday 11 December: the head, the parent's head and Home Affairs of the province.
    mail.outbox.clear()
    late = run(date(2026, 12, 11))
    assert late.escalations == 1 and run(date(2026, 12, 11)).notifications == 0
    escalated = set(
        Notification.objects.filter(kind="escalation").values_list("recipient__username", flat=True)
    )
    assert escalated == {case.head.username, province_head.username, case.field.world.reviewer.username}
    assert len(mail.outbox) == 3
    # Saturday and the next working days add nothing until REMEDIATION_ESCALATION_EVERY_WORKING_DAYS (5) pass.
    assert (
        sum(run(day).notifications for day in (date(2026, 12, 12), date(2026, 12, 14), date(2026, 12, 17)))
        == 0
    )
    assert run(date(2026, 12, 18)).notifications == 3  # 6 working days late: the second escalation
    # A closed finding: nothing more, ever.
    Remediation.objects.filter(pk=case.remediation.pk).update(state=RemediationState.CLOSED)
    assert run(date(2027, 1, 15)).notifications == 0


def test_the_sweep_costs_the_same_statements_for_10_or_100_open_findings(
    case, django_capture_on_commit_callbacks
):
    Remediation.objects.filter(pk=case.remediation.pk).update(
        deadline=date(2026, 12, 10)
    )  # due on 7/12 (reminder)
    finding = case.finding

    def add(count):
        for _ in range(count):
            copy = Finding.objects.create(
                visit=finding.visit,
                unit=finding.unit,
                criterion=finding.criterion,
                severity="minor",
                text="x",
                captured_at=finding.captured_at,
                deadline=date(2027, 6, 1),
                created_by=finding.created_by,
            )
            Remediation.objects.create(
                finding=copy, unit=copy.unit, original_deadline=copy.deadline, deadline=date(2027, 6, 1)
            )

    counts = []
    for count in (10, 90):
        add(count)
        Notification.objects.all().delete()  # each pass writes and sends the same reminder
        with CaptureQueriesContext(connection) as queries, django_capture_on_commit_callbacks(execute=True):
            sweep(at(date(2026, 12, 7)))
        counts.append(len(queries))
    assert counts[0] == counts[1]


# --- notifications -------------------------------------------------------------------------------------------------


def test_notifications_query_and_mark_read(case):
    token = token_for(case.head)
    listed = gql(
        Client(),
        "{ notifications(first: 5, unreadOnly: true) { totalCount edges { node { id kind title } } } }",
        token=token,
    )["data"]["notifications"]
    assert listed["totalCount"] == 1 and listed["edges"][0]["node"]["kind"] == "finding"
    marked = gql(Client(), "mutation { markNotificationsRead { marked errors { code } } }", token=token)
    assert marked["data"]["markNotificationsRead"]["marked"] == 1
    assert (
        gql(Client(), "{ notifications(unreadOnly: true) { totalCount } }", token=token)["data"][
            "notifications"
        ]["totalCount"]
        == 0
    )
    other = gql(Client(), "{ notifications { totalCount } }", token=token_for(case.staff))["data"][
        "notifications"
    ]
    assert other["totalCount"] == 0  # nobody reads another's notifications


@pytest.mark.django_db(transaction=True)
def test_a_subscription_receives_the_notification_over_a_websocket(field):
    case = Case(field)
    token = token_for(case.head)

    async def scenario():
        ws = WebsocketCommunicator(graphql_websocket, "/graphql/", subprotocols=["graphql-transport-ws"])
        connected, _ = await ws.connect()
        assert connected
        await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
        await ws.send_json_to(
            {
                "id": "n",
                "type": "subscribe",
                "payload": {"query": "subscription { notificationReceived { kind title } }"},
            }
        )
        await ws.receive_nothing(timeout=0.5)
        await sync_to_async(
            lambda: service.answer(case.remediation, service.AnswerInput("Niêm yết lại"), actor=case.head)
        )()
        await sync_to_async(lambda: service.reject(case.remediation, "Chưa đủ", actor=case.inspector))()
        message = await ws.receive_json_from(timeout=5)
        assert message["id"] == "n" and message["type"] == "next"
        assert message["payload"]["data"]["notificationReceived"]["kind"] == "rejected"
        await ws.send_json_to({"id": "n", "type": "complete"})
        await ws.disconnect()

    async_to_sync(scenario)()


# --- the head's scorecard ---------------------------------------------------------------------------------------


def test_the_scorecard_against_hand_counted_figures(case):
    year = case.finding.captured_at.year
    service.answer(case.remediation, service.AnswerInput("Niêm yết lại"), actor=case.head)
    service.reject(case.remediation, "Chưa đủ", actor=case.inspector)
    service.answer(case.remediation, service.AnswerInput("Niêm yết lại, có ảnh"), actor=case.head)
    service.accept(case.remediation, actor=case.inspector)
    service.verify(case.remediation, actor=case.inspector)
    # A second finding on the same criterion at the same unit, later the same year, left unanswered and late.
    repeat = Finding.objects.create(
        visit=case.finding.visit,
        unit=case.finding.unit,
        criterion=case.finding.criterion,
        severity="minor",
        text="Lại không niêm yết",
        captured_at=case.finding.captured_at + timedelta(days=1),
        deadline=timezone.localdate() - timedelta(days=1),
        created_by=case.inspector,
    )
    service.open_for([repeat])
    card = scorecard(case.head, year)
    assert (
        card.received,
        card.answered_on_time,
        card.overdue_now,
        card.rejected_answers,
        card.repeat_findings,
    ) == (2, 1, 1, 1, 1)
    assert card.median_days_to_close is not None and card.median_days_to_close >= 0
    query = """query($h: ID!, $y: Int!) { headScorecard(headId: $h, year: $y) {
        received answeredOnTime onTimeRate overdueNow rejectedAnswers repeatFindings } }"""
    seen = gql(
        Client(),
        query,
        {"h": gid("User", case.head.pk), "y": year},
        token=token_for(case.field.world.reviewer),
    )["data"]["headScorecard"]
    assert seen == {
        "received": 2,
        "answeredOnTime": 1,
        "onTimeRate": 0.5,
        "overdueNow": 1,
        "rejectedAnswers": 1,
        "repeatFindings": 1,
    }
    other_ward = next(
        u for c, u in case.field.world.units.items() if c.startswith("W") and u != case.finding.unit
    )
    outsider, _ = case.field.world.unit_people(other_ward)
    assert (
        gql(Client(), query, {"h": gid("User", case.head.pk), "y": year}, token=token_for(outsider))["data"][
            "headScorecard"
        ]
        is None
    )


# --- every move by every role ------------------------------------------------------------------------------------

MOVES = {  # move: (the state it starts from, the call on the remediation the user found)
    "answer": ("open", lambda user, r: service.answer(r, service.AnswerInput("Niêm yết lại"), actor=user)),
    "accept": ("answered", lambda user, r: service.accept(r, actor=user)),
    "reject": ("answered", lambda user, r: service.reject(r, "Chưa đủ", actor=user)),
    "verify": ("accepted", lambda user, r: service.verify(r, actor=user)),
    "request extension": (
        "open",
        lambda user, r: service.request_extension(r, date(2030, 1, 2), "Chờ in", actor=user),
    ),
    "assign": ("open", lambda user, r: service.assign(r, None, actor=user)),
    "save draft": ("open", lambda user, r: service.save_draft(r, service.AnswerInput("Dự thảo"), actor=user)),
    "submit draft": ("open", lambda user, r: service.submit_draft(r, actor=user)),
}
ALLOWED = {
    "head": {"answer", "request extension", "assign", "save draft", "submit draft"},
    "assigned staff": {"answer", "save draft"},  # an answer of staff is a draft
    "other staff": set(),
    "visit inspector": {"accept", "reject", "verify"},
    "other inspector": set(),
    "home affairs": {"accept", "reject", "verify"},
    "administrator": {"accept", "reject", "verify"},
    "other ward head": set(),  # cannot see it at all
}


@pytest.mark.parametrize("role", ALLOWED)
def test_every_move_by_every_role(case, role):
    town = case.field.world
    assigned_staff = make_user("staff-assigned", Role.UNIT_STAFF, case.finding.unit)
    other_ward = next(u for c, u in town.units.items() if c.startswith("W") and u != case.finding.unit)
    people = {
        "head": case.head,
        "assigned staff": assigned_staff,
        "other staff": case.staff,
        "visit inspector": case.inspector,
        "other inspector": town.inspectors[1],
        "home affairs": town.reviewer,
        "administrator": town.admin,
        "other ward head": town.unit_people(other_ward)[0],
    }
    user = people[role]
    for move, (state, call) in MOVES.items():
        Remediation.objects.filter(pk=case.remediation.pk).update(
            state=state, assignee=assigned_staff, extension_requested_at=None
        )
        RemediationDraft.objects.update_or_create(
            remediation=case.remediation, defaults={"plan_of_action": "Dự thảo", "drafted_by": assigned_staff}
        )
        if state != "open":
            Remediation.objects.get(pk=case.remediation.pk).answers.get_or_create(
                number=1, defaults={"plan_of_action": "x", "accountable": case.head, "drafted_by": case.head}
            )
        before = Remediation.objects.filter(pk=case.remediation.pk).values().get()
        try:
            # The GraphQL layer's one lookup (NOT_FOUND for hidden and missing alike), then the move.
            call(user, get_remediation(user, gid("Finding", case.finding.pk)))
            outcome = "done"
        except ValidationError as error:
            errors = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
            outcome = [e.code for group in errors for e in group][0]
        expected = (
            "done"
            if move in ALLOWED[role]
            else ("not_found" if role == "other ward head" else "permission_denied")
        )
        assert outcome == expected, (role, move)
        if outcome != "done":
            assert Remediation.objects.filter(pk=case.remediation.pk).values().get() == before, (role, move)
