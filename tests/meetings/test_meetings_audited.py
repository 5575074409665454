"""Audited bugs: minutes saved again give nothing again; bad cursors and a missing cell_id."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from api.db import new_session, utcnow
from api.notifications.models import NotificationEvent
from api.pagination import encode_cursor
from tests.meetings.factory import make_held

API = "/api/v1/meetings"


def _given_to(user_id: int) -> int:
    with new_session() as s:
        events = s.exec(
            select(NotificationEvent).where(col(NotificationEvent.kind) == "assignment.given")
        ).all()
        return sum(user_id in (e.audience or {}).get("user_ids", []) for e in events)


def test_saving_the_minutes_again_gives_nothing_again(client, world):
    mid = make_held(world)
    lead = world.h("secretary_a1")
    u = world.users
    due = (utcnow() + dt.timedelta(days=7)).isoformat()
    items = [
        {"title": "Vệ sinh nhà văn hóa", "due_at": due, "assignee_ids": [u["member_a1"]]},
        {"title": "Báo cáo quý", "due_at": due, "assignee_ids": [u["member_a1"], u["member_a1b"]]},
    ]
    body = {"content": "Nội dung", "assignments": items}
    first = client.put(f"{API}/{mid}/minutes", headers=lead, json=body)
    assert first.status_code == 200, first.text
    ids = first.json()["minutes"]["assignment_ids"]
    assert len(ids) == 2
    # A typo fixed, the title's spacing and case changed: the same assignments.
    items[0]["title"] = "  vệ sinh   nhà văn hóa "
    body["content"] = "Nội dung (đã sửa)"
    again = client.put(f"{API}/{mid}/minutes", headers=lead, json=body)
    assert again.status_code == 200, again.text
    assert sorted(again.json()["minutes"]["assignment_ids"]) == sorted(ids)
    mine = client.get("/api/v1/assignments", headers=world.h("member_a1")).json()["items"]
    assert sorted(a["id"] for a in mine) == sorted(ids)
    assert _given_to(u["member_a1"]) == 2 and _given_to(u["member_a1b"]) == 1
    # One item added: exactly one more assignment.
    items.append({"title": "Thu đảng phí", "due_at": due, "assignee_ids": [u["member_a1b"]]})
    third = client.put(f"{API}/{mid}/minutes", headers=lead, json=body)
    assert third.status_code == 200, third.text
    now_ids = third.json()["minutes"]["assignment_ids"]
    assert len(now_ids) == 3 and set(ids) < set(now_ids)
    theirs = client.get("/api/v1/assignments", headers=world.h("member_a1b")).json()["items"]
    assert len(theirs) == 2
    assert _given_to(u["member_a1"]) == 2 and _given_to(u["member_a1b"]) == 2


def test_a_malformed_meetings_cursor_is_a_422(client, world):
    me = world.h("member_a1")
    for upcoming in (False, True):
        for last in ("x", None, 1.5):
            cursor = encode_cursor(["2026-01-01T00:00:00+00:00", last])
            r = client.get(API, headers=me, params={"cursor": cursor, "upcoming": upcoming})
            assert r.status_code == 422, (upcoming, last, r.text)
            assert r.headers["content-type"].startswith("application/problem+json")
            assert [e["code"] for e in r.json()["errors"]] == ["field.bad_cursor"]
        good = encode_cursor(["2026-01-01T00:00:00+00:00", "7"])
        assert (
            client.get(API, headers=me, params={"cursor": good, "upcoming": upcoming}).status_code
            == 200
        )


def test_the_cell_scope_needs_a_cell_id(client, world):
    r = client.get(API, headers=world.h("secretary_a1"), params={"scope": "cell"})
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert [(e["field"], e["code"]) for e in r.json()["errors"]] == [("cell_id", "field.missing")]
    ok = client.get(
        API, headers=world.h("secretary_a1"), params={"scope": "cell", "cell_id": world.units["A1"]}
    )
    assert ok.status_code == 200
