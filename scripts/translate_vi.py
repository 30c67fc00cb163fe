"""Fill locale/vi/LC_MESSAGES/django.po from the table below (run after `makemessages -l vi`).

Kept as code so that a new string without a Vietnamese text is visible in review; `--check` exits 1 when a
msgid has no translation.
"""

import re
import sys
from pathlib import Path

PO = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"

VI = {
    "Vietnamese": "Tiếng Việt",
    "English": "Tiếng Anh",
    "province": "tỉnh/thành phố",
    "level": "cấp",
    "Province": "Tỉnh/thành phố",
    "Second level": "Cấp thứ hai",
    "Third level": "Cấp thứ ba",
    "Role and unit": "Vai trò và đơn vị",
    "CCHC inspections": "Kiểm tra cải cách hành chính",
    "Administrative-reform inspections": "Kiểm tra cải cách hành chính",
    "No such unit.": "Không tìm thấy đơn vị.",
    "Department": "Sở, ban, ngành",
    "District": "Quận/huyện",
    "Ward": "Phường",
    "Commune": "Xã",
    "Special zone": "Đặc khu",
    "code": "mã",
    "kind": "loại",
    "name": "tên",
    "parent": "đơn vị cấp trên",
    "head": "người đứng đầu",
    "address": "địa chỉ",
    "geofence latitude": "vĩ độ vùng định vị",
    "geofence longitude": "kinh độ vùng định vị",
    "geofence radius (m)": "bán kính vùng định vị (m)",
    "org unit": "đơn vị",
    "org units": "đơn vị",
    "Inspector": "Kiểm tra viên",
    "Unit head": "Người đứng đầu đơn vị",
    "Unit staff": "Cán bộ, công chức đơn vị",
    "Home Affairs reviewer": "Chuyên viên Sở Nội vụ",
    "Administrator": "Quản trị viên",
    "unit": "đơn vị",
    "role": "vai trò",
    "language": "ngôn ngữ",
    "phone": "điện thoại",
    "user": "người dùng",
    "users": "người dùng",
    "Only an administrator or the province's Home Affairs reviewer may change a unit.":
        "Chỉ quản trị viên hoặc Sở Nội vụ của tỉnh mới được sửa thông tin đơn vị.",
    "Give latitude, longitude and radius together, or none.":
        "Nhập đủ vĩ độ, kinh độ và bán kính, hoặc để trống cả ba.",
    "Latitude must be between -90 and 90.": "Vĩ độ phải nằm trong khoảng -90 đến 90.",
    "Longitude must be between -180 and 180.": "Kinh độ phải nằm trong khoảng -180 đến 180.",
    "The radius must be between 1 and 50,000 metres.": "Bán kính phải từ 1 đến 50.000 mét.",
    "At most 500 characters.": "Tối đa 500 ký tự.",
    "Revoke the selected devices": "Thu hồi các thiết bị đã chọn",
    "%(count)d devices revoked.": "Đã thu hồi %(count)d thiết bị.",
    "Mobile API": "API cho ứng dụng di động",
    "Sign in first.": "Vui lòng đăng nhập.",
    "No such device.": "Không tìm thấy thiết bị.",
    "device name": "tên thiết bị",
    "token starts with": "mã phiên bắt đầu bằng",
    "signed in at": "đăng nhập lúc",
    "expires at": "hết hạn lúc",
    "last used at": "sử dụng lần cuối",
    "revoked at": "thu hồi lúc",
    "address at sign-in": "địa chỉ khi đăng nhập",
    "device session": "phiên thiết bị",
    "device sessions": "phiên thiết bị",
    "Enter your username.": "Nhập tên đăng nhập.",
    "Enter your password.": "Nhập mật khẩu.",
    "Name this device.": "Đặt tên cho thiết bị này.",
    "At most 100 characters.": "Tối đa 100 ký tự.",
    "Too many failed sign-ins. Try again in %(minutes)d minutes.":
        "Đăng nhập sai quá nhiều lần. Vui lòng thử lại sau %(minutes)d phút.",
    "Wrong username or password.": "Sai tên đăng nhập hoặc mật khẩu.",
}

ENTRY = re.compile(r'(msgid "((?:[^"\\]|\\.)*)"\nmsgstr ")((?:[^"\\]|\\.)*)(")')


def main() -> int:
    text = PO.read_text(encoding="utf-8")
    missing = []

    def fill(match):
        msgid = match.group(2)
        if not msgid:
            return match.group(0)
        if msgid not in VI:
            missing.append(msgid)
            return match.group(0)
        return match.group(1) + VI[msgid].replace('"', '\\"') + match.group(4)

    text = ENTRY.sub(fill, text).replace("#, fuzzy\n", "", 1)
    if "--check" in sys.argv:
        return 1 if missing else 0
    PO.write_text(text, encoding="utf-8")
    for msgid in missing:
        print(f"no Vietnamese text for: {msgid}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
