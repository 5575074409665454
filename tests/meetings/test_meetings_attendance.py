"""Check-in and attendance: late arrival, windows, guessing, offline replays of marks."""

from __future__ import annotations

import datetime as dt
import time

from sqlmodel import select

from api.audit.models import AuditEvent
from api.db import new_session, utcnow
from api.meetings import checkin
from tests.meetings.factory import make_meeting, set_start

API = "/api/v1/meetings"


def _code(client, world, mid: int) -> dict:
    r = client.post(f"{API}/{mid}/check-in-code", headers=world.h("secretary_a1"))
    assert r.status_code == 200, r.text
    return r.json()


def _clear_of_window_edge(margin: float = 8.0) -> None:
    """Wait out the last seconds of a rotation window, so that a slow request (a busy CI machine
    has taken 0.4 s) cannot cross into the next window between computing a code and sending it."""
    left = checkin.ROTATE_SECONDS - time.time() % checkin.ROTATE_SECONDS
    if left < margin:
        time.sleep(left + 0.05)


def test_late_arrival_is_recorded(client, world):
    mid = make_meeting(world, starts_in=dt.timedelta(days=1))
    set_start(mid, utcnow() - dt.timedelta(minutes=40))
    code = _code(client, world, mid)["code"]
    r = client.post(f"{API}/{mid}/check-in", headers=world.h("member_a1"), json={"code": code})
    assert r.status_code == 200, r.text
    assert r.json()["me"]["late"] is True and r.json()["me"]["present"] is True
    counts = client.get(f"{API}/{mid}", headers=world.h("secretary_a1")).json()["counts"]
    assert counts["present"] == 1 and counts["late"] == 1


def test_check_in_only_in_its_window(client, world):
    mid = make_meeting(world, starts_in=dt.timedelta(days=3))
    r = client.post(f"{API}/{mid}/check-in-code", headers=world.h("secretary_a1"))
    assert r.status_code == 409 and r.json()["type"] == "/problems/meeting-check-in-closed"
    # Long after the meeting: even this meeting's genuine code of that time is refused.
    set_start(mid, utcnow() - dt.timedelta(hours=6))
    then = utcnow() - dt.timedelta(hours=5)
    old = checkin.code_for(mid, world.units["A1"], checkin.window_of(then))
    r = client.post(f"{API}/{mid}/check-in", headers=world.h("member_a1"), json={"code": old})
    assert r.status_code == 409


def test_the_previous_code_is_still_accepted_but_not_older(client, world):
    mid = make_meeting(world, starts_in=dt.timedelta(days=1))
    set_start(mid, utcnow())
    _clear_of_window_edge()
    cell, now = world.units["A1"], utcnow()
    previous = checkin.code_for(mid, cell, checkin.window_of(now) - 1)
    r = client.post(f"{API}/{mid}/check-in", headers=world.h("member_a1"), json={"code": previous})
    assert r.status_code == 200, r.text
    older = checkin.code_for(mid, cell, checkin.window_of(now) - 2)
    r = client.post(f"{API}/{mid}/check-in", headers=world.h("member_a1b"), json={"code": older})
    assert r.status_code == 422


def test_guessing_is_bounded(client, world):
    mid = make_meeting(world, starts_in=dt.timedelta(days=1))
    set_start(mid, utcnow())
    me = world.h("member_a1")
    real = _code(client, world, mid)["code"]
    wrong = [f"{(int(real) + k) % 1_000_000:06d}" for k in range(1, checkin.MAX_FAILURES + 1)]
    for guess in wrong:
        assert (
            client.post(f"{API}/{mid}/check-in", headers=me, json={"code": guess}).status_code
            == 422
        )
    r = client.post(f"{API}/{mid}/check-in", headers=me, json={"code": real})
    assert r.status_code == 403 and r.json()["type"] == "/problems/meeting-check-in-locked"
    # The secretary can still mark the member present.
    r = client.post(
        f"{API}/{mid}/attendance", headers=world.h("secretary_a1"),
        json={"user_id": world.users["member_a1"], "present": True},
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["present"] is True


def test_offline_marks_replayed_with_idempotency_keys_apply_once(client, world):
    mid = make_meeting(world, starts_in=dt.timedelta(days=1))
    set_start(mid, utcnow() - dt.timedelta(minutes=1))
    lead, u = world.h("secretary_a1"), world.users
    queue = [
        ("k-1", {"user_id": u["member_a1"], "present": True}),
        ("k-2", {"user_id": u["member_a1b"], "present": True, "late": True}),
        ("k-3", {"user_id": u["deputy_a1"], "present": False}),
    ]
    for _ in range(2):  # the phone replays its whole queue twice (lost answers)
        for key, body in queue:
            r = client.post(
                f"{API}/{mid}/attendance", headers=lead | {"Idempotency-Key": key}, json=body
            )
            assert r.status_code == 200, r.text
    detail = client.get(f"{API}/{mid}", headers=lead).json()
    assert detail["state"] == "held"
    by_id = {a["user_id"]: a for a in detail["attendees"]}
    assert by_id[u["member_a1"]]["present"] is True
    assert by_id[u["member_a1b"]]["late"] is True
    assert by_id[u["deputy_a1"]]["present"] is False
    assert detail["counts"]["present"] == 2 and detail["counts"]["absent_unexcused"] == 2
    with new_session() as s:
        marks = s.exec(
            select(AuditEvent).where(AuditEvent.action == "meeting.mark_attendance")
        ).all()
    assert len(marks) == 3  # the replays were answered from the record, not applied again


def test_excused_needs_a_reason_and_outsiders_cannot_mark(client, world):
    mid = make_meeting(world)
    r = client.post(f"{API}/{mid}/reply", headers=world.h("member_a1"), json={"answer": "excused"})
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "reason"
    set_start(mid, utcnow())
    r = client.post(
        f"{API}/{mid}/attendance", headers=world.h("secretary_a1"),
        json={"user_id": world.users["member_b1"], "present": True},
    )  # fmt: skip
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "user_id"


def test_a_members_export_has_their_replies_and_erasure_drops_reasons(client, world):
    mid = make_meeting(world)
    me = world.h("member_a1")
    client.post(f"{API}/{mid}/reply", headers=me, json={"answer": "excused", "reason": "Ốm"})
    export = client.get("/api/v1/me/export", headers=me).json()
    [row] = export["meetings"]
    assert row["meeting_id"] == mid and row["reply_reason"] == "Ốm"
    r = client.post(f"/api/v1/members/{world.users['member_a1']}/erase", headers=world.h("admin_a"))
    assert r.status_code in (200, 204), r.text
    detail = client.get(f"{API}/{mid}", headers=world.h("secretary_a1")).json()
    [a] = [x for x in detail["attendees"] if x["user_id"] == world.users["member_a1"]]
    assert a["reply"] == "excused" and a["reply_reason"] is None
