"""Check-in, answers, findings, submission and corrections, through GraphQL as a phone sends them."""

import math
import uuid
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from inspections.models import Answer, AuditEntry, Criterion, Finding, Remediation, Visit, VisitStatus
from inspections.services.field import check_in, distance_m
from tests.factories import FAR, NEAR, OFFICE, aware, gid, gql, now_iso, token_for

CHECK_IN = """mutation($visit: ID!, $lat: Float!, $lon: Float!, $acc: Float!, $time: DateTime!, $reason: String) {
  checkIn(visitId: $visit, latitude: $lat, longitude: $lon, accuracy: $acc, deviceTime: $time, reason: $reason) {
    visit { status checkedInAt } distanceMeters flags errors { field code message }
  }
}"""
ANSWER = """mutation($visit: ID!, $code: String!, $result: AnswerResult!) {
  answerCriterion(visitId: $visit, criterionCode: $code, result: $result) { answer { result } errors { field code } }
}"""
FINDING = """mutation($id: UUID!, $visit: ID!, $code: String!, $text: String!, $at: DateTime, $severity: Severity) {
  recordFinding(id: $id, visitId: $visit, criterionCode: $code, text: $text, capturedAt: $at, severity: $severity) {
    finding { id severity deadline version } errors { field code }
  }
}"""
SUBMIT = "mutation($visit: ID!) { submitVisit(visitId: $visit) { visit { status } errors { field code message } } }"
CORRECT = """mutation($id: ID!, $text: String) { correctFinding(id: $id, reason: "Sai mức độ", text: $text) {
  finding { id version text supersedes { id version text } isCurrent } errors { field code } } }"""


def codes(payload):
    return [(error["field"], error["code"]) for error in payload["errors"]]


def checkin(field, position, reason=None, accuracy=10.0, time=None):
    variables = {
        "visit": gid("Visit", field.visit.pk),
        "lat": position[0],
        "lon": position[1],
        "acc": accuracy,
        "time": time or now_iso(),
        "reason": reason,
    }
    return gql(Client(), CHECK_IN, variables, token=field.token)["data"]["checkIn"]


def test_distance_on_the_sphere():
    assert distance_m(*OFFICE, *OFFICE) == 0
    assert 40 < distance_m(*OFFICE, *NEAR) < 60
    assert 3_000 < distance_m(*OFFICE, *FAR) < 4_000
    assert abs(distance_m(0, 0, 0, 1) - 111_195) < 10  # one degree of longitude at the equator


def test_check_in_inside_the_geofence(field):
    result = checkin(field, NEAR)
    assert result["errors"] == [] and result["visit"]["status"] == "IN_PROGRESS"
    assert 40 < result["distanceMeters"] < 60 and result["flags"] == []
    visit = field.refresh()
    assert visit.template.code == "ONE_STOP_SHOP" and visit.checked_in_by == field.inspector
    assert AuditEntry.objects.filter(action="visit.check_in", object_id=str(visit.uuid)).count() == 1


def test_check_in_outside_is_refused_unless_a_reason_is_given(field):
    refused = checkin(field, FAR)
    assert codes(refused) == [("latitude", "OUT_OF_GEOFENCE")] and 3_000 < refused["distanceMeters"] < 4_000
    assert (
        field.refresh().status == VisitStatus.PLANNED
        and not AuditEntry.objects.filter(action="visit.check_in").exists()
    )
    accepted = checkin(field, FAR, reason="Trụ sở tạm ở nhà văn hóa khu phố")
    assert accepted["errors"] == [] and accepted["flags"] == ["outside_geofence"]
    assert field.refresh().check_in_reason == "Trụ sở tạm ở nhà văn hóa khu phố"


def test_accuracy_widens_the_fence_and_a_wrong_clock_is_flagged(field):
    edge = (OFFICE[0] + 0.0015, OFFICE[1])  # about 167 m north: outside 100 m, inside 100 + 80
    result = checkin(field, edge, accuracy=80, time=(timezone.now() - timedelta(hours=2)).isoformat())
    assert result["errors"] == [] and result["flags"] == ["clock_skew"]
    assert field.refresh().check_in_device_time is not None


@pytest.mark.parametrize(
    "lat, lon, field_name", [(91, 106.7, "latitude"), (10.7, 181, "longitude"), (-90.0001, 0, "latitude")]
)
def test_bad_coordinates_are_refused(field, lat, lon, field_name):
    result = checkin(field, (lat, lon))
    assert codes(result) == [(field_name, "OUT_OF_RANGE")] and field.refresh().status == VisitStatus.PLANNED


def test_nan_and_infinite_coordinates_are_refused(field):
    # JSON cannot carry NaN, so GraphQL never sees one; the service refuses it all the same.
    for lat in (math.nan, math.inf):
        with pytest.raises(ValidationError) as refused:
            check_in(
                field.visit,
                actor=field.inspector,
                latitude=lat,
                longitude=106.7,
                accuracy_m=5,
                device_time=timezone.now(),
            )
        assert refused.value.error_dict["latitude"][0].code == "out_of_range"
    assert field.refresh().status == VisitStatus.PLANNED


def test_only_assigned_inspectors_check_in(field):
    other = token_for(field.world.inspectors[1])
    result = gql(
        Client(),
        CHECK_IN,
        {
            "visit": gid("Visit", field.visit.pk),
            "lat": NEAR[0],
            "lon": NEAR[1],
            "acc": 5.0,
            "time": now_iso(),
        },
        token=other,
    )["data"]["checkIn"]
    assert codes(result) == [("visitId", "NOT_FOUND")]  # a surprise visit they are not on does not exist


def test_a_whole_visit_from_answers_to_submission_and_correction(field):
    checkin(field, NEAR)
    visit_id, client = gid("Visit", field.visit.pk), Client()
    criteria = list(Criterion.objects.filter(template=field.refresh().template).order_by("position"))
    assert len(criteria) >= 15
    # A critical finding on 28 April 2026: 5 working days skip 30/4, 1/5 and the weekend -> 7 May 2026.
    finding_id = str(uuid.uuid4())
    recorded = gql(
        client,
        FINDING,
        {
            "id": finding_id,
            "visit": visit_id,
            "code": "OSS-03",
            "text": "Thu tiền ngoài quy định",
            "at": aware(2026, 4, 28).isoformat(),
        },
        token=field.token,
    )["data"]["recordFinding"]
    assert recorded["errors"] == [] and recorded["finding"]["severity"] == "CRITICAL"
    assert recorded["finding"]["deadline"] == "2026-05-07"
    assert Answer.objects.get(visit=field.visit, criterion__code="OSS-03").result == "fail"
    # The same finding sent again is the same finding; other content under its id is a conflict.
    again = gql(
        client,
        FINDING,
        {
            "id": finding_id,
            "visit": visit_id,
            "code": "OSS-03",
            "text": "Thu tiền ngoài quy định",
            "at": aware(2026, 4, 28).isoformat(),
        },
        token=field.token,
    )["data"]["recordFinding"]
    assert again["finding"]["id"] == recorded["finding"]["id"] and Finding.objects.count() == 1
    clash = gql(
        client,
        FINDING,
        {"id": finding_id, "visit": visit_id, "code": "OSS-03", "text": "Khác"},
        token=field.token,
    )["data"]["recordFinding"]
    assert codes(clash) == [("id", "CONFLICT")]
    # A criterion with a finding cannot pass.
    assert codes(
        gql(client, ANSWER, {"visit": visit_id, "code": "OSS-03", "result": "PASS"}, token=field.token)[
            "data"
        ]["answerCriterion"]
    ) == [("result", "CRITERION_HAS_FINDING")]
    # Submission waits for every answer.
    incomplete = gql(client, SUBMIT, {"visit": visit_id}, token=field.token)["data"]["submitVisit"]
    assert codes(incomplete) == [(None, "INCOMPLETE")]
    for criterion in criteria:
        if criterion.code != "OSS-03":
            assert (
                gql(
                    client,
                    ANSWER,
                    {"visit": visit_id, "code": criterion.code, "result": "PASS"},
                    token=field.token,
                )["data"]["answerCriterion"]["errors"]
                == []
            )
    submitted = gql(client, SUBMIT, {"visit": visit_id}, token=field.token)["data"]["submitVisit"]
    assert submitted["errors"] == [] and submitted["visit"]["status"] == "SUBMITTED"

    # Submitted: nothing of the record changes through any mutation...
    before = list(Finding.objects.values()), list(Answer.objects.order_by("pk").values("result", "note"))
    assert codes(
        gql(client, ANSWER, {"visit": visit_id, "code": "OSS-01", "result": "FAIL"}, token=field.token)[
            "data"
        ]["answerCriterion"]
    ) == [(None, "VISIT_SUBMITTED")]
    assert codes(
        gql(
            client,
            FINDING,
            {"id": str(uuid.uuid4()), "visit": visit_id, "code": "OSS-01", "text": "Muộn"},
            token=field.token,
        )["data"]["recordFinding"]
    ) == [(None, "VISIT_SUBMITTED")]
    assert (
        list(Finding.objects.values()),
        list(Answer.objects.order_by("pk").values("result", "note")),
    ) == before
    # ...but a correction adds a version and keeps the old one.
    corrected = gql(
        client,
        CORRECT,
        {"id": recorded["finding"]["id"], "text": "Thu 200.000đ ngoài quy định"},
        token=field.token,
    )["data"]["correctFinding"]
    assert (
        corrected["errors"] == []
        and corrected["finding"]["version"] == 2
        and corrected["finding"]["isCurrent"]
    )
    assert corrected["finding"]["supersedes"] == {
        "id": recorded["finding"]["id"],
        "version": 1,
        "text": "Thu tiền ngoài quy định",
    }
    assert list(Finding.objects.filter(version=1).values()) == before[0]
    # The plan and its team were set up through the services (a COMMAND); the phone's work came through the API.
    actions = list(AuditEntry.objects.filter(surface="api").order_by("pk").values_list("action", flat=True))
    assert actions[0] == "visit.check_in" and "finding.create" in actions and actions[-1] == "finding.correct"
    assert AuditEntry.objects.filter(action="visit.submit", actor=field.inspector).exists()


def test_the_audit_log_is_append_only(field):
    checkin(field, NEAR)
    entry = AuditEntry.objects.get(action="visit.check_in")
    entry.action = "tampered"
    with pytest.raises(ValueError):
        entry.save()
    with pytest.raises(ValueError):
        entry.delete()
    assert AuditEntry.objects.get(pk=entry.pk).action == "visit.check_in"
    assert date.today()


def test_check_in_is_the_moment_the_unit_learns_of_the_surprise_visit(field):
    head, _staff = field.world.unit_people(field.visit.unit)
    query = "{ visits(first: 10) { totalCount } }"
    assert gql(Client(), query, token=token_for(head))["data"]["visits"]["totalCount"] == 0
    checkin(field, NEAR)
    assert gql(Client(), query, token=token_for(head))["data"]["visits"]["totalCount"] == 1


# --- the phone's clock, the visit's days (issue 13) ---------------------------------------------------------

CHECK_IN_SENT = """mutation($visit: ID!, $time: DateTime!, $sent: DateTime) {
  checkIn(visitId: $visit, latitude: 10.7725, longitude: 106.6985, accuracy: 8, deviceTime: $time, sentAt: $sent) {
    visit { status checkedInAt checkInReceivedAt } flags errors { field code }
  }
}"""


def checkin_sent(field, time, sent=None):
    variables = {
        "visit": gid("Visit", field.visit.pk),
        "time": time.isoformat(),
        "sent": sent and sent.isoformat(),
    }
    return gql(Client(), CHECK_IN_SENT, variables, token=field.token)["data"]["checkIn"]


def test_a_check_in_sent_later_keeps_its_moment_on_site_and_the_delay_is_no_clock_skew(field):
    now = timezone.now()
    result = checkin_sent(field, now - timedelta(hours=2), sent=now)
    assert result["errors"] == [] and result["flags"] == []
    visit = field.refresh()
    assert abs(visit.checked_in_at - (now - timedelta(hours=2))) < timedelta(seconds=5)
    assert abs(visit.check_in_received_at - now) < timedelta(seconds=5)
    assert (
        result["visit"]["checkInReceivedAt"]
        and result["visit"]["checkedInAt"] != result["visit"]["checkInReceivedAt"]
    )


def test_a_phone_clock_an_hour_fast_is_corrected_and_flagged(field):
    now, fast = timezone.now(), timedelta(hours=1)
    result = checkin_sent(field, now - timedelta(minutes=30) + fast, sent=now + fast)
    assert result["errors"] == [] and result["flags"] == ["clock_skew"]
    assert abs(field.refresh().checked_in_at - (now - timedelta(minutes=30))) < timedelta(seconds=5)


def test_a_visit_planned_thirteen_days_later_cannot_be_checked_in_today(field, settings):
    # A periodic visit (a surprise one is not even listed to its inspector that early).
    Visit.objects.filter(pk=field.visit.pk).update(
        kind="periodic", planned_date=timezone.localdate() + timedelta(days=13)
    )
    refused = checkin(field, NEAR)
    assert (
        codes(refused) == [(None, "OUTSIDE_VISIT_WINDOW")] and field.refresh().status == VisitStatus.PLANNED
    )
    assert not AuditEntry.objects.filter(action="visit.check_in").exists()
    settings.CHECK_IN_OUTSIDE_WINDOW = "flag"
    flagged = checkin(field, NEAR)
    assert flagged["errors"] == [] and flagged["flags"] == ["outside_window"]
    assert field.refresh().check_in_flags == ["outside_window"]


WINDOW = "query($id: ID!) { node(id: $id) { ... on Visit { plannedDate checkInFrom checkInUntil } } }"


def test_the_window_counts_the_days_around_the_planned_date_and_the_phone_sees_it(field, settings):
    settings.CHECK_IN_WINDOW_DAYS_BEFORE, settings.CHECK_IN_WINDOW_DAYS_AFTER = 1, 3
    today = timezone.localdate()
    Visit.objects.filter(pk=field.visit.pk).update(planned_date=today - timedelta(days=3))
    window = gql(Client(), WINDOW, {"id": gid("Visit", field.visit.pk)}, token=field.token)["data"]["node"]
    assert window["checkInFrom"] == str(today - timedelta(days=4)) and window["checkInUntil"] == str(today)
    assert checkin(field, NEAR)["errors"] == []


# --- findings only on failed criteria; withdrawal (issue 13) ------------------------------------------------

WITHDRAW = """mutation($id: UUID!, $reason: String!) { withdrawFinding(findingId: $id, reason: $reason) {
  finding { uuid withdrawn withdrawnAt withdrawalReason } errors { field code } } }"""
CORRECT_WITHDRAW = """mutation($id: ID!) { correctFinding(id: $id, reason: "Ghi nhầm đơn vị", withdraw: true) {
  finding { id version withdrawn isCurrent remediation { state } } errors { field code } } }"""


def send_finding(field, code, finding_id=None):
    variables = {"id": finding_id or str(uuid.uuid4()), "visit": gid("Visit", field.visit.pk), "code": code}
    return gql(Client(), FINDING, {**variables, "text": "Vi phạm"}, token=field.token)["data"][
        "recordFinding"
    ]


def answer(field, code, result):
    variables = {"visit": gid("Visit", field.visit.pk), "code": code, "result": result}
    return gql(Client(), ANSWER, variables, token=field.token)["data"]["answerCriterion"]


@pytest.mark.parametrize("result", ["PASS", "NOT_APPLICABLE"])
def test_a_finding_on_a_criterion_answered_pass_or_not_applicable_is_refused(field, result):
    checkin(field, NEAR)
    assert answer(field, "OSS-01", result)["errors"] == []
    refused = send_finding(field, "OSS-01")
    assert codes(refused) == [("criterionCode", "CRITERION_NOT_FAILED")] and not Finding.objects.exists()
    # Not answered yet: the finding is taken and the criterion becomes FAIL (replays in any order work).
    assert send_finding(field, "OSS-02")["errors"] == []
    assert Answer.objects.get(visit=field.visit, criterion__code="OSS-02").result == "fail"


def test_a_finding_withdrawn_before_submission_is_kept_and_nobody_answers_for_it(field):
    checkin(field, NEAR)
    finding_id = str(uuid.uuid4())
    assert send_finding(field, "OSS-01", finding_id)["errors"] == []
    variables = {"id": finding_id, "reason": "Ghi nhầm tiêu chí"}
    first = gql(Client(), WITHDRAW, variables, token=field.token)["data"]["withdrawFinding"]
    again = gql(Client(), WITHDRAW, variables, token=field.token)["data"]["withdrawFinding"]
    assert first["errors"] == [] and first["finding"]["withdrawn"] and again == first
    assert AuditEntry.objects.filter(action="finding.withdraw").count() == 1
    assert (
        not Finding.objects.current().exists()
        and Finding.objects.get().withdrawal_reason == "Ghi nhầm tiêu chí"
    )
    # Its criterion may now pass; the submitted visit opens no remediation for it.
    for criterion in Criterion.objects.filter(template__code="ONE_STOP_SHOP"):
        assert answer(field, criterion.code, "PASS")["errors"] == []
    assert (
        gql(Client(), SUBMIT, {"visit": gid("Visit", field.visit.pk)}, token=field.token)["data"][
            "submitVisit"
        ]["errors"]
        == []
    )
    assert not Remediation.objects.exists()
    after = gql(Client(), WITHDRAW, {"id": str(uuid.uuid4()), "reason": "x"}, token=field.token)
    assert codes(after["data"]["withdrawFinding"]) == [("findingId", "NOT_FOUND")]


def test_a_correction_withdraws_a_submitted_finding_and_ends_its_remediation(field):
    checkin(field, NEAR)
    finding_id = str(uuid.uuid4())
    recorded = send_finding(field, "OSS-01", finding_id)["finding"]
    for criterion in Criterion.objects.filter(template__code="ONE_STOP_SHOP").exclude(code="OSS-01"):
        answer(field, criterion.code, "PASS")
    gql(Client(), SUBMIT, {"visit": gid("Visit", field.visit.pk)}, token=field.token)
    remediation = Remediation.objects.get()
    assert remediation.state == "open"
    refused = gql(Client(), WITHDRAW, {"id": finding_id, "reason": "x"}, token=field.token)["data"][
        "withdrawFinding"
    ]
    assert codes(refused) == [(None, "VISIT_SUBMITTED")]
    result = gql(Client(), CORRECT_WITHDRAW, {"id": recorded["id"]}, token=field.token)["data"][
        "correctFinding"
    ]
    assert result["errors"] == [] and result["finding"]["withdrawn"] and result["finding"]["version"] == 2
    assert result["finding"]["remediation"] == {"state": "WITHDRAWN"}
    later = timezone.localdate() + timedelta(days=365)
    assert not Remediation.objects.overdue(later).exists() and not Remediation.objects.waiting().exists()
    assert not Finding.objects.current().exists() and Finding.objects.count() == 2  # both versions kept
    assert AuditEntry.objects.filter(action="finding.withdraw").count() == 1
    again = gql(Client(), CORRECT_WITHDRAW, {"id": result["finding"]["id"]}, token=field.token)
    assert codes(again["data"]["correctFinding"]) == [(None, "FINDING_WITHDRAWN")]
