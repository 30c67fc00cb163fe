"""The field app's outbox in Debian's Chromium at 360 px, against the real server: what happens to queued work
when the network, the server, the token or the app itself let the inspector down.

- the server answers 500 and 429 to the real sync and upload requests a few times (Playwright intercepts the
  requests on the network and answers for the server, then lets them through): retried, nothing dropped;
- the app is updated (a new service worker and cache) while the outbox holds work: nothing lost;
- the token expires: the app asks to sign in again, keeps the outbox, refuses another user, replays after;
- outside the geofence a reason is asked for, inside it is not; a surprise visit appears only from its lead day;
- 200 seeded cycles of going offline, working, closing the page, reloading and going online: 0 lost,
  0 duplicated, the server's rows against the app's own log.
"""

import random
from datetime import timedelta

import pytest
from django.utils import timezone

from inspections.models import Answer, Evidence, Finding, Notification, Visit, VisitStatus
from inspections.services.plans import assign_inspectors
from mobile_api.models import DeviceSession, SyncOperation
from tests.e2e.field_app import (
    OUTBOX,
    app_log,
    camera_photo,
    local_visit,
    open_app,
    outbox,
    phone,
    ready_offline,
    shot,
    sign_in,
    wait_empty,
    wait_until,
)
from tests.factories import OFFICE, add_finding, surprise_visits

pytestmark = pytest.mark.django_db(transaction=True)

FAR = (OFFICE[0] + 0.009, OFFICE[1])  # about 1 km north of the unit's office
RETRY_WAIT_MS = 40_000  # enough for a few retries with backoff


def start_visit_offline(page, context, visit, tmp_path, *, photos=("astronaut", "coffee")):
    """Offline: check in, answer the first criteria, a finding with photos on the first."""
    context.set_offline(True)
    page.goto(page.url.split("#")[0] + f"#/visit/{visit_id(visit)}")
    try:
        page.get_by_role("button", name="Lấy vị trí GPS").click()
    except Exception:
        print("URL", page.url, page.locator("#app").inner_text()[:500])
        raise
    page.get_by_role("button", name="Điểm danh tại đơn vị").click()
    page.locator("#checked-in").wait_for()
    criteria = page.locator(".criterion")
    criteria.nth(0).get_by_role("button", name="Không đạt").click()
    form = page.locator("form.finding-form")
    form.locator("textarea").fill("Không niêm yết thủ tục tại quầy")
    form.locator("input[type=file]").set_input_files(
        [str(camera_photo(tmp_path, name, 800)) for name in photos]
    )
    form.get_by_role("button", name="Lưu kết luận").click()
    criteria.nth(0).locator(".finding").wait_for()
    for index in (1, 2):
        page.locator(".criterion").nth(index).get_by_role("button", name="Đạt", exact=True).click()
    wait_until(page, f"async () => (await {OUTBOX}).count().then(n => n === {5 + len(photos)})")


def visit_id(visit) -> str:
    from graphql_relay import to_global_id

    return to_global_id("Visit", visit.pk)


def signed_in_phone(chromium, live_server, field):
    context = phone(chromium)
    page = open_app(context, live_server.url)
    sign_in(page, field.inspector)
    ready_offline(page)
    return context, page


def assert_on_server_once(visit, page, *, answers: int, findings: int, photos: int):
    log = app_log(page)
    assert log and all(entry["state"] in ("sent", "replaced") for entry in log), log
    sent = [entry for entry in log if entry["state"] == "sent"]
    photo_ids = {e["id"] for e in sent if e["kind"] == "PHOTO"}
    operation_ids = {e["id"] for e in sent if e["kind"] != "PHOTO"}
    assert set(Evidence.objects.filter(finding__visit=visit).values_list("uuid", flat=True)) == {
        __import__("uuid").UUID(i) for i in photo_ids
    }
    on_server = {str(u) for u in SyncOperation.objects.values_list("uuid", flat=True)}
    assert operation_ids <= on_server
    assert Answer.objects.filter(visit=visit).count() == answers
    assert Finding.objects.filter(visit=visit).count() == findings
    assert len(photo_ids) == photos


def test_server_errors_during_sync_are_retried_and_nothing_is_dropped(chromium, live_server, field, tmp_path):
    context, page = signed_in_phone(chromium, live_server, field)
    start_visit_offline(page, context, field.visit, tmp_path)
    page.get_by_role("link", name="Chưa gửi").click()

    answered = {"/graphql/": [], "/api/evidence": []}
    script = {  # what the network answers instead of the server, in order, before letting requests through
        "/graphql/": [(500, {}), (429, {"Retry-After": "1"})],
        "/api/evidence": [(503, {}), (429, {"Retry-After": "1"}), (500, {})],
    }

    def interfere(route):
        path = "/graphql/" if "/graphql/" in route.request.url else "/api/evidence"
        if route.request.method == "POST" and script[path]:
            status, headers = script[path].pop(0)
            answered[path].append(status)
            route.fulfill(status=status, headers=headers, body="<html>Bad gateway</html>")
        else:
            route.continue_()

    context.route("**/graphql/", interfere)
    context.route("**/api/evidence", interfere)
    context.set_offline(False)
    page.locator("#sync-status.warn, #sync-status.box").first.wait_for()  # "not sent yet; trying again at …"
    states = page.locator("ul.outbox li").evaluate_all("items => items.map(i => i.dataset.state)")
    assert "attention" not in states  # a 5xx or a 429 is never a refusal
    shot(page, "outbox-retrying-phone")
    wait_empty(page, RETRY_WAIT_MS)
    assert answered == {"/graphql/": [500, 429], "/api/evidence": [503, 429, 500]}

    visit = Visit.objects.get(pk=field.visit.pk)
    assert visit.checked_in_at is not None
    assert_on_server_once(visit, page, answers=3, findings=1, photos=2)
    for photo in Evidence.objects.filter(finding__visit=visit):
        assert photo.device_latitude == pytest.approx(OFFICE[0]) and photo.device_captured_at is not None
    context.close()


def test_an_update_of_the_app_keeps_the_queued_work(chromium, live_server, field, tmp_path, settings):
    context, page = signed_in_phone(chromium, live_server, field)
    start_visit_offline(page, context, field.visit, tmp_path)
    before = outbox(page)
    old = page.evaluate("caches.keys()")
    assert len(old) == 1

    # The server is unreachable for sending (so the work stays queued) while the update arrives.
    page.route("**/graphql/", lambda route: route.fulfill(status=503, body="maintenance"))
    page.route("**/api/evidence", lambda route: route.fulfill(status=503, body="maintenance"))
    settings.FIELD_APP_RELEASE = "2026.12-next"  # a new release: a new worker, a new cache
    context.set_offline(False)
    page.evaluate("navigator.serviceWorker.getRegistration().then(r => r.update())")
    wait_until(
        page,
        "async (old) => { const k = await caches.keys(); return k.length === 1 && k[0] !== old; }",
        old[0],
    )
    new = page.evaluate("caches.keys()")[0]
    assert new != old[0]
    page.reload()
    page.locator("#net").wait_for()
    after = outbox(page)
    assert [(i["id"], i["kind"]) for i in after] == [(i["id"], i["kind"]) for i in before]
    sizes = page.evaluate(
        f"async () => (await {OUTBOX}).all().then(r => r.map(i => i.blob ? i.blob.size : 0))"
    )
    assert sum(sizes) > 10_000  # the photos themselves are still there

    page.unroute("**/graphql/")
    page.unroute("**/api/evidence")
    page.get_by_role("link", name="Chưa gửi").click()
    # The list redraws while the app retries by itself (so the button never holds still for Playwright's
    # stability check): the tap goes to the button as it is now.
    page.locator("#send").dispatch_event("click")
    wait_empty(page, RETRY_WAIT_MS)
    assert_on_server_once(Visit.objects.get(pk=field.visit.pk), page, answers=3, findings=1, photos=2)
    context.close()


def test_an_expired_token_asks_to_sign_in_again_keeps_the_outbox_and_no_one_else_may_sign_in(
    chromium, live_server, field, tmp_path
):
    context, page = signed_in_phone(chromium, live_server, field)
    start_visit_offline(page, context, field.visit, tmp_path, photos=("chelsea",))
    queued = len(outbox(page))
    DeviceSession.objects.filter(user=field.inspector).update(
        expires_at=timezone.now() - timedelta(minutes=1)
    )

    context.set_offline(False)
    page.get_by_role("button", name="Đăng nhập").wait_for()  # the app asks to sign in again
    assert "hết hạn" in page.locator("[role=alert]").first.inner_text()
    assert len(outbox(page)) == queued
    shot(page, "sign-in-expired-phone")

    other = field.world.inspectors[1]
    sign_in(page, other)
    page.get_by_text(f"chỉ {field.inspector.username} được đăng nhập").wait_for()
    assert not DeviceSession.objects.filter(user=other).exists()  # refused on the phone, before any request
    assert len(outbox(page)) == queued
    shot(page, "sign-in-other-user-refused-phone")

    sign_in(page, field.inspector)
    page.locator("ul.visits").wait_for()
    wait_empty(page)
    assert_on_server_once(Visit.objects.get(pk=field.visit.pk), page, answers=3, findings=1, photos=1)
    context.close()


def test_outside_the_geofence_a_reason_is_asked_and_a_surprise_visit_waits_for_its_lead_day(
    chromium, live_server, field, tmp_path
):
    later = surprise_visits(field.visit.plan)[1]  # planned next year: not to be seen yet
    assign_inspectors(later, [field.inspector], actor=field.world.reviewer)
    context = phone(chromium, where=FAR)
    page = open_app(context, live_server.url)
    sign_in(page, field.inspector)
    page.locator("ul.visits").wait_for()
    listed = page.locator("ul.visits").inner_text()
    assert field.visit.unit.name in listed and later.unit.name not in listed

    page.get_by_text(field.visit.unit.name).click()
    page.get_by_role("button", name="Lấy vị trí GPS").click()
    page.locator("#reason").wait_for()
    assert int(page.locator("#distance").inner_text().split()[0]) > 900
    shot(page, "check-in-outside-phone")
    page.get_by_role("button", name="Điểm danh tại đơn vị").click()
    assert page.locator("#checked-in").count() == 0  # not without a reason
    page.locator("#reason").fill("Trụ sở đang sửa chữa, làm việc tại nhà văn hoá khu phố")
    page.get_by_role("button", name="Điểm danh tại đơn vị").click()
    page.locator("#checked-in").wait_for()
    wait_empty(page)
    visit = Visit.objects.get(pk=field.visit.pk)
    assert visit.checked_in_at is not None and "nhà văn hoá" in visit.check_in_reason

    Visit.objects.filter(pk=later.pk).update(planned_date=timezone.localdate())  # its lead day has come
    page.get_by_role("link", name="‹ Danh sách").click()
    page.get_by_role("button", name="Tải danh sách cuộc kiểm tra").click()
    page.locator("ul.visits", has_text=later.unit.name).wait_for()

    context.set_geolocation({"latitude": OFFICE[0], "longitude": OFFICE[1], "accuracy": 8})
    page.get_by_text(later.unit.name).click()
    page.get_by_role("button", name="Lấy vị trí GPS").click()
    page.locator("#accuracy").wait_for()
    page.get_by_role("button", name="Điểm danh tại đơn vị").wait_for()
    assert page.locator("#reason").count() == 0  # inside the geofence: no reason asked
    context.close()


CYCLES = 200


def test_200_offline_cycles_lose_nothing_and_duplicate_nothing(chromium, live_server, field, tmp_path):
    rng = random.Random(20261202)
    photo = str(camera_photo(tmp_path, "coffee", 320))
    context, page = signed_in_phone(chromium, live_server, field)
    vid = visit_id(field.visit)
    page.goto(f"{live_server.url}/app/#/visit/{vid}")
    page.get_by_role("button", name="Lấy vị trí GPS").click()
    page.get_by_role("button", name="Điểm danh tại đơn vị").click()
    page.locator("#checked-in").wait_for()
    count = page.locator(".criterion").count()
    findings: set[int] = set()
    failed: set[int] = set()
    answered: set[int] = set()

    notes = iter(range(10**6))
    last_note = [0]
    codes = page.locator(".criterion").evaluate_all("items => items.map(i => i.id.slice(10))")

    def work(page, wanted):
        """One or two random operations, as the inspector does them."""
        done = 0
        while done < wanted:
            index = rng.randrange(count)
            page.evaluate("() => window.fieldAppDrawn()")  # the screen is drawn before the next tap
            criterion = page.locator(".criterion").nth(index)
            roll = rng.random()
            if index in failed and index not in findings and roll < 0.4:
                form = criterion.locator("form.finding-form")
                form.locator("textarea").fill(f"Kết luận {index}")
                form.locator("input[type=file]").set_input_files(photo)
                form.get_by_role("button", name="Lưu kết luận").click()
                criterion.locator(".finding").wait_for()
                findings.add(index)
            elif roll < 0.6 and index in answered:
                last_note[0] = next(notes)
                criterion.locator("[data-note]").fill(f"ghi chú {last_note[0]}")
                criterion.locator("[data-note]").press("Tab")  # the note is saved when it loses focus
                wait_until(
                    page,
                    f"async ([id, code, note]) => (await {OUTBOX}).get('visit:' + id)"
                    ".then(s => s.answers[code]?.note === note)",
                    [vid, codes[index], f"ghi chú {last_note[0]}"],
                )
            elif index not in findings:
                name, value = rng.choice(
                    [("Đạt", "pass"), ("Không đạt", "fail"), ("Không áp dụng", "not_applicable")]
                )
                criterion.get_by_role("button", name=name, exact=True).click()
                criterion.locator(f"[aria-pressed=true][data-value={value}]").wait_for()
                (failed.add if value == "fail" else failed.discard)(index)
                answered.add(index)
            else:
                continue  # nothing to do on this criterion: pick another
            done += 1

    page.close()
    page = open_app(context, live_server.url, f"/app/#/visit/{vid}")
    for _cycle in range(CYCLES):
        context.set_offline(True)  # maybe in the middle of sending the last cycle's work
        page.locator(".criterion").first.wait_for()
        queued_before = len(app_log(page))
        work(page, rng.randint(1, 2))
        wait_until(  # written to the phone before anything else happens
            page, f"async (n) => (await {OUTBOX}).logEntries().then(l => l.length > n)", queued_before
        )
        page.close()  # closed by the inspector (or the phone) while offline
        page = open_app(context, live_server.url, f"/app/#/visit/{vid}")  # opened again, still offline
        page.locator(".criterion").first.wait_for()
        context.set_offline(False)
        if rng.random() < 0.5:
            wait_empty(page)
        else:
            page.wait_for_timeout(rng.randint(0, 150))  # offline again while sending, maybe

    context.set_offline(False)
    page.close()
    page = open_app(context, live_server.url, f"/app/#/visit/{vid}")
    wait_empty(page, RETRY_WAIT_MS)

    log = app_log(page)
    state = local_visit(page, vid)
    visit = Visit.objects.get(pk=field.visit.pk)
    lost = [e for e in log if e["state"] not in ("sent", "replaced")]
    assert lost == []
    sent = [e for e in log if e["state"] == "sent"]
    on_server = {
        str(u) for u in SyncOperation.objects.filter(user=field.inspector).values_list("uuid", flat=True)
    }
    assert {e["id"] for e in sent if e["kind"] != "PHOTO"} <= on_server
    assert on_server <= {e["id"] for e in log}  # nothing on the server the app did not do
    photos = {str(u) for u in Evidence.objects.filter(finding__visit=visit).values_list("uuid", flat=True)}
    assert photos == {e["id"] for e in log if e["kind"] == "PHOTO"}
    assert (
        Finding.objects.filter(visit=visit).count()
        == len(findings)
        == sum(e["kind"] == "FINDING" for e in log)
    )
    answers = {
        a.criterion.code: (a.result, a.note)
        for a in Answer.objects.filter(visit=visit).select_related("criterion")
    }
    expected = {
        code: (a["result"], a.get("note", "")) for code, a in state["answers"].items() if a.get("result")
    }
    assert answers == expected
    assert visit.status != VisitStatus.SUBMITTED
    print(f"{CYCLES} cycles: {len(log)} operations, {len(sent)} sent, {len(photos)} photos")
    context.close()


def test_a_finding_recorded_by_mistake_is_withdrawn_with_a_reason_before_submission(
    chromium, live_server, field, tmp_path
):
    context, page = signed_in_phone(chromium, live_server, field)
    start_visit_offline(page, context, field.visit, tmp_path, photos=("rocket",))
    page.prompts.append("Ghi nhầm tiêu chí, quầy có niêm yết")
    page.locator(".criterion").nth(0).get_by_role("button", name="Rút kết luận này").click()
    page.locator(".criterion").nth(0).locator("form.finding-form").wait_for()  # no finding on it any more
    page.locator(".criterion").nth(0).get_by_role("button", name="Đạt", exact=True).click()
    shot(page, "finding-withdrawn-phone")
    context.set_offline(False)
    wait_empty(page)
    finding = Finding.objects.get(visit=field.visit)
    assert finding.withdrawn_at is not None and "Ghi nhầm" in finding.withdrawal_reason
    answer = Answer.objects.get(visit=field.visit, criterion__code=finding.criterion.code)
    assert answer.result == "pass"
    context.close()


def test_a_finding_returned_for_correction_opens_from_its_notification_and_is_corrected_with_a_reason(
    chromium, live_server, field
):
    today = timezone.localdate()
    finding = add_finding(
        field.visit.unit,
        "OSS-02",
        "major",
        today,
        today + timedelta(days=15),
        visit=field.visit,
        author=field.inspector,
    )
    Notification.objects.create(
        recipient=field.inspector,
        key=f"returned:{finding.pk}",
        kind="returned",
        title="Kết luận bị trả lại để sửa",
        body="Ghi rõ quầy nào không đeo thẻ.",
        finding=finding,
    )
    context = phone(chromium)
    page = open_app(context, live_server.url)
    sign_in(page, field.inspector)
    page.locator("#notices").wait_for()  # downloaded with the bundle: there offline too
    assert "Kết luận bị trả lại để sửa" in page.locator("#notices").inner_text()
    shot(page, "notices-phone")
    page.get_by_role("link", name="Mở kết luận để sửa").click()
    page.get_by_label("Nội dung mới").fill("Quầy số 2 và 3: cán bộ không đeo thẻ công chức")
    page.get_by_role("button", name="Gửi bản sửa").click()
    assert page.locator("#correct-result").inner_text() == ""  # no reason yet: nothing sent
    page.get_by_label("Lý do").fill("Bổ sung theo yêu cầu của Sở Nội vụ")
    page.get_by_role("button", name="Gửi bản sửa").click()
    page.get_by_text("Đã gửi bản sửa.").wait_for()
    shot(page, "correction-phone")
    corrected = Finding.objects.get(supersedes=finding)
    assert corrected.text.startswith("Quầy số 2") and "Sở Nội vụ" in corrected.correction_reason
    context.close()
