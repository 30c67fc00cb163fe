"""Fixtures of the whole suite: the pinned clock, per-test file storage, and the shared worlds (real org units
and real users of every role, built through the services). Each world has usernames of its own."""

import importlib
import os
import shutil
import socket
import subprocess
import time
from pathlib import Path

import pytest
from django.utils import timezone

from inspections.models import OrgUnit, OrgUnitKind, Role, Visit
from inspections.services.divisions import find_province, load_divisions
from inspections.services.plans import assign_inspectors
from tests.clock import pinned
from tests.factories import OFFICE, Field, World, approved_plan, make_user, surprise_visits, token_for

# A browser keeps its cookies by its own clock, which time-machine does not reach, nor a server in a child process:
# tests that use either (through these fixtures) stay on the real clock, so that server, browser and test agree.
# They compare no dates, so the real date changes nothing in them.
REAL_CLOCK_FIXTURES = {"chromium", "live_board"}


@pytest.fixture(autouse=True)
def clock(request):
    """Every test starts at the pinned instant (tests/clock.py) and never sees the real date; a test that needs
    another day moves there with ``clock.move_to(...)``. None for the browser tests (the real clock)."""
    if REAL_CLOCK_FIXTURES & set(request.fixturenames):
        yield None
        return
    with pinned() as traveller:
        yield traveller


@pytest.fixture(autouse=True)
def media_storage(settings, tmp_path):
    """Each test stores files in its own folder, through the real file-system storage."""
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(tmp_path / "media"), "base_url": "/media-not-public/"},
        },
    }
    return tmp_path / "media"


@pytest.fixture
def hcmc(db):
    """Hồ Chí Minh City with its 168 wards/communes and 12 departments, loaded by the real loader."""
    load_divisions([find_province("79")])
    return OrgUnit.objects.get(code="79")


@pytest.fixture
def small_tree(db):
    """Two provinces, each with a department and two wards, built through treebeard; a third level under one ward
    (an older province → district → ward shape) to exercise depth."""
    units = {}
    for pcode in ("01", "02"):
        province = OrgUnit.objects.add_root(
            instance=OrgUnit(code=pcode, kind=OrgUnitKind.PROVINCE, name=f"Tỉnh {pcode}")
        )
        units[pcode] = province
        for suffix, kind in (
            ("SNV", OrgUnitKind.DEPARTMENT),
            ("TTR", OrgUnitKind.DEPARTMENT),
            ("W1", OrgUnitKind.WARD),
            ("W2", OrgUnitKind.COMMUNE),
        ):
            code = f"{pcode}-{suffix}"
            units[code] = OrgUnit.objects.add_child(
                province, instance=OrgUnit(code=code, kind=kind, name=f"Đơn vị {code}", parent=province)
            )
            province.refresh_from_db()
    district = units["01-W1"]
    units["01-W1-X"] = OrgUnit.objects.add_child(
        district,
        instance=OrgUnit(code="01-W1-X", kind=OrgUnitKind.WARD, name="Tổ dân phố X", parent=district),
    )
    return units


@pytest.fixture
def role_users(small_tree):
    """One user of every role in province 01 of the small tree (usernames end in -01)."""
    u = small_tree
    return {
        "admin": make_user("admin-01", Role.ADMINISTRATOR, None),
        "home_affairs": make_user("noivu-01", Role.HOME_AFFAIRS, u["01-SNV"]),
        "inspector": make_user("thanhtra-01", Role.INSPECTOR, u["01-TTR"]),
        "ward_head": make_user("truongphuong-01", Role.UNIT_HEAD, u["01-W2"], heads=True),
        "district_head": make_user("truongquan-01", Role.UNIT_HEAD, u["01-W1"], heads=True),
        "department_head": make_user("giamdoc-01", Role.UNIT_HEAD, u["01-SNV"], heads=True),
        "staff": make_user("canbo-01", Role.UNIT_STAFF, u["01-W2"]),
    }


@pytest.fixture
def world(db) -> World:
    """Province P1 with its departments and ten wards, an administrator, a Home Affairs reviewer and two
    inspectors (usernames end in -p1; heads and staff of a unit come with ``world.unit_people``)."""
    province = OrgUnit.objects.add_root(
        instance=OrgUnit(code="P1", kind=OrgUnitKind.PROVINCE, name="Tỉnh Một")
    )
    units = {}
    specs = [(f"P1-{d}", OrgUnitKind.DEPARTMENT) for d in ("SNV", "STP", "TTR")]
    specs += [(f"W{i:02d}", OrgUnitKind.WARD) for i in range(1, 11)]
    for code, kind in specs:
        units[code] = OrgUnit.objects.add_child(
            province, instance=OrgUnit(code=code, kind=kind, name=f"Đơn vị {code}", parent=province)
        )
        province.refresh_from_db()
    return World(
        province=province,
        units=units,
        admin=make_user("admin-p1", Role.ADMINISTRATOR, None),
        reviewer=make_user("noivu-p1", Role.HOME_AFFAIRS, units["P1-SNV"]),
        inspectors=[make_user(f"thanhtra{i}-p1", Role.INSPECTOR, units["P1-TTR"]) for i in (1, 2)],
    )


@pytest.fixture
def field(world) -> Field:
    """A surprise visit of the world's approved plan, at a ward fenced 100 m around OFFICE, assigned to the first
    inspector and moved to today so that the inspector sees it."""
    plan = approved_plan(world)
    visit = surprise_visits(plan)[0]
    OrgUnit.objects.filter(pk=visit.unit_id).update(
        geofence_latitude=OFFICE[0], geofence_longitude=OFFICE[1], geofence_radius_m=100
    )
    inspector = world.inspectors[0]
    assign_inspectors(visit, [inspector], actor=world.reviewer)
    Visit.objects.filter(pk=visit.pk).update(planned_date=timezone.localdate())
    visit.refresh_from_db()
    return Field(world=world, visit=visit, inspector=inspector, token=token_for(inspector))


@pytest.fixture(autouse=True)
def seeded_checklist(request):
    """A transactional test (a live server, a browser) starts on a database flushed by the one before, which
    also removed what the migrations seeded: the one-stop-shop checklist is seeded again, as migration 0004 does
    (serialized_rollback would reload content types that the flush already recreated)."""
    marker = request.node.get_closest_marker("django_db")
    if marker is None or not marker.kwargs.get("transaction"):
        return
    request.getfixturevalue("transactional_db")
    from django.apps import apps

    importlib.import_module("inspections.migrations.0004_seed_one_stop_shop_checklist").seed(apps, None)


@pytest.fixture
def chromium(monkeypatch):
    """Debian's Chromium driven by Playwright (never its own browser download), headless; skipped with the
    reason when it is not installed (`make browser` installs it as root)."""
    executable = Path("/usr/bin/chromium")
    if not executable.exists():
        pytest.skip(f"{executable} is not installed (`make browser` installs Debian's chromium as root)")
    sync_api = pytest.importorskip("playwright.sync_api")
    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    monkeypatch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_api.sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(executable),
            headless=True,
            args=[
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--no-first-run",
                "--disable-background-networking",
            ],
        )
        yield browser
        browser.close()


# --- A Redis server of the test's own, on its own port, that a test can stop and restart ---------------

REDIS_PORTS = range(6390, 6400)  # this suite's own ports, apart from the shared server's 6379
REDIS_DB = 5


def _port_free(port: int) -> bool:
    with socket.socket() as sock:
        return sock.connect_ex(("127.0.0.1", port)) != 0


def _wait_for(predicate, seconds: float = 10.0) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if predicate():
            return
        time.sleep(0.05)
    raise TimeoutError("condition not reached")


def real_clock_env() -> dict:
    """The environment without libfaketime: the year-ahead run moves the suite's clock, not the servers' (a
    redis-server under a faked clock never answers in time)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("FAKETIME")}
    preload = " ".join(p for p in env.get("LD_PRELOAD", "").split() if "faketime" not in p)
    if preload:
        env["LD_PRELOAD"] = preload
    else:
        env.pop("LD_PRELOAD", None)
    return env


class RedisServer:
    """A real redis-server process on a loopback port; ``restart`` loses everything, as a crash would."""

    def __init__(self, port: int, workdir: Path):
        self.port, self.workdir, self.process = port, workdir, None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/{REDIS_DB}"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                shutil.which("redis-server"),
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.workdir),
            ],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            env=real_clock_env(),
        )
        _wait_for(lambda: not _port_free(self.port))

    def stop(self) -> None:
        if self.process and self.process.poll() is None:
            self.process.kill()
            self.process.wait()
        _wait_for(lambda: _port_free(self.port))

    def restart(self) -> None:
        self.stop()
        self.start()


@pytest.fixture
def redis_server(tmp_path):
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = next((p for p in REDIS_PORTS if _port_free(p)), None)
    if port is None:
        pytest.skip("no free port for a test Redis")
    server = RedisServer(port, tmp_path)
    server.start()
    yield server
    server.stop()
