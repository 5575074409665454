"""Assignment completion dashboards: numbers, period rule, drill-down, reach."""

from __future__ import annotations

import datetime as dt

from sqlmodel import select

from api.audit.models import AuditEvent
from api.dashboards.period import this_month
from api.db import new_session, utcnow
from api.text import VN_TZ
from tests.dashboards.factory import Rec, add_assignment, vn

API = "/api/v1"


def _board(client, w, who, unit, **params):
    r = client.get(f"{API}/dashboards/units/{w.units[unit]}", headers=w.h(who), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def _in_this_month(days_from_now: float) -> dt.datetime:
    """A time `days_from_now` away, pulled inside the current month so the default counts it."""
    month = this_month()
    when = utcnow() + dt.timedelta(days=days_from_now)
    return min(
        max(when, month.start + dt.timedelta(minutes=5)), month.end - dt.timedelta(minutes=5)
    )


def test_commune_sees_its_cells_and_the_numbers_add_up(client, world):
    w = world
    past = utcnow() - dt.timedelta(minutes=30)
    due = max(past, this_month().start + dt.timedelta(minutes=1))
    add_assignment(
        w,
        "A1",
        due,
        [
            Rec("member_a1", "approved", submitted=due - dt.timedelta(hours=2)),
            Rec("member_a1b", "approved", submitted=due + dt.timedelta(minutes=1)),
            Rec("secretary_a1", "in_progress"),
            Rec("deputy_a1", "cancelled"),
        ],
    )
    add_assignment(w, "A2", _in_this_month(3), [Rec("member_a2"), Rec("committee_a", "submitted")])
    add_assignment(w, "B1", _in_this_month(3), [Rec("member_b1")], by="secretary_b1")

    board = _board(client, w, "committee_a", "A")
    assert board["unit"]["id"] == w.units["A"]
    assert [b["id"] for b in board["breadcrumbs"]] == [w.units["A"]]
    assert board["members"] is None
    totals = board["totals"]
    assert totals["assigned_records"] == 6  # B1's record is not A's
    assert totals["approved"] == 2
    assert totals["cancelled"] == 1
    assert totals["open"] == 3
    assert totals["completion_rate"] == round(2 / 5, 4)
    kids = {c["unit"]["code"]: c["totals"] for c in board["children"]}
    assert set(kids) == {"A1", "A2"}
    a1 = kids["A1"]
    assert (a1["approved_on_time"], a1["approved_late"]) == (1, 1)
    assert a1["overdue"] == (1 if due < utcnow() else 0)
    assert a1["completion_rate"] == round(2 / 3, 4)
    assert kids["A2"]["by_state"]["submitted"] == 1
    for key in ("assigned_records", "approved", "open", "overdue", "cancelled"):
        assert totals[key] == sum(k[key] for k in kids.values())


def test_cell_dashboard_lists_every_member_in_name_order(client, world):
    w = world
    add_assignment(w, "A1", _in_this_month(2), [Rec("member_a1", "approved")])
    board = _board(client, w, "secretary_a1", "A1")
    names = [m["member"]["id"] for m in board["members"]]
    expected = {w.users[n] for n in ("member_a1", "member_a1b", "secretary_a1", "deputy_a1")}
    assert set(names) == expected
    mine = next(m for m in board["members"] if m["member"]["id"] == w.users["member_a1"])
    assert mine["totals"]["approved"] == 1 and mine["in_cell"] is True
    other = next(m for m in board["members"] if m["member"]["id"] == w.users["member_a1b"])
    assert other["totals"]["assigned_records"] == 0
    assert other["totals"]["completion_rate"] is None
    assert board["children"] == []
    # The secretary's reach starts at the cell; the commune's committee sees the way down.
    assert [b["code"] for b in board["breadcrumbs"]] == ["A1"]
    from_commune = _board(client, w, "committee_a", "A1")
    assert [b["code"] for b in from_commune["breadcrumbs"]] == ["A", "A1"]
    with new_session() as s:
        seen = s.exec(select(AuditEvent).where(AuditEvent.action == "dashboard.members_viewed"))
        assert {e.actor_id for e in seen} == {w.users["secretary_a1"], w.users["committee_a"]}


def test_a_record_belongs_to_the_period_of_its_due_time_in_vietnam(client, world):
    w = world
    # 23:59:59 on 31/10 in Vietnam is October; 00:00 on 1/11 is November (UTC: 17:00 on 31/10).
    add_assignment(w, "A1", vn(2026, 10, 31, 23, 59, 59), [Rec("member_a1")])
    add_assignment(w, "A1", vn(2026, 11, 1, 0, 0, 0), [Rec("member_a1"), Rec("member_a1b")])
    october = _board(client, w, "committee_a", "A", **{"from": "2026-10-01", "to": "2026-10-31"})
    november = _board(client, w, "committee_a", "A", **{"from": "2026-11-01", "to": "2026-11-30"})
    both = _board(client, w, "committee_a", "A", **{"from": "2026-10-31", "to": "2026-11-01"})
    assert october["totals"]["assigned_records"] == 1
    assert november["totals"]["assigned_records"] == 2
    assert both["totals"]["assigned_records"] == 3
    assert november["period"] == {
        "from_date": "2026-11-01",
        "to_date": "2026-11-30",
        "label": "01/11/2026 – 30/11/2026",
    }
    # Only `from`: that month; only `to`: from the first of its month.
    only_from = _board(client, w, "committee_a", "A", **{"from": "2026-11-01"})
    assert only_from["period"]["to_date"] == "2026-11-30"
    only_to = _board(client, w, "committee_a", "A", to="2026-10-31")
    assert only_to["period"]["from_date"] == "2026-10-01"
    assert only_to["totals"]["assigned_records"] == 1


def test_default_period_is_this_month_in_vietnam(client, world):
    board = _board(client, world, "committee_a", "A")
    month = this_month()
    assert board["period"]["from_date"] == month.first.isoformat()
    assert board["period"]["to_date"] == month.last.isoformat()


def test_bad_periods_are_field_errors(client, world):
    w = world
    url = f"{API}/dashboards/units/{w.units['A']}"
    for params, field in (
        ({"from": "2026-11-30", "to": "2026-11-01"}, "to"),
        ({"from": "1900-01-01"}, "from"),
        ({"to": "9999-12-31"}, "to"),
        ({"from": "hôm qua"}, "query.from"),
    ):
        r = client.get(url, headers=w.h("committee_a"), params=params)
        assert r.status_code == 422, (params, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert [e["field"] for e in r.json()["errors"]] == [field]


def test_overdue_is_open_past_due(client, world):
    w = world
    # A period of the last 40 days always has a past, whatever day of the month it is.
    today = utcnow().astimezone(VN_TZ).date()
    past = utcnow() - dt.timedelta(days=3)
    add_assignment(
        w,
        "A1",
        past,
        [Rec("member_a1"), Rec("member_a1b", "submitted"), Rec("deputy_a1", "approved")],
    )
    period = {"from": str(today - dt.timedelta(days=40)), "to": str(today)}
    t = _board(client, w, "secretary_a1", "A1", **period)["totals"]
    assert (t["overdue"], t["open"], t["approved"]) == (2, 2, 1)


def test_members_and_other_subtrees_never_see_dashboards(client, world):
    w = world
    url = f"{API}/dashboards/units/"
    # A member sees their own cell (403); another commune's unit is out of sight (404).
    assert client.get(url + str(w.units["A1"]), headers=w.h("member_a1")).status_code == 403
    assert client.get(url + str(w.units["B1"]), headers=w.h("member_a1")).status_code == 404
    assert client.get(url + str(w.units["A"]), headers=w.h("committee_b")).status_code == 404
    assert client.get(url + str(w.units["P"]), headers=w.h("committee_a")).status_code == 403
    assert client.get(url + "99999999", headers=w.h("committee_a")).status_code == 404
    assert client.get(url + str(2**63), headers=w.h("committee_a")).status_code == 422


def test_roots_start_the_drill_down(client, world):
    w = world
    r = client.get(f"{API}/dashboards", headers=w.h("committee_a"))
    assert [u["code"] for u in r.json()["units"]] == ["A"]
    assert client.get(f"{API}/dashboards", headers=w.h("member_a1")).json() == {"units": []}


def test_drill_down_to_a_member(client, world):
    w = world
    aid = add_assignment(w, "A1", _in_this_month(1), [Rec("member_a1", "approved")])
    url = f"{API}/dashboards/units/{w.units['A']}/members/{w.users['member_a1']}"
    r = client.get(url, headers=w.h("committee_a"))
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["member"]["id"] == w.users["member_a1"]
    assert body["totals"]["approved"] == 1
    assert [x["assignment_id"] for x in body["records"]] == [aid]
    assert body["records"][0]["state_label"] == "Đã duyệt"
    assert body["records"][0]["cell"]["code"] == "A1"
    # The same number one step up.
    cell = _board(client, w, "committee_a", "A1")
    mine = next(m for m in cell["members"] if m["member"]["id"] == w.users["member_a1"])
    assert mine["totals"] == body["totals"]
    # A member of another commune is not under A; a member never drills.
    other = f"{API}/dashboards/units/{w.units['A']}/members/{w.users['member_b1']}"
    assert client.get(other, headers=w.h("committee_a")).status_code == 404
    assert client.get(url, headers=w.h("member_a1")).status_code == 403
    with new_session() as s:
        event = s.exec(
            select(AuditEvent).where(AuditEvent.action == "dashboard.member_viewed")
        ).one()
        assert event.actor_id == w.users["committee_a"]
        assert event.after["member_id"] == w.users["member_a1"]


def test_trends_are_twelve_months_with_the_current_last(client, world):
    w = world
    add_assignment(w, "A1", _in_this_month(0), [Rec("member_a1", "approved")])
    url = f"{API}/dashboards/units/{w.units['A']}/trends"
    body = client.get(url, headers=w.h("committee_a")).json()
    months = body["months"]
    assert len(months) == 12
    assert months[-1]["month"] == this_month().first.strftime("%Y-%m")
    assert months[-1]["label"] == f"Tháng {this_month().first.month}/{this_month().first.year}"
    assert months[-1]["totals"]["approved"] == 1
    assert sum(m["totals"]["assigned_records"] for m in months) == 1
    assert [m["month"] for m in months] == sorted(m["month"] for m in months)
    r = client.get(url, headers=w.h("committee_a"), params={"months": 25})
    assert r.status_code == 422
    assert client.get(url, headers=w.h("member_a1b")).status_code == 403
