"""CCTV snapshots end to end: keyed ingest over HTTP, analysis through the task queue, the review queue,
confirm and dismiss, camera health, and the inspected unit learning nothing from any of it."""

import contextlib
import hashlib
import io
import json
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from inspections.cctv.detectors import overlap
from inspections.models import (
    AuditEntry,
    Camera,
    CameraKey,
    Evidence,
    Finding,
    ReviewState,
    Snapshot,
)
from inspections.services.plans import risk_signals
from inspections.services.snapshots import analyse_snapshot, revoke_keys, run_analysis
from tests import images
from tests.cameras import IMMEDIATE, MONDAY_10AM, Site, scene
from tests.factories import approved_plan, gid, gql, surprise_visits, token_for

SUNDAY_10AM = timezone.make_aware(datetime(2026, 11, 22, 10, 0))
MONDAY_EVENING = timezone.make_aware(
    datetime(2026, 11, 23, 17, 0)
)  # "now" in these tests: every capture is past
QUEUE = """query($unit: ID) { snapshotReviewQueue(unit: $unit) {
  flag label count firstAt lastAt camera { name counter unit { code } } snapshot { id flags confidence imageUrl } } }"""
CONFIRM = """mutation($id: ID!) { confirmSnapshot(id: $id) {
  finding { id uuid severity criterion { code } evidence { sha256 stored } } snapshots created errors { field code } } }"""
DISMISS = """mutation($id: ID!, $reason: String!) { dismissSnapshot(id: $id, reason: $reason) {
  dismissed snapshot { reviewState dismissReason } errors { field code } } }"""
HEALTH = """query($unit: ID!) { cameraHealth(unit: $unit) {
  camera { name } lastSnapshotAt snapshots tampered failed tamperShare } }"""


@pytest.fixture(autouse=True)
def monday_evening(clock):
    """The cameras' Monday is over when the tests look at it (whatever the suite's pinned day)."""
    clock.move_to(MONDAY_EVENING)


@pytest.fixture
def immediate(settings, django_capture_on_commit_callbacks):
    """Analysis runs as soon as each ingest commits (Django's immediate Tasks backend: real, just inline; the
    test's transaction never commits, so each request's on-commit work is run as it ends)."""
    settings.TASKS = IMMEDIATE
    Site.committing = staticmethod(lambda: django_capture_on_commit_callbacks(execute=True))
    yield
    Site.committing = staticmethod(contextlib.nullcontext)


def frozen_frames() -> list[bytes]:
    """A busy spell, then the recorder re-sending its last picture (re-encoded: different bytes each time)."""
    busy = images.busy_sequence(np.random.default_rng(11), 3)
    still = images.decode(busy[-1])
    return busy + [images.encode(still, quality) for quality in (90, 86, 82, 78)]


# --- ingest ---------------------------------------------------------------------------------------------------


@pytest.mark.django_db(transaction=True)
def test_a_snapshot_is_accepted_fast_and_analysed_by_the_worker(world):
    """The default backend (django-tasks-db), with real commits: the request only queues; `db_worker`, as
    `make run` starts it, analyses."""
    site = Site(world, "W01")
    response = site.send(scene("queue", 0).jpeg, MONDAY_10AM)
    assert response.status_code == 202
    body = response.json()
    assert body["created"] is True and body["snapshot"]["status"] == "pending"
    assert body["snapshot"]["inWorkingHours"] is True
    snapshot = Snapshot.objects.get(pk=body["snapshot"]["id"])
    assert snapshot.status == "pending" and snapshot.flags == []  # nothing ran in the request
    call_command("db_worker", batch=True, no_startup_delay=True, verbosity=0)
    snapshot.refresh_from_db()
    assert snapshot.status == "analysed" and snapshot.analyser_version == "cctv-opencv-3"
    assert snapshot.flags == ["queue_unstaffed"] and snapshot.staffed is False and snapshot.people >= 1
    assert snapshot.review_state == ReviewState.OPEN and snapshot.analysis_ms > 0
    assert snapshot.verdicts["queue_unstaffed"]["confidence"] > 0.5


def test_the_camera_key_is_stored_hashed_and_can_be_revoked(world):
    site = Site(world, "W01")
    stored = CameraKey.objects.get(camera=site.camera)
    assert site.key.startswith("cam_") and stored.key_hash != site.key and site.key not in stored.key_hash
    assert site.send(scene("empty").jpeg, MONDAY_10AM, key=site.key + "x").status_code == 401
    assert site.send(scene("empty").jpeg, MONDAY_10AM, key="not-a-key").status_code == 401
    revoke_keys(site.camera)
    response = site.send(scene("empty").jpeg, MONDAY_10AM)
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "UNAUTHENTICATED"
    assert not Snapshot.objects.exists()


@pytest.mark.parametrize(
    "make, captured, field, code",
    [
        (images.text_file, MONDAY_10AM, "file", "NOT_AN_IMAGE"),
        (lambda: images.png(images.photo()), MONDAY_10AM, "file", "UNSUPPORTED_FORMAT"),
        (lambda: scene("empty").jpeg[:5000], MONDAY_10AM, "file", "TRUNCATED_IMAGE"),
        (lambda: images.png_declaring(100_000, 100_000), MONDAY_10AM, "file", "IMAGE_TOO_LARGE"),
        (lambda: scene("empty").jpeg, None, "capturedAt", "REQUIRED"),
        (lambda: scene("empty").jpeg, MONDAY_EVENING + timedelta(hours=2), "capturedAt", "OUT_OF_RANGE"),
    ],
)
def test_bad_uploads_are_refused_and_nothing_is_stored(world, media_storage, make, captured, field, code):
    site = Site(world, "W01")
    before = sorted(p.name for p in media_storage.rglob("*") if p.is_file())
    response = site.send(make(), captured)
    assert response.status_code == 400
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [(field, code)]
    assert not Snapshot.objects.exists()
    assert sorted(p.name for p in media_storage.rglob("*") if p.is_file()) == before  # the reference only


def test_a_retry_of_the_same_moment_answers_the_snapshot_kept(world, immediate):
    site = Site(world, "W01")
    jpeg = scene("staffed").jpeg
    first = site.send(jpeg, MONDAY_10AM)
    again = site.send(jpeg, MONDAY_10AM)
    assert (first.status_code, again.status_code) == (202, 200)
    assert again.json()["snapshot"]["id"] == first.json()["snapshot"]["id"]
    assert again.json()["snapshot"]["sha256"] == hashlib.sha256(jpeg).hexdigest()  # the hash of what was sent
    assert again.json()["created"] is False and Snapshot.objects.count() == 1


def test_other_bytes_at_a_used_moment_are_a_conflict(world, immediate):
    """A camera whose clock is stuck is told so, instead of losing every frame while hearing all is well."""
    site = Site(world, "W01")
    kept = site.send(scene("staffed").jpeg, MONDAY_10AM).json()["snapshot"]
    other = site.send(scene("empty").jpeg, MONDAY_10AM)
    assert other.status_code == 409
    body = other.json()
    assert [error["code"] for error in body["errors"]] == ["CONFLICT"]
    assert "clock" in body["errors"][0]["message"]
    assert body["snapshot"]["id"] == kept["id"] and body["snapshot"]["sha256"] == kept["sha256"]
    assert Snapshot.objects.count() == 1
    vietnamese = Client().post(
        "/api/cameras/snapshots",
        {"file": io.BytesIO(scene("empty").jpeg), "capturedAt": MONDAY_10AM.isoformat()},
        HTTP_X_CAMERA_KEY=site.key,
    )
    assert (
        vietnamese.status_code == 409
        and vietnamese.json()["errors"][0]["message"] != body["errors"][0]["message"]
    )


def test_a_stalled_recorder_sending_identical_bytes_is_flagged_frozen(world, immediate, media_storage):
    """A busy spell, then the recorder re-sending its last file byte for byte at every new moment."""
    site = Site(world, "W01")
    busy = images.busy_sequence(np.random.default_rng(5), 3)
    stalled = [busy[-1]] * 4
    snapshots = list(site.sequence(busy + stalled))
    assert len(snapshots) == 7  # every moment the camera sent is a snapshot
    assert [("frozen" in s.flags) for s in snapshots] == [False] * 3 + [True] * 4, [
        (s.flags, s.measurements.get("resent")) for s in snapshots
    ]
    assert all(s.verdicts["frozen"]["confidence"] > 0.5 for s in snapshots[3:])
    # The same bytes are one stored file, and the same one the first of them was kept as.
    assert len({s.file_name for s in snapshots[2:]}) == 1
    assert len({s.received_sha256 for s in snapshots[2:]}) == 1
    # Health counts what the camera sent, up to its last moment.
    health = gql(
        Client(), HEALTH, {"unit": gid("OrgUnit", site.unit.pk)}, token=token_for(world.inspectors[0])
    )["data"]["cameraHealth"]
    assert health[0]["snapshots"] == 7 and health[0]["tampered"] == 4
    assert datetime.fromisoformat(health[0]["lastSnapshotAt"]) == MONDAY_10AM + 6 * timedelta(minutes=5)
    queue = gql(Client(), QUEUE, token=token_for(world.inspectors[0]))["data"]["snapshotReviewQueue"]
    assert ("FROZEN", 4) in [(item["flag"], item["count"]) for item in queue]


def test_an_empty_room_sent_twice_byte_for_byte_is_frozen_too(world, immediate):
    """No live sensor gives the same bytes twice (noise), even of a still room: the bytes decide, not the scene."""
    site = Site(world, "W01")
    empty = scene("empty", 2).jpeg
    first, second = site.sequence([empty, empty])
    assert first.flags == [] and second.flags == ["frozen"]


def test_outside_working_hours_nothing_is_said_about_staffing(world, immediate):
    site = Site(world, "W01")
    site.send(scene("queue").jpeg, SUNDAY_10AM)
    lunch = site.send(scene("queue", 1).jpeg, MONDAY_10AM.replace(hour=12))
    snapshot = Snapshot.objects.get(captured_at=SUNDAY_10AM)
    assert snapshot.in_working_hours is False and snapshot.staffed is None and snapshot.flags == []
    assert lunch.json()["snapshot"]["inWorkingHours"] is False


# --- review -------------------------------------------------------------------------------------------------------


def test_the_queue_puts_the_most_serious_first_and_groups_a_frozen_camera(world, immediate):
    frozen_site, covered_site = Site(world, "W01"), Site(world, "W02")
    snapshots = frozen_site.sequence(frozen_frames())
    frozen = [s for s in snapshots if "frozen" in s.flags]
    assert len(frozen) >= 3, [
        (s.status, s.flags, s.failure, s.measurements) for s in snapshots
    ]  # re-sent pictures
    covered_site.send(scene("covered").jpeg, MONDAY_10AM + timedelta(minutes=2))
    inspector = world.inspectors[0]
    queue = gql(Client(), QUEUE, token=token_for(inspector), HTTP_ACCEPT_LANGUAGE="en")["data"][
        "snapshotReviewQueue"
    ]
    assert [(item["flag"], item["camera"]["unit"]["code"], item["count"]) for item in queue] == [
        ("COVERED", "W02", 1),
        ("FROZEN", "W01", len(frozen)),
    ]
    assert queue[1]["snapshot"]["id"] == gid("Snapshot", frozen[-1].pk)  # the latest stands for the group
    assert (queue[0]["label"], queue[1]["label"]) == ("Camera covered", "Camera picture frozen")
    only_w02 = gql(
        Client(), QUEUE, {"unit": gid("OrgUnit", covered_site.unit.pk)}, token=token_for(inspector)
    )
    assert [item["flag"] for item in only_w02["data"]["snapshotReviewQueue"]] == ["COVERED"]


def test_confirm_makes_one_finding_even_when_sent_twice(world, immediate):
    site = Site(world, "W01")
    snapshots = site.sequence(frozen_frames())
    frozen = [s for s in snapshots if "frozen" in s.flags]
    inspector = world.inspectors[0]
    variables = {"id": gid("Snapshot", frozen[-1].pk)}
    first = gql(Client(), CONFIRM, variables, token=token_for(inspector))["data"]["confirmSnapshot"]
    again = gql(Client(), CONFIRM, variables, token=token_for(inspector))["data"]["confirmSnapshot"]
    assert first["errors"] == [] and first["created"] is True and first["snapshots"] == len(frozen)
    assert (
        again["errors"] == []
        and again["created"] is False
        and again["finding"]["id"] == first["finding"]["id"]
    )
    finding = Finding.objects.get()
    assert finding.source == "cctv" and finding.visit is None and finding.unit == site.unit
    assert (
        finding.criterion.code == "OSS-10" and finding.severity == "major" and finding.created_by == inspector
    )
    assert first["finding"]["evidence"] == [{"sha256": frozen[-1].sha256, "stored": True}]
    assert Evidence.objects.get().finding == finding
    assert set(
        Snapshot.objects.filter(pk__in=[s.pk for s in frozen]).values_list("review_state", flat=True)
    ) == {"confirmed"}
    assert gql(Client(), QUEUE, token=token_for(inspector))["data"]["snapshotReviewQueue"] == []
    assert AuditEntry.objects.filter(action="snapshot.confirm").count() == 1
    # A confirmed flag is a risk signal for the next draw.
    assert risk_signals({site.unit.pk: 0}, as_of=timezone.localdate())[site.unit.pk]["cctv_flags"] == 1


def test_dismiss_needs_a_reason_and_clears_the_group(world, immediate):
    site = Site(world, "W01")
    site.send(scene("covered").jpeg, MONDAY_10AM)
    snapshot = Snapshot.objects.get()
    token = token_for(world.inspectors[0])
    variables = {"id": gid("Snapshot", snapshot.pk), "reason": "  "}
    refused = gql(Client(), DISMISS, variables, token=token)["data"]["dismissSnapshot"]
    assert [(e["field"], e["code"]) for e in refused["errors"]] == [("reason", "REQUIRED")]
    variables["reason"] = "Bảo trì camera theo lịch đã báo"
    done = gql(Client(), DISMISS, variables, token=token)["data"]["dismissSnapshot"]
    assert done["errors"] == [] and done["dismissed"] == 1
    assert done["snapshot"] == {
        "reviewState": "DISMISSED",
        "dismissReason": "Bảo trì camera theo lịch đã báo",
    }
    confirm = gql(Client(), CONFIRM, {"id": variables["id"]}, token=token)["data"]["confirmSnapshot"]
    assert [(e["field"], e["code"]) for e in confirm["errors"]] == [("id", "ALREADY_REVIEWED")]
    assert not Finding.objects.exists()


def test_camera_health_per_unit(world, immediate):
    site = Site(world, "W01")
    site.send(scene("staffed").jpeg, MONDAY_10AM)
    site.send(scene("dark").jpeg, MONDAY_10AM + timedelta(minutes=5))
    site.send(scene("empty", 1).jpeg, MONDAY_10AM + timedelta(minutes=10))
    Site(world, "W01", "Quầy 2")
    health = gql(
        Client(), HEALTH, {"unit": gid("OrgUnit", site.unit.pk)}, token=token_for(world.inspectors[0])
    )["data"]["cameraHealth"]
    by_name = {row["camera"]["name"]: row for row in health}
    row = by_name[site.camera.name]
    assert (row["snapshots"], row["tampered"], row["failed"], row["tamperShare"]) == (3, 1, 0, 0.333)
    assert datetime.fromisoformat(row["lastSnapshotAt"]) == MONDAY_10AM + timedelta(minutes=10)
    assert (
        by_name["Camera W01 Quầy 2"]["snapshots"] == 0
        and by_name["Camera W01 Quầy 2"]["lastSnapshotAt"] is None
    )


# --- confidentiality ------------------------------------------------------------------------------------------------


def test_the_inspected_unit_learns_nothing_from_snapshot_review(world, immediate):
    """A ward with a surprise visit due: its people see no queue, no health, no snapshot, no review trace,
    before and after inspectors work on its snapshots; the confirmed finding belongs to no visit."""
    plan = approved_plan(world)
    visit = surprise_visits(plan)[0]
    site = Site(world, visit.unit.code)
    site.send(scene("covered").jpeg, MONDAY_10AM)
    snapshot = Snapshot.objects.get()
    head, staff = world.unit_people(visit.unit)

    def what_the_unit_sees():
        seen = {}
        for person in (head, staff):
            token = token_for(person)
            seen[person.username] = json.dumps(
                [
                    gql(Client(), QUEUE, token=token)["data"],
                    gql(Client(), HEALTH, {"unit": gid("OrgUnit", visit.unit.pk)}, token=token)["data"],
                    gql(
                        Client(),
                        "query($id: ID!) { node(id: $id) { id } }",
                        {"id": gid("Snapshot", snapshot.pk)},
                        token=token,
                    )["data"],
                    gql(Client(), "{ visits(first: 10) { totalCount } }", token=token)["data"],
                    Client()
                    .get(f"/api/cameras/snapshots/{snapshot.pk}/image", HTTP_AUTHORIZATION=f"Bearer {token}")
                    .status_code,
                ]
            )
        return seen

    before = what_the_unit_sees()
    assert json.loads(before[head.username])[:4] == [
        {"snapshotReviewQueue": []},
        {"cameraHealth": []},
        {"node": None},
        {"visits": {"totalCount": 0}},
    ]
    token = token_for(world.inspectors[0])
    gql(Client(), CONFIRM, {"id": gid("Snapshot", snapshot.pk)}, token=token)
    assert what_the_unit_sees() == before  # the review changed nothing the unit can see of it
    findings = gql(
        Client(), "{ findings(first: 5) { edges { node { id criterion { code } } } } }", token=token_for(head)
    )["data"]["findings"]["edges"]
    assert [edge["node"]["criterion"]["code"] for edge in findings] == ["OSS-10"]  # theirs to fix
    denied = gql(Client(), CONFIRM, {"id": gid("Snapshot", snapshot.pk)}, token=token_for(head))["data"]
    assert [(e["field"], e["code"]) for e in denied["confirmSnapshot"]["errors"]] == [("id", "NOT_FOUND")]


def test_snapshot_images_are_served_to_reviewers_after_a_hash_check(world, immediate, store):
    site = Site(world, "W01")
    jpeg = scene("covered").jpeg
    site.send(jpeg, MONDAY_10AM)
    snapshot = Snapshot.objects.get()
    token = token_for(world.inspectors[0])
    served = Client().get(f"/api/cameras/snapshots/{snapshot.pk}/image", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert served.status_code == 200 and hashlib.sha256(served.content).hexdigest() == snapshot.sha256
    assert snapshot.received_sha256 == hashlib.sha256(jpeg).hexdigest()
    store.write(snapshot.file_name, jpeg[:-10] + b"\x00" * 10)
    tampered = Client().get(
        f"/api/cameras/snapshots/{snapshot.pk}/image", HTTP_AUTHORIZATION=f"Bearer {token}"
    )
    assert tampered.status_code == 409


def test_a_reference_frame_changed_in_storage_is_refused_by_the_analysis_and_the_admin(world, store):
    from inspections.services import snapshots

    snapshots._profiles.clear()  # a cold worker: the reference is read from storage, not from this process
    site = Site(world, "W01")
    camera = Camera.objects.get(pk=site.camera.pk)
    assert camera.reference_sha256 == hashlib.sha256(images.reference_jpeg()).hexdigest()
    assert store.read(camera.reference_frame.name) == images.reference_jpeg()
    changed = bytearray(images.reference_jpeg())
    changed[len(changed) // 2] ^= 0xFF  # one flipped byte: still a picture, no longer the one uploaded
    store.write(camera.reference_frame.name, bytes(changed))

    site.send(scene("queue", 0).jpeg, MONDAY_10AM)
    snapshot = Snapshot.objects.get()
    analyse_snapshot.call(snapshot.pk)
    snapshot.refresh_from_db()
    assert snapshot.status == "failed" and snapshot.flags == []

    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    admin_client = Client()
    admin_client.force_login(world.admin)
    change = f"/admin/inspections/camera/{camera.pk}/change/"
    page = admin_client.get(change)
    assert page.status_code == 200
    assert b"data:image/png" not in page.content and b"SHA-256" in page.content

    # The administrator uploads the frame again: its hash is taken from the upload, and the preview is back.
    upload = io.BytesIO(images.reference_jpeg())
    upload.name = "reference-again.jpg"
    form = {
        "counter": camera.counter_id,
        "name": camera.name,
        "is_active": "on",
        "reference_frame": upload,
        "staff_zone": json.dumps(camera.staff_zone),
        "citizen_zone": json.dumps(camera.citizen_zone),
        "work_start": "07:30",
        "work_end": "17:00",
        "break_start": "11:30",
        "break_end": "13:30",
    }
    assert admin_client.post(change, form).status_code == 302
    again = Camera.objects.get(pk=camera.pk)
    assert again.reference_frame.name != camera.reference_frame.name
    assert again.reference_sha256 == hashlib.sha256(images.reference_jpeg()).hexdigest()
    assert store.read(again.reference_frame.name) == images.reference_jpeg()
    assert b"data:image/png" in admin_client.get(change).content


def test_analysing_a_snapshot_twice_is_analysing_it_once(world, store):
    """A reclaimed task runs again what its dead worker may have finished: the second run changes nothing."""
    site = Site(world, "W01")
    jpeg = scene("queue", 0).jpeg
    site.send(jpeg, MONDAY_10AM)  # pending: no worker ran yet
    snapshot = Snapshot.objects.get()
    incoming = snapshot.file_name
    first = analyse_snapshot.call(snapshot.pk)
    analysed = Snapshot.objects.values().get(pk=snapshot.pk)
    files, audit = store.names(), list(AuditEntry.objects.values_list("pk", flat=True))
    assert analysed["status"] == "analysed" and first == ["queue_unstaffed"]
    assert incoming not in files and files.count(analysed["file_name"]) == 1

    again = analyse_snapshot.call(snapshot.pk)  # the same task, reclaimed and run again

    assert again == first
    assert Snapshot.objects.values().get(pk=snapshot.pk) == analysed  # the same result, analysed once
    assert Snapshot.objects.count() == 1
    assert store.names() == files  # nothing stored again, nothing deleted
    assert list(AuditEntry.objects.values_list("pk", flat=True)) == audit


def test_the_admin_draws_the_zones_on_the_reference_frame(world):
    import base64
    import re

    site = Site(world, "W01")
    world.admin.is_staff = world.admin.is_superuser = True
    world.admin.save()
    admin_client = Client()
    admin_client.force_login(world.admin)
    page = admin_client.get(f"/admin/inspections/camera/{site.camera.pk}/change/")
    assert page.status_code == 200
    found = re.search(rb'src="data:image/png;base64,([^"]+)"', page.content)
    assert found, "no zone preview"
    preview = images.decode(base64.b64decode(found.group(1)))
    assert preview.shape[1] == 640
    # The staff zone is tinted blue and the citizen zone orange on the empty counter.
    staff = preview[int(0.35 * preview.shape[0]), int(0.5 * preview.shape[1])].astype(int)
    citizen = preview[int(0.9 * preview.shape[0]), int(0.5 * preview.shape[1])].astype(int)
    reference = images.decode(images.reference_jpeg())
    plain = __import__("cv2").resize(reference, (640, preview.shape[0]))
    assert staff[0] - plain[int(0.35 * preview.shape[0]), 320, 0] > 20  # more blue (BGR)
    assert citizen[2] - plain[int(0.9 * preview.shape[0]), 320, 2] > 10  # more red, as orange is
    key_page = admin_client.post(
        "/admin/inspections/camera/",
        {"action": "issue_key", "_selected_action": [site.camera.pk]},
        follow=True,
    )
    assert b"cam_" in key_page.content and CameraKey.objects.filter(camera=site.camera).count() == 2


# --- privacy and retention ------------------------------------------------------------------------------------


# The blurring (inspections/cctv/privacy.py) looks for faces with these cascades; the check must not trust them.
BLURRING_CASCADES = {"haarcascade_frontalface_default.xml", "haarcascade_profileface.xml"}
CHECKING_CASCADES = (("haarcascade_frontalface_alt2.xml", 3), ("haarcascade_frontalface_alt.xml", 3))


def faces_in(jpeg: bytes, zone) -> list[tuple[int, int, int, int]]:
    """Faces other cascades than the blurring ones find, whose centre lies in ``zone`` (relative polygon)."""
    import cv2

    from inspections.cctv.zones import zone_mask

    grey = cv2.cvtColor(images.decode(jpeg), cv2.COLOR_BGR2GRAY)
    mask = zone_mask(zone, grey.shape[1], grey.shape[0])
    found = []
    for name, neighbours in CHECKING_CASCADES:
        detector = cv2.CascadeClassifier(cv2.data.haarcascades + name)
        for flipped in (False, True):
            image = np.ascontiguousarray(grey[:, ::-1]) if flipped else grey
            for x, y, w, h in detector.detectMultiScale(image, 1.05, neighbours, minSize=(24, 24)):
                x = grey.shape[1] - x - w if flipped else x
                if mask[y + h // 2, x + w // 2]:
                    found.append((int(x), int(y), int(w), int(h)))
    return found


def test_the_privacy_check_uses_other_cascades_than_the_blurring():
    """The blurring's own cascades cannot judge it: an image they miss a face in may still show one."""
    import inspect

    from inspections.cctv import privacy

    source = inspect.getsource(privacy)
    assert all(name in source for name in BLURRING_CASCADES)
    assert not any(name in source for name, _neighbours in CHECKING_CASCADES)


def face_scene() -> bytes:
    """Staff behind the counter and citizens in front, their faces where the checking cascades find them."""
    for index in range(40):
        candidate = scene("staffed_queue", index).jpeg
        if faces_in(candidate, images.CITIZEN_ZONE) and faces_in(candidate, images.STAFF_ZONE):
            return candidate
    raise AssertionError("no scene with faces on both sides")


@pytest.mark.parametrize("blur_staff", [False, True])
def test_citizens_faces_are_unrecognisable_in_the_stored_picture(
    world, immediate, media_storage, settings, blur_staff
):
    settings.CCTV_BLUR_STAFF_FACES = blur_staff
    site = Site(world, "W01")
    jpeg = face_scene()
    site.send(jpeg, MONDAY_10AM)
    snapshot = Snapshot.objects.get()
    assert snapshot.status == "analysed" and snapshot.faces_blurred >= 1
    stored = (media_storage / snapshot.file_name).read_bytes()
    # Found before in the citizen zone, by cascades the blurring did not use; found no more.
    assert faces_in(jpeg, images.CITIZEN_ZONE)
    assert faces_in(stored, images.CITIZEN_ZONE) == []
    # The staff zone stays clear for accountability, unless the setting says otherwise. (The checking cascades
    # also take the round mission patch on the astronaut's suit for a face: the staff's face is the largest.)
    staff_face = max(faces_in(jpeg, images.STAFF_ZONE), key=lambda box: box[2] * box[3])
    still_seen = [box for box in faces_in(stored, images.STAFF_ZONE) if overlap(box, staff_face) > 0.3]
    assert bool(still_seen) is not blur_staff
    # Both hashes are kept: what was received, and what is stored (checked when served).
    assert snapshot.received_sha256 == hashlib.sha256(jpeg).hexdigest()
    assert snapshot.sha256 == hashlib.sha256(stored).hexdigest() != snapshot.received_sha256
    # The original is gone from the private store once analysed.
    assert not list((media_storage / "snapshots" / "incoming").rglob("*.jpg"))
    assert not any(path.read_bytes() == jpeg for path in media_storage.rglob("*.jpg"))


def test_the_original_waits_in_the_private_store_and_is_never_served(world, store):
    site = Site(world, "W01")
    jpeg = scene("queue").jpeg
    site.send(jpeg, MONDAY_10AM)  # no worker ran: still pending
    snapshot = Snapshot.objects.get()
    assert snapshot.file_name.startswith("snapshots/incoming/")
    assert store.read(snapshot.file_name) == jpeg
    token = token_for(world.inspectors[0])
    served = Client().get(f"/api/cameras/snapshots/{snapshot.pk}/image", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert served.status_code == 409 and served.json()["errors"][0]["code"] == "NOT_READY"
    assert not AuditEntry.objects.filter(action="snapshot.view").exists()


def test_the_same_bytes_at_a_new_moment_keep_their_original_while_an_earlier_one_is_analysed(
    world, media_storage
):
    """A stalled recorder re-sends its file while the worker is analysing the first copy: the worker deletes the
    original it analysed, never the one the new moment waits with (each snapshot has its own)."""
    site = Site(world, "W01")
    jpeg = scene("queue").jpeg
    first, second = site.sequence([jpeg, jpeg])  # no worker ran: both pending
    assert first.status == second.status == "pending"
    assert first.file_name != second.file_name  # not one shared file the first analysis could take away
    run_analysis(first.pk)
    first.refresh_from_db()
    assert first.status == "analysed"
    assert (media_storage / second.file_name).read_bytes() == jpeg  # still there for its own analysis
    run_analysis(second.pk)
    second.refresh_from_db()
    assert second.status == "analysed", second.failure
    assert "frozen" in second.flags  # byte for byte the previous snapshot
    assert second.file_name == first.file_name  # the blurred pictures are one content-addressed file
    assert not list((media_storage / "snapshots" / "incoming").rglob("*.jpg"))


def test_every_view_of_a_snapshot_picture_is_in_the_audit_log(world, immediate, media_storage):
    site = Site(world, "W01")
    site.send(scene("covered").jpeg, MONDAY_10AM)
    snapshot = Snapshot.objects.get()
    inspector = world.inspectors[0]
    for _ in range(2):
        response = Client().get(
            f"/api/cameras/snapshots/{snapshot.pk}/image", HTTP_AUTHORIZATION=f"Bearer {token_for(inspector)}"
        )
        assert response.status_code == 200
    head, _staff = world.unit_people(site.unit)
    refused = Client().get(
        f"/api/cameras/snapshots/{snapshot.pk}/image", HTTP_AUTHORIZATION=f"Bearer {token_for(head)}"
    )
    assert refused.status_code == 404
    views = AuditEntry.objects.filter(action="snapshot.view")
    assert [(entry.actor, entry.object_id, entry.data["sha256"]) for entry in views] == [
        (inspector, str(snapshot.pk), snapshot.sha256)
    ] * 2


def test_the_purge_keeps_confirmed_snapshots_and_files_kept_snapshots_share(
    world, immediate, store, settings
):
    from inspections.services.snapshots import purge_snapshots
    from inspections.tasks import purge_snapshots as purge_task

    settings.CCTV_RETENTION_DAYS = 30
    site = Site(world, "W01")
    old = MONDAY_10AM - timedelta(days=45)
    confirmed_jpeg, shared_jpeg, alone_jpeg = (
        scene("covered").jpeg,
        scene("staffed").jpeg,
        scene("empty", 1).jpeg,
    )
    site.send(confirmed_jpeg, old)
    confirmed = Snapshot.objects.get(captured_at=old)
    result = gql(
        Client(), CONFIRM, {"id": gid("Snapshot", confirmed.pk)}, token=token_for(world.inspectors[0])
    )["data"]["confirmSnapshot"]
    assert result["errors"] == []
    site.send(shared_jpeg, old + timedelta(minutes=5))  # old, and the same bytes as a recent one
    site.send(alone_jpeg, old + timedelta(minutes=10))  # old, its file its own
    site.send(shared_jpeg, MONDAY_10AM)  # recent: kept
    by_moment = {s.captured_at: s for s in Snapshot.objects.all()}
    shared_old, alone, recent = (
        by_moment[old + timedelta(minutes=5)],
        by_moment[old + timedelta(minutes=10)],
        by_moment[MONDAY_10AM],
    )
    assert shared_old.file_name == recent.file_name
    with_now = purge_snapshots(now=MONDAY_10AM + timedelta(hours=1))
    assert (with_now.snapshots, with_now.files) == (2, 1)
    assert set(Snapshot.objects.values_list("pk", flat=True)) == {confirmed.pk, recent.pk}
    assert confirmed.file_name in store.names()  # evidence of a finding
    assert recent.file_name in store.names()  # shared with the purged one, used by a kept one
    assert alone.file_name not in store.names()
    served = Client().get(
        f"/api/cameras/snapshots/{recent.pk}/image",
        HTTP_AUTHORIZATION=f"Bearer {token_for(world.inspectors[0])}",
    )
    assert served.status_code == 200
    assert AuditEntry.objects.filter(action="snapshot.purge").get().data["snapshots"] == 2
    # The task does the same; run again, within the retention, it deletes nothing.
    settings.CCTV_RETENTION_DAYS = 100_000
    assert purge_task.call() == {"snapshots": 0, "files": 0, "originals": 0}
    assert Snapshot.objects.count() == 2


def test_the_purge_sweeps_originals_a_killed_process_left_and_no_other(world, media_storage, settings):
    """An original with citizens' faces unblurred is kept only until the analysis. A worker killed between
    storing the blurred picture and deleting the original, or a server killed between saving the bytes and
    committing the row, leaves one no snapshot names: the purge deletes it once it is older than an ingest can
    take, and leaves alone the originals still waiting for their analysis and a file an ingest may be saving."""
    import os

    from inspections.services.snapshots import INCOMING_GRACE, purge_snapshots

    settings.CCTV_RETENTION_DAYS = 100_000  # nothing is old enough for the retention purge
    site = Site(world, "W01")
    analysed_jpeg, waiting_jpeg = scene("staffed").jpeg, scene("queue").jpeg
    analysed, waiting = site.sequence([analysed_jpeg, waiting_jpeg])  # no worker ran: originals in incoming/
    left_by_worker = media_storage / analysed.file_name
    run_analysis(analysed.pk)
    analysed.refresh_from_db()
    assert analysed.status == "analysed" and not left_by_worker.exists()
    # The worker killed before its last step: the original is back where it was, named by no snapshot.
    left_by_worker.parent.mkdir(parents=True, exist_ok=True)
    left_by_worker.write_bytes(analysed_jpeg)
    left_by_server = media_storage / "snapshots" / "incoming" / "ab" / "ab-from-a-killed-request.jpg"
    being_saved = media_storage / "snapshots" / "incoming" / "cd" / "cd-an-ingest-under-way.jpg"
    for path in (left_by_server, being_saved):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(waiting_jpeg)
    now = timezone.now()
    old = (now - INCOMING_GRACE - timedelta(minutes=1)).timestamp()
    for path in (left_by_worker, left_by_server, media_storage / waiting.file_name):
        os.utime(path, (old, old))
    recent = (now - INCOMING_GRACE + timedelta(minutes=1)).timestamp()
    os.utime(being_saved, (recent, recent))

    purged = purge_snapshots(now=now)

    assert (purged.snapshots, purged.originals) == (0, 2)
    assert not left_by_worker.exists() and not left_by_server.exists()
    assert being_saved.exists()
    assert (media_storage / waiting.file_name).read_bytes() == waiting_jpeg  # still waiting for its analysis
    assert (media_storage / analysed.file_name).exists()  # the blurred picture
    assert purge_snapshots(now=now).originals == 0
    run_analysis(waiting.pk)
    waiting.refresh_from_db()
    assert waiting.status == "analysed", waiting.failure
