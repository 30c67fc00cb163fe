"""The portal's sign-in and home pages in Debian's Chromium (Playwright), on a 360 px phone and a desktop.

A unit head and a Home Affairs reviewer sign in through the one sign-in page as a person would (typing,
pressing the button), land on their home page, and sign out. Screenshots go to tests/artifacts/."""

import os
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORTS = {"phone": {"width": 360, "height": 760}, "desktop": {"width": 1280, "height": 860}}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
@pytest.mark.parametrize("role", ["ward_head", "home_affairs"])
def test_sign_in_home_and_sign_out(chromium, live_server, role_users, role, viewport):
    user = role_users[role]
    context = chromium.new_context(
        locale="vi-VN", viewport=VIEWPORTS[viewport], extra_http_headers={"Accept-Language": "vi"}
    )
    page = context.new_page()
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    going_to = "/board/" if role == "home_affairs" else "/"
    page.goto(f"{live_server.url}{going_to}")
    assert page.url.startswith(f"{live_server.url}/login/?next=")
    assert page.locator("h1").inner_text() == "Đăng nhập"
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("alert").wait_for()  # the refusal's page may still be loading on a busy machine
    assert page.get_by_role("alert").is_visible()
    page.screenshot(path=str(ARTIFACTS / f"portal-login-refused-{viewport}.png"), full_page=True)

    page.get_by_label("Mật khẩu").fill(f"{user.username}-pw-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}{going_to}"  # back where they were going
    if role == "home_affairs":  # the board opens without staff status
        assert page.locator(".no-board").count() == 0
        page.goto(f"{live_server.url}/")
    assert user.display_name in page.locator(".who").inner_text()
    if role == "ward_head":
        assert page.locator(".counts .count").count() == 3
    # Nothing overflows the phone's width.
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    page.screenshot(path=str(ARTIFACTS / f"portal-home-{role}-{viewport}.png"), full_page=True)

    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_load_state()
    assert page.url == f"{live_server.url}/login/"
    context.close()
    assert os.path.getsize(ARTIFACTS / f"portal-home-{role}-{viewport}.png") > 0
