"""The catalogues the app ships with: courses, administrative procedures and the fixed code lists.

These are server-decided facts (SYNC.md): the provincial server may later replace any of them and the new
version flows down to every laptop. What ships here is the starting point, so that a laptop that has never
been online can still record visits, run training sessions and log assisted submissions.

Pure data and a few tiny helpers; no database code (`dlso_desktop.storage.store.seed_catalogues` writes the
course and procedure catalogues to the database). Every string is Unicode NFC.

Sources:

* courses map onto the competence areas of the basic digital-skills framework ("Khung kiến thức, kỹ năng số
  cơ bản") of Decision 757/QĐ-BKHCN of 29/4/2025. Areas are named, not numbered, because the clause numbers
  are the framework's to give;
* procedures use the names people see on the national public-service portal; ``full_online_available``
  says whether the procedure can be done "toàn trình" (whole procedure online). Where in doubt it is
  ``False``: the server corrects it, and each assisted submission records its own "toàn trình" flag anyway;
* ethnic groups follow the statistics office's list (Decision 1019/QĐ-TCTK of 12/11/2008, the order of the
  population censuses), with the spellings of the 2019 census.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Final

__all__ = [
    "ACTIONS_DONE",
    "CATALOGUE_NAMESPACE",
    "CATALOGUE_VERSION",
    "COURSES",
    "ETHNIC_GROUPS",
    "FOLLOW_UPS",
    "FRAMEWORK_AREAS",
    "FRAMEWORK_DECISION",
    "LANGUAGES",
    "PORTALS",
    "PROCEDURES",
    "CourseSeed",
    "ModuleSeed",
    "ProcedureSeed",
    "catalogue_id",
    "course_id",
    "ethnic_group_name",
    "label",
    "module_id",
    "procedure_id",
]

#: Version of the shipped catalogues, stored in each database's metadata.
CATALOGUE_VERSION: Final = "2026.1"

#: Namespace of every catalogue id. Never change it: ids made from it are the same on every laptop and on
#: the server, which is what lets a course or procedure chosen offline match the server's row.
CATALOGUE_NAMESPACE: Final = uuid.UUID("b616e582-e5cd-4bba-8558-0d89e299c5ec")


def catalogue_id(kind: str, code: str) -> str:
    """The stable id of a catalogue row: UUIDv5 of ``"{kind}:{code}"`` in :data:`CATALOGUE_NAMESPACE`.

    Kinds in use: ``"course"`` (course code), ``"module"`` (``"{course code}/{module code}"``) and
    ``"procedure"`` (procedure code).
    """
    return str(uuid.uuid5(CATALOGUE_NAMESPACE, f"{kind}:{code}"))


def course_id(code: str) -> str:
    return catalogue_id("course", code)


def module_id(course_code: str, module_code: str) -> str:
    return catalogue_id("module", f"{course_code}/{module_code}")


def procedure_id(code: str) -> str:
    return catalogue_id("procedure", code)


# ---------------------------------------------------------------------------------------------------------
# Courses, mapped to the basic digital-skills framework of Decision 757/QĐ-BKHCN (29/4/2025)

FRAMEWORK_DECISION: Final = "757/QĐ-BKHCN"

AREA_DEVICES: Final = "Sử dụng thiết bị số và phần mềm"
AREA_INFORMATION: Final = "Khai thác dữ liệu và thông tin"
AREA_COMMUNICATION: Final = "Giao tiếp và hợp tác trong môi trường số"
AREA_CONTENT: Final = "Sáng tạo nội dung số"
AREA_SAFETY: Final = "An toàn số, bảo vệ dữ liệu cá nhân"
AREA_PROBLEMS: Final = "Giải quyết vấn đề"
AREA_AI: Final = "Ứng dụng trí tuệ nhân tạo"

#: The framework's competence areas, in the framework's order (device use first).
FRAMEWORK_AREAS: Final[tuple[str, ...]] = (
    AREA_DEVICES,
    AREA_INFORMATION,
    AREA_COMMUNICATION,
    AREA_CONTENT,
    AREA_SAFETY,
    AREA_PROBLEMS,
    AREA_AI,
)


@dataclass(frozen=True, slots=True)
class ModuleSeed:
    code: str  # unique within its course, e.g. "M1"
    name: str
    framework_area: str  # one of FRAMEWORK_AREAS


@dataclass(frozen=True, slots=True)
class CourseSeed:
    code: str
    name: str
    description: str
    framework_ref: str  # "757/QĐ-BKHCN: <area>; <area>"
    hours: int
    modules: tuple[ModuleSeed, ...]


def _course(code: str, name: str, description: str, hours: int, *modules: tuple[str, str]) -> CourseSeed:
    """A course whose modules are numbered M1, M2, ... and whose framework_ref lists their areas."""
    seeds = tuple(ModuleSeed(f"M{i}", title, area) for i, (title, area) in enumerate(modules, start=1))
    areas = [a for a in FRAMEWORK_AREAS if any(m.framework_area == a for m in seeds)]
    return CourseSeed(code, name, description, f"{FRAMEWORK_DECISION}: {'; '.join(areas)}", hours, seeds)


COURSES: Final[tuple[CourseSeed, ...]] = (
    _course(
        "BDHVS-01",
        "Kỹ năng số cơ bản cho người dân",
        "Làm quen với điện thoại thông minh và Internet: tìm thông tin, liên lạc, tạo nội dung đơn giản "
        "và dùng trợ lý AI một cách an toàn.",
        8,
        ("Làm quen với điện thoại thông minh và máy tính", AREA_DEVICES),
        ("Kết nối Internet: Wi-Fi và dữ liệu di động", AREA_DEVICES),
        ("Tìm kiếm và đánh giá thông tin trên mạng", AREA_INFORMATION),
        ("Nhắn tin, gọi thoại và gọi video qua ứng dụng", AREA_COMMUNICATION),
        ("Chụp ảnh, quay video và chia sẻ nội dung đơn giản", AREA_CONTENT),
        ("Hỏi đáp với trợ lý AI bằng tiếng Việt", AREA_AI),
    ),
    _course(
        "BDHVS-02",
        "Sử dụng VNeID và định danh điện tử mức 2",
        "Cài đặt VNeID, đăng ký tài khoản định danh điện tử, kích hoạt mức 2 và dùng các tiện ích của "
        "ứng dụng; giữ an toàn cho tài khoản.",
        4,
        ("Cài đặt ứng dụng VNeID và đăng ký tài khoản mức 1", AREA_DEVICES),
        ("Kích hoạt tài khoản định danh điện tử mức 2 tại công an xã, phường", AREA_PROBLEMS),
        ("Tích hợp giấy tờ và cập nhật thông tin trên VNeID", AREA_INFORMATION),
        ("Bảo vệ tài khoản VNeID: mật khẩu, mã bảo vệ, không cung cấp mã OTP", AREA_SAFETY),
        ("Sử dụng tiện ích và dịch vụ công trên VNeID", AREA_PROBLEMS),
    ),
    _course(
        "BDHVS-03",
        "Dịch vụ công trực tuyến",
        "Tìm thủ tục, chuẩn bị hồ sơ điện tử, nộp hồ sơ trực tuyến toàn trình, thanh toán phí, lệ phí và "
        "theo dõi kết quả.",
        6,
        ("Tài khoản Cổng Dịch vụ công quốc gia và đăng nhập bằng VNeID", AREA_DEVICES),
        ("Tra cứu thủ tục hành chính và chuẩn bị hồ sơ điện tử", AREA_INFORMATION),
        ("Nộp hồ sơ trực tuyến toàn trình", AREA_PROBLEMS),
        ("Thanh toán phí, lệ phí trực tuyến", AREA_PROBLEMS),
        ("Tra cứu tình trạng và nhận kết quả giải quyết hồ sơ", AREA_INFORMATION),
        ("Gửi phản ánh, kiến nghị đến cơ quan nhà nước", AREA_COMMUNICATION),
    ),
    _course(
        "BDHVS-04",
        "Thanh toán không dùng tiền mặt an toàn",
        "Mở tài khoản ngân hàng hoặc ví điện tử trên điện thoại, chuyển khoản, thanh toán bằng mã QR và "
        "bảo mật giao dịch.",
        4,
        ("Mở tài khoản ngân hàng, ví điện tử trên điện thoại", AREA_DEVICES),
        ("Chuyển khoản và thanh toán bằng mã QR", AREA_PROBLEMS),
        ("Thanh toán hóa đơn điện, nước, học phí, viện phí", AREA_PROBLEMS),
        ("Bảo mật giao dịch: mã PIN, sinh trắc học, mã OTP", AREA_SAFETY),
    ),
    _course(
        "BDHVS-05",
        "An toàn thông tin và phòng chống lừa đảo trực tuyến",
        "Nhận diện các thủ đoạn lừa đảo, bảo vệ dữ liệu cá nhân và tài khoản, kiểm chứng thông tin và biết "
        "cần làm gì khi bị lừa đảo.",
        4,
        ("Nhận diện lừa đảo qua điện thoại, tin nhắn và mạng xã hội", AREA_SAFETY),
        ("Bảo vệ dữ liệu cá nhân và giấy tờ tùy thân", AREA_SAFETY),
        ("Mật khẩu mạnh và xác thực hai lớp", AREA_SAFETY),
        ("Kiểm chứng thông tin, nhận biết tin giả và nội dung giả mạo bằng AI", AREA_INFORMATION),
        ("Xử lý khi bị lừa đảo hoặc lộ thông tin: báo ngân hàng và cơ quan công an", AREA_PROBLEMS),
    ),
    _course(
        "BDHVS-06",
        "Sử dụng ứng dụng Đắk Lắk số",
        "Cài đặt và sử dụng ứng dụng Đắk Lắk số: tra cứu thông tin, tiện ích của tỉnh, gửi phản ánh và "
        "làm thủ tục hành chính.",
        3,
        ("Cài đặt và đăng nhập ứng dụng Đắk Lắk số", AREA_DEVICES),
        ("Tra cứu thông tin và tiện ích của tỉnh", AREA_INFORMATION),
        ("Gửi phản ánh, kiến nghị đến chính quyền", AREA_COMMUNICATION),
        ("Tra cứu và nộp hồ sơ thủ tục hành chính của tỉnh", AREA_PROBLEMS),
    ),
    _course(
        "BDHVS-07",
        "Ứng dụng trí tuệ nhân tạo trong đời sống",
        "Trí tuệ nhân tạo làm được gì, hỏi đáp với trợ lý AI, kiểm tra lại câu trả lời và không đưa dữ liệu "
        "cá nhân vào công cụ AI.",
        3,
        ("Trí tuệ nhân tạo là gì và dùng vào việc gì", AREA_AI),
        ("Đặt câu hỏi cho trợ lý AI để học tập, sản xuất và kinh doanh", AREA_AI),
        ("Kiểm tra lại câu trả lời của AI", AREA_INFORMATION),
        ("Dùng AI an toàn: không đưa dữ liệu cá nhân vào công cụ AI", AREA_SAFETY),
    ),
)


# ---------------------------------------------------------------------------------------------------------
# Administrative procedures people are helped to file online


@dataclass(frozen=True, slots=True)
class ProcedureSeed:
    code: str
    name: str
    field: str  # lĩnh vực
    full_online_available: bool  # can be done "toàn trình"


PROCEDURES: Final[tuple[ProcedureSeed, ...]] = (
    # Hộ tịch
    ProcedureSeed("HT-KS", "Đăng ký khai sinh", "Hộ tịch", True),
    ProcedureSeed("HT-KT", "Đăng ký khai tử", "Hộ tịch", True),
    ProcedureSeed("HT-KH", "Đăng ký kết hôn", "Hộ tịch", False),
    ProcedureSeed("HT-NCMC", "Đăng ký nhận cha, mẹ, con", "Hộ tịch", False),
    ProcedureSeed("HT-TLBS", "Cấp bản sao trích lục hộ tịch", "Hộ tịch", True),
    ProcedureSeed("HT-XNHN", "Cấp Giấy xác nhận tình trạng hôn nhân", "Hộ tịch", True),
    ProcedureSeed("HT-TDCC", "Đăng ký thay đổi, cải chính, bổ sung thông tin hộ tịch", "Hộ tịch", False),
    ProcedureSeed(
        "LT-KS",
        "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế "
        "cho trẻ em dưới 6 tuổi",
        "Hộ tịch",
        True,
    ),
    ProcedureSeed(
        "LT-KT",
        "Liên thông thủ tục hành chính về đăng ký khai tử, xóa đăng ký thường trú, hưởng chế độ tử tuất/"
        "hỗ trợ chi phí mai táng/hưởng mai táng phí",
        "Hộ tịch",
        True,
    ),
    # Cư trú
    ProcedureSeed("CT-TT", "Đăng ký thường trú", "Cư trú", True),
    ProcedureSeed("CT-TTR", "Đăng ký tạm trú", "Cư trú", True),
    ProcedureSeed("CT-GHTT", "Gia hạn tạm trú", "Cư trú", True),
    ProcedureSeed("CT-TV", "Khai báo tạm vắng", "Cư trú", True),
    ProcedureSeed("CT-LT", "Thông báo lưu trú", "Cư trú", True),
    ProcedureSeed("CT-XNCT", "Xác nhận thông tin về cư trú", "Cư trú", True),
    # Căn cước, định danh điện tử (need the person in front of the police for biometrics)
    ProcedureSeed("CC-DOI", "Cấp đổi thẻ căn cước", "Căn cước", False),
    ProcedureSeed("DD-M2", "Cấp tài khoản định danh điện tử mức độ 2", "Định danh và xác thực điện tử", False),
    # Lý lịch tư pháp
    ProcedureSeed("LLTP", "Cấp Phiếu lý lịch tư pháp", "Lý lịch tư pháp", True),
    # Bảo hiểm
    ProcedureSeed("BH-DOITHE", "Cấp lại, đổi thẻ bảo hiểm y tế", "Bảo hiểm", True),
    ProcedureSeed("BH-GHHGD", "Gia hạn thẻ bảo hiểm y tế theo hộ gia đình", "Bảo hiểm", True),
    ProcedureSeed("BH-XHTN", "Đăng ký, đóng bảo hiểm xã hội tự nguyện", "Bảo hiểm", True),
    ProcedureSeed("BH-1LAN", "Giải quyết hưởng bảo hiểm xã hội một lần", "Bảo hiểm", True),
    ProcedureSeed("VL-TCTN", "Giải quyết hưởng trợ cấp thất nghiệp", "Việc làm", False),
    # Bảo trợ xã hội
    ProcedureSeed(
        "BTXH-TCXH",
        "Thực hiện, điều chỉnh, thôi hưởng trợ cấp xã hội hằng tháng, hỗ trợ kinh phí chăm sóc, nuôi dưỡng hằng tháng",
        "Bảo trợ xã hội",
        False,
    ),
    # Đất đai
    ProcedureSeed("DD-BD", "Đăng ký biến động đất đai, tài sản gắn liền với đất", "Đất đai", False),
    ProcedureSeed(
        "DD-CGCN",
        "Đăng ký đất đai, tài sản gắn liền với đất, cấp Giấy chứng nhận quyền sử dụng đất, quyền sở hữu "
        "tài sản gắn liền với đất lần đầu",
        "Đất đai",
        False,
    ),
    ProcedureSeed("DD-CCDL", "Cung cấp thông tin, dữ liệu đất đai", "Đất đai", True),
    # Giao thông
    ProcedureSeed("GT-DOIGPLX", "Đổi giấy phép lái xe", "Giao thông", True),
    ProcedureSeed("GT-NPVP", "Nộp phạt vi phạm hành chính lĩnh vực giao thông trực tuyến", "Giao thông", True),
    ProcedureSeed("GT-DKX", "Đăng ký, cấp biển số xe lần đầu", "Giao thông", False),
    # Chứng thực (the original paper has to be shown)
    ProcedureSeed("CTH-BSDT", "Cấp bản sao điện tử được chứng thực từ bản chính", "Chứng thực", False),
    # Kinh doanh
    ProcedureSeed("KD-HKD", "Đăng ký thành lập hộ kinh doanh", "Kinh doanh", True),
    ProcedureSeed("KD-HKDTD", "Đăng ký thay đổi nội dung đăng ký hộ kinh doanh", "Kinh doanh", True),
    ProcedureSeed(
        "KD-HKDTN",
        "Tạm ngừng kinh doanh, tiếp tục kinh doanh trước thời hạn đã thông báo của hộ kinh doanh",
        "Kinh doanh",
        True,
    ),
    # Điện
    ProcedureSeed("DIEN-CM", "Cấp điện mới từ lưới điện hạ áp", "Điện", True),
)


# ---------------------------------------------------------------------------------------------------------
# Household visits: what was done and what is still needed — (code, Vietnamese, English)

ACTIONS_DONE: Final[tuple[tuple[str, str, str], ...]] = (
    ("install_vneid", "Cài đặt ứng dụng VNeID", "Installed the VNeID app"),
    (
        "register_vneid_level1",
        "Đăng ký tài khoản định danh điện tử mức 1",
        "Registered a level-1 VNeID account",
    ),
    (
        "activate_vneid_level2",
        "Hướng dẫn kích hoạt tài khoản định danh điện tử mức 2",
        "Guided level-2 VNeID activation",
    ),
    ("update_vneid_info", "Cập nhật, tích hợp thông tin trên VNeID", "Updated or added information on VNeID"),
    (
        "confirm_skills_vneid",
        "Hướng dẫn xác nhận kỹ năng số trên VNeID",
        "Guided confirmation of digital skills on VNeID",
    ),
    ("install_daklak_app", "Cài đặt ứng dụng Đắk Lắk số", "Installed the Đắk Lắk số app"),
    ("open_bank_account", "Mở tài khoản ngân hàng", "Opened a bank account"),
    ("open_ewallet", "Mở ví điện tử", "Opened an e-wallet"),
    ("setup_qr_payment", "Hướng dẫn thanh toán bằng mã QR", "Set up QR payment"),
    (
        "create_portal_account",
        "Tạo tài khoản Cổng Dịch vụ công",
        "Created a public-service portal account",
    ),
    ("guide_online_submission", "Hướng dẫn nộp hồ sơ trực tuyến", "Guided an online submission"),
    ("install_digital_signature", "Cài đặt chữ ký số cá nhân", "Installed a personal digital signature"),
    (
        "install_vssid",
        "Cài đặt ứng dụng VssID - Bảo hiểm xã hội số",
        "Installed the VssID social-insurance app",
    ),
    (
        "fraud_awareness",
        "Tuyên truyền phòng chống lừa đảo trực tuyến",
        "Explained how to avoid online fraud",
    ),
)

FOLLOW_UPS: Final[tuple[tuple[str, str, str], ...]] = (
    (
        "needs_level2_at_police",
        "Cần đến công an xã, phường để kích hoạt định danh điện tử mức 2",
        "Needs level-2 VNeID activation at the police",
    ),
    ("needs_id_card", "Cần làm hoặc đổi thẻ căn cước", "Needs a new or renewed citizen ID card"),
    ("needs_smartphone", "Chưa có điện thoại thông minh", "Needs a smartphone"),
    ("needs_internet", "Chưa có kết nối Internet", "Needs an internet connection"),
    ("needs_submission_help", "Cần hỗ trợ nộp hồ sơ trực tuyến", "Needs help with an online submission"),
    ("wants_training", "Muốn tham gia lớp Bình dân học vụ số", "Wants to join a digital-skills class"),
    (
        "needs_interpreter",
        "Cần người phiên dịch tiếng dân tộc khi quay lại",
        "Needs an interpreter on the next visit",
    ),
    ("revisit_absent", "Người cần hỗ trợ vắng nhà, hẹn quay lại", "Person was away; visit again"),
)

#: Where a submission was filed. The codes are those of `dlso_desktop.models.Portal`.
PORTALS: Final[tuple[tuple[str, str, str], ...]] = (
    ("dvc_quoc_gia", "Cổng Dịch vụ công quốc gia", "National Public Service Portal"),
    (
        "dvc_tinh",
        "Hệ thống thông tin giải quyết thủ tục hành chính tỉnh Đắk Lắk",
        "Đắk Lắk administrative procedures information system",
    ),
    ("vneid", "Ứng dụng VNeID", "VNeID app"),
    ("other", "Khác", "Other"),
)


# ---------------------------------------------------------------------------------------------------------
# Ethnic groups (sensitive personal data) and languages

#: The 54 ethnic groups with the statistics office's 2-digit codes (Decision 1019/QĐ-TCTK, 12/11/2008).
#: Note: the older 1979 list (Decision 121-TCTK/PPCĐ) numbers differently from 04 on (04 Hoa, 11 Ngái,
#: 12 Ê Đê, ...); data coming from a system that uses it must be mapped by name, not by code.
ETHNIC_GROUPS: Final[tuple[tuple[str, str], ...]] = (
    ("01", "Kinh"),
    ("02", "Tày"),
    ("03", "Thái"),
    ("04", "Mường"),
    ("05", "Khmer"),
    ("06", "Hoa"),
    ("07", "Nùng"),
    ("08", "Mông"),
    ("09", "Dao"),
    ("10", "Gia Rai"),
    ("11", "Ê Đê"),
    ("12", "Ba Na"),
    ("13", "Sán Chay"),
    ("14", "Chăm"),
    ("15", "Cơ Ho"),
    ("16", "Xơ Đăng"),
    ("17", "Sán Dìu"),
    ("18", "Hrê"),
    ("19", "Ra Glai"),
    ("20", "Mnông"),
    ("21", "Thổ"),
    ("22", "Xtiêng"),
    ("23", "Khơ Mú"),
    ("24", "Bru Vân Kiều"),
    ("25", "Cơ Tu"),
    ("26", "Giáy"),
    ("27", "Tà Ôi"),
    ("28", "Mạ"),
    ("29", "Giẻ Triêng"),
    ("30", "Co"),
    ("31", "Chơ Ro"),
    ("32", "Xinh Mun"),
    ("33", "Hà Nhì"),
    ("34", "Chu Ru"),
    ("35", "Lào"),
    ("36", "La Chí"),
    ("37", "Kháng"),
    ("38", "Phù Lá"),
    ("39", "La Hủ"),
    ("40", "La Ha"),
    ("41", "Pà Thẻn"),
    ("42", "Lự"),
    ("43", "Ngái"),
    ("44", "Chứt"),
    ("45", "Lô Lô"),
    ("46", "Mảng"),
    ("47", "Cờ Lao"),
    ("48", "Bố Y"),
    ("49", "Cống"),
    ("50", "Si La"),
    ("51", "Pu Péo"),
    ("52", "Rơ Măm"),
    ("53", "Brâu"),
    ("54", "Ơ Đu"),
)

#: Main spoken languages: Vietnamese, the province's main indigenous languages, languages of groups that
#: settled from the north, and those of former Phú Yên (Ba Na, Chăm Hroi).
LANGUAGES: Final[tuple[tuple[str, str, str], ...]] = (
    ("vi", "Tiếng Việt", "Vietnamese"),
    ("ede", "Tiếng Ê Đê", "Ede (Rhade)"),
    ("mnong", "Tiếng M'Nông", "Mnong"),
    ("jrai", "Tiếng J'rai", "Jarai"),
    ("tay", "Tiếng Tày", "Tay"),
    ("nung", "Tiếng Nùng", "Nung"),
    ("hmong", "Tiếng Mông", "Hmong"),
    ("bahnar", "Tiếng Ba Na", "Bahnar"),
    ("cham", "Tiếng Chăm", "Cham"),
    ("other", "Ngôn ngữ khác", "Other language"),
)


# ---------------------------------------------------------------------------------------------------------
# Look-ups

_ETHNIC_BY_CODE: Final[dict[str, str]] = dict(ETHNIC_GROUPS)


def label(table: tuple[tuple[str, str, str], ...], code: str, lang: str = "vi") -> str:
    """The Vietnamese (``lang="vi"``) or English label of ``code`` in a (code, vi, en) table.

    An unknown code (e.g. from a newer server catalogue) is returned as it is rather than raising.
    """
    for row_code, vi, en in table:
        if row_code == code:
            return vi if lang == "vi" else en
    return code


def ethnic_group_name(code: str) -> str | None:
    """The Vietnamese name of a 2-digit ethnic-group code, or None if the code is not in the list."""
    return _ETHNIC_BY_CODE.get(code)
