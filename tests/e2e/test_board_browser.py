"""The compliance board in a real browser, against a real server, kept live over a real WebSocket.

Debian's Chromium (``/usr/bin/chromium``, installed by ``make browser``), driven by Playwright, signs in through
the admin's sign-in page as a Home Affairs reviewer and opens ``/board/``. Meanwhile this test plays the
inspector's phone over HTTP (``mobileLogin``, ``checkIn``, a photo, a finding, the answers, ``submitVisit``): the
unit's row must change in the open page, pushed by ``boardUpdated``, without a reload; clicking the row shows the
finding with its photo's thumbnail, served to the browser's session.

The server is ``manage.py runserver`` (Daphne: HTTP and WebSocket) in a subprocess of its own, on a temporary
SQLite file with the in-memory channel layer (one process: the check-in's event reaches the page's socket in
it), whatever DATABASE_URL/REDIS_URL the suite itself runs with. This test uses no pytest-django database.
"""

import base64
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import pytest
import requests

from tests import images

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")
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

# Run by the server's Python (Django set up on the temporary database): a province with five units, a Home
# Affairs reviewer who may use the admin's sign-in page, an inspector, and an approved plan of this year with a
# periodic visit to one ward assigned to the inspector. Prints what the test needs as one JSON line.
SETUP = r"""
import json
from datetime import date, timedelta

import django

django.setup()

from django.utils import timezone

from inspections.models import OrgUnit, OrgUnitKind, Role, Visit
from inspections.services.calendar import is_working_day
from inspections.services.plans import add_periodic_visit, approve_plan, assign_inspectors, create_plan
from tests.factories import make_user

province = OrgUnit.objects.add_root(instance=OrgUnit(code="E2E", kind=OrgUnitKind.PROVINCE, name="Tỉnh Thử Nghiệm"))
units = {}
for code, kind, name in [
    ("E2E-SNV", OrgUnitKind.DEPARTMENT, "Sở Nội vụ Thử Nghiệm"),
    ("E2E-TTR", OrgUnitKind.DEPARTMENT, "Thanh tra Thử Nghiệm"),
    ("E2E-W01", OrgUnitKind.WARD, "Phường Bến Nghé Thử"),
    ("E2E-W02", OrgUnitKind.WARD, "Phường Đa Kao Thử"),
    ("E2E-C01", OrgUnitKind.COMMUNE, "Xã Cần Giờ Thử"),
]:
    units[code] = OrgUnit.objects.add_child(province, instance=OrgUnit(code=code, kind=kind, name=name,
                                                                       parent=province))
    province.refresh_from_db()
reviewer = make_user("noivu-e2e", Role.HOME_AFFAIRS, units["E2E-SNV"], is_staff=True)
inspector = make_user("thanhtra-e2e", Role.INSPECTOR, units["E2E-TTR"])
make_user("truong-ben-nghe", Role.UNIT_HEAD, units["E2E-W01"], heads=True)

year = timezone.localdate().year
plan = create_plan(actor=reviewer, authority=province, title="Kiểm tra CCHC (thử nghiệm)", year=year,
                   inspectors=[inspector])
day = date(year, 1, 5)
while not is_working_day(day):
    day += timedelta(days=1)
visit = add_periodic_visit(plan, units["E2E-W01"], day, actor=reviewer)
approve_plan(plan, actor=reviewer, today=date(year, 1, 1))
assign_inspectors(visit, [inspector], actor=reviewer)
# The phone checks in today: the visit is moved to today, inside its check-in window (CHECK_IN_WINDOW_DAYS_*).
Visit.objects.filter(pk=visit.pk).update(planned_date=timezone.localdate())

print("SETUP=" + json.dumps({
    "reviewer": [reviewer.username, f"{reviewer.username}-pw-2026"],
    "inspector": [inspector.username, f"{inspector.username}-pw-2026"],
    "visit": f"Visit:{visit.pk}",
    "unit": f"OrgUnit:{units['E2E-W01'].pk}",
    "unit_name": units["E2E-W01"].name,
    "names": [unit.name for unit in units.values()],
}, ensure_ascii=False))
"""

LOGIN = """mutation($u: String!, $p: String!) {
  mobileLogin(username: $u, password: $p, deviceName: "Điện thoại thanh tra") { token errors { code } } }"""
CHECK_IN = """mutation($v: ID!, $t: DateTime!) {
  checkIn(visitId: $v, latitude: 10.7725, longitude: 106.6985, accuracy: 12, deviceTime: $t) {
    visit { status } errors { code message } } }"""
BUNDLE = """{ assignmentBundle { visits { visit { id } template { criteria { code defaultSeverity } } } } }"""
ANSWER = """mutation($v: ID!, $c: String!, $r: AnswerResult!) {
  answerCriterion(visitId: $v, criterionCode: $c, result: $r) { errors { code } } }"""
FINDING = """mutation($id: UUID!, $v: ID!, $photos: [UUID!]) {
  recordFinding(id: $id, visitId: $v, criterionCode: "OSS-05", text: "Không niêm yết mức phí, lệ phí",
                evidenceIds: $photos) { finding { id severity } errors { code } } }"""
SUBMIT = "mutation($v: ID!) { submitVisit(visitId: $v) { visit { status } errors { code message } } }"


def global_id(raw: str) -> str:
    return base64.b64encode(raw.encode()).decode()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def server_env(tmp: Path) -> dict[str, str]:
    """The suite's environment with its own database, channel layer and files (nothing shared with the run)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key
        not in {
            "REDIS_URL",
            "SQLITE_PATH",
            "ALLOWED_HOSTS",
            "STORAGE_BACKEND",
            "SECRET_KEY",
            "SECURE_SSL_REDIRECT",
            "SESSION_COOKIE_SECURE",
            "CSRF_COOKIE_SECURE",
        }
    }
    env.update(
        {
            "DATABASE_URL": f"sqlite:///{tmp / 'db.sqlite3'}",
            "TESTING": "1",
            "DEBUG": "1",
            "MEDIA_ROOT": str(tmp / "media"),
            "DJANGO_SETTINGS_MODULE": "backend.settings",
            "LOG_LEVEL": "WARNING",
            "PYTHONUNBUFFERED": "1",
        }
    )
    return env


def run_setup(env: dict[str, str]) -> dict:
    python = sys.executable
    migrate = subprocess.run(
        [python, "manage.py", "migrate", "--noinput", "-v", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert migrate.returncode == 0, migrate.stderr[-3000:]
    setup = subprocess.run(
        [python, "-c", SETUP], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )
    assert setup.returncode == 0, setup.stderr[-3000:]
    line = next(line for line in setup.stdout.splitlines() if line.startswith("SETUP="))
    return json.loads(line[len("SETUP=") :])


def start_server(env: dict[str, str], port: int, log: Path) -> subprocess.Popen:
    output = log.open("w")
    server = subprocess.Popen(
        [sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
        cwd=ROOT,
        env=env,
        stdout=output,
        stderr=subprocess.STDOUT,
    )
    output.close()  # the child keeps its own descriptor
    deadline = time.monotonic() + 40
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text()[-3000:]}")
        try:
            if requests.get(f"http://127.0.0.1:{port}/healthz", timeout=2).status_code == 200:
                return server
        except requests.ConnectionError:
            pass
        time.sleep(0.2)
    stop_server(server)
    raise AssertionError(f"the server did not answer /healthz in time:\n{log.read_text()[-3000:]}")


def stop_server(server: subprocess.Popen) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


class Phone:
    """The inspector's phone: GraphQL over HTTP with a bearer token, as in README "Field work from a phone"."""

    def __init__(self, url: str):
        self.url = url
        self.session = requests.Session()

    def gql(self, query: str, **variables) -> dict:
        response = self.session.post(
            f"{self.url}/graphql/", json={"query": query, "variables": variables}, timeout=30
        )
        assert response.status_code == 200, response.text
        body = response.json()
        assert not body.get("errors"), body
        return body["data"]

    def login(self, username: str, password: str) -> None:
        login = self.gql(LOGIN, u=username, p=password)["mobileLogin"]
        assert login["errors"] == [] and login["token"], login
        self.session.headers["Authorization"] = f"Bearer {login['token']}"

    def upload_photo(self, photo_id: str, finding_id: str) -> None:
        photo = images.jpeg(images.photo("coffee", (640, 427)))
        response = self.session.post(
            f"{self.url}/api/evidence",
            data={"id": photo_id, "findingId": finding_id},
            files={"file": ("counter.jpg", photo, "image/jpeg")},
            timeout=30,
        )
        assert response.status_code == 201, response.text


@pytest.fixture
def live_board(tmp_path_factory):
    """A seeded server of its own: yields (base URL, what the setup made); stopped afterwards."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (`make browser` installs Debian's chromium as root)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    tmp = tmp_path_factory.mktemp("board-e2e")
    env = server_env(tmp)
    seeded = run_setup(env)
    port = free_port()
    server = start_server(env, port, tmp / "server.log")
    try:
        yield f"http://127.0.0.1:{port}", seeded
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)


def test_the_board_follows_a_check_in_without_a_reload(live_board):
    from playwright.sync_api import expect, sync_playwright

    url, seeded = live_board
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
