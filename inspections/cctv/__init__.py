"""CCTV snapshots of one-stop-shop counters: the automatic analysis (staffing, queue, tampering)."""

from inspections.cctv.analysis import (
    ANALYSER_VERSION,
    TAMPER_FLAGS,
    Analysis,
    CameraProfile,
    FrameSignature,
    Reference,
    Thresholds,
    UnreadableSnapshot,
    Verdict,
    analyse,
    prepare_reference,
)
from inspections.cctv.detectors import DETECTORS, PersonDetector, detector
from inspections.cctv.zones import ZoneError, check_zone, zone_mask

__all__ = [
    "ANALYSER_VERSION",
    "TAMPER_FLAGS",
    "Analysis",
    "CameraProfile",
    "FrameSignature",
    "Reference",
    "Thresholds",
    "UnreadableSnapshot",
    "Verdict",
    "ZoneError",
    "analyse",
    "DETECTORS",
    "PersonDetector",
    "detector",
    "check_zone",
    "prepare_reference",
    "zone_mask",
]
