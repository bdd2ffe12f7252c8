"""Realistic demo data for one commune, written through the real services (``dlso demo-data``).

Everything goes through :class:`dlso_desktop.services.Services` exactly as the UI and the importer would:
villages with ``VillageService.create``, households with their members in batches with
``HouseholdService.create_many`` (one unit of work per batch), visits, training sessions with attendance and
results, and assisted online submissions with their status changes. So the demo data also exercises
validation, NFC normalisation, the search index, the audit trail and the outbox.

What it makes looks like a commune of Đắk Lắk: thôn, buôn and tổ dân phố of 60-150 households; about two
thirds Kinh households (family names weighted as in the population) and one third Ê Đê, M'Nông and J'rai
households whose names put the given name first behind the gender prefix ("Y Mek Ê Nuôl", "H'Maryam Niê");
children of Ê Đê, J'rai and M'Nông families take their mother's clan name. About one name in twenty is typed
decomposed (NFD), apostrophes are sometimes curly, phones are typed with spaces, dots or +84: the services
store it all in NFC with straight apostrophes and normalised numbers. Ethnic group is sensitive data: it is
filled in only for some adults of Ê Đê, M'Nông and J'rai households, always together with their recorded
explicit consent (``sensitive_consent``), as the services require; Kinh persons never get one.

Determinism: every value of the generated *content* comes from ``random.Random`` instances seeded from
``seed`` and from a reference date derived from it (never from the clock, unless the clock is earlier than
that date). Ids and timestamps made by the storage layer differ between runs, naturally. Villages, households
and persons come from one stream and the visits/training/submissions from another, so the same seed gives
the same people with or without ``activity``. Who gave their ethnic group comes from a third stream, so it
changes none of the other values a seed makes.
"""

from __future__ import annotations

import bisect
import itertools
import random
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Final

from dlso_desktop import admin_units, catalogue
from dlso_desktop.ids import VN_TZ
from dlso_desktop.models import (
    DIGITAL_STATUS_FIELDS,
    ActionKind,
    AssessmentResult,
    Internet,
    Portal,
    Sex,
    SubmissionStatus,
    VillageKind,
    VNeIDLevel,
)
from dlso_desktop.services import Services
from dlso_desktop.services.activity import (
    ActionInput,
    ConsentInput,
    FindingInput,
    SessionInput,
    SubmissionInput,
    VisitInput,
)
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import CourseView, HouseholdDetail, PersonView, ProcedureView
from dlso_desktop.storage.store import Database
from dlso_desktop.text import fold
from dlso_desktop.validation import ValidationError

__all__ = [
    "EDE_CLANS",
    "JRAI_CLANS",
    "MNONG_CLANS",
    "generate",
    "reference_date",
]

#: Visits, sessions and submissions fall within this many days before the reference date.
ACTIVITY_DAYS: Final = 120

MALE: Final = Sex.MALE.value
FEMALE: Final = Sex.FEMALE.value
KINH, EDE, MNONG, JRAI = "kinh", "ede", "mnong", "jrai"  # households' groups (internal, never stored)
#: the statistics office's codes of the minority groups, stored (with consent) as a person's ethnic group
_ETHNIC_CODE: Final = {EDE: "11", JRAI: "10", MNONG: "20"}
#: share of the minority households' adults who agree to give their ethnic group
_SENSITIVE_CONSENT_SHARE: Final = 0.3

# ---------------------------------------------------------------------------------------------------------
# Name material


class _Pick:
    """Weighted choice from a fixed table (cumulative weights computed once)."""

    __slots__ = ("cum", "items", "total")

    def __init__(self, table: Sequence[tuple[str, float]]) -> None:
        self.items = [item for item, _ in table]
        self.cum = list(itertools.accumulate(w for _, w in table))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> str:
        return self.items[bisect.bisect_right(self.cum, rng.random() * self.total)]


def _even(*items: str) -> _Pick:
    return _Pick([(i, 1.0) for i in items])


# Family names: the big ones with their approximate shares in Vietnam (Nguyễn ~38%), then a tail.
KINH_FAMILY: Final = _Pick(
    [
        ("Nguyễn", 38.0), ("Trần", 11.0), ("Lê", 9.5), ("Phạm", 7.0), ("Hoàng", 2.6), ("Huỳnh", 2.5),
        ("Phan", 4.5), ("Vũ", 1.9), ("Võ", 2.1), ("Đặng", 2.1), ("Bùi", 2.0), ("Đỗ", 1.4), ("Hồ", 1.3),
        ("Ngô", 1.3), ("Dương", 1.0), ("Lý", 0.5), ("Đinh", 0.8), ("Trương", 0.8), ("Lương", 0.5),
        ("Mai", 0.5), ("Đoàn", 0.6), ("Lâm", 0.4), ("Hà", 0.5), ("Cao", 0.5), ("Châu", 0.3), ("Thái", 0.3),
        ("Tô", 0.3), ("Lưu", 0.3), ("Đào", 0.5), ("Chu", 0.2), ("Nông", 0.3), ("Triệu", 0.2), ("Kiều", 0.2),
        ("Tạ", 0.3), ("Phùng", 0.3), ("Lại", 0.2), ("Quách", 0.1), ("Giang", 0.2), ("Khổng", 0.1),
    ]
)  # fmt: skip
_MIDDLE_MALE_OLD: Final = _Pick(
    [("Văn", 45), ("Đức", 6), ("Hữu", 6), ("Ngọc", 5), ("Minh", 6), ("Quang", 5), ("Xuân", 4), ("Đình", 5),
     ("Công", 5), ("Thanh", 5), ("Quốc", 4), ("Trọng", 2), ("Tấn", 2)]
)  # fmt: skip
_MIDDLE_MALE_YOUNG: Final = _Pick(
    [("Văn", 15), ("Minh", 12), ("Gia", 8), ("Đức", 8), ("Quốc", 7), ("Hoàng", 7), ("Anh", 5), ("Bảo", 7),
     ("Hữu", 6), ("Tuấn", 5), ("Nhật", 5), ("Đăng", 5), ("Thành", 5), ("Trung", 5)]
)  # fmt: skip
_MIDDLE_FEMALE_OLD: Final = _Pick(
    [("Thị", 70), ("Ngọc", 6), ("Thu", 5), ("Kim", 5), ("Thanh", 5), ("Xuân", 3), ("Mỹ", 3), ("Bích", 3)]
)
_MIDDLE_FEMALE_YOUNG: Final = _Pick(
    [("Thị", 25), ("Ngọc", 10), ("Khánh", 8), ("Bảo", 8), ("Minh", 7), ("Phương", 7), ("Thảo", 6), ("Gia", 6),
     ("Thu", 6), ("Hà", 6), ("Thùy", 6), ("Mai", 5)]
)  # fmt: skip
_SECOND_MIDDLE_FEMALE: Final = _even("Thu", "Ngọc", "Kim", "Mỹ", "Thanh", "Bích", "Hồng", "Minh", "Thùy")
_GIVEN_MALE_OLD: Final = _even(
    "Hùng", "Dũng", "Đức", "Hải", "Sơn", "Thắng", "Cường", "Bình", "Hòa", "Minh", "Tuấn", "Thành", "Long",
    "Nam", "Trung", "Quang", "Phong", "Lộc", "Tài", "Hưng", "Vinh", "Toàn", "Chiến", "Thanh", "Hiếu", "Tâm",
    "Nghĩa", "Tùng", "Tiến", "Phúc", "Thuận", "Việt", "Khánh", "Quý", "Lợi", "Mạnh", "Kiên", "Anh", "Đông",
)  # fmt: skip
_GIVEN_MALE_YOUNG: Final = _even(
    "Huy", "Khang", "Bảo", "Phúc", "Nam", "Minh", "An", "Khoa", "Quân", "Đạt", "Duy", "Hiếu", "Kiên", "Nhật",
    "Thịnh", "Tú", "Vũ", "Lâm", "Phát", "Tín", "Khôi", "Khải", "Đăng", "Long", "Hưng", "Anh", "Tuấn", "Trí",
)  # fmt: skip
_GIVEN_FEMALE_OLD: Final = _even(
    "Lan", "Hoa", "Hương", "Thủy", "Mai", "Hạnh", "Hằng", "Nga", "Nhung", "Liên", "Hồng", "Loan", "Oanh",
    "Huệ", "Tuyết", "Hà", "Dung", "Yến", "Thảo", "Hiền", "Lý", "Phượng", "Hòa", "Xuân", "Thu", "Sương",
    "Lệ", "Tâm", "Bích", "Cúc", "Vân", "Thúy",
)  # fmt: skip
_GIVEN_FEMALE_YOUNG: Final = _even(
    "Linh", "Trang", "Anh", "Vy", "Nhi", "Chi", "Ngọc", "Hân", "My", "Thư", "Quỳnh", "Như", "Uyên", "Trâm",
    "Hà", "Thảo", "Yến", "Diệp", "Ngân", "Trinh", "Phương", "Tiên", "Hương", "Thủy", "Hòa", "Lan",
)  # fmt: skip
#: Old-style tone placement some people (and old keyboards) still use: "Hoà" for "Hòa", "Thuỷ" for "Thủy".
_OLD_STYLE: Final[dict[str, str]] = {"Hòa": "Hoà", "Thủy": "Thuỷ", "Thùy": "Thuỳ", "Thúy": "Thuý"}

#: Ê Đê clans (the name's last part).
EDE_CLANS: Final[tuple[str, ...]] = (
    "Niê", "Mlô", "Ayŭn", "Ktla", "Êban", "Byă", "Adrơng", "Kbuôr", "Ksơr", "Buôn Yă", "Hwing", "Êya",
    "Ênuôl", "Ê Nuôl", "Knul", "Niê Kdăm", "Niê Blô", "Mlô Duôn Du", "Buôn Krông", "Hmŏk", "Kpơr",
)  # fmt: skip
_EDE_CLAN: Final = _Pick([(c, 12.0 if c == "Niê" else 3.0 if c in ("Mlô", "Êban", "Ayŭn") else 1.5) for c in EDE_CLANS])
_EDE_MALE: Final = _even(
    "Mek", "Ƀlŭl", "Thông", "Moan", "Jut", "Ngông", "Wang", "Bhin", "Khuê", "Dhăm", "Blir", "Tlam", "Phi",
    "Sơn", "Hrin", "Ƀhiu", "Djuin", "Kô", "Yơn", "Krăm", "Lơ", "Ngứ", "Thuật", "Sim", "Ri", "Jôn", "Nuê",
    "Bhuin", "Ƀrơm", "Kông", "Jlơi", "Nhŭ", "Bih", "Drang", "Khoa", "Lang", "Tuyn", "Siêm", "Hoan", "Dhei",
)  # fmt: skip
_EDE_FEMALE: Final = _even(
    "Maryam", "Hen", "Ruah", "Blin", "Hương", "Lan", "Ni", "Zina", "Nơ", "Duen", "Mai", "Rin", "Khuyên",
    "Bơ", "Juel", "Yơn", "Nhi", "Bia", "Trinh", "Loan", "Mơ", "Yam", "Dim", "Hra", "Dung", "Lina", "Ngăm",
    "Wiel", "Thu", "Ju", "Ƀlim", "Dơk", "Jen", "Nga", "Kim", "Ly", "Hiên", "Ơn", "Ŭn", "Ĕt",
)  # fmt: skip
#: M'Nông clans (Lắk area: written like Ê Đê names, "Y Bliêng Liêng Hót", "H'Bioh Bon Jốc").
MNONG_CLANS: Final[tuple[str, ...]] = ("Bon Jốc", "Liêng Hót", "Bon Đơng", "Mdrang", "Liêng Jrang", "Krông", "Rơ Ông")
_MNONG_CLAN: Final = _even(*MNONG_CLANS)
_MNONG_MALE: Final = _even(
    "Bliêng", "Khai", "Xiêng", "Bơi", "Long", "Hoan", "Kriêng", "Brơi", "Rông", "Mon", "Ngôn", "Yơn", "Dong",
    "Blông", "Thia", "Siêng", "Jhiêng", "Lơ", "K'Re", "Điêng",
)  # fmt: skip
_MNONG_FEMALE: Final = _even(
    "Bioh", "Đanh", "Bơ", "Nhung", "Mai", "Hoa", "Kiều", "Ly", "Mơ", "Lan", "Thanh", "Brinh", "Nhi", "Hương",
    "Hằng", "Rơm", "Ngơi", "Lơn",
)  # fmt: skip
#: J'rai clans; J'rai names are often written clan first ("Rơ Mah Then", "Ksor H'Mai"), sometimes Ê Đê style.
JRAI_CLANS: Final[tuple[str, ...]] = ("Ksor", "Rơ Mah", "Siu", "Rơ Chăm", "Nay", "Kpă", "Rah Lan", "Puih")
_JRAI_CLAN: Final = _even(*JRAI_CLANS)
_JRAI_MALE: Final = _even(
    "Then", "Phin", "Kuih", "Blêh", "Thuyn", "Nhiu", "Dơk", "Hlim", "Tơ", "Vương", "Lâm", "Tih", "Hyưn",
    "Ƀlơ", "Djơ", "Khăm", "Nguin", "Nhĭm",
)  # fmt: skip
_JRAI_FEMALE: Final = _even(
    "Mai", "Bla", "Bôi", "Nhí", "Blơng", "Bé", "Lin", "Yung", "Prôk", "Tơ", "Hyơn", "Dư", "Ƀlăk", "Lem",
)  # fmt: skip

_PHONE_PREFIX: Final = _Pick(
    [(p, 3.0) for p in ("032", "033", "034", "035", "036", "037", "038", "039", "086", "096", "097", "098")]
    + [(p, 2.0) for p in ("081", "082", "083", "084", "085", "088", "091", "094")]
    + [(p, 1.5) for p in ("070", "076", "077", "078", "079", "089", "090", "093")]
    + [(p, 0.5) for p in ("052", "056", "058", "092", "059", "099")]
)
#: Where a Kinh resident's birth was registered: mostly Đắk Lắk, else the provinces migrants came from.
_CCCD_PROVINCE_KINH: Final = _Pick(
    [("066", 62), ("038", 5), ("040", 5), ("042", 3), ("036", 3), ("034", 3), ("001", 2), ("049", 2),
     ("051", 2), ("052", 2), ("054", 3), ("062", 1), ("064", 2), ("067", 2), ("079", 1), ("048", 1),
     ("044", 1), ("035", 1)]
)  # fmt: skip
_CCCD_PROVINCE_MINORITY: Final = _Pick([("066", 92), ("067", 4), ("064", 3), ("062", 1)])

_STREETS: Final = _even(
    "Y Moan", "Y Moan Ênuôl", "Y Jút", "Y Ngông", "Y Wang", "Y Bih Alêô", "Y Nuê", "Ama Khê", "Ama Jhao",
    "Nơ Trang Long", "Lê Duẩn", "Phan Bội Châu", "Nguyễn Tất Thành", "Hùng Vương", "Mai Hắc Đế",
    "Hai Bà Trưng", "Lý Thường Kiệt", "Ngô Quyền", "Trần Phú", "Phạm Văn Đồng", "Nguyễn Văn Cừ", "Giải Phóng",
    "Đinh Tiên Hoàng", "Lê Hồng Phong", "Trường Chinh", "Lê Thánh Tông", "Hoàng Diệu", "Quang Trung",
    "Phan Chu Trinh", "Nguyễn Công Trứ", "Tôn Đức Thắng", "Mạc Thị Bưởi", "Điện Biên Phủ", "Võ Văn Kiệt",
    "Nguyễn Chí Thanh", "Hà Huy Tập",
)  # fmt: skip
_NAMED_THON: Final[tuple[str, ...]] = (
    "Tân Lập", "Hòa Bình", "Đoàn Kết", "Thắng Lợi", "Tân Hòa", "Quyết Thắng", "Kim Châu", "Tân Thành",
    "Phú Lộc", "Tân Tiến", "Thanh Bình", "Hợp Thành", "Đồng Tâm", "Tân Sơn", "Ea Kmar", "Cao Thành",
    "Tiến Đạt", "Xuân Phú", "Quảng Đà", "Hà Tĩnh",
)  # fmt: skip
_BUON_NAMES: Final[tuple[str, ...]] = (
    "Ko Tam", "Ea Tu", "Kram", "Akô Dhông", "Alê A", "Alê B", "Kmrơng Prông A", "Kmrơng Prông B", "Ea Bông",
    "Cư Dluê", "Tơng Jú", "Ky", "Êga", "Ea Kmát", "Dhắt", "Jun", "Đôn", "Trí A", "Tring", "Ea Khit",
    "Cuôr Đăng", "Kô Siêr", "Pốc", "M’Liêng", "H'Đinh", "Ea Na", "Cuôr Knia", "Ea Mdróh", "Krông A",
    "Dliê Ya", "Ea Sar", "Yang Kring", "Ea Pốk", "Trấp", "Hluk", "Jang Lành", "Triết", "Dơng Bắk", "Ea Ktur",
    "Kmang", "Ea Drai", "Tuôr A",
)  # fmt: skip
_VISIT_NOTES: Final = _even(
    "Gia đình đi rẫy, chỉ có người già ở nhà.",
    "Hẹn quay lại vào buổi tối để hướng dẫn tiếp.",
    "Điện thoại của chủ hộ bị hỏng màn hình.",
    "Đã tuyên truyền về lớp Bình dân học vụ số của thôn.",
    "Con trai đi làm xa, chưa gặp được.",
    "Hộ có người cao tuổi cần hỗ trợ tại nhà.",
    "Sóng điện thoại yếu, phải ra đầu ngõ mới đăng nhập được.",
    "Nhờ cháu nội phiên dịch giúp.",
    "Đã nhắc không cung cấp mã OTP cho người lạ.",
)


# ---------------------------------------------------------------------------------------------------------
# Reference date


def reference_date(seed: int) -> date:
    """The fixed "today" of the generated content: 1 October 2026 minus 0-29 days chosen by the seed.

    Ages, visit, session and submission dates are counted back from it. If the clock says an earlier date,
    that date is used instead, so nothing generated is ever in the future.
    """
    offset = random.Random(f"dlso-demo-reference:{seed}").randrange(30)
    return min(date(2026, 10, 1) - timedelta(days=offset), date.today())


# ---------------------------------------------------------------------------------------------------------
# Plans (what the generator decided before anything is written)


@dataclass(slots=True)
class _Village:
    id: str
    name: str
    kind: str
    minority_share: float
    main_group: str
    team: tuple[str, ...]  # names of the village's community digital technology team


@dataclass(slots=True)
class _Member:
    rel: str
    sex: str
    age: int
    father: int | None = None  # index in the household of the father / mother, when they live there
    mother: int | None = None
    family: str = ""  # Kinh family name or minority clan


@dataclass(slots=True)
class _HouseholdPlan:
    village: _Village
    group: str
    inp: HouseholdInput
    ages: list[int]


@dataclass(slots=True)
class _Counts:
    villages: int = 0
    households: int = 0
    persons: int = 0
    visits: int = 0
    training_sessions: int = 0
    attendances: int = 0
    submissions: int = 0

    def as_dict(self) -> dict[str, int]:
        return {
            "villages": self.villages,
            "households": self.households,
            "persons": self.persons,
            "visits": self.visits,
            "training_sessions": self.training_sessions,
            "attendances": self.attendances,
            "submissions": self.submissions,
        }


@dataclass(slots=True)
class _Adult:
    person_id: str
    village_id: str


# ---------------------------------------------------------------------------------------------------------
# People


class _People:
    """Villages, households and persons: pure planning from one random stream (no database access)."""

    def __init__(
        self, rng: random.Random, ref: date, commune_kind: str, consent_rng: random.Random | None = None
    ) -> None:
        self.rng = rng
        #: who agrees to give their ethnic group (its own stream: it changes nothing else)
        self.consent_rng = consent_rng or random.Random(0)
        self.ref = ref
        self.urban = commune_kind == "phuong"
        self.cccds: set[str] = set()  # a citizen ID belongs to one person: never issue one twice

    # -- villages ----------------------------------------------------------------------------------------

    def village_specs(self, households: int) -> list[tuple[str, str, int]]:
        """(name, kind, number of households) for each village, names unique once folded."""
        rng = self.rng
        n = max(1, round(households / rng.uniform(100, 110)))
        if self.urban:
            n_buon = round(n * 0.25)
            n_thon = round(n * 0.10)
            kinds = [VillageKind.BUON.value] * n_buon + [VillageKind.THON.value] * n_thon
            kinds += [VillageKind.TO_DAN_PHO.value] * (n - len(kinds))
        else:
            n_buon = round(n * 0.3)
            kinds = [VillageKind.BUON.value] * n_buon + [VillageKind.THON.value] * (n - n_buon)
        rng.shuffle(kinds)
        buon_names = list(_BUON_NAMES)
        rng.shuffle(buon_names)
        named_thon = list(_NAMED_THON)
        rng.shuffle(named_thon)
        numbers = {k: itertools.count(1) for k in (VillageKind.THON.value, VillageKind.TO_DAN_PHO.value)}
        used: set[str] = set()
        names: list[str] = []
        n_buon_named = 0
        for kind in kinds:
            if kind == VillageKind.BUON.value:
                base = buon_names[n_buon_named % len(buon_names)]
                round_no = n_buon_named // len(buon_names)
                n_buon_named += 1
                name = f"Buôn {base}" + (f" {round_no + 1}" if round_no else "")
                if rng.random() < 0.5:  # typed with a curly or a straight apostrophe
                    name = name.replace("’", "'")
            elif kind == VillageKind.THON.value and named_thon and rng.random() < 0.3:
                name = f"Thôn {named_thon.pop()}"
            elif kind == VillageKind.THON.value:
                name = f"Thôn {next(numbers[kind])}"
            else:
                name = f"Tổ dân phố {next(numbers[kind])}"
            suffix = 1
            while fold(name) in used:  # cannot happen with the lists above; kept as a guard
                suffix += 1
                name = f"{name} {suffix}"
            used.add(fold(name))
            names.append(name)
        weights = [rng.uniform(60, 150) for _ in range(n)]
        sizes = _apportion(households, weights)
        return list(zip(names, kinds, sizes, strict=True))

    def village(self, vid: str, name: str, kind: str, n_villages: int) -> _Village:
        rng = self.rng
        if n_villages == 1:
            share = 0.35
        elif kind == VillageKind.BUON.value:
            share = rng.uniform(0.8, 1.0)
        else:
            share = rng.uniform(0.03, 0.25 if kind == VillageKind.THON.value else 0.2)
        main = _BUON_GROUP(rng)
        head = self.name(main if kind == VillageKind.BUON.value else KINH, MALE, rng.randint(40, 65), "")
        team = [head, self.name(KINH, rng.choice((MALE, FEMALE)), rng.randint(20, 32), "")]
        if kind == VillageKind.BUON.value or rng.random() < 0.4:
            team.append(self.name(main, rng.choice((MALE, FEMALE)), rng.randint(19, 30), ""))
        return _Village(vid, name, kind, share, main, tuple(_clean_spaces(t) for t in team))

    # -- names -------------------------------------------------------------------------------------------

    def name(self, group: str, sex: str, age: int, family: str, *, preh: bool = False) -> str:
        """A full name; ``family`` is the Kinh family name or the minority clan ("" = pick one).

        ``preh``: a M'Nông name in the Preh style of former Đắk Nông, "Điểu Xiêng" (men), "Thị Kiều" (women).
        """
        rng = self.rng
        if group == KINH:
            return self._kinh(sex, age, family or KINH_FAMILY(rng))
        if group == EDE:
            given = (_EDE_MALE if sex == MALE else _EDE_FEMALE)(rng)
            return self._prefixed(sex, given, family or _EDE_CLAN(rng))
        if group == MNONG:
            if preh:
                return ("Điểu " if sex == MALE else "Thị ") + (_MNONG_MALE if sex == MALE else _MNONG_FEMALE)(rng)
            given = (_MNONG_MALE if sex == MALE else _MNONG_FEMALE)(rng)
            return self._prefixed(sex, given, family or _MNONG_CLAN(rng))
        clan = family or _JRAI_CLAN(rng)
        given = (_JRAI_MALE if sex == MALE else _JRAI_FEMALE)(rng)
        if rng.random() < 0.5:  # clan first: "Rơ Mah Then", "Ksor H'Mai"
            return f"{clan} {given}" if sex == MALE else f"{clan} H{self._apostrophe()}{given}"
        return self._prefixed(sex, given, clan)

    def _apostrophe(self) -> str:
        return "’" if self.rng.random() < 0.4 else "'"

    def _prefixed(self, sex: str, given: str, clan: str) -> str:
        r = self.rng.random()
        if sex == MALE:
            return f"Y-{given} {clan}" if r < 0.1 else f"Y {given} {clan}"
        return f"H {given} {clan}" if r < 0.15 else f"H{self._apostrophe()}{given} {clan}"

    def _kinh(self, sex: str, age: int, family: str) -> str:
        rng = self.rng
        young = self.ref.year - age >= 1995
        if sex == MALE:
            middle = (_MIDDLE_MALE_YOUNG if young else _MIDDLE_MALE_OLD)(rng)
            given = (_GIVEN_MALE_YOUNG if young else _GIVEN_MALE_OLD)(rng)
            if young and middle not in ("Văn", "Hữu") and family != "Hoàng" and rng.random() < 0.08:
                middle = f"Hoàng {middle}" if middle != "Hoàng" else "Hoàng Gia"
        else:
            middle = (_MIDDLE_FEMALE_YOUNG if young else _MIDDLE_FEMALE_OLD)(rng)
            given = (_GIVEN_FEMALE_YOUNG if young else _GIVEN_FEMALE_OLD)(rng)
            if middle == "Thị" and rng.random() < 0.15:  # "Nguyễn Thị Thu Hương"
                middle = f"Thị {_SECOND_MIDDLE_FEMALE(rng)}"
        if given == middle.split()[-1]:
            given = (_GIVEN_MALE_OLD if sex == MALE else _GIVEN_FEMALE_OLD)(rng)
        if rng.random() < 0.2:
            given = _OLD_STYLE.get(given, given)
        return f"{family} {middle} {given}"

    # -- households --------------------------------------------------------------------------------------

    def composition(self, group: str) -> list[_Member]:
        """Relationships, sexes, ages and who is whose parent, for a household of 1-7 members (mean ~4)."""
        rng = self.rng
        size = int(_HOUSEHOLD_SIZE(rng))
        matrilineal = group != KINH
        if size == 1:
            if rng.random() < 0.45:
                return [_Member("head", FEMALE if rng.random() < 0.7 else MALE, rng.randint(60, 85))]
            return [_Member("head", MALE if rng.random() < 0.6 else FEMALE, rng.randint(20, 59))]
        if size >= 5 and rng.random() < 0.3:
            return self._three_generations(size, matrilineal)
        members: list[_Member] = []
        couple = size >= 3 or rng.random() < 0.75
        head_female = rng.random() < (0.5 if matrilineal else 0.15 if couple else 0.6)
        if couple and size == 2:
            head_age = rng.choice((rng.randint(22, 40), rng.randint(41, 85), rng.randint(55, 85)))
        else:
            head_age = rng.randint(24, 58)
        head_sex = FEMALE if head_female else MALE
        members.append(_Member("head", head_sex, head_age))
        mother: int | None = 0 if head_female else None
        father: int | None = None if head_female else 0
        if couple:
            gap = rng.randint(-2, 7)  # the husband is usually a few years older
            spouse_age = head_age + gap if head_female else head_age - gap
            members.append(_Member("spouse", MALE if head_female else FEMALE, min(85, max(18, spouse_age))))
            if head_female:
                father = 1
            else:
                mother = 1
        if size >= 4 and head_age <= 55 and rng.random() < 0.25:
            for _ in range(1 if rng.random() < 0.6 else 2):
                if len(members) >= size - 1:
                    break
                age = head_age + rng.randint(20, 34)
                if age <= 85:
                    sex = FEMALE if not any(m.rel == "parent" and m.sex == FEMALE for m in members) else MALE
                    members.append(_Member("parent", sex, age))
        mother_age = members[mother].age if mother is not None else head_age
        self._children(members, size, "child", mother_age, father, mother)
        return members

    def _three_generations(self, size: int, matrilineal: bool) -> list[_Member]:
        rng = self.rng
        head_female = rng.random() < (0.55 if matrilineal else 0.25)
        head_age = rng.randint(55, 80)
        members = [_Member("head", FEMALE if head_female else MALE, head_age)]
        elder_mother_age = head_age
        elder_father: int | None = None if head_female else 0
        elder_mother: int | None = 0 if head_female else None
        if rng.random() < 0.8:
            gap = rng.randint(-2, 6)
            spouse_age = min(85, max(40, head_age + gap if head_female else head_age - gap))
            members.append(_Member("spouse", MALE if head_female else FEMALE, spouse_age))
            if head_female:
                elder_father = 1
            else:
                elder_mother, elder_mother_age = 1, spouse_age
        # the married child who stays: a daughter in matrilocal families, usually a son in Kinh ones
        child_female = rng.random() < (0.75 if matrilineal else 0.3)
        child_age = max(20, elder_mother_age - rng.randint(20, 34))
        child = len(members)
        members.append(
            _Member("child", FEMALE if child_female else MALE, child_age, father=elder_father, mother=elder_mother)
        )
        in_law = len(members)
        members.append(
            _Member(
                "other",
                MALE if child_female else FEMALE,
                max(18, child_age + rng.randint(-3, 5) * (1 if child_female else -1)),
            )
        )
        mother, father = (child, in_law) if child_female else (in_law, child)
        self._children(members, size, "grandchild", members[mother].age, father, mother)
        return members

    def _children(
        self, members: list[_Member], size: int, rel: str, mother_age: int, father: int | None, mother: int | None
    ) -> None:
        rng = self.rng
        while len(members) < size:
            oldest = mother_age - 19
            if oldest < 0:
                oldest = 0
            youngest = max(0, mother_age - 42)
            if youngest > oldest:
                youngest = oldest
            cap = 17 if rng.random() < 0.85 else 35
            age = rng.randint(youngest, max(youngest, min(oldest, cap)))
            members.append(_Member(rel, MALE if rng.random() < 0.51 else FEMALE, age, father=father, mother=mother))

    def household(self, village: _Village) -> _HouseholdPlan:
        rng = self.rng
        if rng.random() < village.minority_share:
            group = village.main_group if rng.random() < 0.85 else _MINORITY_GROUP(rng)
        else:
            group = KINH
        members = self.composition(group)
        preh = group == MNONG and rng.random() < 0.15
        # names: parents before children; Kinh children take the father's family name, minority children
        # the mother's clan; the head's own parent of the same line shares the head's name
        for m in members:
            if group == KINH:
                line = m.father if m.father is not None else m.mother
                if m.rel == "parent" and m.sex == MALE:
                    m.family = members[0].family
                else:
                    m.family = members[line].family if line is not None else KINH_FAMILY(rng)
            else:
                line = m.mother if m.mother is not None else None
                if m.rel == "parent" and m.sex == FEMALE:
                    m.family = members[0].family
                else:
                    m.family = members[line].family if line is not None else ""
                if not m.family:
                    m.family = {EDE: _EDE_CLAN, MNONG: _MNONG_CLAN, JRAI: _JRAI_CLAN}[group](rng)
        persons = [self.person(m, group, village, preh) for m in members]
        code = _ETHNIC_CODE.get(group)
        if code is not None:
            for m, p in zip(members, persons, strict=True):
                if m.age >= 18 and self.consent_rng.random() < _SENSITIVE_CONSENT_SHARE:
                    p.ethnic_group = code  # sensitive data: only with the person's explicit consent, recorded
                    p.sensitive_consent = True
        hh_phone = self._household_phone(persons, village)
        smart = sum(1 for p in persons if p.has_smartphone)
        feature = sum(1 for p in persons if p.phone and p.has_smartphone is False)
        internet = self._internet(village, smart)
        address = self._address(village)
        notes = ""
        if group != KINH and any(p.needs_interpreter for p in persons) and rng.random() < 0.5:
            notes = "Người cao tuổi chỉ nói tiếng dân tộc."
        inp = HouseholdInput(
            village_id=village.id,
            address=address,
            phone=hh_phone,
            smartphone_count=min(smart + (1 if rng.random() < 0.05 else 0), 50),
            phones_2g_only=min(feature + (1 if rng.random() < 0.05 else 0), 50),
            internet=internet,
            notes=notes,
            members=persons,
        )
        return _HouseholdPlan(village, group, inp, [m.age for m in members])

    def person(self, m: _Member, group: str, village: _Village, preh: bool = False) -> PersonInput:
        rng = self.rng
        name = self.name(group, m.sex, m.age, m.family, preh=preh)
        if rng.random() < 0.05:
            name = unicodedata.normalize("NFD", name)  # typed with a "Unicode tổ hợp" keyboard
        days = m.age * 365 + m.age // 4 + rng.randrange(365)
        born = self.ref - timedelta(days=days)
        year_only = rng.random() < (0.35 if group != KINH and m.age >= 55 else 0.12)
        inp = PersonInput(
            full_name=name,
            sex=m.sex,
            birth_date=None if year_only else born,
            birth_year=born.year if year_only else None,
            relationship=m.rel,
            main_language=self._language(group, m.age),
        )
        if group != KINH and m.age >= 45:
            inp.needs_interpreter = rng.random() < (0.4 if m.age >= 60 else 0.1)
        if m.age >= 14:
            self._status(inp, m.age, group, village)
            with_id = 0.8 if inp.vneid_level == VNeIDLevel.LEVEL2.value else 0.35
            if rng.random() < (with_id if m.age >= 18 else 0.4):
                inp.citizen_id = self._cccd(group, m.sex, born.year)
            if rng.random() < (0.86 if inp.has_smartphone else 0.35 if m.age >= 18 else 0.05):
                inp.phone = self._phone()
        return inp

    def _language(self, group: str, age: int) -> str:
        if group == KINH:
            return "vi"
        if 6 <= age <= 30 and self.rng.random() < 0.3:
            return "vi"  # schooled in Vietnamese
        return group

    def _status(self, inp: PersonInput, age: int, group: str, village: _Village) -> None:
        rng = self.rng
        smart_p = 0.93 if age < 40 else 0.8 if age < 60 else 0.45 if age < 75 else 0.18
        if age < 18:
            smart_p = 0.6
        if group != KINH:
            smart_p *= 0.85
        smart = rng.random() < smart_p
        r = rng.random()
        if age < 18:
            level = "level2" if r < 0.35 else "level1" if r < 0.5 else "none"
        elif smart:
            level = "level2" if r < (0.7 if group == KINH else 0.56) else "level1" if r < 0.86 else "none"
        else:
            level = "level2" if r < 0.25 else "level1" if r < 0.3 else "none"
        inp.vneid_level = level
        inp.has_smartphone = smart
        inp.skills_confirmed = smart and level == "level2" and rng.random() < 0.35
        inp.has_bank_account = rng.random() < ((0.8 if age < 50 else 0.55) if smart else 0.15)
        inp.has_public_service_account = rng.random() < (0.5 if level == "level2" else 0.05)
        urban = village.kind == VillageKind.TO_DAN_PHO.value
        inp.has_digital_signature = age >= 18 and rng.random() < (0.08 if urban else 0.02)
        inp.has_daklak_app = smart and rng.random() < 0.3

    def _cccd(self, group: str, sex: str, year: int) -> str:
        rng = self.rng
        province = (_CCCD_PROVINCE_KINH if group == KINH else _CCCD_PROVINCE_MINORITY)(rng)
        century_sex = 2 * ((year - 1900) // 100) + (1 if sex == FEMALE else 0)
        while True:
            cccd = f"{province}{century_sex}{year % 100:02d}{rng.randrange(1_000_000):06d}"
            if cccd not in self.cccds:
                self.cccds.add(cccd)
                return cccd

    def _phone(self) -> str:
        rng = self.rng
        num = f"{_PHONE_PREFIX(rng)}{rng.randrange(10_000_000):07d}"
        r = rng.random()
        if r < 0.08:
            return f"{num[:4]} {num[4:7]} {num[7:]}"
        if r < 0.14:
            return "+84" + num[1:]
        if r < 0.19:
            return f"{num[:4]}.{num[4:7]}.{num[7:]}"
        return num

    def _household_phone(self, persons: list[PersonInput], village: _Village) -> str | None:
        rng = self.rng
        r = rng.random()
        if village.kind == VillageKind.TO_DAN_PHO.value and r < 0.06:
            return f"02623{rng.randrange(1_000_000):06d}"  # Đắk Lắk landline
        if r < 0.4:
            phones = [p.phone for p in persons if p.phone]
            return phones[0] if phones else None
        return None

    def _internet(self, village: _Village, smartphones: int) -> str:
        rng = self.rng
        fibre, mobile = {
            VillageKind.TO_DAN_PHO.value: (0.75, 0.2),
            VillageKind.THON.value: (0.5, 0.3),
            VillageKind.BUON.value: (0.25, 0.45),
        }.get(village.kind, (0.5, 0.3))
        if smartphones == 0:
            fibre, mobile = fibre * 0.3, 0.0
        r = rng.random()
        return (
            Internet.FIBRE.value if r < fibre else Internet.MOBILE.value if r < fibre + mobile else Internet.NONE.value
        )

    def _address(self, village: _Village) -> str:
        rng = self.rng
        r = rng.random()
        if village.kind == VillageKind.TO_DAN_PHO.value:
            street = _STREETS(rng)
            if r < 0.55:
                return f"Số {rng.randint(1, 350)}, đường {street}"
            if r < 0.8:
                return f"Số {rng.randint(1, 120)}/{rng.randint(1, 40)} {street}"
            return f"Hẻm {rng.randint(2, 400)} {street}"
        if r < 0.05:
            return ""
        if r < 0.1:
            return f"  {village.name} "  # stray spaces, as typed
        if r < 0.35:
            return f"Số {rng.randint(1, 200)}, {village.name}"
        if r < 0.5 and village.kind == VillageKind.THON.value:
            return f"Đội {rng.randint(1, 6)}, {village.name}"
        return village.name


_BUON_GROUP: Final = _Pick([(EDE, 70), (MNONG, 15), (JRAI, 15)])  # the main group of a buôn
_MINORITY_GROUP: Final = _Pick([(EDE, 60), (MNONG, 20), (JRAI, 20)])  # a minority household elsewhere
_HOUSEHOLD_SIZE: Final = _Pick([("1", 6), ("2", 12), ("3", 20), ("4", 27), ("5", 18), ("6", 10), ("7", 7)])


def _apportion(total: int, weights: Sequence[float]) -> list[int]:
    """Split ``total`` in proportion to ``weights`` (largest remainders), at least one each if possible."""
    s = sum(weights)
    raw = [total * w / s for w in weights]
    out = [int(x) for x in raw]
    order = sorted(range(len(raw)), key=lambda i: raw[i] - out[i], reverse=True)
    for i in order[: total - sum(out)]:
        out[i] += 1
    for i, n in enumerate(out):  # no empty village while another has plenty
        if n == 0:
            j = max(range(len(out)), key=out.__getitem__)
            if out[j] > 1:
                out[j] -= 1
                out[i] = 1
    return out


def _clean_spaces(s: str) -> str:
    return " ".join(unicodedata.normalize("NFC", s).split())


# ---------------------------------------------------------------------------------------------------------
# Activity: visits, training, submissions


_SESSION_COURSE_WEIGHTS: Final[dict[str, float]] = {
    "BDHVS-01": 30,
    "BDHVS-02": 25,
    "BDHVS-03": 12,
    "BDHVS-04": 10,
    "BDHVS-05": 12,
    "BDHVS-06": 7,
    "BDHVS-07": 4,
}
_PROCEDURE_WEIGHTS: Final[dict[str, float]] = {
    "CT-TTR": 12,
    "CT-TT": 8,
    "CT-TV": 4,
    "CT-XNCT": 6,
    "HT-KS": 8,
    "LT-KS": 6,
    "HT-TLBS": 5,
    "HT-XNHN": 5,
    "LLTP": 6,
    "BH-GHHGD": 8,
    "BH-DOITHE": 4,
    "GT-NPVP": 4,
    "GT-DOIGPLX": 3,
    "DD-M2": 4,
    "CC-DOI": 3,
    "DIEN-CM": 2,
    "KD-HKD": 2,
}
#: What an action done during a visit changes in the person's status (None: nothing recorded).
_ACTION_EFFECT: Final[dict[str, tuple[str, object] | None]] = {
    "install_vneid": ("vneid_level", VNeIDLevel.LEVEL1.value),
    "register_vneid_level1": ("vneid_level", VNeIDLevel.LEVEL1.value),
    "activate_vneid_level2": ("vneid_level", VNeIDLevel.LEVEL2.value),
    "confirm_skills_vneid": ("skills_confirmed", True),
    "install_daklak_app": ("has_daklak_app", True),
    "open_bank_account": ("has_bank_account", True),
    "open_ewallet": ("has_bank_account", True),
    "create_portal_account": ("has_public_service_account", True),
    "install_digital_signature": ("has_digital_signature", True),
}
_ACTIONS_PER_VISIT: Final = _Pick([("0", 20), ("1", 35), ("2", 30), ("3", 15)])
_FOLLOW_UPS_PER_VISIT: Final = _Pick([("0", 35), ("1", 45), ("2", 20)])


class _Activity:
    """Visits, training sessions and submissions for households just written (second random stream)."""

    def __init__(
        self, svc: Services, rng: random.Random, ref: date, commune_code: int, villages: Sequence[_Village]
    ) -> None:
        self.svc = svc
        self.village_names = {v.id: v.name for v in villages}
        self.trainers = {v.id: v.team for v in villages}
        self.rng = rng
        self.ref = ref
        self.commune_code = commune_code
        self.commune_name = admin_units.commune_by_code(commune_code).name
        known_actions = {c for c, _, _ in catalogue.ACTIONS_DONE}
        self.follow_up_codes = [c for c, _, _ in catalogue.FOLLOW_UPS]
        self.other_actions = [c for c in ("fraud_awareness", "setup_qr_payment", "install_vssid") if c in known_actions]
        self.known_actions = known_actions
        self.courses: list[CourseView] = svc.training.courses()
        self.procedures: list[ProcedureView] = svc.submissions.procedures()
        self.course_pick = _Pick(
            [(str(i), _SESSION_COURSE_WEIGHTS.get(c.code, 3.0)) for i, c in enumerate(self.courses)]
        )
        self.procedure_pick = _Pick(
            [(str(i), _PROCEDURE_WEIGHTS.get(p.code, 0.5)) for i, p in enumerate(self.procedures)]
        )
        self.adults: list[_Adult] = []
        self.by_village: dict[str, list[int]] = {}
        self.dossier_seq: dict[date, int] = {}
        self.households_seen = 0

    def day(self) -> date:
        return self.ref - timedelta(days=self.rng.randrange(ACTIVITY_DAYS))

    # -- visits ------------------------------------------------------------------------------------------

    def after_batch(self, plans: Sequence[_HouseholdPlan], details: Sequence[HouseholdDetail], counts: _Counts) -> None:
        """Visit, submissions and (every 40 households) a training session, household by household, so the
        result does not depend on the batch size."""
        rng = self.rng
        for plan, detail in zip(plans, details, strict=True):
            members = list(zip(detail.members, plan.ages, strict=True))
            for person, age in members:
                if age >= 18:
                    self.by_village.setdefault(plan.village.id, []).append(len(self.adults))
                    self.adults.append(_Adult(person.id, plan.village.id))
            if rng.random() < 0.7:
                self.svc.visits.record(self.visit(plan, detail.household.id, members))
                counts.visits += 1
            if rng.random() < 0.2:
                adults = [p for p, age in members if age >= 18]
                self.submission(rng.choice(adults), counts)
            self.households_seen += 1
            if self.households_seen % 40 == 20:
                self.session(plan.village.id, counts)

    def visit(self, plan: _HouseholdPlan, household_id: str, members: list[tuple[PersonView, int]]) -> VisitInput:
        rng = self.rng
        adults = [p for p, age in members if age >= 18]
        present = [p for i, p in enumerate(adults) if i == 0 or rng.random() < 0.8]
        absent = len(present) < len(adults)
        findings: dict[str, dict[str, Any]] = {p.id: {k: getattr(p, k) for k in DIGITAL_STATUS_FIELDS} for p in present}
        candidates: list[tuple[str, str | None]] = []
        for p in present:
            f = findings[p.id]
            if f["has_smartphone"]:
                if f["vneid_level"] == VNeIDLevel.NONE.value:
                    candidates.append(("install_vneid", p.id))
                    candidates.append(("register_vneid_level1", p.id))
                elif f["vneid_level"] == VNeIDLevel.LEVEL1.value:
                    candidates.append(("activate_vneid_level2", p.id))
                elif not f["skills_confirmed"]:
                    candidates.append(("confirm_skills_vneid", p.id))
                if f["vneid_level"] == VNeIDLevel.LEVEL2.value:
                    candidates.append(("update_vneid_info", p.id))
                    if not f["has_public_service_account"]:
                        candidates.append(("create_portal_account", p.id))
                if not f["has_daklak_app"]:
                    candidates.append(("install_daklak_app", p.id))
                if not f["has_bank_account"]:
                    candidates.append((rng.choice(("open_bank_account", "open_ewallet")), p.id))
                elif rng.random() < 0.3:
                    candidates.append(("setup_qr_payment", p.id))
                if rng.random() < 0.03 and not f["has_digital_signature"]:
                    candidates.append(("install_digital_signature", p.id))
        candidates += [(c, None) for c in self.other_actions]
        candidates = [c for c in candidates if c[0] in self.known_actions]
        k = min(len(candidates), int(_ACTIONS_PER_VISIT(rng)))
        done = rng.sample(candidates, k)
        actions: list[ActionInput] = []
        for code, pid in done:
            effect = _ACTION_EFFECT.get(code)
            if pid is not None and effect is not None:
                findings[pid][effect[0]] = effect[1]
            actions.append(ActionInput(ActionKind.DONE.value, code, person_id=pid))
        needs = []
        if any(f["vneid_level"] != VNeIDLevel.LEVEL2.value for f in findings.values()):
            needs.append("needs_level2_at_police")
        if any(not f["has_smartphone"] for f in findings.values()):
            needs.append("needs_smartphone")
        if plan.inp.internet == Internet.NONE.value:
            needs.append("needs_internet")
        if any(p.needs_interpreter for p in present):
            needs.append("needs_interpreter")
        if any(p.citizen_id_masked is None for p in present):
            needs.append("needs_id_card")
        if absent:
            needs.append("revisit_absent")
        needs += ["wants_training", "needs_submission_help"]
        needs = [n for n in needs if n in self.follow_up_codes]
        k = min(len(needs), int(_FOLLOW_UPS_PER_VISIT(rng)))
        for code in rng.sample(needs, k):
            actions.append(ActionInput(ActionKind.FOLLOW_UP.value, code))
        day = self.day()
        visited_at = datetime(day.year, day.month, day.day, rng.randint(7, 18), rng.randrange(60), tzinfo=VN_TZ)
        return VisitInput(
            household_id=household_id,
            visited_at=visited_at,
            visitor_name=rng.choice(plan.village.team),
            notes=_VISIT_NOTES(rng) if rng.random() < 0.2 else "",
            findings=[FindingInput(pid, **f) for pid, f in findings.items()],
            actions=actions,
            consent=ConsentInput(
                given=True, method="written" if rng.random() < 0.2 else "verbal", person_id=present[0].id
            ),
        )

    # -- training ----------------------------------------------------------------------------------------

    def session(self, village_id: str | None, counts: _Counts) -> None:
        rng = self.rng
        if not self.courses:
            return
        course = self.courses[int(self.course_pick(rng))]
        pool = self.by_village.get(village_id, []) if village_id else []
        want = rng.randint(10, 25)
        if len(pool) >= want:
            chosen = rng.sample(pool, want)
        else:  # a small village: neighbours join the class
            chosen = list(pool)
            taken = set(chosen)
            for _ in range(want * 20):
                if len(chosen) >= want:
                    break
                i = rng.randrange(len(self.adults))
                if i not in taken:
                    taken.add(i)
                    chosen.append(i)
        if not chosen:
            return
        village_name = self.village_names.get(village_id, "") if village_id else ""
        r = rng.random()
        if village_name and r < 0.6:
            place = f"Nhà văn hóa {village_name}"
        elif village_name and r < 0.75:
            place = f"Điểm trường {village_name}"
        else:
            place = f"Hội trường UBND {self.commune_name}"
        session = self.svc.training.create_session(
            SessionInput(
                course_id=course.id,
                session_date=self.day(),
                place=place,
                trainer_name=rng.choice(self.trainers.get(village_id or "", ("Đoàn Thanh niên",))),
                village_id=village_id,
                notes="Lớp Bình dân học vụ số" if rng.random() < 0.5 else "",
            )
        )
        counts.training_sessions += 1
        ids = [self.adults[i].person_id for i in chosen]
        passed = [pid for pid in ids if rng.random() < 0.8]  # ~80% pass the assessment
        passed_set = set(passed)
        not_yet = [pid for pid in ids if pid not in passed_set]
        if passed:
            self.svc.training.record_attendance(session.id, passed, present=True, result=AssessmentResult.PASSED.value)
        if not_yet:
            self.svc.training.record_attendance(
                session.id, not_yet, present=True, result=AssessmentResult.NOT_YET.value
            )
        counts.attendances += len(ids)

    # -- submissions -------------------------------------------------------------------------------------

    def submission(self, person: PersonView, counts: _Counts) -> None:
        rng = self.rng
        if not self.procedures:
            return
        proc = self.procedures[int(self.procedure_pick(rng))]
        day = self.day()
        if proc.code.startswith("CT-") and rng.random() < 0.5:
            portal = Portal.VNEID.value
        else:
            r = rng.random()
            portal = Portal.NATIONAL.value if r < 0.7 else Portal.PROVINCIAL.value if r < 0.95 else Portal.OTHER.value
        full_online = proc.full_online_available and rng.random() < 0.6
        prepared_only = rng.random() < 0.08
        dossier = ""
        if not prepared_only:
            seq = self.dossier_seq.get(day, 0) + 1
            self.dossier_seq[day] = seq
            dossier = f"G22.66.{self.commune_code}-{day:%y%m%d}-{seq:04d}"
        view = self.svc.submissions.record(
            SubmissionInput(
                procedure_id=proc.id,
                person_id=person.id,
                submitted_on=day,
                portal=portal,
                dossier_code=dossier,
                full_online=full_online,
                fee_paid_online=(rng.random() < 0.4) if full_online else None,
                minutes_spent=rng.randint(8, 60),
                status=SubmissionStatus.PREPARED.value if prepared_only else SubmissionStatus.SUBMITTED.value,
            )
        )
        counts.submissions += 1
        if prepared_only:
            return
        age = (self.ref - day).days
        steps: list[str] = []
        if age >= 1 and rng.random() < 0.9:
            steps.append(SubmissionStatus.RECEIVED.value)
            if age >= 3 and rng.random() < 0.75:
                steps.append(SubmissionStatus.PROCESSING.value)
                if age >= 7 and rng.random() < 0.9:
                    steps.append(
                        SubmissionStatus.REJECTED.value if rng.random() < 0.08 else SubmissionStatus.COMPLETED.value
                    )
        for status in steps:
            note = "Hồ sơ thiếu giấy tờ, hướng dẫn bổ sung." if status == SubmissionStatus.REJECTED.value else ""
            self.svc.submissions.change_status(view.id, status, note)


# ---------------------------------------------------------------------------------------------------------
# Entry point


def _refuse_repeated_seed(svc: Services, plans: Sequence[Any], seed: int) -> None:
    """The same seed makes the same people (same CCCDs): say so plainly instead of a duplicate-CCCD error."""
    ids = [m.citizen_id for p in plans for m in p.inp.members if m.citizen_id]
    if ids and svc.persons.owners_of_citizen_ids(["".join(c for c in i if c.isdigit()) for i in ids]):
        raise ValidationError(
            field="seed",
            code="seed.used",
            message_vi=f"Dữ liệu mẫu với seed {seed} đã có trong cơ sở dữ liệu; hãy dùng --seed khác.",
            message_en=f"Demo data with seed {seed} is already in the database; use another --seed.",
        )


def generate(
    db: Database,
    *,
    households: int,
    seed: int = 1,
    user_id: str | None = None,
    batch: int = 2000,
    progress: Callable[[int, int], None] | None = None,
    activity: bool = True,
) -> dict[str, int]:
    """Add ``households`` demo households (with villages, members and, if ``activity``, visits, training
    sessions with attendance, and assisted submissions) to the database's commune, through the services.

    Households are written ``batch`` at a time (one unit of work each); ``progress(done, households)`` is
    called after each batch. Villages that already exist with a generated name are reused, so running it
    again extends the commune rather than failing (the same seed adds the same people again: use another
    seed to add different ones). ``activity=False`` writes only villages, households and persons (the fast
    path for benchmark databases). Everything is recorded as done by ``user_id``.

    Returns how many records this call added: ``villages`` (created, not reused), ``households``,
    ``persons``, ``visits``, ``training_sessions``, ``attendances`` and ``submissions``.
    """
    if households < 0:
        raise ValueError("households must be >= 0")
    if batch < 1:
        raise ValueError("batch must be >= 1")
    counts = _Counts()
    if households == 0:
        return counts.as_dict()
    svc = Services(db, user_id=user_id, system=True)  # demo data: every kind of record
    ref = reference_date(seed)
    commune = admin_units.commune_by_code(db.commune_code)
    people = _People(random.Random(seed), ref, commune.kind, random.Random(f"dlso-demo-consent:{seed}"))

    specs = people.village_specs(households)
    existing = {fold(v.name): v for v in svc.villages.list_all()}
    villages: list[tuple[_Village, int]] = []
    for name, kind, size in specs:
        found = existing.get(fold(name))
        if found is None:
            view = svc.villages.create(name, kind)
            counts.villages += 1
        else:
            view = found
        villages.append((people.village(view.id, view.name, view.kind, len(specs)), size))

    act: _Activity | None = None
    if activity:
        act_rng = random.Random(f"dlso-demo-activity:{seed}")
        act = _Activity(svc, act_rng, ref, db.commune_code, [v for v, _ in villages])

    order = (v for v, size in villages for _ in range(size))
    done = 0
    while done < households:
        n = min(batch, households - done)
        plans = [people.household(next(order)) for _ in range(n)]
        if done == 0:
            _refuse_repeated_seed(svc, plans, seed)
        details = svc.households.create_many([p.inp for p in plans])
        counts.households += len(details)
        counts.persons += sum(len(d.members) for d in details)
        if act is not None:
            act.after_batch(plans, details, counts)
        done += n
        if progress is not None:
            progress(done, households)
    return counts.as_dict()
