"""The delta feed brings a device up to date cheaply and never misses a change."""

from __future__ import annotations

import datetime as dt


def _draft(client, world, symbol="12-TB/ĐU", title="Thông báo lịch sinh hoạt chi bộ"):
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
    return r.json()["id"]


def _publish(client, world, symbol="12-TB/ĐU", title="Thông báo lịch sinh hoạt chi bộ"):
    doc = _draft(client, world, symbol, title)
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


def _sync(client, world, who, cursor=None):
    params = {"since": cursor} if cursor else {}
    r = client.get("/api/v1/sync", headers=world.h(who), params=params)
    assert r.status_code == 200, r.text
    return r.json()


def test_a_narrowed_audience_tells_the_devices_left_out_to_drop_it(client, world):
    doc = _publish(client, world)  # to the whole commune A
    cursors = {w: _sync(client, world, w)["cursor"] for w in ("member_a1", "member_a2")}
    outsider = _sync(client, world, "member_b1")["cursor"]
    narrowed = client.patch(
        f"/api/v1/documents/{doc}",
        headers=world.h("publisher_a"),
        json={"audience_unit_ids": [world.units["A1"]], "change_note": "Chỉ gửi chi bộ A1"},
    )
    assert narrowed.status_code == 200, narrowed.text

    left_out = _sync(client, world, "member_a2", cursors["member_a2"])
    assert left_out["full"] is False
    assert left_out["removals"] == [{"kind": "document", "id": doc}]
    assert doc not in [d["id"] for d in left_out["documents"]]
    assert client.get(f"/api/v1/documents/{doc}", headers=world.h("member_a2")).status_code == 404
    # Still in the audience: the change arrives, nothing is removed.
    kept = _sync(client, world, "member_a1", cursors["member_a1"])
    assert kept["removals"] == [] and doc in [d["id"] for d in kept["documents"]]
    # Never had it: nothing to drop, and nothing of it is told.
    assert _sync(client, world, "member_b1", outsider)["removals"] == []


def test_a_discarded_draft_leaves_its_publishers_devices(client, world):
    h = world.h("publisher_a")
    draft = _draft(client, world, "13-TB/ĐU", "Dự thảo thông báo")
    first = _sync(client, world, "publisher_a")
    assert draft in [d["id"] for d in first["documents"]]
    assert client.delete(f"/api/v1/documents/{draft}", headers=h).status_code == 204
    after = _sync(client, world, "publisher_a", first["cursor"])
    assert after["removals"] == [{"kind": "document", "id": draft}]


def test_a_granted_or_revoked_role_starts_the_device_over(client, world):
    doc = _publish(client, world)
    before = _sync(client, world, "member_b1")
    assert before["documents"] == []
    grant = client.post(
        "/api/v1/role-grants",
        headers=world.h("admin_p"),
        json={
            "user_id": world.users["member_b1"],
            "unit_id": world.units["A"],
            "role": "committee",
        },
    )
    assert grant.status_code == 201, grant.text
    widened = _sync(client, world, "member_b1", before["cursor"])
    assert widened["full"] is True and doc in [d["id"] for d in widened["documents"]]
    gone = client.delete(f"/api/v1/role-grants/{grant.json()['id']}", headers=world.h("admin_p"))
    assert gone.status_code == 204
    narrowed = _sync(client, world, "member_b1", widened["cursor"])
    assert narrowed["full"] is True and narrowed["documents"] == []


def test_a_cursor_older_than_the_tombstones_kept_means_a_full_sync(client, world):
    from api.pagination import encode_cursor

    _publish(client, world)
    old = (dt.datetime.now(dt.UTC) - dt.timedelta(days=31)).isoformat()
    assert _sync(client, world, "member_a1", encode_cursor([old]))["full"] is True
    recent = _sync(client, world, "member_a1")["cursor"]
    assert _sync(client, world, "member_a1", recent)["full"] is False


def test_tombstones_older_than_any_accepted_cursor_are_purged(client, world):
    from api.db import new_session, utcnow
    from api.sync.models import KEEP, SyncRemoval
    from api.sync.tasks import purge_removals

    with new_session() as s:
        s.add(SyncRemoval(kind="document", object_id=1, unit_paths=["/1/"], removed_at=utcnow()))
        old = utcnow() - KEEP - dt.timedelta(hours=1)
        s.add(SyncRemoval(kind="document", object_id=2, unit_paths=["/1/"], removed_at=old))
        s.commit()
        purge_removals(s)
        s.commit()
        assert [r.object_id for r in s.query(SyncRemoval).all()] == [1]
