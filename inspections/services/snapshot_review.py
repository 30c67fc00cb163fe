"""The inspectors' review of flagged snapshots: a short queue, confirm into a finding, dismiss with a reason,
and each unit's camera health.

Only the authority side reviews (inspectors, Home Affairs, administrators). The inspected unit never sees the
queue, who reviewed what or when: nothing here can tell it that a (surprise) visit is coming (rule 1). A
finding confirmed from snapshots belongs to no visit; the unit sees it as any finding, to fix it.
"""

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Case, Count, IntegerField, Max, Min, Q, QuerySet, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from inspections.error_codes import CctvErrorCode, fail
from inspections.models import (
    AnalysisStatus,
    AuditAction,
    Camera,
    Criterion,
    Evidence,
    Finding,
    FindingSource,
    OrgUnit,
    ReviewState,
    Role,
    Severity,
    Snapshot,
    User,
)
from inspections.services import board_events, remediation
from inspections.services.audit import record
from inspections.services.evidence import inspect_photo, keep_photo, read_verified_file
from inspections.services.field import deadline_for, default_template
from inspections.services.visibility import is_administrator, visible_units

REVIEWERS = (Role.INSPECTOR, Role.HOME_AFFAIRS, Role.ADMINISTRATOR)


def is_reviewer(user: User) -> bool:
    return getattr(user, "is_authenticated", False) and (is_administrator(user) or user.role in REVIEWERS)


def reviewable_snapshots(user: User) -> QuerySet[Snapshot]:
    """Snapshots of cameras at units the user may see; none at all for the inspected side."""
    if not is_reviewer(user):
        return Snapshot.objects.none()
    return Snapshot.objects.filter(camera__counter__unit__in=visible_units(user).values("pk"))


def _rank():
    order = settings.CCTV_FLAG_ORDER
    return Case(
        *[When(primary_flag=flag, then=Value(i)) for i, flag in enumerate(order)],
        default=Value(len(order)),
        output_field=IntegerField(),
    )


@dataclass(frozen=True)
class QueueItem:
    """Open snapshots of one camera with the same most serious flag: fifty frozen frames are one item."""

    camera: Camera
    flag: str
    count: int
    first_at: datetime
    last_at: datetime
    snapshot: Snapshot  # the latest of the group: the one to look at, and to confirm or dismiss the group by


def review_queue(user: User, *, unit: OrgUnit | None = None, limit: int = 50) -> list[QueueItem]:
    """Most serious first (the flag order of CCTV_FLAG_ORDER), then the most recent. Two queries."""
    open_snapshots = reviewable_snapshots(user).filter(review_state=ReviewState.OPEN)
    if unit is not None:
        open_snapshots = open_snapshots.filter(camera__counter__unit=unit)
    groups = list(
        open_snapshots.values("camera_id", "primary_flag")
        .annotate(
            count=Count("pk"),
            first_at=Min("captured_at"),
            last_at=Max("captured_at"),
            latest=Max("pk"),
            rank=_rank(),
        )
        .order_by("rank", "-last_at", "camera_id")[:limit]
    )
    latest = Snapshot.objects.select_related("camera__counter__unit").in_bulk([g["latest"] for g in groups])
    return [
        QueueItem(
            latest[g["latest"]].camera,
            g["primary_flag"],
            g["count"],
            g["first_at"],
            g["last_at"],
            latest[g["latest"]],
        )
        for g in groups
    ]


def _group(snapshot: Snapshot) -> QuerySet[Snapshot]:
    """The open snapshots the queue shows as one item with ``snapshot``, up to it."""
    return Snapshot.objects.filter(
        camera_id=snapshot.camera_id,
        primary_flag=snapshot.primary_flag,
        review_state=ReviewState.OPEN,
        captured_at__lte=snapshot.captured_at,
    )


def _locked(actor: User, snapshot: Snapshot) -> Snapshot:
    """The snapshot's row as it is now, locked until the review's transaction ends; still within what the actor
    may review (NOT_FOUND otherwise, as for the GraphQL lookup)."""
    locked = (
        reviewable_snapshots(actor)
        .select_for_update(of=("self",))
        .select_related("camera__counter__unit")
        .filter(pk=snapshot.pk)
        .first()
    )
    if locked is None:
        raise fail(CctvErrorCode.NOT_FOUND, _("Not found."), "id")
    return locked


@dataclass(frozen=True)
class Confirmed:
    finding: Finding
    snapshots: int  # how many snapshots the finding covers
    created: bool  # False when the group was already confirmed (a repeated request)


@transaction.atomic
def confirm(
    snapshot: Snapshot,
    *,
    actor: User,
    criterion_code: str | None = None,
    severity: str | None = None,
    note: str = "",
    device=None,
) -> Confirmed:
    """Turn a flagged snapshot (and the open snapshots grouped with it) into one finding on the unit, with the
    snapshot as its evidence. Confirming again answers the same finding."""
    snapshot = _locked(actor, snapshot)
    if snapshot.review_state == ReviewState.CONFIRMED and snapshot.finding is not None:
        return Confirmed(snapshot.finding, Snapshot.objects.filter(finding=snapshot.finding).count(), False)
    if snapshot.review_state != ReviewState.OPEN:
        raise fail(
            CctvErrorCode.ALREADY_REVIEWED if snapshot.review_state else CctvErrorCode.NOTHING_TO_REVIEW,
            _("This snapshot was already reviewed.")
            if snapshot.review_state
            else _("This snapshot raised no flag."),
            "id",
        )
    flag = snapshot.primary_flag
    severity = severity or settings.CCTV_FLAG_SEVERITY[flag]
    if severity not in Severity.values:
        raise fail(CctvErrorCode.INVALID, _("Severity is minor, major or critical."), "severity")
    template = default_template()
    code = criterion_code or settings.CCTV_FLAG_CRITERIA[flag]
    criterion = Criterion.objects.filter(template=template, code=code).first() if template else None
    if criterion is None:
        raise fail(
            CctvErrorCode.UNKNOWN_CRITERION, _("No such criterion in the checklist."), "criterion_code"
        )
    group = list(_group(snapshot).order_by("captured_at"))
    unit = snapshot.camera.counter.unit
    finding = Finding.objects.create(
        uuid=uuid.uuid4(),
        visit=None,
        source=FindingSource.CCTV,
        unit=unit,
        criterion=criterion,
        severity=severity,
        text=_("%(flag)s at %(camera)s: %(count)d snapshot(s) from %(first)s to %(last)s.")
        % {
            "flag": flag_label(flag),
            "camera": snapshot.camera.name,
            "count": len(group),
            "first": timezone.localtime(group[0].captured_at).strftime("%d/%m/%Y %H:%M"),
            "last": timezone.localtime(group[-1].captured_at).strftime("%d/%m/%Y %H:%M"),
        }
        + (f"\n{note.strip()}" if note.strip() else ""),
        captured_at=snapshot.captured_at,
        deadline=deadline_for(severity, timezone.now()),
        created_by=actor,
    )
    photo = inspect_photo(read_verified_file(snapshot.file_name, snapshot.sha256))
    evidence = Evidence(uuid=uuid.uuid4(), uploaded_by=actor)
    keep_photo(photo, evidence, finding.uuid, finding)
    remediation.open_for([finding])
    board_events.unit_changed(unit)
    now = timezone.now()
    Snapshot.objects.filter(pk__in=[s.pk for s in group]).update(
        review_state=ReviewState.CONFIRMED, reviewed_by=actor, reviewed_at=now, finding=finding
    )
    record(
        actor,
        device,
        AuditAction.SNAPSHOT_CONFIRM,
        finding,
        {"snapshot": snapshot.pk, "flag": flag, "snapshots": len(group)},
    )
    return Confirmed(finding, len(group), True)


@transaction.atomic
def dismiss(snapshot: Snapshot, *, actor: User, reason: str, device=None) -> int:
    """Dismiss a flagged snapshot and its group, saying why (a false alarm, maintenance announced, ...).
    Returns how many snapshots were dismissed; dismissing again changes nothing."""
    if not (reason or "").strip():
        raise fail(CctvErrorCode.REQUIRED, _("Say why the flag is dismissed."), "reason")
    snapshot = _locked(actor, snapshot)
    if snapshot.review_state == ReviewState.DISMISSED:
        return 0
    if snapshot.review_state != ReviewState.OPEN:
        raise fail(
            CctvErrorCode.ALREADY_REVIEWED if snapshot.review_state else CctvErrorCode.NOTHING_TO_REVIEW,
            _("This snapshot was already reviewed.")
            if snapshot.review_state
            else _("This snapshot raised no flag."),
            "id",
        )
    count = _group(snapshot).update(
        review_state=ReviewState.DISMISSED,
        reviewed_by=actor,
        reviewed_at=timezone.now(),
        dismiss_reason=reason.strip(),
    )
    record(
        actor,
        device,
        AuditAction.SNAPSHOT_DISMISS,
        snapshot,
        {"flag": snapshot.primary_flag, "snapshots": count, "reason": reason.strip()},
    )
    return count


def flag_label(flag: str) -> str:
    return {
        "queue_unstaffed": _("Citizens waiting at an unstaffed counter"),
        "dark": _("Camera dark"),
        "covered": _("Camera covered"),
        "blurred": _("Camera out of focus"),
        "frozen": _("Camera picture frozen"),
        "displaced": _("Camera moved"),
    }.get(flag, flag)


@dataclass(frozen=True)
class CameraHealth:
    camera: Camera
    last_snapshot_at: datetime | None
    snapshots: int  # over CCTV_HEALTH_DAYS
    tampered: int  # of which with a tamper flag
    failed: int  # of which could not be analysed

    @property
    def tamper_share(self) -> float:
        analysed = self.snapshots - self.failed
        return round(self.tampered / analysed, 3) if analysed else 0.0


def camera_health(user: User, unit: OrgUnit, *, now: datetime | None = None) -> list[CameraHealth]:
    """Per camera of the unit: the last snapshot, and over the last CCTV_HEALTH_DAYS the share of tamper flags.
    One query. Empty for whoever may not review the unit."""
    if not is_reviewer(user) or not visible_units(user).filter(pk=unit.pk).exists():
        return []
    since = (now or timezone.now()) - timedelta(days=settings.CCTV_HEALTH_DAYS)
    recent = Q(snapshots__captured_at__gte=since)
    tamper = Q(snapshots__primary_flag__in=[f for f in settings.CCTV_FLAG_ORDER if f != "queue_unstaffed"])
    cameras = (
        Camera.objects.filter(counter__unit=unit)
        .select_related("counter")
        .annotate(
            last=Max("snapshots__captured_at"),
            total=Count("snapshots", filter=recent),
            tampered=Count("snapshots", filter=recent & tamper),
            failed=Count("snapshots", filter=recent & Q(snapshots__status=AnalysisStatus.FAILED)),
        )
        .order_by("counter__name")
    )
    return [
        CameraHealth(camera, camera.last, camera.total, camera.tampered, camera.failed) for camera in cameras
    ]
