"""CCTV review in the field app, in Debian's Chromium at 360 px against the real server: the inspector sees
the grouped queue of flagged snapshots with their pictures (fetched with the bearer token), dismisses one group
with a reason and confirms another, which makes exactly one finding; offline the screen says it needs the
network."""

from datetime import timedelta

import pytest

from inspections.models import Finding, ReviewState, Snapshot
from tests.cameras import IMMEDIATE, MONDAY_10AM, Site, scene
from tests.e2e.field_app import open_app, phone, shot, sign_in, wait_until

pytestmark = pytest.mark.django_db(transaction=True)


def test_an_inspector_dismisses_one_flagged_snapshot_with_a_reason_and_confirms_another(
    chromium, live_server, field, settings
):
    settings.TASKS = IMMEDIATE  # analysed as each ingest commits (real commits here)
    covered, frozen_site = Site(field.world, "W01"), Site(field.world, "W02")
    assert covered.send(scene("covered").jpeg, MONDAY_10AM).status_code == 202
    assert covered.send(scene("covered", 1).jpeg, MONDAY_10AM + timedelta(minutes=5)).status_code == 202
    assert frozen_site.send(scene("covered", 2).jpeg, MONDAY_10AM + timedelta(minutes=7)).status_code == 202
    flagged = Snapshot.objects.exclude(flags=[])
    assert flagged.count() == 3, list(Snapshot.objects.values_list("status", "flags"))

    context = phone(chromium)
    page = open_app(context, live_server.url)
    sign_in(page, field.inspector)
    page.locator("ul.visits").wait_for()
    page.get_by_role("link", name="Camera").click()
    items = page.locator("li.snapshot")
    items.nth(1).wait_for()
    assert items.count() == 2  # one line per camera and flag: W01's two snapshots are one decision
    wait_until(  # each picture arrived through the bearer-token request and was decoded
        page,
        "() => [...document.querySelectorAll('img.snapshot-image')].every(i => i.complete && i.naturalWidth > 0)",
    )
    text = page.locator("#app").inner_text()
    assert covered.unit.name in text and frozen_site.unit.name in text
    shot(page, "cctv-review-phone")

    # Dismissing asks for a reason first: nothing is sent without one.
    w01 = items.filter(has_text=covered.unit.name)
    w01.get_by_role("button", name="Bỏ qua").click()
    assert "lý do" in w01.locator("[role=alert]").inner_text().lower()
    assert not Snapshot.objects.filter(review_state=ReviewState.DISMISSED).exists()
    w01.get_by_label("Lý do bỏ qua").fill("Bảo trì camera theo lịch đã báo")
    w01.get_by_role("button", name="Bỏ qua").click()
    page.locator("#cctv-result").wait_for()
    assert "2 ảnh" in page.locator("#cctv-result").inner_text()
    assert items.count() == 1

    items.first.get_by_role("button", name="Xác nhận vi phạm").click()
    page.get_by_text("Đã xác nhận").wait_for()
    page.locator("#cctv-empty").wait_for()
    shot(page, "cctv-reviewed-phone")

    finding = Finding.objects.get()  # exactly one finding, at the confirmed camera's unit
    assert finding.unit == frozen_site.unit and finding.source == "cctv"
    assert set(covered.camera.snapshots.values_list("review_state", "dismiss_reason")) == {
        (ReviewState.DISMISSED, "Bảo trì camera theo lịch đã báo")
    }
    assert frozen_site.camera.snapshots.get().review_state == ReviewState.CONFIRMED

    context.set_offline(True)  # the screen says at once that it needs the network
    page.locator("#cctv-offline").wait_for()
    shot(page, "cctv-offline-phone")
    context.close()
