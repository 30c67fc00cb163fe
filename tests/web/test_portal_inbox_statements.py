"""The portal inbox runs the same number of SQL statements whatever the number of findings under the head
(bench/portal_inbox.py measures its time against the one statement that selects the page)."""

import re

from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from tests.web.inbox_rows import add_inbox_findings, inbox_world


def statements_of_first_page(client) -> tuple[int, bytes]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get("/findings/")
    assert response.status_code == 200
    return len(queries), response.content


def test_the_inbox_costs_the_same_statements_for_30_or_600_findings(db):
    head, department, other = inbox_world()
    add_inbox_findings(other, 300, first=10_000)  # findings the head may not see
    client = Client()
    client.force_login(head)
    add_inbox_findings(department, 30)
    few, page = statements_of_first_page(client)
    assert page.count(b'class="finding-row') == 20  # the 30 minus the answered ones (every third)
    add_inbox_findings(department, 570, first=30)
    many, page = statements_of_first_page(client)
    assert page.count(b'class="finding-row') == 25  # a full page
    assert few == many, f"{few} statements for 30 findings, {many} for 600"


def test_the_inbox_pages_forward_and_back_without_counting_and_a_page_past_the_end_shows_the_last(db):
    head, department, _ = inbox_world()
    add_inbox_findings(department, 60)  # 40 waiting for the unit: a full page and 15 rows
    client = Client()
    client.force_login(head)
    first = client.get("/findings/").content
    assert first.count(b'class="finding-row') == 25
    assert b'page=2" rel="next"' in first and b'rel="prev"' not in first
    second = client.get("/findings/?page=2").content
    assert second.count(b'class="finding-row') == 15
    assert b'page=1" rel="prev"' in second and b'rel="next"' not in second
    assert set(rows_of(first)).isdisjoint(rows_of(second))
    past = client.get("/findings/?page=9").content
    assert rows_of(past) == rows_of(second)
    assert rows_of(client.get("/findings/?page=x").content) == rows_of(first)


def rows_of(page: bytes) -> list[bytes]:
    """The findings a page links to, in order."""
    return re.findall(rb'href="/findings/([0-9a-f-]{36})/"', page)
