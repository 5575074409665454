"""Regular assignments: each period's assignment given by itself, once per period."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from api.assignments import recurrence
from api.assignments.models import Assignment, AssignmentSeries
from api.db import new_session, utcnow
from api.text import VN_TZ

API = "/api/v1/assignments"


def _series(**kw) -> AssignmentSeries:
    base = {
        "cell_id": 1,
        "title": "t",
        "frequency": "monthly",
        "anchor_due_at": dt.datetime(2026, 1, 31, 17, 0, tzinfo=VN_TZ).astimezone(dt.UTC),
        "created_by": 1,
    }
    return AssignmentSeries(**(base | kw))


def test_period_arithmetic_in_vietnam_time():
    s = _series()
    dues = [recurrence.period_due(s, k).astimezone(VN_TZ) for k in range(4)]
    # Day 31 clamps to the month's end, and comes back where the month has it.
    assert [(d.month, d.day, d.hour) for d in dues] == [
        (1, 31, 17),
        (2, 28, 17),
        (3, 31, 17),
        (4, 30, 17),
    ]
    assert [recurrence.period_key("monthly", d) for d in dues] == [
        "2026-01",
        "2026-02",
        "2026-03",
        "2026-04",
    ]
    q = _series(frequency="quarterly")
    assert recurrence.period_key("quarterly", recurrence.period_due(q, 1)) == "2026-Q2"
    w = _series(frequency="weekly", anchor_due_at=dt.datetime(2026, 11, 27, 1, 0, tzinfo=dt.UTC))
    assert recurrence.period_due(w, 2) - recurrence.period_due(w, 0) == dt.timedelta(weeks=2)
    assert recurrence.period_key("weekly", recurrence.period_due(w, 0)) == "2026-W48"
    assert recurrence.period_label("2026-Q4") == "Quý IV/2026"
    assert recurrence.period_label("2026-11") == "Tháng 11/2026"
    assert recurrence.period_label("2026-W48") == "Tuần 48/2026"
    now = dt.datetime(2026, 3, 5, tzinfo=dt.UTC)
    k, due = recurrence.next_period(s, now)
    assert k == 2 and due.astimezone(VN_TZ).date() == dt.date(2026, 3, 31)
    assert recurrence.next_period(_series(until=dt.date(2026, 2, 28)), now) is None


def _create_regular(client, world, frequency="monthly", **extra):
    due = (utcnow() + dt.timedelta(days=3)).astimezone(VN_TZ).replace(second=0, microsecond=0)
    r = client.post(
        API,
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Nắm tình hình dư luận xã hội, báo cáo chi ủy",
            "due_at": due.isoformat(),
            "all_members": True,
            "recurrence": {"frequency": frequency, "lead_days": 5} | extra,
        },
    )
    assert r.status_code == 201, r.text
    return r.json(), due


def _run(now: dt.datetime) -> int:
    with new_session() as s:
        n = recurrence.run_schedules(s, now)
        s.commit()
    return n


def _periods(series_id: int) -> list[Assignment]:
    with new_session() as s:
        return list(
            s.exec(
                select(Assignment)
                .where(Assignment.series_id == series_id)
                .order_by(col(Assignment.due_at))
            )
        )


def test_monthly_series_gives_each_period_once(client, world):
    first, due = _create_regular(client, world)
    sid = first["series_id"]
    assert first["kind"] == "regular" and first["period_key"] == f"{due.year}-{due.month:02d}"
    assert first["period_label"].startswith("Tháng ")
    assert _run(utcnow()) == 0  # next period is a month away
    # Five days before next month's due time the job gives it, with every cell member.
    next_due = recurrence.period_due(_get_series(sid), 1)
    at = next_due - dt.timedelta(days=5) + dt.timedelta(minutes=1)
    assert _run(at) == 1
    assert _run(at) == 0 and _run(at + dt.timedelta(hours=2)) == 0
    periods = _periods(sid)
    assert len(periods) == 2 and periods[1].due_at == next_due
    mine = client.get(API, headers=world.h("member_a1b")).json()["items"]
    assert len(mine) == 2 and mine[0]["due_at_local"].endswith(due.strftime("%H:%M"))
    listed = client.get(
        "/api/v1/assignment-series",
        params={"cell_id": world.units["A1"]},
        headers=world.h("committee_a"),
    ).json()
    assert [s["id"] for s in listed] == [sid] and listed[0]["active"] is True


def test_a_missed_period_is_skipped_not_given_overdue(client, world):
    first, _ = _create_regular(client, world, frequency="weekly")
    sid = first["series_id"]
    s = _get_series(sid)
    far = recurrence.period_due(s, 3) - dt.timedelta(days=1)  # weeks 1 and 2 passed unseen
    assert _run(far) == 1
    assert [p.period_key for p in _periods(sid)][1:] == [
        recurrence.period_key("weekly", recurrence.period_due(s, 3))
    ]


def test_stopped_or_ended_series_gives_nothing(client, world):
    first, due = _create_regular(client, world)
    sid = first["series_id"]
    r = client.post(f"/api/v1/assignment-series/{sid}/stop", headers=world.h("deputy_a1"))
    assert r.status_code == 200 and r.json()["active"] is False and r.json()["next_due_at"] is None
    assert _run(utcnow() + dt.timedelta(days=40)) == 0
    ended, due2 = _create_regular(
        client, world, until=(due + dt.timedelta(days=3)).date().isoformat()
    )
    assert _run(utcnow() + dt.timedelta(days=40)) == 0
    assert _get_series(ended["series_id"]).active is False


def test_recurrence_validation(client, world):
    base = {
        "cell_id": world.units["A1"],
        "title": "Đóng đảng phí",
        "due_at": (utcnow() + dt.timedelta(days=3)).isoformat(),
        "all_members": True,
    }
    h = world.h("secretary_a1")
    for rec, field in [
        ({"frequency": "daily"}, "recurrence.frequency"),
        ({"frequency": "weekly", "lead_days": 7}, "recurrence.lead_days"),
        ({"frequency": "monthly", "until": "2020-01-01"}, "recurrence.until"),
    ]:
        r = client.post(API, headers=h, json=base | {"recurrence": rec})
        assert r.status_code == 422, r.text
        assert r.json()["errors"][0]["field"] == field


def _get_series(sid: int) -> AssignmentSeries:
    with new_session() as s:
        series = s.get(AssignmentSeries, sid)
        assert series is not None
        return series
