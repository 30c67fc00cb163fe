"""Citizens' faces blurred out of a counter snapshot before it is stored (Decree 13/2023/NĐ-CP on personal data).

Pure: JPEG bytes and the camera's zones in, the JPEG to keep out. Faces are looked for with the frontal face
cascade at a generous setting and both profile directions; each face whose centre lies in a blurred zone is
covered, with a margin, by a coarse mosaic then a strong blur, so that no face detector finds it again and no
one recognises it. The staff zone stays clear unless asked (accountability of the staff at the counter).
"""

import cv2
import numpy as np

from inspections.cctv.analysis import UnreadableSnapshot
from inspections.cctv.detectors import Box, cascade, distinct
from inspections.cctv.zones import Polygon, check_zone, zone_mask

SEARCH_WIDTH = 960  # pixels: faces are looked for at this width (smaller frames as they are)
MARGIN = 0.35  # share of a face's size added on every side of what is blurred
MOSAIC = 6  # blocks across a blurred face
JPEG_QUALITY = 90  # of the stored picture


def faces(grey: np.ndarray) -> list[Box]:
    """Faces in a grey frame, frontal and profile, each once (pixel boxes of ``grey``)."""
    found: list[Box] = []
    minimum = max(14, grey.shape[1] // 80)
    for x, y, w, h in cascade("haarcascade_frontalface_default.xml").detectMultiScale(
        grey, scaleFactor=1.08, minNeighbors=3, minSize=(minimum, minimum)
    ):
        found.append((int(x), int(y), int(w), int(h)))
    for flipped in (False, True):
        image = np.ascontiguousarray(grey[:, ::-1]) if flipped else grey
        for x, y, w, h in cascade("haarcascade_profileface.xml").detectMultiScale(
            image, scaleFactor=1.08, minNeighbors=4, minSize=(minimum, minimum)
        ):
            found.append((int(grey.shape[1] - x - w) if flipped else int(x), int(y), int(w), int(h)))
    return distinct(found, 0.3)


def blur_faces(jpeg: bytes, zones: list[Polygon]) -> tuple[bytes, int]:
    """The snapshot with every face whose centre is in one of ``zones`` blurred, re-encoded; and how many.

    Raises UnreadableSnapshot when the bytes do not decode."""
    image = cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)
    if image is None:
        raise UnreadableSnapshot("not an image OpenCV decodes")
    height, width = image.shape[:2]
    scale = min(1.0, SEARCH_WIDTH / width)
    grey = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY)
    if scale < 1.0:
        grey = cv2.resize(grey, (round(width * scale), round(height * scale)), interpolation=cv2.INTER_AREA)
    mask = np.zeros((height, width), np.uint8)
    for zone in zones:
        mask |= zone_mask(check_zone(zone), width, height)
    blurred = 0
    for x, y, w, h in faces(grey):
        x, y, w, h = (round(value / scale) for value in (x, y, w, h))
        if not mask[min(height - 1, y + h // 2), min(width - 1, x + w // 2)]:
            continue
        margin = round(MARGIN * max(w, h))
        x0, y0 = max(0, x - margin), max(0, y - margin)
        x1, y1 = min(width, x + w + margin), min(height, y + h + margin)
        region = image[y0:y1, x0:x1]
        small = cv2.resize(
            region,
            (MOSAIC, max(1, round(MOSAIC * region.shape[0] / region.shape[1]))),
            interpolation=cv2.INTER_AREA,
        )
        mosaic = cv2.resize(small, (region.shape[1], region.shape[0]), interpolation=cv2.INTER_NEAREST)
        image[y0:y1, x0:x1] = cv2.GaussianBlur(mosaic, (0, 0), max(2.0, region.shape[1] / 12))
        blurred += 1
    ok, buffer = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, JPEG_QUALITY])
    if not ok:
        raise UnreadableSnapshot("the blurred picture could not be encoded")
    return buffer.tobytes(), blurred
