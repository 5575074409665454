"""The inbox: one row per member per event, listing, unread count, marking read."""

from __future__ import annotations

from api.notifications import fanout, tasks
from tests.notifications.conftest import TITLE, publish, rows, subscribe

API = "/api/v1"
COMMUNE_A = {
    "member_a1",
    "member_a1b",
    "member_a2",
    "secretary_a1",
    "deputy_a1",
    "committee_a",
    "publisher_a",
    "admin_a",
}


def _inbox_users(event_id: int) -> list[int]:
    return [r[0] for r in rows("SELECT user_id FROM notifications WHERE event_id = :e", e=event_id)]


def test_publishing_to_a_commune_pushes_once_to_every_device_and_fills_each_inbox(
    client, world, receiver
):
    devices = {}
    for who in sorted(COMMUNE_A):
        devices[who] = subscribe(client, world, who, receiver, f"{who}-phone")
    subscribe(client, world, "member_a1", receiver, "member_a1-laptop")
    subscribe(client, world, "member_b1", receiver, "member_b1-phone")  # another commune

    event_id = publish(world, "A")
    assert tasks.drain()

    got = sorted(r.device for r in receiver.received)
    want = sorted([f"{w}-phone" for w in COMMUNE_A] + ["member_a1-laptop"])
    assert got == want, "each device of the audience exactly once, nobody else"
    assert receiver.errors == []
    for r in receiver.received:
        assert r.payload["title"] == TITLE
        assert r.payload["url"].startswith("/documents/")
        assert r.payload["event_id"] == event_id
    inbox = _inbox_users(event_id)
    assert sorted(inbox) == sorted(world.users[w] for w in COMMUNE_A)
    status = rows("SELECT status, processed_at FROM notification_events WHERE id = :e", e=event_id)
    assert status[0][0] == "done" and status[0][1] is not None


def test_running_the_fan_out_again_adds_nothing(client, world, receiver):
    subscribe(client, world, "member_a1", receiver, "a1")
    event_id = publish(world, "A1")
    assert tasks.drain()
    from sqlalchemy import text

    from api.db import get_engine

    with get_engine().begin() as conn:  # as if the event were never marked done
        conn.execute(
            text("UPDATE notification_events SET status = 'pending' WHERE id = :e"), {"e": event_id}
        )
        conn.execute(text("DELETE FROM notification_fanouts WHERE event_id = :e"), {"e": event_id})
    assert fanout.process_event(event_id) == "done"
    assert tasks.drain()
    inbox = _inbox_users(event_id)
    assert len(inbox) == len(set(inbox)) == 4  # member_a1, member_a1b, secretary, deputy
    assert len(receiver.for_device("a1")) == 1
    assert rows("SELECT count(*) FROM push_deliveries WHERE event_id = :e", e=event_id)[0][0] == 1


def test_the_actor_is_left_out_and_inactive_members_get_nothing(client, world):
    from sqlalchemy import text

    from api.db import get_engine

    with get_engine().begin() as conn:
        conn.execute(
            text("UPDATE users SET is_active = false WHERE id = :u"),
            {"u": world.users["member_a1b"]},
        )
    event_id = publish(world, "A1", exclude="secretary_a1")
    assert tasks.drain()
    inbox = set(_inbox_users(event_id))
    assert inbox == {world.users["member_a1"], world.users["deputy_a1"]}


def test_user_audience(client, world):
    event_id = publish(world, users=["member_a1", "member_b1"], category="assignments")
    assert tasks.drain()
    assert sorted(_inbox_users(event_id)) == sorted(
        [world.users["member_a1"], world.users["member_b1"]]
    )


def test_list_newest_first_with_cursor_unread_filter_and_count(client, world):
    ids = [publish(world, "A1", title=f"Thông báo số {i}") for i in range(3)]
    assert tasks.drain()
    h = world.h("member_a1")
    r = client.get(f"{API}/notifications?limit=2", headers=h)
    assert r.status_code == 200
    page = r.json()
    assert [n["title"] for n in page["items"]] == ["Thông báo số 2", "Thông báo số 1"]
    assert page["items"][0]["event_id"] == ids[2] and page["items"][0]["read"] is False
    r2 = client.get(f"{API}/notifications?limit=2&cursor={page['next_cursor']}", headers=h)
    assert [n["title"] for n in r2.json()["items"]] == ["Thông báo số 0"]
    assert r2.json()["next_cursor"] is None
    assert client.get(f"{API}/notifications/unread-count", headers=h).json() == {"count": 3}

    first = page["items"][0]["id"]
    r = client.post(f"{API}/notifications/{first}/read", headers=h)
    assert r.status_code == 200 and r.json()["read"] is True
    assert client.get(f"{API}/notifications/unread-count", headers=h).json() == {"count": 2}
    unread = client.get(f"{API}/notifications?unread=true", headers=h).json()["items"]
    assert first not in [n["id"] for n in unread] and len(unread) == 2

    r = client.post(f"{API}/notifications/read-all", headers=h)
    assert r.json() == {"updated": 2}
    assert client.get(f"{API}/notifications/unread-count", headers=h).json() == {"count": 0}
    # Only the caller's own inbox changed.
    assert client.get(f"{API}/notifications/unread-count", headers=world.h("deputy_a1")).json() == {
        "count": 3
    }


def test_read_all_up_to_what_the_client_saw(client, world):
    publish(world, "A1", title="Cũ")
    assert tasks.drain()
    h = world.h("member_a1")
    seen = client.get(f"{API}/notifications", headers=h).json()["items"][0]["id"]
    publish(world, "A1", title="Mới")
    assert tasks.drain()
    r = client.post(f"{API}/notifications/read-all", json={"up_to_id": seen}, headers=h)
    assert r.json() == {"updated": 1}
    assert client.get(f"{API}/notifications/unread-count", headers=h).json() == {"count": 1}
    theirs = client.post(
        f"{API}/notifications/read-all", json={"up_to_id": seen}, headers=world.h("member_a2")
    )
    assert theirs.status_code == 404 and theirs.json()["errors"][0]["field"] == "up_to_id"


def test_someone_elses_notification_is_not_found(client, world):
    publish(world, "A1")
    assert tasks.drain()
    mine = client.get(f"{API}/notifications", headers=world.h("member_a1")).json()["items"][0]
    for path in (f"/notifications/{mine['id']}/read", f"/notifications/{mine['id']}/opened"):
        r = client.post(API + path, headers=world.h("member_a2"))
        assert r.status_code == 404
        assert r.headers["content-type"].startswith("application/problem+json")
    assert (
        client.post(f"{API}/notifications/{2**63}/read", headers=world.h("member_a1")).status_code
        == 422
    )
    bad = client.get(f"{API}/notifications?cursor=nonsense", headers=world.h("member_a1"))
    assert bad.status_code == 422


def test_the_same_event_enqueued_twice_is_one_event(client, world):
    from api.db import new_session
    from api.notifications import outbox

    with new_session() as s:
        for _ in range(2):
            outbox.enqueue(
                s,
                category="documents",
                kind="document.published",
                object_type="document",
                object_id=1,
                title="Một lần",
                url="/documents/1",
                audience={"unit_paths": ["/"]},
                dedupe_key="doc:1:v1",
            )
        s.commit()
    assert tasks.drain()
    assert client.get(f"{API}/notifications/unread-count", headers=world.h("member_a1")).json() == {
        "count": 1
    }


def test_opened_marks_read_and_logs_the_delivery(client, world, receiver):
    subscribe(client, world, "member_a1", receiver, "a1")
    publish(world, "A1")
    assert tasks.drain()
    payload = receiver.for_device("a1")[0].payload
    h = world.h("member_a1")
    r = client.post(
        f"{API}/notifications/{payload['notification_id']}/opened",
        json={"delivery_id": payload["delivery_id"]},
        headers=h,
    )
    assert r.status_code == 200 and r.json()["read"] is True and r.json()["opened_at"]
    log = rows(
        "SELECT status, opened_at FROM push_deliveries WHERE id = :d", d=payload["delivery_id"]
    )
    assert log[0][0] == "sent" and log[0][1] is not None
    wrong = client.post(
        f"{API}/notifications/{payload['notification_id']}/opened",
        json={"delivery_id": payload["delivery_id"] + 999},
        headers=h,
    )
    assert wrong.status_code == 404
    assert wrong.json()["errors"][0]["field"] == "delivery_id"
