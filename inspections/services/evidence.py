"""Evidence photos: checked before anything is stored, kept byte for byte, served only after a hash check.

``inspect_photo(data)`` refuses what is not a photo with a typed error (``FieldErrorCode``) and, for a photo,
returns what the server keeps of it: SHA-256, format, size, EXIF capture time and GPS, and an upright thumbnail.
``store_photo(...)`` files it under its finding (or the finding's slot, when the finding has not arrived yet),
idempotently by the phone's UUID. ``read_verified(evidence, kind)`` gives the stored bytes back only when they
still hash to what was recorded at upload (DESIGN.md rule 3).

Files are content-addressed (``evidence/ab/<sha256>.jpg``), so the same bytes are written to storage once.
"""

import hashlib
import io
import math
import uuid as uuid_lib
from dataclasses import dataclass
from datetime import datetime, timedelta
from datetime import timezone as dt_timezone

import pillow_heif
import structlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import ExifTags, Image, ImageFile, ImageOps, UnidentifiedImageError

from inspections.error_codes import FieldErrorCode, fail
from inspections.models import AuditAction, Evidence, Finding, Role, User, VisitStatus
from inspections.services.audit import record
from inspections.services.field import (
    check_assigned,
    check_coordinates,
    check_moment,
    clock_offset,
    foreign,
    on_server_clock,
    place_photo,
)

pillow_heif.register_heif_opener()
# Pillow's bomb guard is process-wide: set once, here, never per request. Past it Pillow warns, past twice it
# raises; the pixel count is checked from the header below first, and both the warning (when a filter turns it
# into an error) and the error are answered IMAGE_TOO_LARGE. A per-request ``warnings.catch_warnings()`` would
# change every thread's filters (it is not thread-safe) and turn another upload's warning into a 500.
Image.MAX_IMAGE_PIXELS = settings.EVIDENCE_MAX_PIXELS
logger = structlog.get_logger(__name__)

# Pillow format name → (content type, file extension). Nothing else is opened: no SVG, GIF, TIFF, BMP...
FORMATS = {
    "JPEG": ("image/jpeg", "jpg"),
    "PNG": ("image/png", "png"),
    "WEBP": ("image/webp", "webp"),
    "HEIF": ("image/heic", "heic"),
}
ORIGINAL, THUMBNAIL = "original", "thumbnail"


class TamperedEvidence(OSError):
    """The stored bytes no longer match the SHA-256 recorded at upload (or are gone)."""


@dataclass(frozen=True)
class Photo:
    data: bytes
    sha256: str
    format: str
    width: int
    height: int
    captured_at: datetime | None
    latitude: float | None
    longitude: float | None
    thumbnail: bytes

    @property
    def content_type(self) -> str:
        return FORMATS[self.format][0]

    @property
    def extension(self) -> str:
        return FORMATS[self.format][1]


def _open(data: bytes) -> Image.Image:
    if b"<svg" in data[:2048].lower():
        raise fail(
            FieldErrorCode.UNSUPPORTED_FORMAT,
            _("Photos must be JPEG, PNG, WebP or HEIC, not %(format)s.") % {"format": "SVG"},
            "file",
        )
    try:
        return Image.open(io.BytesIO(data), formats=tuple(FORMATS))
    except UnidentifiedImageError:
        try:  # an image, but of a kind we do not take (SVG is not even that: Pillow cannot read it)
            other = Image.open(io.BytesIO(data))
        except (UnidentifiedImageError, OSError, ValueError):
            other = None
        if other is not None:
            raise fail(
                FieldErrorCode.UNSUPPORTED_FORMAT,
                _("Photos must be JPEG, PNG, WebP or HEIC, not %(format)s.") % {"format": other.format},
                "file",
            ) from None
        raise fail(FieldErrorCode.NOT_AN_IMAGE, _("The file is not an image."), "file") from None
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (OSError, ValueError, SyntaxError):
        raise fail(FieldErrorCode.NOT_AN_IMAGE, _("The file is not an image."), "file") from None


def too_many_pixels():
    return fail(
        FieldErrorCode.IMAGE_TOO_LARGE,
        _("The photo has more than %(limit)s pixels.") % {"limit": f"{settings.EVIDENCE_MAX_PIXELS:,}"},
        "file",
    )


def too_many_bytes():
    return fail(
        FieldErrorCode.FILE_TOO_LARGE,
        _("The file is larger than %(limit)s bytes.") % {"limit": f"{settings.EVIDENCE_MAX_BYTES:,}"},
        "file",
    )


def check_bytes(data: bytes) -> None:
    if not data:
        raise fail(FieldErrorCode.EMPTY_FILE, _("The file is empty."), "file")
    if len(data) > settings.EVIDENCE_MAX_BYTES:
        raise too_many_bytes()


def read_upload(file) -> bytes:
    """The bytes of an uploaded file (Django ``UploadedFile``), refused unread when it is over the limit."""
    if (file.size or 0) > settings.EVIDENCE_MAX_BYTES:
        raise too_many_bytes()
    return file.read()


def open_checked(data: bytes) -> Image.Image:
    """The image, fully decoded, once the size, the format and the pixel count are within the limits."""
    check_bytes(data)
    image = _open(data)
    width, height = image.size
    if width * height > settings.EVIDENCE_MAX_PIXELS:  # from the header, before a single pixel is decoded
        raise too_many_pixels()
    # Pillow's tolerance of truncated files is one process-wide flag, and libraries turn it on when imported
    # (WeasyPrint does, for the PDF reports): a photo is only ever accepted whole, so it is turned off here.
    ImageFile.LOAD_TRUNCATED_IMAGES = False
    try:
        image.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise too_many_pixels() from None
    except (OSError, ValueError, SyntaxError, EOFError) as exc:
        if "truncated" in str(exc).lower() or isinstance(exc, EOFError):
            raise fail(
                FieldErrorCode.TRUNCATED_IMAGE, _("The photo is incomplete: its end is missing."), "file"
            ) from None
        raise fail(FieldErrorCode.NOT_AN_IMAGE, _("The file is not a readable image."), "file") from None
    return image


def _rational(value) -> float:
    return float(value[0]) / float(value[1]) if isinstance(value, tuple) else float(value)


def _coordinate(dms, ref, negative: str, limit: float) -> float | None:
    try:
        degrees, minutes, seconds = (_rational(part) for part in dms)
        value = degrees + minutes / 60 + seconds / 3600
    except (TypeError, ValueError, ZeroDivisionError):
        return None
    if isinstance(ref, bytes):
        ref = ref.decode("ascii", "replace")
    value = -value if str(ref or "").strip().upper() == negative else value
    return round(value, 7) if abs(value) <= limit else None


def read_exif(image: Image.Image) -> tuple[datetime | None, float | None, float | None]:
    """Capture time (DateTimeOriginal with OffsetTimeOriginal; without an offset, local time in Vietnam)
    and GPS position. Values that cannot be read are left out, never guessed."""
    exif = image.getexif()
    details = exif.get_ifd(ExifTags.IFD.Exif)
    captured_at = None
    stamp = details.get(ExifTags.Base.DateTimeOriginal) or exif.get(ExifTags.Base.DateTime)
    if isinstance(stamp, str):
        try:
            captured_at = datetime.strptime(stamp.strip("\x00 "), "%Y:%m:%d %H:%M:%S")
        except ValueError:
            captured_at = None
    if captured_at is not None:
        offset = str(details.get(ExifTags.Base.OffsetTimeOriginal) or "").strip("\x00 ")
        try:
            sign = -1 if offset.startswith("-") else 1
            hours, minutes = offset.lstrip("+-").split(":")
            tz = dt_timezone(sign * timedelta(hours=int(hours), minutes=int(minutes)))
            captured_at = captured_at.replace(tzinfo=tz)
        except ValueError:
            captured_at = timezone.make_aware(captured_at)
    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    latitude = longitude = None
    if gps.get(ExifTags.GPS.GPSLatitude) and gps.get(ExifTags.GPS.GPSLongitude):
        latitude = _coordinate(gps[ExifTags.GPS.GPSLatitude], gps.get(ExifTags.GPS.GPSLatitudeRef), "S", 90)
        longitude = _coordinate(
            gps[ExifTags.GPS.GPSLongitude], gps.get(ExifTags.GPS.GPSLongitudeRef), "W", 180
        )
        if latitude is None or longitude is None:
            latitude = longitude = None
    return captured_at, latitude, longitude


def make_thumbnail(data: bytes) -> bytes:
    """An upright JPEG no larger than EVIDENCE_THUMBNAIL_SIZE. A JPEG is decoded at reduced size (DCT
    scaling), so the thumbnail costs a fraction of a full decode."""
    size = settings.EVIDENCE_THUMBNAIL_SIZE
    image = Image.open(io.BytesIO(data))
    if image.format == "JPEG":
        image.draft("RGB", (size, size))
    upright = ImageOps.exif_transpose(image)
    upright.thumbnail((size, size), Image.Resampling.LANCZOS)
    out = io.BytesIO()
    upright.convert("RGB").save(out, "JPEG", quality=settings.EVIDENCE_THUMBNAIL_QUALITY, optimize=True)
    return out.getvalue()


def inspect_photo(data: bytes) -> Photo:
    """Everything the server keeps of a photo, or a typed error when it is not one we accept."""
    image = open_checked(data)
    captured_at, latitude, longitude = read_exif(image)
    return Photo(
        data=data,
        sha256=hashlib.sha256(data).hexdigest(),
        format=image.format or "",
        width=image.width,
        height=image.height,
        captured_at=captured_at,
        latitude=latitude,
        longitude=longitude,
        thumbnail=make_thumbnail(data),
    )


def store_content(name: str, data: bytes) -> str:
    """Write content-addressed bytes once; the name already holding the same bytes is reused."""
    if default_storage.exists(name):
        return name
    return default_storage.save(name, ContentFile(data))


def store_files(photo: Photo) -> tuple[str, str]:
    prefix = f"evidence/{photo.sha256[:2]}/{photo.sha256}"
    return store_content(f"{prefix}.{photo.extension}", photo.data), store_content(
        f"{prefix}.thumb.jpg", photo.thumbnail
    )


def keep_photo(
    photo: Photo, evidence: Evidence, finding_uuid: uuid_lib.UUID | None, finding: Finding | None
) -> Evidence:
    """Store the photo's files and fill ``evidence`` (a new row, or a slot) with what was learnt of it."""
    evidence.file_name, evidence.thumbnail_name = store_files(photo)
    evidence.finding_uuid, evidence.finding = finding_uuid, finding
    evidence.stored_at = timezone.now()
    evidence.sha256, evidence.size, evidence.content_type = photo.sha256, len(photo.data), photo.content_type
    evidence.width, evidence.height = photo.width, photo.height
    evidence.thumbnail_sha256 = hashlib.sha256(photo.thumbnail).hexdigest()
    evidence.captured_at = photo.captured_at
    evidence.latitude, evidence.longitude = photo.latitude, photo.longitude
    evidence.save()
    return evidence


@dataclass(frozen=True)
class Upload:
    evidence: Evidence
    created: bool  # False when this was a replay, or the same bytes were already on the finding


@dataclass(frozen=True)
class PhonePosition:
    """Where and when the phone says a photo was taken (the Geolocation API at the capture; browsers strip
    EXIF GPS), and the phone's clock when it sent the photo (to correct the capture time by its offset)."""

    latitude: float | None = None
    longitude: float | None = None
    accuracy_m: float | None = None
    captured_at: datetime | None = None
    sent_at: datetime | None = None


def check_position(position: PhonePosition, *, now: datetime) -> PhonePosition:
    """The position checked (coordinates in range, both or neither; an accuracy of 0 to CHECK_IN_MAX_ACCURACY_M
    metres) and its capture time on the server's clock."""
    check_coordinates(position.latitude, position.longitude, required=False)
    accuracy = position.accuracy_m
    if accuracy is not None and not (
        math.isfinite(accuracy) and 0 <= accuracy <= settings.CHECK_IN_MAX_ACCURACY_M
    ):
        raise fail(FieldErrorCode.OUT_OF_RANGE, _("The GPS accuracy is out of range."), "accuracy")
    captured_at = position.captured_at
    if captured_at is not None:
        captured_at = check_moment(captured_at, "captured_at", now=now)
        offset = clock_offset(position.sent_at, now=now, default=now)
        captured_at = on_server_clock(captured_at, offset, now=now)
    return PhonePosition(position.latitude, position.longitude, accuracy, captured_at)


def store_photo(
    *,
    actor: User,
    evidence_id: uuid_lib.UUID,
    finding_id: uuid_lib.UUID,
    data: bytes,
    position: PhonePosition | None = None,
    device=None,
) -> Upload:
    """Keep a photo for a finding (which may not have reached the server yet). Idempotent by ``evidence_id``:
    the same photo again answers what the first upload made; other bytes under the same id are a CONFLICT.
    The same bytes already on the finding under another id are that evidence: nothing is stored twice.
    ``position`` is the phone's own account of where and when it was taken; the photo's distance from its
    unit (by EXIF GPS and that position) is flagged for the reviewer when too far (``place_photo``)."""
    if not getattr(actor, "is_authenticated", False):
        raise fail(FieldErrorCode.UNAUTHENTICATED, _("Sign in first."))
    if actor.role != Role.INSPECTOR:
        raise fail(FieldErrorCode.NOT_ASSIGNED, _("Only the visit's inspectors add photos."))
    position = check_position(position or PhonePosition(), now=timezone.now())
    photo = inspect_photo(data)  # before any write
    with transaction.atomic():
        finding = Finding.objects.select_related("visit", "unit").filter(uuid=finding_id).first()
        if finding is not None:
            check_assigned(finding.visit, actor)
        existing = Evidence.objects.select_for_update().filter(uuid=evidence_id).first()
        if (
            existing is not None
            and existing.uploaded_by_id != actor.pk
            and foreign(existing, finding, finding_id, actor)
        ):
            # Someone else's photo, which naming in a finding left alone (``link_slots``): its id is taken,
            # as any colliding id is, and nothing of it is told (not even that its bytes are the same).
            raise fail(FieldErrorCode.CONFLICT, _("Another photo was already uploaded under this id."), "id")
        if existing is not None:
            if existing.finding_uuid not in (None, finding_id) or (
                existing.finding_id is not None and existing.finding_id != getattr(finding, "pk", None)
            ):
                raise fail(FieldErrorCode.CONFLICT, _("This photo belongs to another finding."), "finding_id")
            if existing.stored_at is not None:
                if existing.sha256 != photo.sha256:
                    raise fail(
                        FieldErrorCode.CONFLICT, _("Another photo was already uploaded under this id."), "id"
                    )
                return Upload(existing, created=False)
        is_slot = existing is not None and (finding is None or existing.finding_id == finding.pk)
        visit = finding.visit if finding is not None else None
        if visit is not None and not is_slot and visit.status in (VisitStatus.SUBMITTED, VisitStatus.CLOSED):
            raise fail(
                FieldErrorCode.VISIT_SUBMITTED,
                _("The visit is submitted: it takes no new photos, only those its findings named."),
            )
        if not is_slot:
            same = (
                Evidence.objects.filter(finding_uuid=finding_id, sha256=photo.sha256)
                .exclude(stored_at=None)
                .first()
            )
            if same is not None:
                return Upload(same, created=False)
        evidence = existing or Evidence(uuid=evidence_id, uploaded_by=actor)
        evidence.device_latitude, evidence.device_longitude = position.latitude, position.longitude
        evidence.device_accuracy_m, evidence.device_captured_at = position.accuracy_m, position.captured_at
        evidence = keep_photo(photo, evidence, finding_id, finding)
        if finding is not None and place_photo(evidence, finding.unit):
            evidence.save(update_fields=["distance_from_unit_m", "far_from_unit"])
        record(
            actor,
            device,
            AuditAction.EVIDENCE_UPLOAD,
            evidence,
            {"finding": str(finding_id), "sha256": photo.sha256, "size": evidence.size},
        )
    logger.info("evidence_stored", evidence=str(evidence_id), finding=str(finding_id), size=evidence.size)
    return Upload(evidence, created=True)


def store_answer_photo(*, actor: User, evidence_id: uuid_lib.UUID, data: bytes, device=None) -> Upload:
    """A photo of the fix, from the inspected unit (head or staff), before it goes with an answer
    (``answerFinding(evidenceIds)``). The same checks as a finding's photo; idempotent by its id."""
    if not getattr(actor, "is_authenticated", False):
        raise fail(FieldErrorCode.UNAUTHENTICATED, _("Sign in first."))
    if actor.role not in (Role.UNIT_HEAD, Role.UNIT_STAFF):
        raise fail(FieldErrorCode.NOT_ASSIGNED, _("Photos of a fix come from the inspected unit."))
    photo = inspect_photo(data)
    with transaction.atomic():
        existing = Evidence.objects.select_for_update().filter(uuid=evidence_id).first()
        if existing is not None:
            if existing.uploaded_by_id != actor.pk or existing.sha256 != photo.sha256:
                raise fail(
                    FieldErrorCode.CONFLICT, _("Another photo was already uploaded under this id."), "id"
                )
            return Upload(existing, created=False)
        evidence = keep_photo(photo, Evidence(uuid=evidence_id, uploaded_by=actor), None, None)
        record(
            actor,
            device,
            AuditAction.EVIDENCE_UPLOAD,
            evidence,
            {"for": "remediation", "sha256": photo.sha256},
        )
    return Upload(evidence, created=True)


def read_verified_file(name: str, sha256: str | None = None) -> bytes:
    """A stored file's bytes; with ``sha256``, only when they still hash to it (else TamperedEvidence)."""
    try:
        with default_storage.open(name, "rb") as handle:
            data = handle.read()
    except OSError as exc:
        logger.error("stored_file_missing", file=name)
        raise TamperedEvidence(str(exc)) from exc
    if sha256 is not None and hashlib.sha256(data).hexdigest() != sha256:
        logger.error("stored_file_tampered", file=name)
        raise TamperedEvidence(name)
    return data


def read_verified(evidence: Evidence, kind: str = ORIGINAL) -> bytes:
    """The stored bytes, after checking they still hash to what was recorded at upload."""
    name, expected = (
        (evidence.file_name, evidence.sha256)
        if kind == ORIGINAL
        else (evidence.thumbnail_name, evidence.thumbnail_sha256)
    )
    try:
        return read_verified_file(name, expected)
    except TamperedEvidence:
        logger.error("evidence_tampered", evidence=str(evidence.uuid), kind=kind, file=name)
        raise
