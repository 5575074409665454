"""Parse a member list exported from the party member database (CSV or XLSX).

Pure parsing, no database: `parse_member_file` turns a file into validated
`MemberRow`s plus a `RowError` for every bad value; the importer upserts the
rows by party card number. Headers are matched without regard to case,
diacritics or punctuation ("Họ và tên" = "HO VA TEN" = "Ho va ten (*)").
"""

from __future__ import annotations

import codecs
import contextlib
import csv
import datetime as dt
import functools
import io
import itertools
import re
import unicodedata
import zipfile
from collections.abc import Callable, Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

MAX_FILE_BYTES = 20 * 1024 * 1024
MAX_ROWS = 200_000
HEADER_SCAN_ROWS = 10
_XLSX_MAX_INFLATE = 25  # zip-bomb guard: unpacked XLSX at most this many times max_bytes
_MIN_DATE = dt.date(1900, 1, 1)
_EXCEL_EPOCH = dt.date(1899, 12, 30)
_VALUE_MAX = 200  # RowError.value is cut to this many characters


@dataclass(frozen=True)
class Column:
    """One column of the import file, for code and documentation."""

    header: str  # the Vietnamese header as the member database exports it
    field: str  # MemberRow attribute
    required: bool
    example: str
    synonyms: tuple[str, ...] = ()


COLUMNS: list[Column] = [
    Column(
        "Họ và tên",
        "full_name",
        True,
        "Nguyễn Văn Hùng",
        ("Họ tên", "Họ và tên đảng viên", "Họ tên đảng viên", "Họ và tên khai sinh"),
    ),
    Column(
        "Số thẻ đảng viên",
        "party_card_number",
        True,
        "01000123",
        ("Số thẻ", "Số thẻ ĐV", "Số thẻ Đảng"),
    ),
    Column("Ngày sinh", "birth_date", False, "12/03/1958", ("Ngày tháng năm sinh",)),
    Column("Giới tính", "gender", False, "Nam / Nữ"),
    Column(
        "Số điện thoại",
        "phone",
        False,
        "0912 345 678",
        ("Điện thoại", "SĐT", "Số ĐT", "Điện thoại di động", "Số di động"),
    ),
    Column(
        "Email", "email", False, "hung.nv@example.com", ("Thư điện tử", "E-mail", "Địa chỉ email")
    ),
    Column("Mã chi bộ", "cell_code", True, "CB-VA-01", ("Chi bộ (mã)",)),
    Column("Ngày vào Đảng", "joined_on", False, "19/05/1985", ("Ngày kết nạp",)),
    Column(
        "Ngày chính thức",
        "official_on",
        False,
        "19/05/1986",
        ("Ngày công nhận chính thức", "Ngày chuyển chính thức"),
    ),
    Column("Trạng thái", "status", False, "Chính thức / Dự bị", ("Loại đảng viên",)),
]


@dataclass(frozen=True)
class MemberRow:
    line: int  # 1-based row number as the spreadsheet shows it
    full_name: str
    party_card_number: str
    cell_code: str
    birth_date: dt.date | None = None
    gender: str | None = None  # "male" | "female"
    phone: str | None = None  # E.164, "+84912345678"
    email: str | None = None
    joined_on: dt.date | None = None
    official_on: dt.date | None = None
    status: str = "probationary"  # "official" | "probationary"


@dataclass(frozen=True)
class RowError:
    line: int
    field: str | None
    code: str  # message key, e.g. "import.bad_date"
    value: str


@dataclass(frozen=True)
class ParseResult:
    rows: list[MemberRow]
    errors: list[RowError]
    total_rows: int  # non-empty data rows seen, good and bad
    format: str  # "csv" | "xlsx"


class ImportFileError(Exception):
    """The file as a whole cannot be imported."""

    def __init__(self, code: str, detail: str = "") -> None:
        super().__init__(f"{code}: {detail}" if detail else code)
        self.code = code
        self.detail = detail


class _Bad(Exception):
    def __init__(self, code: str) -> None:
        self.code = code


# --- text helpers ---------------------------------------------------------

_D_MAP = str.maketrans({"đ": "d", "Đ": "D", "Ð": "D"})


@functools.lru_cache(maxsize=4096)
def fold(text: str) -> str:
    """Comparison key: no diacritics, đ→d, lower case, punctuation as single spaces."""
    text = unicodedata.normalize("NFD", text).translate(_D_MAP)
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Mn").casefold()
    return " ".join(re.sub(r"[^0-9a-z]+", " ", text).split())


def _text(value: Any) -> str:
    """A cell as trimmed NFC text; whole floats lose their '.0'."""
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value).strip()
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e18:
        return str(int(value))
    if isinstance(value, dt.datetime) and value.time() != dt.time():
        return value.strftime("%d/%m/%Y %H:%M")
    if isinstance(value, dt.date):  # shown the way a Vietnamese user reads it
        return value.strftime("%d/%m/%Y")
    return str(value).strip()


def normalize_card_number(value: Any) -> str | None:
    """'01.000 123' → '01000123'; None when not 6–20 letters or digits."""
    card = re.sub(r"[\s.\-']", "", _text(value)).upper()
    return card if re.fullmatch(r"[0-9A-Z]{6,20}", card) else None


def normalize_phone(value: Any) -> str | None:
    """A Vietnamese mobile number as E.164 ('+84912345678'), or None."""
    s = re.sub(r"[\s.\-()'’]", "", _text(value))
    for prefix in ("+84", "0084", "84"):
        if s.startswith(prefix) and (prefix != "84" or len(s) == 11):
            s = s[len(prefix) :]
            break
    if len(s) == 10 and s.startswith("0"):
        s = s[1:]
    return "+84" + s if re.fullmatch(r"[35789][0-9]{8}", s) else None


_EMAIL_RE = re.compile(r"[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}")


def normalize_email(value: Any) -> str | None:
    email = _text(value).lower()
    return email if len(email) <= 254 and _EMAIL_RE.fullmatch(email) else None


# --- field parsers: raw cell -> value, or raise _Bad(code) --------------------


def _name(raw: Any) -> str:
    name = " ".join(_text(raw).split())
    if not 2 <= len(name) <= 120 or not any(ch.isalpha() for ch in name):
        raise _Bad("import.bad_name")
    return name


def _checked(normalize: Callable[[Any], str | None], code: str) -> Callable[[Any], str]:
    def parse(raw: Any) -> str:
        value = normalize(raw)
        if value is None:
            raise _Bad(code)
        return value

    return parse


def _lookup(table: dict[str, str], code: str) -> Callable[[Any], str]:
    return _checked(lambda raw: table.get(fold(_text(raw))), code)


_GENDERS = {"nam": "male", "nu": "female", "male": "male", "female": "female"}
_STATUSES = {
    "chinh thuc": "official",
    "dang vien chinh thuc": "official",
    "official": "official",
    "du bi": "probationary",
    "dang vien du bi": "probationary",
    "probationary": "probationary",
}


_DMY = re.compile(r"(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4})(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?")
_YMD = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]\d{1,2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?")


def _date(raw: Any) -> dt.date:
    """dd/mm/yyyy, d/m/yyyy, yyyy-mm-dd, a date cell or an Excel serial number."""
    day: dt.date | None = None
    if isinstance(raw, dt.datetime):
        day = raw.date()
    elif isinstance(raw, dt.date):
        day = raw
    elif isinstance(raw, int | float) and not isinstance(raw, bool):
        if 1 <= raw < 2958466:
            day = _EXCEL_EPOCH + dt.timedelta(days=int(raw))
    else:
        text = _text(raw)
        if m := _DMY.fullmatch(text):
            d, mo, y = (int(g) for g in m.groups())
        elif m := _YMD.fullmatch(text):
            y, mo, d = (int(g) for g in m.groups())
        else:
            raise _Bad("import.bad_date")
        with contextlib.suppress(ValueError):
            day = dt.date(y, mo, d)
    if day is None or not _MIN_DATE <= day <= dt.date.today():
        raise _Bad("import.bad_date")
    return day


_PARSERS: dict[str, Callable[[Any], Any]] = {
    "full_name": _name,
    "party_card_number": _checked(normalize_card_number, "import.bad_card"),
    "cell_code": lambda raw: " ".join(_text(raw).split()),
    "birth_date": _date,
    "gender": _lookup(_GENDERS, "import.bad_gender"),
    "phone": _checked(normalize_phone, "import.bad_phone"),
    "email": _checked(normalize_email, "import.bad_email"),
    "joined_on": _date,
    "official_on": _date,
    "status": _lookup(_STATUSES, "import.bad_status"),
}


# --- headers --------------------------------------------------------------


def _header_keys() -> dict[str, str]:
    keys: dict[str, str] = {}
    for col in COLUMNS:
        for name in (col.header, *col.synonyms):
            keys[fold(name)] = col.field
    return keys


_HEADER_KEYS = _header_keys()
_REQUIRED = [c for c in COLUMNS if c.required]


def _match_header(cell: Any) -> str | None:
    text = _text(cell)
    field = _HEADER_KEYS.get(fold(text))
    if field is None and "(" in text:  # "Ngày sinh (dd/mm/yyyy)", "Họ và tên (*)"
        field = _HEADER_KEYS.get(fold(re.sub(r"\([^)]*\)", " ", text)))
    return field


def _header_map(cells: Sequence[Any]) -> dict[str, int]:
    """field -> column index; the first column wins when two map to one field."""
    found: dict[str, int] = {}
    for idx, cell in enumerate(cells):
        field = _match_header(cell)
        if field is not None and field not in found:
            found[field] = idx
    return found


def _find_header(records: list[tuple[int, Sequence[Any]]]) -> tuple[int, dict[str, int]]:
    """(position in records, header map) of the first row holding every required header."""
    maps = [_header_map(cells) for _, cells in records[:HEADER_SCAN_ROWS]]
    for pos, mapping in enumerate(maps):
        if all(c.field in mapping for c in _REQUIRED):
            return pos, mapping
    best = max(maps, key=len, default={})
    missing = next(c.header for c in _REQUIRED if c.field not in best)
    raise ImportFileError("import.missing_header", missing)


# --- reading files --------------------------------------------------------

Records = Generator[tuple[int, Sequence[Any]], None, None]


def _detect_encoding(path: Path) -> str:
    with path.open("rb") as fh:
        head = fh.read(4096)
        if head.startswith(codecs.BOM_UTF8):
            return "utf-8-sig"
        if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
            return "utf-16"
        if b"\x00" in head:  # UTF-16 without a BOM: ASCII bytes pair with a NUL
            return "utf-16-le" if head[1::2].count(0) > head[0::2].count(0) else "utf-16-be"
        fh.seek(0)
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            while chunk := fh.read(1 << 20):
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            return "cp1258"  # Windows-1258, what Vietnamese Excel saves as "CSV"
    return "utf-8"


def _sniff_delimiter(head: str) -> str:
    """The delimiter (',', ';' or tab) under which the header row is found."""
    counts = {d: head.count(d) for d in (",", ";", "\t")}
    ranked = sorted(counts, key=lambda d: -counts[d])
    for delim in ranked:
        try:
            rows = list(csv.reader(io.StringIO(head), delimiter=delim))
        except csv.Error:
            continue
        with contextlib.suppress(ImportFileError):
            _find_header(list(enumerate(rows, start=1)))
            return delim
    return ranked[0]


def _csv_records(path: Path) -> Records:
    encoding = _detect_encoding(path)
    try:
        with path.open(encoding=encoding, newline="") as fh:
            head = "".join(line for _, line in zip(range(HEADER_SCAN_ROWS + 1), fh, strict=False))
            fh.seek(0)
            first = head.split("\n", 1)[0].strip()
            sep_line = re.fullmatch(r"sep=(.)", first)  # Excel's "sep=;" hint line
            delim = sep_line.group(1) if sep_line else _sniff_delimiter(head)
            reader = csv.reader(fh, delimiter=delim)
            if sep_line:
                next(reader, None)
            yield from enumerate(reader, start=1)
    except (UnicodeDecodeError, csv.Error) as exc:
        raise ImportFileError("import.unreadable", str(exc)) from exc


def _xlsx_records(path: Path, max_bytes: int) -> Records:
    import openpyxl

    with path.open("rb") as fh:  # a file object: openpyxl would insist on the extension
        try:
            with zipfile.ZipFile(fh) as zf:
                unpacked = sum(info.file_size for info in zf.infolist())
            if unpacked > max_bytes * _XLSX_MAX_INFLATE:  # a zip bomb
                raise ImportFileError("import.file_too_large", str(unpacked))
            fh.seek(0)
            wb = openpyxl.load_workbook(fh, read_only=True, data_only=True)
        except ImportFileError:
            raise
        except Exception as exc:  # any malformed workbook: zip, XML, missing parts
            raise ImportFileError("import.unreadable", str(exc)) from exc
        try:
            if not wb.worksheets:
                raise ImportFileError("import.unreadable", "no worksheet")
            ws = wb.worksheets[0]
            ws.reset_dimensions()  # exporters often write a wrong <dimension>: read every cell
            yield from enumerate(ws.iter_rows(values_only=True), start=1)
        except (ImportFileError, GeneratorExit):
            raise
        except Exception as exc:  # a broken sheet shows only while streaming it
            raise ImportFileError("import.unreadable", str(exc)) from exc
        finally:
            wb.close()


def _open_records(path: Path, max_bytes: int) -> tuple[str, Records]:
    with path.open("rb") as fh:
        magic = fh.read(8)
    if magic.startswith(b"PK\x03\x04"):
        return "xlsx", _xlsx_records(path, max_bytes)
    if magic.startswith(b"\xd0\xcf\x11\xe0"):  # old binary .xls: ask for .xlsx or CSV
        raise ImportFileError("import.unreadable", "xls")
    return "csv", _csv_records(path)


# --- rows -----------------------------------------------------------------


def _parse_row(
    line: int, values: dict[str, Any], seen_cards: dict[str, int]
) -> tuple[MemberRow | None, list[RowError]]:
    errors: list[RowError] = []
    parsed: dict[str, Any] = {}
    for col in COLUMNS:
        raw = values.get(col.field)
        text = _text(raw)
        if not text:
            if col.required:
                errors.append(RowError(line, col.field, "import.missing_field", ""))
            continue
        try:
            parsed[col.field] = _PARSERS[col.field](raw)
        except _Bad as bad:
            errors.append(RowError(line, col.field, bad.code, text[:_VALUE_MAX]))
    joined, official = parsed.get("joined_on"), parsed.get("official_on")
    if joined and official and official < joined:
        errors.append(
            RowError(
                line,
                "official_on",
                "import.official_before_joined",
                _text(values.get("official_on")),
            )
        )
    card = parsed.get("party_card_number")
    if card is not None:
        if card in seen_cards:
            errors.append(RowError(line, "party_card_number", "import.duplicate_in_file", card))
        else:
            seen_cards[card] = line
    if errors:
        return None, errors
    parsed.setdefault("status", "official" if official else "probationary")
    return MemberRow(line=line, **parsed), []


def parse_member_file(
    path: Path, *, max_bytes: int = MAX_FILE_BYTES, max_rows: int = MAX_ROWS
) -> ParseResult:
    """Read a member list; bad rows become `errors`, good rows `rows`.

    Raises `ImportFileError` when the file as a whole cannot be used: too large
    ("import.file_too_large"), too many rows ("import.too_many_rows"), a required
    header missing ("import.missing_header", detail = the Vietnamese header) or
    unreadable ("import.unreadable").
    """
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as exc:
        raise ImportFileError("import.unreadable", str(exc)) from exc
    if size > max_bytes:
        raise ImportFileError("import.file_too_large", str(size))
    fmt, records = _open_records(path, max_bytes)
    with contextlib.closing(records):
        head = [rec for _, rec in zip(range(HEADER_SCAN_ROWS), records, strict=False)]
        pos, columns = _find_header(head)
        rows: list[MemberRow] = []
        errors: list[RowError] = []
        seen_cards: dict[str, int] = {}
        total = 0
        for line, cells in itertools.chain(head[pos + 1 :], records):
            values = {f: cells[i] for f, i in columns.items() if i < len(cells)}
            if not any(_text(v) for v in values.values()):
                continue  # blank row (an "STT" number alone counts as blank)
            total += 1
            if total > max_rows:
                raise ImportFileError("import.too_many_rows", str(max_rows))
            row, row_errors = _parse_row(line, values, seen_cards)
            errors.extend(row_errors)
            if row is not None:
                rows.append(row)
    return ParseResult(rows=rows, errors=errors, total_rows=total, format=fmt)
