"""Every list query runs the same number of SQL statements for 5 rows as for 50, asking for every relation a
client would: relations resolve through per-request DataLoaders or a prefetch, never one query per row.
The rows and documents are in list_rows.py (bench/list_queries.py measures the same)."""

import pytest
from django.utils import timezone

from inspections.models import Finding, OrgUnit, Role, Snapshot, Visit, VisitAssignment, VisitKind
from tests.factories import gid, make_user, token_for
from tests.inspections import list_rows as rows
from tests.inspections.list_rows import nodes


def same_count_at_5_and_50(world, scenario):
    counts, (small, large) = rows.at_5_and_50(*scenario(world))
    assert counts[0] == counts[1], f"{counts[0]} statements for 5 rows, {counts[1]} for 50"
    return small, large


def test_org_units(world):
    small, large = same_count_at_5_and_50(world, rows.org_units)
    for data, size in ((small, 5), (large, 50)):
        units = nodes(data["orgUnits"])
        assert data["orgUnits"]["totalCount"] == len(units) == size
        assert all(
            u["parent"]["code"] == "D1" and u["head"]["fullName"] and u["head"]["unit"]["code"] == u["code"]
            for u in units
        )


def test_visits(world):
    small, large = same_count_at_5_and_50(world, rows.visits)
    visits = nodes(large["visits"])
    assert large["visits"]["totalCount"] == len(visits) == 50 and len(nodes(small["visits"])) == 5
    assert {v["unit"]["code"] for v in visits} == {f"D1-{i:03d}" for i in range(50)}
    assert all(
        v["plan"]["title"] == "Kế hoạch kiểm tra" and v["plan"]["authority"]["code"] == "P1" for v in visits
    )
    assert all([i["username"] for i in v["inspectors"]] == ["thanhtra1-p1", "thanhtra2-p1"] for v in visits)
    assert all(v["unit"]["head"]["unit"]["code"] == v["unit"]["code"] for v in visits)
    assert all(
        [(a["criterion"]["code"], a["result"], a["note"]) for a in v["answers"]]
        == [("OSS-01", "PASS", ""), ("OSS-02", "FAIL", "Thiếu bảng")]
        for v in visits
    )


def test_findings(world):
    small, large = same_count_at_5_and_50(world, rows.findings)
    findings = nodes(large["findings"])
    assert large["findings"]["totalCount"] == len(findings) == 50 and len(nodes(small["findings"])) == 5
    for f in findings:
        number = f["text"].split()[2]
        assert f["isCurrent"] and f["version"] == 2 and f["text"] == f"Phát hiện {number} v2"
        assert f["supersedes"] == {
            "id": f["supersedes"]["id"],
            "text": f"Phát hiện {number} v1",
            "isCurrent": False,
        }
        assert f["unit"]["code"] == "W01" and f["unit"]["head"]["fullName"]
        assert f["criterion"]["code"] and len(f["evidence"]) == 1
        remediation = f["remediation"]
        assert remediation["finding"]["id"] == f["id"] and remediation["state"] == "ANSWERED"
        assert remediation["accountable"]["username"] == "head-W01"
        assert remediation["assignee"]["username"] == "staff-W01"
        [answer] = remediation["answers"]
        assert (
            answer["draftedBy"]["username"] == "staff-W01" and answer["accountable"]["username"] == "head-W01"
        )
        assert len(answer["evidence"]) == 1


def test_remediations(world):
    small, large = same_count_at_5_and_50(world, rows.remediations)
    found = nodes(large["remediations"])
    assert large["remediations"]["totalCount"] == len(found) == 50 and len(nodes(small["remediations"])) == 5
    for r in found:
        assert r["finding"]["unit"]["code"] == "W02" and r["finding"]["remediation"]["id"] == r["id"]
        assert r["finding"]["supersedes"]["isCurrent"] is False and r["finding"]["isCurrent"]
        assert r["accountable"]["username"] == "head-W02" and r["answers"][0]["evidence"]


def test_notifications(world):
    small, large = same_count_at_5_and_50(world, rows.notifications)
    found = nodes(large["notifications"])
    assert (
        large["notifications"]["totalCount"] == len(found) == 50 and len(nodes(small["notifications"])) == 5
    )
    current = Finding.objects.filter(correction__isnull=True)
    assert {n["findingId"] for n in found} == {
        gid("Finding", pk) for pk in current.values_list("pk", flat=True)
    }


def test_snapshot_review_queue(world):
    small, large = same_count_at_5_and_50(world, rows.snapshot_review_queue)
    items = large["snapshotReviewQueue"]
    assert len(items) == 50 and len(small["snapshotReviewQueue"]) == 5
    for item in items:
        assert item["count"] == 2 and item["flag"] == "COVERED" and item["snapshot"]["confidence"] == 0.9
        assert item["camera"]["unit"]["code"] == item["camera"]["name"].split()[1]
        assert item["camera"]["unit"]["parent"]["code"] == "D1" and item["camera"]["counter"] == "Quầy 1"
        assert (
            item["snapshot"]["camera"]["id"] == item["camera"]["id"] and item["snapshot"]["finding"] is None
        )


def test_plans(world):
    small, large = same_count_at_5_and_50(world, rows.plans)
    plans = nodes(large["plans"])
    assert large["plans"]["totalCount"] == len(plans) == 50 and len(nodes(small["plans"])) == 5
    for plan in plans:
        assert plan["authority"]["code"] == "P1" and len(plan["inspectors"]) == 2
        visits = nodes(plan["visits"])
        assert plan["visits"]["totalCount"] == 2 and [v["unit"]["code"] for v in visits] == [
            "D1-000",
            "D1-001",
        ]
        assert all(v["plan"]["id"] == plan["id"] for v in visits)


def test_board_rows(world):
    small, large = same_count_at_5_and_50(world, rows.board_rows)
    found = nodes(large["board"]["rows"])
    assert len(found) == 50 and len(nodes(small["board"]["rows"])) == 5
    assert {r["unit"]["code"] for r in found} == {f"D1-{i:03d}" for i in range(50)}
    for row in found:
        assert row["head"]["username"] == f"head-{row['unit']['code']}"
        assert row["unit"]["parent"]["code"] == "D1" and row["head"]["unit"]["parent"]["code"] == "D1"


def test_my_devices(world):
    small, large = same_count_at_5_and_50(world, rows.my_devices)
    assert len(small["myDevices"]) == 5 and len(large["myDevices"]) == 50
    assert sum(device["current"] for device in large["myDevices"]) == 1


def test_every_list_query_has_a_scenario():
    assert set(rows.SCENARIOS) == {
        "orgUnits",
        "visits",
        "findings",
        "remediations",
        "notifications",
        "snapshotReviewQueue",
        "plans",
        "board_rows",
        "myDevices",
    }


# --- loaders never show what the caller may not see -----------------------------------------------------------


def test_a_plans_visits_keep_a_surprise_hidden_from_who_may_not_see_it(world):
    """The visits of a plan come through a loader: an inspector not assigned to a surprise visit does not see
    it, as the plan's visits never showed it; the assigned one does."""
    plan = rows.a_plan(world)
    periodic = rows.add_visits(world, plan, [world.units["W01"]])[0]
    surprise = Visit.objects.create(
        plan=plan, unit=world.units["W02"], kind=VisitKind.SURPRISE, planned_date=timezone.localdate()
    )
    VisitAssignment.objects.create(visit=surprise, inspector=world.inspectors[0], assigned_by=world.reviewer)
    seen = {}
    for inspector in world.inspectors:
        _count, data = rows.statements(
            token_for(inspector), rows.PLANS, {"authority": gid("OrgUnit", world.province.pk)}
        )
        [node] = nodes(data["plans"])
        seen[inspector.username] = {v["id"] for v in nodes(node["visits"])}
    assert seen["thanhtra1-p1"] == {gid("Visit", periodic.pk), gid("Visit", surprise.pk)}
    assert seen["thanhtra2-p1"] == {gid("Visit", periodic.pk)}


@pytest.mark.parametrize("document", [rows.FINDINGS, rows.REMEDIATIONS])
def test_a_hidden_finding_is_never_loaded_through_a_relation(world, document):
    """A unit head of another ward sees none of W01's findings or remediation, through any list."""
    visit = rows.add_visits(world, rows.a_plan(world), [world.units["W01"]])[0]
    rows.add_findings(world, visit, 0, 5)
    other_head, _ = world.unit_people(world.units["W05"])
    _count, data = rows.statements(token_for(other_head), document, {})
    assert next(iter(data.values()))["totalCount"] == 0


def test_a_snapshots_finding_shows_only_to_who_may_see_the_finding(world):
    """Snapshot.finding resolves through the findings loader, which applies the caller's visibility: an
    inspector of the district reviews its cameras but does not see a finding of a ward outside it."""
    build, token, document, _ = rows.snapshot_review_queue(world)
    build(0, 3)
    visit = rows.add_visits(world, rows.a_plan(world), [world.units["W01"]])[0]
    [finding] = rows.add_findings(world, visit, 0, 1)
    Snapshot.objects.update(finding=finding)
    district_inspector = make_user("thanhtra-d1", Role.INSPECTOR, OrgUnit.objects.get(code="D1"))
    shown = {}
    for name, viewer_token in (("province", token), ("district", token_for(district_inspector))):
        _count, data = rows.statements(viewer_token, document, None)
        assert len(data["snapshotReviewQueue"]) == 3
        shown[name] = [item["snapshot"]["finding"] for item in data["snapshotReviewQueue"]]
    assert shown == {"province": [{"id": gid("Finding", finding.pk)}] * 3, "district": [None] * 3}
