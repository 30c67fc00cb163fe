"""The portal inbox runs the same number of SQL statements whatever the number of findings under the head
(bench/portal_inbox.py measures its time against the one statement that selects the page)."""

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
