"""The issue's closing scenario on the demo data: a commune committee member drills from the
commune to a member and exports the same numbers to an XLSX that opens in a spreadsheet."""

from __future__ import annotations

import datetime as dt
import io

from openpyxl import load_workbook

from api.text import VN_TZ
from seed import demo_data

API = "/api/v1"
COMMITTEE_OF_VINH_AN = "10000005"  # Vũ Đình Thắng, Đảng ủy viên xã Vĩnh An


def test_commune_committee_drills_down_and_exports(client):
    from seed.demo import seed_demo

    seed_demo()
    r = client.post(
        f"{API}/auth/token",
        data={"username": COMMITTEE_OF_VINH_AN, "password": demo_data.DEMO_PASSWORD},
    )
    assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    today = dt.datetime.now(VN_TZ).date()
    period = {"from": str(today - dt.timedelta(days=60)), "to": str(today + dt.timedelta(days=60))}

    (root,) = client.get(f"{API}/dashboards", headers=h).json()["units"]
    assert root["name"] == "Đảng bộ xã Vĩnh An"
    commune = client.get(f"{API}/dashboards/units/{root['id']}", headers=h, params=period).json()
    assert commune["totals"]["assigned_records"] > 0
    busiest = max(commune["children"], key=lambda c: c["totals"]["assigned_records"])
    cell = client.get(
        f"{API}/dashboards/units/{busiest['unit']['id']}", headers=h, params=period
    ).json()
    assert [b["id"] for b in cell["breadcrumbs"]] == [root["id"], busiest["unit"]["id"]]
    assert cell["totals"] == busiest["totals"]  # the same numbers one step down
    member = max(cell["members"], key=lambda m: m["totals"]["assigned_records"])
    detail = client.get(
        f"{API}/dashboards/units/{busiest['unit']['id']}/members/{member['member']['id']}",
        headers=h,
        params=period,
    ).json()
    assert detail["totals"] == member["totals"]
    assert len(detail["records"]) == member["totals"]["assigned_records"]

    r = client.get(
        f"{API}/dashboards/units/{root['id']}/export",
        headers=h,
        params={"format": "xlsx", **period},
    )
    assert r.status_code == 200
    sheet = load_workbook(io.BytesIO(r.content))["Nhiệm vụ"]
    rows = {row[0]: row[1:] for row in sheet.iter_rows(values_only=True) if row[0]}
    assert rows[busiest["unit"]["name"]][0] == busiest["totals"]["assigned_records"]
    assert rows[busiest["unit"]["name"]][-1] == busiest["totals"]["completion_rate"]
    assert rows["Toàn Đảng bộ xã Vĩnh An"][0] == commune["totals"]["assigned_records"]
    # The study numbers too: the demo's documents reach the commune.
    study = client.get(f"{API}/dashboards/units/{root['id']}/documents", headers=h).json()
    assert study["items"] and all(i["totals"]["audience"] > 0 for i in study["items"])
