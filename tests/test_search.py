"""Accent-insensitive search over persons and households (`Services.search.search`)."""

from __future__ import annotations

import unicodedata

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dlso_desktop.services import Services
from dlso_desktop.services.people import HouseholdInput, PersonInput
from dlso_desktop.services.views import SearchHit, VillageView
from dlso_desktop.text import fold, guess_name_order


def nfd(s: str) -> str:
    return unicodedata.normalize("NFD", s)


def person(services: Services, name: str, **kw: object) -> str:
    return services.persons.create(PersonInput(name, **kw)).id  # type: ignore[arg-type]


def ids(hits: list[SearchHit]) -> list[str]:
    return [h.id for h in hits]


def people(services: Services, query: str, limit: int = 50) -> list[str]:
    return ids(services.search.search(query, limit=limit, kinds=("person",)))


def names(services: Services, query: str, limit: int = 50) -> list[str]:
    return [h.title for h in services.search.search(query, limit=limit, kinds=("person",))]


# ---------------------------------------------------------------------------------------------------------
# Accents, đ, apostrophes, Ê Đê names


def test_without_accents(services: Services) -> None:
    duc = person(services, "Nguyễn Văn Đức")
    other = person(services, "Nguyễn Văn Dực")  # folds the same: both are found
    person(services, "Trần Thị Lan")
    for q in ("nguyen van duc", "NGUYEN VAN DUC", "Nguyễn Văn Đức", nfd("Nguyễn Văn Đức"), "  nguyen   van duc "):
        assert set(people(services, q)) == {duc, other}, q


def test_name_typed_decomposed_is_found(services: Services) -> None:
    pid = person(services, nfd("Nguyễn Văn Đức"))
    assert people(services, "nguyen van duc") == [pid]
    assert people(services, "Nguyễn Văn Đức") == [pid]


def test_tone_mark_position_does_not_matter(services: Services) -> None:
    a = person(services, "Lê Thị Hòa")  # mark on the a
    b = person(services, "Lê Thị Hoà")  # mark on the a, old style "oà"
    c = person(services, "Lê Thị Hóa")
    person(services, "Lê Thị Hoan")  # "hoa" is a prefix of it, but it is not an exact given name
    assert set(people(services, "hoa")[:3]) == {a, b, c}
    assert set(people(services, "Hòa")[:3]) == {a, b, c}
    assert set(people(services, "hoà")[:3]) == {a, b, c}


def test_eth_look_alike_folds_to_d(services: Services) -> None:
    pid = person(services, "Ðoàn Văn Ðạt")  # typed with U+00D0, not Đ U+0110
    duc = person(services, "Nguyễn Văn Đức")
    assert people(services, "doan van dat") == [pid]
    assert people(services, "Đoàn") == [pid]
    assert people(services, "\u00d0ức") == [duc]


def test_ede_female_prefix(services: Services) -> None:
    pid = person(services, "H’Maryam Niê")
    person(services, "Nguyễn Thị Mây")
    person(services, "H’Ler Mlô")
    for query in ("h'maryam", "h’maryam", "H‘Maryam", "hmaryam", "maryam", "maryam nie", "H'Maryam Niê", "hmar"):
        assert people(services, query) == [pid], query


def test_ede_name_with_hyphen_and_breve_letters(services: Services) -> None:
    pid = person(services, "Y-Ƀlŭl Niê Blô")
    person(services, "Y Mek Ê Nuôl")
    for q in ("y blul", "blul", "Y-Ƀlŭl", "blul nie blo", "ƀlŭl"):
        assert people(services, q) == [pid], q


def test_prefix(services: Services) -> None:
    pid = person(services, "Nguyễn Văn Đức")
    person(services, "Trần Thị Lan")
    assert people(services, "ngu") == [pid]
    assert people(services, "nguy v d") == [pid]
    assert people(services, "n") == [pid]


# ---------------------------------------------------------------------------------------------------------
# Phones, citizen ids, addresses, villages


def test_phone_fragments(services: Services, village: VillageView) -> None:
    hh = services.households.create(
        HouseholdInput(
            village.id,
            phone="0905 123 456",
            members=[PersonInput("Nguyễn Văn Đức", relationship="head", phone="+84 987 654 321")],
        )
    )
    pid, hid = hh.members[0].id, hh.household.id
    other = person(services, "Trần Thị Lan", phone="0912000111")
    # from its start (with or without the 0), or its last digits: how people recall a number
    for q in ("0905", "0905123456", "905123", "123456", "3456", "0905 123 456", "0905.123.456", "+84 905 123 456"):
        assert ids(services.search.search(q)) == [hid], q
    for q in ("0987", "0987654321", "987654", "654321", "4321"):
        assert ids(services.search.search(q)) == [pid], q
    assert ids(services.search.search("0912")) == [other]
    assert services.search.search("0999") == []


def test_last_four_of_citizen_id(services: Services) -> None:
    pid = person(services, "Lê Thị Hồng", sex="female", birth_year=2003, citizen_id="066303001234")
    person(services, "Lê Văn Tám", citizen_id="066085009876")
    assert people(services, "1234") == [pid]
    assert people(services, "hong 1234") == [pid]


def test_household_by_address_and_village(services: Services, village: VillageView) -> None:
    other_village = services.villages.create("Thôn Hòa Bình")
    a = services.households.create(
        HouseholdInput(village.id, "Nguyễn Văn Đức", address="12 Phan Chu Trinh")
    ).household.id
    b = services.households.create(HouseholdInput(other_village.id, "Lê Thị Hoa", address="Hẻm 3 Lê Duẩn")).household.id
    assert ids(services.search.search("phan chu trinh")) == [a]
    assert ids(services.search.search("le duan")) == [b]
    assert ids(services.search.search("buon ko tam")) == [a]
    assert ids(services.search.search("hoa binh")) == [b]
    assert ids(services.search.search("duc ko tam")) == [a]  # name and place together
    hit = services.search.search("phan chu trinh")[0]
    assert (hit.kind, hit.title) == ("household", "Nguyễn Văn Đức")
    assert "Buôn Kô Tam" in hit.detail


# ---------------------------------------------------------------------------------------------------------
# Order, limits, robustness


def test_exact_given_name_before_other_matches(services: Services) -> None:
    prefix = person(services, "Nguyễn Hoàng Anh")  # "hoa" only as a prefix of a middle name
    in_name = person(services, "Hoa Văn Minh")  # "hoa" exact, but not the given name
    exact = person(services, "Lê Thị Hoa")  # "hoa" is the given name
    hits = services.search.search("hoa", kinds=("person",))
    assert ids(hits) == [exact, in_name, prefix]
    assert [h.tier for h in hits] == sorted(h.tier for h in hits)
    assert hits[0].tier < hits[-1].tier


def test_within_a_tier_vietnamese_order_by_given_name(services: Services) -> None:
    given = ["Đạt", "Ân", "Bình", "An", "Dũng", "Anh", "Ánh", "Ăng"]
    made = {g: person(services, f"Nguyễn Văn {g}") for g in given}
    hmaryam = person(services, "H’Maryam Nguyễn")  # Ê Đê order: sorted under M, not under H
    expected = ["An", "Anh", "Ánh", "Ăng", "Ân", "Bình", "Dũng", "Đạt"]  # a ă â ... d đ; tones after letters
    hits = services.search.search("nguyen", kinds=("person",))
    assert len({h.tier for h in hits}) == 1
    assert ids(hits) == [made[g] for g in expected] + [hmaryam]


def test_households_and_persons_together(services: Services, village: VillageView) -> None:
    hh = services.households.create(
        HouseholdInput(village.id, members=[PersonInput("Nguyễn Văn Bình", relationship="head")])
    )
    found = services.search.search("binh")
    assert {(h.kind, h.id) for h in found} == {("household", hh.household.id), ("person", hh.members[0].id)}
    assert services.search.search("binh", kinds=("household",))[0].id == hh.household.id


def test_deleted_persons_are_not_found(services: Services, village: VillageView) -> None:
    gone = person(services, "Nguyễn Văn Đức")
    kept = person(services, "Nguyễn Văn Đông")
    services.persons.delete(gone)
    assert people(services, "nguyen van") == [kept]
    assert people(services, "duc") == []


def test_limit_is_honoured(services: Services) -> None:
    made = [person(services, f"Nguyễn Văn {g}") for g in ("An", "Bình", "Cường", "Dũng", "Giang", "Hùng", "Khoa")]
    assert people(services, "nguyen", limit=3) == made[:3]
    assert people(services, "nguyen", limit=1) == made[:1]
    assert len(services.search.search("nguyen", limit=4)) == 4
    assert people(services, "nguyen") == made


def test_limit_across_tiers_keeps_the_best(services: Services) -> None:
    for g in ("Anh", "Ánh", "Ân", "Ang"):
        person(services, f"Trần Văn {g}")
    best = person(services, "Trần Văn An")
    assert people(services, "an", limit=1) == [best]


SYNTAX_QUERIES: list[tuple[str, bool]] = [
    ('"', False),
    ('"nguyen', True),
    ('nguyen"', True),
    ('"nguyen" "duc"', True),
    ("nguyen*", True),
    ("*", False),
    ("(", False),
    ("(nguyen)", True),
    ("AND", False),
    ("nguyen AND", False),  # "and" is just another word to look for
    ("OR", False),
    ("NOT", False),
    ("NEAR", False),
    ("NEAR(nguyen duc)", False),
    ("-", False),
    ("-nguyen", True),
    ("nguyen - duc", True),
    ("nguyen-duc", True),
    ("given:duc", False),
    ("given : duc", False),
    ("^nguyen", True),
    ("{given}: duc", False),
    ("+", False),
    ("'", False),
    ("’", False),
    ("", False),
    ("   ", False),
    ("\u0301", False),
    ("\x00", False),
    ("a" * 500, False),
    ("nguyen " * 30, True),
]


def test_query_syntax_characters_do_not_raise(services: Services) -> None:
    """Quotes, stars, brackets, FTS5 operators and column filters are plain text to the user."""
    pid = person(services, "Nguyễn Văn Đức")
    for query, finds in SYNTAX_QUERIES:
        assert ids(services.search.search(query)) == ([pid] if finds else []), query


def test_detail_masks_the_phone(services: Services) -> None:
    person(services, "Nguyễn Văn Đức", birth_year=1980, phone="0987654321")
    (hit,) = services.search.search("duc")
    assert "1980" in hit.detail
    assert "0987654321" not in hit.detail


# ---------------------------------------------------------------------------------------------------------
# Property: whatever the name, searching its folded form finds it

SYLLABLES = [
    "Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Huỳnh", "Phan", "Vũ", "Võ", "Đặng", "Bùi", "Đỗ", "Hồ", "Ngô",
    "Dương", "Lý", "Văn", "Thị", "Hữu", "Đức", "Thành", "Ngọc", "Minh", "Anh", "Hòa", "Hoà", "Thuỷ", "Thủy",
    "Quỳnh", "Khuê", "Nguyệt", "Tuấn", "Dũng", "Ánh", "Ân", "Ăng", "Ðạt", "Giàng", "Niê", "Mlô", "Ê", "Nuôl",
    "Ƀlŭl", "Kŏ", "Adrơng", "Buôn", "Ya", "Êban", "Ksơr", "Rơ", "Mah", "Siu", "Hwing", "Byă",
]  # fmt: skip


@st.composite
def vietnamese_names(draw: st.DrawFn) -> str:
    words = draw(st.lists(st.sampled_from(SYLLABLES), min_size=1, max_size=5))
    prefix = draw(st.sampled_from(["", "", "", "Y ", "H’", "H'", "Y-"]))
    name = prefix + " ".join(words)
    return nfd(name) if draw(st.booleans()) else name


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(name=vietnamese_names())
def test_any_name_is_found_by_its_folded_form(services: Services, name: str) -> None:
    pid = services.persons.create(PersonInput(name)).id
    for query in (fold(name), name, fold(name).upper()):
        assert pid in people(services, query), (name, guess_name_order(name), query)


def test_a_name_of_exactly_the_query_words_comes_first(services: Services) -> None:
    longer = person(services, "Nguyễn Thị Thanh Hoa")  # sorts before "Nguyễn Thị Hoa" by name ("thanh" < "thi")
    exact = person(services, "Nguyễn Thị Hoa")
    assert people(services, "nguyen thi hoa")[:2] == [exact, longer]
    assert people(services, "hoa")[:2] == [longer, exact]  # no exact name: plain Vietnamese order


def test_a_new_document_format_reindexes_on_open(services: Services, village: VillageView) -> None:
    from dlso_desktop.storage.store import open_database

    db = services.ctx.db
    hh = services.households.create(
        HouseholdInput(village.id, address="Số 7", members=[PersonInput("Y Mek Ê Nuôl", relationship="head")])
    )
    gone = person(services, "Trần Văn Xóa")
    services.persons.delete(gone)
    with db.engine.connect() as conn:  # as if indexed by an older app: documents of another format
        conn.exec_driver_sql("UPDATE meta SET value = 'old' WHERE key = 'search_doc_version'")
        for fts in ("fts_person", "fts_person_ids", "fts_household", "fts_household_ids"):
            conn.exec_driver_sql(f"INSERT INTO {fts} ({fts}) VALUES ('delete-all')")
        conn.commit()
    assert people(services, "mek") == []
    again = open_database(db.path)
    try:
        svc = Services(again)
        assert people(svc, "mek") == [hh.members[0].id]
        assert [h.id for h in svc.search.search("so 7", kinds=("household",))] == [hh.household.id]
        assert people(svc, "xoa") == []  # deleted records stay out
        assert svc.admin.check().ok
    finally:
        again.close()
