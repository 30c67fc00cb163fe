"""Real test images built from the photographs scikit-image ships (no download), with EXIF written by piexif.

``photo("astronaut")`` and ``photo("coffee")`` are the upright pictures; ``jpeg``, ``png``, ``webp`` and ``heic``
encode one with an optional EXIF block from ``exif(...)`` (capture time, offset, GPS, orientation).
``sideways(image, orientation)`` stores an upright picture the way a phone held sideways does, so that applying
the EXIF orientation gives the upright picture back. ``twelve_megapixel_jpeg()`` is the benchmark's photo.
The refused kinds (GIF, SVG, a text file, a PNG declaring huge dimensions) are built here too.

The second half builds labelled CCTV counter scenes from the same photographs (see "Counter-camera scenes"): the
everyday set (``build_scenes``) and the harder one (``build_hard_scenes``): the one module the tests and the
benchmark take their pictures from.
"""

import functools
import io
import struct
import zlib
from dataclasses import dataclass, replace
from datetime import datetime
from fractions import Fraction

import cv2
import numpy as np
import piexif
import pillow_heif
from PIL import Image
from skimage import data

pillow_heif.register_heif_opener()

PHOTOS = ("astronaut", "coffee")


@functools.cache
def _photo_pixels(name: str) -> Image.Image:
    return Image.fromarray(getattr(data, name)()).convert("RGB")


def photo(name: str = "astronaut", size: tuple[int, int] | None = None) -> Image.Image:
    """An upright RGB photo (a copy: callers may change it), resized to ``size`` (width, height) if given."""
    image = _photo_pixels(name).copy()
    return image.resize(size, Image.Resampling.LANCZOS) if size else image


def _rational(value: float, denominator: int = 10_000) -> tuple[int, int]:
    fraction = Fraction(value).limit_denominator(denominator)
    return fraction.numerator, fraction.denominator


def _degrees(value: float) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
    """Decimal degrees as EXIF's degrees, minutes, seconds (rationals)."""
    value = abs(value)
    degrees = int(value)
    minutes = int((value - degrees) * 60)
    seconds = (value - degrees - minutes / 60) * 3600
    return (degrees, 1), (minutes, 1), _rational(seconds)


def exif(
    *,
    captured_at: datetime | None = None,
    offset: str | None = None,
    gps: tuple[float, float] | None = None,
    orientation: int | None = None,
) -> bytes:
    """An EXIF block: DateTimeOriginal (the naive wall time of ``captured_at``), OffsetTimeOriginal such as
    "+07:00", GPS latitude/longitude with their N/S, E/W refs, and the orientation tag (1–8)."""
    zeroth: dict = {piexif.ImageIFD.Make: b"CCHC test", piexif.ImageIFD.Model: b"skimage"}
    exif_ifd: dict = {}
    gps_ifd: dict = {}
    if orientation is not None:
        zeroth[piexif.ImageIFD.Orientation] = orientation
    if captured_at is not None:
        exif_ifd[piexif.ExifIFD.DateTimeOriginal] = captured_at.strftime("%Y:%m:%d %H:%M:%S").encode()
    if offset is not None:
        exif_ifd[piexif.ExifIFD.OffsetTimeOriginal] = offset.encode()
    if gps is not None:
        latitude, longitude = gps
        gps_ifd = {
            piexif.GPSIFD.GPSVersionID: (2, 3, 0, 0),
            piexif.GPSIFD.GPSLatitudeRef: b"N" if latitude >= 0 else b"S",
            piexif.GPSIFD.GPSLatitude: _degrees(latitude),
            piexif.GPSIFD.GPSLongitudeRef: b"E" if longitude >= 0 else b"W",
            piexif.GPSIFD.GPSLongitude: _degrees(longitude),
        }
    return piexif.dump({"0th": zeroth, "Exif": exif_ifd, "GPS": gps_ifd, "1st": {}, "thumbnail": None})


def _encode(image: Image.Image, format: str, exif_block: bytes | None, **options) -> bytes:
    buffer = io.BytesIO()
    if exif_block:
        options["exif"] = exif_block
    image.save(buffer, format, **options)
    return buffer.getvalue()


def jpeg(image: Image.Image, exif_block: bytes | None = None, *, quality: int = 90) -> bytes:
    return _encode(image, "JPEG", exif_block, quality=quality)


def png(image: Image.Image, exif_block: bytes | None = None) -> bytes:
    return _encode(image, "PNG", exif_block)


def webp(image: Image.Image, exif_block: bytes | None = None) -> bytes:
    return _encode(image, "WEBP", exif_block, quality=85)


def heic(image: Image.Image, exif_block: bytes | None = None) -> bytes:
    return _encode(image, "HEIF", exif_block, quality=80)


def gif(image: Image.Image) -> bytes:
    return _encode(image.convert("P"), "GIF", None)


# How a phone stores an upright scene for each EXIF orientation: the inverse of what a viewer applies.
_STORED_AS = {
    1: None,
    3: Image.Transpose.ROTATE_180,
    6: Image.Transpose.ROTATE_90,  # viewer turns it 90° clockwise, so it is stored turned 90° anticlockwise
    8: Image.Transpose.ROTATE_270,
}


def sideways(image: Image.Image, orientation: int) -> Image.Image:
    """The pixels a camera writes for an upright ``image`` when it tags them with ``orientation``."""
    method = _STORED_AS[orientation]
    return image.copy() if method is None else image.transpose(method)


def twelve_megapixel_photo() -> Image.Image:
    """A 4000×3000 photo: astronaut and coffee tiled 2×2 and resized, so it has a real photo's detail."""
    tile = (2000, 1500)
    canvas = Image.new("RGB", (4000, 3000))
    for index, (x, y) in enumerate(((0, 0), (2000, 0), (0, 1500), (2000, 1500))):
        canvas.paste(photo(PHOTOS[index % 2], tile), (x, y))
    return canvas


def twelve_megapixel_jpeg() -> bytes:
    """The benchmark's photo as a phone would send it: JPEG quality 90 with capture time and GPS."""
    return jpeg(
        twelve_megapixel_photo(),
        exif(captured_at=datetime(2026, 3, 9, 8, 15, 30), offset="+07:00", gps=(10.776889, 106.700806)),
    )


def svg() -> bytes:
    return (
        b'<?xml version="1.0" encoding="UTF-8"?>\n'
        b'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">'
        b'<rect width="640" height="480" fill="red"/><script>alert(1)</script></svg>\n'
    )


def text_file() -> bytes:
    return "Biên bản kiểm tra: this is a text file, whatever its name says.\n".encode() * 20


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose IHDR (valid CRC) declares ``width``×``height`` 8-bit RGB pixels, followed by a few bytes of
    compressed zeros: a decompression bomb's header, built without ever allocating its pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + _png_chunk(b"IHDR", header)
        + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096))
        + _png_chunk(b"IEND", b"")
    )


# --- Counter-camera scenes ----------------------------------------------------------------------------------
# Labelled CCTV scenes of a one-stop-shop counter, built from the photographs scikit-image ships (no download).
#
# The empty counter is the indoor scene of ``skimage.data.stereo_motorcycle`` (a workshop, cropped to 16:9 and
# resized to 1280×720) with a service counter drawn across it. Staff are the astronaut's upper body
# (``skimage.data.astronaut``) standing behind the counter; citizens are the ``lfw_subset`` faces on a torso, or the
# astronaut again, in the citizen zone in front of it. Each scene varies people, positions, scales, exposure, noise
# and JPEG quality from a fixed seed, so the set is the same on every run.
#
# Classes (``Scene.kind``): empty, staffed, queue (citizens at an empty counter), staffed_queue, dark, covered,
# blurred, frozen (the last frame of a busy sequence repeated), displaced (shifted, rotated or zoomed view).
# A scene carries the snapshots that came before it, so frozen and "people just left" cases are sequences.
WIDTH, HEIGHT = 1280, 720
# Zones in coordinates relative to the frame (x, y), as a camera's settings would hold them.
STAFF_ZONE = ((0.26, 0.10), (0.74, 0.10), (0.74, 0.60), (0.26, 0.60))
CITIZEN_ZONE = ((0.0, 0.66), (1.0, 0.66), (1.0, 1.0), (0.0, 1.0))
COUNTER_TOP, COUNTER_BOTTOM = 0.60, 0.68  # the desk slab, relative heights
TAMPER_FLAGS = ("dark", "covered", "blurred", "frozen", "displaced")
KINDS = ("empty", "staffed", "queue", "staffed_queue", *TAMPER_FLAGS)


@dataclass(frozen=True)
class Scene:
    name: str
    kind: str
    jpeg: bytes
    previous: tuple[bytes, ...]  # earlier snapshots of the same camera, oldest first
    in_working_hours: bool
    staffed: bool | None  # None: not to be judged (tampered view)
    people: int | None  # citizens in the citizen zone; None: not to be judged
    flags: frozenset[str]  # flags the analyser must raise: queue_unstaffed and the tamper flags


@dataclass
class Person:
    image: np.ndarray  # BGR
    mask: np.ndarray  # float32 0–1, soft edge


def encode(frame: np.ndarray, quality: int) -> bytes:
    ok, buffer = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, int(quality)])
    assert ok
    return buffer.tobytes()


def decode(jpeg: bytes) -> np.ndarray:
    return cv2.imdecode(np.frombuffer(jpeg, np.uint8), cv2.IMREAD_COLOR)


@functools.cache
def empty_counter() -> np.ndarray:
    """The empty scene at full size, before exposure and noise: the workshop with a counter across it."""
    left, _right, _disparity = data.stereo_motorcycle()
    crop = left[40 : 40 + 417, :741]  # 741×417 is 16:9
    scene = cv2.resize(cv2.cvtColor(crop, cv2.COLOR_RGB2BGR), (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC)
    rng = np.random.default_rng(7)
    top, bottom = int(COUNTER_TOP * HEIGHT), int(COUNTER_BOTTOM * HEIGHT)
    # Wood grain: noise stretched along the desk, over a warm brown.
    grain = cv2.resize(rng.normal(0, 1, (bottom - top, 40)).astype(np.float32), (WIDTH, bottom - top))
    grain = cv2.GaussianBlur(grain, (0, 0), 1.5) * 14
    desk = np.empty((bottom - top, WIDTH, 3), np.float32)
    desk[:] = (70, 105, 150)
    desk += grain[..., None]
    desk[:6] += 45  # lit front edge of the desk top
    scene[top:bottom] = np.clip(desk, 0, 255).astype(np.uint8)
    cv2.putText(
        scene, "QUAY 3", (int(0.45 * WIDTH), bottom - 18), cv2.FONT_HERSHEY_SIMPLEX, 1.2, (235, 235, 235), 3
    )
    return scene


@functools.cache
def astronaut() -> Person:
    image = cv2.cvtColor(data.astronaut(), cv2.COLOR_RGB2BGR)
    mask = np.zeros(image.shape[:2], np.uint8)
    cv2.ellipse(mask, (226, 98), (76, 90), 0, 0, 360, 255, -1)
    body = [
        (150, 170),
        (298, 170),
        (318, 228),
        (348, 275),
        (364, 340),
        (368, 511),
        (18, 511),
        (22, 400),
        (35, 300),
        (70, 255),
        (118, 235),
    ]
    cv2.fillPoly(mask, [np.array(body, np.int32)], 255)
    x, y, w, h = cv2.boundingRect(mask)
    soft = cv2.GaussianBlur(mask, (0, 0), 2).astype(np.float32) / 255
    return Person(image[y : y + h, x : x + w].copy(), soft[y : y + h, x : x + w].copy())


@functools.cache
def lfw_faces() -> np.ndarray:
    return data.lfw_subset()[:100]  # the first hundred are faces, the rest are not


@functools.cache
def lfw_person(index: int, seed: int) -> Person:
    """A citizen seen from the chest up: an lfw face as the head over a torso in clothes of a clear colour."""
    rng = np.random.default_rng([index, seed])
    face = cv2.resize((lfw_faces()[index] * 255).astype(np.uint8), (100, 100), interpolation=cv2.INTER_CUBIC)
    skin = np.array([rng.uniform(0.55, 0.8), rng.uniform(0.7, 0.9), 1.0])  # B, G, R tint of the grey face
    width, height = 280, 330
    image = np.zeros((height, width, 3), np.float32)
    mask = np.zeros((height, width), np.uint8)
    hsv = np.uint8([[[rng.integers(180), rng.integers(110, 256), rng.integers(60, 240)]]])
    clothes = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0].astype(np.float32)
    torso = np.array([(70, 150), (210, 150), (262, 205), (280, 330), (0, 330), (18, 205)], np.int32)
    cv2.fillPoly(mask, [torso], 255)
    image[mask > 0] = clothes
    image += rng.normal(0, 6, (height, width, 1)).astype(np.float32)  # fabric texture
    head = np.zeros((height, width), np.uint8)
    cv2.ellipse(head, (140, 92), (48, 60), 0, 0, 360, 255, -1)
    image[30:130, 90:190] = np.where(
        head[30:130, 90:190, None] > 0, face[..., None] * skin, image[30:130, 90:190]
    )
    cv2.ellipse(image, (140, 50), (50, 26), 0, 180, 360, tuple(rng.uniform(10, 60, 3).tolist()), -1)  # hair
    mask = cv2.bitwise_or(mask, head)
    cv2.ellipse(mask, (140, 50), (50, 26), 0, 180, 360, 255, -1)
    soft = cv2.GaussianBlur(mask, (0, 0), 1.5).astype(np.float32) / 255
    return Person(np.clip(image, 0, 255).astype(np.uint8), soft)


@dataclass(frozen=True)
class Placement:
    """One person in a frame: which (None: the astronaut, else an lfw index), where, how big, how lit."""

    lfw: int | None
    seed: int
    left: int
    top: int
    height: int
    flip: bool
    tint: tuple[float, float, float]
    staff: bool

    def person(self) -> Person:
        return astronaut() if self.lfw is None else lfw_person(self.lfw, self.seed)

    def jittered(self, rng: np.random.Generator, pixels: int) -> "Placement":
        """The same person a moment later, having moved a few pixels."""
        dx = int(rng.choice([-1, 1]) * rng.integers(2, pixels + 1))
        dy = int(rng.integers(-pixels, pixels + 1))
        return replace(self, left=self.left + dx, top=self.top + dy)


def layout(rng: np.random.Generator, *, staffed: bool, citizens: int) -> tuple[Placement, ...]:
    """A member of staff behind the counter or not, and ``citizens`` people in front, apart from each other."""
    placements = []
    if staffed:
        height = int(rng.uniform(0.50, 0.62) * HEIGHT)
        width = height * astronaut().image.shape[1] / astronaut().image.shape[0]
        left = int(rng.uniform(STAFF_ZONE[0][0] * WIDTH, STAFF_ZONE[1][0] * WIDTH - width))
        top = int(rng.uniform(0.11, 0.17) * HEIGHT)
        tint = tuple(rng.uniform(0.8, 1.15, 3).tolist())
        placements.append(Placement(None, 0, left, top, height, bool(rng.integers(2)), tint, staff=True))  # type: ignore[arg-type]
    for slot in sorted(rng.permutation(4)[:citizens]):  # four places along the counter
        height = int(rng.uniform(0.36, 0.44) * HEIGHT)
        top = int(rng.uniform(0.69, 0.74) * HEIGHT)
        if rng.random() < 0.7:
            lfw, tint = int(rng.integers(100)), (1.0, 1.0, 1.0)
        else:
            lfw, tint = None, tuple(rng.uniform(0.6, 1.2, 3).tolist())
        seed = int(rng.integers(1000))
        person = astronaut() if lfw is None else lfw_person(lfw, seed)
        width = height * person.image.shape[1] / person.image.shape[0]
        left = int(slot * WIDTH / 4 + rng.uniform(0.02, 0.98) * max(1.0, WIDTH / 4 - width))
        placements.append(Placement(lfw, seed, left, top, height, bool(rng.integers(2)), tint, staff=False))  # type: ignore[arg-type]
    return tuple(placements)


def paste(frame: np.ndarray, placement: Placement, below: int | None = None) -> None:
    """Paint a person with the top-left corner at (left, top), cut off under ``below``."""
    person = placement.person()
    left, top, height = placement.left, placement.top, placement.height
    size = (max(1, round(person.image.shape[1] * height / person.image.shape[0])), height)
    image = cv2.resize(person.image, size, interpolation=cv2.INTER_AREA).astype(np.float32) * placement.tint
    mask = cv2.resize(person.mask, size, interpolation=cv2.INTER_AREA)
    if placement.flip:
        image, mask = image[:, ::-1], mask[:, ::-1]
    bottom = min(top + height, HEIGHT if below is None else below)
    x0, x1 = max(left, 0), min(left + size[0], WIDTH)
    if bottom <= top or x1 <= x0:
        return
    region = frame[top:bottom, x0:x1].astype(np.float32)
    alpha = mask[: bottom - top, x0 - left : x1 - left, None]
    blended = region * (1 - alpha) + image[: bottom - top, x0 - left : x1 - left] * alpha
    frame[top:bottom, x0:x1] = np.clip(blended, 0, 255).astype(np.uint8)


def render(placements: tuple[Placement, ...]) -> np.ndarray:
    """The counter with its people, before exposure: staff disappear behind the desk, citizens stand in front."""
    frame = empty_counter().copy()
    for placement in placements:
        if placement.staff:
            paste(frame, placement, below=int(COUNTER_TOP * HEIGHT))
    for placement in placements:
        if not placement.staff:
            paste(frame, placement)
    return frame


def scene_frame(rng: np.random.Generator, *, staffed: bool, citizens: int) -> np.ndarray:
    return render(layout(rng, staffed=staffed, citizens=citizens))


@functools.cache
def noise_field() -> np.ndarray:
    """Unit sensor noise, larger than a frame: each snapshot reads it at a random offset (fast and seeded)."""
    return np.random.default_rng(11).standard_normal((HEIGHT + 97, WIDTH + 131, 3), dtype=np.float32)


def expose(
    frame: np.ndarray, rng: np.random.Generator, *, gain: float | None = None, noise: float | None = None
) -> np.ndarray:
    """What the sensor makes of it: exposure gain, a soft light falloff and noise."""
    gain = rng.uniform(0.7, 1.3) if gain is None else gain
    noise = rng.uniform(1.5, 4.0) if noise is None else noise
    xs = np.linspace(-1, 1, WIDTH, dtype=np.float32)
    falloff = 1 - rng.uniform(0, 0.08) * xs[None, :] ** 2
    light = frame.astype(np.float32) * (gain * falloff)[..., None]
    dy, dx = int(rng.integers(97)), int(rng.integers(131))
    light += noise * noise_field()[dy : dy + HEIGHT, dx : dx + WIDTH]
    return np.clip(light, 0, 255).astype(np.uint8)


def snapshot(frame: np.ndarray, rng: np.random.Generator, **exposure) -> bytes:
    return encode(expose(frame, rng, **exposure), int(rng.integers(70, 91)))


def reference_jpeg() -> bytes:
    """The camera's reference frame: the empty counter, well exposed."""
    return encode(expose(empty_counter(), np.random.default_rng(1), gain=1.0, noise=2.0), 90)


def covering(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A cloth, a hand or a sheet of paper over the lens: smooth, nearly uniform, with some of the view left."""
    base = rng.uniform(70, 230) * np.array(rng.uniform(0.75, 1.0, 3), np.float32)
    shade = cv2.resize(
        rng.normal(0, 1, (3, 5)).astype(np.float32), (WIDTH, HEIGHT), interpolation=cv2.INTER_CUBIC
    )
    cover = base[None, None, :] * (1 + 0.12 * shade[..., None])
    alpha = np.ones((HEIGHT, WIDTH), np.float32)
    if rng.random() < 0.5:  # part of the view shows past the edge of the cover
        edge = int(rng.uniform(0.05, 0.2) * WIDTH)
        if rng.random() < 0.5:
            alpha[:, :edge] = 0
        else:
            alpha[:, WIDTH - edge :] = 0
        alpha = cv2.GaussianBlur(alpha, (0, 0), 25)
    out = frame.astype(np.float32) * (1 - alpha[..., None]) + cover * alpha[..., None]
    return np.clip(out, 0, 255).astype(np.uint8)


def out_of_focus(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    if rng.random() < 0.5:
        return cv2.GaussianBlur(frame, (0, 0), rng.uniform(2.5, 9))
    radius = int(rng.integers(5, 15))
    disc = np.zeros((2 * radius + 1, 2 * radius + 1), np.float32)
    cv2.circle(disc, (radius, radius), radius, 1.0, -1)
    return cv2.filter2D(frame, -1, disc / disc.sum())


def moved(frame: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """The camera was turned, tilted or zoomed: the same room, no longer lined up with the reference."""
    how = rng.integers(3)
    centre = (WIDTH / 2, HEIGHT / 2)
    if how == 0:
        matrix = np.float32(
            [
                [1, 0, rng.choice([-1, 1]) * rng.uniform(0.06, 0.15) * WIDTH],
                [0, 1, rng.choice([-1, 1]) * rng.uniform(0.0, 0.10) * HEIGHT],
            ]
        )
    elif how == 1:
        matrix = cv2.getRotationMatrix2D(centre, rng.choice([-1, 1]) * rng.uniform(5, 15), 1.0)
    else:
        matrix = cv2.getRotationMatrix2D(centre, rng.uniform(-3, 3), rng.uniform(1.2, 1.5))
    return cv2.warpAffine(frame, matrix, (WIDTH, HEIGHT), borderMode=cv2.BORDER_REFLECT_101)


def busy_sequence(rng: np.random.Generator, length: int) -> list[bytes]:
    """Snapshots of a working counter: staff and citizens come and go."""
    return [
        snapshot(scene_frame(rng, staffed=bool(rng.random() < 0.8), citizens=int(rng.integers(1, 4))), rng)
        for _ in range(length)
    ]


def build_class(kind: str, index: int) -> Scene:
    rng = np.random.default_rng([KINDS.index(kind), index])
    name = f"{kind}-{index:02d}"
    previous: list[bytes] = []
    working = True
    if kind in ("empty", "staffed", "queue", "staffed_queue"):
        staffed = kind in ("staffed", "staffed_queue")
        citizens = int(rng.integers(1, 4)) if kind.endswith("queue") else 0
        if kind == "queue" and index % 6 == 5:
            working = False  # a queue after hours is no unstaffed counter
        placements = layout(rng, staffed=staffed, citizens=citizens)
        gain = rng.uniform(0.7, 1.3)
        if kind == "empty" and index % 3 == 0:
            # People just left: the earlier frames were busy, this one is the empty room (not frozen).
            previous = busy_sequence(rng, 3) + [snapshot(render(()), rng, gain=gain)]
        elif placements and index % 4 == 3:
            # The same people keeping nearly still under steady light: a live camera, not a frozen one.
            previous = [
                snapshot(render(tuple(p.jittered(rng, 6) for p in placements)), rng, gain=gain)
                for _ in range(3)
            ]
            placements = tuple(p.jittered(rng, 6) for p in placements)
        elif index % 2:
            previous = busy_sequence(rng, 2)
        jpeg = snapshot(render(placements), rng, gain=gain)
        flags = {"queue_unstaffed"} if kind == "queue" and working else set()
        return Scene(
            name,
            kind,
            jpeg,
            tuple(previous),
            working,
            staffed if working else None,
            citizens,
            frozenset(flags),
        )
    frame = scene_frame(rng, staffed=bool(rng.random() < 0.5), citizens=int(rng.integers(0, 3)))
    if kind == "dark":
        jpeg = snapshot(frame, rng, gain=rng.uniform(0.04, 0.15), noise=rng.uniform(1.5, 4.0))
    elif kind == "covered":
        jpeg = snapshot(covering(frame, rng), rng)
    elif kind == "blurred":
        jpeg = encode(out_of_focus(expose(frame, rng), rng), int(rng.integers(70, 91)))
    elif kind == "displaced":
        jpeg = encode(moved(expose(frame, rng), rng), int(rng.integers(70, 91)))
    elif kind == "frozen":
        # The recorder keeps sending its last picture, re-encoded, after a busy spell.
        previous = busy_sequence(rng, int(rng.integers(2, 5)))
        still = decode(previous[-1])
        previous += [encode(still, int(rng.integers(70, 91))) for _ in range(int(rng.integers(0, 3)))]
        jpeg = encode(still, int(rng.integers(70, 91)))
    else:
        raise ValueError(kind)
    return Scene(name, kind, jpeg, tuple(previous), True, None, None, frozenset({kind}))


@functools.cache
def build_scenes(per_class: int = 24) -> tuple[Scene, ...]:
    """``per_class`` labelled scenes of every class, the same on every run."""
    return tuple(build_class(kind, index) for kind in KINDS for index in range(per_class))


# --- The harder labelled set ------------------------------------------------------------------------------------
# Scenes nobody tuned the analyser on: people partly hidden (cut by the frame's edge or behind a box), several
# overlapping, staff seated low behind the desk, and things that are not people in both zones: cardboard boxes,
# bags, a chair, a poster with a face on it, a plant, a cat. Textures are cut from the scikit-image photographs.
# Classes: ``objects`` (only things, nobody: no flag at all), ``queue_unstaffed`` (citizens, hidden or
# overlapping, at an empty counter, things around), ``seated_queue`` (seated staff serving a queue: no flag), and
# every tamper flag on scenes with things and people in them.

HARD_KINDS = ("objects", "queue_unstaffed", "seated_queue", *TAMPER_FLAGS)


@dataclass(frozen=True)
class Thing:
    image: np.ndarray  # BGR
    mask: np.ndarray  # float32 0–1


def _texture(name: str, size: tuple[int, int], tint: tuple[float, float, float], rng) -> np.ndarray:
    """A crop of a scikit-image photograph, grey, tinted (B, G, R multipliers), at ``size`` (width, height)."""
    source = getattr(data, name)()
    grey = source if source.ndim == 2 else cv2.cvtColor(source, cv2.COLOR_RGB2GRAY)
    height, width = grey.shape
    w, h = min(width, max(16, size[0])), min(height, max(16, size[1]))
    x, y = int(rng.integers(0, width - w + 1)), int(rng.integers(0, height - h + 1))
    crop = cv2.resize(grey[y : y + h, x : x + w], size, interpolation=cv2.INTER_LINEAR).astype(np.float32)
    return np.clip(crop[..., None] * np.array(tint, np.float32) / 255 * 1.6, 0, 255).astype(np.uint8)


def _thing(kind: str, rng, scale: float) -> Thing:
    """One object, about ``scale`` of the frame height tall."""
    height = max(40, int(scale * HEIGHT))
    mask = np.zeros((height, height * 2), np.uint8)
    if kind == "box":
        width = int(height * rng.uniform(0.8, 1.4))
        image = _texture("brick", (width, height), (90, 140, 185), rng)
        top = height // 5
        image[:top] = np.clip(image[:top].astype(np.int16) + 30, 0, 255).astype(np.uint8)  # lit lid
        label = _texture("text", (width // 2, height // 5), (230, 230, 230), rng)
        image[height // 2 : height // 2 + label.shape[0], width // 4 : width // 4 + label.shape[1]] = label
        mask = np.full((height, width), 255, np.uint8)
        cv2.fillPoly(mask, [np.array([(0, 0), (width // 8, 0), (0, top)], np.int32)], 0)  # a corner in shade
    elif kind == "bag":
        width = int(height * rng.uniform(0.9, 1.3))
        image = _texture("gravel", (width, height), tuple(rng.uniform(40, 160, 3).tolist()), rng)
        mask = np.zeros((height, width), np.uint8)
        cv2.ellipse(
            mask, (width // 2, int(0.62 * height)), (width // 2 - 2, int(0.38 * height)), 0, 0, 360, 255, -1
        )
        cv2.ellipse(
            mask,
            (width // 2, int(0.3 * height)),
            (width // 4, int(0.25 * height)),
            0,
            180,
            360,
            255,
            max(3, width // 20),
        )
    elif kind == "chair":
        width = int(height * 0.7)
        image = _texture("brick", (width, height), (60, 80, 110), rng)
        mask = np.zeros((height, width), np.uint8)
        leg = max(3, width // 12)
        cv2.rectangle(mask, (0, 0), (width - 1, int(0.45 * height)), 255, -1)  # backrest
        cv2.rectangle(mask, (0, int(0.5 * height)), (width - 1, int(0.6 * height)), 255, -1)  # seat
        for x in (0, width - leg):
            cv2.rectangle(mask, (x, 0), (x + leg, height - 1), 255, -1)
    elif kind == "poster":
        width = int(height * 0.75)
        image = cv2.cvtColor(cv2.resize(data.page(), (width, height)), cv2.COLOR_GRAY2BGR)
        face = cv2.resize(
            (lfw_faces()[int(rng.integers(100))] * 255).astype(np.uint8), (width // 3, width // 3)
        )
        x, y = int(rng.uniform(0.1, 0.55) * width), int(0.08 * height)
        image[y : y + face.shape[0], x : x + face.shape[1]] = face[..., None]
        mask = np.full((height, width), 255, np.uint8)
    elif kind == "plant":
        width = int(height * 0.8)
        image = _texture("grass", (width, height), (40, 150, 60), rng)
        mask = np.zeros((height, width), np.uint8)
        pot = np.array(
            [
                (int(0.3 * width), int(0.7 * height)),
                (int(0.7 * width), int(0.7 * height)),
                (int(0.62 * width), height - 1),
                (int(0.38 * width), height - 1),
            ],
            np.int32,
        )
        for _ in range(9):
            centre = (int(rng.uniform(0.2, 0.8) * width), int(rng.uniform(0.1, 0.6) * height))
            cv2.ellipse(
                mask,
                centre,
                (int(0.18 * width), int(0.07 * height)),
                float(rng.uniform(0, 180)),
                0,
                360,
                255,
                -1,
            )
        pot_mask = np.zeros_like(mask)
        cv2.fillPoly(pot_mask, [pot], 255)
        image[pot_mask > 0] = (40, 70, 150)
        mask |= pot_mask
    elif kind == "cat":
        cat = cv2.cvtColor(data.chelsea(), cv2.COLOR_RGB2BGR)
        width = int(height * cat.shape[1] / cat.shape[0])
        image = cv2.resize(cat, (width, height), interpolation=cv2.INTER_AREA)
        mask = np.zeros((height, width), np.uint8)
        cv2.ellipse(
            mask, (width // 2, height // 2), (int(0.42 * width), int(0.47 * height)), 0, 0, 360, 255, -1
        )
    else:
        raise ValueError(kind)
    return Thing(image, cv2.GaussianBlur(mask, (0, 0), 1.2).astype(np.float32) / 255)


THINGS = ("box", "bag", "chair", "poster", "plant", "cat")


def place(frame: np.ndarray, thing: Thing, left: int, bottom: int, below: int | None = None) -> None:
    """Stand a thing with its bottom edge at ``bottom`` (cut off under ``below``)."""
    height, width = thing.mask.shape
    top = bottom - height
    y0, y1 = max(0, top), min(HEIGHT if below is None else below, bottom, HEIGHT)
    x0, x1 = max(0, left), min(WIDTH, left + width)
    if y1 <= y0 or x1 <= x0:
        return
    alpha = thing.mask[y0 - top : y1 - top, x0 - left : x1 - left, None]
    region = frame[y0:y1, x0:x1].astype(np.float32)
    image = thing.image[y0 - top : y1 - top, x0 - left : x1 - left].astype(np.float32)
    frame[y0:y1, x0:x1] = np.clip(region * (1 - alpha) + image * alpha, 0, 255).astype(np.uint8)


def _things(frame: np.ndarray, rng, count: int, *, staff_side: bool) -> None:
    for _ in range(count):
        kind = THINGS[int(rng.integers(len(THINGS)))]
        if staff_side:
            thing = _thing(kind, rng, rng.uniform(0.18, 0.32))
            left = int(rng.uniform(0.27, 0.6) * WIDTH)
            place(
                frame,
                thing,
                left,
                int(COUNTER_TOP * HEIGHT) + int(rng.integers(0, 10)),
                below=int(COUNTER_TOP * HEIGHT),
            )
        else:
            thing = _thing(kind, rng, rng.uniform(0.18, 0.3))
            left = int(rng.uniform(0.0, 0.85) * WIDTH)
            place(frame, thing, left, int(rng.uniform(0.93, 1.0) * HEIGHT))


def _citizens(rng, count: int, *, overlapping: bool) -> list[Placement]:
    """Citizens in front of the counter; overlapping ones stand close, a third to a half of a width apart."""
    placements = []
    left = int(rng.uniform(0.02, 0.35) * WIDTH)
    for _ in range(count):
        height = int(rng.uniform(0.36, 0.44) * HEIGHT)
        lfw = int(rng.integers(100))
        seed = int(rng.integers(1000))
        width = int(height * lfw_person(lfw, seed).image.shape[1] / lfw_person(lfw, seed).image.shape[0])
        top = int(rng.uniform(0.69, 0.74) * HEIGHT)
        placements.append(
            Placement(lfw, seed, left, top, height, bool(rng.integers(2)), (1.0, 1.0, 1.0), staff=False)
        )
        left += int(width * (rng.uniform(0.55, 0.7) if overlapping else rng.uniform(1.05, 1.4)))
    return placements


def _seated_staff(rng) -> Placement:
    """Staff sitting behind the desk: lower and smaller than standing, the desk hiding more of them."""
    height = int(rng.uniform(0.44, 0.52) * HEIGHT)
    width = height * astronaut().image.shape[1] / astronaut().image.shape[0]
    left = int(rng.uniform(STAFF_ZONE[0][0] * WIDTH, STAFF_ZONE[1][0] * WIDTH - width))
    top = int(rng.uniform(0.2, 0.26) * HEIGHT)
    return Placement(
        None,
        0,
        left,
        top,
        height,
        bool(rng.integers(2)),
        tuple(rng.uniform(0.85, 1.1, 3).tolist()),
        staff=True,
    )  # type: ignore[arg-type]


def _hard_frame(
    rng,
    *,
    staff: Placement | None,
    citizens: list[Placement],
    things_staff: int,
    things_citizen: int,
    hide_one: bool = False,
) -> np.ndarray:
    frame = empty_counter().copy()
    _things(frame, rng, things_staff, staff_side=True)
    if staff is not None:
        paste(frame, staff, below=int(COUNTER_TOP * HEIGHT))
    for placement in citizens:
        paste(frame, placement)
    if hide_one and citizens:  # a box carried in front of the first citizen's chest
        victim = citizens[0]
        place(
            frame,
            _thing("box", rng, 0.16),
            victim.left + int(rng.integers(0, 30)),
            HEIGHT + int(0.06 * HEIGHT),
        )
    _things(frame, rng, things_citizen, staff_side=False)
    return frame


def build_hard(kind: str, index: int) -> Scene:
    rng = np.random.default_rng([100 + HARD_KINDS.index(kind), index])
    name = f"hard-{kind}-{index:02d}"
    if kind == "objects":
        frame = _hard_frame(
            rng,
            staff=None,
            citizens=[],
            things_staff=int(rng.integers(1, 3)),
            things_citizen=int(rng.integers(1, 4)),
        )
        return Scene(name, kind, snapshot(frame, rng), (), True, False, 0, frozenset())
    if kind in ("queue_unstaffed", "seated_queue"):
        count = int(rng.integers(1, 4))
        citizens = _citizens(rng, count, overlapping=count > 1 and index % 2 == 0)
        if index % 5 == 1:  # one cut by the frame's edge
            citizens[0] = replace(citizens[0], left=-int(0.3 * citizens[0].height * 0.85))
        staff = _seated_staff(rng) if kind == "seated_queue" else None
        frame = _hard_frame(
            rng,
            staff=staff,
            citizens=citizens,
            things_staff=int(rng.integers(0, 2)),
            things_citizen=int(rng.integers(0, 2)),
            hide_one=index % 5 == 3,
        )
        flags = frozenset({"queue_unstaffed"}) if kind == "queue_unstaffed" else frozenset()
        return Scene(name, kind, snapshot(frame, rng), (), True, kind == "seated_queue", len(citizens), flags)
    staff = _seated_staff(rng) if rng.random() < 0.5 else None
    frame = _hard_frame(
        rng,
        staff=staff,
        citizens=_citizens(rng, int(rng.integers(0, 3)), overlapping=True),
        things_staff=1,
        things_citizen=1,
    )
    previous: list[bytes] = []
    if kind == "dark":
        jpeg = snapshot(frame, rng, gain=rng.uniform(0.04, 0.15))
    elif kind == "covered":
        jpeg = snapshot(covering(frame, rng), rng)
    elif kind == "blurred":
        jpeg = encode(out_of_focus(expose(frame, rng), rng), int(rng.integers(70, 91)))
    elif kind == "displaced":
        jpeg = encode(moved(expose(frame, rng), rng), int(rng.integers(70, 91)))
    elif kind == "frozen":
        previous = busy_sequence(rng, 2)
        last = snapshot(frame, rng)
        if index % 2:  # the recorder re-sends its last file byte for byte
            previous += [last] * int(rng.integers(1, 3))
            jpeg = last
        else:  # or re-encodes its last picture
            previous.append(last)
            jpeg = encode(decode(last), int(rng.integers(70, 91)))
    else:
        raise ValueError(kind)
    return Scene(name, kind, jpeg, tuple(previous), True, None, None, frozenset({kind}))


@functools.cache
def build_hard_scenes(per_kind: int = 20) -> tuple[Scene, ...]:
    """The harder labelled set: ``per_kind`` scenes of every kind of HARD_KINDS, the same on every run."""
    return tuple(build_hard(kind, index) for kind in HARD_KINDS for index in range(per_kind))
