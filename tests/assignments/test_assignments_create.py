"""Giving assignments: who may, to whom, times in Vietnam time, validation."""

from __future__ import annotations

import datetime as dt

from api.db import utcnow
from api.types import MAX_ID

API = "/api/v1/assignments"


def _body(world, **over):
    body = {
        "cell_id": world.units["A1"],
        "title": "Vận động hộ gia đình cài đặt VNeID",
        "description": "Mỗi đồng chí hướng dẫn ít nhất năm hộ.",
        "due_at": (utcnow() + dt.timedelta(days=10)).isoformat(),
        "assignee_ids": [world.users["member_a1"]],
    }
    body.update(over)
    return body


def test_naive_due_time_is_vietnam_time_and_shown_with_offset(client, world):
    r = client.post(
        API, headers=world.h("secretary_a1"), json=_body(world, due_at="2030-03-15T17:00")
    )
    assert r.status_code == 201, r.text
    a = r.json()
    assert a["due_at"] == "2030-03-15T17:00:00+07:00"
    assert a["due_at_local"] == "15/03/2030 17:00"
    # With an explicit offset the instant is kept: 10:00 UTC is 17:00 in Hà Nội.
    r = client.post(
        API, headers=world.h("secretary_a1"), json=_body(world, due_at="2030-03-15T10:00:00Z")
    )
    assert r.json()["due_at"] == "2030-03-15T17:00:00+07:00"


def test_stored_in_utc(client, world):
    from api.assignments.models import Assignment
    from api.db import new_session

    r = client.post(
        API, headers=world.h("secretary_a1"), json=_body(world, due_at="2030-03-15T17:00")
    )
    with new_session() as s:
        stored = s.get(Assignment, r.json()["id"])
        assert stored.due_at == dt.datetime(2030, 3, 15, 10, 0, tzinfo=dt.UTC)


def test_one_record_per_assignee_in_vietnamese_name_order(client, world):
    names = ["secretary_a1", "member_a1b", "member_a1"]
    r = client.post(
        API,
        headers=world.h("deputy_a1"),
        json=_body(
            world, assignee_ids=[world.users[n] for n in names] + [world.users["member_a1"]]
        ),
    )
    assert r.status_code == 201
    records = r.json()["records"]
    assert len(records) == 3  # the repeated id makes no second record
    assert all(rec["state"] == "assigned" and rec["overdue"] is False for rec in records)
    assert r.json()["counts"]["assigned"] == 3 and r.json()["counts"]["total"] == 3
    assert r.json()["created_by"]["id"] == world.users["deputy_a1"]


def test_only_members_of_the_cell_can_be_assignees(client, world):
    body = _body(
        world,
        assignee_ids=[world.users["member_a1"], world.users["member_a2"], 987654321],
    )
    r = client.post(API, headers=world.h("secretary_a1"), json=body)
    assert r.status_code == 404
    fields = [e["field"] for e in r.json()["errors"]]
    assert fields == ["assignee_ids.1", "assignee_ids.2"]
    assert r.json()["errors"][0]["message"] == "Không phải đảng viên của chi bộ này."


def test_whole_cell_or_a_list_but_not_both_nor_neither(client, world):
    h = world.h("secretary_a1")
    both = client.post(API, headers=h, json=_body(world, all_members=True))
    assert both.status_code == 422
    assert both.json()["errors"][0]["code"] == "assignment.field.assignees_either"
    neither = client.post(API, headers=h, json=_body(world, assignee_ids=[]))
    assert neither.status_code == 422
    assert neither.json()["errors"][0]["field"] == "assignee_ids"
    whole = client.post(API, headers=h, json=_body(world, assignee_ids=None, all_members=True))
    assert whole.status_code == 201
    assert whole.json()["counts"]["total"] == 4


def test_due_time_must_be_ahead_and_sane(client, world):
    h = world.h("secretary_a1")
    past = (utcnow() - dt.timedelta(minutes=1)).isoformat()
    r = client.post(API, headers=h, json=_body(world, due_at=past))
    assert r.status_code == 422
    assert r.json()["errors"][0] == {
        "field": "due_at",
        "code": "assignment.field.due_in_past",
        "message": "Hạn hoàn thành phải sau thời điểm hiện tại.",
        "message_en": "The due time must be in the future.",
    }
    for bad in ("0001-01-01T00:00:00+14:00", "9999-12-31T23:59:59-12:00", "ngày mai", 5):
        r = client.post(API, headers=h, json=_body(world, due_at=bad))
        assert r.status_code == 422, (bad, r.text)


def test_cell_must_be_a_cell_in_reach(client, world):
    h = world.h("secretary_a1")
    r = client.post(API, headers=h, json=_body(world, cell_id=world.units["A"]))
    assert r.status_code == 422 and r.json()["errors"][0]["code"] == "field.not_a_cell"
    r = client.post(API, headers=h, json=_body(world, cell_id=world.units["A2"]))
    assert r.status_code == 404  # a neighbouring cell is out of a cell secretary's sight
    r = client.post(API, headers=world.h("committee_a"), json=_body(world))
    assert r.status_code == 403  # committees follow the cell's work, they do not give tasks
    r = client.post(API, headers=h, json=_body(world, cell_id=world.units["B1"]))
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "cell_id"
    r = client.post(API, headers=h, json=_body(world, cell_id=MAX_ID))
    assert r.status_code == 404
    r = client.post(API, headers=h, json=_body(world, cell_id=2**64))
    assert r.status_code == 422


def test_text_is_cleaned_and_bounded(client, world):
    h = world.h("secretary_a1")
    decomposed = "Nộp thu hoạch".encode().decode()  # NFC already
    import unicodedata

    r = client.post(
        API,
        headers=h,
        json=_body(world, title="  " + unicodedata.normalize("NFD", decomposed) + "   quý  IV "),
    )
    assert r.json()["title"] == "Nộp thu hoạch quý IV"
    assert client.post(API, headers=h, json=_body(world, title="   ")).status_code == 422
    assert client.post(API, headers=h, json=_body(world, title="x" * 301)).status_code == 422
    assert client.post(API, headers=h, json=_body(world, priority="urgent")).status_code == 422


def test_high_priority(client, world):
    r = client.post(API, headers=world.h("secretary_a1"), json=_body(world, priority="high"))
    assert r.json()["priority"] == "high"
    assert r.json()["kind"] == "ad_hoc" and r.json()["status"] == "open"


def test_linked_documents_must_be_readable(client, world):
    from tests.assignments.factory import publish_document

    doc = publish_document(world, unit="A")
    secret = publish_document(world, unit="B", symbol="02-KH/ĐU")
    h = world.h("secretary_a1")
    r = client.post(API, headers=h, json=_body(world, document_ids=[doc, secret, 10**9]))
    assert r.status_code == 404
    assert [e["field"] for e in r.json()["errors"]] == ["document_ids.1", "document_ids.2"]
    r = client.post(API, headers=h, json=_body(world, document_ids=[doc]))
    assert r.status_code == 201
    assert r.json()["documents"] == [{"id": doc, "symbol": "01-KH/ĐU", "title": "Kế hoạch học tập"}]
    mine = client.get(f"{API}/{r.json()['id']}", headers=world.h("member_a1")).json()
    assert mine["documents"][0]["symbol"] == "01-KH/ĐU"
