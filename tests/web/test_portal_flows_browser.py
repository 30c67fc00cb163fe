"""The portal's flows in Debian's Chromium (Playwright), on a 360 px phone and a 1280 px desktop, as people do
them (typing, picking, pressing buttons): a staff member drafts and the head edits and sends; a head asks for
more time and Home Affairs decides; a planner builds a plan, previews the draw, approves it and assigns the
inspectors in bulk. A screenshot of each page, in Vietnamese, goes to tests/artifacts/."""

from pathlib import Path

import pytest

from inspections.models import (
    InspectionPlan,
    PlanStatus,
    Remediation,
    RemediationState,
    Visit,
    VisitAssignment,
)
from inspections.services.calendar import add_working_days

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "tests" / "artifacts"
VIEWPORTS = {"phone": {"width": 360, "height": 780}, "desktop": {"width": 1280, "height": 900}}

pytestmark = pytest.mark.django_db(transaction=True)


class Person:
    """One user's browser: their own context (cookies), signed in through the sign-in page."""

    def __init__(self, chromium, live_server, user, viewport: str):
        self.context = chromium.new_context(
            locale="vi-VN", viewport=VIEWPORTS[viewport], extra_http_headers={"Accept-Language": "vi"}
        )
        self.page = self.context.new_page()
        self.page.set_default_timeout(15_000)
        self.base = live_server.url
        self.viewport = viewport
        self.page.goto(f"{self.base}/login/")
        self.page.get_by_label("Tên đăng nhập").fill(user.username)
        self.page.get_by_label("Mật khẩu").fill(f"{user.username}-pw-2026")
        self.page.get_by_role("button", name="Đăng nhập").click()
        self.page.wait_for_url(f"{self.base}/")

    def shot(self, name: str) -> None:
        """Check the page fits the screen's width, then keep its picture."""
        self.page.wait_for_load_state()
        width = VIEWPORTS[self.viewport]["width"]
        assert self.page.evaluate("document.documentElement.scrollWidth") <= width, name
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        self.page.screenshot(path=str(ARTIFACTS / f"portal-{name}-{self.viewport}.png"), full_page=True)

    def close(self) -> None:
        self.context.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_staff_drafts_and_the_head_edits_and_sends(chromium, live_server, submitted, viewport):
    head = Person(chromium, live_server, submitted.head, viewport)
    head.page.locator("nav.sections").get_by_role("link", name="Phát hiện").click()
    head.page.get_by_text("Không niêm yết mức phí tại quầy").click()
    head.page.get_by_label("Cán bộ").select_option(label=submitted.staff.display_name)
    head.shot("assign")
    head.page.get_by_role("button", name="Giao việc").click()
    head.page.wait_for_load_state()
    assert Remediation.objects.get(finding=submitted.finding).assignee == submitted.staff

    staff = Person(chromium, live_server, submitted.staff, viewport)
    staff.page.locator("nav.sections").get_by_role("link", name="Thông báo").click()
    staff.shot("notifications-staff")
    staff.page.get_by_role("link", name="Bạn được giao xử lý một phát hiện").first.click()
    staff.page.get_by_label("Kế hoạch khắc phục").fill("Dán bảng phí tại quầy 1")
    staff.page.get_by_label("Đã khắc phục").fill("Đã in bảng phí")
    staff.shot("draft-form")
    staff.page.get_by_role("button", name="Lưu bản nháp").click()
    staff.page.locator("#draft-note").wait_for()
    staff.shot("draft-saved")
    remediation = Remediation.objects.get(finding=submitted.finding)
    assert remediation.state == RemediationState.OPEN and not remediation.answers.exists()
    staff.close()

    head.page.goto(f"{head.base}/notifications/")
    head.page.get_by_role("link", name="Có dự thảo trả lời đang chờ đồng chí").first.click()
    assert head.page.get_by_label("Kế hoạch khắc phục").input_value() == "Dán bảng phí tại quầy 1"
    head.page.get_by_label("Kế hoạch khắc phục").fill("Dán bảng phí tại quầy 1 và quầy 2")
    head.shot("draft-head-edits")
    head.page.get_by_role("button", name="Gửi trả lời").click()
    head.page.locator(".event.answer").wait_for()
    head.shot("draft-sent")
    answer = Remediation.objects.get(finding=submitted.finding).answers.get()
    assert answer.plan_of_action == "Dán bảng phí tại quầy 1 và quầy 2"
    assert (answer.accountable, answer.drafted_by) == (submitted.head, submitted.staff)
    assert submitted.staff.display_name in head.page.locator(".event.answer").inner_text()
    head.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_head_asks_for_more_time_and_home_affairs_decides(chromium, live_server, submitted, viewport):
    remediation = Remediation.objects.get(finding=submitted.finding)
    original = remediation.deadline
    until = add_working_days(original, 10)
    head = Person(chromium, live_server, submitted.head, viewport)
    head.page.goto(f"{head.base}/findings/{submitted.finding.uuid}/")
    head.page.get_by_label("Hạn mới đề nghị").fill(until.isoformat())
    head.page.get_by_label("Lý do cần thêm thời gian").fill("Chờ nhà in giao bảng phí mới")
    head.shot("extension-ask")
    head.page.get_by_role("button", name="Xin gia hạn").click()
    head.page.locator(".event.extension").wait_for()
    head.shot("extension-asked")

    reviewer = Person(chromium, live_server, submitted.field.world.reviewer, viewport)
    reviewer.shot("home-home-affairs")
    reviewer.page.locator("a.tile", has_text="Đề nghị gia hạn").click()
    reviewer.shot("extension-inbox")
    reviewer.page.get_by_text("Không niêm yết mức phí tại quầy").click()
    reviewer.shot("extension-decide")
    reviewer.page.get_by_role("button", name="Đồng ý gia hạn", exact=True).click()
    reviewer.page.locator("#extension-decision").wait_for()
    remediation.refresh_from_db()
    assert remediation.extension_granted is True and remediation.deadline == until
    reviewer.close()

    head.page.reload()
    assert head.page.locator("#deadline").inner_text() == f"{until:%d/%m/%Y}"
    assert head.page.locator("#original-deadline").inner_text() == f"{original:%d/%m/%Y}"
    assert "Đã cho gia hạn" in head.page.locator("#extension-decision").inner_text()
    head.shot("extension-granted")
    head.page.goto(f"{head.base}/scorecard/")
    head.shot("scorecard")
    head.close()


@pytest.mark.parametrize("viewport", VIEWPORTS)
def test_a_planner_builds_previews_approves_and_assigns_in_bulk(chromium, live_server, world, viewport):
    planner = Person(chromium, live_server, world.reviewer, viewport)
    planner.page.locator("nav.sections").get_by_role("link", name="Kế hoạch").click()
    planner.page.get_by_role("link", name="Kế hoạch mới").click()
    planner.page.get_by_label("Tên kế hoạch").fill("Kiểm tra CCHC năm 2027")
    planner.page.get_by_label("Năm").fill("2027")
    for inspector in world.inspectors:
        planner.page.get_by_label(inspector.display_name).check()
    planner.shot("plan-new")
    planner.page.get_by_role("button", name="Tạo kế hoạch").click()
    planner.page.locator("#periodic").wait_for()
    plan = InspectionPlan.objects.get()

    for code in ("P1-STP", "P1-TTR"):
        planner.page.get_by_label("Đơn vị", exact=True).select_option(label=f"Đơn vị {code} ({code})")
        if code == "P1-STP":  # the calendar opens on January; htmx swaps February in
            planner.page.get_by_role("link", name="Tháng sau").click()
        planner.page.locator(".calendar strong", has_text="02/2027").wait_for()
        planner.page.locator(".calendar label.day").nth(2 if code == "P1-STP" else 3).click()
        if code == "P1-STP":
            planner.shot("plan-calendar")
        planner.page.get_by_role("button", name="Thêm cuộc kiểm tra định kỳ").click()
        planner.page.wait_for_load_state()
    assert Visit.objects.filter(plan=plan).count() == 2

    planner.page.get_by_role("link", name="Xem trước bốc thăm đột xuất").click()
    assert planner.page.locator("#preview tbody tr").count() == 10  # every ward, with weight and probability
    planner.shot("plan-preview")
    planner.page.get_by_role("button", name="Phê duyệt và bốc thăm").click()
    planner.page.locator("#commitment").wait_for()
    plan.refresh_from_db()
    assert plan.status == PlanStatus.APPROVED
    assert plan.commitment in planner.page.locator("#commitment").inner_text()
    planner.shot("plan-approved")

    planner.page.get_by_role("link", name="Phân công thanh tra viên").click()
    planner.page.get_by_role("link", name="Đề xuất theo khả năng").click()
    planner.page.locator(".note").wait_for()
    planner.shot("plan-assignments")
    planner.page.get_by_role("button", name="Lưu toàn bộ phân công").click()
    planner.page.locator("#commitment").wait_for()
    planner.shot("plan-assigned")
    assigned = {a.visit_id for a in VisitAssignment.objects.filter(visit__plan=plan)}
    inspectorate = Visit.objects.get(plan=plan, unit=world.units["P1-TTR"])
    assert assigned == set(plan.visits.exclude(pk=inspectorate.pk).values_list("pk", flat=True))
    planner.page.goto(f"{planner.base}/plans/")
    planner.shot("plans")
    planner.close()
