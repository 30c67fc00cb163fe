"""Real test images built from the photographs scikit-image ships (no download), with EXIF written by piexif.

``photo("astronaut")`` and ``photo("coffee")`` are the upright pictures; ``jpeg``, ``png``, ``webp`` and ``heic``
encode one with an optional EXIF block from ``exif(...)`` (capture time, offset, GPS, orientation).
``sideways(image, orientation)`` stores an upright picture the way a phone held sideways does, so that applying
the EXIF orientation gives the upright picture back. ``twelve_megapixel_jpeg()`` is the benchmark's photo.
The refused kinds (GIF, SVG, a text file, a PNG declaring huge dimensions) are built here too.
"""

import functools
import io
import struct
import zlib
from datetime import datetime
from fractions import Fraction

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


def exif(*, captured_at: datetime | None = None, offset: str | None = None,
         gps: tuple[float, float] | None = None, orientation: int | None = None) -> bytes:
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
    return jpeg(twelve_megapixel_photo(),
                exif(captured_at=datetime(2026, 3, 9, 8, 15, 30), offset="+07:00", gps=(10.776889, 106.700806)))


def svg() -> bytes:
    return (b'<?xml version="1.0" encoding="UTF-8"?>\n'
            b'<svg xmlns="http://www.w3.org/2000/svg" width="640" height="480">'
            b'<rect width="640" height="480" fill="red"/><script>alert(1)</script></svg>\n')


def text_file() -> bytes:
    return "Biên bản kiểm tra: this is a text file, whatever its name says.\n".encode() * 20


def _png_chunk(kind: bytes, payload: bytes) -> bytes:
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(">I", zlib.crc32(kind + payload))


def png_declaring(width: int, height: int) -> bytes:
    """A PNG whose IHDR (valid CRC) declares ``width``×``height`` 8-bit RGB pixels, followed by a few bytes of
    compressed zeros: a decompression bomb's header, built without ever allocating its pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (b"\x89PNG\r\n\x1a\n" + _png_chunk(b"IHDR", header)
            + _png_chunk(b"IDAT", zlib.compress(b"\x00" * 4096)) + _png_chunk(b"IEND", b""))
