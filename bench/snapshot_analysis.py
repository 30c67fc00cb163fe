"""snapshot_analysis: analysing one 1280×720 counter-camera JPEG (tamper checks, staffing, queue), median time on
one core, then the analyser's precision and recall per flag on a labelled set.

floor: one full OpenCV decode (IMREAD_COLOR) of the same JPEGs, the least any analysis of the picture must do.
Goal: ratio ≤ 8, with the people detector (CCTV_PERSON_DETECTOR) in the pipeline; ``snapshot_analysis_hard`` is
the same on the harder set, where things and overlapping people make the detector run more. The scenes are
tests/images.py; the signatures of each scene's earlier snapshots are prepared beforehand and not timed.
Accuracy lines: value is the ratio, no floor; ``snapshot_precision_<flag>`` and ``snapshot_recall_<flag>`` are
on the harder set (hidden and overlapping people, seated staff, things that are not people), once per detector
(``..._<detector>`` for the ones not configured). Goal ≥ 0.9.
"""

import statistics
import time

import cv2
import numpy as np
from django.conf import settings

from bench.common import percentile_ms, result
from inspections.cctv import (
    DETECTORS,
    TAMPER_FLAGS,
    CameraProfile,
    FrameSignature,
    analyse,
    detector,
    prepare_reference,
)
from tests import images

TIMED_PER_CLASS = 4  # scenes of every class in the timed mix
ROUNDS = 5  # times each of them is analysed
LABELLED_PER_CLASS = 12
HARD_PER_KIND = 20
FLAGS = (*TAMPER_FLAGS, "queue_unstaffed")


def signatures(camera: CameraProfile, scene: images.Scene, people=None) -> list[FrameSignature]:
    kept: list[FrameSignature] = []
    for jpeg in scene.previous:
        kept.append(analyse(jpeg, camera, kept, scene.in_working_hours, detector=people).signature)
    return kept


def timing(camera: CameraProfile, scenes) -> tuple[list[float], list[float]]:
    """Per-snapshot samples (ms) of the analysis and of the bare decode, on one thread."""
    prepared = [(scene, signatures(camera, scene)) for scene in scenes]
    threads = cv2.getNumThreads()
    cv2.setNumThreads(1)
    try:
        for scene, previous in prepared:  # warm-up: cascades and HOG loaded, caches filled
            analyse(scene.jpeg, camera, previous, scene.in_working_hours)
        analysis, decode = [], []
        for _ in range(ROUNDS):
            for scene, previous in prepared:
                buffer = np.frombuffer(scene.jpeg, np.uint8)
                started = time.perf_counter()
                cv2.imdecode(buffer, cv2.IMREAD_COLOR)
                decode.append((time.perf_counter() - started) * 1000)
                started = time.perf_counter()
                analyse(scene.jpeg, camera, previous, scene.in_working_hours)
                analysis.append((time.perf_counter() - started) * 1000)
    finally:
        cv2.setNumThreads(threads)
    return analysis, decode


def accuracy(camera: CameraProfile, scenes, people=None):
    """Per flag: (precision, recall, expected, raised); and the share of right staffing verdicts."""
    raised: dict[str, set[str]] = {flag: set() for flag in FLAGS}
    staffed_right = judged = 0
    for scene in scenes:
        found = analyse(
            scene.jpeg, camera, signatures(camera, scene, people), scene.in_working_hours, detector=people
        )
        for flag in found.flags:
            raised[flag].add(scene.name)
        if scene.staffed is not None:
            judged += 1
            staffed_right += found.staffed is not None and found.staffed.value is scene.staffed
    per_flag = {}
    for flag in FLAGS:
        expected = {scene.name for scene in scenes if flag in scene.flags}
        hits = len(expected & raised[flag])
        per_flag[flag] = (
            hits / len(raised[flag]) if raised[flag] else 0.0,
            hits / len(expected) if expected else 0.0,
            len(expected),
            len(raised[flag]),
        )
    return per_flag, staffed_right / max(1, judged), judged


def configured_detector() -> str:
    return str(settings.CCTV_PERSON_DETECTOR)


def run():
    camera = CameraProfile(images.STAFF_ZONE, images.CITIZEN_ZONE, prepare_reference(images.reference_jpeg()))
    labelled = images.build_scenes(per_class=LABELLED_PER_CLASS)
    mix = [scene for scene in labelled if int(scene.name.rsplit("-", 1)[1]) < TIMED_PER_CLASS]
    assert all(
        cv2.imdecode(np.frombuffer(scene.jpeg, np.uint8), cv2.IMREAD_COLOR).shape[:2] == (720, 1280)
        for scene in mix
    )

    analysis, decode = timing(camera, mix)
    value = statistics.median(analysis)
    yield result(
        "snapshot_analysis",
        value,
        "ms",
        statistics.median(decode),
        p95_ms=round(percentile_ms(analysis, 95), 3),
        snapshots_per_second_per_core=round(1000 / value, 1),
        snapshots=len(mix),
        samples=len(analysis),
        detector=configured_detector(),
    )

    # The same on the harder scenes: more foreground (things, overlapping people), so the detector runs more.
    hard = images.build_hard_scenes(per_kind=HARD_PER_KIND)
    hard_mix = [scene for scene in hard if int(scene.name.rsplit("-", 1)[1]) < TIMED_PER_CLASS]
    analysis, decode = timing(camera, hard_mix)
    value = statistics.median(analysis)
    yield result(
        "snapshot_analysis_hard",
        value,
        "ms",
        statistics.median(decode),
        p95_ms=round(percentile_ms(analysis, 95), 3),
        snapshots=len(hard_mix),
        samples=len(analysis),
        detector=configured_detector(),
    )

    per_flag, staffed_accuracy, judged = accuracy(camera, labelled)
    yield result(
        "snapshot_accuracy_staffed", staffed_accuracy, "ratio", None, judged=judged, scenes="everyday"
    )
    configured = configured_detector()
    for name in [configured, *sorted(set(DETECTORS) - {configured})]:
        suffix = "" if name == configured else f"_{name.replace('+', '_')}"
        per_flag, staffed_accuracy, judged = accuracy(camera, hard, detector(name))
        for flag in FLAGS:
            precision, recall, expected, raised = per_flag[flag]
            yield result(
                f"snapshot_precision_{flag}{suffix}", precision, "ratio", None, raised=raised, detector=name
            )
            yield result(
                f"snapshot_recall_{flag}{suffix}", recall, "ratio", None, expected=expected, detector=name
            )
        yield result(
            f"snapshot_accuracy_staffed_hard{suffix}",
            staffed_accuracy,
            "ratio",
            None,
            judged=judged,
            detector=name,
        )
