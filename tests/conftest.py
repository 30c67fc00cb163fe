"""Fixtures of the whole suite: the pinned clock, per-test file storage, and the shared worlds (real org units
and real users of every role, built through the services). Each world has usernames of its own."""

import importlib
import os
import shutil
from pathlib import Path

import pytest
from asgiref.testing import ApplicationCommunicator
from channels.testing import WebsocketCommunicator
from django.utils import timezone

from inspections.models import OrgUnit, OrgUnitKind, Role, Visit
from inspections.services.divisions import find_province, load_divisions
from inspections.services.plans import assign_inspectors
from tests.clock import pinned
from tests.factories import OFFICE, Field, World, approved_plan, make_user, surprise_visits, token_for
from tests.servers import REDIS_PORTS, RedisServer, port_free

# A WebSocket test waits for the server's answer up to 10 s instead of Channels' 1 s: on a loaded machine (CI's two
# cores, the year-ahead run) a correct answer can take longer than a second. receive_nothing keeps its short wait.
for _method in (
    WebsocketCommunicator.connect,
    WebsocketCommunicator.receive_from,
    WebsocketCommunicator.receive_json_from,
):
    _method.__defaults__ = (10,)
WebsocketCommunicator.disconnect.__defaults__ = (1000, 10)
ApplicationCommunicator.receive_output.__defaults__ = (10,)
ApplicationCommunicator.wait.__defaults__ = (10,)

# A browser keeps its cookies by its own clock, which time-machine does not reach, nor a server in a child process:
# tests that use either (through these fixtures) stay on the real clock, so that server, browser and test agree.
# They compare no dates, so the real date changes nothing in them. ``processes`` (tests/stack/test_workers.py)
# starts task workers and schedulers, whose heartbeats and task times the test reads.
REAL_CLOCK_FIXTURES = {"chromium", "seeded_server", "processes"}


def pytest_collection_modifyitems(config, items):
    """The year-ahead run (TEST_CLOCK_OFFSET_DAYS) moves the pinned clock, which the real-clock tests never see:
    it leaves them out rather than run them a second time unchanged (they are the slowest of the suite)."""
    if not os.environ.get("TEST_CLOCK_OFFSET_DAYS"):
        return
    repeated = pytest.mark.skip(reason="runs on the real clock: the year-ahead run would repeat it unchanged")
    for item in items:
        if REAL_CLOCK_FIXTURES & set(getattr(item, "fixturenames", ())):
            item.add_marker(repeated)


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
def healthy_connections():
    """On PostgreSQL each test starts on a connection the pool has just checked, as a request does: one the server
    closed behind the suite's back (the stack tests terminate backends; a restart would too) is handed back
    first, so that the next test does not fail on it."""
    from django.db import connections

    for conn in connections.all(initialized_only=True):
        if conn.vendor == "postgresql" and not conn.in_atomic_block:
            conn.close()


@pytest.fixture(autouse=True)
def seeded_checklist(request, healthy_connections):
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
    from django.db import connections

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
        # Inside Playwright's sync API the ORM runs in another context, with connection wrappers of its own (Django
        # keeps them per context): start them on connections the pool has just checked (one left from an earlier
        # browser test may since have been terminated) and hand them back afterwards (or the test database
        # stays in use at the end of the run).
        connections.close_all()
        yield browser
        browser.close()
        connections.close_all()


@pytest.fixture
def redis_server(tmp_path):
    """A real redis-server of the test's own, on its own loopback port, that the test may stop and restart."""
    if not shutil.which("redis-server"):
        pytest.skip("redis-server is not installed")
    port = next((p for p in REDIS_PORTS if port_free(p)), None)
    if port is None:
        pytest.skip("no free port for a test Redis")
    server = RedisServer(port, tmp_path)
    server.start()
    yield server
    server.stop()
