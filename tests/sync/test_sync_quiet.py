"""The "anything new?" answer: one quick statement when nothing changed, and never a miss.

Every row the feed watches is first aged by an hour, so a cursor from now is quiet; then
each kind of change a device must learn of is made, alone, and must come back in the delta.
"""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import text

from api.db import new_session, utcnow
from api.pagination import encode_cursor
from tests.sync.test_sync import _give_task, _publish

WATCHED = {
    "documents": ["updated_at"],
    "document_receipts": ["last_opened_at", "acknowledged_at"],
    "document_marks": ["bookmarked_at", "note_updated_at"],
    "assignments": ["updated_at"],
    "assignment_records": ["updated_at"],
    "notifications": ["created_at", "read_at"],
    "users": ["updated_at"],
}


def _age_everything() -> None:
    old = utcnow() - dt.timedelta(hours=1)
    with new_session() as s:
        for table, columns in WATCHED.items():
            for c in columns:
                sql = f"UPDATE {table} SET {c} = :old WHERE {c} IS NOT NULL"  # noqa: S608
                s.execute(text(sql), {"old": old})
        s.commit()


def _cursor(at: dt.datetime) -> str:
    return encode_cursor([at.isoformat()])


@pytest.fixture
def quiet(client, world):
    """(document id, assignment id, cursor of now) with everything else an hour old."""
    doc, task = _publish(client, world), _give_task(client, world)
    _age_everything()
    return doc, task, _cursor(utcnow())


def _sync(client, world, cursor, who="member_a1"):
    r = client.get("/api/v1/sync", headers=world.h(who), params={"since": cursor})
    assert r.status_code == 200, r.text
    return r.json()


def test_nothing_new_is_empty_and_counts_the_unread(client, world, quiet):
    body = _sync(client, world, quiet[2])
    assert (body["full"], body["more"]) == (False, False)
    assert body["documents"] == body["assignments"] == body["notifications"] == []
    unread = client.get("/api/v1/notifications/unread-count", headers=world.h("member_a1"))
    assert body["unread_notifications"] == unread.json()["count"] >= 1


def _ack(client, world, doc, task):
    return client.post(f"/api/v1/documents/{doc}/acknowledge", headers=world.h("member_a1"))


def _bookmark(client, world, doc, task):
    return client.put(f"/api/v1/documents/{doc}/bookmark", headers=world.h("member_a1"))


def _note(client, world, doc, task):
    return client.put(
        f"/api/v1/documents/{doc}/note", headers=world.h("member_a1"), json={"note": "Ghi nhớ"}
    )


def _revise(client, world, doc, task):
    return client.patch(
        f"/api/v1/documents/{doc}", headers=world.h("publisher_a"),
        json={"title": "Thông báo lịch sinh hoạt chi bộ (đính chính)"},
    )  # fmt: skip


@pytest.mark.parametrize("change", [_ack, _bookmark, _note, _revise])
def test_each_document_change_comes_back(client, world, quiet, change):
    doc, task, cursor = quiet
    assert change(client, world, doc, task).status_code == 200
    assert doc in [d["id"] for d in _sync(client, world, cursor)["documents"]]


def test_a_new_document_comes_back_to_its_audience_only(client, world, quiet):
    cursor = quiet[2]
    doc = _publish(client, world, symbol="13-TB/ĐU", title="Thông báo mới")
    assert doc in [d["id"] for d in _sync(client, world, cursor)["documents"]]
    assert _sync(client, world, cursor, who="member_b1")["documents"] == []


def _start(client, world, doc, task):
    return client.post(f"/api/v1/assignments/{task}/start", headers=world.h("member_a1"))


def _edit(client, world, doc, task):
    return client.patch(
        f"/api/v1/assignments/{task}", headers=world.h("secretary_a1"),
        json={"title": "Nộp bài thu hoạch (sửa)"},
    )  # fmt: skip


@pytest.mark.parametrize("change", [_start, _edit])
def test_each_assignment_change_comes_back(client, world, quiet, change):
    doc, task, cursor = quiet
    assert change(client, world, doc, task).status_code == 200
    assert task in [a["id"] for a in _sync(client, world, cursor)["assignments"]]


def test_an_inbox_row_read_elsewhere_comes_back(client, world, quiet):
    h = world.h("member_a1")
    first = client.get("/api/v1/notifications", headers=h).json()["items"][0]["id"]
    assert client.post(f"/api/v1/notifications/{first}/read", headers=h).status_code == 200
    body = _sync(client, world, quiet[2])
    assert first in [n["id"] for n in body["notifications"]]


def test_a_member_moved_to_another_cell_starts_over(client, world, quiet):
    r = client.patch(
        f"/api/v1/members/{world.users['member_a1']}", headers=world.h("admin_a"),
        json={"cell_id": world.units["A2"]},
    )  # fmt: skip
    assert r.status_code == 200, r.text
    assert _sync(client, world, quiet[2])["full"] is True


def _reads_of_one_sync(client, world, cursor, who="member_a1"):  # type: ignore[no-untyped-def]
    from sqlalchemy import event

    from api.db import get_engine

    seen: list[str] = []

    def count(conn, cursor, statement, *args):  # type: ignore[no-untyped-def]
        seen.append(statement)

    event.listen(get_engine(), "before_cursor_execute", count)
    try:
        body = _sync(client, world, cursor, who=who)
    finally:
        event.remove(get_engine(), "before_cursor_execute", count)
    return body, [s for s in seen if s.lstrip().upper().startswith("SELECT")]


def test_the_quiet_answer_is_one_statement_after_the_caller(client, world, quiet):
    _, reads = _reads_of_one_sync(client, world, quiet[2])
    assert len(reads) == 2, reads  # the caller (token, grants) and the quiet check


def test_a_document_changed_out_of_reach_is_still_nothing_new(client, world, quiet):
    """A document published to another commune makes the first, cheap check say "maybe";
    the exact one then answers "nothing for you", one statement more and no delta."""
    _publish(client, world, symbol="14-TB/ĐU", title="Thông báo chỉ cho chi bộ A1")
    body, reads = _reads_of_one_sync(client, world, quiet[2], who="member_b1")
    assert body["documents"] == [] and body["full"] is False
    assert len(reads) == 3, reads  # the caller, "anything at all?", "anything of yours?"
    # Its audience still learns of it.
    body, _ = _reads_of_one_sync(client, world, quiet[2], who="member_a1")
    assert [d["symbol"] for d in body["documents"]] == ["14-TB/ĐU"]
