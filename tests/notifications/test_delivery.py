"""Push delivery: headers, failure answers (404, 410, 429, 500, 400, timeout), quiet hours, FCM."""

from __future__ import annotations

import datetime as dt
import json
import logging

import pytest

from api.config import get_settings
from api.notifications import delivery, fanout, tasks
from api.text import VN_TZ
from tests.notifications.conftest import publish, rows, subscribe
from tests.notifications.receivers import Answer

API = "/api/v1"


def _log(event_id: int) -> list[tuple]:
    return [
        tuple(r)
        for r in rows(
            "SELECT status, attempts, last_status_code, last_error, subscription_id"
            " FROM push_deliveries WHERE event_id = :e ORDER BY id",
            e=event_id,
        )
    ]


def _fan_out(event_id: int) -> None:
    assert fanout.process_event(event_id) == "done"


def _next(hour: int) -> dt.datetime:
    """The next `hour`:00 in Vietnam, after now (so what was queued now is due by then)."""
    now = dt.datetime.now(VN_TZ)
    at = now.replace(hour=hour, minute=0, second=0, microsecond=0)
    return at if at > now else at + dt.timedelta(days=1)


def _noon() -> dt.datetime:
    """Midday in Vietnam: outside the default quiet hours."""
    return _next(12).astimezone(dt.UTC)


def test_headers_ttl_urgency_topic_and_vapid(client, world, receiver):
    subscribe(client, world, "member_a1", receiver, "a1")
    publish(world, "A1", topic="doc-57")
    urgent = publish(
        world, "A1", category="reminders", urgent=True, title="Sắp đến hạn nộp báo cáo"
    )
    assert tasks.drain()
    assert receiver.errors == []
    by_event = {r.payload["event_id"]: r for r in receiver.for_device("a1")}
    normal = next(r for e, r in by_event.items() if e != urgent)
    assert normal.headers["ttl"] == "86400" and normal.headers["urgency"] == "normal"
    assert normal.headers["topic"] == "doc-57"
    assert by_event[urgent].headers["urgency"] == "high"
    assert int(by_event[urgent].headers["ttl"]) < 86400  # reminders go stale sooner
    # One VAPID signature per push service, reused (not re-signed per message).
    assert normal.headers["authorization"] == by_event[urgent].headers["authorization"]


@pytest.mark.parametrize("status", [404, 410])
def test_gone_subscriptions_are_removed(client, world, receiver, status):
    sub = subscribe(client, world, "member_a1", receiver, "dead")
    receiver.answer("dead", Answer(status))
    event_id = publish(world, "A1")
    assert tasks.drain()
    assert _log(event_id) == [("removed", 1, status, f"HTTP {status}: subscription expired", None)]
    assert rows("SELECT count(*) FROM push_subscriptions WHERE id = :s", s=sub)[0][0] == 0
    assert client.get(f"{API}/push/subscriptions", headers=world.h("member_a1")).json() == []
    publish(world, "A1")  # the next event has no device to push to
    assert tasks.drain()
    assert len(receiver.requests) == 1


def test_429_waits_for_retry_after_then_delivers(client, world, receiver, manual):
    subscribe(client, world, "member_a1", receiver, "busy")
    receiver.answer("busy", Answer(429, {"Retry-After": "120"}))
    event_id = publish(world, "A1")
    _fan_out(event_id)
    t0 = _noon()
    report = delivery.deliver_event(event_id, clock=lambda: t0)
    assert report.retried == 1 and report.next_due is not None
    assert report.next_due >= t0 + dt.timedelta(seconds=120)
    assert _log(event_id)[0][:3] == ("queued", 1, 429)
    # Not before Retry-After …
    assert delivery.deliver_event(event_id, clock=lambda: t0 + dt.timedelta(seconds=119)).sent == 0
    # … and then it goes through.
    later = report.next_due + dt.timedelta(seconds=1)
    assert delivery.deliver_event(event_id, clock=lambda: later).sent == 1
    assert _log(event_id)[0][:3] == ("sent", 2, 201)
    assert len(receiver.for_device("busy")) == 1


def test_5xx_backs_off_exponentially_and_gives_up(client, world, receiver, manual, monkeypatch):
    monkeypatch.setattr(get_settings(), "push_max_attempts", 4)
    subscribe(client, world, "member_a1", receiver, "broken")
    receiver.answer("broken", *[Answer(500)] * 10)
    event_id = publish(world, "A1")
    _fan_out(event_id)
    now = _noon()
    waits = []
    for _ in range(4):
        report = delivery.deliver_event(event_id, clock=lambda: now)
        if report.next_due is None:
            break
        waits.append((report.next_due - now).total_seconds())
        now = report.next_due + dt.timedelta(seconds=1)
    base = get_settings().push_retry_base_seconds
    assert len(waits) == 3
    for i, wait in enumerate(waits):  # base·2^i with jitter in [½, 1]
        assert base * 2**i * 0.5 <= wait <= base * 2**i + 1
    status, attempts, code, error, _ = _log(event_id)[0]
    assert (status, attempts, code, error) == ("failed", 4, 500, "HTTP 500")
    assert len(receiver.requests) == 4  # nothing retries forever


def test_timeout_is_retried(client, world, receiver, manual, monkeypatch):
    monkeypatch.setattr(get_settings(), "push_timeout_seconds", 0.3)
    subscribe(client, world, "member_a1", receiver, "slow")
    receiver.answer("slow", Answer(201, delay=1.0))
    event_id = publish(world, "A1")
    _fan_out(event_id)
    now = _noon()
    report = delivery.deliver_event(event_id, clock=lambda: now)
    assert report.retried == 1
    assert _log(event_id)[0][:4] == ("queued", 1, None, "timeout")
    later = report.next_due + dt.timedelta(seconds=1)
    assert delivery.deliver_event(event_id, clock=lambda: later).sent == 1


def test_other_errors_are_recorded_and_not_retried(client, world, receiver):
    subscribe(client, world, "member_a1", receiver, "picky")
    receiver.answer("picky", Answer(400))
    event_id = publish(world, "A1")
    assert tasks.drain()
    status, attempts, code, error, sub = _log(event_id)[0]
    assert (status, attempts, code) == ("failed", 1, 400) and error.startswith("HTTP 400")
    assert sub is not None  # the device stays: the fault may be ours


def test_quiet_hours_delay_non_urgent_pushes(client, world, receiver, manual, monkeypatch):
    monkeypatch.setattr(get_settings(), "quiet_hours_default", "22:00-06:00")
    subscribe(client, world, "member_a1", receiver, "a1")
    normal = publish(world, "A1", title="Văn bản mới")
    urgent = publish(
        world, "A1", title="Khẩn: họp chi bộ đột xuất", urgent=True, category="meetings"
    )
    _fan_out(normal)
    _fan_out(urgent)
    night = _next(23)
    at_night = night.astimezone(dt.UTC)
    report = delivery.deliver_event(normal, clock=lambda: at_night)
    assert report.deferred == 1 and report.sent == 0
    six_am = (night + dt.timedelta(days=1)).replace(hour=6, minute=0)
    assert report.next_due == six_am.astimezone(dt.UTC)
    assert delivery.deliver_event(urgent, clock=lambda: at_night).sent == 1
    assert (
        delivery.deliver_event(
            normal, clock=lambda: at_night + dt.timedelta(hours=6, minutes=59)
        ).sent
        == 0
    )
    assert delivery.deliver_event(normal, clock=lambda: six_am.astimezone(dt.UTC)).sent == 1
    assert _log(normal)[0][:2] == ("sent", 1)  # a deferral is not an attempt
    titles = [r.payload["title"] for r in receiver.for_device("a1")]
    assert titles == ["Khẩn: họp chi bộ đột xuất", "Văn bản mới"]


def test_preferences_turn_pushes_off_per_category_but_never_the_inbox(client, world, receiver):
    subscribe(client, world, "member_a1", receiver, "a1")
    h = world.h("member_a1")
    prefs = {"categories": {"documents": {"push": False}}, "quiet_hours": {"enabled": False}}
    assert (
        client.put(f"{API}/me/notification-preferences", json=prefs, headers=h).status_code == 200
    )
    doc = publish(world, "A1")
    task = publish(world, "A1", category="assignments", title="Nhiệm vụ mới")
    assert tasks.drain()
    assert [r.payload["event_id"] for r in receiver.for_device("a1")] == [task]
    assert _log(doc) == []
    assert client.get(f"{API}/notifications/unread-count", headers=h).json() == {"count": 2}


def test_payload_stays_under_the_web_push_limit(client, world, receiver):
    from api.notifications.models import NotificationEvent, PushDelivery

    subscribe(client, world, "member_a1", receiver, "a1")
    # The longest title and body the outbox keeps, in 4-byte UTF-8: it still arrives whole.
    title, body = "𝐍" * 200, "𝐁" * 500
    event_id = publish(world, "A1", title=title, body=body)
    assert tasks.drain()
    (got,) = receiver.for_device("a1")
    assert receiver.errors == [] and got.payload["event_id"] == event_id
    assert (got.payload["title"], got.payload["body"]) == (title, body)
    # A body past the 3993-byte limit is dropped (the inbox shows it), never the title or link.
    ev = NotificationEvent(
        id=1, category="documents", kind="document.published", object_type="document",
        object_id=1, title=title, body="𝐁" * 900, url="/documents/1", audience={},
        dedupe_key="x",
    )  # fmt: skip
    raw = delivery.payload_for(ev, PushDelivery(id=2, event_id=1, notification_id=3))
    sent = json.loads(raw)
    assert len(raw) <= 3993 and sent["body"] is None
    assert (sent["title"], sent["url"]) == (title, "/documents/1")


def test_a_device_handed_to_another_member_gets_none_of_the_first_ones_pushes(
    client, world, receiver, manual
):
    subscribe(client, world, "member_a1", receiver, "phone")
    event_id = publish(world, "A1", users=["member_a1"], title="Nhiệm vụ của đồng chí A1")
    _fan_out(event_id)
    # Before the queued push leaves, the phone changes hands and its new user signs in.
    subscribe(client, world, "member_a2", receiver, "phone")
    now = _noon()
    report = delivery.deliver_event(event_id, clock=lambda: now)
    assert report.sent == 0 and receiver.for_device("phone") == []
    assert [r[:2] + (r[3],) for r in _log(event_id)] == [("removed", 0, "device changed owner")]
    # Member A1 still has the notice in the inbox; member A2 sees none of it.
    h1, h2 = world.h("member_a1"), world.h("member_a2")
    assert client.get(f"{API}/notifications/unread-count", headers=h1).json() == {"count": 1}
    assert client.get(f"{API}/notifications/unread-count", headers=h2).json() == {"count": 0}


def test_fcm_sends_removes_unregistered_and_retries_quota(client, world, fcm_server, manual):
    h = world.h("member_a1")
    tokens = {name: f"{name}-" + "t" * 150 for name in ("good", "gone", "busy")}
    for token in tokens.values():
        body = {"kind": "fcm", "token": token, "platform": "android"}
        assert client.post(f"{API}/push/subscriptions", json=body, headers=h).status_code == 201
    fcm_server.script = {tokens["gone"]: ["UNREGISTERED"], tokens["busy"]: ["QUOTA_EXCEEDED"]}
    event_id = publish(world, "A1")
    _fan_out(event_id)
    now = _noon()
    report = delivery.deliver_event(event_id, clock=lambda: now)
    assert (report.sent, report.gone, report.retried) == (1, 1, 1)
    sent = fcm_server.sent[0]
    assert sent["token"] == tokens["good"] and sent["notification"]["title"].startswith(
        "Nghị quyết"
    )
    assert sent["android"]["ttl"] == "86400s" and sent["data"]["url"].startswith("/documents/")
    devices_left = {
        d["platform"] for d in client.get(f"{API}/push/subscriptions", headers=h).json()
    }
    assert len(client.get(f"{API}/push/subscriptions", headers=h).json()) == 2 and devices_left == {
        "android"
    }
    later = report.next_due + dt.timedelta(seconds=1)
    assert delivery.deliver_event(event_id, clock=lambda: later).sent == 1
    assert sorted(s for s, *_ in _log(event_id)) == ["removed", "sent", "sent"]


def test_fcm_off_says_so_once(caplog, monkeypatch):
    from api.notifications import fcm

    fcm.reset()
    monkeypatch.setattr(get_settings(), "fcm_credentials", None)
    with caplog.at_level(logging.WARNING, logger="sotay.push"):
        assert fcm.app() is None
        assert fcm.app() is None
    said = [r for r in caplog.records if "FCM is off" in r.getMessage()]
    assert len(said) == 1
    fcm.reset()


def test_fcm_batches_keep_every_answer_in_its_place(fcm_server):
    """1,001 messages: three send_each calls (500, 500, 1); each result matches its own token."""
    from api.notifications import fcm

    tokens = [f"device-{i:04d}-" + "t" * 40 for i in range(1001)]
    odd = {7: "UNREGISTERED", 600: "INVALID_ARGUMENT", 999: "INTERNAL", 1000: "QUOTA_EXCEEDED"}
    fcm_server.script = {tokens[i]: [code] for i, code in odd.items()}
    messages = [
        fcm.FcmMessage(
            token=tk,
            title="Nghị quyết mới",
            body=None,
            data={"url": f"/documents/{i}"},
            ttl=3600,
            urgent=i % 2 == 0,
            collapse_key="doc-1",
        )
        for i, tk in enumerate(tokens)
    ]
    results = fcm.send(messages)
    assert len(results) == 1001
    # A one-off 500 is retried by firebase-admin's own HTTP client and gets through.
    expected = {7: "gone", 600: "failed", 1000: "retry"}
    assert {i: r.outcome for i, r in enumerate(results) if r.outcome != "sent"} == expected
    delivered = [m["token"] for m in fcm_server.sent]
    assert sorted(delivered) == sorted(tk for i, tk in enumerate(tokens) if i not in expected)
    by_token = {m["token"]: m for m in fcm_server.sent}
    urgent, calm = by_token[tokens[0]], by_token[tokens[1]]
    assert urgent["android"]["priority"] == "high" and calm["android"]["priority"] == "normal"
    assert urgent["apns"]["headers"] == {"apns-priority": "10", "apns-collapse-id": "doc-1"}
    assert calm["data"] == {"url": "/documents/1"}


def test_a_chunk_outlasting_its_lease_leaves_the_rest_unsent(
    client, world, receiver, manual, monkeypatch
):
    """A slow push service must not make a live worker send on a lease another worker may
    already hold: it stops at 80% of the lease and the rest go out later, each exactly once."""
    for i in range(6):
        subscribe(client, world, "member_a1", receiver, f"phone{i}")
    event_id = publish(world, "A1")
    _fan_out(event_id)
    monkeypatch.setattr(get_settings(), "notify_lease_seconds", 3)
    ticks = iter(range(0, 10_000))  # each push seems to take a second: 2.4 s fit in a lease
    monkeypatch.setattr(delivery.time, "monotonic", lambda: float(next(ticks)))
    now = _noon()
    first = delivery.deliver_event(event_id, clock=lambda: now, budget_seconds=0)
    assert 1 <= first.sent < 6 and len(receiver.requests) == first.sent
    statuses = [s for s, *_ in _log(event_id)]
    assert statuses.count("sent") == first.sent and statuses.count("queued") == 6 - first.sent
    # Once the lease has run out, the rest is taken and sent; nobody gets it twice.
    later = now + dt.timedelta(seconds=4)
    while delivery.deliver_event(event_id, clock=lambda: later).sent:
        later += dt.timedelta(seconds=4)
    assert sorted(r.device for r in receiver.received) == [f"phone{i}" for i in range(6)]
    assert [s for s, *_ in _log(event_id)] == ["sent"] * 6
