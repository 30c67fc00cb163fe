"""field_app_sync: the field app in Debian's Chromium (Playwright, 360 px) holds a visit's work queued offline, 30
operations and 5 photos (a check-in, every answer, five findings with a photo each, the submission, and a second
visit's check-in and answers); value is the time from going online to an empty outbox (median of rounds).

floor: an httpx script sending the very requests the app sent (captured in the same run, on fresh visits), in the
same order, one after the other on one HTTP connection: what the app's own work costs is the difference.

field_app_precache: the size of the files the service worker precaches (its SHELL list), each gzip -6, in KB.
"""

import base64
import gzip
import io
import os
import re
import statistics
import time
import uuid
from pathlib import Path

import httpx
from django.conf import settings
from django.db import connections
from django.test.testcases import LiveServerThread, _StaticFilesHandler
from django.utils import timezone
from graphql_relay import to_global_id
from PIL import Image
from skimage import data as photographs

from bench.common import result
from inspections.models import (
    ChecklistTemplate,
    InspectionPlan,
    OrgUnit,
    OrgUnitKind,
    PlanStatus,
    Role,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
    VisitStatus,
)
from mobile_api.services import issue_token

ROUNDS = 3
OPERATIONS = 30
PHOTOS = ("astronaut", "coffee", "chelsea", "rocket", "camera")
OFFICE = (10.7721, 106.6983)
APP = Path(settings.BASE_DIR) / "fieldapp" / "app"
DOCUMENTS = Path(settings.BASE_DIR) / "graphql" / "field-app"
UUID = re.compile(rb"[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")
CHROMIUM = Path("/usr/bin/chromium")

QUEUE = """async ({visits, codes, photos, user, answersOfSecond}) => {
  const m = await import('/app/outbox.js');
  const blob = (text) => new Blob([Uint8Array.from(atob(text), (c) => c.charCodeAt(0))], { type: "image/jpeg" });
  const where = { latitude: LATITUDE, longitude: LONGITUDE, accuracy: 8 };
  const [first, second] = visits;
  await m.enqueue("CHECK_IN", { visitId: first, ...where, deviceTime: new Date().toISOString() }, { user });
  for (const [i, code] of codes.entries()) {
    await m.enqueue("ANSWER", { visitId: first, criterionCode: code, result: i < photos.length ? "fail" : "pass" }, { user });
  }
  for (const [i, photo] of photos.entries()) {
    const findingId = crypto.randomUUID();
    const photoId = crypto.randomUUID();
    await m.enqueueFinding({ visitId: first, findingId, criterionCode: codes[i], text: `Kết luận ${i}`, severity: "major",
      capturedAt: new Date().toISOString(), evidenceIds: [photoId] },
      [{ id: photoId, blob: blob(photo), meta: { ...where, capturedAt: new Date().toISOString() } }], { user });
  }
  await m.enqueue("SUBMIT", { visitId: first }, { user });
  await m.enqueue("CHECK_IN", { visitId: second, ...where, deviceTime: new Date().toISOString() }, { user });
  for (const code of codes.slice(0, answersOfSecond)) {
    await m.enqueue("ANSWER", { visitId: second, criterionCode: code, result: "pass" }, { user });
  }
  return m.count();
}""".replace("LATITUDE", str(OFFICE[0])).replace("LONGITUDE", str(OFFICE[1]))

DRAIN = """async () => {
  const m = await import('/app/outbox.js');
  while (await m.count()) await new Promise((resolve) => setTimeout(resolve, 5));
}"""


class World:
    def __init__(self):
        self.province = OrgUnit.objects.add_root(
            instance=OrgUnit(code="BENCH-FA", kind=OrgUnitKind.PROVINCE, name="Bench")
        )
        self.inspector = User.objects.create(username="bench-field", role=Role.INSPECTOR, unit=self.province)
        self.plan = InspectionPlan.objects.create(
            authority=self.province,
            title="Bench",
            year=timezone.localdate().year,
            status=PlanStatus.APPROVED,
            created_by=self.inspector,
        )
        self.template = ChecklistTemplate.objects.filter(code="ONE_STOP_SHOP").order_by("-version").first()
        self.codes = list(self.template.criteria.order_by("position").values_list("code", flat=True))
        self.units = 0

    def visits(self) -> list[Visit]:
        """Two fresh visits of today at fenced wards, assigned to the inspector."""
        made = []
        for _ in range(2):
            self.units += 1
            self.province.refresh_from_db()
            unit = OrgUnit.objects.add_child(
                self.province,
                instance=OrgUnit(
                    code=f"BENCH-FA-{self.units}",
                    kind=OrgUnitKind.WARD,
                    name=f"Phường {self.units}",
                    parent=self.province,
                    geofence_latitude=OFFICE[0],
                    geofence_longitude=OFFICE[1],
                    geofence_radius_m=100,
                ),
            )
            visit = Visit.objects.create(
                plan=self.plan,
                unit=unit,
                kind=VisitKind.PERIODIC,
                planned_date=timezone.localdate(),
                template=self.template,
            )
            VisitAssignment.objects.create(visit=visit, inspector=self.inspector, assigned_by=self.inspector)
            made.append(visit)
        return made


def jpeg(name: str) -> str:
    buffer = io.BytesIO()
    Image.fromarray(getattr(photographs, name)()).convert("RGB").save(buffer, "JPEG", quality=90)
    return base64.b64encode(buffer.getvalue()).decode()


def precache_kb() -> float:
    shell = re.findall(
        r'"(/app/[^"]*)"', (APP / "sw.js").read_text().split("const SHELL", 1)[1].split("];")[0]
    )
    total = 0
    for url in shell:
        if url == "/app/":
            path = APP / "index.html"
        elif url.startswith("/app/operations/"):
            path = DOCUMENTS / url.removeprefix("/app/operations/")
        else:
            path = APP / url.removeprefix("/app/")
        total += len(gzip.compress(path.read_bytes(), compresslevel=6))
    return total / 1024


def replay_with_httpx(
    base_url: str, requests: list[dict], mapping: dict[bytes, bytes], photos: list
) -> float:
    """The captured requests, ids remapped to fresh visits and operations, in order on one connection (ms).
    A photo's multipart body (a Blob, which the browser does not report) is made again from its record."""
    fresh: dict[bytes, bytes] = {}

    def remap(body: bytes) -> bytes:
        for old, new in mapping.items():
            body = body.replace(old, new)
        return UUID.sub(lambda m: fresh.setdefault(m.group(0), str(uuid.uuid4()).encode()), body)

    prepared = []
    queue = list(photos)
    for r in requests:
        if r["body"] is not None:
            prepared.append((r["url"], r["headers"], {"content": remap(r["body"])}))
            continue
        record, data = queue.pop(0)
        fields = {"id": record["id"], "findingId": record["payload"]["findingId"]}
        fields |= {k: str(record["payload"][k]) for k in ("latitude", "longitude", "accuracy", "capturedAt")}
        fields = {k: remap(v.encode()).decode() for k, v in fields.items()}
        headers = {k: v for k, v in r["headers"].items() if k.lower() != "content-type"}
        files = {"file": (f"{fields['id']}.jpg", data, "image/jpeg")}
        prepared.append((r["url"], headers, {"data": fields | {"sentAt": "SENT_AT"}, "files": files}))
    with httpx.Client(base_url=base_url, http2=False, timeout=60) as client:
        client.get("/app/operations/SyncBatch.graphql")  # the connection is open before the clock starts
        started = time.perf_counter()
        for url, headers, body in prepared:
            if "data" in body:
                body = {**body, "data": {**body["data"], "sentAt": timezone.now().isoformat()}}
            response = client.post(url, headers=headers, **body)
            assert response.status_code < 300, (url, response.status_code, response.text[:300])
        return (time.perf_counter() - started) * 1000


def run():
    if not CHROMIUM.exists():
        yield result("field_app_precache", precache_kb(), "KB", None, gzip=6)
        return
    from playwright.sync_api import sync_playwright

    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"  # Playwright's sync API runs an event loop here
    world = World()
    token = issue_token(world.inspector, device_name="bench phone").token
    photos = [jpeg(name) for name in PHOTOS]
    answers_of_second = OPERATIONS - (1 + len(world.codes) + len(PHOTOS) + 1) - 1
    assert answers_of_second > 0

    shared = {}
    for connection in connections.all():
        if connection.vendor == "sqlite" and connection.is_in_memory_db():
            shared[connection.alias] = connection
            connection.inc_thread_sharing()
    server = LiveServerThread("localhost", _StaticFilesHandler, connections_override=shared, port=0)
    server.daemon = True
    server.start()
    server.is_ready.wait()
    if server.error:
        raise server.error
    base_url = f"http://localhost:{server.port}"
    values, floors = [], []
    try:
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(
                executable_path=str(CHROMIUM), headless=True, args=["--no-sandbox", "--disable-gpu"]
            )
            context = browser.new_context(
                viewport={"width": 360, "height": 780}, locale="vi-VN", service_workers="allow"
            )
            page = context.new_page()
            page.goto(f"{base_url}/app/")
            page.evaluate(
                "async (session) => (await import('/app/outbox.js')).set('session', session)",
                {"token": token, "username": world.inspector.username, "lang": "vi", "deviceName": "bench"},
            )
            captured: list[dict] = []

            def capture(request):
                if request.method == "POST" and (
                    "/graphql/" in request.url or "/api/evidence" in request.url
                ):
                    headers = {
                        k: v
                        for k, v in request.headers.items()
                        if k.lower() in ("content-type", "authorization", "accept", "accept-language")
                    }
                    url = request.url.removeprefix(base_url)
                    captured.append(
                        {"method": "POST", "url": url, "headers": headers, "body": request.post_data_buffer}
                    )

            context.on("request", capture)
            for _ in range(ROUNDS + 1):  # the first round warms up
                app_visits, floor_visits = world.visits(), world.visits()
                context.set_offline(True)
                queued = page.evaluate(
                    QUEUE,
                    {
                        "visits": [to_global_id("Visit", v.pk) for v in app_visits],
                        "codes": world.codes,
                        "photos": photos,
                        "user": world.inspector.username,
                        "answersOfSecond": answers_of_second,
                    },
                )
                assert queued == OPERATIONS + len(PHOTOS), queued
                records = page.evaluate(
                    "async () => (await import('/app/outbox.js')).all().then(r => r.map(({blob, ...rest}) => rest))"
                )
                photo_records = [r for r in records if r["kind"] == "PHOTO"]
                captured.clear()
                started = time.perf_counter()
                context.set_offline(False)
                page.evaluate(DRAIN)
                values.append((time.perf_counter() - started) * 1000)
                assert Visit.objects.get(pk=app_visits[0].pk).status == VisitStatus.SUBMITTED
                mapping = {
                    to_global_id("Visit", a.pk).encode(): to_global_id("Visit", f.pk).encode()
                    for a, f in zip(app_visits, floor_visits, strict=True)
                }
                pairs = [(r, base64.b64decode(p)) for r, p in zip(photo_records, photos, strict=True)]
                floors.append(replay_with_httpx(base_url, list(captured), mapping, pairs))
                assert Visit.objects.get(pk=floor_visits[0].pk).status == VisitStatus.SUBMITTED
            browser.close()
    finally:
        server.terminate()
        for connection in shared.values():
            connection.dec_thread_sharing()
    yield result(
        "field_app_sync",
        statistics.median(values[1:]),
        "ms",
        statistics.median(floors[1:]),
        operations=OPERATIONS,
        photos=len(PHOTOS),
        requests=len(captured),
    )
    yield result("field_app_precache", precache_kb(), "KB", None, gzip=6)
