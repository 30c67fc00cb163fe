"""A unit head answers a finding with a photo in Chromium (Playwright), on a 360 px phone and a desktop, then
reads the inspector's rejection and its reason."""

from pathlib import Path

import pytest
from PIL import Image
from skimage import data as photographs

from inspections.models import Remediation, RemediationState
from inspections.services import remediation as remediation_service

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_head_answers_with_a_photo_then_reads_the_rejection(
    chromium, live_server, submitted, tmp_path, viewport
):
    picture = tmp_path / "bang-phi.jpg"
    Image.fromarray(photographs.coffee()).save(picture, "JPEG", quality=85)
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    context = chromium.new_context(locale="vi-VN", viewport=VIEWPORTS[viewport])
    page = context.new_page()
    page.set_default_timeout(15_000)

    page.goto(f"{live_server.url}/login/")
    page.get_by_label("Tên đăng nhập").fill(submitted.head.username)
    page.get_by_label("Mật khẩu").fill(f"{submitted.head.username}-pw-2026")
    page.get_by_role("button", name="Đăng nhập").click()
    page.get_by_role("link", name="Kết luận").first.click()
    page.get_by_text("Không niêm yết mức phí tại quầy").click()
    page.get_by_label("Kế hoạch khắc phục").fill("Niêm yết bảng phí, lệ phí tại quầy số 1")
    page.get_by_label("Đã khắc phục").fill("Đã dán bảng phí mới")
    page.get_by_label("Ảnh khắc phục (máy ảnh hoặc tệp)").set_input_files(str(picture))
    page.screenshot(path=str(ARTIFACTS / f"portal-answer-form-{viewport}.png"), full_page=True)
    page.get_by_role("button", name="Gửi trả lời").click()
    page.locator(".event.answer").wait_for()
    thumbnail = page.locator(".event.answer img")
    assert thumbnail.count() == 1
    thumbnail.scroll_into_view_if_needed()  # lazy: it loads when it comes into view
    page.wait_for_function("img => img.complete && img.naturalWidth > 0", arg=thumbnail.element_handle())
    assert page.evaluate("document.documentElement.scrollWidth") <= VIEWPORTS[viewport]["width"]
    remediation = Remediation.objects.get(finding=submitted.finding)
    assert remediation.state == RemediationState.ANSWERED

    remediation_service.reject(remediation, "Ảnh chưa thấy rõ bảng phí", actor=submitted.field.inspector)
    page.reload()
    page.locator(".event.answer img").scroll_into_view_if_needed()
    page.wait_for_function("() => [...document.images].every(i => i.complete)")
    assert "Ảnh chưa thấy rõ bảng phí" in page.locator(".decision.rejected").inner_text()
    assert page.locator("#answer").is_visible()  # the head answers again
    page.screenshot(path=str(ARTIFACTS / f"portal-rejected-{viewport}.png"), full_page=True)
    context.close()
