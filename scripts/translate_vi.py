"""Fill locale/vi/LC_MESSAGES/django.po from the table below (run after `makemessages -l vi`).

Kept as code so that a new string without a Vietnamese text is visible in review. Every entry is handled,
whatever its layout: multi-line msgids and msgstrs, and plurals (Vietnamese has one plural form, so the
text goes to ``msgstr[0]``; the key is the singular msgid). A filled entry loses its ``#, fuzzy`` flag and
the ``#| msgid`` of the guess msgmerge made.

``--check`` writes nothing and exits 1 when a msgid has no text in the table, or when the .po differs from
what the table would make (not yet filled, fuzzy, a stale text or header).
"""

import re
import sys
from pathlib import Path

import polib

PO = Path(__file__).resolve().parent.parent / "locale" / "vi" / "LC_MESSAGES" / "django.po"
PLURAL_FORMS = "nplurals=1; plural=0;"
PLACEHOLDER = re.compile(r"%(?:\([^)]*\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa%]")  # python-format

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
    # inspections: admin, audit log
    "thumbnail": "ảnh thu nhỏ",
    "audit entry": "mục nhật ký thao tác",
    "audit log": "nhật ký thao tác",
    # inspections: checklists (the CCHC areas carry their official names)
    "Direction and administration of reform": "Chỉ đạo, điều hành cải cách hành chính",
    "Institutional reform": "Cải cách thể chế",
    "Administrative procedures": "Cải cách thủ tục hành chính",
    "Organisational apparatus": "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Civil service": "Cải cách chế độ công vụ",
    "Public finance": "Cải cách tài chính công",
    "E-government and digital government": "Xây dựng và phát triển Chính phủ điện tử, Chính phủ số",
    "Communication": "Thông tin, tuyên truyền cải cách hành chính",
    "Minor": "Nhẹ",
    "Major": "Nghiêm trọng",
    "Critical": "Đặc biệt nghiêm trọng",
    "version": "phiên bản",
    "name (Vietnamese)": "tên (tiếng Việt)",
    "name (English)": "tên (tiếng Anh)",
    "offered for new visits": "áp dụng cho các cuộc kiểm tra mới",
    "checklist template": "mẫu phiếu kiểm tra",
    "checklist templates": "mẫu phiếu kiểm tra",
    "CCHC area": "lĩnh vực cải cách hành chính",
    "text (Vietnamese)": "nội dung (tiếng Việt)",
    "text (English)": "nội dung (tiếng Anh)",
    "default severity": "mức độ mặc định",
    "position": "thứ tự",
    "criterion": "tiêu chí",
    "criteria": "tiêu chí",
    # inspections: answers, findings, evidence
    "Pass": "Đạt",
    "Fail": "Không đạt",
    "Not applicable": "Không áp dụng",
    "Set by the phone.": "Do ứng dụng trên điện thoại tạo.",
    "result": "kết quả",
    "note": "ghi chú",
    "severity": "mức độ",
    "what was found": "nội dung phát hiện",
    "recommendation": "kiến nghị",
    "captured at": "ghi nhận lúc",
    "deadline": "hạn khắc phục",
    "finding": "phát hiện",
    "findings": "phát hiện",
    "evidence": "ảnh minh chứng",
    "citizen complaints (12 months)": "số phản ánh, khiếu nại của người dân (12 tháng gần nhất)",
    # inspections: plans
    "Draft": "Dự thảo",
    "Approved": "Đã phê duyệt",
    "Closed": "Đã kết thúc",
    "Direct subordinate units": "Các đơn vị trực thuộc trực tiếp",
    "All units in the subtree": "Tất cả đơn vị trực thuộc các cấp",
    "inspecting authority": "cơ quan kiểm tra",
    "title": "tên kế hoạch",
    "year": "năm",
    "quarter": "quý",
    "coverage target": "tỷ lệ đơn vị cần kiểm tra",
    "units covered": "phạm vi đơn vị được kiểm tra",
    "share of surprise visits": "tỷ lệ kiểm tra đột xuất",
    "status": "trạng thái",
    "inspection team": "đoàn kiểm tra",
    "commitment": "mã cam kết",
    "draw algorithm": "thuật toán bốc thăm",
    "published draw inputs": "dữ liệu đầu vào bốc thăm đã công bố",
    "digest of the published inputs": "mã băm dữ liệu đầu vào đã công bố",
    "revealed seed": "giá trị khởi tạo bốc thăm đã công bố",
    "inspection plan": "kế hoạch kiểm tra",
    "inspection plans": "kế hoạch kiểm tra",
    # inspections: visits
    "Periodic": "Định kỳ",
    "Surprise": "Đột xuất",
    "Planned": "Đã lên kế hoạch",
    "In progress": "Đang kiểm tra",
    "Submitted": "Đã gửi kết quả",
    "inspected unit": "đơn vị được kiểm tra",
    "planned date": "ngày dự kiến",
    "checked in at": "xác nhận có mặt lúc",
    "From the unit's office.": "Tính từ trụ sở đơn vị.",
    "Why the check-in was outside the geofence.":
        "Lý do xác nhận có mặt ở ngoài vùng địa lý cho phép.",
    "outside_geofence, clock_skew":
        "outside_geofence (ngoài vùng địa lý cho phép), clock_skew (giờ trên thiết bị bị lệch)",
    "The checklist version the visit started with.":
        "Phiên bản mẫu phiếu kiểm tra được dùng khi bắt đầu cuộc kiểm tra.",
    "visit": "cuộc kiểm tra",
    "visits": "cuộc kiểm tra",
    # inspections: evidence photos
    "Photos must be JPEG, PNG, WebP or HEIC, not %(format)s.":
        "Ảnh minh chứng phải có định dạng JPEG, PNG, WebP hoặc HEIC, không nhận định dạng %(format)s.",
    "The file is not an image.": "Tệp không phải là ảnh.",
    "The photo has more than %(limit)s pixels.": "Ảnh có nhiều hơn %(limit)s điểm ảnh.",
    "The file is larger than %(limit)s bytes.": "Tệp có dung lượng lớn hơn %(limit)s byte.",
    "The file is empty.": "Tệp không có dữ liệu.",
    "The photo is incomplete: its end is missing.": "Ảnh không đầy đủ: thiếu phần cuối của tệp.",
    "The file is not a readable image.": "Không đọc được ảnh trong tệp.",
    "Only the visit's inspectors add photos.":
        "Chỉ kiểm tra viên được phân công cho cuộc kiểm tra mới được thêm ảnh minh chứng.",
    "This photo belongs to another finding.": "Ảnh minh chứng này thuộc về một phát hiện khác.",
    "Another photo was already uploaded under this id.":
        "Đã có một ảnh khác được tải lên với mã định danh này.",
    "The visit is submitted: it takes no new photos, only those its findings named.":
        "Cuộc kiểm tra đã gửi kết quả: không nhận thêm ảnh mới, chỉ nhận ảnh minh chứng đã được khai báo "
        "trong các phát hiện.",
    # inspections: field work
    "Latitude must be a number between -90 and 90.": "Vĩ độ phải là số trong khoảng từ -90 đến 90.",
    "Longitude must be a number between -180 and 180.": "Kinh độ phải là số trong khoảng từ -180 đến 180.",
    "Give a date and time.": "Nhập ngày và giờ.",
    "The date is out of range.": "Ngày nằm ngoài phạm vi cho phép.",
    "You are not assigned to this visit.": "Bạn không được phân công tham gia cuộc kiểm tra này.",
    "The visit is submitted: its record can no longer change.":
        "Cuộc kiểm tra đã gửi kết quả: hồ sơ kiểm tra không thể thay đổi nữa.",
    "Check in at the unit first.": "Vui lòng điểm danh tại đơn vị trước.",
    "You are %(distance)d m from the unit's office; check-ins count within %(allowed)d m. Give a reason to "
    "check in anyway.":
        "Bạn đang cách trụ sở đơn vị %(distance)d m; chỉ được xác nhận có mặt trong phạm vi %(allowed)d m. "
        "Nếu vẫn điểm danh, vui lòng nêu lý do.",
    "The GPS accuracy is out of range.": "Độ chính xác GPS nằm ngoài phạm vi cho phép.",
    "No such criterion in this visit's checklist.":
        "Phiếu kiểm tra của cuộc kiểm tra này không có tiêu chí này.",
    "Answer pass, fail or not applicable.": "Chọn Đạt, Không đạt hoặc Không áp dụng.",
    "A finding is recorded for this criterion: it cannot pass.":
        "Tiêu chí này đã có sai phạm được ghi nhận nên không thể đánh giá là Đạt.",
    "This id was already used for another answer.":
        "Mã định danh này đã được dùng cho một kết quả đánh giá khác.",
    "Describe what was found.": "Mô tả nội dung phát hiện.",
    "This id was already used for another finding.": "Mã định danh này đã được dùng cho một phát hiện khác.",
    "Severity is minor, major or critical.": "Mức độ phải là Nhẹ, Nghiêm trọng hoặc Đặc biệt nghiêm trọng.",
    "Answer every criterion first: %(codes)s.":
        "Cần đánh giá tất cả tiêu chí trước khi gửi kết quả; còn thiếu: %(codes)s.",
    "Say why the finding is corrected.": "Nêu lý do đính chính phát hiện.",
    "This version was already corrected; correct the newest one.":
        "Phiên bản này đã được đính chính; vui lòng đính chính phiên bản mới nhất.",
    # inspections: plans and the surprise draw
    "Only the authority's head, its Home Affairs reviewers or an administrator may do this.":
        "Chỉ người đứng đầu cơ quan kiểm tra, chuyên viên Sở Nội vụ hoặc quản trị viên mới được thực hiện "
        "thao tác này.",
    "The plan is approved: its visits and settings are fixed.":
        "Kế hoạch kiểm tra đã được phê duyệt: không thể thay đổi các cuộc kiểm tra và thông số của kế hoạch.",
    "%(name)s is not an inspector of this authority.":
        "%(name)s không phải là kiểm tra viên của cơ quan này.",
    "The coverage target is a share between 0 and 1.":
        "Tỷ lệ đơn vị cần kiểm tra phải là một tỷ lệ trong khoảng từ 0 đến 1.",
    "The surprise share is between 0 and 1.": "Tỷ lệ kiểm tra đột xuất phải trong khoảng từ 0 đến 1.",
    "The year is out of range.": "Năm nằm ngoài phạm vi cho phép.",
    "The quarter is 1, 2, 3 or 4.": "Quý phải là 1, 2, 3 hoặc 4.",
    "Give the plan a title.": "Nhập tên kế hoạch kiểm tra.",
    "This unit is not among the units the plan covers.":
        "Đơn vị này không thuộc phạm vi của kế hoạch kiểm tra.",
    "The date is outside the plan's period.": "Ngày nằm ngoài thời gian thực hiện kế hoạch kiểm tra.",
    "The date is a weekend day or a public holiday.":
        "Ngày đã chọn là ngày nghỉ cuối tuần hoặc ngày nghỉ lễ.",
    "The unit already has a visit in this plan.": "Đơn vị đã có cuộc kiểm tra trong kế hoạch này.",
    "Periodic and surprise visits (%(planned)d) are fewer than the target (%(target)d units): add periodic "
    "visits or raise the surprise share.":
        "Tổng số cuộc kiểm tra định kỳ và đột xuất (%(planned)d) ít hơn chỉ tiêu (%(target)d đơn vị): "
        "bổ sung cuộc kiểm tra định kỳ hoặc tăng tỷ lệ kiểm tra đột xuất.",
    "Assign an inspection team before approving.": "Phân công đoàn kiểm tra trước khi phê duyệt.",
    "The team cannot make all the visits on the working days left in the period.":
        "Đoàn kiểm tra không thể thực hiện hết các cuộc kiểm tra trong số ngày làm việc còn lại "
        "của kỳ kế hoạch.",
    "Only an approved plan can be closed.": "Chỉ kế hoạch kiểm tra đã được phê duyệt mới có thể kết thúc.",
    "Surprise visits are still to come: the seed is revealed when the period is over.":
        "Vẫn còn cuộc kiểm tra đột xuất chưa thực hiện: giá trị khởi tạo bốc thăm chỉ được công bố "
        "khi kết thúc kỳ kế hoạch.",
    "Name at least one inspector.": "Chọn ít nhất một kiểm tra viên.",
    "%(name)s belongs to the inspected unit (or a unit under it) and may not inspect it.":
        "%(name)s thuộc đơn vị được kiểm tra (hoặc đơn vị trực thuộc) nên không được tham gia "
        "kiểm tra đơn vị này.",
    "%(name)s already has %(count)d visits on that day.":
        "%(name)s đã có %(count)d cuộc kiểm tra trong ngày đó.",
    # inspections: views
    "Not found.": "Không tìm thấy.",
    "The stored photo no longer matches the one uploaded; it is not served. The incident is logged.":
        "Ảnh đang lưu không còn khớp với ảnh đã tải lên nên không được cung cấp. "
        "Sự cố đã được ghi vào nhật ký.",
    # mobile_api: offline sync and uploads
    "SHA-256 of the operation's kind and payload.": "Mã băm SHA-256 của loại thao tác và dữ liệu kèm theo.",
    "sync operation": "thao tác đồng bộ",
    "sync operations": "thao tác đồng bộ",
    "This is required.": "Thông tin này là bắt buộc.",
    "Expected text.": "Giá trị phải là văn bản.",
    "Expected a number.": "Giá trị phải là số.",
    "Expected an ISO 8601 date and time.": "Giá trị phải là ngày giờ theo định dạng ISO 8601.",
    "Expected a UUID.": "Giá trị phải là mã UUID.",
    "No such visit.": "Không tìm thấy cuộc kiểm tra.",
    "Expected a list of UUIDs.": "Giá trị phải là danh sách mã UUID.",
    "This operation id was already used for different content.":
        "Mã thao tác này đã được dùng cho một nội dung khác.",
    "Unknown operation kind.": "Loại thao tác không hợp lệ.",
    "Expected a JSON object.": "Giá trị phải là một đối tượng JSON.",
    "At most %(count)d operations in one batch.": "Mỗi lần gửi tối đa %(count)d thao tác.",
    "The request is larger than %(limit)s bytes.": "Yêu cầu có dung lượng lớn hơn %(limit)s byte.",
    "Attach the photo as the form field 'file'.": "Đính kèm ảnh vào trường 'file' của biểu mẫu.",
    # inspections: counter cameras (CCTV) of one-stop shops
    "counter": "quầy tiếp nhận",
    "counters": "quầy tiếp nhận",
    "staff zone": "vùng cán bộ làm việc",
    "Points [x, y] relative to the frame, e.g. [[0.3, 0.1], ...].":
        "Các điểm [x, y] tính theo tỷ lệ khung hình, ví dụ [[0.3, 0.1], ...].",
    "citizen zone": "vùng người dân chờ",
    "opens at": "giờ mở cửa",
    "closes at": "giờ đóng cửa",
    "lunch break from": "nghỉ trưa từ",
    "lunch break until": "nghỉ trưa đến",
    "reference frame (empty scene, JPEG)": "khung hình tham chiếu (cảnh không có người, JPEG)",
    "active": "đang hoạt động",
    "camera": "camera",
    "cameras": "camera",
    "camera API key": "khóa API của camera",
    "camera API keys": "khóa API của camera",
    "Waiting for analysis": "Chờ phân tích",
    "Analysed": "Đã phân tích",
    "Analysis failed": "Phân tích không thành công",
    "Nothing to review": "Không cần xem xét",
    "To review": "Cần xem xét",
    "Confirmed": "Đã xác nhận",
    "Dismissed": "Đã bác bỏ",
    "Each flag's value and confidence.": "Giá trị và độ tin cậy của từng cảnh báo.",
    "The most serious raised flag.": "Cảnh báo nghiêm trọng nhất đã phát sinh.",
    "snapshot": "ảnh chụp camera",
    "snapshots": "ảnh chụp camera",
    "Inspection visit": "Cuộc kiểm tra",
    "CCTV review": "Rà soát camera giám sát",
    "source": "nguồn",
    "This snapshot was already reviewed.": "Ảnh chụp này đã được xem xét.",
    "This snapshot raised no flag.": "Ảnh chụp này không có cảnh báo nào.",
    "No such criterion in the checklist.": "Không có tiêu chí này trong phiếu kiểm tra.",
    "%(flag)s at %(camera)s: %(count)d snapshot(s) from %(first)s to %(last)s.":
        "%(flag)s tại %(camera)s: %(count)d ảnh chụp từ %(first)s đến %(last)s.",
    "Say why the flag is dismissed.": "Nêu lý do bác bỏ cảnh báo.",
    "Citizens waiting at an unstaffed counter": "Người dân chờ tại quầy không có cán bộ",
    "Camera dark": "Camera bị tối",
    "Camera covered": "Camera bị che",
    "Camera out of focus": "Camera bị mờ, mất nét",
    "Camera picture frozen": "Hình ảnh camera bị đứng",
    "Camera moved": "Camera bị lệch vị trí",
    "Give the capture time.": "Nhập thời điểm chụp.",
    "The capture time is in the future.": "Thời điểm chụp muộn hơn thời điểm hiện tại.",
    "Snapshots must be JPEG.": "Ảnh chụp camera phải có định dạng JPEG.",
    "Send a valid camera key.": "Gửi khóa camera hợp lệ.",
    "Give the capture time in ISO 8601.": "Nhập thời điểm chụp theo định dạng ISO 8601.",
    "Attach the snapshot as the form field 'file'.":
        "Đính kèm ảnh chụp camera vào trường 'file' của biểu mẫu.",
    "zones on the reference frame": "các vùng trên khung hình tham chiếu",
    "Upload a reference frame (the empty counter) to see the zones on it.":
        "Tải lên khung hình tham chiếu (quầy không có người) để xem các vùng trên đó.",
    "The reference frame is not a readable image.": "Không đọc được ảnh của khung hình tham chiếu.",
    "active API keys": "khóa API đang hiệu lực",
    "Issue a new API key (shown once)": "Cấp khóa API mới (chỉ hiển thị một lần)",
    "Key for %(camera)s (copy it now, it is not shown again): %(key)s":
        "Khóa của %(camera)s (sao chép ngay, khóa sẽ không hiển thị lại): %(key)s",
    "Revoke all API keys": "Thu hồi tất cả khóa API",
    "%(count)d key(s) revoked.": "Đã thu hồi %(count)d khóa.",
    "The stored snapshot no longer matches the one received; it is not served.":
        "Ảnh chụp camera đang lưu không còn khớp với ảnh đã nhận nên không được cung cấp.",
    # Remediation (issue 7)
    "Open": "Chưa khắc phục",
    "Answered": "Đã trả lời",
    "Accepted": "Đã chấp nhận",
    "Rejected": "Bị trả lại",
    "Verified closed": "Đã xác minh, kết thúc",
    "state": "trạng thái",
    "Raised by every move (optimistic locking).": "Tăng sau mỗi thao tác (khóa lạc quan).",
    "A staff member drafting for the head.": "Công chức soạn thảo thay người đứng đầu.",
    "original deadline": "hạn khắc phục ban đầu",
    "remediation": "khắc phục",
    "remediations": "khắc phục",
    "plan of action": "kế hoạch khắc phục",
    "what was fixed": "nội dung đã khắc phục",
    "fixed on": "ngày khắc phục",
    "The head of the unit, in whose name the answer is given.":
        "Người đứng đầu đơn vị, người chịu trách nhiệm về báo cáo khắc phục.",
    "remediation answer": "báo cáo khắc phục",
    "remediation answers": "báo cáo khắc phục",
    "The sender that took its e-mail.": "Tiến trình đã nhận gửi thư điện tử này.",
    "notification": "thông báo",
    "notifications": "thông báo",
    "%(days)d working day(s) left to fix a finding": "Còn %(days)d ngày làm việc để khắc phục phát hiện",
    "Overdue finding at %(unit)s (%(late)d working day(s) late)":
        "Phát hiện quá hạn khắc phục tại %(unit)s (chậm %(late)d ngày làm việc)",
    "%(unit)s: %(text)s — deadline %(deadline)s": "%(unit)s: %(text)s — hạn %(deadline)s",
    "Photos of a fix come from the inspected unit.": "Ảnh khắc phục do đơn vị được kiểm tra gửi.",
    "New finding to fix by %(deadline)s": "Phát hiện mới cần khắc phục trước ngày %(deadline)s",
    "%(unit)s: %(text)s": "%(unit)s: %(text)s",
    "Someone else changed this finding's remediation first; reload it and try again.":
        "Người khác vừa thay đổi việc khắc phục phát hiện này; hãy tải lại rồi thử lại.",
    "This is not allowed while the finding is %(state)s.":
        "Không thực hiện được khi phát hiện đang ở trạng thái %(state)s.",
    "You may not do this.": "Bạn không có quyền thực hiện thao tác này.",
    "Only the head of the unit assigns its findings.": "Chỉ người đứng đầu đơn vị được giao xử lý phát hiện.",
    "Assign a staff member of the unit.": "Hãy giao cho một công chức của đơn vị.",
    "A finding was assigned to you": "Bạn được giao xử lý một phát hiện",
    "%(text)s — deadline %(deadline)s": "%(text)s — hạn %(deadline)s",
    "Only the head of the unit, or the staff member the head assigned, answers.":
        "Chỉ người đứng đầu đơn vị, hoặc công chức được người đứng đầu giao, được báo cáo khắc phục.",
    "Say what the unit does about the finding.": "Hãy nêu đơn vị khắc phục phát hiện này như thế nào.",
    "The fix date cannot be in the future.": "Ngày khắc phục không thể ở tương lai.",
    "The unit has no head to answer in the name of.": "Đơn vị chưa có người đứng đầu để đứng tên báo cáo.",
    "Upload the photos first; each belongs to one answer.":
        "Hãy tải ảnh lên trước; mỗi ảnh chỉ thuộc một báo cáo khắc phục.",
    "A unit answered a finding": "Đơn vị đã báo cáo khắc phục một phát hiện",
    "%(unit)s: %(plan)s": "%(unit)s: %(plan)s",
    "Your answer was accepted": "Báo cáo khắc phục của đơn vị đã được chấp nhận",
    "Say why the answer is rejected.": "Hãy nêu lý do trả lại báo cáo.",
    "Your answer was rejected": "Báo cáo khắc phục của đơn vị bị trả lại",
    "The finding is closed": "Phát hiện đã được xác minh khắc phục xong",
    "Only the head of the unit asks for more time.": "Chỉ người đứng đầu đơn vị được đề nghị gia hạn.",
    "Say why more time is needed.": "Hãy nêu lý do cần gia hạn.",
    "An extension can be asked for once.": "Chỉ được đề nghị gia hạn một lần.",
    "Ask for a date after the current deadline.": "Hãy đề nghị một ngày sau hạn hiện tại.",
    "More time asked for a finding": "Đơn vị đề nghị gia hạn khắc phục",
    "%(unit)s asks until %(until)s: %(reason)s": "%(unit)s đề nghị gia hạn đến %(until)s: %(reason)s",
    "The authority decides on extensions.": "Cơ quan có thẩm quyền quyết định việc gia hạn.",
    "There is no pending request for more time.": "Không có đề nghị gia hạn nào đang chờ.",
    "More time granted": "Đề nghị gia hạn được chấp thuận",
    "More time refused": "Đề nghị gia hạn không được chấp thuận",
    "Reason: %(reason)s": "Lý do: %(reason)s",
    # Exports and the unit report (issue 8)
    "Rank": "Thứ hạng",
    "Code": "Mã",
    "Unit": "Đơn vị",
    "Head": "Người đứng đầu",
    "Status": "Trạng thái",
    "Score": "Điểm",
    "Periodic visits": "Kiểm tra định kỳ",
    "Surprise visits": "Kiểm tra đột xuất",
    "Remediated on time": "Khắc phục đúng hạn",
    "Remediated late": "Khắc phục trễ hạn",
    "Overdue now": "Đang quá hạn",
    "On-time rate": "Tỷ lệ đúng hạn",
    "Rejected answers": "Báo cáo bị trả lại",
    "Repeat findings": "Phát hiện lặp lại",
    "Confirmed CCTV flags": "Cảnh báo camera đã xác nhận",
    "Cameras": "Camera",
    "Camera tamper share": "Tỷ lệ camera bị can thiệp",
    "Median days to close": "Số ngày khắc phục (trung vị)",
    "Unit code": "Mã đơn vị",
    "Criterion": "Tiêu chí",
    "Criterion text": "Nội dung tiêu chí",
    "Severity": "Mức độ",
    "What was found": "Nội dung phát hiện",
    "Recommendation": "Kiến nghị",
    "Captured at": "Thời điểm ghi nhận",
    "Deadline": "Hạn khắc phục",
    "Remediation": "Khắc phục",
    "Source": "Nguồn",
    "Board": "Bảng theo dõi",
    "Findings": "Phát hiện",
    "Inspection report: %(unit)s": "Báo cáo kiểm tra: %(unit)s",
    "Inspection report: %(unit)s (%(year)s)": "Báo cáo kiểm tra: %(unit)s (%(year)s)",
    "Generated": "Lập lúc",
    "Visits": "Các cuộc kiểm tra",
    "Date": "Ngày",
    "Kind": "Hình thức",
    "Plan": "Kế hoạch",
    "No visit this year.": "Không có cuộc kiểm tra nào trong năm.",
    "Findings and remediation": "Phát hiện và khắc phục",
    "originally": "ban đầu",
    "Visit not submitted yet": "Cuộc kiểm tra chưa gửi kết quả",
    "No finding this year.": "Không có phát hiện nào trong năm.",
    # The web compliance board (inspections/board_views.py, templates/board/board.html)
    "Loading…": "Đang tải…",
    "The board could not be loaded: %(error)s": "Không tải được bảng theo dõi: %(error)s",
    "You may not see this board.": "Bạn không có quyền xem bảng theo dõi này.",
    "No units match these filters.": "Không có đơn vị nào phù hợp với bộ lọc.",
    "On track": "Đạt yêu cầu",
    "Needs attention": "Cần chú ý",
    "Alert": "Cảnh báo",
    "Visited": "Đã kiểm tra",
    "Not visited yet": "Chưa kiểm tra",
    "%(periodic)s periodic, %(surprise)s surprise": "%(periodic)s định kỳ, %(surprise)s đột xuất",
    "No head named": "Chưa có người đứng đầu",
    "%(visited)s of %(target)s units visited": "Đã kiểm tra %(visited)s/%(target)s đơn vị",
    "No approved plan for this year yet.": "Chưa có kế hoạch kiểm tra nào được phê duyệt trong năm.",
    "Cameras tampered with in %(share)s of recent snapshots":
        "Camera bị can thiệp trong %(share)s số ảnh chụp gần đây",
    "%(count)s repeat findings": "%(count)s phát hiện lặp lại",
    "Findings at %(unit)s": "Phát hiện tại %(unit)s",
    "Loading findings…": "Đang tải các phát hiện…",
    "The findings could not be loaded: %(error)s": "Không tải được các phát hiện: %(error)s",
    "No current findings at this unit.": "Đơn vị hiện không có phát hiện nào.",
    "The first %(shown)s of %(total)s findings.": "%(shown)s phát hiện đầu tiên trong tổng số %(total)s.",
    "Close": "Đóng",
    "Deadline: %(date)s": "Hạn khắc phục: %(date)s",
    "Remediation: %(state)s, due %(date)s": "Khắc phục: %(state)s, hạn %(date)s",
    "No remediation yet (the visit is not submitted).": "Chưa có khắc phục (cuộc kiểm tra chưa gửi kết quả).",
    "Photo not uploaded yet": "Ảnh chưa được tải lên",
    "Photo of the finding": "Ảnh của phát hiện",
    "Connecting to live updates…": "Đang kết nối cập nhật trực tiếp…",
    "Live: changes appear as they happen": "Trực tiếp: thay đổi hiện ra ngay khi xảy ra",
    "Live updates interrupted; reconnecting…": "Mất kết nối cập nhật trực tiếp; đang kết nối lại…",
    "Updated just now": "Vừa cập nhật",
    "Coverage of the target": "Mức hoàn thành chỉ tiêu",
    "Remediation on time": "Khắc phục đúng hạn",
    "Month": "Tháng",
    "No figures yet.": "Chưa có số liệu.",
    "Month %(month)s: %(value)s": "Tháng %(month)s: %(value)s",
    "Show the findings of %(unit)s": "Xem các phát hiện của %(unit)s",
    "Name": "Tên",
    "Most overdue": "Quá hạn nhiều nhất",
    "Most findings": "Nhiều phát hiện nhất",
    "Compliance board": "Bảng theo dõi tuân thủ",
    "Signed in as %(name)s": "Đăng nhập: %(name)s",
    "Sign out": "Đăng xuất",
    "No compliance board for you here": "Không có bảng theo dõi tuân thủ dành cho bạn",
    "Compliance boards are for the Department of Home Affairs, inspectors and the heads of inspecting "
    "authorities. Your account may not see the board of this authority, or the authority does not exist.":
        "Bảng theo dõi tuân thủ dành cho Sở Nội vụ, kiểm tra viên và người đứng đầu cơ quan kiểm tra. Tài khoản "
        "của bạn không được xem bảng theo dõi của đơn vị này, hoặc đơn vị không tồn tại.",
    "Coverage of the plans' target in %(year)s": "Mức hoàn thành chỉ tiêu kế hoạch kiểm tra năm %(year)s",
    "Needs attention: not visited yet, or a score under %(amber)s":
        "Cần chú ý: chưa được kiểm tra, hoặc điểm dưới %(amber)s",
    "Alert: remediation overdue, or a score under %(red)s":
        "Cảnh báo: có việc khắc phục quá hạn, hoặc điểm dưới %(red)s",
    "Year": "Năm",
    "Kind of unit": "Loại đơn vị",
    "All kinds": "Tất cả các loại",
    "Findings of severity": "Mức độ của phát hiện",
    "All severities": "Tất cả mức độ",
    "Sort by": "Sắp xếp theo",
    "Apply": "Áp dụng",
    "Units under %(authority)s, %(year)s": "Các đơn vị thuộc %(authority)s, năm %(year)s",
    "Click a unit to see its findings.": "Bấm vào một đơn vị để xem các phát hiện.",
    "Visits made": "Lượt kiểm tra",
    "CCTV flags": "Cảnh báo camera",
    "Coverage and on-time remediation by month": "Mức hoàn thành chỉ tiêu và khắc phục đúng hạn theo tháng",
}


def placeholders(text: str) -> set[str]:
    return set(PLACEHOLDER.findall(text)) - {"%%"}


def fill(po: polib.POFile) -> tuple[list[str], list[str]]:
    """Fill ``po`` in place from VI; return the msgids without a text and the problems found in VI."""
    missing, problems = [], []
    po.metadata["Language"] = "vi"
    po.metadata["Plural-Forms"] = PLURAL_FORMS
    po.metadata_is_fuzzy = []  # the header
    for entry in po:
        if entry.obsolete or not entry.msgid:
            continue
        text = VI.get(entry.msgid)
        if text is None:
            missing.append(entry.msgid)
            continue
        # The one Vietnamese form stands for the plural one, which may name a count the singular leaves out.
        expected = placeholders(entry.msgid_plural or entry.msgid)
        if "python-format" in entry.flags and placeholders(text) != expected:
            problems.append(f"placeholders are not {sorted(expected)}: {entry.msgid!r} -> {text!r}")
            continue
        if entry.msgid_plural:
            entry.msgstr_plural = {0: text}
        else:
            entry.msgstr = text
        if "fuzzy" in entry.flags:
            entry.flags.remove("fuzzy")
        entry.previous_msgctxt = entry.previous_msgid = entry.previous_msgid_plural = None
    return missing, problems


def main() -> int:
    check = "--check" in sys.argv
    po = polib.pofile(str(PO))
    before = str(po)
    missing, problems = fill(po)
    for msgid in missing:
        print(f"no Vietnamese text for: {msgid!r}", file=sys.stderr)
    for problem in problems:
        print(problem, file=sys.stderr)
    if check:
        stale = str(po) != before
        if stale:
            print(f"{PO} is not up to date: run scripts/translate_vi.py", file=sys.stderr)
        return 1 if missing or problems or stale else 0
    po.save(str(PO))
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
