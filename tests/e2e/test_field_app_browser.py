"""The field app in Debian's Chromium (Playwright), as an inspector uses it on a phone and on a tablet/desktop.

Signs in, downloads the assignments, then loses the network: the app still opens (service worker), the
inspector checks in with the phone's GPS, works the whole checklist, records a finding with a photo from the
camera and submits, all while offline; the outbox says what is unsent and sign-out is refused. Back online,
everything reaches the server once: the check-in, every answer, the finding and its photo, the submission.
"""

from pathlib import Path

import pytest
from PIL import Image
from skimage import data as photographs

from inspections.models import Answer, Evidence, Finding, Visit, VisitStatus
from tests.factories import OFFICE

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
WAIT_MS = 15_000

pytestmark = pytest.mark.django_db(transaction=True)


def camera_photo(tmp_path) -> Path:
    """A real photograph, as the phone's camera would hand it to the page."""
    path = tmp_path / "counter.jpg"
    Image.fromarray(photographs.astronaut()).save(path, "JPEG", quality=90)
    return path


def shot(page, name: str):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / f"field-app-{name}.png"), full_page=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_whole_visit_offline_then_sent_once(chromium, live_server, field, tmp_path, viewport):
    visit = field.visit
    context = chromium.new_context(
        locale="vi-VN",
        viewport=VIEWPORTS[viewport],
        permissions=["geolocation"],
        geolocation={"latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy": 8},
        service_workers="allow",
    )
    page = context.new_page()
    page.set_default_timeout(WAIT_MS)
    page.on("dialog", lambda dialog: dialog.accept())
    page.on("console", lambda m: print("CONSOLE", m.text))
    page.on("pageerror", lambda e: print("PAGEERROR", e))

    page.goto(f"{live_server.url}/app/")
    page.get_by_label("Tên đăng nhập").fill(field.inspector.username)
    page.get_by_label("Mật khẩu").fill(f"{field.inspector.username}-pw-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.locator("#ready.ok").wait_for()
    assert visit.unit.name in page.locator("ul.visits").inner_text()
    page.evaluate("navigator.serviceWorker.ready.then(() => true)")
    page.reload()  # the worker now controls the page and has cached the shell
    page.locator("ul.visits").wait_for()
    shot(page, f"ready-{viewport}")
    page.get_by_role("link", name="Thiết bị").click()
    assert (
        page.locator("#devices .tag").inner_text() == "điện thoại này"
    )  # this phone, among the user's devices
    page.get_by_role("link", name="Cuộc kiểm tra").click()
    page.locator("ul.visits").wait_for()

    context.set_offline(True)
    page.reload()  # opens with no network at all
    page.locator("ul.visits").wait_for()
    assert "Mất mạng" in page.locator("#net").inner_text()
    page.get_by_text(visit.unit.name).click()

    page.get_by_role("button", name="Lấy vị trí GPS").click()
    page.locator("#accuracy").wait_for()
    assert int(page.locator("#distance").inner_text().split()[0]) < 100
    shot(page, f"check-in-{viewport}")
    page.get_by_role("button", name="Điểm danh tại đơn vị").click()
    page.locator("#checked-in").wait_for()

    criteria = page.locator(".criterion")
    criteria.first.wait_for()
    count = criteria.count()
    assert count > 1
    first = criteria.nth(0)
    first.get_by_role("button", name="Không đạt").click()
    form = page.locator("form.finding-form")
    form.locator("textarea").fill("Không niêm yết mức phí, lệ phí tại quầy")
    form.locator("input[type=file]").set_input_files(str(camera_photo(tmp_path)))
    form.get_by_role("button", name="Lưu kết luận").click()
    page.locator(".finding").wait_for()
    for index in range(1, count):
        page.locator(".criterion").nth(index).get_by_role("button", name="Đạt", exact=True).click()
    page.get_by_role("button", name="Nộp kết quả kiểm tra").click()
    page.locator("#read-only").wait_for()
    shot(page, f"visit-submitted-{viewport}")

    page.get_by_role("link", name="Chưa gửi").click()
    unsent = page.locator("ul.outbox li")
    unsent.first.wait_for()
    kinds = sorted(unsent.evaluate_all("items => items.map(i => i.dataset.kind)"))
    assert kinds == sorted(["CHECK_IN", "FINDING", "PHOTO", "SUBMIT"] + ["ANSWER"] * count)
    shot(page, f"outbox-{viewport}")
    page.get_by_role("link", name="Thiết bị").click()
    page.get_by_role("button", name="Đăng xuất").click()
    assert "chưa gửi" in page.locator("#sign-out-refused").inner_text()

    visit.refresh_from_db()
    assert visit.checked_in_at is None and visit.status != VisitStatus.SUBMITTED  # nothing left the phone

    box = "import('/app/outbox.js')"
    queued = page.evaluate(
        f"async () => (await {box}).all().then(items => items.filter(i => i.kind !== 'PHOTO'))"
    )
    context.set_offline(False)  # the app sends by itself when the network comes back
    page.get_by_role("link", name="Chưa gửi").click()
    page.locator("#nothing-unsent").wait_for()
    shot(page, f"all-sent-{viewport}")

    visit = Visit.objects.get(pk=visit.pk)
    assert visit.status == VisitStatus.SUBMITTED and visit.checked_in_at is not None
    assert Answer.objects.filter(visit=visit).count() == count
    finding = Finding.objects.get(visit=visit)
    assert finding.text == "Không niêm yết mức phí, lệ phí tại quầy"
    assert Evidence.objects.filter(finding=finding).count() == 1

    # The same operations sent again (as after an answer lost on the way back) create nothing twice.
    page.evaluate(
        f"""async (items) => {{
            const m = await {box};
            for (const item of items) await m.set(item.id, {{...item, state: 'waiting'}}, m.operations);
        }}""",
        queued,
    )
    page.reload()
    try:
        page.locator("#nothing-unsent").wait_for()
    except Exception:
        print(
            "DEBUG",
            page.evaluate(f"async () => (await {box}).all()"),
            page.evaluate(f"async () => (await {box}).lastStatus()"),
        )
        raise
    assert Answer.objects.filter(visit=visit).count() == count
    assert (
        Finding.objects.filter(visit=visit).count() == 1
        and Evidence.objects.filter(finding=finding).count() == 1
    )
    context.close()
