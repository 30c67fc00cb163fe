"""A server of the browser tests' own: ``manage.py runserver`` (Daphne: HTTP and WebSocket) in a subprocess, on a
temporary SQLite file with the in-memory channel layer (one process: an event raised by a request reaches the
sockets open on it), whatever DATABASE_URL/REDIS_URL the suite itself runs with; seeded by ``SETUP`` (a province,
a Home Affairs reviewer, an inspector with a visit today). Tests that use it use no pytest-django database.
Also the inspector's phone as a plain HTTP client."""

import base64
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest
import requests

from tests import images
from tests.servers import free_port

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = Path("/usr/bin/chromium")

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
def seeded_server(tmp_path_factory):
    """A seeded server of its own: yields (base URL, what the setup made); stopped afterwards."""
    if not CHROMIUM.exists():
        pytest.skip(f"{CHROMIUM} is not installed (`make browser` installs Debian's chromium as root)")
    pytest.importorskip("playwright.sync_api", reason="playwright is not installed (pip install -e '.[dev]')")
    tmp = tmp_path_factory.mktemp("e2e-server")
    env = server_env(tmp)
    seeded = run_setup(env)
    port = free_port()
    server = start_server(env, port, tmp / "server.log")
    try:
        yield f"http://127.0.0.1:{port}", seeded
    finally:
        stop_server(server)
        shutil.rmtree(tmp, ignore_errors=True)
