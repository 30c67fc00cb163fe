"""The field app in Debian's Chromium (Playwright), as an inspector uses it on a phone and on a tablet/desktop.

Signs in, downloads the assignments, then loses the network: the app still opens (service worker), the
inspector checks in with the phone's GPS, works the whole checklist, records two findings with two photos each
from the camera and submits, all while offline; the outbox says what is unsent and sign-out is refused. Back
online, everything reaches the server once: the check-in, every answer, both findings and their photos, the
submission; the board's findings export lists each finding exactly once.
"""

import pytest
from django.utils import timezone

from inspections.models import Answer, Evidence, Finding, Visit, VisitStatus
from tests.e2e.field_app import (
    OUTBOX,
    board_findings,
    camera_photo,
    open_app,
    outbox,
    phone,
    ready_offline,
    shot,
    sign_in,
    wait_empty,
)

VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}
FINDINGS = {
    0: ("Không niêm yết mức phí, lệ phí tại quầy", ("astronaut", "coffee")),
    1: ("Sổ theo dõi hồ sơ không ghi ngày trả kết quả", ("chelsea", "rocket")),
}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_whole_visit_offline_then_sent_once(chromium, live_server, field, tmp_path, viewport):
    visit = field.visit
    context = phone(chromium, viewport=VIEWPORTS[viewport])
    page = open_app(context, live_server.url)
    sign_in(page, field.inspector)
    page.locator("#ready.ok").wait_for()
    assert visit.unit.name in page.locator("ul.visits").inner_text()
    ready_offline(page)
    shot(page, f"ready-{viewport}")
    page.get_by_role("link", name="Thiết bị").click()
    assert page.locator("#devices .tag").inner_text() == "điện thoại này"  # this phone, among the user's
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
    assert page.locator("#reason").count() == 0  # inside the geofence no reason is asked for
    shot(page, f"check-in-{viewport}")
    page.get_by_role("button", name="Điểm danh tại đơn vị").click()
    page.locator("#checked-in").wait_for()

    criteria = page.locator(".criterion")
    criteria.first.wait_for()
    count = criteria.count()
    assert count > 2
    for index, (text, pictures) in FINDINGS.items():
        page.locator(".criterion").nth(index).get_by_role("button", name="Không đạt").click()
        form = page.locator("form.finding-form")
        form.locator("textarea").fill(text)
        form.locator("input[type=file]").set_input_files(
            [str(camera_photo(tmp_path, name)) for name in pictures]
        )
        if index == 0:
            shot(page, f"finding-form-{viewport}")
        form.get_by_role("button", name="Lưu kết luận").click()
        page.locator(".criterion").nth(index).locator(".finding").wait_for()
    page.locator(".criterion").nth(2).locator("[data-note]").fill("Quầy số 3 đóng cửa")
    for index in range(len(FINDINGS), count):
        page.locator(".criterion").nth(index).get_by_role("button", name="Đạt", exact=True).click()
    page.get_by_role("button", name="Nộp kết quả kiểm tra").click()
    page.locator("#read-only").wait_for()
    shot(page, f"visit-submitted-{viewport}")

    page.get_by_role("link", name="Chưa gửi").click()
    unsent = page.locator("ul.outbox li")
    unsent.first.wait_for()
    kinds = sorted(unsent.evaluate_all("items => items.map(i => i.dataset.kind)"))
    assert kinds == sorted(["CHECK_IN", "FINDING", "FINDING", "SUBMIT"] + ["PHOTO"] * 4 + ["ANSWER"] * count)
    photo_states = page.locator("li[data-kind=PHOTO]").evaluate_all(
        "items => items.map(i => i.dataset.state)"
    )
    assert photo_states == ["saved"] * 4  # on the phone, their findings not sent yet
    shot(page, f"outbox-{viewport}")
    page.get_by_role("link", name="Thiết bị").click()
    page.get_by_role("button", name="Đăng xuất").click()
    assert "chưa gửi" in page.locator("#sign-out-refused").inner_text()

    visit.refresh_from_db()
    assert visit.checked_in_at is None and visit.status != VisitStatus.SUBMITTED  # nothing left the phone

    queued = [item for item in outbox(page) if item["kind"] != "PHOTO"]
    context.set_offline(False)  # the app sends by itself when the network comes back
    page.get_by_role("link", name="Chưa gửi").click()
    page.locator("#nothing-unsent").wait_for()
    assert page.locator("#photos-sent").inner_text() == "Đã gửi 4 ảnh."
    shot(page, f"all-sent-{viewport}")

    visit = Visit.objects.get(pk=visit.pk)
    assert visit.status == VisitStatus.SUBMITTED and visit.checked_in_at is not None
    assert Answer.objects.filter(visit=visit).count() == count
    assert Answer.objects.filter(visit=visit, note="Quầy số 3 đóng cửa").count() == 1
    findings = {f.text: f for f in Finding.objects.filter(visit=visit)}
    assert sorted(findings) == sorted(text for text, _ in FINDINGS.values())
    for finding in findings.values():
        photos = Evidence.objects.filter(finding=finding)
        assert photos.count() == 2
        assert all(photo.device_captured_at is not None and photo.device_latitude for photo in photos)
    board = board_findings(field.world.reviewer, field.world.province, timezone.localdate().year)
    listed = [row for row in board[1:] if row[0] == visit.unit.code]
    assert sorted(row[6] for row in listed) == sorted(text for text, _ in FINDINGS.values())  # once each

    # The same operations sent again (as after an answer lost on the way back) create nothing twice.
    page.evaluate(
        f"""async (items) => {{
            const m = await {OUTBOX};
            for (const item of items) await m.set(item.id, {{...item, state: 'waiting'}}, m.operations);
        }}""",
        queued,
    )
    page.reload()
    wait_empty(page)
    page.locator("#nothing-unsent").wait_for()
    assert Answer.objects.filter(visit=visit).count() == count
    assert Finding.objects.filter(visit=visit).count() == 2
    assert Evidence.objects.filter(finding__visit=visit).count() == 4
    context.close()
