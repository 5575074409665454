"""Outbox rows: one per event with the right audience; reminders once per record and due
time; a changed due time re-arms them."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update
from sqlmodel import col, select

from api.assignments import reminders
from api.assignments.models import Assignment
from api.db import new_session, utcnow
from api.notifications.models import NotificationEvent
from tests.assignments.factory import make_assignment

API = "/api/v1/assignments"


def _events(kind: str | None = None) -> list[NotificationEvent]:
    with new_session() as s:
        stmt = select(NotificationEvent).order_by(col(NotificationEvent.id))
        if kind:
            stmt = stmt.where(NotificationEvent.kind == kind)
        return list(s.exec(stmt))


def _run_reminders(now: dt.datetime | None = None) -> int:
    with new_session() as s:
        n = reminders.send_due_reminders(s, now)
        s.commit()
    return n


def _set_due(aid: int, due: dt.datetime) -> None:
    with new_session() as s:
        s.execute(update(Assignment).where(Assignment.id == aid).values(due_at=due))
        s.commit()


def test_given_returned_approved_commented(client, world):
    u = world.users
    r = client.post(
        API,
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Nộp thu hoạch",
            "due_at": (utcnow() + dt.timedelta(days=3)).isoformat(),
            "all_members": True,
        },
    )
    aid = r.json()["id"]
    [given] = _events("assignment.given")
    assert given.category == "assignments"
    assert given.title == "Nhiệm vụ mới: Nộp thu hoạch"
    assert given.url == f"/assignments/{aid}"
    assert given.object_type == "assignment" and given.object_id == aid
    # Everyone in the cell but the secretary who gave it.
    assert given.audience == {"user_ids": sorted([u["member_a1"], u["member_a1b"], u["deputy_a1"]])}
    assert given.exclude_user_id == u["secretary_a1"]

    me = world.h("member_a1")
    client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Xong"})
    lead = world.h("secretary_a1")
    client.post(
        f"{API}/{aid}/assignees/{u['member_a1']}/return", headers=lead, json={"reason": "Bổ sung"}
    )
    client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Đã bổ sung"})
    client.post(
        f"{API}/{aid}/assignees/{u['member_a1']}/return", headers=lead, json={"reason": "Lại"}
    )
    returned = _events("assignment.returned")
    assert len(returned) == 2  # each return is its own event
    assert all(e.audience == {"user_ids": [u["member_a1"]]} for e in returned)
    assert returned[0].body == "Bổ sung"
    client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Lần ba"})
    client.post(f"{API}/{aid}/assignees/{u['member_a1']}/approve", headers=world.h("deputy_a1"))
    [approved] = _events("assignment.approved")
    assert approved.audience == {"user_ids": [u["member_a1"]]}
    assert approved.title.startswith("Báo cáo đã được duyệt")

    # An assignee's comment goes to the cell's leaders; a leader's to that assignee.
    client.post(f"{API}/{aid}/comments", headers=me, json={"text": "Cảm ơn chi ủy"})
    client.post(
        f"{API}/{aid}/comments",
        headers=lead,
        json={"text": "Đồng chí làm tốt", "assignee_id": u["member_a1"]},
    )
    client.post(f"{API}/{aid}/comments", headers=lead, json={"text": "Cả chi bộ lưu ý"})
    to_leaders, to_one, to_all = _events("assignment.commented")
    assert to_leaders.audience == {"user_ids": sorted([u["secretary_a1"], u["deputy_a1"]])}
    assert to_one.audience == {"user_ids": [u["member_a1"]]}
    assert to_all.audience == {
        "user_ids": sorted([u["member_a1"], u["member_a1b"], u["deputy_a1"]])
    }
    assert len({e.dedupe_key for e in _events()}) == len(_events())


def test_replayed_request_enqueues_once(client, world):
    aid = make_assignment(world, submitted=("member_a1",))
    h = world.h("secretary_a1") | {"Idempotency-Key": "ret-1"}
    url = f"{API}/{aid}/assignees/{world.users['member_a1']}/return"
    for _ in range(3):
        assert client.post(url, headers=h, json={"reason": "Bổ sung"}).status_code == 200
    assert len(_events("assignment.returned")) == 1


def test_due_soon_and_overdue_once_per_record(client, world):
    aid = make_assignment(
        world, assignees=("member_a1", "member_a1b", "deputy_a1"), due_in=dt.timedelta(days=3)
    )
    client.post(f"{API}/{aid}/submit", headers=world.h("deputy_a1"), json={"report": "Xong"})
    assert _run_reminders() == 0  # three days ahead: nothing yet
    _set_due(aid, utcnow() + dt.timedelta(hours=20))
    assert _run_reminders() == 2  # the two who still owe work, not the one who reported
    soon = _events("assignment.due_soon")
    assert sorted(e.audience["user_ids"][0] for e in soon) == sorted(
        [world.users["member_a1"], world.users["member_a1b"]]
    )
    assert all(e.category == "reminders" and e.title.startswith("Sắp đến hạn") for e in soon)
    assert _run_reminders() == 0 and len(_events("assignment.due_soon")) == 2
    # Time passes beyond the due time: one overdue reminder each, once.
    later = utcnow() + dt.timedelta(hours=21)
    assert _run_reminders(later) == 2
    assert _run_reminders(later + dt.timedelta(hours=5)) == 0
    assert len(_events("assignment.overdue")) == 2
    # The reminders show in the records' history.
    hist = client.get(f"{API}/{aid}/history", headers=world.h("member_a1")).json()["items"]
    assert [e["data"]["reason"] for e in hist if e["kind"] == "reminder"] == ["due_soon", "overdue"]


def test_changed_due_time_rearms_reminders(client, world):
    aid = make_assignment(world, due_in=dt.timedelta(days=3))
    _set_due(aid, utcnow() + dt.timedelta(hours=10))
    assert _run_reminders() == 1
    assert _run_reminders() == 0
    # The leaders move the due time five days ahead, then it comes near again.
    r = client.patch(
        f"{API}/{aid}",
        headers=world.h("secretary_a1"),
        json={"due_at": (utcnow() + dt.timedelta(days=5)).isoformat()},
    )
    assert r.status_code == 200
    [changed] = _events("assignment.due_changed")
    assert changed.audience == {"user_ids": [world.users["member_a1"]]}
    assert _run_reminders() == 0
    _set_due(aid, utcnow() + dt.timedelta(hours=12))
    assert _run_reminders() == 1
    assert len(_events("assignment.due_soon")) == 2
    assert len({e.dedupe_key for e in _events("assignment.due_soon")}) == 2


def test_task_given_inside_the_window_gets_no_extra_due_soon(client, world):
    make_assignment(world, due_in=dt.timedelta(hours=6))
    assert _run_reminders() == 0
    assert len(_events("assignment.given")) == 1


def test_cancelled_and_finished_records_are_not_reminded(client, world):
    aid = make_assignment(world, assignees=("member_a1", "member_a1b"))
    client.delete(
        f"{API}/{aid}/assignees/{world.users['member_a1b']}", headers=world.h("secretary_a1")
    )
    removed = _events("assignment.cancelled")
    assert [e.audience for e in removed] == [{"user_ids": [world.users["member_a1b"]]}]
    other = make_assignment(world)
    client.post(f"{API}/{other}/cancel", headers=world.h("secretary_a1"))
    _set_due(aid, utcnow() - dt.timedelta(hours=1))
    _set_due(other, utcnow() - dt.timedelta(hours=1))
    assert _run_reminders() == 1
    [overdue] = _events("assignment.overdue")
    assert overdue.audience == {"user_ids": [world.users["member_a1"]]} and overdue.object_id == aid


def test_leaders_remind_the_late_at_most_hourly(client, world):
    aid = make_assignment(
        world, assignees=("member_a1", "member_a1b", "deputy_a1"), submitted=("member_a1b",)
    )
    lead = world.h("secretary_a1")
    r = client.post(f"{API}/{aid}/remind", headers=lead, json={"message": "Hạn là thứ Sáu"})
    assert r.status_code == 200
    assert r.json() == {
        "reminded": 2,
        "user_ids": sorted([world.users["member_a1"], world.users["deputy_a1"]]),
    }
    [ev] = _events("assignment.reminder")
    assert ev.category == "reminders" and ev.body == "Hạn là thứ Sáu"
    again = client.post(f"{API}/{aid}/remind", headers=lead)
    assert again.json() == {"reminded": 0, "user_ids": []}
    one = client.post(
        f"{API}/{aid}/remind", headers=lead, json={"user_ids": [world.users["member_a1"]]}
    )
    assert one.json()["reminded"] == 1
    bad = client.post(
        f"{API}/{aid}/remind", headers=lead, json={"user_ids": [world.users["member_a2"]]}
    )
    assert bad.status_code == 404 and bad.json()["errors"][0]["field"] == "user_ids.0"
