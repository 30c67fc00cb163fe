"""Offline sync (rule 4): resent, shuffled or cut batches leave the database exactly as one clean send."""

import json
import random
import uuid
from datetime import timedelta

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import Answer, AuditEntry, Criterion, Evidence, Finding, Visit
from mobile_api.models import SyncOperation
from tests.factories import NEAR, gid, gql, now_iso

SYNC = """mutation($sentAt: DateTime!, $ops: [SyncOperationInput!]!) {
  syncBatch(sentAt: $sentAt, operations: $ops) {
    results { id kind ok objectId errors { field code } } errors { code }
  }
}"""


def op(kind, payload, op_id=None):
    return {"id": op_id or str(uuid.uuid4()), "kind": kind.upper(), "payload": json.dumps(payload)}


def whole_visit(field):
    """Everything a phone queues for one visit: check-in, every answer, two findings with photos, submit."""
    visit_id = gid("Visit", field.visit.pk)
    codes = list(Criterion.objects.filter(template__code="ONE_STOP_SHOP").values_list("code", flat=True))
    failing = {"OSS-01": str(uuid.uuid4()), "OSS-05": str(uuid.uuid4())}
    photos = {code: str(uuid.uuid4()) for code in failing}
    ops = [
        op(
            "check_in",
            {
                "visitId": visit_id,
                "latitude": NEAR[0],
                "longitude": NEAR[1],
                "accuracy": 8,
                "deviceTime": now_iso(),
            },
        )
    ]
    ops += [
        op(
            "answer",
            {
                "visitId": visit_id,
                "criterionCode": code,
                "result": "fail" if code in failing else "pass",
                "note": "",
            },
        )
        for code in codes
    ]
    ops += [
        op(
            "finding",
            {
                "visitId": visit_id,
                "findingId": finding_id,
                "criterionCode": code,
                "text": f"Vi phạm {code}",
                "capturedAt": now_iso(),
            },
        )
        for code, finding_id in failing.items()
    ]
    ops += [
        op("evidence_link", {"evidenceId": photos[code], "findingId": finding_id})
        for code, finding_id in failing.items()
    ]
    ops.append(op("submit", {"visitId": visit_id}))
    return ops


def send(field, ops, sent_at=None):
    variables = {"ops": ops, "sentAt": sent_at or now_iso()}
    return gql(Client(), SYNC, variables, token=field.token)["data"]["syncBatch"]


def snapshot():
    return {
        "visits": list(Visit.objects.order_by("pk").values("pk", "status", "checked_in_at", "submitted_at")),
        "answers": list(Answer.objects.order_by("pk").values("pk", "uuid", "criterion_id", "result", "note")),
        "findings": list(
            Finding.objects.order_by("pk").values("pk", "uuid", "criterion_id", "text", "deadline")
        ),
        "evidence": list(Evidence.objects.order_by("pk").values("pk", "uuid", "finding_id", "finding_uuid")),
        "operations": list(SyncOperation.objects.order_by("pk").values("pk", "uuid", "digest", "result")),
        "audit": AuditEntry.objects.count(),
    }


def test_the_same_batch_three_times_and_shuffled_is_one_send(field):
    ops = whole_visit(field)
    first = send(field, ops)
    assert first["errors"] == [] and all(result["ok"] for result in first["results"]), first["results"]
    assert Visit.objects.get(pk=field.visit.pk).status == "submitted"
    once = snapshot()
    assert len(once["findings"]) == 2 and len(once["evidence"]) == 2
    for seed in (1, 2):
        shuffled = ops[:]
        random.Random(seed).shuffle(shuffled)
        again = send(field, shuffled)
        assert snapshot() == once
        assert sorted(again["results"], key=lambda r: r["id"]) == sorted(
            first["results"], key=lambda r: r["id"]
        )


def test_a_shuffled_first_send_does_what_the_ordered_one_does(field):
    ops = whole_visit(field)
    random.Random(3).shuffle(ops)
    result = send(field, ops)
    assert all(r["ok"] for r in result["results"]), [r for r in result["results"] if not r["ok"]]
    assert Visit.objects.get(pk=field.visit.pk).status == "submitted" and Finding.objects.count() == 2


def test_a_batch_cut_in_the_middle_and_resent_completes_without_duplicates(field):
    ops = whole_visit(field)
    cut = len(ops) // 2
    partial = send(field, ops[:cut])  # the server applied these, then the connection dropped
    assert all(r["ok"] for r in partial["results"])
    resent = send(field, ops)
    assert all(r["ok"] for r in resent["results"])
    assert (
        Finding.objects.count() == 2
        and Answer.objects.count() == Criterion.objects.filter(template__code="ONE_STOP_SHOP").count()
    )
    assert SyncOperation.objects.count() == len(ops)
    assert Visit.objects.get(pk=field.visit.pk).status == "submitted"


def test_one_bad_operation_does_not_spoil_the_others(field):
    visit_id = gid("Visit", field.visit.pk)
    good_check_in = op(
        "check_in",
        {
            "visitId": visit_id,
            "latitude": NEAR[0],
            "longitude": NEAR[1],
            "accuracy": 5,
            "deviceTime": now_iso(),
        },
    )
    bad_answer = op("answer", {"visitId": visit_id, "criterionCode": "NOPE", "result": "pass"})
    bad_finding = op(
        "finding", {"visitId": visit_id, "criterionCode": "OSS-02", "text": "", "capturedAt": "hôm qua"}
    )
    hidden = op("answer", {"visitId": gid("Visit", 999999), "criterionCode": "OSS-02", "result": "pass"})
    good_answer = op("answer", {"visitId": visit_id, "criterionCode": "OSS-02", "result": "pass"})
    results = {
        r["id"]: r
        for r in send(field, [bad_answer, good_check_in, bad_finding, hidden, good_answer])["results"]
    }
    assert results[good_check_in["id"]]["ok"] and results[good_answer["id"]]["ok"]
    assert results[bad_answer["id"]]["errors"] == [{"field": "criterionCode", "code": "UNKNOWN_CRITERION"}]
    assert results[bad_finding["id"]]["errors"][0]["code"] in ("REQUIRED", "INVALID")
    assert results[hidden["id"]]["errors"] == [{"field": "visitId", "code": "NOT_FOUND"}]
    assert not Finding.objects.exists() and Answer.objects.count() == 1
    # Reusing an operation id for different content is a conflict and changes nothing.
    reused = dict(
        good_answer, payload=json.dumps({"visitId": visit_id, "criterionCode": "OSS-02", "result": "fail"})
    )
    conflict = send(field, [reused])["results"][0]
    assert conflict["errors"] == [{"field": "id", "code": "CONFLICT"}]
    assert Answer.objects.get().result == "pass"


def test_photos_may_arrive_before_or_after_their_finding(field):
    visit_id = gid("Visit", field.visit.pk)
    early_photo, finding_id = str(uuid.uuid4()), str(uuid.uuid4())
    send(
        field,
        [
            op(
                "check_in",
                {
                    "visitId": visit_id,
                    "latitude": NEAR[0],
                    "longitude": NEAR[1],
                    "accuracy": 5,
                    "deviceTime": now_iso(),
                },
            )
        ],
    )
    linked_first = send(field, [op("evidence_link", {"evidenceId": early_photo, "findingId": finding_id})])
    assert linked_first["results"][0]["ok"]
    assert Evidence.objects.get(uuid=early_photo).finding is None
    send(
        field,
        [
            op(
                "finding",
                {
                    "visitId": visit_id,
                    "findingId": finding_id,
                    "criterionCode": "OSS-04",
                    "text": "Chưa niêm yết phí",
                    "capturedAt": now_iso(),
                },
            )
        ],
    )
    assert str(Evidence.objects.get(uuid=early_photo).finding.uuid) == finding_id


def test_sql_statements_per_operation_do_not_grow_with_the_batch(field):
    visit_id = gid("Visit", field.visit.pk)
    send(
        field,
        [
            op(
                "check_in",
                {
                    "visitId": visit_id,
                    "latitude": NEAR[0],
                    "longitude": NEAR[1],
                    "accuracy": 5,
                    "deviceTime": now_iso(),
                },
            )
        ],
    )
    codes = list(Criterion.objects.filter(template__code="ONE_STOP_SHOP").values_list("code", flat=True))

    def answers(selected):
        return [
            op("answer", {"visitId": visit_id, "criterionCode": code, "result": "pass"}) for code in selected
        ]

    counts = []
    for selected in (codes[:2], codes[2:6], codes[6:14]):  # batches of 2, 4 and 8 new answers
        batch = answers(selected)
        with CaptureQueriesContext(connection) as queries:
            assert all(r["ok"] for r in send(field, batch)["results"])
        counts.append(len(queries))
    per_operation = (counts[1] - counts[0]) / 2
    assert (counts[2] - counts[1]) / 4 == per_operation  # each operation costs the same statements
    assert per_operation <= 20


# --- the phone's clock, malformed operations, withdrawals (issue 13) ----------------------------------------


def local(hour, minute):
    return timezone.localtime().replace(hour=hour, minute=minute, second=0, microsecond=0)


def test_an_offline_check_in_at_0810_sent_at_1010_is_recorded_at_0810_without_clock_skew(field, clock):
    clock.move_to(local(10, 10))
    visit_id, finding_id = gid("Visit", field.visit.pk), str(uuid.uuid4())
    check = {"visitId": visit_id, "latitude": NEAR[0], "longitude": NEAR[1], "accuracy": 8}
    ops = [
        op("check_in", {**check, "deviceTime": local(8, 10).isoformat()}),
        op(
            "finding",
            {
                "visitId": visit_id,
                "findingId": finding_id,
                "criterionCode": "OSS-05",
                "text": "Không niêm yết phí",
                "capturedAt": local(8, 25).isoformat(),
            },
        ),
    ]
    result = send(field, ops, sent_at=local(10, 10).isoformat())
    assert [r["ok"] for r in result["results"]] == [True, True]
    visit = Visit.objects.get(pk=field.visit.pk)
    assert abs(visit.checked_in_at - local(8, 10)) < timedelta(seconds=5) and visit.check_in_flags == []
    assert abs(visit.check_in_received_at - local(10, 10)) < timedelta(seconds=5)
    finding = Finding.objects.get(uuid=finding_id)
    assert visit.checked_in_at < finding.captured_at < visit.check_in_received_at


def test_a_phone_clock_two_hours_slow_is_corrected_by_the_batch_sent_at(field, clock):
    clock.move_to(local(10, 10))
    check = {
        "visitId": gid("Visit", field.visit.pk),
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "accuracy": 8,
    }
    # The phone's clock says 06:10 at the check-in and 08:10 when it sends: it is two hours slow.
    send(
        field,
        [op("check_in", {**check, "deviceTime": local(6, 10).isoformat()})],
        sent_at=local(8, 10).isoformat(),
    )
    visit = Visit.objects.get(pk=field.visit.pk)
    assert abs(visit.checked_in_at - local(8, 10)) < timedelta(seconds=5) and visit.check_in_flags == [
        "clock_skew"
    ]


def test_a_malformed_operation_fails_alone_with_a_typed_error(field):
    visit_id = gid("Visit", field.visit.pk)
    good = op(
        "check_in",
        {
            "visitId": visit_id,
            "latitude": NEAR[0],
            "longitude": NEAR[1],
            "accuracy": 8,
            "deviceTime": now_iso(),
        },
    )
    not_json = {"id": str(uuid.uuid4()), "kind": "ANSWER", "payload": "{visitId: oops"}
    a_list = {"id": str(uuid.uuid4()), "kind": "ANSWER", "payload": "[1, 2]"}
    missing = op("answer", {"visitId": visit_id, "result": "pass"})
    bad_date = op(
        "finding",
        {"visitId": visit_id, "criterionCode": "OSS-05", "text": "x", "capturedAt": "2026-13-45T08:00:00"},
    )
    answered = op("answer", {"visitId": visit_id, "criterionCode": "OSS-02", "result": "pass"})
    result = send(field, [not_json, good, a_list, missing, bad_date, answered])
    assert result["errors"] == []
    outcome = [(r["ok"], [(e["field"], e["code"]) for e in r["errors"]]) for r in result["results"]]
    assert outcome == [
        (False, [("payload", "MALFORMED_OPERATION")]),
        (True, []),
        (False, [("payload", "MALFORMED_OPERATION")]),
        (False, [("criterionCode", "REQUIRED")]),
        (False, [("capturedAt", "INVALID")]),
        (True, []),
    ]
    assert Visit.objects.get(pk=field.visit.pk).status == "in_progress" and Answer.objects.count() == 1


def test_a_finding_recorded_withdrawn_and_its_criterion_passed_ends_so_in_any_order(field):
    visit_id, finding_id = gid("Visit", field.visit.pk), str(uuid.uuid4())
    check = {
        "visitId": visit_id,
        "latitude": NEAR[0],
        "longitude": NEAR[1],
        "accuracy": 8,
        "deviceTime": now_iso(),
    }
    ops = [
        op("check_in", check),
        op("answer", {"visitId": visit_id, "criterionCode": "OSS-01", "result": "fail"}),
        op(
            "finding",
            {"visitId": visit_id, "findingId": finding_id, "criterionCode": "OSS-01", "text": "Nhầm"},
        ),
        op("withdraw_finding", {"findingId": finding_id, "reason": "Ghi nhầm"}),
        op("answer", {"visitId": visit_id, "criterionCode": "OSS-01", "result": "pass"}),
    ]
    shuffled = ops[:]
    random.Random(13).shuffle(shuffled)
    first = send(field, shuffled)
    assert all(r["ok"] for r in first["results"]), first
    assert send(field, ops)["results"] == [
        next(r for r in first["results"] if r["id"] == o["id"]) for o in ops
    ]
    finding = Finding.objects.get(uuid=finding_id)
    assert finding.withdrawn_at is not None and finding.withdrawal_reason == "Ghi nhầm"
    assert Answer.objects.get(criterion__code="OSS-01").result == "pass"
    # A finding on a criterion answered PASS is refused, alone.
    late = send(field, [op("finding", {"visitId": visit_id, "criterionCode": "OSS-01", "text": "x"})])
    assert late["results"][0]["errors"] == [{"field": "criterionCode", "code": "CRITERION_NOT_FAILED"}]
