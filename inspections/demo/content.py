"""The demo's content, in Vietnamese as the province writes it: the names of the people it makes up, what the
inspectors find and what the units answer, which units are visited when and what happens to each finding, the
offices' positions and the counters with cameras. Tables only: ``year.py`` walks them through the services."""

import hashlib
from dataclasses import dataclass
from datetime import time

# --- who -----------------------------------------------------------------------------------------------------

# More inspectors for the city's team (no password: set one in the admin to sign in as them). One belongs to
# Home Affairs, so that the Inspectorate (79-TTR) itself can be inspected without a conflict of interest.
TEAM = [
    ("thanhtra2", "79-TTR", "Đặng Thu Hà"),
    ("chuyenviennv", "79-SNV", "Hoàng Văn Phúc"),
]
SURNAMES = [
    "Nguyễn",
    "Trần",
    "Lê",
    "Phạm",
    "Hoàng",
    "Huỳnh",
    "Phan",
    "Vũ",
    "Võ",
    "Đặng",
    "Bùi",
    "Đỗ",
    "Hồ",
    "Ngô",
    "Dương",
    "Lý",
]
MIDDLE_NAMES = ["Văn", "Thị", "Minh", "Quốc", "Thanh", "Ngọc", "Hữu", "Đức", "Hoàng", "Kim"]
GIVEN_NAMES = [
    "An",
    "Bình",
    "Cường",
    "Dũng",
    "Giang",
    "Hà",
    "Hải",
    "Hạnh",
    "Hiếu",
    "Hoa",
    "Khánh",
    "Lâm",
    "Linh",
    "Long",
    "Nam",
    "Nga",
    "Phong",
    "Phúc",
    "Quân",
    "Sơn",
    "Tâm",
    "Thảo",
    "Trang",
    "Trung",
    "Tú",
    "Vy",
]

# --- what was found, and what the units did about it ----------------------------------------------------------

FINDINGS = {  # criterion: (what was found, recommendation)
    "OSS-01": (
        "Quầy số 2 không có công chức trực từ 8 giờ 05 đến 8 giờ 40, người dân phải chờ.",
        "Phân công trực thay khi công chức vắng; chấm công bằng máy tại bộ phận một cửa.",
    ),
    "OSS-02": (
        "02 công chức tại bộ phận một cửa không đeo thẻ công chức.",
        "Nhắc nhở, yêu cầu đeo thẻ trong giờ làm việc.",
    ),
    "OSS-03": (
        'Người dân phản ánh công chức tiếp nhận gợi ý "chi phí bồi dưỡng" để giải quyết hồ sơ nhanh.',
        "Xác minh, xử lý trách nhiệm cá nhân; công khai kết quả xử lý.",
    ),
    "OSS-04": (
        "Yêu cầu người dân nộp thêm bản sao chứng thực giấy tờ ngoài thành phần hồ sơ quy định.",
        "Chấm dứt ngay việc yêu cầu giấy tờ ngoài quy định; rà soát hồ sơ đã tiếp nhận.",
    ),
    "OSS-05": (
        "Bảng niêm yết thủ tục hành chính chưa cập nhật mức phí, lệ phí mới.",
        "Cập nhật, niêm yết lại đầy đủ thủ tục, phí, lệ phí theo quyết định công bố mới.",
    ),
    "OSS-06": (
        "Sổ theo dõi hồ sơ thiếu ngày trả kết quả của 15 hồ sơ.",
        "Cập nhật sổ theo dõi; đối chiếu với hệ thống thông tin giải quyết thủ tục hành chính.",
    ),
    "OSS-07": (
        "Tỷ lệ hồ sơ giải quyết đúng hạn trong quý chỉ đạt 88%.",
        "Rà soát nguyên nhân trễ hạn, có giải pháp nâng tỷ lệ đúng hạn.",
    ),
    "OSS-08": (
        "Chưa gửi thư xin lỗi đối với 6 hồ sơ giải quyết trễ hạn.",
        "Gửi thư xin lỗi, hẹn lại ngày trả kết quả cho người dân.",
    ),
    "OSS-09": (
        "Chưa tổ chức khảo sát mức độ hài lòng của người dân trong năm.",
        "Tổ chức khảo sát qua máy đánh giá tại quầy và phiếu khảo sát.",
    ),
    "OSS-10": (
        "Camera giám sát quầy số 1 không hoạt động.",
        "Sửa chữa camera, kết nối lại với hệ thống giám sát.",
    ),
    "OSS-11": (
        "Nhiều thủ tục đủ điều kiện nhưng chưa tiếp nhận trực tuyến toàn trình.",
        "Rà soát, đưa các thủ tục đủ điều kiện lên Cổng dịch vụ công.",
    ),
    "OSS-12": (
        "Hồ sơ đã giải quyết chưa được số hóa theo quy định.",
        "Số hóa hồ sơ, kết quả giải quyết theo quy định.",
    ),
    "OSS-13": (
        "Hòm thư góp ý không được mở định kỳ, khóa bị hỏng.",
        "Thay khóa, mở hòm thư hằng tuần và lập biên bản.",
    ),
    "OSS-14": (
        "Chưa niêm yết số điện thoại đường dây nóng, địa chỉ tiếp nhận phản ánh, kiến nghị.",
        "Niêm yết tại nơi dễ thấy ở bộ phận một cửa.",
    ),
    "OSS-15": (
        "Chưa có quyết định cử công chức làm việc tại bộ phận một cửa.",
        "Ban hành quyết định cử công chức theo quy định.",
    ),
    "OSS-16": (
        "Chưa ban hành kế hoạch tự kiểm tra cải cách hành chính năm.",
        "Ban hành kế hoạch và tổ chức tự kiểm tra.",
    ),
    "OSS-17": (
        "Chưa rà soát, công khai văn bản quy phạm pháp luật mới liên quan.",
        "Rà soát, công khai trên trang thông tin điện tử của đơn vị.",
    ),
    "OSS-18": (
        "Thu lệ phí chứng thực nhưng không cấp biên lai cho người dân.",
        "Cấp biên lai điện tử cho mọi khoản thu; hoàn trả khoản thu sai.",
    ),
}
FIX = "Đã khắc phục: {}"
REJECTIONS = [  # without a photo of the fix, with one
    "Chưa có ảnh minh chứng việc khắc phục; kế hoạch chưa nêu thời hạn hoàn thành.",
    "Ảnh minh chứng chưa thể hiện nội dung đã khắc phục; đề nghị bổ sung.",
]
EXTENSION_REASON = (
    "Cần thêm thời gian chờ quyết định công bố thủ tục hành chính mới của UBND Thành phố để "
    "in và niêm yết lại toàn bộ."
)
# What the inspector notes when confirming a camera incident into a finding.
CONFIRM_NOTES = {
    "queue": "Đối chiếu với lịch trực: quầy không có người trực, không có lý do.",
    "covered": "Camera bị che khuất trong giờ làm việc; đơn vị không báo trước.",
}
DISMISS_REASON = (
    "Mất điện cục bộ tầng trệt từ 7 giờ 40 (Điện lực đã thông báo lịch cắt điện), không phải che camera."
)


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
    (
        "27160",
        ("share", 0.25),
        # OSS-03 recorded by mistake, withdrawn by a correction after submission (its remediation ends so).
        [Planned("OSS-09", "closed"), Planned("OSS-14", "closed"), Planned("OSS-03", "withdrawn")],
    ),
    ("26737", ("share", 0.35), []),  # a unit with nothing to say
    (
        "79-STP",
        ("share", 0.55),
        [
            Planned("OSS-04", "rejected_then_closed"),
            Planned("OSS-07", "accepted", severity="minor", corrected_to="major"),
            Planned("OSS-13", "closed"),
        ],
    ),
    (
        "26758",
        ("ago", 55),
        [Planned("OSS-03", "ignored"), Planned("OSS-05", "rejected"), Planned("OSS-08", "ignored")],
    ),  # the unit that does not answer
    ("26740", ("share", 0.7), [Planned("OSS-02", "closed")]),
    ("79-SXD", ("share", 0.85), [Planned("OSS-16", "closed"), Planned("OSS-10", "rejected")]),
    (
        "26743",
        ("ago", 10),
        [
            Planned("OSS-01", "accepted"),
            Planned("OSS-05", "delegated"),
            Planned("OSS-02", "open"),
            Planned("OSS-06", "extension"),
        ],
    ),
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
    "26737": (10.7918, 106.6905),
    "26740": (10.7840, 106.7010),
    "26758": (10.7655, 106.6945),
    "27160": (10.7720, 106.6840),
    "27142": (10.7870, 106.6800),
    "79-STC": (10.7790, 106.6950),
    "79-SXD": (10.7770, 106.6930),
    "79-SYT": (10.7745, 106.6920),
    "26732": (8.6827, 106.6092),
}


# --- counter cameras ------------------------------------------------------------------------------------------

# unit, counter, wall colour, what went wrong in front of it (``DemoYear.camera_incident``)
CAMERAS = [
    ("26743", "Quầy 1", (222, 212, 190), "queue"),
    ("26743", "Quầy 2", (222, 212, 190), "covered"),
    ("79-STP", "Quầy 1", (205, 215, 225), "dark"),
    ("26740", "Quầy 1", (215, 222, 200), "frozen"),
]
ROUTINE_TIMES = [time(8, 10), time(10, 40), time(12, 15), time(14, 50)]  # 12:15 is the lunch break


def made_up_office(code: str) -> tuple[float, float]:
    """A stable position in the city for a unit whose office position the demo does not know."""
    digest = hashlib.sha256(code.encode()).digest()
    return (
        round(10.72 + int.from_bytes(digest[:4], "big") % 1600 / 10_000, 6),
        round(106.58 + int.from_bytes(digest[4:8], "big") % 2000 / 10_000, 6),
    )
