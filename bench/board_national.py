"""board_national: the boards of 34 provinces (about 5,000 units, 50,000 visits, 500,000 findings with their
remediation), each read through GraphQL by its Home Affairs reviewer: median time of one province's board and
the SQL statements it takes (the same for every province, whatever its size), and the time of all 34.

Runs on PostgreSQL only (DATABASE_URL set): half a million rows are not what SQLite is for. floor: the same
hand-written aggregate SQL query as board_province, for one province.
"""

import json
import statistics
import time
from datetime import date, datetime

from django.db import connection
from django.test import Client
from django.utils import timezone
from graphql_relay import to_global_id

from bench.board_province import FLOOR_SQL, QUERY, YEAR, build
from bench.common import result
from inspections.models import OrgUnit

PROVINCES, UNITS, VISITS, FINDINGS = (
    34,
    147,
    1470,
    14_700,
)  # × 34 ≈ 5,000 units, 50,000 visits, 500,000 findings


def run():
    if connection.vendor != "postgresql":
        return
    boards = [build(f"N{index:02d}", UNITS, VISITS, FINDINGS) for index in range(PROVINCES)]
    statements = [0]

    def count(execute, sql, params, many, context):
        statements[0] += 1
        return execute(sql, params, many, context)

    def read(province, reviewer) -> float:
        client = Client()
        client.force_login(reviewer)
        body = json.dumps(
            {"query": QUERY, "variables": {"a": to_global_id("OrgUnit", province.pk), "y": YEAR}}
        )
        started = time.perf_counter()
        data = client.post("/graphql/", body, content_type="application/json").json()
        elapsed = (time.perf_counter() - started) * 1000
        assert data["data"]["board"]["rows"]["totalCount"] == UNITS, data.get("errors")
        return elapsed

    read(*boards[0])  # warm-up
    per_board, counts = [], set()
    started = time.perf_counter()
    for province, reviewer in boards:
        statements[0] = 0
        with connection.execute_wrapper(count):
            per_board.append(read(province, reviewer))
        counts.add(statements[0])
    total = (time.perf_counter() - started) * 1000
    province = boards[0][0]
    zone = timezone.get_current_timezone()
    params = {
        "p": province.pk,
        "w": 2 * OrgUnit.steplen,
        "like": province.path + "%",
        "start": datetime(YEAR, 1, 1, tzinfo=zone),
        "end": datetime(YEAR + 1, 1, 1, tzinfo=zone),
        "today": date.today(),
    }
    floors = []
    for _ in range(5):
        began = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(FLOOR_SQL, params)
            cursor.fetchall()
        floors.append((time.perf_counter() - began) * 1000)
    yield result(
        "board_national",
        statistics.median(per_board),
        "ms",
        statistics.median(floors),
        provinces=PROVINCES,
        units=PROVINCES * UNITS,
        findings=PROVINCES * FINDINGS,
        all_provinces_ms=round(total, 1),
        statements=sorted(counts),
    )
