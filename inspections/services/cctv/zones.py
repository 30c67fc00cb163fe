"""Counter-camera zones: polygons in coordinates relative to the frame (x, y in 0–1), and their pixel masks."""

from collections.abc import Sequence

import cv2
import numpy as np

Point = tuple[float, float]
Polygon = Sequence[Point]


class ZoneError(ValueError):
    """A zone that is not a polygon inside the frame."""


def check_zone(polygon: object) -> tuple[Point, ...]:
    """Return the polygon as a tuple of (x, y) floats, or raise ZoneError: three points or more, all in 0–1,
    enclosing some area."""
    try:
        points = tuple((float(x), float(y)) for x, y in polygon)  # type: ignore[attr-defined]
    except (TypeError, ValueError) as error:
        raise ZoneError("a zone is a list of [x, y] points") from error
    if len(points) < 3:
        raise ZoneError("a zone needs at least three points")
    if not all(0.0 <= value <= 1.0 for point in points for value in point):
        raise ZoneError("zone points are relative to the frame, between 0 and 1")
    if abs(cv2.contourArea(np.array(points, np.float32))) < 1e-4:
        raise ZoneError("a zone must enclose an area")
    return points


def zone_mask(polygon: Polygon, width: int, height: int) -> np.ndarray:
    """The polygon rasterised at ``width``×``height``: 255 inside, 0 outside (uint8)."""
    mask = np.zeros((height, width), np.uint8)
    points = np.array([(x * (width - 1), y * (height - 1)) for x, y in polygon], np.float32)
    cv2.fillPoly(mask, [np.round(points).astype(np.int32)], 255)
    return mask
