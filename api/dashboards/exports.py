"""The dashboard as a file: XLSX (real numbers in cells) and CSV (UTF-8 with a BOM).

Both are written from the same response objects the screen shows, so the numbers agree by
construction. Titles carry the unit's name and the period; headers are Vietnamese.
"""

from __future__ import annotations

import csv
import io
import re
import unicodedata
from collections.abc import Iterator
from urllib.parse import quote

from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.worksheet import Worksheet

from api.dashboards.period import Period
from api.dashboards.schemas import Totals, UnitDashboard, UnitStudy, UnitTrends
from api.i18n import t
from api.text import format_vn_datetime, format_vn_number, format_vn_percent

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"
# Excel reads a UTF-8 CSV as the ANSI code page unless it starts with a byte-order mark.
BOM = "\ufeff"

TASK_COLUMNS = [
    "assigned_records",
    "approved",
    "approved_on_time",
    "approved_late",
    "open",
    "overdue",
    "cancelled",
    "completion_rate",
]
STUDY_COLUMNS = ["audience", "read", "acknowledged", "acknowledgement_rate"]
# Cell meetings (api.dashboards.meetings): their own table, the rate last.
MEETING_COLUMNS = [
    "meetings_planned",
    "meetings_held",
    "meetings_cancelled",
    "attendance_expected",
    "attendance_present",
    "attendance_late",
    "absent_excused",
    "absent_unexcused",
    "attendance_rate",
]
RATE_COLUMNS = {"completion_rate", "acknowledgement_rate", "attendance_rate"}


def _h(key: str, **params: object) -> str:
    return t(f"dashboard.export.{key}", "vi", **params)


def task_rows(board: UnitDashboard) -> Iterator[tuple[str, Totals]]:
    """(label, totals): the unit first, then its children or, at a cell, its members."""
    yield _h("whole_unit", name=board.unit.name), board.totals
    for child in board.children:
        yield child.unit.name, child.totals
    for member in board.members or []:
        yield member.member.full_name, member.totals


def _title_lines(board: UnitDashboard) -> list[str]:
    return [
        _h("title_tasks"),
        _h("unit", name=board.unit.name),
        _h("period", label=board.period.label),
        _h("generated", at=format_vn_datetime(board.generated_at)),
    ]


def _first_column(board: UnitDashboard) -> str:
    return _h("col.member") if board.members is not None else _h("col.unit")


def to_csv(board: UnitDashboard) -> bytes:
    """The tasks table as CSV: Vietnamese number formats, since every cell of a CSV is text."""
    out = io.StringIO()
    out.write(BOM)
    writer = csv.writer(out, lineterminator="\r\n")
    for line in _title_lines(board):
        writer.writerow([line])
    writer.writerow([])
    writer.writerow([_first_column(board), *[_h(f"col.{c}") for c in TASK_COLUMNS]])
    for label, totals in task_rows(board):
        values = totals.model_dump()
        writer.writerow([label, *[_text(c, values[c]) for c in TASK_COLUMNS]])
    # The meetings table follows the tasks table, after an empty row and its own title.
    writer.writerow([])
    writer.writerow([_h("title_meetings")])
    writer.writerow([_first_column(board), *[_h(f"col.{c}") for c in MEETING_COLUMNS]])
    for label, totals in task_rows(board):
        values = totals.model_dump()
        writer.writerow([label, *[_text(c, values[c]) for c in MEETING_COLUMNS]])
    return out.getvalue().encode("utf-8")


def _text(column: str, value: float | int | None) -> str:
    if value is None:
        return ""
    if column in RATE_COLUMNS:
        return format_vn_percent(value, 1)
    return format_vn_number(value)


def to_xlsx(board: UnitDashboard, trends: UnitTrends, studied: UnitStudy) -> bytes:
    """Four sheets: tasks (unit, children or members), 12-month trend, documents studied, and
    cell meetings (by unit or member, then by month)."""
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = _h("sheet.tasks")
    _titles(sheet, _title_lines(board))
    _table(
        sheet,
        [_first_column(board), *[_h(f"col.{c}") for c in TASK_COLUMNS]],
        [[label, *_cells(totals.model_dump(), TASK_COLUMNS)] for label, totals in task_rows(board)],
    )
    trend = book.create_sheet(_h("sheet.trends"))
    _titles(trend, [_h("title_trends"), _h("unit", name=board.unit.name)])
    _table(
        trend,
        [_h("col.month"), *[_h(f"col.{c}") for c in TASK_COLUMNS]],
        [[p.label, *_cells(p.totals.model_dump(), TASK_COLUMNS)] for p in trends.months],
    )
    docs = book.create_sheet(_h("sheet.study"))
    _titles(docs, [_h("title_study"), _h("unit", name=board.unit.name)])
    _table(
        docs,
        [_h("col.symbol"), _h("col.title"), *[_h(f"col.{c}") for c in STUDY_COLUMNS]],
        [
            [i.document.symbol, i.document.title, *_cells(i.totals.model_dump(), STUDY_COLUMNS)]
            for i in studied.items
        ],
    )
    meet = book.create_sheet(_h("sheet.meetings"))
    _titles(meet, [_h("title_meetings"), *_title_lines(board)[1:]])
    _table(
        meet,
        [_first_column(board), *[_h(f"col.{c}") for c in MEETING_COLUMNS]],
        [[label, *_cells(t.model_dump(), MEETING_COLUMNS)] for label, t in task_rows(board)],
    )
    frozen = meet.freeze_panes  # the month table below must not move the first table's
    _table(
        meet,
        [_h("col.month"), *[_h(f"col.{c}") for c in MEETING_COLUMNS]],
        [[p.label, *_cells(p.totals.model_dump(), MEETING_COLUMNS)] for p in trends.months],
    )
    meet.freeze_panes = frozen
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _cells(values: dict[str, object], columns: list[str]) -> list[object]:
    return [values[c] for c in columns]


def _titles(sheet: Worksheet, lines: list[str]) -> None:
    for i, line in enumerate(lines, start=1):
        sheet.cell(row=i, column=1, value=line).font = Font(bold=i == 1, size=14 if i == 1 else 11)


def _table(sheet: Worksheet, header: list[str], rows: list[list[object]], rates: int = 1) -> None:
    """Header, rows, number formats (the last `rates` columns are ratios shown as %); the
    header row and the first column stay in view when scrolling."""
    top = sheet.max_row + 2
    for j, name in enumerate(header, start=1):
        cell = sheet.cell(row=top, column=j, value=name)
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    rate_columns = set(range(len(header) - rates + 1, len(header) + 1))
    for i, row in enumerate(rows, start=top + 1):
        for j, value in enumerate(row, start=1):
            cell = sheet.cell(row=i, column=j, value=value)  # type: ignore[arg-type]
            if j in rate_columns:
                cell.number_format = "0.0%"
            elif isinstance(value, int):
                cell.number_format = "#,##0"
        if i == top + 1:
            for j in range(1, len(row) + 1):
                sheet.cell(row=i, column=j).font = Font(bold=True)
    sheet.freeze_panes = sheet.cell(row=top + 1, column=2)
    sheet.column_dimensions["A"].width = 38
    for j in range(2, len(header) + 1):
        sheet.column_dimensions[get_column_letter(j)].width = 14


def filename(board: UnitDashboard, extension: str) -> tuple[str, str]:
    """(ASCII fallback, Vietnamese name) for Content-Disposition."""
    first, last = board.period.from_date, board.period.to_date
    month = Period(first, last).month_key
    span = f"{first:%m-%Y}" if month else f"{first:%d-%m-%Y}_{last:%d-%m-%Y}"
    readable = _h("filename", name=board.unit.name, period=span)
    readable = re.sub(r'[\\/:*?"<>|\x00-\x1f]+', " ", readable).strip()[:150]
    ascii_name = re.sub(r"[^A-Za-z0-9._]+", "-", _ascii(readable)).strip("-") or "thong-ke"
    return f"{ascii_name}.{extension}", f"{readable}.{extension}"


def _ascii(text: str) -> str:
    """Vietnamese without diacritics, case kept: 'Đảng bộ' → 'Dang bo'."""
    text = text.replace("đ", "d").replace("Đ", "D")
    return "".join(c for c in unicodedata.normalize("NFKD", text) if c.isascii())


def content_disposition(board: UnitDashboard, extension: str) -> str:
    """An attachment header with a safe ASCII name and the Vietnamese one (RFC 6266)."""
    ascii_name, readable = filename(board, extension)
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(readable)}"
