"""Lists: a member's own records (by state, overdue) and a cell's, paged by cursor."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import update

from api.assignments.models import Assignment
from api.db import new_session, utcnow
from tests.assignments.factory import make_assignment

API = "/api/v1/assignments"


def _ids(r):
    assert r.status_code == 200, r.text
    return [a["id"] for a in r.json()["items"]]


def test_mine_shows_only_my_own_record(client, world):
    aid = make_assignment(world, assignees=("member_a1", "member_a1b"))
    items = client.get(API, headers=world.h("member_a1")).json()["items"]
    assert [a["id"] for a in items] == [aid]
    assert [rec["user_id"] for rec in items[0]["records"]] == [world.users["member_a1"]]
    # A leader's own list holds only tasks given to them.
    assert client.get(API, headers=world.h("secretary_a1")).json()["items"] == []
    assert client.get(API, headers=world.h("member_b1")).json()["items"] == []


def test_mine_by_state_open_and_overdue(client, world):
    due_later = make_assignment(world, due_in=dt.timedelta(days=9))
    done = make_assignment(world, due_in=dt.timedelta(days=5), submitted=("member_a1",))
    late = make_assignment(world, due_in=dt.timedelta(days=2))
    with new_session() as s:
        s.execute(
            update(Assignment)
            .where(Assignment.id == late)
            .values(due_at=utcnow() - dt.timedelta(days=1))
        )
        s.commit()
    me = world.h("member_a1")
    assert _ids(client.get(API, headers=me)) == [due_later, done, late]  # latest due first
    assert _ids(client.get(API, params={"state": "submitted"}, headers=me)) == [done]
    assert _ids(client.get(API, params={"state": ["assigned", "submitted"]}, headers=me)) == [
        due_later,
        done,
        late,
    ]
    assert _ids(client.get(API, params={"overdue": "true"}, headers=me)) == [late]
    assert _ids(client.get(API, params={"overdue": "false"}, headers=me)) == [due_later, done]
    client.post(
        f"{API}/{done}/assignees/{world.users['member_a1']}/approve", headers=world.h("deputy_a1")
    )
    assert _ids(client.get(API, params={"open": "true"}, headers=me)) == [due_later, late]
    assert client.get(API, params={"state": "late"}, headers=me).status_code == 422


def test_cursor_pages_without_gaps_or_repeats(client, world):
    made = [make_assignment(world, due_in=dt.timedelta(days=d)) for d in (3, 1, 2, 2, 5)]
    me = world.h("member_a1")
    seen: list[int] = []
    cursor = None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        page = client.get(API, params=params, headers=me).json()
        seen += [a["id"] for a in page["items"]]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert sorted(seen) == sorted(made) and len(seen) == len(made)
    assert client.get(API, params={"cursor": "bm90LWEtY3Vyc29y"}, headers=me).status_code == 422


def test_cell_scope_for_leaders_and_committee_with_every_record(client, world):
    aid = make_assignment(world, assignees=("member_a1", "member_a1b"), submitted=("member_a1",))
    other_cell = make_assignment(world, by="secretary_b1", cell="B1", assignees=("member_b1",))
    params = {"scope": "cell", "cell_id": world.units["A1"]}
    for who in ("secretary_a1", "deputy_a1", "committee_a"):
        items = client.get(API, params=params, headers=world.h(who)).json()["items"]
        assert [a["id"] for a in items] == [aid]
        assert sorted(rec["state"] for rec in items[0]["records"]) == ["assigned", "submitted"]
        assert items[0]["counts"]["submitted"] == 1 and items[0]["counts"]["total"] == 2
    assert client.get(API, params=params, headers=world.h("member_a1")).status_code == 403
    assert client.get(API, params=params, headers=world.h("committee_b")).status_code == 404
    b = {"scope": "cell", "cell_id": world.units["B1"]}
    assert _ids(client.get(API, params=b, headers=world.h("committee_b"))) == [other_cell]
    # Filters match assignments having any record in that state.
    sub = params | {"state": "submitted"}
    assert _ids(client.get(API, params=sub, headers=world.h("secretary_a1"))) == [aid]
    done = params | {"state": "approved"}
    assert _ids(client.get(API, params=done, headers=world.h("secretary_a1"))) == []
    missing = client.get(API, params={"scope": "cell"}, headers=world.h("secretary_a1"))
    assert missing.status_code == 422


def test_leader_sees_every_record_assignee_only_their_own(client, world):
    aid = make_assignment(world, assignees=("member_a1", "member_a1b"))
    lead = client.get(f"{API}/{aid}", headers=world.h("committee_a")).json()
    assert len(lead["records"]) == 2
    mine = client.get(f"{API}/{aid}", headers=world.h("member_a1b")).json()
    assert [r["user_id"] for r in mine["records"]] == [world.users["member_a1b"]]
    assert mine["counts"]["total"] == 1
    # Another assignee's history is not theirs to read.
    r = client.get(
        f"{API}/{aid}/history",
        params={"user_id": world.users["member_a1"]},
        headers=world.h("member_a1b"),
    )
    assert r.status_code == 404
