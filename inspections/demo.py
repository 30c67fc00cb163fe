"""The demo province's year so far, for `make run` (``manage.py seed_demo``).

Hồ Chí Minh City's plan for the current year, approved last December, with what an inspection programme has
behind it by today (``timezone.localdate()``): the visits of the past months done (periodic and surprise,
checked in inside the geofence), findings of every severity with photos, remediation in every state (some
overdue, one extended, one delegated), counter cameras with analysed snapshots and their review, and a
reminder sweep. Visits from today on stay planned.

Everything goes through the services the phones and the web use, at moments in the past: a service that takes
``now=`` / ``captured_at=`` gets the moment; what a service stamps with the real clock (``accepted_at``,
``closed_at``, ``created_at``, ...) is moved back to the moment of its step afterwards (``DemoYear.at``). The
audit log is left as written: it is append-only, and tells when the demo was really seeded.

Made up for the demo, and said where it is done: the office positions (geofences) of visited units the demo
does not know, the names of the unit heads, and the delivery of the notices of past months (marked sent, so
that only today's sweep e-mails anything). Counter-camera frames are drawn with Pillow; the real analysis runs
on them and raises the flags the review then works on.
"""

import functools
import hashlib
import io
import math
import operator
import random
import textwrap
import uuid
from collections import Counter as Tally
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta
from decimal import Decimal

import cv2
import numpy as np
from django.core.files.base import ContentFile
from django.db.models import Case, F, Q, Value, When
from django.utils import timezone
from django.utils.text import slugify
from PIL import ExifTags, Image, ImageDraw, ImageFilter, ImageFont

from inspections.models import (
    Answer,
    AnswerResult,
    Camera,
    CameraKey,
    Counter,
    Criterion,
    Evidence,
    Finding,
    InspectionPlan,
    Notification,
    OrgUnit,
    OrgUnitKind,
    Remediation,
    RemediationAnswer,
    ReviewState,
    Role,
    Snapshot,
    User,
    Visit,
    VisitAssignment,
    VisitKind,
    VisitStatus,
)
from inspections.models.org import fold_for_search
from inspections.services import escalation, remediation
from inspections.services import field as field_work
from inspections.services.calendar import (
    add_working_days,
    count_working_days,
    is_working_day,
    next_working_day,
)
from inspections.services import snapshot_review as review, snapshots
from inspections.services.evidence import read_verified_file, store_answer_photo, store_photo
from inspections.services.plans import add_periodic_visit, approve_plan, assign_inspectors, create_plan

# --- who -----------------------------------------------------------------------------------------------------

# More inspectors for the city's team (no password: set one in the admin to sign in as them). One belongs to
# Home Affairs, so that the Inspectorate (79-TTR) itself can be inspected without a conflict of interest.
TEAM = [
    ("thanhtra2", "79-TTR", ("Hà", "Đặng Thu")),
    ("chuyenviennv", "79-SNV", ("Phúc", "Hoàng Văn")),
]
SURNAMES = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
            "Dương", "Lý"]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Ngọc", "Hữu", "Đức", "Hoàng", "Kim"]
GIVEN_NAMES = ["An", "Bình", "Cường", "Dũng", "Giang", "Hà", "Hải", "Hạnh", "Hiếu", "Hoa", "Khánh", "Lâm", "Linh",
               "Long", "Nam", "Nga", "Phong", "Phúc", "Quân", "Sơn", "Tâm", "Thảo", "Trang", "Trung", "Tú", "Vy"]

# --- what was found, and what the units did about it ----------------------------------------------------------

FINDINGS = {  # criterion: (what was found, recommendation)
    "OSS-01": ("Quầy số 2 không có công chức trực từ 8 giờ 05 đến 8 giờ 40, người dân phải chờ.",
               "Phân công trực thay khi công chức vắng; chấm công bằng máy tại bộ phận một cửa."),
    "OSS-02": ("02 công chức tại bộ phận một cửa không đeo thẻ công chức.",
               "Nhắc nhở, yêu cầu đeo thẻ trong giờ làm việc."),
    "OSS-03": ("Người dân phản ánh công chức tiếp nhận gợi ý \"chi phí bồi dưỡng\" để giải quyết hồ sơ nhanh.",
               "Xác minh, xử lý trách nhiệm cá nhân; công khai kết quả xử lý."),
    "OSS-04": ("Yêu cầu người dân nộp thêm bản sao chứng thực giấy tờ ngoài thành phần hồ sơ quy định.",
               "Chấm dứt ngay việc yêu cầu giấy tờ ngoài quy định; rà soát hồ sơ đã tiếp nhận."),
    "OSS-05": ("Bảng niêm yết thủ tục hành chính chưa cập nhật mức phí, lệ phí mới.",
               "Cập nhật, niêm yết lại đầy đủ thủ tục, phí, lệ phí theo quyết định công bố mới."),
    "OSS-06": ("Sổ theo dõi hồ sơ thiếu ngày trả kết quả của 15 hồ sơ.",
               "Cập nhật sổ theo dõi; đối chiếu với hệ thống thông tin giải quyết thủ tục hành chính."),
    "OSS-07": ("Tỷ lệ hồ sơ giải quyết đúng hạn trong quý chỉ đạt 88%.",
               "Rà soát nguyên nhân trễ hạn, có giải pháp nâng tỷ lệ đúng hạn."),
    "OSS-08": ("Chưa gửi thư xin lỗi đối với 6 hồ sơ giải quyết trễ hạn.",
               "Gửi thư xin lỗi, hẹn lại ngày trả kết quả cho người dân."),
    "OSS-09": ("Chưa tổ chức khảo sát mức độ hài lòng của người dân trong năm.",
               "Tổ chức khảo sát qua máy đánh giá tại quầy và phiếu khảo sát."),
    "OSS-10": ("Camera giám sát quầy số 1 không hoạt động.",
               "Sửa chữa camera, kết nối lại với hệ thống giám sát."),
    "OSS-11": ("Nhiều thủ tục đủ điều kiện nhưng chưa tiếp nhận trực tuyến toàn trình.",
               "Rà soát, đưa các thủ tục đủ điều kiện lên Cổng dịch vụ công."),
    "OSS-12": ("Hồ sơ đã giải quyết chưa được số hóa theo quy định.",
               "Số hóa hồ sơ, kết quả giải quyết theo quy định."),
    "OSS-13": ("Hòm thư góp ý không được mở định kỳ, khóa bị hỏng.",
               "Thay khóa, mở hòm thư hằng tuần và lập biên bản."),
    "OSS-14": ("Chưa niêm yết số điện thoại đường dây nóng, địa chỉ tiếp nhận phản ánh, kiến nghị.",
               "Niêm yết tại nơi dễ thấy ở bộ phận một cửa."),
    "OSS-15": ("Chưa có quyết định cử công chức làm việc tại bộ phận một cửa.",
               "Ban hành quyết định cử công chức theo quy định."),
    "OSS-16": ("Chưa ban hành kế hoạch tự kiểm tra cải cách hành chính năm.",
               "Ban hành kế hoạch và tổ chức tự kiểm tra."),
    "OSS-17": ("Chưa rà soát, công khai văn bản quy phạm pháp luật mới liên quan.",
               "Rà soát, công khai trên trang thông tin điện tử của đơn vị."),
    "OSS-18": ("Thu lệ phí chứng thực nhưng không cấp biên lai cho người dân.",
               "Cấp biên lai điện tử cho mọi khoản thu; hoàn trả khoản thu sai."),
}
FIX = "Đã khắc phục: {}"
REJECTIONS = [  # without a photo of the fix, with one
    "Chưa có ảnh minh chứng việc khắc phục; kế hoạch chưa nêu thời hạn hoàn thành.",
    "Ảnh minh chứng chưa thể hiện nội dung đã khắc phục; đề nghị bổ sung.",
]
EXTENSION_REASON = ("Cần thêm thời gian chờ quyết định công bố thủ tục hành chính mới của UBND Thành phố để "
                    "in và niêm yết lại toàn bộ.")
DISMISS_REASON = "Mất điện cục bộ tầng trệt từ 7 giờ 40 (Điện lực đã thông báo lịch cắt điện), không phải che camera."


@dataclass(frozen=True)
class Planned:
    """A finding an inspector will record, and what happens to it afterwards (``ARCS``)."""

    criterion: str
    arc: str
    severity: str | None = None  # the criterion's default unless said
    corrected_to: str | None = None  # a severity the inspector corrects it to after submission


# Periodic visits chosen by Home Affairs: unit, when (working days ago, share of the year so far, or working
# days ahead), and what is found there.
PERIODIC = [
    ("79-STC", ("share", 0.15), [Planned("OSS-18", "late"), Planned("OSS-12", "closed")]),
    ("27160", ("share", 0.25), [Planned("OSS-09", "closed"), Planned("OSS-14", "closed")]),
    ("26737", ("share", 0.35), []),  # a unit with nothing to say
    ("79-STP", ("share", 0.55), [Planned("OSS-04", "rejected_then_closed"),
                                 Planned("OSS-07", "accepted", severity="minor", corrected_to="major"),
                                 Planned("OSS-13", "closed")]),
    ("26758", ("ago", 55), [Planned("OSS-03", "ignored"), Planned("OSS-05", "rejected"),
                            Planned("OSS-08", "ignored")]),  # the unit that does not answer
    ("26740", ("share", 0.7), [Planned("OSS-02", "closed")]),
    ("79-SXD", ("share", 0.85), [Planned("OSS-16", "closed"), Planned("OSS-10", "rejected")]),
    ("26743", ("ago", 10), [Planned("OSS-01", "accepted"), Planned("OSS-05", "delegated"),
                            Planned("OSS-02", "open"), Planned("OSS-06", "extension")]),
    ("79-SYT", ("ahead", 8), []),
    ("27142", ("ahead", 15), []),
]
# What the surprise visits find, in turn, in the order they happened.
SURPRISE_FINDINGS = [
    [],
    [Planned("OSS-02", "closed")],
    [Planned("OSS-05", "closed"), Planned("OSS-14", "accepted")],
    [],
    [Planned("OSS-07", "accepted"), Planned("OSS-08", "closed")],
    [Planned("OSS-04", "rejected_then_closed"), Planned("OSS-06", "closed")],
    [Planned("OSS-13", "closed")],
    [Planned("OSS-11", "late"), Planned("OSS-12", "closed")],
    [],
    [Planned("OSS-18", "closed"), Planned("OSS-09", "answered")],
    [Planned("OSS-16", "ignored")],
    [Planned("OSS-15", "closed"), Planned("OSS-17", "closed")],
    [Planned("OSS-01", "closed")],
]

# Approximate office positions (latitude, longitude) of units the demo visits; other visited units without a
# geofence get a made-up position in the city (``made_up_office``).
OFFICES = {
    "26737": (10.7918, 106.6905), "26740": (10.7840, 106.7010), "26758": (10.7655, 106.6945),
    "27160": (10.7720, 106.6840), "27142": (10.7870, 106.6800), "79-STC": (10.7790, 106.6950),
    "79-SXD": (10.7770, 106.6930), "79-SYT": (10.7745, 106.6920), "26732": (8.6827, 106.6092),
}

# --- counter cameras ------------------------------------------------------------------------------------------

STAFF_ZONE = [[0.26, 0.10], [0.74, 0.10], [0.74, 0.60], [0.26, 0.60]]
CITIZEN_ZONE = [[0.0, 0.66], [1.0, 0.66], [1.0, 1.0], [0.0, 1.0]]
DESK_TOP, DESK_BOTTOM = 0.60, 0.68  # the counter's desk, relative heights
FRAME = (1280, 720)
PHOTO = (800, 450)
# unit, counter, wall colour, what went wrong in front of it (``DemoYear.camera_incident``)
CAMERAS = [
    ("26743", "Quầy 1", (222, 212, 190), "queue"),
    ("26743", "Quầy 2", (222, 212, 190), "covered"),
    ("79-STP", "Quầy 1", (205, 215, 225), "dark"),
    ("26740", "Quầy 1", (215, 222, 200), "frozen"),
]
ROUTINE_TIMES = [time(8, 10), time(10, 40), time(12, 15), time(14, 50)]  # 12:15 is the lunch break


def ascii_upper(text: str) -> str:
    """Vietnamese without its accents, upper case: Pillow's built-in font has no Vietnamese glyphs."""
    return fold_for_search(text).upper()


@functools.cache
def font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    return ImageFont.load_default(size=size)


def draw_person(draw: ImageDraw.ImageDraw, cx: float, top: float, height: float, shirt: tuple[int, int, int],
                skin=(225, 185, 150), hair=(30, 25, 20)) -> None:
    head = height * 0.22
    draw.ellipse([cx - head * 0.4, top, cx + head * 0.4, top + head], fill=skin)
    draw.ellipse([cx - head * 0.42, top - 4, cx + head * 0.42, top + head * 0.45], fill=hair)
    draw.rectangle([cx - head * 0.15, top + head, cx + head * 0.15, top + head * 1.15], fill=skin)
    draw.polygon([(cx - head * 0.9, top + head * 1.15), (cx + head * 0.9, top + head * 1.15),
                  (cx + head * 1.2, top + height), (cx - head * 1.2, top + height)], fill=shirt)


@functools.lru_cache(maxsize=8)
def empty_counter(size: tuple[int, int], wall: tuple[int, int, int], unit_name: str, counter: str) -> Image.Image:
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
    draw.text((0.045 * width, 0.105 * height), ascii_upper(unit_name)[:40], fill=(255, 255, 255), font=font(small))
    draw.rectangle([0.03 * width, 0.2 * height, 0.22 * width, 0.52 * height], fill=(40, 90, 160))
    draw.text((0.04 * width, 0.22 * height), "GIO LAM VIEC", fill=(255, 255, 255), font=font(large))
    for i, line in enumerate(["THU 2 - THU 6", "SANG: 7:30 - 11:30", "CHIEU: 13:30 - 17:00"]):
        draw.text((0.04 * width, (0.29 + 0.05 * i) * height), line, fill=(230, 230, 230), font=font(small))
    draw.rectangle([0.75 * width, 0.05 * height, 0.97 * width, 0.53 * height], fill=(245, 245, 240),
                   outline=(60, 60, 60), width=4)
    for i in range(14):
        draw.text((0.76 * width, (0.07 + 0.031 * i) * height), f"TTHC {i + 1:02d}: HO SO, PHI, LE PHI",
                  fill=(30, 30, 30), font=font(small))
    draw.rectangle([0, top, width, bottom], fill=(150, 105, 70))
    for x in range(0, width, 23):
        draw.line([(x, top), (x + 40, bottom)], fill=(135, 95, 62), width=2)
    draw.rectangle([0, top, width, top + 6], fill=(195, 150, 115))
    draw.text((0.45 * width, bottom - 1.3 * large), ascii_upper(counter), fill=(240, 240, 240), font=font(large))
    for y in range(bottom, height, height // 15):
        draw.line([(0, y), (width, y)], fill=(170, 170, 165), width=2)
    for x in range(0, width + width // 2, width // 13):
        draw.line([(x, bottom), (x - width // 20, height)], fill=(170, 170, 165), width=2)
    return image


def counter_scene(size: tuple[int, int], wall: tuple[int, int, int], unit_name: str, counter: str, *,
                  staffed: bool, citizens: int, rng: random.Random) -> Image.Image:
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
        draw_person(draw, ((slot + 0.5) / 4 + rng.uniform(-0.05, 0.05)) * width, 0.70 * height, 0.38 * height,
                    shirt)
    return image


@functools.lru_cache(maxsize=6)
def sensor_noise(width: int, height: int, sigma: float) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian noise a little larger than a frame, as its positive and negative parts (uint8, for saturating
    adds): each picture reads it at its own offset, which is much faster than drawing new noise."""
    noise = np.random.default_rng(11).standard_normal((height + 61, width + 89, 3), dtype=np.float32) * sigma
    return np.clip(noise, 0, 255).astype(np.uint8), np.clip(-noise, 0, 255).astype(np.uint8)


def encode(image: Image.Image, *, seed: int, gain: float = 1.0, noise: float = 3.0, quality: int = 85,
           exif: Image.Exif | None = None) -> bytes:
    """What a sensor makes of the scene: exposure, noise, JPEG."""
    width, height = image.size
    dy, dx = seed % 61, (seed * 7) % 89
    pixels = np.asarray(image.convert("RGB"))
    if gain != 1.0:
        pixels = cv2.convertScaleAbs(pixels, alpha=gain)
    brighter, darker = (np.ascontiguousarray(part[dy:dy + height, dx:dx + width])
                        for part in sensor_noise(width, height, noise))
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
    gps[ExifTags.GPS.GPSLatitudeRef], gps[ExifTags.GPS.GPSLatitude] = "N" if latitude >= 0 else "S", dms(latitude)
    gps[ExifTags.GPS.GPSLongitudeRef], gps[ExifTags.GPS.GPSLongitude] = ("E" if longitude >= 0 else "W",
                                                                         dms(longitude))
    return exif


def photo(unit: OrgUnit, lines: list[str], moment: datetime, position: tuple[float, float], *,
          banner: tuple[int, int, int], seed: int) -> bytes:
    """A phone photo of the unit's counter with a caption of what it shows (evidence for demo data)."""
    rng = random.Random(seed)
    image = counter_scene(PHOTO, (222, 212, 190), unit.name, "Quay 1", staffed=rng.random() < 0.6,
                          citizens=rng.randrange(3), rng=rng)
    draw = ImageDraw.Draw(image)
    width, height = PHOTO
    caption = [ascii_upper(unit.name)] + [ascii_upper(line) for text in lines for line in textwrap.wrap(text, 62)]
    caption = caption[:4] + [timezone.localtime(moment).strftime("%d/%m/%Y %H:%M")]
    box_top = height - 10 - 20 * len(caption)
    draw.rectangle([0, box_top - 8, width, height], fill=banner)
    for i, line in enumerate(caption):
        draw.text((14, box_top + 20 * i), line, fill=(255, 255, 255), font=font(16))
    return encode(image, seed=seed, noise=2.0, quality=84, exif=photo_exif(moment, *position))


def made_up_office(code: str) -> tuple[float, float]:
    """A stable position in the city for a unit whose office position the demo does not know."""
    digest = hashlib.sha256(code.encode()).digest()
    return (round(10.72 + int.from_bytes(digest[:4], "big") % 1600 / 10_000, 6),
            round(106.58 + int.from_bytes(digest[4:8], "big") % 2000 / 10_000, 6))


def offset(latitude: float, longitude: float, metres: float, bearing: float) -> tuple[float, float]:
    """The point ``metres`` away in direction ``bearing`` (degrees from north), on a flat local map."""
    north, east = metres * math.cos(math.radians(bearing)), metres * math.sin(math.radians(bearing))
    return (round(latitude + north / 111_320, 7),
            round(longitude + east / (111_320 * math.cos(math.radians(latitude))), 7))


# --- the year -------------------------------------------------------------------------------------------------

# Fields the services stamp with the real clock, moved back to the moment of the demo step that wrote them.
STAMPED = [
    (InspectionPlan, ("created_at", "approved_at")),
    (Visit, ("created_at",)),
    (VisitAssignment, ("assigned_at",)),
    (Answer, ("updated_at",)),
    (Finding, ("created_at",)),
    (Evidence, ("created_at", "stored_at")),
    (Remediation, ("created_at", "updated_at", "accepted_at", "closed_at", "extension_requested_at",
                   "extension_decided_at")),
    (RemediationAnswer, ("submitted_at", "decided_at")),
    (Notification, ("created_at",)),
    (Camera, ("created_at",)),
    (CameraKey, ("created_at",)),
    (Snapshot, ("received_at", "analysed_at", "reviewed_at")),
]


@dataclass
class Summary:
    year: int
    plan: InspectionPlan
    camera_keys: list[tuple[str, str]] = field(default_factory=list)
    sweep: escalation.SweepResult | None = None

    def lines(self) -> list[str]:
        plan, province = self.plan, self.plan.authority
        visits = Tally(plan.visits.values_list("status", flat=True))
        kinds = Tally(plan.visits.exclude(status=VisitStatus.PLANNED).values_list("kind", flat=True))
        findings = Finding.objects.filter(unit__path__startswith=province.path, correction__isnull=True,
                                          captured_at__year=self.year)
        severities = Tally(findings.values_list("severity", flat=True))
        states = Tally(Remediation.objects.filter(finding__in=findings).values_list("state", flat=True))
        overdue = Remediation.objects.filter(finding__in=findings, state__in=escalation.WAITING_FOR_UNIT,
                                             deadline__lt=timezone.localdate()).count()
        photos = Evidence.objects.filter(finding__in=findings).count()
        fix_photos = Evidence.objects.filter(answer__remediation__finding__in=findings).count()
        shots = Snapshot.objects.filter(camera__counter__unit__path__startswith=province.path)
        reviews = Tally(shots.exclude(review_state="").values_list("review_state", flat=True))
        lines = [
            f"Demo year {self.year}: {plan.title}, approved {timezone.localtime(plan.approved_at):%d/%m/%Y}",
            f"  visits: {visits[VisitStatus.SUBMITTED]} done ({kinds['periodic']} periodic, {kinds['surprise']} "
            f"surprise), {visits[VisitStatus.PLANNED]} planned",
            f"  findings: {severities['critical']} critical, {severities['major']} major, {severities['minor']} "
            f"minor ({findings.filter(source='cctv').count()} from CCTV); {photos} photos, {fix_photos} photos of fixes",
            "  remediation: " + ", ".join(f"{state} {states[state]}" for state in
                                          ("open", "answered", "accepted", "rejected", "closed"))
            + f"; {overdue} overdue",
            f"  cameras: {Camera.objects.filter(counter__unit__path__startswith=province.path).count()}, "
            f"{shots.count()} snapshots analysed, {shots.exclude(primary_flag='').count()} flagged "
            f"({reviews['confirmed']} confirmed, {reviews['dismissed']} dismissed, {reviews['open']} to review)",
        ]
        if self.sweep is not None:
            lines.append(f"  sweep: {self.sweep.reminders} reminders, {self.sweep.escalations} escalations, "
                         f"{self.sweep.notifications} notifications")
        if self.camera_keys:
            lines.append("  camera API keys (shown once; X-Camera-Key of /api/cameras/snapshots):")
            lines += [f"    {name}: {key}" for name, key in self.camera_keys]
        return lines


class DemoYear:
    """Builds the province's current year up to today. ``build`` does nothing when the year's plan exists."""

    def __init__(self, province: OrgUnit, reviewer: User, inspector: User):
        self.province, self.reviewer, self.inspector = province, reviewer, inspector
        self.now = timezone.now()
        self.today = timezone.localdate(self.now)
        self.year = self.today.year
        self.first_day = next_working_day(date(self.year, 1, 1))
        self.rng = random.Random(f"cchc-demo-{self.year}")
        self.seed = 0

    # --- time ---

    def moment(self, day: date, at: time, jitter_minutes: int = 0) -> datetime:
        minutes = self.rng.randrange(jitter_minutes + 1) if jitter_minutes else 0
        return timezone.make_aware(datetime.combine(day, at)) + timedelta(minutes=minutes)

    def past(self, moment: datetime) -> bool:
        return moment < self.now - timedelta(minutes=30)

    @contextmanager
    def at(self, moment: datetime, *models) -> Iterator[None]:
        """Whatever the block writes with the real clock, in ``models`` (default: all of ``STAMPED``), is dated
        ``moment`` (a demo value in the past). One UPDATE per model."""
        started = timezone.now()
        yield
        for model, names in STAMPED:
            if models and model not in models:
                continue
            written = functools.reduce(operator.or_, (Q(**{f"{name}__gte": started}) for name in names))
            model.objects.filter(written).update(**{
                name: Case(When(**{f"{name}__gte": started}, then=Value(moment)), default=F(name))
                for name in names})

    def days_so_far(self) -> list[date]:
        day, days = self.first_day, []
        while day < self.today:
            if is_working_day(day):
                days.append(day)
            day += timedelta(days=1)
        return days

    def day_for(self, when: tuple[str, float]) -> date:
        """A periodic visit's date: working days ago, a share of the year so far, or working days ahead; a
        date that the calendar does not allow (the year only starting, or nearly over) falls on the other side."""
        how, value = when
        so_far = self.days_so_far()
        last = next_working_day(date(self.year, 12, 31) - timedelta(days=10))
        ahead = [day for day in (add_working_days(self.today, int(value)), last) if self.today < day <= date(
            self.year, 12, 31) and is_working_day(day)]
        if how == "ahead" and ahead:
            return ahead[0]
        if how == "ago" and so_far:
            return max(add_working_days(self.today, -int(value)), so_far[0])
        if how == "share" and so_far:
            return so_far[round(value * (len(so_far) - 1))]
        if so_far:
            return so_far[-1]
        return ahead[0] if ahead else next_working_day(self.today + timedelta(days=1))

    # --- people ---

    def team(self) -> list[User]:
        team = [self.inspector]
        for username, code, (first, last) in TEAM:
            user, created = User.objects.get_or_create(username=username, defaults={
                "role": Role.INSPECTOR, "unit": OrgUnit.objects.get(code=code), "first_name": first,
                "last_name": last, "email": f"{username}@demo.cchc.local"})
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            team.append(user)
        return team

    def heads(self) -> None:
        """A head for every unit under the city that has none (no password: they are names on the board)."""
        units = list(OrgUnit.objects.filter(parent=self.province, head__isnull=True).order_by("code"))
        for unit in units:
            digest = hashlib.sha256(unit.code.encode()).digest()
            title = "giamdoc" if unit.kind == OrgUnitKind.DEPARTMENT else "chutich"
            username = f"{title}.{unit.code.lower()}"
            head, created = User.objects.get_or_create(username=username, defaults={
                "role": Role.UNIT_HEAD, "unit": unit, "email": f"{username}@demo.cchc.local",
                "first_name": GIVEN_NAMES[digest[0] % len(GIVEN_NAMES)],
                "last_name": f"{SURNAMES[digest[1] % len(SURNAMES)]} {MIDDLE_NAMES[digest[2] % len(MIDDLE_NAMES)]}"})
            if created:
                head.set_unusable_password()
                head.save(update_fields=["password"])
            OrgUnit.objects.filter(pk=unit.pk).update(head=head)

    # --- the plan ---

    def approve(self, team: list[User]) -> InspectionPlan:
        """Drafted a week before its approval in mid-December of last year: the draw spreads over this year."""
        approved_on = next_working_day(date(self.year - 1, 12, 15))
        with self.at(self.moment(add_working_days(approved_on, -5), time(9, 30))):
            plan = create_plan(actor=self.reviewer, authority=self.province, year=self.year,
                               title=f"Kế hoạch kiểm tra CCHC năm {self.year}", surprise_share=Decimal("0.8"),
                               inspectors=team)
            for code, when, _findings in PERIODIC:
                add_periodic_visit(plan, OrgUnit.objects.get(code=code), self.day_for(when), actor=self.reviewer)
        with self.at(self.moment(approved_on, time(15, 0))):
            plan = approve_plan(plan, actor=self.reviewer, today=approved_on)
        with self.at(self.moment(add_working_days(approved_on, 1), time(9, 0))):
            busy: Tally = Tally()

            def eligible(visit: Visit) -> list[User]:  # never an inspector of the inspected unit
                return [person for person in team if not person.unit.path.startswith(visit.unit.path)]

            visits = sorted(plan.visits.select_related("unit"),
                            key=lambda visit: (visit.planned_date, len(eligible(visit)), visit.pk))
            for visit in visits:
                inspector = next(person for person in eligible(visit) if busy[person.pk, visit.planned_date] < 2)
                assign_inspectors(visit, [inspector], actor=self.reviewer)
                busy[inspector.pk, visit.planned_date] += 1
        for visit in plan.visits.select_related("unit"):
            unit = visit.unit
            if not unit.has_geofence:
                latitude, longitude = OFFICES.get(unit.code) or made_up_office(unit.code)
                OrgUnit.objects.filter(pk=unit.pk).update(geofence_latitude=latitude, geofence_longitude=longitude,
                                                          geofence_radius_m=150)
        return plan

    # --- field work ---

    def visit(self, visit: Visit, planned: list[Planned]) -> None:
        """Check in on site, answer the checklist, record the findings with a photo each, submit."""
        visit = Visit.objects.select_related("unit").get(pk=visit.pk)
        unit = visit.unit
        assignment = VisitAssignment.objects.filter(visit=visit).select_related("inspector").order_by("pk").first()
        assert assignment is not None  # every visit of the demo plan is assigned (``approve``)
        inspector = assignment.inspector
        assert unit.geofence_latitude is not None and unit.geofence_longitude is not None
        position = offset(unit.geofence_latitude, unit.geofence_longitude, self.rng.uniform(15, 70),
                          self.rng.uniform(0, 360))
        arrived = self.moment(visit.planned_date, time(8, 0), 75)
        with self.at(arrived, Answer):
            field_work.check_in(visit, actor=inspector, latitude=position[0], longitude=position[1],
                                accuracy_m=self.rng.uniform(8, 25), now=arrived,
                                device_time=arrived + timedelta(seconds=self.rng.randint(-40, 40)))
            found = {p.criterion for p in planned}
            for criterion in Criterion.objects.filter(template_id=Visit.objects.get(pk=visit.pk).template_id):
                if criterion.code not in found:
                    result = AnswerResult.NOT_APPLICABLE if criterion.code == "OSS-08" and self.rng.random() < 0.3 \
                        else AnswerResult.PASS
                    field_work.answer_criterion(visit, actor=inspector, criterion_code=criterion.code, result=result)
        findings = []
        for number, item in enumerate(planned):
            moment = arrived + timedelta(minutes=25 + 15 * number)
            text, recommendation = FINDINGS[item.criterion]
            with self.at(moment, Answer, Finding, Evidence):
                photo_id = uuid.uuid4()
                finding = field_work.record_finding(
                    visit, actor=inspector, client_id=uuid.uuid4(), criterion_code=item.criterion, text=text,
                    severity=item.severity, recommendation=recommendation, latitude=position[0],
                    longitude=position[1], captured_at=moment, evidence_ids=[photo_id], now=moment)
                self.seed += 1
                store_photo(actor=inspector, evidence_id=photo_id, finding_id=finding.uuid,
                            data=photo(unit, [f"{item.criterion}: {text}"], moment, position, banner=(150, 30, 30),
                                       seed=self.seed))
            findings.append((finding, item))
        left = arrived + timedelta(minutes=90 + 15 * len(planned))
        with self.at(left, Remediation, Notification):
            field_work.submit_visit(visit, actor=inspector, now=left)
        for index, (finding, item) in enumerate(findings):
            if item.corrected_to:
                with self.at(left + timedelta(hours=2), Finding, Remediation):
                    finding = field_work.correct_finding(
                        finding, actor=inspector, severity=item.corrected_to,
                        reason="Đối chiếu sổ theo dõi hồ sơ: tỷ lệ trễ hạn vượt ngưỡng, nâng mức độ.")
                findings[index] = (finding, item)
        for finding, item in findings:
            self.remediate(finding, item.arc, inspector)

    # --- remediation ---

    def arc(self, kind: str, found: date, deadline: date) -> list[tuple[date, str]]:
        """The moves of one finding's remediation, by working day (those still in the future do not happen)."""
        def day(base: date, count: int) -> date:
            return add_working_days(base, count)

        half = max(1, count_working_days(found, deadline) // 2)
        return {
            "closed": [(day(found, half), "answer"), (day(found, half + 2), "accept"), (day(found, half + 6), "verify")],
            "rejected_then_closed": [(day(found, 1), "answer_without_photo"), (day(found, 3), "reject"),
                                     (day(found, 6), "answer"), (day(found, 8), "accept"), (day(found, 12), "verify")],
            "accepted": [(day(found, half), "answer"), (day(found, half + 2), "accept")],
            "answered": [(day(found, max(1, 2 * half - 1)), "answer")],
            "late": [(day(deadline, 4), "answer"), (day(deadline, 7), "accept"), (day(deadline, 12), "verify")],
            "rejected": [(day(found, 2), "answer"), (day(found, 4), "reject")],
            "extension": [(day(found, 2), "extension"), (day(found, 3), "grant")],
            "delegated": [(day(found, 1), "assign"), (day(found, 4), "staff_answer")],
            "ignored": [],
            "open": [],
        }[kind]

    def remediate(self, finding: Finding, kind: str, inspector: User) -> None:
        """The moves of ``arc(kind)`` that are already in the past, by the unit's head (or the staff member the
        head assigned), the inspector of the visit, and Home Affairs for the extension."""
        found = timezone.localdate(finding.captured_at)
        head = finding.unit.head
        staff = User.objects.filter(unit=finding.unit, role=Role.UNIT_STAFF, is_active=True).first()
        hours = {"answer": time(16, 0), "answer_without_photo": time(16, 0), "staff_answer": time(16, 30),
                 "accept": time(10, 0), "reject": time(10, 0), "verify": time(15, 0), "extension": time(9, 30),
                 "grant": time(14, 30), "assign": time(8, 30)}
        photographed = False
        fix = Remediation.objects.get(finding=finding)
        for day, move in self.arc(kind, found, finding.deadline):
            moment = self.moment(day, hours[move], 40)
            if not self.past(moment) or head is None:
                return
            with self.at(moment, Remediation, RemediationAnswer, Evidence, Notification):
                if move in ("answer", "answer_without_photo", "staff_answer"):
                    author = staff if move == "staff_answer" and staff is not None else head
                    photos = ()
                    if move != "answer_without_photo":
                        self.seed += 1
                        upload = store_answer_photo(actor=author, evidence_id=uuid.uuid4(), data=photo(
                            finding.unit, [f"Da khac phuc {finding.criterion.code}"], moment,
                            (finding.latitude or 10.77, finding.longitude or 106.70), banner=(30, 120, 60),
                            seed=self.seed))
                        photos = (upload.evidence.uuid,)
                    photographed = bool(photos)
                    recommendation = finding.recommendation or FINDINGS[finding.criterion.code][1]
                    remediation.answer(fix, remediation.AnswerInput(
                        plan_of_action=recommendation, fix_done=FIX.format(recommendation.lower()),
                        fixed_on=day, evidence_ids=photos), actor=author, now=moment)
                elif move == "accept":
                    remediation.accept(fix, actor=inspector)
                elif move == "reject":
                    remediation.reject(fix, REJECTIONS[photographed], actor=inspector)
                elif move == "verify":
                    remediation.verify(fix, actor=inspector)
                elif move == "extension":
                    remediation.request_extension(fix, add_working_days(finding.deadline, 10), EXTENSION_REASON,
                                                  actor=head)
                elif move == "grant":
                    remediation.decide_extension(fix, True, actor=self.reviewer)
                elif move == "assign" and staff is not None:
                    remediation.assign(fix, staff, actor=head)

    # --- counter cameras ---

    def cameras(self) -> list[tuple[str, str]]:
        """Four counters with a camera each, a few days of snapshots analysed as the worker would, and the review
        of what they raised: a queue at an empty counter confirmed, a power cut dismissed, the rest to review."""
        days = []
        day = self.today
        while len(days) < 4:
            day -= timedelta(days=1)
            if is_working_day(day):
                days.append(day)
        days.reverse()
        installed = self.moment(add_working_days(days[0], -40), time(10, 0))
        keys = []
        for code, name, wall, incident in CAMERAS:
            unit = OrgUnit.objects.get(code=code)
            if Counter.objects.filter(unit=unit, name=name).exists():
                continue
            with self.at(installed, Camera, CameraKey):
                camera = Camera.objects.create(counter=Counter.objects.create(unit=unit, name=name),
                                               name=f"Camera {name}", staff_zone=STAFF_ZONE, citizen_zone=CITIZEN_ZONE)
                reference = encode(empty_counter(FRAME, wall, unit.name, name), seed=self.rng.randrange(10**6),
                                   noise=2.0, quality=90)
                # A name of its own: the worker caches a camera's prepared reference by camera and file name.
                camera.reference_frame.save(f"reference-{unit.code}-{slugify(ascii_upper(name))}.jpg",
                                            ContentFile(reference))
                keys.append((f"{unit.name} — {name}", snapshots.issue_key(camera)))
            frames = [(self.moment(day, moment), "routine") for day in days for moment in ROUTINE_TIMES]
            frames += self.camera_incident(incident, days)
            for captured_at, kind in sorted(frames):
                self.snapshot(camera, unit, wall, captured_at, kind)
            self.review(camera, incident, days)
        return keys

    def camera_incident(self, incident: str, days: list[date]) -> list[tuple[datetime, str]]:
        if incident == "queue":  # nobody at the counter while citizens wait, three snapshots in a row
            return [(self.moment(days[1], time(9, 30 + 5 * i)), "queue") for i in range(3)]
        if incident == "covered":  # something hung over the lens for a while
            return [(self.moment(days[3], time(15, 10 + 5 * i)), "covered") for i in range(2)]
        if incident == "dark":  # lights off early in the morning
            return [(self.moment(days[0], time(7, 40 + 5 * i)), "dark") for i in range(3)]
        # a busy counter, then the recorder sending its last picture again; and the camera knocked aside
        return ([(self.moment(days[3], time(14, 0 + 5 * i)), "busy") for i in range(3)]
                + [(self.moment(days[3], time(14, 15 + 5 * i)), "frozen") for i in range(3)]
                + [(self.moment(days[2], time(16, 20)), "displaced")])

    def snapshot(self, camera: Camera, unit: OrgUnit, wall: tuple[int, int, int], captured_at: datetime,
                 kind: str) -> None:
        self.seed += 1
        rng = random.Random(self.seed)
        working = snapshots.in_working_hours(camera, captured_at)
        people = rng.randrange(3) if working else 0

        def scene(staffed: bool, citizens: int) -> Image.Image:
            return counter_scene(FRAME, wall, unit.name, camera.counter.name, staffed=staffed, citizens=citizens,
                                 rng=rng)

        if kind == "frozen":  # the last picture again, re-encoded by the recorder (other bytes each time)
            last = Snapshot.objects.filter(camera=camera).latest("captured_at")
            with Image.open(io.BytesIO(read_verified_file(last.file_name, last.sha256))) as image:
                out = io.BytesIO()
                image.save(out, "JPEG", quality=88 - 4 * (self.seed % 5))
                data = out.getvalue()
        elif kind == "queue":
            data = encode(scene(False, rng.randint(1, 2)), seed=self.seed, gain=rng.uniform(0.9, 1.1))
        elif kind == "covered":
            cloth = Image.new("RGB", FRAME, (118, 108, 96)).filter(ImageFilter.GaussianBlur(5))
            data = encode(cloth, seed=self.seed, noise=1.5)
        elif kind == "dark":
            data = encode(scene(False, 0), seed=self.seed, gain=0.1)
        elif kind == "displaced":
            moved = scene(True, people).transform(FRAME, Image.Transform.AFFINE, (1, 0, 120, 0, 1, 30))
            data = encode(moved, seed=self.seed)
        elif kind == "busy":
            data = encode(scene(True, rng.randint(1, 2)), seed=self.seed)
        else:  # a working counter; nobody at lunch
            data = encode(scene(working, people), seed=self.seed, gain=rng.uniform(0.9, 1.1))
        with self.at(captured_at + timedelta(seconds=3), Snapshot):
            ingested = snapshots.ingest(camera, data, captured_at)
            # In real life the task worker analyses it; here it is analysed at once, by the same code.
            snapshots.run_analysis(ingested.snapshot.pk)

    def review(self, camera: Camera, incident: str, days: list[date]) -> None:
        flagged = Snapshot.objects.filter(camera=camera, review_state=ReviewState.OPEN)
        if incident == "queue":
            latest = flagged.filter(primary_flag="queue_unstaffed").order_by("-captured_at").first()
            if latest is not None:
                with self.at(self.moment(days[1], time(14, 0))):
                    review.confirm(latest, actor=self.inspector, note="Đối chiếu với lịch trực: quầy không có "
                                                                      "người trực, không có lý do.")
        elif incident == "dark":
            latest = flagged.filter(primary_flag="dark").order_by("-captured_at").first()
            if latest is not None:
                with self.at(self.moment(days[0], time(10, 0))):
                    review.dismiss(latest, actor=self.inspector, reason=DISMISS_REASON)

    # --- all of it ---

    def build(self) -> Summary | None:
        if InspectionPlan.objects.filter(authority=self.province, year=self.year).exists():
            return None
        first_notification = Notification.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
        team = self.team()
        self.heads()
        plan = self.approve(team)
        periodic = {code: planned for code, _when, planned in PERIODIC}
        done = list(plan.visits.filter(planned_date__lt=self.today).select_related("unit")
                    .order_by("planned_date", "pk"))
        surprises = 0
        for visit in done:
            if visit.unit.code in periodic and visit.kind == VisitKind.PERIODIC:
                planned = periodic[visit.unit.code]
            else:
                planned = SURPRISE_FINDINGS[surprises % len(SURPRISE_FINDINGS)]
                surprises += 1
            self.visit(visit, planned)
        summary = Summary(self.year, InspectionPlan.objects.select_related("authority").get(pk=plan.pk))
        summary.camera_keys = self.cameras()
        # The notices of past months were delivered then (e-mailed, and the older ones read): only what the
        # sweep below writes today goes out now, so the console backend prints a few e-mails, not hundreds.
        history = Notification.objects.filter(pk__gt=first_notification)
        history.filter(emailed_at=None).update(emailed_at=F("created_at"), claim="demo-history")
        history.filter(created_at__lt=self.now - timedelta(days=14)).update(read_at=F("created_at"))
        summary.sweep = escalation.sweep(now=self.now)
        return summary
