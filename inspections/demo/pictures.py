"""The demo's own pictures, drawn with Pillow and put through a made-up sensor with OpenCV: a one-stop-shop
counter (empty, staffed, with citizens waiting), phone photos of findings and fixes with their EXIF capture time
and GPS, and the JPEG a counter camera sends. The real analysis runs on them (``inspections.cctv``) and raises the
flags the demo's review works on; the tests draw their own scenes (``tests/``), this is the demo's alone."""

import functools
import io
import random
import textwrap
from datetime import datetime

import cv2
import numpy as np
from django.utils import timezone
from PIL import ExifTags, Image, ImageDraw, ImageFont

from inspections.models import OrgUnit
from inspections.models.org import fold_for_search

# A camera's zones, relative to its frame, drawn to match the scene below (staff behind the desk, citizens in front).
STAFF_ZONE = [[0.26, 0.10], [0.74, 0.10], [0.74, 0.60], [0.26, 0.60]]
CITIZEN_ZONE = [[0.0, 0.66], [1.0, 0.66], [1.0, 1.0], [0.0, 1.0]]
DESK_TOP, DESK_BOTTOM = 0.60, 0.68  # the counter's desk, relative heights
FRAME = (1280, 720)
PHOTO = (800, 450)


def ascii_upper(text: str) -> str:
    """Vietnamese without its accents, upper case: Pillow's built-in font has no Vietnamese glyphs."""
    return fold_for_search(text).upper()


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_person(
    draw: ImageDraw.ImageDraw,
    cx: float,
    top: float,
    height: float,
    shirt: tuple[int, int, int],
    skin=(225, 185, 150),
    hair=(30, 25, 20),
) -> None:
    head = height * 0.22
    draw.ellipse([cx - head * 0.4, top, cx + head * 0.4, top + head], fill=skin)
    draw.ellipse([cx - head * 0.42, top - 4, cx + head * 0.42, top + head * 0.45], fill=hair)
    draw.rectangle([cx - head * 0.15, top + head, cx + head * 0.15, top + head * 1.15], fill=skin)
    draw.polygon(
        [
            (cx - head * 0.9, top + head * 1.15),
            (cx + head * 0.9, top + head * 1.15),
            (cx + head * 1.2, top + height),
            (cx - head * 1.2, top + height),
        ],
        fill=shirt,
    )


@functools.lru_cache(maxsize=8)
def empty_counter(
    size: tuple[int, int], wall: tuple[int, int, int], unit_name: str, counter: str
) -> Image.Image:
    """A one-stop-shop counter with nobody at it: wall panels, the unit's sign, the opening hours, the posted
    procedures, the desk and a tiled floor."""
    width, height = size
    image = Image.new("RGB", size, wall)
    draw = ImageDraw.Draw(image)
    shade = tuple(max(0, c - 30) for c in wall)
    top, bottom = int(DESK_TOP * height), int(DESK_BOTTOM * height)
    for x in range(0, width, width // 8):
        draw.line([(x, 0), (x, top)], fill=shade, width=3)
    for y in range(0, top, height // 8):
        draw.line([(0, y), (width, y)], fill=shade, width=2)
    small, large = max(10, height // 48), max(14, height // 26)
    draw.rectangle([0.03 * width, 0.04 * height, 0.42 * width, 0.15 * height], fill=(170, 20, 30))
    draw.text((0.045 * width, 0.055 * height), "BO PHAN MOT CUA", fill=(255, 240, 120), font=font(large))
    draw.text(
        (0.045 * width, 0.105 * height), ascii_upper(unit_name)[:40], fill=(255, 255, 255), font=font(small)
    )
    draw.rectangle([0.03 * width, 0.2 * height, 0.22 * width, 0.52 * height], fill=(40, 90, 160))
    draw.text((0.04 * width, 0.22 * height), "GIO LAM VIEC", fill=(255, 255, 255), font=font(large))
    for i, line in enumerate(["THU 2 - THU 6", "SANG: 7:30 - 11:30", "CHIEU: 13:30 - 17:00"]):
        draw.text((0.04 * width, (0.29 + 0.05 * i) * height), line, fill=(230, 230, 230), font=font(small))
    draw.rectangle(
        [0.75 * width, 0.05 * height, 0.97 * width, 0.53 * height],
        fill=(245, 245, 240),
        outline=(60, 60, 60),
        width=4,
    )
    for i in range(14):
        draw.text(
            (0.76 * width, (0.07 + 0.031 * i) * height),
            f"TTHC {i + 1:02d}: HO SO, PHI, LE PHI",
            fill=(30, 30, 30),
            font=font(small),
        )
    draw.rectangle([0, top, width, bottom], fill=(150, 105, 70))
    for x in range(0, width, 23):
        draw.line([(x, top), (x + 40, bottom)], fill=(135, 95, 62), width=2)
    draw.rectangle([0, top, width, top + 6], fill=(195, 150, 115))
    draw.text(
        (0.45 * width, bottom - 1.3 * large), ascii_upper(counter), fill=(240, 240, 240), font=font(large)
    )
    for y in range(bottom, height, height // 15):
        draw.line([(0, y), (width, y)], fill=(170, 170, 165), width=2)
    for x in range(0, width + width // 2, width // 13):
        draw.line([(x, bottom), (x - width // 20, height)], fill=(170, 170, 165), width=2)
    return image


def counter_scene(
    size: tuple[int, int],
    wall: tuple[int, int, int],
    unit_name: str,
    counter: str,
    *,
    staffed: bool,
    citizens: int,
    rng: random.Random,
) -> Image.Image:
    """The counter with a civil servant behind the desk (or not) and ``citizens`` people in front of it."""
    width, height = size
    empty = empty_counter(size, wall, unit_name, counter)
    image = empty.copy()
    draw = ImageDraw.Draw(image)
    if staffed:
        draw_person(draw, rng.uniform(0.38, 0.62) * width, 0.18 * height, 0.5 * height, (60, 110, 190))
        desk = int(DESK_TOP * height)
        image.paste(empty.crop((0, desk, width, height)), (0, desk))  # the desk hides the legs
        draw = ImageDraw.Draw(image)
    for slot in sorted(rng.sample(range(4), citizens)):
        shirt = (rng.randrange(30, 230), rng.randrange(30, 230), rng.randrange(30, 230))
        draw_person(
            draw, ((slot + 0.5) / 4 + rng.uniform(-0.05, 0.05)) * width, 0.70 * height, 0.38 * height, shirt
        )
    return image


@functools.lru_cache(maxsize=6)
def sensor_noise(width: int, height: int, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian noise a little larger than a frame, as its positive and negative parts (uint8, for saturating
    adds): each picture reads it at its own offset, which is much faster than drawing new noise."""
    noise = np.random.default_rng(11).standard_normal((height + 61, width + 89, 3), dtype=np.float32) * sigma
    return np.clip(noise, 0, 255).astype(np.uint8), np.clip(-noise, 0, 255).astype(np.uint8)


def encode(
    image: Image.Image,
    *,
    seed: int,
    gain: float = 1.0,
    noise: float = 3.0,
    quality: int = 85,
    exif: Image.Exif | None = None,
) -> bytes:
    """What a sensor makes of the scene: exposure, noise, JPEG."""
    width, height = image.size
    dy, dx = seed % 61, (seed * 7) % 89
    pixels = np.asarray(image.convert("RGB"))
    if gain != 1.0:
        pixels = cv2.convertScaleAbs(pixels, alpha=gain)
    brighter, darker = (
        np.ascontiguousarray(part[dy : dy + height, dx : dx + width])
        for part in sensor_noise(width, height, noise)
    )
    pixels = cv2.subtract(cv2.add(pixels, brighter), darker)
    out = io.BytesIO()
    Image.fromarray(pixels).save(out, "JPEG", quality=quality, **({"exif": exif} if exif else {}))
    return out.getvalue()


def photo_exif(moment: datetime, latitude: float, longitude: float) -> Image.Exif:
    """What a phone writes into a photo: its make, the local capture time with its offset, the GPS position."""
    local = timezone.localtime(moment)
    stamp = local.strftime("%Y:%m:%d %H:%M:%S")
    exif = Image.Exif()
    exif[ExifTags.Base.Make], exif[ExifTags.Base.Model] = "Samsung", "Galaxy A55"
    exif[ExifTags.Base.DateTime] = stamp
    details = exif.get_ifd(ExifTags.IFD.Exif)
    details[ExifTags.Base.DateTimeOriginal] = stamp
    details[ExifTags.Base.OffsetTimeOriginal] = local.strftime("%z")[:3] + ":" + local.strftime("%z")[3:]

    def dms(value: float) -> tuple[float, float, float]:
        value = abs(value)
        degrees, minutes = int(value), int(value * 60) % 60
        return float(degrees), float(minutes), round((value * 3600) % 60, 2)

    gps = exif.get_ifd(ExifTags.IFD.GPSInfo)
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = (
        "N" if latitude >= 0 else "S",
        dms(latitude),
    )
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = (
        "E" if longitude >= 0 else "W",
        dms(longitude),
    )
    return exif


def photo(
    unit: OrgUnit,
    lines: list[str],
    moment: datetime,
    position: tuple[float, float],
    *,
    banner: tuple[int, int, int],
    seed: int,
) -> bytes:
    """A phone photo of the unit's counter with a caption of what it shows (evidence for demo data)."""
    rng = random.Random(seed)
    image = counter_scene(
        PHOTO,
        (222, 212, 190),
        unit.name,
        "Quay 1",
        staffed=rng.random() < 0.6,
        citizens=rng.randrange(3),
        rng=rng,
    )
    draw = ImageDraw.Draw(image)
    width, height = PHOTO
    caption = [ascii_upper(unit.name)] + [
        ascii_upper(line) for text in lines for line in textwrap.wrap(text, 62)
    ]
    caption = caption[:4] + [timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")]
    box_top = height - 10 - 20 * len(caption)
    draw.rectangle([0, box_top - 8, width, height], fill=banner)
    for i, line in enumerate(caption):
        draw.text((14, box_top + 20 * i), line, fill=(255, 255, 255), font=font(16))
    return encode(image, seed=seed, noise=2.0, quality=84, exif=photo_exif(moment, *position))
