"""Parsing member files exported from the party member database (CSV and XLSX)."""

from __future__ import annotations

import datetime as dt
import unicodedata
import zipfile
from pathlib import Path

import openpyxl
import pytest

from api.members.importfile import (
    COLUMNS,
    ImportFileError,
    MemberRow,
    RowError,
    fold,
    normalize_card_number,
    normalize_phone,
    parse_member_file,
)

ROOT = Path(__file__).resolve().parents[2]
HEADERS = [
    "Họ và tên",
    "Số thẻ đảng viên",
    "Ngày sinh",
    "Giới tính",
    "Số điện thoại",
    "Email",
    "Mã chi bộ",
    "Ngày vào Đảng",
    "Ngày chính thức",
    "Trạng thái",
]
GOOD = [
    "Nguyễn Văn Hùng",
    "01000123",
    "12/03/1958",
    "Nam",
    "0912 345 678",
    "Hung.NV@Example.com",
    "CB-VA-01",
    "19/05/1985",
    "19/05/1986",
    "Chính thức",
]


def write_csv(
    tmp_path: Path,
    rows: list[list[str]],
    *,
    delim: str = ",",
    encoding: str = "utf-8",
    name: str = "members.csv",
) -> Path:
    text = "\r\n".join(delim.join(r) for r in rows) + "\r\n"
    path = tmp_path / name
    path.write_bytes(text.encode(encoding))
    return path


def write_xlsx(tmp_path: Path, rows: list[list[object]], name: str = "members.xlsx") -> Path:
    wb = openpyxl.Workbook()
    ws = wb.active
    for row in rows:
        ws.append(row)
    path = tmp_path / name
    wb.save(path)
    return path


def one_bad(tmp_path: Path, changes: dict[str, str]) -> list[tuple[str | None, str]]:
    """Parse a good row and a changed copy of it (own card number); the copy's errors."""
    row = dict(zip(HEADERS, GOOD, strict=True)) | {"Số thẻ đảng viên": "02000999"} | changes
    result = parse_member_file(write_csv(tmp_path, [HEADERS, GOOD, [row[h] for h in HEADERS]]))
    assert [r.line for r in result.rows] == [2]
    assert result.total_rows == 2
    assert all(e.line == 3 for e in result.errors)
    return [(e.field, e.code) for e in result.errors]


def cp1258(text: str) -> bytes:
    """Encode like Windows-1258: a precomposed base letter plus a combining tone mark."""
    out = bytearray()
    for ch in text:
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        base, *marks = unicodedata.normalize("NFD", ch)
        for i, mark in enumerate(marks):
            composed = unicodedata.normalize("NFC", base + mark)
            rest = "".join(marks[:i] + marks[i + 1 :])
            try:
                out += (composed + rest).encode("cp1258")
                break
            except UnicodeEncodeError:
                continue
        else:
            out += (base + "".join(marks)).encode("cp1258")
    return bytes(out)


# --- CSV ------------------------------------------------------------------


def test_csv_with_bom_semicolons_and_title_row(tmp_path):
    rows = [["DANH SÁCH ĐẢNG VIÊN CHI BỘ THÔN 1"], [], HEADERS, GOOD]
    path = write_csv(tmp_path, rows, delim=";", encoding="utf-8-sig")
    result = parse_member_file(path)
    assert result.format == "csv"
    assert result.errors == []
    assert result.total_rows == 1
    assert result.rows == [
        MemberRow(
            line=4,
            full_name="Nguyễn Văn Hùng",
            party_card_number="01000123",
            cell_code="CB-VA-01",
            birth_date=dt.date(1958, 3, 12),
            gender="male",
            phone="+84912345678",
            email="hung.nv@example.com",
            joined_on=dt.date(1985, 5, 19),
            official_on=dt.date(1986, 5, 19),
            status="official",
        )
    ]


def test_csv_windows_1258_and_utf16_tab(tmp_path):
    text = "\r\n".join(";".join(r) for r in [HEADERS, GOOD])
    legacy = tmp_path / "legacy.csv"
    legacy.write_bytes(cp1258(text))
    assert b"\xd2" in legacy.read_bytes()  # a real combining tone mark byte
    rows = parse_member_file(legacy).rows
    assert rows[0].full_name == "Nguyễn Văn Hùng"
    assert unicodedata.is_normalized("NFC", rows[0].full_name)

    for encoding in ("utf-16", "utf-16-le"):
        path = write_csv(tmp_path, [HEADERS, GOOD], delim="\t", encoding=encoding)
        assert parse_member_file(path).rows[0].gender == "male"


def test_csv_excel_sep_line_and_quoted_comma(tmp_path):
    name = '"Trần Thị Mai, bí thư"'
    path = write_csv(tmp_path, [["sep=,"], HEADERS, [name, *GOOD[1:]]])
    result = parse_member_file(path)
    assert result.rows[0].full_name == "Trần Thị Mai, bí thư"
    assert result.rows[0].line == 2  # Excel hides the sep= line


def test_headers_without_diacritics_synonyms_and_hints(tmp_path):
    headers = [
        "STT",
        "HO VA TEN",
        "so the dv",
        "Ngày sinh (dd/mm/yyyy)",
        "SĐT",
        "Thư điện tử",
        "Chi bộ (mã)",
        "Loại đảng viên",
    ]
    data = [
        "1",
        "Lê  Quang   Vinh",
        "01.000 125",
        "1990-07-28",
        "84358123456",
        "",
        " CB-VA-02 ",
        "Dự bị",
    ]
    result = parse_member_file(write_csv(tmp_path, [headers, data]))
    assert result.errors == []
    row = result.rows[0]
    assert (row.full_name, row.party_card_number, row.birth_date, row.phone) == (
        "Lê Quang Vinh",
        "01000125",
        dt.date(1990, 7, 28),
        "+84358123456",
    )
    assert (row.email, row.cell_code, row.status, row.gender) == (
        None,
        "CB-VA-02",
        "probationary",
        None,
    )


def test_status_defaults_from_official_date(tmp_path):
    official = [*GOOD[:9], ""]
    probationary = ["Đỗ Minh Khôi", "01000127", "", "", "", "", "CB-VA-01", "01/07/2025", "", ""]
    result = parse_member_file(write_csv(tmp_path, [HEADERS, official, probationary]))
    assert [r.status for r in result.rows] == ["official", "probationary"]


def test_blank_rows_are_skipped_and_lines_stay_true(tmp_path):
    other = ["Trần Thị Mai", "01000124", *GOOD[2:]]
    blank_with_stt = ["", "", "", "", "", "", "", "", "", ""]
    path = write_csv(tmp_path, [HEADERS, GOOD, [], blank_with_stt, other])
    result = parse_member_file(path)
    assert [r.line for r in result.rows] == [2, 5]
    assert result.total_rows == 2


def test_seed_example_is_valid_and_documented():
    seed = ROOT / "seed" / "members-example.csv"
    result = parse_member_file(seed)
    assert result.errors == []
    assert len(result.rows) == 5
    assert seed.read_text(encoding="utf-8").strip() in (ROOT / "docs" / "import.md").read_text(
        encoding="utf-8"
    )


# --- XLSX -----------------------------------------------------------------


def test_xlsx_title_row_numeric_card_and_date_cells(tmp_path):
    rows: list[list[object]] = [
        ["DANH SÁCH ĐẢNG VIÊN"],
        [],
        ["STT", *HEADERS],
        [
            1,
            "Trần Thị Mai",
            1000124,
            dt.date(1972, 11, 5),
            "Nữ",
            987654321,
            None,
            "CB-VA-01",
            dt.datetime(1998, 2, 3),
            36194,
            "Chính thức",
        ],
        [2, "Không Ngày", "ABC123", "31/02/1990", "Nam", None, None, "CB-VA-01", None, None, None],
    ]
    # Saved under a .csv name: the content decides the format.
    result = parse_member_file(write_xlsx(tmp_path, rows, name="export.csv"))
    assert result.format == "xlsx"
    assert result.total_rows == 2
    row = result.rows[0]
    assert row.line == 4
    assert row.party_card_number == "1000124"
    assert row.birth_date == dt.date(1972, 11, 5)
    assert row.phone == "+84987654321"
    assert row.joined_on == dt.date(1998, 2, 3)
    assert row.official_on == dt.date(1999, 2, 3)  # an Excel serial number
    assert row.gender == "female"
    assert result.errors == [RowError(5, "birth_date", "import.bad_date", "31/02/1990")]


def test_xlsx_missing_header(tmp_path):
    path = write_xlsx(tmp_path, [["Họ và tên", "Số thẻ"], ["Nguyễn Văn Hùng", "01000123"]])
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path)
    assert (err.value.code, err.value.detail) == ("import.missing_header", "Mã chi bộ")


def test_csv_content_with_xlsx_name(tmp_path):
    path = write_csv(tmp_path, [HEADERS, GOOD], name="members.xlsx")
    assert parse_member_file(path).format == "csv"


# --- errors ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"Họ và tên": ""}, [("full_name", "import.missing_field")]),
        ({"Họ và tên": "A"}, [("full_name", "import.bad_name")]),
        ({"Mã chi bộ": "  "}, [("cell_code", "import.missing_field")]),
        ({"Số thẻ đảng viên": ""}, [("party_card_number", "import.missing_field")]),
        ({"Số thẻ đảng viên": "12-34"}, [("party_card_number", "import.bad_card")]),
        ({"Số thẻ đảng viên": "0100 0123 #"}, [("party_card_number", "import.bad_card")]),
        ({"Ngày sinh": "1958/03/12"}, [("birth_date", "import.bad_date")]),
        ({"Ngày sinh": "12/13/1958"}, [("birth_date", "import.bad_date")]),
        ({"Ngày sinh": "01/01/2999"}, [("birth_date", "import.bad_date")]),
        ({"Giới tính": "khác"}, [("gender", "import.bad_gender")]),
        ({"Số điện thoại": "024 3825 1234"}, [("phone", "import.bad_phone")]),
        ({"Số điện thoại": "0912 345"}, [("phone", "import.bad_phone")]),
        ({"Email": "hung@"}, [("email", "import.bad_email")]),
        ({"Trạng thái": "Đã chuyển đi"}, [("status", "import.bad_status")]),
        ({"Ngày chính thức": "18/05/1985"}, [("official_on", "import.official_before_joined")]),
        ({"Số thẻ đảng viên": "01000123"}, [("party_card_number", "import.duplicate_in_file")]),
        (
            {"Họ và tên": "", "Email": "x", "Ngày vào Đảng": "hôm qua"},
            [
                ("full_name", "import.missing_field"),
                ("email", "import.bad_email"),
                ("joined_on", "import.bad_date"),
            ],
        ),
    ],
)
def test_row_errors_keep_good_rows(tmp_path, changes, expected):
    assert one_bad(tmp_path, changes) == expected


def test_error_carries_the_raw_value(tmp_path):
    path = write_csv(tmp_path, [HEADERS, [*GOOD[:4], "0912-abc", *GOOD[5:]]])
    assert parse_member_file(path).errors == [RowError(2, "phone", "import.bad_phone", "0912-abc")]


def test_duplicate_card_later_row_is_the_error(tmp_path):
    first = GOOD
    second = ["Nguyễn Văn Hùng", "01.000.123", *GOOD[2:]]
    third = ["Trần Thị Mai", "01000124", *GOOD[2:]]
    result = parse_member_file(write_csv(tmp_path, [HEADERS, first, second, third]))
    assert [r.line for r in result.rows] == [2, 4]
    assert result.errors == [
        RowError(3, "party_card_number", "import.duplicate_in_file", "01000123")
    ]


def test_missing_header_in_csv(tmp_path):
    path = write_csv(tmp_path, [["Họ và tên", "Mã chi bộ"], ["Nguyễn Văn Hùng", "CB-VA-01"]])
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path)
    assert (err.value.code, err.value.detail) == ("import.missing_header", "Số thẻ đảng viên")


def test_header_beyond_the_first_ten_rows_is_not_searched(tmp_path):
    path = write_csv(tmp_path, [["tiêu đề"]] * 10 + [HEADERS, GOOD])
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path)
    assert err.value.code == "import.missing_header"


# --- limits and unreadable files -------------------------------------------


def test_file_too_large(tmp_path):
    path = write_csv(tmp_path, [HEADERS, GOOD])
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path, max_bytes=100)
    assert err.value.code == "import.file_too_large"


def test_xlsx_that_unpacks_too_large(tmp_path):
    path = tmp_path / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        zf.writestr("xl/worksheets/sheet1.xml", b"0" * 2_000_000)
    assert path.stat().st_size < 10_000
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path, max_bytes=10_000)
    assert err.value.code == "import.file_too_large"


def test_too_many_rows(tmp_path):
    rows = [HEADERS] + [[f"Đảng viên {i}", f"0100{i:04d}", *GOOD[2:]] for i in range(5)]
    assert len(parse_member_file(write_csv(tmp_path, rows), max_rows=5).rows) == 5
    with pytest.raises(ImportFileError) as err:
        parse_member_file(write_csv(tmp_path, rows), max_rows=4)
    assert err.value.code == "import.too_many_rows"


@pytest.mark.parametrize(
    "content", [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 64, b"PK\x03\x04 not really a zip"]
)
def test_unreadable_files(tmp_path, content):
    path = tmp_path / "members.xls"
    path.write_bytes(content)
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path)
    assert err.value.code == "import.unreadable"


def test_empty_file_reports_first_required_header(tmp_path):
    path = tmp_path / "empty.csv"
    path.write_bytes(b"")
    with pytest.raises(ImportFileError) as err:
        parse_member_file(path)
    assert err.value.detail == "Họ và tên"


# --- helpers ----------------------------------------------------------------


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("0912 345 678", "+84912345678"),
        ("84912345678", "+84912345678"),
        ("+84 912 345 678", "+84912345678"),
        ("0084912345678", "+84912345678"),
        ("(+84) 0912.345.678", "+84912345678"),
        (912345678, "+84912345678"),
        (84912345678.0, "+84912345678"),
        ("'0358123456", "+84358123456"),
        ("0243 825 1234", None),
        ("0112345678", None),
        ("91234567", None),
    ],
)
def test_normalize_phone(raw, expected):
    assert normalize_phone(raw) == expected


def test_card_and_fold_helpers():
    assert normalize_card_number("01.000 123") == "01000123"
    assert normalize_card_number(1000123.0) == "1000123"
    assert normalize_card_number("ab12345") == "AB12345"
    assert normalize_card_number("12345") is None
    assert fold("  Số thẻ\nĐảng viên (*) ") == "so the dang vien"
    assert fold(unicodedata.normalize("NFD", "Ngày vào Đảng")) == "ngay vao dang"


def test_columns_describe_every_field():
    fields = {c.field for c in COLUMNS}
    assert fields == set(MemberRow.__dataclass_fields__) - {"line"}
    assert [c.header for c in COLUMNS if c.required] == [
        "Họ và tên",
        "Số thẻ đảng viên",
        "Mã chi bộ",
    ]
