"""The roll-ups the dashboards read stay equal to a recount: through every write the app
makes, after a rebuild, and under concurrent writers."""

from __future__ import annotations

import datetime as dt
import random
import threading

from sqlalchemy.exc import DBAPIError
from sqlmodel import select

from api.assignments.models import Assignment, AssignmentRecord
from api.dashboards import tallies
from api.db import get_engine, new_session, utcnow
from api.documents.models import DocumentReceipt
from api.members.models import User
from tests.dashboards.factory import Rec, add_assignment
from tests.documents.factory import make_document

API = "/api/v1"


def _exact() -> None:
    with new_session() as s:
        assert tallies.drift(s) == []


def _ok(r) -> dict:
    assert r.status_code < 300, r.text
    return r.json() if r.content else {}


def test_every_app_write_keeps_the_tallies_exact(client, world):
    w = world
    due = (utcnow() + dt.timedelta(days=4)).isoformat()
    body = {"cell_id": w.units["A1"], "title": "Nộp thu hoạch", "due_at": due, "all_members": True}
    aid = _ok(client.post(f"{API}/assignments", headers=w.h("secretary_a1"), json=body))["id"]
    url = f"{API}/assignments/{aid}"
    _ok(client.post(f"{url}/start", headers=w.h("member_a1")))
    _ok(client.post(f"{url}/submit", headers=w.h("member_a1"), json={"report": "Xong."}))
    _ok(client.post(f"{url}/submit", headers=w.h("member_a1b"), json={"report": "Xong."}))
    _exact()
    leader = w.h("secretary_a1")
    _ok(client.post(f"{url}/assignees/{w.users['member_a1']}/approve", headers=leader, json={}))
    _ok(client.post(f"{url}/assignees/{w.users['member_a1b']}/return", headers=leader,
                    json={"reason": "Bổ sung"}))  # fmt: skip
    _exact()
    # A due time before the report makes the approval late: the tally recounts it.
    early = (utcnow() + dt.timedelta(minutes=30)).isoformat()
    _ok(client.patch(url, headers=leader, json={"due_at": early}))
    _ok(client.delete(f"{url}/assignees/{w.users['deputy_a1']}", headers=leader))
    _exact()
    other = _ok(client.post(f"{API}/assignments", headers=leader, json=body))["id"]
    _ok(client.post(f"{API}/assignments/{other}/cancel", headers=leader, json={}))
    _exact()

    doc = make_document(w)
    _ok(client.post(f"{API}/documents/{doc}/read", headers=w.h("member_a1b")))
    _ok(client.post(f"{API}/documents/{doc}/acknowledge", headers=w.h("member_a1"), json={}))
    _ok(client.post(f"{API}/documents/{doc}/acknowledge", headers=w.h("member_a2"), json={}))
    _exact()
    # Members move and leave: their receipts follow them.
    admin = w.h("admin_a")
    member = f"{API}/members/{w.users['member_a1']}"
    _ok(client.patch(member, headers=admin, json={"cell_id": w.units["A2"]}))
    _ok(
        client.patch(
            f"{API}/members/{w.users['member_a2']}", headers=admin, json={"is_active": False}
        )
    )
    _exact()
    study = _ok(
        client.get(f"{API}/dashboards/units/{w.units['A']}/documents", headers=w.h("committee_a"))
    )
    kids = {c["unit"]["code"]: c["totals"] for c in study["items"][0]["children"]}
    assert (kids["A1"]["audience"], kids["A1"]["acknowledged"], kids["A1"]["read"]) == (3, 0, 1)
    assert (kids["A2"]["audience"], kids["A2"]["acknowledged"]) == (4, 1)
    _ok(client.patch(f"{API}/documents/{doc}", headers=w.h("publisher_a"),
                     json={"summary": "Sửa đổi, bổ sung.", "substantive": True}))  # fmt: skip
    _ok(client.post(f"{API}/documents/{doc}/acknowledge", headers=w.h("member_a1b"), json={}))
    _exact()


def test_rebuild_gives_the_same_numbers(client, world):
    w = world
    add_assignment(w, "A1", utcnow() + dt.timedelta(hours=3), [Rec("member_a1", "approved")])
    add_assignment(w, "A2", utcnow() - dt.timedelta(hours=3), [Rec("member_a2")])
    url = f"{API}/dashboards/units/{w.units['A']}"
    before = _ok(client.get(url, headers=w.h("committee_a")))
    with new_session() as s:
        tallies.rebuild(s)
        s.commit()
    _exact()
    after = _ok(client.get(url, headers=w.h("committee_a")))
    assert after["totals"] == before["totals"] and after["children"] == before["children"]


def _writer(w, seed: int, rounds: int, start: threading.Barrier, doc: int, aid: int) -> int:
    """Random writes to the same few rows, each in its own transaction; returns commits."""
    rng = random.Random(seed)
    people = [w.users[n] for n in ("member_a1", "member_a1b", "secretary_a1", "deputy_a1")]
    cells = [w.units["A1"], w.units["A2"]]
    done = 0
    start.wait()
    for _ in range(rounds):
        try:
            with new_session() as s:
                _one_write(s, rng, people, cells, doc, aid)
                s.commit()
                done += 1
        except DBAPIError:
            pass  # a deadlock victim or a lock timeout: rolled back, nothing to count
    return done


def _one_write(s, rng: random.Random, people, cells, doc: int, aid: int) -> None:
    op, who = rng.randrange(5), rng.choice(people)
    now = utcnow()
    if op == 0:
        record = s.exec(select(AssignmentRecord).where(AssignmentRecord.assignee_id == who)).first()
        record.state = rng.choice(["assigned", "submitted", "approved", "returned", "cancelled"])
        record.submitted_at = now + dt.timedelta(minutes=rng.randint(-90, 90))
        s.add(record)
    elif op == 1:
        a = s.get(Assignment, aid)
        a.due_at = now + dt.timedelta(minutes=rng.randint(-60, 60))
        s.add(a)
    elif op == 2:
        user = s.get(User, who)
        user.cell_id = rng.choice(cells)
        s.add(user)
    elif op == 3:
        user = s.get(User, who)
        user.is_active = rng.random() < 0.7
        s.add(user)
    else:
        receipt = s.exec(
            select(DocumentReceipt).where(
                DocumentReceipt.document_id == doc, DocumentReceipt.user_id == who
            )
        ).first() or DocumentReceipt(document_id=doc, user_id=who, version=1)
        receipt.first_opened_at = now if rng.random() < 0.8 else None
        receipt.acknowledged_at = now if rng.random() < 0.5 else None
        s.add(receipt)


def test_concurrent_writers_keep_the_tallies_exact(client, world):
    w = world
    doc = make_document(w)
    people = [Rec(n) for n in ("member_a1", "member_a1b", "secretary_a1", "deputy_a1")]
    aid = add_assignment(w, "A1", utcnow(), people)
    threads = 6 if get_engine().dialect.name == "postgresql" else 3
    rounds = 40 if get_engine().dialect.name == "postgresql" else 15
    start = threading.Barrier(threads)
    results: list[int] = []
    workers = [
        threading.Thread(target=lambda i=i: results.append(_writer(w, i, rounds, start, doc, aid)))
        for i in range(threads)
    ]
    for t in workers:
        t.start()
    for t in workers:
        t.join(timeout=120)
    assert sum(results) > threads * rounds // 2  # most writes went through
    _exact()
