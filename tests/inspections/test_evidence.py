"""Evidence photos: real images in, typed refusals that store nothing, idempotent uploads, guarded serving."""

import hashlib
import io
import json
import uuid
from datetime import datetime, timedelta

import numpy as np
import pytest
from django.contrib.auth.models import Permission
from django.core.files.storage import default_storage
from django.test import Client
from django.utils import timezone
from PIL import Image

from inspections.models import AuditEntry, Evidence, Role, Visit
from inspections.services.field import check_in, record_finding
from tests import images
from tests.factories import NEAR, gql, make_user, token_for

UPLOAD_URL = "/api/evidence"
CAPTURED = datetime(2026, 3, 9, 8, 15, 30)
GPS = (10.7725, 106.6985)
UPLOAD_GQL = """mutation($id: UUID!, $finding: UUID!, $file: Upload!) {
  uploadEvidence(id: $id, findingId: $finding, file: $file) {
    evidence { uuid sha256 width height stored thumbnailUrl } created errors { field code message }
  }
}"""


def phone_photo(name="coffee", **exif) -> bytes:
    exif = exif or {"captured_at": CAPTURED, "offset": "+07:00", "gps": GPS}
    return images.jpeg(images.photo(name), images.exif(**exif))


def post_photo(token, data: bytes, *, evidence_id=None, finding_id=None, name="photo.jpg", client=None):
    upload = io.BytesIO(data)
    upload.name = name
    return (client or Client()).post(
        UPLOAD_URL,
        {
            "id": str(evidence_id or uuid.uuid4()),
            "findingId": str(finding_id or uuid.uuid4()),
            "file": upload,
        },
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )


def stored_files(media) -> list:
    return sorted(p.name for p in media.rglob("*") if p.is_file()) if media.exists() else []


def open_finding(field, *, evidence_ids=()):
    """Check in and record a finding on OSS-05 through the services, as the phone's first operations would."""
    visit = Visit.objects.get(pk=field.visit.pk)
    if visit.status == "planned":
        check_in(
            visit,
            actor=field.inspector,
            latitude=NEAR[0],
            longitude=NEAR[1],
            accuracy_m=10,
            device_time=timezone.now(),
        )
    return record_finding(
        visit,
        actor=field.inspector,
        client_id=uuid.uuid4(),
        criterion_code="OSS-05",
        text="Không niêm yết phí",
        evidence_ids=list(evidence_ids),
    )


# --- what is kept of a photo ----------------------------------------------------------------------------------


def test_a_phone_photo_is_kept_byte_for_byte_with_its_exif(field, store):
    finding = open_finding(field)
    data = phone_photo()
    response = post_photo(field.token, data, finding_id=finding.uuid)
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["created"] is True and body["evidence"]["sha256"] == hashlib.sha256(data).hexdigest()
    evidence = Evidence.objects.get(uuid=body["evidence"]["id"])
    assert evidence.finding == finding and evidence.content_type == "image/jpeg"
    assert (evidence.width, evidence.height) == (600, 400)  # skimage's coffee
    assert evidence.captured_at == timezone.make_aware(CAPTURED)  # +07:00 is Vietnam's time
    assert evidence.latitude == pytest.approx(GPS[0], abs=1e-6) and evidence.longitude == pytest.approx(
        GPS[1], abs=1e-6
    )
    with default_storage.open(evidence.file_name) as handle:
        assert handle.read() == data  # the original bytes, unchanged
    assert store.read(evidence.file_name) == data  # as the store holds them
    assert store.names() == sorted([evidence.file_name, evidence.thumbnail_name])
    assert AuditEntry.objects.filter(action="evidence.upload", object_id=str(evidence.uuid)).count() == 1


def test_a_sideways_photo_gets_an_upright_thumbnail(field):
    finding = open_finding(field)
    upright = images.photo("coffee")  # 600 × 400, landscape
    stored = images.sideways(upright, 6)  # what the phone writes: 400 × 600 with orientation 6
    data = images.jpeg(stored, images.exif(orientation=6))
    evidence_id = post_photo(field.token, data, finding_id=finding.uuid).json()["evidence"]["id"]
    response = Client().get(
        f"/api/evidence/{evidence_id}/thumbnail", HTTP_AUTHORIZATION=f"Bearer {field.token}"
    )
    assert response.status_code == 200 and response["Content-Type"] == "image/jpeg"
    thumbnail = Image.open(io.BytesIO(response.content)).convert("RGB")
    assert thumbnail.size == (480, 320)  # landscape again, longest side 480
    expected = np.asarray(upright.resize(thumbnail.size), dtype=float)
    wrong_way = np.asarray(
        stored.rotate(90, expand=True).resize(thumbnail.size), dtype=float
    )  # turned the wrong way
    got = np.asarray(thumbnail, dtype=float)
    assert np.abs(got - expected).mean() < 8 < np.abs(got - wrong_way).mean()
    original = Evidence.objects.get(uuid=evidence_id)
    assert (original.width, original.height) == (400, 600)  # the original stays as the phone stored it


@pytest.mark.parametrize(
    "encode, content_type",
    [(images.png, "image/png"), (images.webp, "image/webp"), (images.heic, "image/heic")],
)
def test_png_webp_and_heic_are_accepted(field, encode, content_type):
    finding = open_finding(field)
    data = encode(images.photo("astronaut"), images.exif(captured_at=CAPTURED, offset="+07:00"))
    response = post_photo(field.token, data, finding_id=finding.uuid, name="photo.bin")
    assert response.status_code == 201, response.content
    evidence = Evidence.objects.get(uuid=response.json()["evidence"]["id"])
    assert evidence.content_type == content_type and (evidence.width, evidence.height) == (512, 512)


# --- refusals ---------------------------------------------------------------------------------------------------

REFUSED = {
    "text file named .jpg": (images.text_file, "NOT_AN_IMAGE", 400),
    "truncated JPEG": (lambda: phone_photo()[: len(phone_photo()) // 2], "TRUNCATED_IMAGE", 400),
    "SVG": (images.svg, "UNSUPPORTED_FORMAT", 400),
    "GIF": (lambda: images.gif(images.photo()), "UNSUPPORTED_FORMAT", 400),
    "PNG declaring 100,000 × 100,000": (
        lambda: images.png_declaring(100_000, 100_000),
        "IMAGE_TOO_LARGE",
        400,
    ),
    "empty file": (lambda: b"", "EMPTY_FILE", 400),
}


@pytest.mark.parametrize("kind", REFUSED)
def test_what_is_not_an_acceptable_photo_is_refused_and_nothing_is_stored(field, media_storage, kind):
    finding = open_finding(field)
    make, code, status = REFUSED[kind]
    response = post_photo(field.token, make(), finding_id=finding.uuid)
    assert response.status_code == status
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [("file", code)]
    assert not Evidence.objects.exists() and stored_files(media_storage) == []
    assert not AuditEntry.objects.filter(action="evidence.upload").exists()


def test_a_file_over_the_size_limit_is_refused_before_it_is_decoded(field, settings, media_storage):
    finding = open_finding(field)
    data = phone_photo()
    settings.EVIDENCE_MAX_BYTES = len(data) - 1
    response = post_photo(field.token, data, finding_id=finding.uuid)
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "FILE_TOO_LARGE"
    settings.UPLOAD_MAX_REQUEST_BYTES = 1000  # the whole request is refused unread
    response = post_photo(field.token, data, finding_id=finding.uuid)
    assert response.status_code == 413 and response.json()["errors"][0]["code"] == "FILE_TOO_LARGE"
    assert not Evidence.objects.exists() and stored_files(media_storage) == []


def test_uploads_need_a_signed_in_inspector_of_the_visit(field):
    finding = open_finding(field)
    response = Client().post(UPLOAD_URL, {"id": str(uuid.uuid4()), "findingId": str(finding.uuid)})
    assert response.status_code == 401 and response.json()["errors"][0]["code"] == "UNAUTHENTICATED"
    head, _staff = field.world.unit_people(field.visit.unit)
    response = post_photo(token_for(head), phone_photo(), finding_id=finding.uuid)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "NOT_ASSIGNED"
    other = field.world.inspectors[1]  # an inspector not on this visit
    response = post_photo(token_for(other), phone_photo(), finding_id=finding.uuid)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "NOT_ASSIGNED"
    bad = Client().post(
        UPLOAD_URL,
        {"id": "not-a-uuid", "findingId": str(finding.uuid)},
        HTTP_AUTHORIZATION=f"Bearer {field.token}",
    )
    assert [(e["field"], e["code"]) for e in bad.json()["errors"]] == [("id", "INVALID")]
    assert not Evidence.objects.exists()


# --- idempotency and deduplication ---------------------------------------------------------------------------


def test_retries_and_the_same_file_twice_are_stored_once(field, store):
    finding = open_finding(field)
    data, evidence_id = phone_photo(), uuid.uuid4()
    first = post_photo(field.token, data, evidence_id=evidence_id, finding_id=finding.uuid)
    retry = post_photo(field.token, data, evidence_id=evidence_id, finding_id=finding.uuid)
    assert (first.status_code, retry.status_code) == (201, 200) and retry.json()["created"] is False
    assert retry.json()["evidence"] == first.json()["evidence"]
    # The same bytes under a new id (the phone lost track): the finding keeps one photo.
    again = post_photo(field.token, data, finding_id=finding.uuid)
    assert again.status_code == 200 and again.json()["evidence"]["id"] == str(evidence_id)
    assert Evidence.objects.count() == 1 and len(store.names()) == 2  # original and thumbnail
    # Other bytes under a used id are a conflict, and change nothing.
    clash = post_photo(
        field.token, phone_photo("astronaut"), evidence_id=evidence_id, finding_id=finding.uuid
    )
    assert clash.status_code == 400 and clash.json()["errors"][0]["code"] == "CONFLICT"
    assert Evidence.objects.get().sha256 == hashlib.sha256(data).hexdigest()
    assert AuditEntry.objects.filter(action="evidence.upload").count() == 1


def test_a_photo_may_arrive_before_or_after_its_finding(field):
    early_id, late_id, finding_uuid = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    visit = Visit.objects.get(pk=field.visit.pk)
    check_in(
        visit,
        actor=field.inspector,
        latitude=NEAR[0],
        longitude=NEAR[1],
        accuracy_m=10,
        device_time=timezone.now(),
    )
    # The photo first: kept under the finding's id, which does not exist yet.
    assert (
        post_photo(
            field.token, phone_photo("coffee"), evidence_id=early_id, finding_id=finding_uuid
        ).status_code
        == 201
    )
    assert Evidence.objects.get(uuid=early_id).finding is None
    finding = record_finding(
        visit,
        actor=field.inspector,
        client_id=finding_uuid,
        criterion_code="OSS-05",
        text="Không niêm yết phí",
        evidence_ids=[early_id, late_id],
    )
    assert Evidence.objects.get(uuid=early_id).finding == finding
    assert Evidence.objects.get(uuid=late_id).stored_at is None  # a slot the upload will fill
    # Submitted: the slot it named still takes its photo; a new photo does not.
    # (Submitted directly: answering every criterion is the field-work tests' business.)
    Visit.objects.filter(pk=visit.pk).update(status="submitted", submitted_at=timezone.now())
    late = post_photo(field.token, phone_photo("astronaut"), evidence_id=late_id, finding_id=finding_uuid)
    assert late.status_code == 201 and Evidence.objects.get(uuid=late_id).stored_at is not None
    extra = post_photo(field.token, images.jpeg(images.photo("coffee", (300, 200))), finding_id=finding_uuid)
    assert extra.status_code == 400 and extra.json()["errors"][0]["code"] == "VISIT_SUBMITTED"
    assert Evidence.objects.filter(finding=finding).count() == 2


# --- GraphQL multipart --------------------------------------------------------------------------------------------


def multipart(token, operations, mapping, files):
    data = {"operations": json.dumps(operations), "map": json.dumps(mapping)}
    for key, content in files.items():
        part = io.BytesIO(content)
        part.name = f"{key}.jpg"
        data[key] = part
    return Client().post("/graphql/", data, HTTP_AUTHORIZATION=f"Bearer {token}", HTTP_ACCEPT_LANGUAGE="en")


def test_graphql_multipart_upload(field):
    finding = open_finding(field)
    data, evidence_id = phone_photo(), str(uuid.uuid4())
    operations = {
        "query": UPLOAD_GQL,
        "variables": {"id": evidence_id, "finding": str(finding.uuid), "file": None},
    }
    response = multipart(field.token, operations, {"0": ["variables.file"]}, {"0": data})
    assert response.status_code == 200, response.content
    payload = response.json()["data"]["uploadEvidence"]
    assert payload["errors"] == [] and payload["created"] is True
    assert payload["evidence"]["sha256"] == hashlib.sha256(data).hexdigest() and payload["evidence"]["stored"]
    assert payload["evidence"]["thumbnailUrl"] == f"/api/evidence/{evidence_id}/thumbnail"
    retry = multipart(field.token, operations, {"0": ["variables.file"]}, {"0": data}).json()["data"][
        "uploadEvidence"
    ]
    assert retry["created"] is False and Evidence.objects.count() == 1
    # The same typed errors as the plain endpoint, and nothing stored.
    operations["variables"]["id"] = str(uuid.uuid4())
    refused = multipart(field.token, operations, {"0": ["variables.file"]}, {"0": images.svg()})
    assert refused.json()["data"]["uploadEvidence"]["errors"] == [
        {
            "field": "file",
            "code": "UNSUPPORTED_FORMAT",
            "message": "Photos must be JPEG, PNG, WebP or HEIC, not SVG.",
        }
    ]
    assert Evidence.objects.count() == 1


@pytest.mark.parametrize(
    "mapping, files, message",
    [
        ({"0": ["variables.file"]}, {}, "missing"),
        ({"0": ["variables.nowhere.file"]}, {"0": b"x"}, "does not exist"),
        ({"0": ["variables.id"]}, {"0": b"x"}, "must point at a null"),
        (["variables.file"], {"0": b"x"}, "'map' must be"),
    ],
)
def test_a_malformed_multipart_request_is_a_400(field, mapping, files, message):
    operations = {
        "query": UPLOAD_GQL,
        "variables": {"id": str(uuid.uuid4()), "finding": str(uuid.uuid4()), "file": None},
    }
    response = multipart(field.token, operations, mapping, files)
    assert response.status_code == 400 and message in response.json()["errors"][0]["message"]
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


# --- serving ------------------------------------------------------------------------------------------------------


def fetch(evidence_id, token=None, kind="original"):
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"} if token else {}
    return Client().get(f"/api/evidence/{evidence_id}/{kind}", **headers)


def test_photos_are_served_only_to_those_who_may_see_the_finding(field, store):
    people = field.world
    head, staff = people.unit_people(field.visit.unit)
    other_ward = next(u for code, u in people.units.items() if code.startswith("W") and u != field.visit.unit)
    other_head, _ = people.unit_people(other_ward)
    # Before check-in the unit cannot know of the surprise visit, so neither of its photos.
    data = phone_photo()
    evidence_id = uuid.uuid4()
    finding_uuid = uuid.uuid4()
    assert post_photo(field.token, data, evidence_id=evidence_id, finding_id=finding_uuid).status_code == 201
    assert fetch(evidence_id, token_for(head)).status_code == 404  # not linked yet: only its sender sees it
    assert fetch(evidence_id, field.token).content == data
    open_finding(field)  # checks in
    record_finding(
        Visit.objects.get(pk=field.visit.pk),
        actor=field.inspector,
        client_id=finding_uuid,
        criterion_code="OSS-06",
        text="Sổ theo dõi hồ sơ ghi thiếu",
        evidence_ids=[evidence_id],
    )
    for user in (field.inspector, head, staff, people.reviewer):
        response = fetch(evidence_id, token_for(user))
        assert response.status_code == 200 and response.content == data, user.username
        assert response["Content-Type"] == "image/jpeg" and response["X-Content-Type-Options"] == "nosniff"
        assert response["ETag"] == f'"{hashlib.sha256(data).hexdigest()}"'
    hidden = fetch(evidence_id, token_for(other_head))
    missing = fetch(uuid.uuid4(), token_for(other_head))
    assert hidden.status_code == missing.status_code == 404 and hidden.content == missing.content
    other_province_reviewer = make_user("noivu-khac", Role.HOME_AFFAIRS, None)
    assert fetch(evidence_id, token_for(other_province_reviewer)).status_code == 404
    assert fetch(evidence_id).status_code == 401
    cached = Client().get(
        f"/api/evidence/{evidence_id}/original",
        HTTP_AUTHORIZATION=f"Bearer {field.token}",
        HTTP_IF_NONE_MATCH=f'"{hashlib.sha256(data).hexdigest()}"',
    )
    assert cached.status_code == 304 and cached.content == b""
    assert Client().get("/media/" + Evidence.objects.get(uuid=evidence_id).file_name).status_code == 404


@pytest.mark.parametrize("kind", ["original", "thumbnail"])
def test_a_changed_file_on_disk_is_detected_and_not_served(field, store, kind):
    finding = open_finding(field)
    evidence_id = post_photo(field.token, phone_photo(), finding_id=finding.uuid).json()["evidence"]["id"]
    evidence = Evidence.objects.get(uuid=evidence_id)
    name = evidence.file_name if kind == "original" else evidence.thumbnail_name
    assert fetch(evidence_id, field.token, kind).status_code == 200
    tampered = bytearray(store.read(name))
    tampered[len(tampered) // 2] ^= 0xFF  # one flipped byte, the picture still decodes
    store.write(name, bytes(tampered))
    response = fetch(evidence_id, field.token, kind)
    assert response.status_code == 409 and response.json()["errors"][0]["code"] == "EVIDENCE_TAMPERED"
    assert bytes(tampered) not in response.content
    assert AuditEntry.objects.filter(action="evidence.tampered", object_id=evidence_id).count() == 1
    store.delete(name)  # gone altogether: the same answer
    assert fetch(evidence_id, field.token, kind).status_code == 409


def test_the_finding_lists_its_photos_with_their_urls(field):
    finding = open_finding(field)
    evidence_id = post_photo(field.token, phone_photo(), finding_id=finding.uuid).json()["evidence"]["id"]
    query = "{ findings(first: 5) { edges { node { evidence { uuid stored originalUrl thumbnailUrl } } } } }"
    edges = gql(Client(), query, token=field.token)["data"]["findings"]["edges"]
    assert edges[0]["node"]["evidence"] == [
        {
            "uuid": evidence_id,
            "stored": True,
            "originalUrl": f"/api/evidence/{evidence_id}/original",
            "thumbnailUrl": f"/api/evidence/{evidence_id}/thumbnail",
        }
    ]


# --- the admin reads the record, never changes it -------------------------------------------------------------


def test_administrators_read_the_audit_log_and_nobody_edits_it(field):
    finding = open_finding(field)
    post_photo(field.token, phone_photo(), finding_id=finding.uuid)
    administrator = field.world.admin
    administrator.is_staff = True
    administrator.save()
    client = Client()
    client.force_login(administrator)
    listing = client.get("/admin/inspections/auditentry/")
    assert listing.status_code == 200
    actions = {entry.action for entry in listing.context["cl"].queryset}
    assert {"visit.check_in", "finding.create", "evidence.upload"} <= actions
    entry = AuditEntry.objects.first()
    assert (
        client.post(f"/admin/inspections/auditentry/{entry.pk}/delete/", {"post": "yes"}).status_code == 403
    )
    assert AuditEntry.objects.filter(pk=entry.pk).exists()
    # Staff of a unit may hold the view permission for evidence, never the audit log of the province.
    head, _staff = field.world.unit_people(field.visit.unit)
    head.is_staff = True
    head.save()
    head.user_permissions.add(*Permission.objects.filter(codename__in=["view_auditentry", "view_evidence"]))
    client.force_login(head)
    assert client.get("/admin/inspections/auditentry/").status_code == 403
    evidence = client.get("/admin/inspections/evidence/")
    assert (
        evidence.status_code == 200 and evidence.context["cl"].queryset.count() == 1
    )  # checked in: theirs now
    other_head, _ = field.world.unit_people(
        next(u for c, u in field.world.units.items() if c.startswith("W") and u != field.visit.unit)
    )
    other_head.is_staff = True
    other_head.save()
    other_head.user_permissions.add(Permission.objects.get(codename="view_evidence"))
    client.force_login(other_head)
    assert client.get("/admin/inspections/evidence/").context["cl"].queryset.count() == 0


def test_a_truncated_photo_is_refused_even_after_a_pdf_was_rendered(field, media_storage, monkeypatch):
    """WeasyPrint, imported by the PDF report, makes Pillow accept truncated files process-wide."""
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)  # what `import weasyprint` does
    finding = open_finding(field)
    data = phone_photo()
    response = post_photo(field.token, data[: len(data) // 2], finding_id=finding.uuid)
    assert response.status_code == 400 and response.json()["errors"][0]["code"] == "TRUNCATED_IMAGE"
    assert not Evidence.objects.exists() and stored_files(media_storage) == []


# --- where the photo was taken (issue 13) ----------------------------------------------------------------------

HANOI = (21.0285, 105.8542)  # about 1,140 km from the unit's office in Hồ Chí Minh City
EVIDENCE_GQL = """query($visit: ID) { findings(visit: $visit) { edges { node {
  evidence { uuid farFromUnit distanceFromUnitM deviceLatitude deviceCapturedAt } } } } }"""


def post_with_position(token, data, finding_id, **fields):
    upload = io.BytesIO(data)
    upload.name = "photo.jpg"
    form = {"id": str(uuid.uuid4()), "findingId": str(finding_id), "file": upload}
    form.update({key: str(value) for key, value in fields.items()})
    return Client().post(UPLOAD_URL, form, HTTP_AUTHORIZATION=f"Bearer {token}")


def test_a_photo_whose_exif_gps_is_a_thousand_km_away_is_flagged_for_the_reviewer(field):
    finding = open_finding(field)
    far = post_with_position(
        field.token, phone_photo(captured_at=CAPTURED, offset="+07:00", gps=HANOI), finding.uuid
    )
    near = post_with_position(field.token, phone_photo("astronaut"), finding.uuid)
    assert far.status_code == near.status_code == 201
    assert (
        far.json()["evidence"]["farFromUnit"] is True
        and far.json()["evidence"]["distanceFromUnitM"] > 1_100_000
    )
    assert near.json()["evidence"]["farFromUnit"] is False
    nodes = gql(Client(), EVIDENCE_GQL, {}, token=field.token)["data"]["findings"]["edges"]
    flags = {e["uuid"]: e["farFromUnit"] for e in nodes[0]["node"]["evidence"]}
    assert flags == {far.json()["evidence"]["id"]: True, near.json()["evidence"]["id"]: False}


def test_the_phones_own_position_counts_when_the_browser_stripped_exif_gps(field, settings):
    finding = open_finding(field)
    stripped = images.jpeg(images.photo("coffee"))  # no EXIF at all, as Android's browser sends it
    taken = timezone.now() - timedelta(minutes=20)
    far = post_with_position(
        field.token,
        stripped,
        finding.uuid,
        latitude=HANOI[0],
        longitude=HANOI[1],
        accuracy=15,
        capturedAt=taken.isoformat(),
        sentAt=timezone.now().isoformat(),
    )
    assert far.status_code == 201, far.content
    body = far.json()["evidence"]
    assert body["farFromUnit"] is True and body["latitude"] is None and body["deviceLatitude"] == HANOI[0]
    evidence = Evidence.objects.get(uuid=body["id"])
    assert abs(evidence.device_captured_at - taken) < timedelta(seconds=5)
    near = post_with_position(
        field.token, images.jpeg(images.photo("astronaut")), finding.uuid, latitude=NEAR[0], longitude=NEAR[1]
    )
    assert near.json()["evidence"]["farFromUnit"] is False
    # The distance allowed is a setting: 2,000 km lets Hà Nội pass.
    settings.EVIDENCE_MAX_DISTANCE_FROM_UNIT_M = 2_000_000
    again = post_with_position(
        field.token,
        images.jpeg(images.photo("coffee", (320, 240))),
        finding.uuid,
        latitude=HANOI[0],
        longitude=HANOI[1],
    )
    assert again.json()["evidence"]["farFromUnit"] is False
    bad = post_with_position(field.token, stripped, finding.uuid, latitude=95, longitude=HANOI[1])
    assert bad.status_code == 400 and bad.json()["errors"][0]["code"] == "OUT_OF_RANGE"


def test_a_photo_sent_before_its_finding_is_flagged_when_the_finding_arrives(field):
    visit = Visit.objects.get(pk=field.visit.pk)
    check_in(
        visit,
        actor=field.inspector,
        latitude=NEAR[0],
        longitude=NEAR[1],
        accuracy_m=10,
        device_time=timezone.now(),
    )
    finding_uuid = uuid.uuid4()
    early = post_with_position(
        field.token, images.jpeg(images.photo("coffee")), finding_uuid, latitude=HANOI[0], longitude=HANOI[1]
    )
    assert early.json()["evidence"]["farFromUnit"] is None  # its unit is not known yet
    record_finding(
        visit,
        actor=field.inspector,
        client_id=finding_uuid,
        criterion_code="OSS-05",
        text="Không niêm yết phí",
    )
    assert Evidence.objects.get(uuid=early.json()["evidence"]["id"]).far_from_unit is True
