"""The delta feed brings a device up to date cheaply and never misses a change."""

from __future__ import annotations

import datetime as dt


def _publish(client, world, symbol="12-TB/ĐU", title="Thông báo lịch sinh hoạt chi bộ"):
    r = client.post(
        "/api/v1/documents",
        headers=world.h("publisher_a"),
        json={
            "kind": "notice",
            "symbol": symbol,
            "title": title,
            "summary": "Tóm tắt.",
            "body": "Nội dung **thông báo**.",
            "issuer_id": world.units["A"],
            "issued_on": dt.date.today().isoformat(),
        },
    )
    assert r.status_code == 201, r.text
    doc = r.json()["id"]
    assert (
        client.post(f"/api/v1/documents/{doc}/publish", headers=world.h("publisher_a")).status_code
        == 200
    )
    return doc


def _give_task(client, world):
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    r = client.post(
        "/api/v1/assignments",
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Nộp thu hoạch",
            "description": "",
            "due_at": due,
            "assignee_ids": [world.users["member_a1"]],
        },
    )
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_full_then_delta_then_nothing_new(client, world):
    doc = _publish(client, world)
    task = _give_task(client, world)
    h = world.h("member_a1")
    first = client.get("/api/v1/sync", headers=h)
    assert first.status_code == 200
    body = first.json()
    assert body["full"] is True
    assert [d["id"] for d in body["documents"]] == [doc]
    assert [a["id"] for a in body["assignments"]] == [task]

    # Nothing changed: the next answer is small (items from the short overlap at most).
    again = client.get("/api/v1/sync", headers=h, params={"since": body["cursor"]}).json()
    assert again["full"] is False

    # The member acknowledges on another device: this device learns it on the next sync.
    assert client.post(f"/api/v1/documents/{doc}/acknowledge", headers=h).status_code == 200
    delta = client.get("/api/v1/sync", headers=h, params={"since": again["cursor"]}).json()
    got = {d["id"]: d for d in delta["documents"]}
    assert doc in got and got[doc]["receipt"]["acknowledged"] is True

    # A member of another commune sees none of it.
    other = client.get("/api/v1/sync", headers=world.h("member_b1")).json()
    assert other["documents"] == [] and other["assignments"] == []


def test_bad_cursor_is_422(client, world):
    r = client.get("/api/v1/sync", headers=world.h("member_a1"), params={"since": "rác"})
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "since"
