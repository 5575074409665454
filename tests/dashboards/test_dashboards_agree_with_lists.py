"""The cell's dashboard agrees with the cell's own assignment list, record by record."""

from __future__ import annotations

import datetime as dt
from collections import Counter

from api.assignments import service, workflow
from api.assignments.schemas import ReturnBody, ReviewBody
from api.db import new_session, utcnow
from api.text import VN_TZ
from tests.assignments.factory import make_assignment, principal
from tests.dashboards.factory import Rec, add_assignment

API = "/api/v1"


def _given_through_the_services(w) -> None:
    """Tasks given, reported, approved, returned and cancelled the way the app does it."""
    a = make_assignment(
        w, assignees=("member_a1", "member_a1b", "deputy_a1"), submitted=("member_a1", "member_a1b")
    )
    b = make_assignment(
        w,
        assignees=("member_a1", "secretary_a1"),
        submitted=("member_a1",),
        due_in=dt.timedelta(days=9),
    )
    c = make_assignment(w, assignees=("member_a1b",), due_in=dt.timedelta(days=2))
    with new_session() as s:
        boss = principal(s, w, "secretary_a1")
        workflow.approve(s, boss, a, w.users["member_a1"], ReviewBody(note="Tốt"))
        workflow.return_report(
            s, boss, a, w.users["member_a1b"], ReturnBody(reason="Bổ sung số liệu")
        )
        workflow.approve(s, boss, b, w.users["member_a1"], None)
        service.cancel(s, boss, c, None)
        s.commit()
    # Past due times cannot be given through the service: written as rows.
    past = utcnow() - dt.timedelta(hours=5)
    add_assignment(
        w,
        "A1",
        past,
        [Rec("member_a1"), Rec("deputy_a1", "approved", submitted=past + dt.timedelta(hours=1))],
    )
    add_assignment(w, "A2", past, [Rec("member_a2")], by="committee_a")  # another cell


def _list_records(client, w) -> list[tuple[dict, dict]]:
    out, cursor = [], None
    while True:
        params = {"scope": "cell", "cell_id": w.units["A1"], "limit": 100}
        if cursor:
            params["cursor"] = cursor
        r = client.get(f"{API}/assignments", headers=w.h("secretary_a1"), params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        out += [(a, rec) for a in body["items"] for rec in a["records"]]
        cursor = body["next_cursor"]
        if cursor is None:
            return out


def test_cell_dashboard_equals_the_cell_list(client, world):
    w = world
    _given_through_the_services(w)
    today = dt.datetime.now(VN_TZ).date()
    period = {"from": str(today - dt.timedelta(days=1)), "to": str(today + dt.timedelta(days=10))}
    r = client.get(
        f"{API}/dashboards/units/{w.units['A1']}", headers=w.h("secretary_a1"), params=period
    )
    assert r.status_code == 200, r.text
    board = r.json()
    listed = _list_records(client, w)
    assert len(listed) == 8

    def summary(records: list[tuple[dict, dict]]) -> dict:
        states = Counter(rec["state"] for _, rec in records)
        return {
            "assigned_records": len(records),
            "approved": states["approved"],
            "approved_late": sum(rec["completed_late"] is True for _, rec in records),
            "approved_on_time": sum(rec["completed_late"] is False for _, rec in records),
            "overdue": sum(rec["overdue"] for _, rec in records),
            "cancelled": states["cancelled"],
            "open": sum(states[s] for s in ("assigned", "in_progress", "submitted", "returned")),
            "by_state": {s: states[s] for s in board["totals"]["by_state"]},
        }

    def pick(totals: dict) -> dict:
        return {k: totals[k] for k in summary([])}

    assert pick(board["totals"]) == summary(listed)
    assert board["totals"]["overdue"] == 1 and board["totals"]["by_state"]["returned"] == 1
    for row in board["members"]:
        mine = [(a, rec) for a, rec in listed if rec["user_id"] == row["member"]["id"]]
        assert pick(row["totals"]) == summary(mine), row["member"]
