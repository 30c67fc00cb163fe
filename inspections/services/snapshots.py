"""Snapshots from counter cameras: API keys, ingest (checked, once per camera and moment, answered fast), the
analysis run by the task queue (``analyse_snapshot``, below) and the retention purge
(``inspections.tasks.purge_snapshots``).

Privacy (Decree 13/2023/NĐ-CP): the bytes received wait in a private store (``INCOMING``, never served) only
until the worker has analysed them; then the picture with citizens' faces blurred is stored and the original is
deleted. A snapshot is kept ``CCTV_RETENTION_DAYS`` after its capture unless it was confirmed into a finding."""

import hashlib
import hmac
import secrets
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta

import structlog
from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django_tasks import task

from inspections.cctv.analysis import (
    CameraProfile,
    FrameSignature,
    UnreadableSnapshot,
    analyse,
    prepare_reference,
)
from inspections.cctv.privacy import blur_faces
from inspections.error_codes import CctvErrorCode, fail
from inspections.models import AnalysisStatus, AuditAction, Camera, CameraKey, ReviewState, Snapshot
from inspections.services.audit import record
from inspections.services.calendar import is_working_day
from inspections.services.evidence import open_checked, read_verified_file, store_content

logger = structlog.get_logger(__name__)
KEY_PREFIX = "cam"
INCOMING = "snapshots/incoming"  # originals as received, one file per snapshot, until analysed: never served
# An original no snapshot names is left alone this long: the ingest that saved it may not have committed its row yet.
INCOMING_GRACE = timedelta(hours=1)


# --- API keys ---------------------------------------------------------------------------------------------


def hash_key(key: str) -> str:
    # A key carries 256 random bits, so a plain SHA-256 cannot be reversed by guessing.
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def issue_key(camera: Camera) -> str:
    """A new API key for the camera, returned once; only its hash is kept."""
    prefix = secrets.token_hex(6)
    key = f"{KEY_PREFIX}_{prefix}_{secrets.token_urlsafe(32)}"
    CameraKey.objects.create(camera=camera, prefix=prefix, key_hash=hash_key(key))
    logger.info("camera_key_issued", camera=camera.pk, prefix=prefix)
    return key


def revoke_keys(camera: Camera) -> int:
    return CameraKey.objects.filter(camera=camera, revoked_at=None).update(revoked_at=timezone.now())


def camera_for_key(key: str | None) -> Camera | None:
    """The active camera a key belongs to, or None (unknown, revoked, or malformed: all alike)."""
    parts = (key or "").split("_", 2)
    if len(parts) != 3 or parts[0] != KEY_PREFIX:
        return None
    found = (
        CameraKey.objects.select_related("camera__counter__unit")
        .filter(prefix=parts[1], revoked_at=None, camera__is_active=True)
        .first()
    )
    if found is None or not hmac.compare_digest(found.key_hash, hash_key(key or "")):
        return None
    CameraKey.objects.filter(pk=found.pk).update(last_used_at=timezone.now())
    return found.camera


# --- ingest ------------------------------------------------------------------------------------------------


def in_working_hours(camera: Camera, moment: datetime) -> bool:
    """Open on a Vietnamese working day, between opening and closing, outside the lunch break."""
    local = timezone.localtime(moment)
    if not is_working_day(local.date()):
        return False
    now = local.time()
    if not camera.work_start <= now < camera.work_end:
        return False
    return not (camera.break_start and camera.break_end and camera.break_start <= now < camera.break_end)


@dataclass(frozen=True)
class Ingested:
    snapshot: Snapshot
    created: bool


class MomentTaken(Exception):
    """Other bytes than those already kept for this camera and moment: a conflict to tell the camera of."""

    def __init__(self, kept: Snapshot):
        super().__init__("another snapshot is kept for this camera and moment")
        self.kept = kept


def _same_moment(camera: Camera, captured_at: datetime, received: str) -> Ingested | None:
    kept = Snapshot.objects.filter(camera=camera, captured_at=captured_at).first()
    if kept is None:
        return None
    if kept.received_sha256 != received:
        raise MomentTaken(kept)
    return Ingested(kept, created=False)


def ingest(
    camera: Camera, data: bytes, captured_at: datetime | None, *, now: datetime | None = None
) -> Ingested:
    """Keep one snapshot per camera and moment and queue its analysis. The same bytes at the same moment answer
    the snapshot already kept (a retry); other bytes at a used moment raise MomentTaken; the same bytes at a new
    moment are a new snapshot (the stored file is reused), which is how a frozen recorder shows itself. Nothing
    is stored for a refused file."""
    now = now or timezone.now()
    if captured_at is None:
        raise fail(CctvErrorCode.REQUIRED, _("Give the capture time."), "captured_at")
    if timezone.is_naive(captured_at):
        captured_at = timezone.make_aware(captured_at)
    if captured_at > now + timedelta(seconds=settings.CCTV_MAX_CLOCK_AHEAD_SECONDS):
        raise fail(CctvErrorCode.OUT_OF_RANGE, _("The capture time is in the future."), "captured_at")
    image = open_checked(data)  # the evidence checks: size, a real image fully decoded, pixel limit
    if image.format != "JPEG":
        raise fail(CctvErrorCode.UNSUPPORTED_FORMAT, _("Snapshots must be JPEG."), "file")
    received = hashlib.sha256(data).hexdigest()
    again = _same_moment(camera, captured_at, received)
    if again is not None:
        return again
    # The original is this snapshot's alone (a name no other snapshot has): the worker deletes it once analysed,
    # and may do so while the same bytes arrive again for a new moment, which must not lose theirs.
    file_name = default_storage.save(
        f"{INCOMING}/{received[:2]}/{received}-{secrets.token_hex(8)}.jpg", ContentFile(data)
    )
    try:
        with transaction.atomic():
            snapshot = Snapshot.objects.create(
                camera=camera,
                captured_at=captured_at,
                received_sha256=received,
                sha256=received,
                size=len(data),
                width=image.width,
                height=image.height,
                file_name=file_name,
                in_working_hours=in_working_hours(camera, captured_at),
            )
    except IntegrityError:  # the same moment sent twice at once: the other request kept it
        default_storage.delete(file_name)
        again = _same_moment(camera, captured_at, received)
        if again is None:
            raise
        return again
    except BaseException:
        default_storage.delete(file_name)
        raise
    transaction.on_commit(lambda: enqueue_analysis(snapshot.pk))
    return Ingested(snapshot, created=True)


def enqueue_analysis(snapshot_id: int) -> None:
    analyse_snapshot.enqueue(snapshot_id)


# Defined here, beside the work it runs, so that ingest can queue it without importing the tasks module (which
# imports the services): Django's Tasks API finds it by this module's path.
@task()
def analyse_snapshot(snapshot_id: int) -> list[str]:
    """Analyse one CCTV snapshot in the worker; returns the flags it raised."""
    snapshot = run_analysis(snapshot_id)
    return list(snapshot.flags) if snapshot is not None else []


# --- analysis (in the worker) ---------------------------------------------------------------------------------

_profiles: dict[tuple[int, str, str, str], CameraProfile] = {}
_profiles_lock = threading.Lock()


def camera_profile(camera: Camera) -> CameraProfile | None:
    """The camera's zones and prepared reference, cached per process until the camera's settings change."""
    name = camera.reference_frame.name if camera.reference_frame else None
    if not name:
        return None
    key = (camera.pk, name, camera.reference_sha256, repr((camera.staff_zone, camera.citizen_zone)))
    with _profiles_lock:
        profile = _profiles.get(key)
    if profile is None:
        # Checked like every stored file: a reference changed in storage fails the analysis (TamperedEvidence).
        reference = prepare_reference(read_verified_file(name, camera.reference_sha256))
        profile = CameraProfile(camera.staff_zone, camera.citizen_zone, reference)
        with _profiles_lock:
            for stale in [k for k in _profiles if k[0] == camera.pk]:
                del _profiles[stale]
            _profiles[key] = profile
    return profile


def most_serious(flags: list[str]) -> str:
    order = settings.CCTV_FLAG_ORDER
    return min(flags, key=order.index) if flags else ""


def run_analysis(snapshot_id: int) -> Snapshot | None:
    """Analyse one received snapshot against its camera's reference and its previous snapshots, then keep the
    picture with the citizen zone's faces blurred (the staff zone's too with CCTV_BLUR_STAFF_FACES) and delete
    the original. Idempotent: an analysed snapshot is left as it is; a run cut short is simply run again."""
    snapshot = Snapshot.objects.select_related("camera").filter(pk=snapshot_id).first()
    if snapshot is None or snapshot.status == AnalysisStatus.ANALYSED:
        return snapshot
    camera = snapshot.camera
    try:
        profile = camera_profile(camera)
        if profile is None:
            raise UnreadableSnapshot("the camera has no reference frame")
        previous = [
            FrameSignature.from_dict(signature or {})
            for signature in reversed(
                list(
                    Snapshot.objects.filter(
                        camera=camera,
                        captured_at__lt=snapshot.captured_at,
                        status=AnalysisStatus.ANALYSED,
                        signature__isnull=False,
                    )
                    .order_by("-captured_at")
                    .values_list("signature", flat=True)[: settings.CCTV_HISTORY]
                )
            )
        ]
        original = read_verified_file(snapshot.file_name, snapshot.sha256)
        result = analyse(original, profile, previous, snapshot.in_working_hours)
        zones = [camera.citizen_zone, *([camera.staff_zone] if settings.CCTV_BLUR_STAFF_FACES else [])]
        kept, faces = blur_faces(original, zones)
    except (UnreadableSnapshot, OSError) as error:
        logger.warning("snapshot_analysis_failed", snapshot=snapshot.pk, camera=camera.pk, error=str(error))
        Snapshot.objects.filter(pk=snapshot.pk).exclude(status=AnalysisStatus.ANALYSED).update(
            status=AnalysisStatus.FAILED, failure=str(error)[:255], analysed_at=timezone.now()
        )
        snapshot.refresh_from_db()
        return snapshot
    stored_sha256 = hashlib.sha256(kept).hexdigest()
    stored_name = store_content(f"snapshots/{stored_sha256[:2]}/{stored_sha256}.jpg", kept)
    incoming = snapshot.file_name
    flags = result.flags
    verdicts = {
        name: {"value": verdict.value, "confidence": verdict.confidence}
        for name, verdict in {**result.tamper, "queue_unstaffed": result.queue_unstaffed}.items()
    }
    updated = Snapshot.objects.filter(
        pk=snapshot.pk, status__in=[AnalysisStatus.PENDING, AnalysisStatus.FAILED]
    ).update(
        status=AnalysisStatus.ANALYSED,
        failure="",
        analysed_at=timezone.now(),
        analyser_version=result.version,
        analysis_ms=result.elapsed_ms,
        staffed=None if result.staffed is None else result.staffed.value,
        staffed_confidence=None if result.staffed is None else result.staffed.confidence,
        people=result.people,
        flags=flags,
        verdicts=verdicts,
        measurements=result.measurements,
        signature=result.signature.as_dict(),
        primary_flag=most_serious(flags),
        review_state=ReviewState.OPEN if flags else ReviewState.NONE,
        file_name=stored_name,
        sha256=stored_sha256,
        faces_blurred=faces,
    )
    if updated and incoming.startswith(f"{INCOMING}/"):
        # The original belongs to this snapshot alone (see ingest): no other snapshot can be waiting for it.
        default_storage.delete(incoming)
    snapshot.refresh_from_db()
    logger.info(
        "snapshot_analysed", snapshot=snapshot.pk, camera=camera.pk, flags=flags, ms=result.elapsed_ms
    )
    return snapshot


# --- retention --------------------------------------------------------------------------------------------------


def delete_unused(names) -> int:
    """Delete the stored files no snapshot names any more (a file is shared by every snapshot of the same bytes,
    and evidence has files of its own); returns how many went."""
    names = set(names)
    used = set(Snapshot.objects.filter(file_name__in=names).values_list("file_name", flat=True))
    deleted = 0
    for name in sorted(names - used):
        if default_storage.exists(name):
            default_storage.delete(name)
            deleted += 1
    return deleted


def sweep_incoming(now: datetime) -> int:
    """Delete the originals no snapshot names, older than INCOMING_GRACE; returns how many went. They are left by
    a process killed at the wrong moment: a worker between storing the blurred picture and deleting the original
    (the snapshot, analysed, is never analysed again), or a server between saving the bytes and committing the
    row. Each holds citizens' faces unblurred, which the privacy rule keeps only until the analysis."""
    try:
        folders, _files = default_storage.listdir(INCOMING)
    except FileNotFoundError:  # nothing was ever received
        return 0
    names = [
        f"{INCOMING}/{folder}/{name}"
        for folder in folders
        for name in default_storage.listdir(f"{INCOMING}/{folder}")[1]
    ]
    named = set(Snapshot.objects.filter(file_name__in=names).values_list("file_name", flat=True))
    deleted = 0
    for name in names:
        if name not in named and default_storage.get_modified_time(name) < now - INCOMING_GRACE:
            default_storage.delete(name)
            deleted += 1
    if deleted:
        logger.warning("snapshot_originals_swept", files=deleted)
    return deleted


@dataclass(frozen=True)
class Purged:
    snapshots: int
    files: int
    originals: int  # originals left behind by a killed process (sweep_incoming)


def purge_snapshots(*, now: datetime | None = None) -> Purged:
    """Delete the snapshots captured more than CCTV_RETENTION_DAYS ago, except those confirmed into a finding,
    then the files no kept snapshot uses, and the originals no snapshot names (``sweep_incoming``). Safe to run
    twice; one audit entry per run that deleted any snapshot."""
    now = now or timezone.now()
    originals = sweep_incoming(now)
    cutoff = now - timedelta(days=settings.CCTV_RETENTION_DAYS)
    expired = Snapshot.objects.filter(captured_at__lt=cutoff, finding__isnull=True).exclude(
        review_state=ReviewState.CONFIRMED
    )
    with transaction.atomic():
        rows = list(expired.select_for_update().values_list("pk", "file_name"))
        if not rows:
            return Purged(0, 0, originals)
        Snapshot.objects.filter(pk__in=[pk for pk, _name in rows]).delete()
        record(
            None,
            None,
            AuditAction.SNAPSHOT_PURGE,
            Snapshot(pk=rows[0][0]),
            {"snapshots": len(rows), "captured_before": cutoff.isoformat()},
        )
    files = delete_unused(name for _pk, name in rows)
    logger.info("snapshots_purged", snapshots=len(rows), files=files, captured_before=cutoff.isoformat())
    return Purged(len(rows), files, originals)


def record_view(snapshot: Snapshot, *, viewer) -> None:
    """Write to the audit log that ``viewer`` saw the snapshot's picture (every view, not only the first)."""
    record(viewer, None, AuditAction.SNAPSHOT_VIEW, snapshot, {"sha256": snapshot.sha256})
