"""A commune's committee member on a phone: the dashboard, drill-down, XLSX export, offline."""

from __future__ import annotations

import datetime as dt
import io
import re
from typing import Any

from openpyxl import load_workbook
from playwright.sync_api import expect

from api.text import VN_TZ, format_vn_number, format_vn_percent
from tests.pwa.conftest import run_js, shot, sign_in, wait_for_worker
from tests.pwa.content import publish_document

API = "/api/v1"


def _due_this_month() -> str:
    """A due time later today-or-soon but inside this Vietnam month (the default period)."""
    now = dt.datetime.now(VN_TZ)
    first_next = (now.replace(day=1) + dt.timedelta(days=32)).replace(
        day=1, hour=0, minute=0, second=0, microsecond=0
    )
    due = min(now + dt.timedelta(days=3), first_next - dt.timedelta(minutes=5))
    return max(due, now + dt.timedelta(minutes=2)).isoformat()


def _task(client: Any, world: Any, title: str, to: list[str]) -> int:
    r = client.post(
        f"{API}/assignments",
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": title,
            "description": "Báo cáo kết quả trước kỳ sinh hoạt chi bộ.",
            "due_at": _due_this_month(),
            "assignee_ids": [world.users[n] for n in to],
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _content(client: Any, world: Any) -> None:
    """Three task records in cell A1 (one approved) and a document one member acknowledged."""
    done = _task(client, world, "Vận động hộ gia đình cài ứng dụng", ["member_a1"])
    _task(client, world, "Thu đảng phí quý IV", ["member_a1", "member_a1b"])
    r = client.post(
        f"{API}/assignments/{done}/submit",
        headers=world.h("member_a1"),
        json={"report": "Đã vận động 6 hộ."},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"{API}/assignments/{done}/assignees/{world.users['member_a1']}/approve",
        headers=world.h("secretary_a1"),
    )
    assert r.status_code == 200, r.text
    doc = publish_document(client, world)
    r = client.post(f"{API}/documents/{doc}/acknowledge", headers=world.h("member_a1"))
    assert r.status_code == 200, r.text


def _api(page: Any, path: str) -> Any:
    """The API as the page's own session (its cookie) sees it."""
    r = page.request.get(API + path)
    assert r.status == 200, r.text()
    return r.json()


def _fact(page: Any, key: str) -> Any:
    return page.locator(f"main [data-fact='{key}']")


def _shows_totals(page: Any, totals: dict[str, Any]) -> None:
    """The ring's caption and the facts list say what the API says."""
    expect(page.locator("main [data-rate]")).to_have_text(
        format_vn_percent(totals["completion_rate"])
    )
    for key in ("assigned_records", "approved", "open", "overdue", "cancelled"):
        expect(_fact(page, key)).to_have_text(format_vn_number(totals[key]))


def test_committee_drills_down_exports_and_reads_offline(page, context, client, world):
    _content(client, world)
    sign_in(page, world, "committee_a")
    wait_for_worker(page)
    page.get_by_role("link", name="Thống kê").click()
    commune = world.units["A"]
    expect(page.locator("main h1")).to_have_text("Đảng bộ xã Vĩnh An")

    board = _api(page, f"/dashboards/units/{commune}")
    assert board["totals"]["assigned_records"] == 3 and board["totals"]["approved"] == 1
    _shows_totals(page, board["totals"])
    expect(page.locator("main [data-rate]")).to_have_text("33,3%")  # Vietnamese decimals
    # One bar per child unit, each with its numbers as text.
    bars = page.locator("main .dash-bars a")
    expect(bars).to_have_count(len(board["children"]))
    for child in board["children"]:
        row = bars.filter(has_text=child["unit"]["name"])
        expect(row.locator("svg")).to_have_count(1)
        rate = child["totals"]["completion_rate"]
        expect(row).to_contain_text(format_vn_percent(rate) if rate is not None else "chưa có")
    # The trend: 12 months as a line, and as a table for screen readers.
    expect(page.locator("main .chart-trend")).to_be_visible()
    expect(page.locator("main .dash-trend table tbody tr")).to_have_count(12)
    # Study: the document and its acknowledgement rate, by cell.
    study = _api(page, f"/dashboards/units/{commune}/documents")["items"][0]["totals"]
    expect(page.locator("main .dash-doc").first).to_contain_text(
        f"Đã học tập, quán triệt {study['acknowledged']}/{study['audience']} "
        f"({format_vn_percent(study['acknowledgement_rate'])})"
    )
    shot(page, "dashboard-commune")

    # Drill down: commune → cell → member, with the same numbers at every step.
    bars.filter(has_text="Chi bộ thôn Đông").click()
    cell = world.units["A1"]
    expect(page.locator("main h1")).to_have_text("Chi bộ thôn Đông")
    expect(page).to_have_url(re.compile(rf"/dashboards/{cell}$"))
    cell_board = _api(page, f"/dashboards/units/{cell}")
    _shows_totals(page, cell_board["totals"])
    crumbs = page.get_by_role("navigation", name="Các cấp đơn vị")
    expect(crumbs.get_by_role("link", name="Đảng bộ xã Vĩnh An")).to_be_visible()
    mine = next(m for m in cell_board["members"] if m["member"]["full_name"].endswith("Member A1"))
    name = page.get_by_role("link", name="Nguyễn Văn Member A1", exact=True)
    row = page.locator("main .dash-table tbody tr").filter(has=name)
    expect(row.locator("td")).to_have_text(
        [
            f"{mine['totals']['approved']}/"
            f"{mine['totals']['assigned_records'] - mine['totals']['cancelled']}",
            format_vn_number(mine["totals"]["overdue"]),
            format_vn_percent(mine["totals"]["completion_rate"]),
        ]
    )
    expect(row.locator("td").last).to_have_text("50,0%")
    # The cell's leaders see who has not studied the document yet.
    page.locator("main .dash-pending summary").first.click()
    expect(page.locator("main .dash-pending").first).to_contain_text("Nguyễn Văn Member A1B")
    pending = page.locator("main .dash-pending").first
    expect(pending.get_by_text("Nguyễn Văn Member A1", exact=True)).to_have_count(0)
    shot(page, "dashboard-cell")

    row.get_by_role("link", name="Nguyễn Văn Member A1", exact=True).click()
    expect(page.locator("main h1")).to_have_text("Nguyễn Văn Member A1")
    member = _api(page, f"/dashboards/units/{cell}/members/{world.users['member_a1']}")
    _shows_totals(page, member["totals"])
    records = page.locator("main section[aria-labelledby='dash-records'] li")
    expect(records).to_have_count(len(member["records"]))
    expect(records.filter(has_text="Vận động hộ gia đình cài ứng dụng")).to_contain_text("Đã duyệt")
    # Each record opens the task itself, which the committee may follow.
    href = records.first.get_by_role("link").get_attribute("href")
    assert page.request.get(API + str(href)).status == 200
    shot(page, "dashboard-member")

    # Back up through the breadcrumbs; export the commune's figures as XLSX.
    crumbs.get_by_role("link", name="Đảng bộ xã Vĩnh An").click()
    expect(page.locator("main h1")).to_have_text("Đảng bộ xã Vĩnh An")
    with page.expect_download() as download:
        page.get_by_role("link", name="Tải tệp Excel (.xlsx)").click()
    with open(download.value.path(), "rb") as f:
        data = f.read()
    assert download.value.suggested_filename.endswith(".xlsx")
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = {r[0]: r for r in sheet.iter_rows(values_only=True) if r and r[0]}
    whole = rows["Toàn Đảng bộ xã Vĩnh An"]
    totals = board["totals"]
    assert list(whole[1:9]) == [
        totals[k]
        for k in (
            "assigned_records",
            "approved",
            "approved_on_time",
            "approved_late",
            "open",
            "overdue",
            "cancelled",
            "completion_rate",
        )
    ]
    assert rows["Chi bộ thôn Đông"][1] == 3 and rows["Chi bộ thôn Đông"][2] == 1
    titles = [str(r[0]) for r in sheet.iter_rows(max_row=4, values_only=True)]
    assert "Đơn vị: Đảng bộ xã Vĩnh An" in titles
    assert any(board["period"]["label"] in line for line in titles), titles
    csv_href = page.get_by_role("link", name="Tải tệp CSV").get_attribute("href")
    assert csv_href and "format=csv" in csv_href
    assert f"from={board['period']['from_date']}" in csv_href
    shown_at = page.locator("main .dash-asof").inner_text()
    when = re.search(r"\d{2}:\d{2} \d{2}/\d{2}/\d{4}", shown_at)
    assert when, shown_at

    # Offline: the service worker's copy of the dashboard is dropped, so what shows is the
    # screen's own copy on the device (IndexedDB), marked with its time.
    context.set_offline(True)
    dropped = run_js(
        page,
        """async () => {
          const cache = await caches.open('sotay-data');
          let n = 0;
          for (const r of await cache.keys()) {
            if (r.url.includes('/dashboards')) { await cache.delete(r); n++; }
          }
          return n;
        }""",
    )
    assert dropped >= 1
    page.reload()
    expect(page.locator("main h1")).to_have_text("Đảng bộ xã Vĩnh An")
    expect(page.locator("main .dash-asof")).to_have_text(
        f"Không có mạng: đang xem dữ liệu lúc {when.group(0)}"
    )
    _shows_totals(page, totals)
    expect(page.locator("main .dash-bars a")).to_have_count(len(board["children"]))
    shot(page, "dashboard-offline")


def test_plain_member_has_no_dashboard(page, client, world):
    sign_in(page, world, "member_a1")
    page.goto("/dashboards")
    expect(page.locator("main h1")).to_have_text("Thống kê")
    expect(page.locator("main")).to_contain_text("Bạn chưa được phân công theo dõi đơn vị nào.")
    expect(page.get_by_role("link", name="Thống kê")).to_have_count(0)


def test_period_picker_changes_the_figures_and_the_exports(page, client, world):
    _content(client, world)
    sign_in(page, world, "committee_a")
    page.goto("/dashboards")
    expect(page.locator("main h1")).to_have_text("Đảng bộ xã Vĩnh An")
    # A period that holds none of this month's tasks: the screen says so in numbers.
    page.locator("main .dash-period summary").click()
    page.get_by_label("Từ ngày").fill("2025-01-01")
    page.get_by_label("Đến ngày").fill("2025-03-31")
    page.get_by_role("button", name="Xem số liệu").click()
    expect(page).to_have_url(re.compile(r"/dashboards\?from=2025-01-01&to=2025-03-31$"))
    board = _api(page, f"/dashboards/units/{world.units['A']}?from=2025-01-01&to=2025-03-31")
    expect(page.locator("main .dash-period summary")).to_have_text(
        f"Kỳ thống kê: {board['period']['label']}"
    )
    assert board["totals"]["assigned_records"] == 0
    expect(_fact(page, "assigned_records")).to_have_text("0")
    expect(page.locator("main [data-rate]")).to_have_text("chưa có")
    href = page.get_by_role("link", name="Tải tệp CSV").get_attribute("href")
    assert href and "from=2025-01-01" in href and "to=2025-03-31" in href
    csv = page.request.get(str(href))
    assert csv.status == 200 and board["period"]["label"] in csv.text()
    # Drilling down keeps the period.
    page.locator("main .dash-bars a").filter(has_text="Chi bộ thôn Đông").click()
    expect(page).to_have_url(re.compile(r"\?from=2025-01-01&to=2025-03-31$"))
    expect(page.locator("main h1")).to_have_text("Chi bộ thôn Đông")
    expect(_fact(page, "assigned_records")).to_have_text("0")
    # "Tháng này" goes back to the default period, with this month's tasks.
    page.locator("main .dash-period summary").click()
    page.get_by_role("link", name="Tháng này").click()
    expect(page).to_have_url(re.compile(rf"/dashboards/{world.units['A1']}$"))
    expect(_fact(page, "assigned_records")).to_have_text("3")
