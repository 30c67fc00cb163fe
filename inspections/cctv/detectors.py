"""People detectors the analyser asks whether a foreground region holds people, and how many.

A detector is anything with a ``name`` and ``find(grey) -> list[Box]``: the boxes of the people it sees in a grey
region (pixel coordinates of that region), one box a person, so that two overlapping people are two boxes when the
detector tells them apart. The ones here ship inside the ``opencv-python-headless`` wheel (``cv2.data``) and
download nothing at run time:

- ``haar``: two frontal face cascades and the profile one (a face is a person seen from the chest up, as at a
  counter), then the upper-body cascade for someone whose face is turned away;
- ``hog``: OpenCV's HOG people detector (whole bodies, 64×128 and larger: citizens standing back from the counter);
- ``haar+hog`` (the default, ``CCTV_PERSON_DETECTOR``): both, the boxes of one person merged.
"""

import threading
from collections.abc import Callable
from typing import Protocol

import cv2
import cv2.data as cv2_data
import numpy as np

Box = tuple[int, int, int, int]  # x, y, width, height
HOG_WINDOW = (64, 128)  # pixels: the default people detector's window; smaller regions cannot hold a person

_lock = threading.Lock()
_cascades: dict[str, cv2.CascadeClassifier] = {}


def cascade(name: str) -> cv2.CascadeClassifier:
    """One of the Haar cascades shipped in the wheel, loaded once per process."""
    with _lock:
        if name not in _cascades:
            _cascades[name] = cv2.CascadeClassifier(cv2_data.haarcascades + name)
        return _cascades[name]


class PersonDetector(Protocol):
    name: str

    def find(self, grey: np.ndarray) -> list[Box]:
        """The people seen in ``grey`` (uint8), one box each."""
        ...


def overlap(a: Box, b: Box) -> float:
    """Intersection over the smaller box's area (0–1)."""
    width = min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0])
    height = min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1])
    if width <= 0 or height <= 0:
        return 0.0
    return width * height / max(1, min(a[2] * a[3], b[2] * b[3]))


def distinct(boxes: list[Box], limit: float = 0.5) -> list[Box]:
    """Boxes of distinct people: a box mostly inside a kept one is the same person (largest kept first)."""
    kept: list[Box] = []
    for box in sorted(boxes, key=lambda b: -b[2] * b[3]):
        if all(overlap(box, other) < limit for other in kept):
            kept.append(box)
    return kept


def _person_around_face(face: Box) -> Box:
    """The head and shoulders a face belongs to: as wide as two faces, three faces tall from the forehead."""
    x, y, w, h = face
    return (int(x - 0.5 * w), int(y - 0.2 * h), int(2 * w), int(3 * h))


# The frontal face cascades the ``haar`` detector asks: (file, neighbours needed, smallest face in pixels, scale
# step). Each finds faces the other misses: ``default`` small and low-contrast ones, ``alt2`` tight faces without
# hair or forehead, searched in finer steps. ``alt2`` also takes small printed faces (a poster's) for faces, so it
# is believed only from ALT2_MIN_FACE up: a citizen at the counter is that large at FINE_WIDTH.
ALT2_MIN_FACE = 30  # pixels
FACE_CASCADES = (
    ("haarcascade_frontalface_default.xml", 4, 0, 1.1),
    ("haarcascade_frontalface_alt2.xml", 3, ALT2_MIN_FACE, 1.05),
)
PROFILE_CASCADE = ("haarcascade_profileface.xml", 6)  # both ways: the image is flipped for the other side


class HaarDetector:
    """Faces (two frontal cascades, then profile both ways), then upper bodies where no face was seen."""

    name = "haar"

    def __init__(self, min_face: int = 18):
        self.min_face = min_face

    def faces(self, grey: np.ndarray) -> list[Box]:
        limit = max(self.min_face + 1, int(0.9 * min(grey.shape[:2])))
        largest = (limit, limit)
        found: list[Box] = []
        for name, neighbours, least, step in FACE_CASCADES:
            smallest = (max(self.min_face, least),) * 2
            if smallest[0] > limit:
                continue
            for box in cascade(name).detectMultiScale(
                grey, scaleFactor=step, minNeighbors=neighbours, minSize=smallest, maxSize=largest
            ):
                found.append(tuple(int(v) for v in box))  # type: ignore[arg-type]
        name, neighbours = PROFILE_CASCADE
        for flipped in (False, True):
            image = np.ascontiguousarray(grey[:, ::-1]) if flipped else grey
            for x, y, w, h in cascade(name).detectMultiScale(
                image,
                scaleFactor=1.1,
                minNeighbors=neighbours,
                minSize=(self.min_face, self.min_face),
                maxSize=largest,
            ):
                found.append((int(grey.shape[1] - x - w) if flipped else int(x), int(y), int(w), int(h)))
        return distinct(found, 0.3)

    def find(self, grey: np.ndarray) -> list[Box]:
        people = [_person_around_face(face) for face in self.faces(grey)]
        upper_min = max(40, int(0.3 * grey.shape[1]))
        for box in cascade("haarcascade_upperbody.xml").detectMultiScale(
            grey, scaleFactor=1.1, minNeighbors=4, minSize=(upper_min, int(upper_min * 18 / 22))
        ):
            candidate = tuple(int(v) for v in box)
            if all(overlap(candidate, person) < 0.3 for person in people):  # type: ignore[arg-type]
                people.append(candidate)  # type: ignore[arg-type]
        return distinct(people)


class HogDetector:
    """OpenCV's default HOG people detector (pedestrians, whole or nearly whole)."""

    name = "hog"

    def __init__(self) -> None:
        self._local = threading.local()  # HOGDescriptor is not safe to share between threads

    def _hog(self) -> cv2.HOGDescriptor:
        hog = getattr(self._local, "hog", None)
        if hog is None:
            hog = cv2.HOGDescriptor()
            hog.setSVMDetector(np.asarray(cv2.HOGDescriptor.getDefaultPeopleDetector(), np.float32))
            self._local.hog = hog
        return hog

    def find(self, grey: np.ndarray) -> list[Box]:
        if grey.shape[1] < HOG_WINDOW[0] or grey.shape[0] < HOG_WINDOW[1]:
            return []
        found, weights = self._hog().detectMultiScale(np.ascontiguousarray(grey), winStride=(8, 8), scale=1.1)
        boxes = [
            tuple(int(v) for v in box)
            for box, weight in zip(found, np.ravel(weights), strict=True)
            if weight > 0.5
        ]
        return distinct(boxes)  # type: ignore[arg-type]


class CombinedDetector:
    """Several detectors, each person once."""

    def __init__(self, *detectors: PersonDetector):
        self.detectors = detectors
        self.name = "+".join(detector.name for detector in detectors)

    def find(self, grey: np.ndarray) -> list[Box]:
        return distinct([box for detector in self.detectors for box in detector.find(grey)])


DETECTORS: dict[str, Callable[[], PersonDetector]] = {
    "haar": HaarDetector,
    "hog": HogDetector,
    "haar+hog": lambda: CombinedDetector(HaarDetector(), HogDetector()),
}
_made: dict[str, PersonDetector] = {}


def detector(name: str) -> PersonDetector:
    """The named detector (one of ``DETECTORS``), made once per process."""
    with _lock:
        if name not in _made:
            if name not in DETECTORS:
                raise ValueError(f"unknown person detector {name!r}: one of {sorted(DETECTORS)}")
            _made[name] = DETECTORS[name]()
        return _made[name]
