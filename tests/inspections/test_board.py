"""The compliance board: figures against hand-computed values, constant queries, deterministic ranks."""

from datetime import date

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from inspections.models import (
    InspectionPlan,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Visit,
)
from inspections.services.board import board
from tests.factories import add_finding, approved_plan, at, gid, gql, token_for

TODAY = date(2027, 4, 1)  # the scene's as-of day (tests/inspections/conftest.py)


def test_board_figures_match_the_hand_computed_ones(scene):
    result = board(scene.reviewer, scene.province, 2027, today=TODAY)
    rows = {row.unit.code: row for row in result.rows}
    snv, w01, w02 = rows["P1-STP"], rows["W01"], rows["W02"]
    assert (
        snv.periodic_visits,
        snv.surprise_visits,
        snv.findings,
        snv.remediation_on_time,
        snv.overdue_now,
    ) == (1, 0, {"critical": 0, "major": 1, "minor": 0}, 1, 0)
    assert (snv.on_time_rate, snv.score, snv.status) == (1.0, 96.0, "green")  # 100 − 4 (one major)
    assert (w01.findings, w01.cctv_flags, w01.overdue_now, w01.repeat_findings, w01.on_time_rate) == (
        {"critical": 1, "major": 0, "minor": 1},
        2,
        1,
        1,
        0.0,
    )
    assert (w01.score, w01.status) == (
        67.0,
        "red",
    )  # 100 − 10 − 1 − 5 (overdue) − 3 (repeat) − 2×2 (CCTV) − 10
    assert w01.areas == {"e_government": 2}
    assert (w02.score, w02.status, w02.visited) == (
        100.0,
        "amber",
        False,
    )  # nothing found, but not visited yet
    # The one inspected unit first; then the others (not inspected yet), ties at 100 by unit code.
    assert [row.unit.code for row in result.rows] == [
        "P1-STP",
        "P1-SNV",
        "P1-TTR",
        *[f"W{i:02d}" for i in range(2, 11)],
        "W01",
    ]
    assert [row.rank for row in result.rows] == list(range(1, 14))
    assert (result.unit_count, result.target_units, result.visited_units, result.coverage) == (12, 4, 1, 0.25)


def test_coverage_and_target_count_distinct_units_whatever_the_plans(scene):
    """Plans written before overlapping periods were refused: a second yearly plan and a quarterly one of the
    same authority, visiting the same unit again. Units, target and visited units are counted once each."""
    for quarter in (None, 1):
        plan = InspectionPlan.objects.create(
            authority=scene.province,
            title="Trùng",
            year=2027,
            quarter=quarter,
            status=PlanStatus.APPROVED,
            created_by=scene.reviewer,
        )
        Visit.objects.create(
            plan=plan,
            unit=scene.units["P1-STP"],
            kind="periodic",
            planned_date=date(2027, 3, 10),
            status="submitted",
            checked_in_at=at(date(2027, 3, 10)),
        )
    for quarter in (None, 1):
        result = board(scene.reviewer, scene.province, 2027, quarter=quarter, today=TODAY)
        assert (result.unit_count, result.target_units, result.visited_units) == (12, 4, 1), quarter


def test_filters_by_severity_area_and_kind(scene):
    critical = {
        row.unit.code: row.findings_total
        for row in board(scene.reviewer, scene.province, 2027, severity="critical", today=TODAY).rows
    }
    assert critical["W01"] == 1 and critical["P1-STP"] == 0
    procedures = {
        row.unit.code: row.findings_total
        for row in board(scene.reviewer, scene.province, 2027, area="procedures", today=TODAY).rows
    }
    assert procedures["P1-STP"] == 1 and procedures["W01"] == 0
    departments = board(scene.reviewer, scene.province, 2027, kind=OrgUnitKind.DEPARTMENT, today=TODAY)
    assert [row.unit.code for row in departments.rows] == ["P1-STP", "P1-SNV", "P1-TTR"]  # inspected first
    q2 = board(scene.reviewer, scene.province, 2027, quarter=2, today=TODAY)
    assert sum(row.findings_total for row in q2.rows) == 0  # everything happened in March


QUERY = """query($a: ID!, $sort: BoardSort) { board(authorityId: $a, year: 2027, sort: $sort) {
  unitCount targetUnits visitedUnits coverage
  rows(first: 3) { totalCount pageInfo { hasNextPage endCursor }
    edges { node { rank score status unit { code } head { username } findings { critical major minor total }
                   overdueNow onTimeRate repeatFindings cctvFlags findingsByArea { area count } } } }
  months { month coverage onTime } } }"""


def test_the_board_through_graphql_and_who_may_see_it(scene, clock):
    clock.move_to(at(date(2027, 2, 1)))  # through the API "today" is the clock's: before the March deadlines
    token = token_for(scene.reviewer)
    data = gql(Client(), QUERY, {"a": gid("OrgUnit", scene.province.pk), "sort": "FINDINGS"}, token=token)[
        "data"
    ]
    rows = data["board"]["rows"]
    assert rows["totalCount"] == 13 and rows["pageInfo"]["hasNextPage"] is True
    first = rows["edges"][0]["node"]
    # Sorted by findings; nothing is overdue yet.
    assert first["unit"]["code"] == "W01" and first["rank"] == 13 and first["status"] == "AMBER"
    assert (first["overdueNow"], first["score"]) == (0, 82.0)  # 100 − 10 − 1 − 3 (repeat) − 2×2 (CCTV)
    assert first["findings"] == {"critical": 1, "major": 0, "minor": 1, "total": 2}
    assert first["findingsByArea"] == [{"area": "e_government", "count": 2}]
    assert len(data["board"]["months"]) == 12
    head_of_w01 = scene.unit_people(scene.units["W01"])[0]
    for outsider in (head_of_w01, scene.unit_people(scene.units["W01"])[1]):
        assert (
            gql(Client(), QUERY, {"a": gid("OrgUnit", scene.province.pk)}, token=token_for(outsider))["data"][
                "board"
            ]
            is None
        )


def test_the_number_of_queries_does_not_grow_with_units_or_findings(scene):
    def count():
        with CaptureQueriesContext(connection) as queries:
            rows = board(scene.reviewer, OrgUnit.objects.get(pk=scene.province.pk), 2027, today=TODAY).rows
        return len(queries), len(rows)

    small = count()
    province = OrgUnit.objects.get(pk=scene.province.pk)
    start = province.numchild
    OrgUnit.objects.bulk_create(
        [
            OrgUnit(
                code=f"X{i:04d}",
                kind=OrgUnitKind.WARD,
                name=f"Phường {i}",
                search_name=f"phuong {i}",
                parent=province,
                depth=2,
                numchild=0,
                path=OrgUnit._get_path(province.path, 2, start + i),
            )
            for i in range(1, 988)
        ]
    )
    OrgUnit.objects.filter(pk=province.pk).update(numchild=start + 987)
    for unit in OrgUnit.objects.filter(code__startswith="X")[:200]:
        add_finding(unit, "OSS-01", "minor", date(2027, 2, 1), date(2027, 3, 15), author=scene.inspectors[0])
    large = count()
    assert small[1] == 13 and large[1] == 1000
    assert small[0] == large[0]


@pytest.mark.django_db(transaction=True)
def test_the_board_subscription_pushes_the_changed_row(world):
    """Over a real WebSocket, through the in-memory layer (and Redis when REDIS_URL is set: the PostgreSQL run)."""
    from asgiref.sync import async_to_sync, sync_to_async
    from channels.testing import WebsocketCommunicator

    from backend.routing import graphql_websocket
    from inspections.services.field import check_in
    from inspections.services.plans import assign_inspectors
    from tests.factories import surprise_visits

    plan = approved_plan(world)
    visit = surprise_visits(plan)[0]
    inspector = world.inspectors[0]
    assign_inspectors(visit, [inspector], actor=world.reviewer)
    Visit.objects.filter(pk=visit.pk).update(planned_date=timezone.localdate())
    head = world.unit_people(visit.unit)[0]
    subscription = {
        "query": """subscription($a: ID!) { boardUpdated(authorityId: $a) {
        visitedUnits rows { unit { code } surpriseVisits visited } } }""",
        "variables": {"a": gid("OrgUnit", world.province.pk)},
    }

    async def open_socket(user):
        ws = WebsocketCommunicator(graphql_websocket, "/graphql/", subprotocols=["graphql-transport-ws"])
        assert (await ws.connect())[0]
        token = await sync_to_async(token_for)(user)
        await ws.send_json_to({"type": "connection_init", "payload": {"authorization": f"Bearer {token}"}})
        assert (await ws.receive_json_from(timeout=5))["type"] == "connection_ack"
        await ws.send_json_to({"id": "b", "type": "subscribe", "payload": subscription})
        return ws

    async def scenario():
        reviewer_ws, head_ws = await open_socket(world.reviewer), await open_socket(head)
        await reviewer_ws.receive_nothing(timeout=0.5)
        await sync_to_async(
            lambda: check_in(
                Visit.objects.get(pk=visit.pk),
                actor=inspector,
                latitude=10.77,
                longitude=106.7,
                accuracy_m=10,
                device_time=timezone.now(),
                reason="Trụ sở mới",
            )
        )()
        message = await reviewer_ws.receive_json_from(timeout=10)
        assert message["type"] == "next", message
        update = message["payload"]["data"]["boardUpdated"]
        assert update["rows"] == [{"unit": {"code": visit.unit.code}, "surpriseVisits": 1, "visited": True}]
        # The inspected unit has no board: its socket learns nothing of the check-in from the board.
        head_message = await head_ws.receive_json_from(timeout=5)
        assert head_message["type"] == "complete" or head_message["payload"]["data"]["boardUpdated"] is None
        for ws in (reviewer_ws, head_ws):
            await ws.disconnect()

    async_to_sync(scenario)()
