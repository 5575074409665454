"""The record's state machine: legal moves, 409 with the current state, derived overdue."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from api.assignments.models import Assignment, AssignmentRecord
from api.db import new_session, utcnow
from tests.assignments.factory import make_assignment

API = "/api/v1/assignments"


def _move_due(aid: int, delta: dt.timedelta) -> None:
    """Shift an assignment's due time (as if time had passed)."""
    with new_session() as s:
        s.execute(update(Assignment).where(Assignment.id == aid).values(due_at=utcnow() + delta))
        s.commit()


def _record(client, world, aid, who="member_a1"):
    return client.get(f"{API}/{aid}", headers=world.h(who)).json()["records"][0]


def test_illegal_moves_answer_409_with_the_current_state(client, world):
    aid = make_assignment(world)
    me, lead = world.h("member_a1"), world.h("secretary_a1")
    uid = world.users["member_a1"]
    r = client.post(f"{API}/{aid}/assignees/{uid}/approve", headers=lead)
    assert r.status_code == 409
    body = r.json()
    assert r.headers["content-type"].startswith("application/problem+json")
    assert body["type"] == "/problems/assignment-state"
    assert body["current_state"] == "assigned"
    assert body["current_state_label"] == "Đã giao"
    assert body["title"] == "Không thực hiện được với trạng thái hiện tại"
    assert client.post(f"{API}/{aid}/start", headers=me).status_code == 200
    r = client.post(f"{API}/{aid}/start", headers=me)
    assert r.status_code == 409 and r.json()["current_state"] == "in_progress"
    r = client.post(f"{API}/{aid}/assignees/{uid}/return", headers=lead, json={"reason": "Thiếu"})
    assert r.status_code == 409 and r.json()["current_state"] == "in_progress"
    assert (
        client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Xong"}).status_code == 200
    )
    r = client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Lần nữa"})
    assert r.status_code == 409 and r.json()["current_state"] == "submitted"
    assert client.post(f"{API}/{aid}/assignees/{uid}/approve", headers=lead).status_code == 200
    for path, body in [
        ("start", None),
        ("submit", {"report": "Sửa"}),
        (f"assignees/{uid}/approve", None),
        (f"assignees/{uid}/return", {"reason": "Sửa"}),
    ]:
        who = lead if "assignees" in path else me
        r = client.post(f"{API}/{aid}/{path}", headers=who, json=body)
        assert r.status_code == 409 and r.json()["current_state"] == "approved", path
    r = client.delete(f"{API}/{aid}/assignees/{uid}", headers=lead)
    assert r.status_code == 409 and r.json()["current_state"] == "approved"


def test_submit_straight_from_assigned_and_return_then_restart(client, world):
    aid = make_assignment(world)
    me, lead = world.h("member_a1"), world.h("secretary_a1")
    uid = world.users["member_a1"]
    assert (
        client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Đã làm"}).status_code == 200
    )
    r = client.post(f"{API}/{aid}/assignees/{uid}/return", headers=lead, json={"reason": "Ghi rõ"})
    assert r.json()["records"][0]["state"] == "returned"
    assert _record(client, world, aid)["return_reason"] == "Ghi rõ"
    assert client.post(f"{API}/{aid}/start", headers=me).status_code == 200
    rec = _record(client, world, aid)
    assert rec["state"] == "in_progress" and rec["return_reason"] == "Ghi rõ"
    client.post(f"{API}/{aid}/submit", headers=me, json={"report": "Đã ghi rõ"})
    rec = _record(client, world, aid)
    assert rec["state"] == "submitted" and rec["return_reason"] is None
    assert rec["report"] == "Đã ghi rõ"


def test_a_report_needs_text_or_a_file(client, world):
    aid = make_assignment(world)
    r = client.post(f"{API}/{aid}/submit", headers=world.h("member_a1"), json={"report": "   "})
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "assignment.field.report_required"
    r = client.post(
        f"{API}/{aid}/assignees/{world.users['member_a1']}/return",
        headers=world.h("secretary_a1"),
        json={"reason": "  "},
    )
    assert r.status_code == 422, r.text
    assert r.json()["errors"][0]["field"] == "reason"


def test_overdue_is_derived_at_read_time(client, world):
    aid = make_assignment(world, assignees=("member_a1", "member_a1b"), submitted=("member_a1b",))
    lead = world.h("secretary_a1")
    recs = client.get(f"{API}/{aid}", headers=lead).json()["records"]
    assert not any(r["overdue"] for r in recs)
    with new_session() as s:  # the report came two hours ago, the due time one hour ago
        s.execute(
            update(AssignmentRecord)
            .where(AssignmentRecord.assignee_id == world.users["member_a1b"])
            .values(submitted_at=utcnow() - dt.timedelta(hours=2))
        )
        s.commit()
    _move_due(aid, -dt.timedelta(hours=1))
    a = client.get(f"{API}/{aid}", headers=lead).json()
    # Due passed and not approved: overdue, even when submitted and waiting for review.
    assert [r["overdue"] for r in a["records"]] == [True, True]
    assert a["counts"]["overdue"] == 2
    client.post(f"{API}/{aid}/assignees/{world.users['member_a1b']}/approve", headers=lead)
    recs = {r["user_id"]: r for r in client.get(f"{API}/{aid}", headers=lead).json()["records"]}
    done = recs[world.users["member_a1b"]]
    assert done["overdue"] is False
    assert done["completed_late"] is False  # reported before the due time
    assert recs[world.users["member_a1"]]["overdue"] is True
    # Leaders move the due time: overdue is recomputed at once.
    r = client.patch(
        f"{API}/{aid}", headers=lead, json={"due_at": (utcnow() + dt.timedelta(days=2)).isoformat()}
    )
    assert r.status_code == 200
    assert [rec["overdue"] for rec in r.json()["records"]] == [False, False]
    with new_session() as s:
        assert not hasattr(s.get(AssignmentRecord, 1), "overdue")  # never stored


def test_late_report_is_completed_late(client, world):
    aid = make_assignment(world)
    _move_due(aid, -dt.timedelta(minutes=5))
    client.post(f"{API}/{aid}/submit", headers=world.h("member_a1"), json={"report": "Muộn"})
    uid = world.users["member_a1"]
    r = client.post(f"{API}/{aid}/assignees/{uid}/approve", headers=world.h("secretary_a1"))
    rec = r.json()["records"][0]
    assert rec["state"] == "approved" and rec["overdue"] is False
    assert rec["completed_late"] is True
    assert rec["approved_at"] and rec["submitted_at"].endswith("+07:00")


def test_cancel_closes_open_records_and_keeps_finished_ones(client, world):
    aid = make_assignment(
        world, assignees=("member_a1", "member_a1b", "deputy_a1"), submitted=("member_a1b",)
    )
    lead = world.h("secretary_a1")
    client.post(f"{API}/{aid}/assignees/{world.users['member_a1b']}/approve", headers=lead)
    r = client.post(f"{API}/{aid}/cancel", headers=lead, json={"reason": "Trùng kế hoạch của xã"})
    assert r.status_code == 200
    a = r.json()
    assert a["status"] == "cancelled" and a["cancelled_at"]
    states = {rec["user_id"]: rec["state"] for rec in a["records"]}
    assert states[world.users["member_a1b"]] == "approved"
    assert states[world.users["member_a1"]] == states[world.users["deputy_a1"]] == "cancelled"
    r = client.post(f"{API}/{aid}/cancel", headers=lead)
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"
    r = client.post(f"{API}/{aid}/start", headers=world.h("member_a1"))
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"
    assert client.patch(f"{API}/{aid}", headers=lead, json={"title": "Mới"}).status_code == 409
    hist = client.get(f"{API}/{aid}/history", headers=world.h("member_a1")).json()["items"]
    assert [e["kind"] for e in hist] == ["created", "cancelled", "cancelled"]
    assert hist[-1]["note"] == "Trùng kế hoạch của xã"
