"""The shipped catalogues: unique codes, stable ids, NFC text and the official code lists."""

import dataclasses
import unicodedata
import uuid
from collections.abc import Iterator
from typing import Any

import pytest

from dlso_desktop import catalogue
from dlso_desktop.models import Portal


def _strings(value: object) -> Iterator[str]:
    """Every string inside a catalogue value (dataclasses, tuples, strings)."""
    if isinstance(value, str):
        yield value
    elif dataclasses.is_dataclass(value) and not isinstance(value, type):
        for f in dataclasses.fields(value):
            yield from _strings(getattr(value, f.name))
    elif isinstance(value, tuple):
        for item in value:
            yield from _strings(item)


ALL_TABLES = {
    "COURSES": catalogue.COURSES,
    "PROCEDURES": catalogue.PROCEDURES,
    "ACTIONS_DONE": catalogue.ACTIONS_DONE,
    "FOLLOW_UPS": catalogue.FOLLOW_UPS,
    "PORTALS": catalogue.PORTALS,
    "ETHNIC_GROUPS": catalogue.ETHNIC_GROUPS,
    "LANGUAGES": catalogue.LANGUAGES,
    "FRAMEWORK_AREAS": catalogue.FRAMEWORK_AREAS,
}


def _codes(table: tuple[Any, ...]) -> list[str]:
    return [row.code if hasattr(row, "code") else row[0] for row in table]


@pytest.mark.parametrize(
    "name", ["COURSES", "PROCEDURES", "ACTIONS_DONE", "FOLLOW_UPS", "PORTALS", "ETHNIC_GROUPS", "LANGUAGES"]
)
def test_codes_unique_and_ascii(name: str) -> None:
    codes = _codes(ALL_TABLES[name])
    assert len(codes) == len(set(codes)), f"duplicate code in {name}"
    for code in codes:
        assert code and code.isascii() and code == code.strip(), (name, code)


def test_module_codes_unique_within_course() -> None:
    for course in catalogue.COURSES:
        codes = [m.code for m in course.modules]
        assert len(codes) == len(set(codes)), course.code


def test_action_and_follow_up_codes_do_not_overlap() -> None:
    assert not set(_codes(catalogue.ACTIONS_DONE)) & set(_codes(catalogue.FOLLOW_UPS))


@pytest.mark.parametrize("name", list(ALL_TABLES))
def test_every_string_is_nfc_and_trimmed(name: str) -> None:
    strings = list(_strings(ALL_TABLES[name]))
    assert strings
    for s in strings:
        assert unicodedata.is_normalized("NFC", s), (name, s)
        assert s == s.strip() and "  " not in s, (name, s)


def test_catalogue_version() -> None:
    assert catalogue.CATALOGUE_VERSION == "2026.1"


# ---------------------------------------------------------------------------------------------------------
# Stable ids


def test_catalogue_id_is_stable_and_valid() -> None:
    a = catalogue.catalogue_id("course", "BDHVS-01")
    assert a == catalogue.catalogue_id("course", "BDHVS-01")
    parsed = uuid.UUID(a)
    assert str(parsed) == a
    assert parsed.version == 5


def test_catalogue_id_differs_between_kind_and_code() -> None:
    ids = {
        catalogue.catalogue_id("course", "BDHVS-01"),
        catalogue.catalogue_id("course", "BDHVS-02"),
        catalogue.catalogue_id("procedure", "BDHVS-01"),
        catalogue.catalogue_id("module", "BDHVS-01"),
    }
    assert len(ids) == 4


def test_catalogue_id_is_pinned() -> None:
    """The namespace must never change: the same id on every laptop, server and version of the app."""
    expected = str(uuid.uuid5(uuid.UUID("b616e582-e5cd-4bba-8558-0d89e299c5ec"), "course:BDHVS-01"))
    assert catalogue.catalogue_id("course", "BDHVS-01") == expected


def test_id_helpers_match_catalogue_id() -> None:
    assert catalogue.course_id("BDHVS-01") == catalogue.catalogue_id("course", "BDHVS-01")
    assert catalogue.module_id("BDHVS-01", "M1") == catalogue.catalogue_id("module", "BDHVS-01/M1")
    assert catalogue.procedure_id("HT-KS") == catalogue.catalogue_id("procedure", "HT-KS")


def test_all_catalogue_ids_unique() -> None:
    ids = [catalogue.course_id(c.code) for c in catalogue.COURSES]
    ids += [catalogue.module_id(c.code, m.code) for c in catalogue.COURSES for m in c.modules]
    ids += [catalogue.procedure_id(p.code) for p in catalogue.PROCEDURES]
    assert len(ids) == len(set(ids))


# ---------------------------------------------------------------------------------------------------------
# Courses and procedures


def test_courses() -> None:
    assert len(catalogue.COURSES) >= 5
    for course in catalogue.COURSES:
        assert 3 <= len(course.modules) <= 6, course.code
        assert course.name and course.description and course.hours > 0
        assert course.framework_ref.startswith("757/QĐ-BKHCN: ")
        for module in course.modules:
            assert module.framework_area in catalogue.FRAMEWORK_AREAS, (course.code, module.name)
            assert module.framework_area in course.framework_ref


def test_courses_cover_the_framework_areas() -> None:
    used = {m.framework_area for c in catalogue.COURSES for m in c.modules}
    assert used == set(catalogue.FRAMEWORK_AREAS)


def test_expected_courses_present() -> None:
    names = {c.name for c in catalogue.COURSES}
    assert "Kỹ năng số cơ bản cho người dân" in names
    assert "Sử dụng VNeID và định danh điện tử mức 2" in names
    assert "Dịch vụ công trực tuyến" in names
    assert "Sử dụng ứng dụng Đắk Lắk số" in names


def test_procedures() -> None:
    assert len(catalogue.PROCEDURES) >= 24
    for proc in catalogue.PROCEDURES:
        assert proc.name and proc.field
        assert isinstance(proc.full_online_available, bool)
    names = {p.name for p in catalogue.PROCEDURES}
    for expected in ("Đăng ký khai sinh", "Đăng ký khai tử", "Đăng ký kết hôn", "Đăng ký thường trú"):
        assert expected in names
    # the two "liên thông" bundles
    assert sum(p.name.startswith("Liên thông") for p in catalogue.PROCEDURES) == 2
    # both kinds exist: some can be done "toàn trình", some cannot
    assert {p.full_online_available for p in catalogue.PROCEDURES} == {True, False}


# ---------------------------------------------------------------------------------------------------------
# Visit actions, portals, ethnic groups, languages


def test_actions_and_follow_ups() -> None:
    assert len(catalogue.ACTIONS_DONE) >= 8
    assert len(catalogue.FOLLOW_UPS) >= 5
    codes = set(_codes(catalogue.ACTIONS_DONE))
    # codes named in models.VisitAction
    assert {"install_vneid", "activate_vneid_level2", "open_ewallet"} <= codes
    for table in (catalogue.ACTIONS_DONE, catalogue.FOLLOW_UPS):
        for _code, vi, en in table:
            assert vi and en


def test_portal_codes() -> None:
    assert _codes(catalogue.PORTALS) == ["dvc_quoc_gia", "dvc_tinh", "vneid", "other"]
    assert set(_codes(catalogue.PORTALS)) == {p.value for p in Portal}
    assert catalogue.label(catalogue.PORTALS, "dvc_quoc_gia") == "Cổng Dịch vụ công quốc gia"
    assert catalogue.label(catalogue.PORTALS, "vneid") == "Ứng dụng VNeID"


def test_label() -> None:
    assert catalogue.label(catalogue.LANGUAGES, "ede") == "Tiếng Ê Đê"
    assert catalogue.label(catalogue.LANGUAGES, "ede", "en").startswith("Ede")
    assert catalogue.label(catalogue.LANGUAGES, "unknown-code") == "unknown-code"


def test_ethnic_groups() -> None:
    codes = _codes(catalogue.ETHNIC_GROUPS)
    assert codes == [f"{i:02d}" for i in range(1, 55)]
    names = dict(catalogue.ETHNIC_GROUPS)
    assert len(set(names.values())) == 54
    assert names["01"] == "Kinh"
    assert names["10"] == "Gia Rai"
    assert names["11"] == "Ê Đê"
    assert names["12"] == "Ba Na"
    assert names["14"] == "Chăm"
    assert names["20"] == "Mnông"
    assert catalogue.ethnic_group_name("11") == "Ê Đê"
    assert catalogue.ethnic_group_name("99") is None


def test_languages() -> None:
    codes = _codes(catalogue.LANGUAGES)
    assert codes[0] == "vi"
    assert {"vi", "ede", "mnong", "jrai", "other"} <= set(codes)
    assert catalogue.label(catalogue.LANGUAGES, "mnong") == "Tiếng M'Nông"
    assert catalogue.label(catalogue.LANGUAGES, "jrai") == "Tiếng J'rai"
