"""What the field app's browser tests share: a phone's context, signing in, reading the app's own outbox and
log, real photographs as the camera hands them over, screenshots."""

import csv
import io
import time
from pathlib import Path

from django.test import Client
from graphql_relay import to_global_id
from PIL import Image
from skimage import data as photographs

from tests.factories import OFFICE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
PHONE = {"width": 360, "height": 780}
WAIT_MS = 30_000  # generous: the machine running the suite may be busy
OUTBOX = "import('/app/outbox.js')"


def phone(chromium, *, viewport=PHONE, where=OFFICE, accuracy=8):
    """A phone's browser context: Vietnamese, GPS at ``where`` with ``accuracy`` metres, service workers on."""
    return chromium.new_context(
        locale="vi-VN",
        viewport=viewport,
        permissions=["geolocation"],
        geolocation={"latitude": where[0], "longitude": where[1], "accuracy": accuracy},
        service_workers="allow",
    )


def open_app(context, url: str, path: str = "/app/"):
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    prompts: list[str] = []  # what the inspector types into the next prompts, in order
    page.on(
        "dialog", lambda dialog: dialog.accept(prompts.pop(0) if dialog.type == "prompt" and prompts else "")
    )
    page.prompts = prompts
    page.goto(f"{url}{path}")
    return page


def sign_in(page, user) -> None:
    page.get_by_label("Tên đăng nhập").fill(user.username)
    page.get_by_label("Mật khẩu").fill(f"{user.username}-pw-2026")
    page.get_by_role("button", name="Đăng nhập").click()


def ready_offline(page) -> None:
    """Signed in: wait for the bundle, then reload once the worker controls the page and cached the shell."""
    try:
        page.locator("#ready.ok").wait_for()
    except Exception:
        print("NOT READY:", page.locator("#app").inner_text())
        raise
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()
    page.locator("ul.visits").wait_for()


def camera_photo(tmp_path, name: str = "astronaut", size: int | None = None) -> Path:
    """A real photograph, as the phone's camera would hand it to the page."""
    image = Image.fromarray(getattr(photographs, name)())
    if image.mode != "RGB":
        image = image.convert("RGB")
    if size:
        image.thumbnail((size, size))
    path = tmp_path / f"{name}-{size or 'full'}.jpg"
    image.save(path, "JPEG", quality=90)
    return path


def outbox(page) -> list[dict]:
    """The app's outbox records, in order (photos without their bytes)."""
    return page.evaluate(f"async () => (await {OUTBOX}).all().then(r => r.map(({{blob, ...rest}}) => rest))")


def app_log(page) -> list[dict]:
    """The app's own log of every operation it queued and what became of it."""
    return page.evaluate(f"async () => (await {OUTBOX}).logEntries()")


def local_visit(page, visit_id: str) -> dict:
    return page.evaluate(f"async (id) => (await {OUTBOX}).get('visit:' + id)", visit_id)


def wait_until(page, expression: str, arg=None, timeout_ms: int = WAIT_MS):
    """Poll an async page expression until it is truthy (wait_for_function does not await a promise)."""
    deadline = time.monotonic() + timeout_ms / 1000
    while True:
        value = page.evaluate(expression, arg)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"still false after {timeout_ms} ms: {expression}")
        page.wait_for_timeout(100)


def wait_empty(page, timeout_ms: int = WAIT_MS) -> None:
    wait_until(page, f"async () => (await {OUTBOX}).count().then(n => n === 0)", timeout_ms=timeout_ms)


def shot(page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.evaluate("window.scrollTo(0, 0)")  # the sticky bar at the top of a full-page shot
    page.screenshot(path=str(ARTIFACTS / f"field-app-{name}.png"), full_page=True)


def board_findings(reviewer, province, year: int) -> list[dict]:
    """The findings export of the board, as the Home Affairs reviewer downloads it."""
    client = Client()
    client.force_login(reviewer)
    response = client.get(
        "/api/exports/findings.csv", {"authority": to_global_id("OrgUnit", province.pk), "year": year}
    )
    assert response.status_code == 200
    text = b"".join(response.streaming_content) if response.streaming else response.content
    return list(csv.reader(io.StringIO(text.decode("utf-8-sig"))))
