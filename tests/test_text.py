"""Tests for Vietnamese folding, search tokens, name sort keys and formats."""

from __future__ import annotations

import sqlite3
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from api.text import (
    fold,
    format_vn_date,
    format_vn_datetime,
    format_vn_number,
    format_vn_percent,
    search_document,
    search_tokens,
    vn_sort_key,
)

# --- fold ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "folded"),
    [
        ("Đảng bộ Xã Vĩnh An", "dang bo xa vinh an"),
        ("  Nghị   quyết\t\nsố 57  ", "nghi quyet so 57"),
        ("ĐẢNG CỘNG SẢN VIỆT NAM", "dang cong san viet nam"),
        ("Trường Sa, Hoàng Sa", "truong sa, hoang sa"),
        ("ăâêôơưđ ẮẦẲẴẶ", "aaeooud aaaaa"),
        ("Thành\u00a0phố\u200bHuế", "thanh phohue"),  # NBSP collapses, zero-width space drops
        ("Ðảng", "dang"),  # Icelandic eth typed for Đ
        ("５７－ＮＱ", "57-nq"),  # full-width phone keyboard input
    ],
)
def test_fold(raw: str, folded: str) -> None:
    assert fold(raw) == folded


def test_fold_nfc_and_nfd_agree() -> None:
    s = "Nguyễn Thị Phượng"
    assert fold(unicodedata.normalize("NFD", s)) == fold(s) == "nguyen thi phuong"


# --- search tokens -------------------------------------------------------------------------


def test_tokens_of_resolution_symbol() -> None:
    assert search_tokens("Nghị quyết 57-NQ/TW") == [
        "nghi",
        "quyet",
        "57",
        "nq",
        "tw",
        "57nq",
        "57nqtw",
        "nqtw",
    ]


def test_tokens_of_decree_symbol() -> None:
    tokens = search_tokens("Nghị định 15/2024/NĐ-CP")
    assert tokens[:6] == ["nghi", "dinh", "15", "2024", "nd", "cp"]
    assert {"152024ndcp", "2024nd", "ndcp"} <= set(tokens)


@pytest.mark.parametrize(
    "query",
    [
        "57",
        "57-NQ",
        "57NQ",
        "57nqtw",
        "NQ/TW",
        "57-NQ/TW",
        "57 NQ TW",
        "nghi quyet 57",
        "NGHỊ QUYẾT",
    ],
)
def test_symbol_queries_find_the_document(query: str) -> None:
    document = set(search_tokens("Nghị quyết 57-NQ/TW về đột phá phát triển khoa học"))
    assert set(search_tokens(query)) <= document


def test_typo_symbol_tokenizes_like_the_proper_one() -> None:
    assert set(search_tokens("57NQ/TW")) == set(search_tokens("57-NQ/TW"))


def test_other_symbols_do_not_match() -> None:
    document = set(search_tokens("Quy định 204-QĐ/TW"))
    assert not set(search_tokens("57-NQ/TW")) <= document
    assert set(search_tokens("204-QD")) <= document
    assert set(search_tokens("qđ/tw")) <= document


def test_tokens_are_plain_alphanumerics() -> None:
    # Both SQLite FTS5 (unicode61) and PostgreSQL's 'simple' parser keep such tokens intact.
    for token in search_tokens("Kế hoạch 04-KH/TU, TP.HCM; số 1.234,5 — ngày 09/01/2026"):
        assert token.isascii() and token.isalnum()
    assert search_document("Chỉ thị 05-CT/TW") == "chi thi 05 ct tw 05ct 05cttw cttw"


def test_search_document_roundtrips_through_sqlite_fts5() -> None:
    db = sqlite3.connect(":memory:")
    try:
        db.execute("CREATE VIRTUAL TABLE docs USING fts5(body, tokenize='unicode61')")
    except sqlite3.OperationalError:
        pytest.skip("SQLite built without FTS5")
    for title in ["Nghị quyết 57-NQ/TW", "Quy định 204-QĐ/TW", "Kế hoạch 04-KH/TU"]:
        db.execute("INSERT INTO docs(body) VALUES (?)", (search_document(title),))

    def hits(query: str) -> int:
        match = " AND ".join(f'"{t}"' for t in dict.fromkeys(search_tokens(query)))
        return db.execute("SELECT count(*) FROM docs WHERE docs MATCH ?", (match,)).fetchone()[0]

    assert hits("57") == 1
    assert hits("57nqtw") == 1
    assert hits("qd/tw") == 1
    assert hits("TW") == 2
    assert hits("kế hoạch") == 1


# --- Vietnamese name sorting ---------------------------------------------------------------


def test_sorts_by_given_name_with_vietnamese_letters() -> None:
    names = [
        "Nguyễn Văn Bình",
        "Trần Thị An",
        "Lê Đức Anh",
        "Phạm Thị Ánh",
        "Hoàng Văn Đức",
        "Vũ Thị Dung",
    ]
    assert sorted(names, key=vn_sort_key) == [
        "Trần Thị An",
        "Lê Đức Anh",
        "Phạm Thị Ánh",
        "Nguyễn Văn Bình",
        "Vũ Thị Dung",
        "Hoàng Văn Đức",
    ]


def test_alphabet_order_of_modified_letters() -> None:
    given = ["Y", "Ư", "U", "Ơ", "Ô", "O", "Ê", "E", "Đ", "D", "Â", "Ă", "A"]
    expected = ["A", "Ă", "Â", "D", "Đ", "E", "Ê", "O", "Ô", "Ơ", "U", "Ư", "Y"]
    assert sorted((f"Lê Văn {g}" for g in given), key=vn_sort_key) == [
        f"Lê Văn {g}" for g in expected
    ]


def test_tone_order_none_huyen_hoi_nga_sac_nang() -> None:
    names = ["Lê Bạ", "Lê Bá", "Lê Bã", "Lê Bả", "Lê Bà", "Lê Ba"]
    assert sorted(names, key=vn_sort_key) == names[::-1]


def test_letters_outrank_tones() -> None:
    # a < ă is primary, so a sắc tone on "Án" does not push it after "Ăn".
    assert vn_sort_key("Lê Án") < vn_sort_key("Lê Ăn") < vn_sort_key("Lê Ân")
    assert vn_sort_key("Lê Ạnh") < vn_sort_key("Lê Ăn")


def test_all_of_one_given_name_before_the_toned_one() -> None:
    # Tone is decided inside the given name before the family name is looked at.
    names = ["Vũ Văn Anh", "Trần Thị Ánh", "Lê Đức Anh", "An Thị Ánh"]
    assert sorted(names, key=vn_sort_key) == [
        "Lê Đức Anh",
        "Vũ Văn Anh",
        "An Thị Ánh",
        "Trần Thị Ánh",
    ]


def test_ties_broken_by_family_then_middle_name() -> None:
    names = ["Trần Văn An", "Lê Văn An", "Lê Thị An", "An", "Lê Anh"]
    assert sorted(names, key=vn_sort_key) == [
        "An",
        "Lê Thị An",
        "Lê Văn An",
        "Trần Văn An",
        "Lê Anh",
    ]


def test_sort_key_ignores_unicode_form_and_tone_placement() -> None:
    assert vn_sort_key("Nguyễn Thị Hoà") == vn_sort_key("Nguyễn Thị Hòa")
    s = "Phạm Thị Ánh Tuyết"
    assert vn_sort_key(unicodedata.normalize("NFD", s)) == vn_sort_key(s)
    assert vn_sort_key("  Lê   Văn  An ") == vn_sort_key("Lê Văn An")


def test_sort_key_is_printable_ascii_and_fits_the_column() -> None:
    for name in ["Nguyễn Thị Phượng", "H'Hen Niê", "Ksor Y Wang", "李小龍", ""]:
        key = vn_sort_key(name)
        assert key.isascii() and key.isprintable() and " " not in key
    assert len(vn_sort_key("Tôn Nữ Thị " + "Hoàng " * 12 + "Phương")) <= 400


def test_sort_key_orders_the_same_in_sqlite_binary_collation() -> None:
    names = ["Đỗ Văn Ất", "Lý Thị Ẩn", "Ngô An", "Tạ Thị Ăn", "Mai Văn Ba", "Hồ Thị Bà"]
    db = sqlite3.connect(":memory:")
    db.execute("CREATE TABLE m (name TEXT, k TEXT COLLATE BINARY)")
    db.executemany("INSERT INTO m VALUES (?, ?)", [(n, vn_sort_key(n)) for n in names])
    ordered = [r[0] for r in db.execute("SELECT name FROM m ORDER BY k")]
    assert (
        ordered
        == sorted(names, key=vn_sort_key)
        == [
            "Ngô An",
            "Tạ Thị Ăn",
            "Lý Thị Ẩn",
            "Đỗ Văn Ất",
            "Mai Văn Ba",
            "Hồ Thị Bà",
        ]
    )


# --- numbers and dates ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "decimals", "text"),
    [
        (1234.5, 1, "1.234,5"),
        (1234.5, 0, "1.235"),
        (1234567, 0, "1.234.567"),
        (999, 0, "999"),
        (0, 2, "0,00"),
        (-1234.56, 1, "-1.234,6"),
        (-0.001, 2, "0,00"),
        (2.675, 2, "2,68"),
        (Decimal("5300000"), 0, "5.300.000"),
        (442000.25, 2, "442.000,25"),
    ],
)
def test_format_vn_number(value: float, decimals: int, text: str) -> None:
    assert format_vn_number(value, decimals) == text


def test_format_vn_number_rejects_nan() -> None:
    with pytest.raises(ValueError):
        format_vn_number(float("nan"))


@pytest.mark.parametrize(
    ("ratio", "text"),
    [(0.873, "87,3%"), (1, "100,0%"), (0, "0,0%"), (0.12345, "12,3%"), (12.5, "1.250,0%")],
)
def test_format_vn_percent(ratio: float, text: str) -> None:
    assert format_vn_percent(ratio) == text


def test_format_vn_percent_decimals() -> None:
    assert format_vn_percent(0.5, decimals=0) == "50%"


def test_format_vn_date() -> None:
    assert format_vn_date(date(2026, 1, 9)) == "09/01/2026"
    # A UTC evening is already the next day in Vietnam.
    assert format_vn_date(datetime(2025, 12, 31, 18, 0, tzinfo=UTC)) == "01/01/2026"


def test_format_vn_datetime_converts_to_vietnam_time() -> None:
    utc = datetime(2025, 9, 2, 1, 5, tzinfo=UTC)
    assert format_vn_datetime(utc) == "02/09/2025 08:05"
    assert format_vn_datetime(datetime(2025, 12, 31, 17, 30, tzinfo=UTC)) == ("01/01/2026 00:30")
    # 24-hour clock in the afternoon.
    assert format_vn_datetime(datetime(2025, 6, 1, 8, 45, tzinfo=UTC)) == ("01/06/2025 15:45")


def test_format_vn_datetime_naive_is_utc_and_other_zones_convert() -> None:
    assert format_vn_datetime(datetime(2025, 9, 2, 1, 5)) == "02/09/2025 08:05"
    paris = timezone(timedelta(hours=2))
    assert format_vn_datetime(datetime(2025, 9, 2, 3, 5, tzinfo=paris)) == "02/09/2025 08:05"


def test_fixed_offset_fallback_without_zone_data(monkeypatch: pytest.MonkeyPatch) -> None:
    import api.text as text

    def missing(key: str) -> None:
        raise text.ZoneInfoNotFoundError(key)

    monkeypatch.setattr(text, "ZoneInfo", missing)
    tz = text._load_vn_tz()
    assert tz.utcoffset(datetime(2025, 7, 1)) == timedelta(hours=7)
    monkeypatch.setattr(text, "VN_TZ", tz)
    assert format_vn_datetime(datetime(2025, 9, 2, 1, 5, tzinfo=UTC)) == "02/09/2025 08:05"
