"""Exports: the dashboard's numbers in XLSX and CSV, Vietnamese headers, unit and period."""

from __future__ import annotations

import csv
import io
from urllib.parse import unquote

from openpyxl import load_workbook
from sqlmodel import select

from api.audit.models import AuditEvent
from api.db import new_session
from tests.dashboards.factory import Rec, add_assignment, vn

API = "/api/v1"
NOVEMBER = {"from": "2026-11-01", "to": "2026-11-30"}


def _data(w) -> None:
    add_assignment(
        w,
        "A1",
        vn(2026, 11, 20, 17),
        [
            Rec("member_a1", "approved", submitted=vn(2026, 11, 19)),
            Rec("member_a1b", "approved", submitted=vn(2026, 11, 21)),
            Rec("secretary_a1", "in_progress"),
        ],
    )
    add_assignment(w, "A2", vn(2026, 11, 25, 17), [Rec("member_a2", "cancelled")])


def _export(client, w, who, unit, fmt, params=NOVEMBER):
    url = f"{API}/dashboards/units/{w.units[unit]}/export"
    return client.get(url, headers=w.h(who), params={"format": fmt, **params})


def test_xlsx_has_the_same_numbers_as_the_screen(client, world):
    w = world
    _data(w)
    screen = client.get(
        f"{API}/dashboards/units/{w.units['A']}", headers=w.h("committee_a"), params=NOVEMBER
    ).json()
    r = _export(client, w, "committee_a", "A", "xlsx")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"].startswith(
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    )
    disposition = r.headers["content-disposition"]
    assert disposition.startswith(
        'attachment; filename="Thong-ke-nhiem-vu-Dang-bo-xa-Vinh-An-11-2026.xlsx"'
    )
    assert unquote(disposition.split("UTF-8''")[1]) == (
        "Thống kê nhiệm vụ - Đảng bộ xã Vĩnh An - 11-2026.xlsx"
    )
    assert r.headers["cache-control"] == "private, no-store"
    book = load_workbook(io.BytesIO(r.content))
    assert book.sheetnames == ["Nhiệm vụ", "Theo tháng", "Học tập văn bản", "Sinh hoạt chi bộ"]
    sheet = book["Nhiệm vụ"]
    rows = [list(row) for row in sheet.iter_rows(values_only=True)]
    text = [str(c) for row in rows for c in row if c is not None]
    assert "Đơn vị: Đảng bộ xã Vĩnh An" in text
    assert any("01/11/2026 – 30/11/2026" in c for c in text)
    header_at = next(i for i, row in enumerate(rows) if row[0] == "Đơn vị")
    assert rows[header_at][1:] == [
        "Số lượt được giao",
        "Đã hoàn thành (đã duyệt)",
        "Hoàn thành đúng hạn",
        "Hoàn thành trễ hạn",
        "Chưa hoàn thành",
        "Quá hạn",
        "Đã hủy",
        "Tỷ lệ hoàn thành",
    ]
    keys = [
        "assigned_records", "approved", "approved_on_time", "approved_late",
        "open", "overdue", "cancelled", "completion_rate",
    ]  # fmt: skip
    body = rows[header_at + 1 :]
    assert body[0][0] == "Toàn Đảng bộ xã Vĩnh An"
    assert body[0][1:] == [screen["totals"][k] for k in keys]
    by_name = {row[0]: row[1:] for row in body[1:]}
    for child in screen["children"]:
        assert by_name[child["unit"]["name"]] == [child["totals"][k] for k in keys]
    # Real numbers in the cells, the rate shown as a percentage by the spreadsheet.
    rate_cell = sheet.cell(row=header_at + 2, column=9)
    assert isinstance(rate_cell.value, float) and rate_cell.number_format == "0.0%"
    with new_session() as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "dashboard.exported")).one()
    assert event.actor_id == w.users["committee_a"] and event.after["format"] == "xlsx"


def test_csv_is_utf8_with_bom_and_vietnamese_numbers(client, world):
    w = world
    _data(w)
    r = _export(client, w, "secretary_a1", "A1", "csv")
    assert r.status_code == 200, r.text
    assert r.headers["content-type"] == "text/csv; charset=utf-8"
    assert r.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(r.content.decode("utf-8-sig"))))
    assert rows[1] == ["Đơn vị: Chi bộ thôn Đông"]
    assert rows[2][0].startswith("Kỳ thống kê: 01/11/2026 – 30/11/2026")
    header_at = rows.index(next(row for row in rows if row and row[0] == "Đảng viên"))
    end = rows.index([], header_at)  # the meetings table follows after an empty row
    body = {row[0]: row[1:] for row in rows[header_at + 1 : end]}
    whole = body["Toàn Chi bộ thôn Đông"]
    assert whole[:3] == ["3", "2", "1"]
    assert whole[-1] == "66,7%"  # 2 of 3, Vietnamese decimal comma
    member = body["Nguyễn Văn Member A1B"]
    assert member[3] == "1"  # approved late
    assert body["Nguyễn Văn Deputy A1"][-1] == ""  # nothing given: no rate
    assert r.headers["content-disposition"].startswith(
        'attachment; filename="Thong-ke-nhiem-vu-Chi-bo-thon-Dong-11-2026.csv"'
    )


def test_a_custom_period_is_named_in_the_file(client, world):
    w = world
    r = _export(client, w, "committee_a", "A", "csv", {"from": "2026-10-15", "to": "2026-11-14"})
    assert "15-10-2026_14-11-2026" in r.headers["content-disposition"]
    assert "15/10/2026 – 14/11/2026" in r.content.decode("utf-8-sig")


def test_exports_follow_the_dashboard_rules(client, world):
    w = world
    assert _export(client, w, "member_a1", "A1", "xlsx").status_code == 403
    assert _export(client, w, "committee_b", "A", "csv").status_code == 404
    bad = _export(client, w, "committee_a", "A", "pdf")
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"] == "query.format"
