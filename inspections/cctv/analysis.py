"""Automatic analysis of one counter-camera snapshot (``ANALYSER_VERSION``): staffing, queue and tampering.

Pure: bytes and numbers in, an ``Analysis`` out; no models, no I/O. A worker prepares each camera's reference
once (``prepare_reference``), keeps the ``CameraProfile``, and passes the signatures of the camera's previous
snapshots (oldest first) so that a frozen picture can be recognised.

The pipeline runs cheapest first on a grey image decoded directly at reduced size (JPEG DCT scaling):

1. exposure: mean brightness and per-cell texture against the reference → dark, covered;
2. focus: per-cell Laplacian energy relative to the cell's contrast, against the reference's → blurred;
3. alignment: phase correlation with the reference; ORB feature matching only when that is inconclusive →
   displaced;
4. foreground against the reference (exposure compensated), per zone, and a thumbnail → frozen; the very same
   bytes as the previous snapshot (a stalled recorder re-sending its last file) are frozen whatever the scene;
5. a people detector (``inspections.cctv.detectors``, pluggable) only on a usable view, only in a zone with
   foreground, only around the foreground. Every person counted, behind the counter or in front of it, is one
   the detector found; foreground alone (a bag, a box, a chair) never makes staff or a queue.

A view that is dark, covered, blurred, frozen or displaced cannot vouch for staffing: those snapshots get the
tamper flag and no staffing or queue verdict.
"""

import base64
import hashlib
import io
import time
from collections.abc import Sequence
from dataclasses import dataclass, field

import cv2
import numpy as np
from django.conf import settings
from PIL import Image, UnidentifiedImageError

from inspections.cctv.detectors import Box, PersonDetector, overlap
from inspections.cctv.detectors import detector as named_detector
from inspections.cctv.zones import Polygon, check_zone, zone_mask

ANALYSER_VERSION = "cctv-opencv-3"  # change whenever a method or a threshold changes: stored with each result
TAMPER_FLAGS = ("dark", "covered", "blurred", "frozen", "displaced")

FINE_WIDTH = 640  # pixels: focus, feature matching and detectors
WORK_WIDTH = 320  # pixels: exposure, alignment, foreground
THUMBNAIL_SIZE = (64, 36)  # pixels (width, height) of the signature kept for the next snapshots
GRID = (8, 6)  # cells (columns, rows) for the per-cell exposure and focus statistics
TEXTURED_CELL = 0.04  # contrast/brightness under which a reference cell has no texture to lose
FOREGROUND_MIN_DIFF = 24  # grey levels: smallest difference from the reference that counts as foreground
PHASE_CONFIDENT = 0.12  # phase-correlation peak from which its shift is trusted without feature matching
MIN_INLIERS = 12  # feature matches agreeing on one motion for the view to be recognised at all
BUSY_ACTIVITY = 0.02  # foreground share of the zones from which a snapshot shows people at work
HEAD_SURROUND = (
    0.5  # foreground share beside a head (both sides) from which it is a picture of one, no person
)
PERSON_MOVED = 0.25  # foreground share of a found person's head and chest from which they are not the room
FLAT_FILL = (
    0.9  # share of its bounding box a blob fills from which it is a flat object (box, poster), no person
)


class UnreadableSnapshot(ValueError):
    """The bytes are not an image OpenCV can decode."""


@dataclass(frozen=True)
class Thresholds:
    """The tunable thresholds, read from the ``CCTV_*`` settings (see backend/settings.py for their units)."""

    dark_brightness: float
    covered_share: float
    blurred_sharpness: float
    frozen_max_change: float
    displaced_shift: float
    staff_min_foreground: float
    person_min_area: float
    queue_min_people: int
    detector: str = "haar+hog"

    @classmethod
    def from_settings(cls) -> "Thresholds":
        return cls(
            dark_brightness=float(settings.CCTV_DARK_BRIGHTNESS),
            covered_share=float(settings.CCTV_COVERED_SHARE),
            blurred_sharpness=float(settings.CCTV_BLURRED_SHARPNESS),
            frozen_max_change=float(settings.CCTV_FROZEN_MAX_CHANGE),
            displaced_shift=float(settings.CCTV_DISPLACED_SHIFT),
            staff_min_foreground=float(settings.CCTV_STAFF_MIN_FOREGROUND),
            person_min_area=float(settings.CCTV_PERSON_MIN_AREA),
            queue_min_people=int(settings.CCTV_QUEUE_MIN_PEOPLE),
            detector=str(getattr(settings, "CCTV_PERSON_DETECTOR", "haar+hog")),
        )


@dataclass(frozen=True)
class Verdict:
    value: bool
    confidence: float  # how sure the analyser is of ``value``: 0.5 is a guess, 1 is certain

    @classmethod
    def from_score(cls, score: float) -> "Verdict":
        """A score is the likelihood that the condition holds (0–1); one half decides."""
        score = min(1.0, max(0.0, score))
        return cls(score >= 0.5, round(max(score, 1.0 - score), 3))


UNKNOWN = Verdict(False, 0.5)


@dataclass(frozen=True)
class FrameSignature:
    """What the next snapshots of the camera need from this one (a few kilobytes, JSON-ready via as_dict)."""

    thumbnail: bytes  # THUMBNAIL_SIZE grey levels, row by row
    activity: float  # foreground share of the zones (0–1); 0 when the view was not usable
    digest: str = ""  # SHA-256 of the bytes analysed: the same file again is a stalled recorder

    def as_dict(self) -> dict:
        return {
            "thumbnail": base64.b64encode(self.thumbnail).decode("ascii"),
            "activity": self.activity,
            "digest": self.digest,
        }

    @classmethod
    def from_dict(cls, data: dict) -> "FrameSignature":
        return cls(base64.b64decode(data["thumbnail"]), float(data["activity"]), str(data.get("digest", "")))

    def pixels(self) -> np.ndarray | None:
        width, height = THUMBNAIL_SIZE
        if len(self.thumbnail) != width * height:
            return None  # from another analyser version: not comparable
        return np.frombuffer(self.thumbnail, np.uint8).reshape(height, width)


@dataclass(frozen=True, eq=False)
class Reference:
    """The empty scene, prepared once per camera (and cached by the worker): statistics at the analysis sizes."""

    fine_size: tuple[int, int]  # (width, height) every snapshot is brought to
    colour: np.ndarray  # BGR, WORK_WIDTH wide, smoothed as the foreground step smooths snapshots
    work_float: np.ndarray  # grey, WORK_WIDTH wide, float32 for phase correlation
    cell_mean: np.ndarray
    cell_texture: np.ndarray
    cell_sharpness: np.ndarray
    points: np.ndarray  # ORB keypoints at fine size, N×2 float32
    descriptors: np.ndarray | None

    @property
    def work_size(self) -> tuple[int, int]:
        return self.work_float.shape[1], self.work_float.shape[0]


@dataclass(frozen=True, eq=False)
class CameraProfile:
    """A counter camera as the analyser sees it: its zones (relative polygons) and its prepared reference."""

    staff_zone: Polygon
    citizen_zone: Polygon
    reference: Reference
    staff_mask: np.ndarray = field(init=False, repr=False)  # at work size
    citizen_mask: np.ndarray = field(init=False, repr=False)

    def __post_init__(self) -> None:
        width, height = self.reference.work_size
        object.__setattr__(self, "staff_mask", zone_mask(check_zone(self.staff_zone), width, height))
        object.__setattr__(self, "citizen_mask", zone_mask(check_zone(self.citizen_zone), width, height))


@dataclass(frozen=True)
class Analysis:
    staffed: Verdict | None  # None outside working hours or when the view is not usable
    people: int | None  # people in the citizen zone the detector confirmed; None when the view is not usable
    people_confidence: float
    queue_unstaffed: Verdict  # a queue at an unstaffed counter during working hours
    dark: Verdict
    covered: Verdict
    blurred: Verdict
    frozen: Verdict
    displaced: Verdict
    version: str
    elapsed_ms: float
    signature: FrameSignature
    measurements: dict[str, float]  # the numbers behind the verdicts, for the reviewer and for tuning
    detector: str = ""  # the people detector used

    @property
    def tamper(self) -> dict[str, Verdict]:
        return {name: getattr(self, name) for name in TAMPER_FLAGS}

    @property
    def flags(self) -> list[str]:
        """The raised flags: queue_unstaffed and the tamper flags."""
        names = ["queue_unstaffed", *TAMPER_FLAGS]
        return [name for name in names if getattr(self, name).value]


def _ramp(value: float, zero: float, one: float) -> float:
    """0 at ``zero``, 1 at ``one``, linear between (either direction)."""
    return float(min(1.0, max(0.0, (value - zero) / (one - zero))))


def _decode(jpeg: bytes, size: tuple[int, int] | None = None) -> np.ndarray:
    """The snapshot (BGR) decoded at the strongest DCT reduction still FINE_WIDTH wide, brought to ``size``.

    Colour costs little more than grey at this size, and tells apart clothes and floor of the same lightness."""
    try:
        with Image.open(io.BytesIO(jpeg)) as header:
            width, height = header.size
    except (UnidentifiedImageError, OSError, Image.DecompressionBombError) as error:
        raise UnreadableSnapshot("not an image within the limits") from error
    reduction = 1
    while reduction < 8 and width // (reduction * 2) >= FINE_WIDTH:
        reduction *= 2
    flag = {
        1: cv2.IMREAD_COLOR,
        2: cv2.IMREAD_REDUCED_COLOR_2,
        4: cv2.IMREAD_REDUCED_COLOR_4,
        8: cv2.IMREAD_REDUCED_COLOR_8,
    }[reduction]
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), flag)
    if image is None:
        raise UnreadableSnapshot("not an image OpenCV decodes")
    size = size or (FINE_WIDTH, max(1, round(FINE_WIDTH * height / width)))
    if (image.shape[1], image.shape[0]) != size:
        image = cv2.resize(image, size, interpolation=cv2.INTER_AREA)
    return image


def _views(jpeg: bytes, size: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Grey at fine size, colour and grey at work size."""
    image = _decode(jpeg, size)
    fine = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    work_size = (WORK_WIDTH, max(1, round(WORK_WIDTH * fine.shape[0] / fine.shape[1])))
    colour = cv2.resize(image, work_size, interpolation=cv2.INTER_AREA)
    return fine, colour, cv2.cvtColor(colour, cv2.COLOR_BGR2GRAY)


def _cells(image: np.ndarray) -> np.ndarray:
    return cv2.resize(image, GRID, interpolation=cv2.INTER_AREA)


def _texture(work: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per cell: mean grey level, and contrast relative to brightness (so that exposure does not change it)."""
    values = work.astype(np.float32)
    mean = _cells(values)
    spread = np.sqrt(np.maximum(_cells(values * values) - mean * mean, 0))
    return mean, spread / (mean + 16)


def _sharpness(fine: np.ndarray) -> np.ndarray:
    """Per cell: Laplacian energy over contrast. Focus lowers it, exposure does not change it."""
    values = fine.astype(np.float32)
    laplacian = cv2.Laplacian(values, cv2.CV_32F)
    mean = _cells(values)
    contrast = _cells(values * values) - mean * mean
    return _cells(laplacian * laplacian) / (contrast + 4)


def _orb() -> cv2.ORB:
    return cv2.ORB.create(nfeatures=400, fastThreshold=12)


def prepare_reference(jpeg: bytes) -> Reference:
    """Decode the camera's empty-scene frame and precompute what every analysis compares against."""
    fine, colour, work = _views(jpeg)
    cell_mean, cell_texture = _texture(work)
    keypoints, descriptors = _orb().detectAndCompute(fine, None)
    points = np.array([point.pt for point in keypoints], np.float32).reshape(-1, 2)
    return Reference(
        fine_size=(fine.shape[1], fine.shape[0]),
        colour=cv2.GaussianBlur(colour, (5, 5), 0),
        work_float=work.astype(np.float32),
        cell_mean=cell_mean,
        cell_texture=cell_texture,
        cell_sharpness=_sharpness(fine),
        points=points,
        descriptors=descriptors,
    )


def _people_in(
    fine: np.ndarray,
    boxes: list[tuple[int, int, int, int, int]],
    scale: float,
    detector: PersonDetector,
    zone: np.ndarray,
    foreground: np.ndarray,
) -> list[Box]:
    """The people the detector finds around the foreground blobs (boxes at work size), in frame coordinates at
    fine size, each once. A blob that fills its box (a box, a sheet) is a flat object and not asked about; a
    person found must stand in the zone (the middle of their box inside it), and their head must stand out
    against what is behind it: a face printed on a poster has the poster on both sides of it."""
    found: list[Box] = []
    height, width = zone.shape
    for x, y, w, h, area in boxes:
        if area >= FLAT_FILL * w * h:
            continue
        fx, fy, fw, fh = (round(value * scale) for value in (x, y, w, h))
        pad = max(24, fw // 2)
        x0, y0 = max(0, fx - pad), max(0, fy - pad)
        x1, y1 = min(fine.shape[1], fx + fw + pad), min(fine.shape[0], fy + fh + pad)
        for px, py, pw, ph in detector.find(np.ascontiguousarray(fine[y0:y1, x0:x1])):
            box = (x0 + px, y0 + py, pw, ph)
            cx = min(width - 1, int((box[0] + pw / 2) / scale))
            cy = min(height - 1, int((box[1] + min(ph, pw) / 2) / scale))
            if (
                zone[max(0, cy), max(0, cx)]
                and _moved(box, foreground, scale)
                and _head_stands_out(box, foreground, scale)
                and all(overlap(box, other) < 0.5 for other in found)
            ):
                found.append(box)
    return found


def _moved(box: Box, foreground: np.ndarray, scale: float) -> bool:
    """The person found is new to the scene: their head and chest (the middle of the box's upper part) are
    foreground. A face-like pattern of the room itself (a wheel hub, a sign) is in the reference too."""
    x, y, w, h = (value / scale for value in box)
    x0, x1 = (
        max(0, int(x + 0.25 * w)),
        min(foreground.shape[1], max(int(x + 0.25 * w) + 1, int(x + 0.75 * w))),
    )
    y0, y1 = (
        max(0, int(y + 0.05 * h)),
        min(foreground.shape[0], max(int(y + 0.05 * h) + 1, int(y + 0.45 * h))),
    )
    patch = foreground[y0:y1, x0:x1]
    return bool(patch.size) and cv2.countNonZero(patch) / patch.size >= PERSON_MOVED


def _head_stands_out(box: Box, foreground: np.ndarray, scale: float) -> bool:
    """Beside a person's head, at its height, is the room: not foreground on both sides at once."""
    x, y, w, h = (value / scale for value in box)
    top, bottom = int(y + 0.1 * h), max(int(y + 0.1 * h) + 1, int(y + 0.3 * h))
    strips = []
    for left, right in ((x - 0.05 * w, x + 0.15 * w), (x + 0.85 * w, x + 1.05 * w)):
        x0 = max(0, int(left))
        x1 = min(foreground.shape[1], max(x0 + 1, int(right)))
        patch = foreground[max(0, top) : min(foreground.shape[0], bottom), x0:x1]
        strips.append(cv2.countNonZero(patch) / patch.size if patch.size else 0.0)
    return min(strips) < HEAD_SURROUND


def _blobs(mask: np.ndarray, min_area: float) -> list[tuple[int, int, int, int, int]]:
    """Connected foreground regions of at least ``min_area`` pixels: (x, y, w, h, area), largest first."""
    count, _labels, stats, _centroids = cv2.connectedComponentsWithStats(mask, connectivity=8)
    found = [
        (int(stats[i, 0]), int(stats[i, 1]), int(stats[i, 2]), int(stats[i, 3]), int(stats[i, 4]))
        for i in range(1, count)
        if stats[i, cv2.CC_STAT_AREA] >= min_area
    ]
    return sorted(found, key=lambda blob: -blob[4])


def _people(blobs: list[tuple[int, int, int, int, int]], min_area: float) -> list[tuple[int, int, int, int]]:
    """Blobs stacked over one another (a head above shoulders in other colours) are one person: group blobs
    whose horizontal extents overlap by half the narrower, keep groups of at least ``min_area`` pixels."""
    groups: list[list[int]] = []  # x0, y0, x1, y1, area
    for x, y, w, h, area in sorted(blobs):
        for group in groups:
            overlap = min(x + w, group[2]) - max(x, group[0])
            if overlap >= 0.5 * min(w, group[2] - group[0]):
                group[:] = [
                    min(x, group[0]),
                    min(y, group[1]),
                    max(x + w, group[2]),
                    max(y + h, group[3]),
                    group[4] + area,
                ]
                break
        else:
            groups.append([x, y, x + w, y + h, area])
    return [(x0, y0, x1 - x0, y1 - y0) for x0, y0, x1, y1, area in groups if area >= min_area]


def _displacement(fine: np.ndarray, reference: Reference) -> tuple[float | None, int]:
    """ORB matches against the reference's keypoints, one similarity transform by RANSAC: the largest move of a
    frame corner as a share of the width, and the inlier count (None when the view is not recognised)."""
    keypoints, descriptors = _orb().detectAndCompute(fine, None)
    if descriptors is None or reference.descriptors is None or len(keypoints) < MIN_INLIERS:
        return None, 0
    pairs = cv2.BFMatcher(cv2.NORM_HAMMING).knnMatch(reference.descriptors, descriptors, k=2)
    good = [pair[0] for pair in pairs if len(pair) == 2 and pair[0].distance < 0.8 * pair[1].distance]
    if len(good) < MIN_INLIERS:
        return None, len(good)
    source = reference.points[[match.queryIdx for match in good]]
    target = np.array([keypoints[match.trainIdx].pt for match in good], np.float32)
    matrix, inliers = cv2.estimateAffinePartial2D(
        source, target, method=cv2.RANSAC, ransacReprojThreshold=3.0
    )
    count = int(inliers.sum()) if inliers is not None else 0
    if matrix is None or count < MIN_INLIERS:
        return None, count
    width, height = reference.fine_size
    corners = np.array([[0, 0], [width, 0], [0, height], [width, height]], np.float32)
    moved = corners @ matrix[:, :2].T + matrix[:, 2]
    return float(np.abs(moved - corners).max() / width), count


def analyse(
    frame_jpeg: bytes,
    camera: CameraProfile,
    previous: Sequence[FrameSignature],
    in_working_hours: bool,
    thresholds: Thresholds | None = None,
    detector: PersonDetector | None = None,
) -> Analysis:
    """Analyse one snapshot against the camera's reference and its previous snapshots' signatures (oldest first).

    Guarantees: staffing is judged only in working hours and only on a usable view; ``queue_unstaffed`` is raised
    only then; every tamper flag carries a confidence; the result carries this frame's signature for the next
    call; every person counted was found by ``detector`` (by default the ``CCTV_PERSON_DETECTOR`` one). Raises
    UnreadableSnapshot when the bytes do not decode.
    """
    started = time.perf_counter()
    limits = thresholds or Thresholds.from_settings()
    people_detector = detector or named_detector(limits.detector)
    digest = hashlib.sha256(frame_jpeg).hexdigest()
    reference = camera.reference
    fine, colour, work = _views(frame_jpeg, reference.fine_size)
    measured: dict[str, float] = {}

    # 1. Exposure. A dark view explains its lost texture, so "covered" is left to views with light.
    brightness = float(work.mean())
    cell_mean, cell_texture = _texture(work)
    textured = reference.cell_texture >= TEXTURED_CELL
    lost = (cell_texture < 0.3 * reference.cell_texture) & textured
    covered_share = float(lost.sum() / max(1, textured.sum()))
    measured.update(brightness=brightness, covered_share=covered_share)
    dark_score = _ramp(brightness, 1.5 * limits.dark_brightness, 0.5 * limits.dark_brightness)
    dark = Verdict.from_score(dark_score) if in_working_hours else Verdict.from_score(min(dark_score, 0.25))
    covered = (
        UNKNOWN
        if dark_score >= 0.5
        else Verdict.from_score(_ramp(covered_share, limits.covered_share - 0.2, limits.covered_share + 0.2))
    )
    visible = dark_score < 0.5 and not covered.value

    # 2. Focus, on the cells that had detail, median so that people in front of some cells do not matter.
    blurred = UNKNOWN
    if visible:
        ratios = _sharpness(fine)[textured] / reference.cell_sharpness[textured]
        sharpness = float(np.median(ratios)) if ratios.size else 1.0
        measured["sharpness"] = sharpness
        blurred = Verdict.from_score(
            _ramp(sharpness, 1.5 * limits.blurred_sharpness, 0.5 * limits.blurred_sharpness)
        )

    # 3. Alignment: phase correlation first; feature matching only when its peak is too weak to trust.
    displaced = UNKNOWN
    if visible and not blurred.value:
        (dx, dy), peak = cv2.phaseCorrelate(reference.work_float, work.astype(np.float32))
        measured.update(phase_peak=float(peak), phase_shift=float(np.hypot(dx, dy) / work.shape[1]))
        if peak >= PHASE_CONFIDENT:
            shift = measured["phase_shift"]
        else:
            moved, inliers = _displacement(fine, reference)
            measured["inliers"] = inliers
            shift = 1.0 if moved is None else moved  # a view nothing matches is somewhere else
            measured["feature_shift"] = shift
        displaced = Verdict.from_score(
            _ramp(shift, 0.5 * limits.displaced_shift, 1.5 * limits.displaced_shift)
        )
    usable = visible and not blurred.value and not displaced.value

    # 4. Foreground against the reference brought to this snapshot's exposure (and saturating where it does).
    foreground = None
    activity = 0.0
    if usable:
        gain = float(np.median(cell_mean / np.maximum(reference.cell_mean, 1)))
        expected = cv2.convertScaleAbs(reference.colour, alpha=gain)
        difference = cv2.absdiff(cv2.GaussianBlur(colour, (5, 5), 0), expected).max(axis=2)
        noise = float(np.median(difference))
        level = max(FOREGROUND_MIN_DIFF, 4 * noise)
        _, foreground = cv2.threshold(difference, level, 255, cv2.THRESH_BINARY)
        foreground = cv2.morphologyEx(foreground, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        zones = cv2.bitwise_or(camera.staff_mask, camera.citizen_mask)
        activity = cv2.countNonZero(cv2.bitwise_and(foreground, zones)) / max(1, cv2.countNonZero(zones))
        measured.update(gain=gain, foreground_level=level, activity=activity)

    # 5. Frozen: the same picture as the last snapshots of a camera that shows people at work.
    thumbnail = cv2.resize(work, THUMBNAIL_SIZE, interpolation=cv2.INTER_AREA)
    signature = FrameSignature(thumbnail.tobytes(), round(activity, 4), digest)
    # A stalled recorder re-sends its last file: byte for byte the same, which no live sensor's noise allows.
    resent = 0
    for earlier in reversed(previous):
        if not earlier.digest or earlier.digest != digest:
            break
        resent += 1
    measured["resent"] = resent
    repeats = 0
    for earlier in reversed(previous):
        pixels = earlier.pixels()
        if pixels is None:
            break
        change = float(np.percentile(cv2.absdiff(thumbnail, pixels), 98))
        if repeats == 0:
            measured["change"] = change
        if change > limits.frozen_max_change:
            break
        repeats += 1
    busy = activity >= BUSY_ACTIVITY and any(earlier.activity >= BUSY_ACTIVITY for earlier in previous)
    if resent:
        frozen = Verdict.from_score(1.0 - 0.2 * 0.5 ** (resent - 1))
    elif repeats == 0:
        frozen = Verdict.from_score(0.0)
    elif busy:
        frozen = Verdict.from_score(1.0 - 0.5 * 0.4**repeats)
    else:
        frozen = Verdict.from_score(0.3)  # a still, empty room looks the same from one snapshot to the next
    usable = usable and not frozen.value

    # 6. Staffing and queue, on a usable view only; the detector only where the foreground calls for it. Only
    # people the detector found count: foreground alone neither staffs a counter nor makes a queue.
    staffed: Verdict | None = None
    people: int | None = None
    people_confidence = 0.0
    queue_unstaffed = UNKNOWN
    if usable and foreground is not None:
        scale = fine.shape[1] / work.shape[1]
        staffed_zone = cv2.bitwise_and(foreground, camera.staff_mask)
        staff_unsure = False
        if in_working_hours:
            staff_area = cv2.countNonZero(camera.staff_mask)
            staffed, staff_unsure = _staffed(
                fine, staffed_zone, staff_area, scale, limits, measured, people_detector, camera.staff_mask
            )
        citizen_zone = cv2.bitwise_and(foreground, camera.citizen_mask)
        min_area = limits.person_min_area * cv2.countNonZero(camera.citizen_mask)
        blobs = _people(_blobs(citizen_zone, 0.2 * min_area), min_area)
        citizens: list[Box] = []
        if blobs:
            sized = [
                (x, y, w, h, cv2.countNonZero(citizen_zone[y : y + h, x : x + w])) for x, y, w, h in blobs
            ]
            citizens = _people_in(fine, sized, scale, people_detector, camera.citizen_mask, citizen_zone)
            measured["citizens_confirmed"] = len(citizens)
            measured["citizen_blobs"] = len(blobs)
        people = len(citizens)
        # No foreground: surely nobody. Foreground the detector found nobody in: probably nobody, less sure.
        people_confidence = 0.9 if not blobs else (0.9 if citizens else 0.7)
        queue = people >= limits.queue_min_people
        if in_working_hours and staffed is not None and not staffed.value and queue:
            # Something the detector found nobody in (a box, a chair, a coat) does not staff the counter, but
            # leaves the verdict less sure.
            confidence = min(staffed.confidence, people_confidence) - (0.1 if staff_unsure else 0.0)
            queue_unstaffed = Verdict(True, round(max(0.55, confidence), 3))
        elif in_working_hours and staffed is not None:
            queue_unstaffed = Verdict(
                False,
                round(
                    max(
                        staffed.confidence if staffed.value else 0.0,
                        people_confidence if not queue else 0.0,
                        0.5,
                    ),
                    3,
                ),
            )

    return Analysis(
        staffed=staffed,
        people=people,
        people_confidence=people_confidence,
        queue_unstaffed=queue_unstaffed,
        dark=dark,
        covered=covered,
        blurred=blurred,
        frozen=frozen,
        displaced=displaced,
        version=ANALYSER_VERSION,
        elapsed_ms=round((time.perf_counter() - started) * 1000, 2),
        signature=signature,
        measurements={name: round(value, 4) for name, value in measured.items()},
        detector=people_detector.name,
    )


def _staffed(
    fine: np.ndarray,
    staffed_zone: np.ndarray,
    staff_area: int,
    scale: float,
    limits: Thresholds,
    measured: dict[str, float],
    detector: PersonDetector,
    zone: np.ndarray,
) -> tuple[Verdict, bool]:
    """Someone in the staff zone: a person the detector finds around the foreground there. Returns the verdict,
    and whether the zone holds foreground nobody was found in (something there, maybe a person turned away: too
    unsure to call the counter unstaffed)."""
    share = cv2.countNonZero(staffed_zone) / max(1, staff_area)
    measured["staff_foreground"] = share
    if share < limits.staff_min_foreground:
        return Verdict.from_score(0.2 * share / limits.staff_min_foreground), False
    least = 0.5 * limits.staff_min_foreground * staff_area
    groups = _people(_blobs(staffed_zone, 0.1 * least), least)  # a head above shoulders is one blob
    if not groups:
        return Verdict.from_score(0.3), False
    sized = sorted(
        ((x, y, w, h, cv2.countNonZero(staffed_zone[y : y + h, x : x + w])) for x, y, w, h in groups),
        key=lambda blob: -blob[4],
    )[:2]
    found = _people_in(fine, sized, scale, detector, zone, staffed_zone)
    measured["staff_detector"] = len(found)
    if found:
        return Verdict.from_score(0.95), False
    return Verdict.from_score(0.3), True
