"""kill -9 during a document's publish fan-out, then restart: every member of the audience
has exactly one inbox row, every device got the push at least once.

(a) the embedded shape: the API process runs the task engine and is killed;
(b) the scaled shape: `sotay worker` on RabbitMQ is killed (skipped only if no broker).
"""

from __future__ import annotations

import socket
import uuid
from pathlib import Path

import httpx

from api.db import get_engine, new_session
from api.notifications.delivery import CHUNK
from seed.push_audience import Audience, create_audience
from tests import needs
from tests.crash.procs import Proc, Server, count, crash_env, fix_sequences, wait_for
from tests.notifications.receivers import PushReceiver

API = "/api/v1"
CELLS, PER_CELL = 40, 50  # 2,000 members, 2,200 devices
BATCH = "20"  # recipients per fan-out transaction: 100 of them, so the kill lands inside
TITLE = "Nghị quyết về chuyển đổi số trong Đảng bộ xã"
SYMBOL = "18-NQ/ĐU"  # the push title names the document by its symbol
THREADS = 4  # SOTAY_TASK_THREADS of crash_env and the worker's --threads
BROKER = "amqp://guest:guest@127.0.0.1:5672"


def _publisher() -> str:
    """A publisher of the synthetic commune (unit 2) with a bearer token."""
    from api.auth import service as auth_service
    from api.members.models import User
    from api.org.models import RoleGrant

    with new_session() as s:
        user = User(
            full_name="Nguyễn Thị Biên Tập",
            name_sort="nguyen thi bien tap",
            party_card_number="77000001",
        )
        s.add(user)
        s.flush()
        s.add(RoleGrant(user_id=user.id, unit_id=2, role="publisher"))  # type: ignore[arg-type]
        s.flush()
        token = auth_service.start_bearer_session(s, user, "pytest", None)[0]
        s.commit()
    return token


def _seed(receiver: PushReceiver) -> tuple[Audience, dict[str, str]]:
    sub = receiver.subscription("x")
    audience = create_audience(
        get_engine(),
        cells=CELLS,
        per_cell=PER_CELL,
        endpoint=lambda i: f"{receiver.origin}/push/d{i}",
        p256dh=sub["keys"]["p256dh"],
        auth=sub["keys"]["auth"],
        second_device_every=10,
    )
    fix_sequences("org_units", "users")
    return audience, {"Authorization": f"Bearer {_publisher()}"}


def _publish(url: str, headers: dict[str, str]) -> int:
    body = {
        "kind": "resolution",
        "symbol": SYMBOL,
        "title": TITLE,
        "summary": "Mọi chi bộ học tập và triển khai trong quý.",
        "body": "Nội dung nghị quyết.",
        "issuer_id": 2,
        "issued_on": "2026-03-01",
    }
    r = httpx.post(f"{url}{API}/documents", json=body, headers=headers, timeout=30)
    assert r.status_code == 201, r.text
    doc = int(r.json()["id"])
    r = httpx.post(f"{url}{API}/documents/{doc}/publish", headers=headers, timeout=30)
    assert r.status_code == 200, r.text
    return doc


def _kill_mid_fan_out(proc: Proc, receiver: PushReceiver, audience: Audience) -> tuple[int, int]:
    """kill -9 as soon as the first inbox batch is in: the fan-out is under way.

    On a quiet machine the inbox rows (bulk INSERT … SELECT) may all be in before the kill
    lands; the pushes (4 ms each at the receiver) are then still going out, so the kill falls
    inside the fan-out either way and must leave part of it undone.
    """
    started = wait_for(lambda: count("SELECT count(*) FROM notifications") >= 1, 60, tick=0.005)
    proc.kill9()
    assert started, proc.tail()
    inbox, pushed = count("SELECT count(*) FROM notifications"), len(receiver.requests)
    assert pushed < audience.devices, "the kill came too late: every push had gone out"
    return inbox, pushed


def _finished(audience: Audience) -> bool:
    return (
        count("SELECT count(*) FROM push_deliveries WHERE status = 'sent'") == audience.devices
        and count("SELECT count(*) FROM notification_events WHERE status = 'done'") == 1
    )


def _state() -> str:
    """What the database holds, for a failure message."""
    from sqlalchemy import text

    with get_engine().connect() as conn:
        deliveries = conn.execute(
            text("SELECT status, count(*) FROM push_deliveries GROUP BY status")
        ).all()
        events = conn.execute(text("SELECT id, status FROM notification_events")).all()
    inbox = count("SELECT count(*) FROM notifications")
    return f"deliveries {deliveries}, events {events}, inbox {inbox}"


def _check(audience: Audience, receiver: PushReceiver, pushed_at_kill: int) -> None:
    # Exactly one inbox row per member of the audience: no one missed, no one twice.
    assert count("SELECT count(*) FROM notifications") == audience.users
    assert count("SELECT count(DISTINCT user_id) FROM notifications") == audience.users
    assert count("SELECT count(*) FROM notification_events") == 1
    # Every device got the push at least once (decrypted, the right title).
    assert receiver.errors == []
    per_device: dict[str, set[int]] = {}
    for r in receiver.received:
        assert SYMBOL in r.payload["title"], r.payload
        per_device.setdefault(r.device, set()).add(r.payload["notification_id"])
    assert len(per_device) == audience.devices
    assert all(len(ids) == 1 for ids in per_device.values())  # one notification per device
    # Only pushes the killed process had claimed (at most a chunk per worker thread) repeat.
    repeats = len(receiver.received) - audience.devices
    assert 0 <= repeats <= CHUNK * THREADS, repeats
    print(f"{repeats} pushes repeated after the kill (at-least-once)")


def test_kill_9_api_process_mid_publish_fan_out(tmp_path: Path) -> None:
    env = crash_env(tmp_path, SOTAY_BROKER_URL="", SOTAY_NOTIFY_BATCH_SIZE=BATCH)
    with PushReceiver(delay=0.004) as receiver:
        audience, publisher = _seed(receiver)
        first = Server(env, tmp_path / "server.log").start()
        try:
            _publish(first.url, publisher)
            inbox_at_kill, pushed_at_kill = _kill_mid_fan_out(first, receiver, audience)
        finally:
            first.stop()
        second = Server(env, tmp_path / "server.log").start()
        try:
            assert wait_for(lambda: _finished(audience), 90, tick=0.2), _state() + second.tail()
        finally:
            second.stop()
    print(f"killed at {inbox_at_kill}/{audience.users} inbox rows, {pushed_at_kill} pushes")
    _check(audience, receiver, pushed_at_kill)


def _broker_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=1):
            return True
    except OSError:
        return False


def _delete_queues(namespace: str) -> None:
    import pika

    try:
        conn = pika.BlockingConnection(pika.URLParameters(BROKER))
    except Exception:  # noqa: BLE001 - nothing to clean if the broker went away
        return
    channel = conn.channel()
    for queue in ("fanout", "push"):
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(queue=f"{namespace}.{queue}{suffix}")
    conn.close()


@needs.service(_broker_up(), "RabbitMQ is not reachable on 127.0.0.1:5672")
def test_kill_9_worker_mid_publish_fan_out_on_rabbitmq(tmp_path: Path) -> None:
    namespace = f"sotay-crash-{uuid.uuid4().hex[:8]}"  # queues of our own on a shared broker
    env = crash_env(
        tmp_path,
        SOTAY_BROKER_URL=BROKER,
        SOTAY_BROKER_NAMESPACE=namespace,
        SOTAY_NOTIFY_BATCH_SIZE=BATCH,
    )
    api = Server(env, tmp_path / "server.log")
    try:
        with PushReceiver(delay=0.004) as receiver:
            audience, publisher = _seed(receiver)
            api.start()
            worker = Proc(["worker", "--threads", "4"], env, tmp_path / "worker.log").start()
            assert wait_for(lambda: "running" in worker.tail(), 30, tick=0.1), worker.tail()
            _publish(api.url, publisher)
            inbox_at_kill, pushed_at_kill = _kill_mid_fan_out(worker, receiver, audience)
            again = Proc(["worker", "--threads", "4"], env, tmp_path / "worker.log").start()
            try:
                assert wait_for(lambda: _finished(audience), 90, tick=0.2), _state() + again.tail()
            finally:
                again.stop()
        print(f"killed at {inbox_at_kill}/{audience.users} inbox rows, {pushed_at_kill} pushes")
        _check(audience, receiver, pushed_at_kill)
    finally:
        api.stop()
        _delete_queues(namespace)
