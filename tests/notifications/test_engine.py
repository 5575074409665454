"""The task engine: in-process (embedded), on RabbitMQ with a `sotay worker` (scaled), leases."""

from __future__ import annotations

import datetime as dt
import os
import socket
import subprocess
import sys
import time
import uuid

from api.db import utcnow
from api.notifications import engine
from tests import needs
from tests.notifications.conftest import TITLE, publish, rows, subscribe

AMQP = os.environ.get("SOTAY_TEST_AMQP_URL", "amqp://guest:guest@127.0.0.1:5672/%2F")


def _wait(cond, timeout: float = 30.0) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.05)
    return False


def test_embedded_engine_fans_out_off_the_request_path(client, world, receiver, live_engine):
    assert engine.current() is live_engine and live_engine.embedded
    subscribe(client, world, "member_a1", receiver, "a1")
    event_id = publish(world, "A1")  # no drain: the in-process Dramatiq worker does it
    assert _wait(lambda: len(receiver.for_device("a1")) == 1, 15)
    assert _wait(
        lambda: (
            rows("SELECT status FROM notification_events WHERE id=:e", e=event_id)[0][0] == "done"
        )
    )
    assert receiver.for_device("a1")[0].payload["title"] == TITLE


def test_periodic_job_leases_let_one_runner_at_a_time(client):
    now = utcnow()
    assert engine.take_lease("test.job", 60, now, 60)
    assert not engine.take_lease("test.job", 60, now, 60)  # held
    engine.release_lease("test.job")
    assert not engine.take_lease("test.job", 60, now + dt.timedelta(seconds=30), 60)  # not due
    assert engine.take_lease("test.job", 60, now + dt.timedelta(seconds=61), 60)
    # A holder that died: its lease runs out and someone else takes over.
    assert engine.take_lease("test.job", 1, now + dt.timedelta(seconds=200), 60)


def _rabbitmq_up() -> bool:
    try:
        with socket.create_connection(("127.0.0.1", 5672), timeout=2):
            return True
    except OSError:
        return False


def _delete_queues(namespace: str) -> None:
    import pika

    conn = pika.BlockingConnection(pika.URLParameters(AMQP))
    channel = conn.channel()
    for q in ("fanout", "push"):
        for suffix in ("", ".DQ", ".XQ"):
            channel.queue_delete(f"{namespace}.{q}{suffix}")
    conn.close()


@needs.service(_rabbitmq_up(), "RabbitMQ is not reachable on 127.0.0.1:5672")
def test_scaled_shape_runs_on_a_sotay_worker_through_rabbitmq(client, world, receiver, manual):
    namespace = f"sotaytest{uuid.uuid4().hex[:10]}"
    env = os.environ | {
        "SOTAY_BROKER_URL": AMQP,
        "SOTAY_BROKER_NAMESPACE": namespace,
        "SOTAY_NOTIFY_SWEEP_SECONDS": "3600",  # prove the message path, not the sweep
    }
    subscribe(client, world, "member_a1", receiver, "a1")
    subscribe(client, world, "member_a1b", receiver, "a1b")
    worker = subprocess.Popen(
        [sys.executable, "-m", "api.cli", "worker", "--threads", "2"],
        env=env,
        stdout=subprocess.PIPE,
        text=True,
    )
    producer = engine.Engine(AMQP, namespace)
    producer.consume = False
    try:
        line = worker.stdout.readline() if worker.stdout else ""
        assert "sotay worker" in line, line
        event_id = publish(world, "A1")  # the embedded engine is off: nothing in-process
        producer.send_fanout(event_id)
        assert _wait(lambda: len(receiver.received) == 2, 30), receiver.requests
        assert sorted(r.device for r in receiver.received) == ["a1", "a1b"]
        assert receiver.errors == []
        done = rows("SELECT status FROM notification_events WHERE id = :e", e=event_id)
        assert done[0][0] == "done"
        # Acknowledged after completion: nothing left ready or unacked on the queues.
        assert _wait(
            lambda: producer.broker.get_queue_message_counts(f"{namespace}.fanout")[0] == 0, 10
        )
    finally:
        worker.terminate()
        code = worker.wait(timeout=60)
        producer.broker.close()
        _delete_queues(namespace)
    assert code == 0
