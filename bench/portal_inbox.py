"""portal_inbox: server time of the first page (25 rows) of a department head's inbox (``GET /findings/``),
with 2,000 findings under them and as many elsewhere that they may not see, against the one SQL statement that
selects those 25 rows with the same visibility and order (the floor). Also reports the statements per page, and
``signed_in_page``: the median ms of a signed-in portal page that runs no query of its own (``/password/changed/``:
the session, the user, the middleware and the base template), what every page pays before its own work."""

from django.db import connection
from django.test import Client

from bench.common import median_ms, result
from inspections.services.visibility import visible_remediations
from inspections.web.portal.findings import INBOX_FIELDS, INBOX_PAGE_SIZE
from tests.clock import pinned
from tests.web.inbox_rows import add_inbox_findings, inbox_world

FINDINGS = 2000
REPEAT = 30


def first_page_sql(head):
    """The SQL of the inbox's first page, the very statement the view runs (waiting for the unit, by deadline,
    the columns a row shows)."""
    rows = (
        visible_remediations(head)
        .order_by("deadline", "pk")
        .waiting()
        .values_list(*INBOX_FIELDS)[:INBOX_PAGE_SIZE]
    )
    return rows.query.sql_with_params()


def run():
    with pinned():
        head, department, other = inbox_world()
        add_inbox_findings(department, FINDINGS)
        add_inbox_findings(other, FINDINGS, first=FINDINGS)
        client = Client()
        client.force_login(head)
        statements = [0]

        def count(execute, sql, params, many, context):
            statements[0] += 1
            return execute(sql, params, many, context)

        def page(path="/findings/"):
            # The request through Django's handler, as a server runs it (the test client's copying of every
            # rendered template's context is not server time).
            response = client.handler(client._base_environ(PATH_INFO=path, REQUEST_METHOD="GET"))
            assert response.status_code == 200
            return response

        assert page().content.count(b'class="finding-row') == INBOX_PAGE_SIZE
        with connection.execute_wrapper(count):
            page()
        value = median_ms(page, repeat=REPEAT)
        sql, params = first_page_sql(head)

        def floor_query():
            with connection.cursor() as cursor:
                cursor.execute(sql, params)
                rows = cursor.fetchall()
            assert len(rows) == INBOX_PAGE_SIZE

        floor = median_ms(floor_query, repeat=REPEAT)
        signed_in_page = median_ms(lambda: page("/password/changed/"), repeat=REPEAT)
    yield result(
        "portal_inbox",
        value,
        "ms",
        floor,
        findings=FINDINGS,
        statements=statements[0],
        signed_in_page=round(signed_in_page, 3),
        database=connection.vendor,
    )
