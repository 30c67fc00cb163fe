"""Names in Vietnamese order everywhere: one full-name field, family name first, in the API, the board, the
exports, the PDF report, e-mails and the admin."""

import csv
import io

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.test import Client

from inspections.models import OrgUnit, User
from inspections.services import notifications
from inspections.web.exports import report_html
from tests.factories import gid, gql, make_user, token_for

LAN = "Nguyễn Thị Lan"


@pytest.fixture
def lan(scene):
    """The head of W01, whose name the board, the exports and the report show."""
    head = make_user("lan", "unit_head", scene.units["W01"], heads=True, full_name=LAN)
    scene.units["W01"].refresh_from_db()
    return head


def test_the_api_gives_the_full_name_family_name_first(lan):
    me = gql(Client(), "{ me { fullName } }", token=token_for(lan))["data"]["me"]
    assert me == {"fullName": LAN}
    assert lan.get_short_name() == "Lan"


def test_the_board_page_and_query_show_the_head_family_name_first(scene, lan):
    client = Client()
    client.force_login(scene.reviewer)
    html = client.get("/board/").content.decode()
    assert LAN in html and "Lan Nguyễn Thị" not in html


def test_the_board_export_shows_the_head_family_name_first(scene, lan):
    url = f"/api/exports/board.csv?authority={gid('OrgUnit', scene.province.pk)}&year=2027"
    response = Client().get(url, HTTP_AUTHORIZATION=f"Bearer {token_for(scene.reviewer)}")
    lines = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    head_column = 3  # rank, code, unit, head
    [w01] = [line for line in lines[1:] if line[1] == "W01"]
    assert w01[head_column] == LAN


def test_the_pdf_report_names_the_head_family_name_first(scene, lan):
    html = report_html(scene.reviewer, OrgUnit.objects.select_related("head").get(code="W01"), 2027)
    assert LAN in html


def test_an_email_addresses_the_recipient_by_full_name(lan, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    lan.email = "lan@example.vn"
    lan.save(update_fields=["email"])
    notifications.notify([lan], kind="test", key="names", title="Thông báo", body="Nội dung")
    notifications.deliver()
    [message] = mail.outbox
    assert message.body.startswith(f"Kính gửi đồng chí {LAN},")


def test_the_admin_lists_users_by_full_name(world):
    make_user("lan", "unit_staff", world.units["W01"], full_name=LAN)
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    client = Client()
    client.force_login(world.admin)
    html = client.get("/admin/inspections/user/?q=Lan").content.decode()
    assert LAN in html
    assert (
        client.get("/admin/inspections/user/?q=Nguy%E1%BB%85n+Th%E1%BB%8B").content.decode().count(LAN) >= 1
    )


@pytest.mark.django_db(transaction=True)
def test_the_migration_joins_family_and_given_names():
    """Users written before the full-name field get "last_name first_name" (family name first)."""
    before = [("inspections", "0012_remediation_draft")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    old_user = executor.loader.project_state(before).apps.get_model("inspections", "User")
    old_user.objects.create(username="lan", first_name="Lan", last_name="Nguyễn Thị", password="!")
    old_user.objects.create(username="nobody", password="!")
    executor = MigrationExecutor(connection)
    executor.migrate(executor.loader.graph.leaf_nodes())
    names = dict(User.objects.values_list("username", "full_name"))
    assert names == {"lan": LAN, "nobody": ""}
