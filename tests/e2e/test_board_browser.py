"""The compliance board in a real browser, against a real server, kept live over a real WebSocket.

Debian's Chromium (``/usr/bin/chromium``, installed by ``make browser``), driven by Playwright, signs in through
the admin's sign-in page as a Home Affairs reviewer and opens ``/board/``. Meanwhile this test plays the
inspector's phone over HTTP (``mobileLogin``, ``checkIn``, a photo, a finding, the answers, ``submitVisit``): the
unit's row must change in the open page, pushed by ``boardUpdated``, without a reload; clicking the row shows the
finding with its photo's thumbnail, served to the browser's session.

The server is one of the test's own (``tests/e2e/own_server.py``): the check-in's event reaches the page's socket
in it.
"""

import re
import uuid
from datetime import UTC, datetime
from pathlib import Path

from tests.e2e.own_server import ANSWER, BUNDLE, CHECK_IN, CHROMIUM, FINDING, SUBMIT, Phone, global_id

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
LIVE_TIMEOUT_MS = 15_000


def test_the_board_follows_a_check_in_without_a_reload(seeded_server):
    from playwright.sync_api import expect, sync_playwright

    url, seeded = seeded_server
    unit_id = global_id(seeded["unit"])
    visit_id = global_id(seeded["visit"])
    ARTIFACTS.mkdir(parents=True, exist_ok=True)

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True)
        try:
            context = browser.new_context(locale="vi-VN", viewport={"width": 1600, "height": 1000})
            page = context.new_page()
            problems: list[str] = []  # script errors, failed requests (the admin's pages have no favicon)
            page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
            page.on(
                "console",
                lambda msg: (
                    problems.append(f"console: {msg.text} {msg.location.get('url')}")
                    if msg.type == "error" and not msg.location.get("url", "").endswith("/favicon.ico")
                    else None
                ),
            )
            page.on(
                "response",
                lambda response: (
                    problems.append(f"{response.status} {response.url}")
                    if response.status >= 400 and not response.url.endswith("/favicon.ico")
                    else None
                ),
            )

            # Signed out: the board sends the browser to the portal's sign-in page, which brings it back.
            page.goto(f"{url}/board/")
            expect(page).to_have_url(re.compile(r"/login/\?next=/board/$"))
            page.fill("#id_username", seeded["reviewer"][0])
            page.fill("#id_password", seeded["reviewer"][1])
            page.click("#sign-in")
            page.wait_for_url(f"{url}/board/")

            # The province's units, in Vietnamese; then the script has fetched the board and subscribed.
            rows = page.locator("#board-rows")
            for name in seeded["names"]:
                expect(rows).to_contain_text(name)
            expect(page.locator("h1")).to_contain_text("Bảng theo dõi tuân thủ")
            page.wait_for_function(
                "document.body.dataset.loaded === 'true' && document.body.dataset.live === 'subscribed'",
                timeout=LIVE_TIMEOUT_MS,
            )
            expect(page.locator("#month-chart svg polyline").first).to_be_attached()
            row = page.locator(f'tr[data-unit-id="{unit_id}"]')
            expect(row).to_have_attribute("data-visited", "false")
            expect(row.locator('[data-field="visits"]')).to_have_text("0 định kỳ, 0 đột xuất")
            page.evaluate("window.boardPageMarker = 'not reloaded'")
            page.wait_for_timeout(1000)  # the server joins the subscription's group just after `subscribe`

            # The inspector checks in from the phone: the open board follows.
            phone = Phone(url)
            phone.login(*seeded["inspector"])
            checked_in = phone.gql(CHECK_IN, v=visit_id, t=datetime.now(UTC).isoformat())["checkIn"]
            assert checked_in["errors"] == [] and checked_in["visit"]["status"] == "IN_PROGRESS", checked_in
            expect(row).to_have_attribute("data-visited", "true", timeout=LIVE_TIMEOUT_MS)
            expect(row.locator('[data-field="visits"]')).to_have_text("1 định kỳ, 0 đột xuất")
            expect(row).to_have_class(re.compile(r"\bupdated\b"))
            expect(page.locator("#coverage-text")).to_contain_text("Đã kiểm tra 1/")

            # A finding with a photo, every criterion answered, the visit submitted: its severity is counted.
            [assignment] = phone.gql(BUNDLE)["assignmentBundle"]["visits"]
            criteria = assignment["template"]["criteria"]
            severity = next(c["defaultSeverity"] for c in criteria if c["code"] == "OSS-05").lower()
            finding_id, photo_id = str(uuid.uuid4()), str(uuid.uuid4())
            phone.upload_photo(photo_id, finding_id)
            recorded = phone.gql(FINDING, id=finding_id, v=visit_id, photos=[photo_id])["recordFinding"]
            assert recorded["errors"] == [], recorded
            for criterion in criteria:
                answer = phone.gql(
                    ANSWER,
                    v=visit_id,
                    c=criterion["code"],
                    r="FAIL" if criterion["code"] == "OSS-05" else "PASS",
                )["answerCriterion"]
                assert answer["errors"] == [], answer
            submitted = phone.gql(SUBMIT, v=visit_id)["submitVisit"]
            assert submitted["errors"] == [], submitted
            expect(row.locator(f'[data-field="{severity}"]')).to_have_text("1", timeout=LIVE_TIMEOUT_MS)
            # The pushed row is ranked afresh; the quiet refresh that follows re-ranks the others (no ties).
            page.wait_for_function(
                """() => {
                const ranks = [...document.querySelectorAll('#board-rows [data-field="rank"]')].map(c => c.textContent);
                return ranks.length === 5 && new Set(ranks).size === 5;
            }""",
                timeout=LIVE_TIMEOUT_MS,
            )
            assert page.evaluate("window.boardPageMarker") == "not reloaded"

            # Drill-down: the unit's finding, with the thumbnail of its photo loaded through the session.
            row.click()
            expect(page.locator("#drilldown-title")).to_contain_text(seeded["unit_name"])
            drill = page.locator("#drilldown-body")
            expect(drill).to_contain_text("Không niêm yết mức phí, lệ phí")
            expect(drill).to_contain_text("OSS-05")
            thumbnail = drill.locator("img").first
            expect(thumbnail).to_be_visible()
            page.wait_for_function(
                "img => img.complete && img.naturalWidth > 0",
                arg=thumbnail.element_handle(),
                timeout=LIVE_TIMEOUT_MS,
            )

            page.screenshot(path=str(ARTIFACTS / "board.png"), full_page=True)
            assert problems == []
        finally:
            browser.close()
