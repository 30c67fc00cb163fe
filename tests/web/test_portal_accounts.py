"""The portal's one sign-in page, for every role, through Django's real auth, sessions, CSRF and lockout."""

import re

import pytest
from django.test import Client

from inspections.services.accounts import start_password_reset

pytestmark = pytest.mark.django_db
LOGIN = "/login/"


def password_of(user) -> str:
    return f"{user.username}-pw-2026"


def sign_in(client: Client, username: str, password: str, **headers):
    return client.post(LOGIN, {"username": username, "password": password}, **headers)


@pytest.mark.parametrize(
    "role", ["admin", "home_affairs", "inspector", "ward_head", "department_head", "staff"]
)
def test_every_role_signs_in_at_the_same_page_and_lands_on_its_home(role_users, role):
    user = role_users[role]
    client = Client(enforce_csrf_checks=True)
    page = client.get(LOGIN)
    token = page.cookies["csrftoken"].value
    response = client.post(
        LOGIN, {"username": user.username, "password": password_of(user), "csrfmiddlewaretoken": token}
    )
    assert response.status_code == 302 and response["Location"] == "/"
    home = client.get("/")
    assert home.status_code == 200
    body = home.content.decode()
    assert user.display_name in body
    links = set(re.findall(r'class="tile" href="([^"]+)"', body))
    assert ("/board/" in links) == (
        role in ("admin", "home_affairs", "inspector", "ward_head", "department_head")
    )
    assert ("/admin/" in links) == (role == "admin")
    assert ("/app/" in links) == (role == "inspector")


def test_a_wrong_password_is_refused_in_vietnamese_and_signs_nobody_in(role_users):
    client = Client()
    response = sign_in(client, "noivu", "not-the-password")
    assert response.status_code == 200
    assert "mật khẩu" in response.content.decode().lower()
    assert client.get("/").status_code == 302


def test_the_lockout_holds_even_for_the_right_password(role_users, settings):
    client = Client()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in(client, "noivu", "wrong", REMOTE_ADDR="10.0.0.7")
    response = sign_in(client, "noivu", password_of(role_users["home_affairs"]), REMOTE_ADDR="10.0.0.7")
    assert response.status_code in (403, 429)
    assert client.get("/").status_code == 302


def test_home_affairs_opens_the_board_without_staff_status(role_users):
    reviewer = role_users["home_affairs"]
    assert not reviewer.is_staff
    client = Client()
    assert client.get("/board/")["Location"] == "/login/?next=/board/"
    client.force_login(reviewer)
    response = client.get("/board/")
    assert response.status_code == 200 and b"no-board" not in response.content


def test_changing_ones_password(role_users):
    staff = role_users["staff"]
    client = Client()
    client.force_login(staff)
    response = client.post(
        "/password/",
        {
            "old_password": password_of(staff),
            "new_password1": "Quầy-một-cửa-2027",
            "new_password2": "Quầy-một-cửa-2027",
        },
    )
    assert response.status_code == 302 and response["Location"] == "/password/changed/"
    fresh = Client()
    assert sign_in(fresh, staff.username, password_of(staff)).status_code == 200  # the old one is refused
    assert sign_in(fresh, staff.username, "Quầy-một-cửa-2027").status_code == 302


def test_a_reset_an_administrator_started_works_once(role_users):
    admin, staff = role_users["admin"], role_users["staff"]
    link = start_password_reset(staff, actor=admin)
    client = Client()
    form_page = client.get(
        link, follow=True
    )  # Django swaps the token for a session marker, then shows the form
    assert form_page.status_code == 200 and b'name="new_password1"' in form_page.content
    response = client.post(
        form_page.redirect_chain[-1][0],
        {"new_password1": "Phường-mới-2027", "new_password2": "Phường-mới-2027"},
    )
    assert response.status_code == 302
    assert sign_in(Client(), staff.username, "Phường-mới-2027").status_code == 302
    again = Client().get(link, follow=True)
    assert b'name="new_password1"' not in again.content and b'role="alert"' in again.content
    from inspections.models import AuditEntry

    entry = AuditEntry.objects.get(object_type="User", object_id=str(staff.pk))
    assert entry.actor == admin and link.split("/")[-2] not in str(entry.data)


def test_the_admin_action_hands_over_a_link(role_users):
    admin, staff = role_users["admin"], role_users["staff"]
    admin.is_staff = admin.is_superuser = True
    admin.save()
    client = Client()
    client.force_login(admin)
    response = client.post(
        "/admin/inspections/user/",
        {"action": "start_password_reset", "_selected_action": [staff.pk]},
        follow=True,
    )
    assert re.search(r"http://testserver/password/reset/[^/]+/[^/]+/", response.content.decode())


def test_names_read_family_name_first_everywhere_they_are_shown(role_users):
    from inspections.models import User

    lan = User.objects.create_user(username="lan", password="lan-pw-2026", full_name="Nguyễn Thị Lan")
    assert lan.get_full_name() == lan.display_name == "Nguyễn Thị Lan"
    client = Client()
    client.force_login(lan)
    assert "Nguyễn Thị Lan" in client.get("/").content.decode()
    me = client.post("/graphql/", {"query": "{ me { fullName } }"}, content_type="application/json")
    assert me.json()["data"]["me"]["fullName"] == "Nguyễn Thị Lan"
