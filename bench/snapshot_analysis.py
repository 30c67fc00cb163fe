"""snapshot_analysis: analysing one 1280×720 counter-camera JPEG (tamper checks, staffing, queue), median time on
one core, then the analyser's precision and recall per flag on a labelled set.

floor: one full OpenCV decode (IMREAD_COLOR) of the same JPEGs, the least any analysis of the picture must do.
Goal: ratio ≤ 8. The scenes are tests/cctv_scenes.py; the signatures of each scene's earlier snapshots are
prepared beforehand and not timed. Accuracy lines: value is the ratio, no floor.
"""

import statistics
import time

import cv2
import numpy as np

from bench.common import percentile_ms, result
from inspections.cctv import TAMPER_FLAGS, CameraProfile, FrameSignature, analyse, prepare_reference
from tests import cctv_scenes

TIMED_PER_CLASS = 4  # scenes of every class in the timed mix
ROUNDS = 5  # times each of them is analysed
LABELLED_PER_CLASS = 12
FLAGS = (*TAMPER_FLAGS, "queue_unstaffed")


def signatures(camera: CameraProfile, scene: cctv_scenes.Scene) -> list[FrameSignature]:
    kept: list[FrameSignature] = []
    for jpeg in scene.previous:
        kept.append(analyse(jpeg, camera, kept, scene.in_working_hours).signature)
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


def accuracy(camera: CameraProfile, scenes):
    """Per flag: (precision, recall, expected, raised); and the share of right staffing verdicts."""
    raised: dict[str, set[str]] = {flag: set() for flag in FLAGS}
    staffed_right = judged = 0
    for scene in scenes:
        found = analyse(scene.jpeg, camera, signatures(camera, scene), scene.in_working_hours)
        for flag in found.flags:
            raised[flag].add(scene.name)
        if scene.staffed is not None:
            judged += 1
            staffed_right += found.staffed is not None and found.staffed.value is scene.staffed
    per_flag = {}
    for flag in FLAGS:
        expected = {scene.name for scene in scenes if flag in scene.flags}
        hits = len(expected & raised[flag])
        per_flag[flag] = (hits / len(raised[flag]) if raised[flag] else 0.0,
                          hits / len(expected) if expected else 0.0, len(expected), len(raised[flag]))
    return per_flag, staffed_right / max(1, judged), judged


def run():
    camera = CameraProfile(cctv_scenes.STAFF_ZONE, cctv_scenes.CITIZEN_ZONE,
                           prepare_reference(cctv_scenes.reference_jpeg()))
    labelled = cctv_scenes.build_scenes(per_class=LABELLED_PER_CLASS)
    mix = [scene for scene in labelled if int(scene.name.rsplit("-", 1)[1]) < TIMED_PER_CLASS]
    assert all(cv2.imdecode(np.frombuffer(scene.jpeg, np.uint8), cv2.IMREAD_COLOR).shape[:2] == (720, 1280)
               for scene in mix)

    analysis, decode = timing(camera, mix)
    value = statistics.median(analysis)
    yield result("snapshot_analysis", value, "ms", statistics.median(decode),
                 p95_ms=round(percentile_ms(analysis, 95), 3),
                 snapshots_per_second_per_core=round(1000 / value, 1),
                 snapshots=len(mix), samples=len(analysis))

    per_flag, staffed_accuracy, judged = accuracy(camera, labelled)
    for flag in FLAGS:
        precision, recall, expected, raised = per_flag[flag]
        yield result(f"snapshot_precision_{flag}", precision, "ratio", None, raised=raised)
        yield result(f"snapshot_recall_{flag}", recall, "ratio", None, expected=expected)
    yield result("snapshot_accuracy_staffed", staffed_accuracy, "ratio", None, judged=judged)
