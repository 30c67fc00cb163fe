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


def draw_zones(frame: np.ndarray, staff_zone: Polygon, citizen_zone: Polygon) -> np.ndarray:
    """A copy of the frame (BGR) with the staff zone outlined in blue and the citizen zone in orange."""
    picture = frame.copy()
    height, width = picture.shape[:2]
    for polygon, colour in ((staff_zone, (255, 120, 0)), (citizen_zone, (0, 140, 255))):
        points = np.array([(x * (width - 1), y * (height - 1)) for x, y in check_zone(polygon)], np.float32)
        overlay = picture.copy()
        cv2.fillPoly(overlay, [np.round(points).astype(np.int32)], colour)
        picture = cv2.addWeighted(overlay, 0.25, picture, 0.75, 0)
        cv2.polylines(picture, [np.round(points).astype(np.int32)], True, colour, max(2, width // 400))
    return picture
