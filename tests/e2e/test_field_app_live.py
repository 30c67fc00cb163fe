"""Live notifications in the field app, in Debian's Chromium at 360 px against a server of the test's own (Daphne:
HTTP and WebSocket, ``tests/e2e/own_server.py``).

Signed in and online, the app holds one graphql-ws connection (bearer token in ``connection_init``) subscribed to
``notificationReceived``. When Home Affairs returns the inspector's finding for correction, the notice appears at
once, with the reason, without any HTTP request of the page (it came through the socket); it is kept with the
bundle, and it opens the correction screen. Offline the socket is closed; a notice sent meanwhile is fetched when
the phone is back online and the connection reopens."""

import uuid
from datetime import UTC, datetime

from tests.e2e.field_app import WAIT_MS, open_app, phone, shot, wait_until
from tests.e2e.own_server import CHECK_IN, CHROMIUM, Phone, global_id

FINDING = """mutation($id: UUID!, $v: ID!) {
  recordFinding(id: $id, visitId: $v, criterionCode: "OSS-05", text: "Không niêm yết mức phí, lệ phí") {
    finding { id } errors { code } } }"""
RETURN = """mutation($f: ID!, $r: String!) {
  returnFindingForCorrection(findingId: $f, reason: $r) { errors { code message } } }"""
STORED_NOTICES = """async () => {
  const { get } = await import('/app/vendor/idb-keyval.js');
  return ((await get('bundle'))?.notices || []).map((n) => n.body);
}"""


def graphql_posts(page) -> list[str]:
    """The page's own GraphQL requests over HTTP from now on, by operation name (filled as they are sent)."""
    names: list[str] = []

    def seen(request):
        if request.method == "POST" and request.url.endswith("/graphql/"):
            names.append((request.post_data_json or {}).get("operationName") or "?")

    page.on("request", seen)
    return names


def test_a_returned_finding_reaches_the_open_app_over_the_socket_and_one_sent_offline_on_return(
    seeded_server,
):
    from playwright.sync_api import TimeoutError as PlaywrightTimeout
    from playwright.sync_api import sync_playwright

    url, seeded = seeded_server
    visit_id = global_id(seeded["visit"])
    inspector = Phone(url)  # another phone of the same inspector records the finding
    inspector.login(*seeded["inspector"])
    checked_in = inspector.gql(CHECK_IN, v=visit_id, t=datetime.now(UTC).isoformat())["checkIn"]
    assert checked_in["errors"] == [], checked_in
    recorded = inspector.gql(FINDING, id=str(uuid.uuid4()), v=visit_id)["recordFinding"]
    assert recorded["errors"] == [], recorded
    finding_id = recorded["finding"]["id"]
    reviewer = Phone(url)
    reviewer.login(*seeded["reviewer"])

    def send_back(reason: str) -> None:
        returned = reviewer.gql(RETURN, f=finding_id, r=reason)["returnFindingForCorrection"]
        assert returned["errors"] == [], returned

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), headless=True, args=["--headless", "--no-sandbox", "--disable-gpu"]
        )
        try:
            context = phone(browser)
            page = open_app(context, url)
            username, password = seeded["inspector"]
            page.get_by_label("Tên đăng nhập").fill(username)
            page.get_by_label("Mật khẩu").fill(password)
            page.get_by_role("button", name="Đăng nhập").click()
            page.locator("ul.visits").wait_for()
            page.wait_for_function("document.body.dataset.live === 'subscribed'", timeout=WAIT_MS)
            page.wait_for_function("document.querySelector('#net').classList.contains('live')")
            assert page.locator("#notices").count() == 0  # nothing was returned yet
            posts = graphql_posts(page)

            # Home Affairs sends the finding back: the notice arrives through the socket. The server joins the
            # subscription's group just after `subscribe` (the protocol has no answer to wait for): a notice sent
            # before that is not pushed, so it is sent again until one is (each is a notification of its own).
            toast = page.locator("#toast")
            for attempt in range(10):
                send_back(f"Ghi rõ số hồ sơ trễ hạn (lần {attempt + 1})")
                try:
                    toast.wait_for(state="visible", timeout=2_000)
                    break
                except PlaywrightTimeout:
                    continue
            assert "Ghi rõ số hồ sơ trễ hạn" in toast.inner_text()
            assert "Không niêm yết mức phí, lệ phí" in toast.inner_text()  # the finding's text, in the body
            assert posts == []  # no HTTP request of the page fetched it
            shot(page, "live-notice-phone")
            page.locator("#notices li").first.wait_for()
            assert "Ghi rõ số hồ sơ trễ hạn" in page.locator("#notices li").first.inner_text()
            assert any("Ghi rõ số hồ sơ trễ hạn" in body for body in page.evaluate(STORED_NOTICES))

            # The notice opens the finding for correction.
            toast.get_by_role("link", name="Mở kết luận để sửa").click()
            page.get_by_role("heading", name="Sửa kết luận").wait_for()

            # Offline the socket is closed; what is sent meanwhile arrives once the phone is back online.
            context.set_offline(True)
            page.wait_for_function("document.body.dataset.live === 'off'", timeout=WAIT_MS)
            send_back("Bổ sung ảnh quầy tiếp nhận")
            assert not any("Bổ sung ảnh quầy" in body for body in page.evaluate(STORED_NOTICES))
            context.set_offline(False)
            page.wait_for_function("document.body.dataset.live === 'subscribed'", timeout=WAIT_MS)
            wait_until(
                page, f"({STORED_NOTICES})().then((bodies) => bodies.some((b) => b.includes('Bổ sung ảnh')))"
            )
            page.goto(f"{url}/app/#/")
            page.locator("#notices li").first.wait_for()
            assert "Bổ sung ảnh quầy tiếp nhận" in page.locator("#notices li").first.inner_text()
            shot(page, "live-notices-phone")
            context.close()
        finally:
            browser.close()
