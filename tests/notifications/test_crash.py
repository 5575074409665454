"""kill -9 in the middle of a fan-out: after a restart every member has exactly one inbox row
and every device got the push (at least once)."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

from sqlalchemy import text
from sqlmodel import Session

from api.db import make_engine
from api.notifications import engine as task_engine
from api.notifications import outbox
from seed.push_audience import create_audience
from tests.notifications.receivers import PushReceiver

TITLE = "Nghị quyết số 18-NQ/TW: tiếp tục đổi mới, sắp xếp tổ chức bộ máy"
CELLS, PER_CELL = 60, 50  # 3,000 members, 3,300 devices


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _serve(env: dict[str, str], port: int, log: Path) -> subprocess.Popen[bytes]:
    out = log.open("ab")
    return subprocess.Popen(
        [sys.executable, "-m", "api.cli", "serve", "--port", str(port)],
        env=env,
        stdout=out,
        stderr=subprocess.STDOUT,
    )


def _count(db, sql: str) -> int:  # type: ignore[no-untyped-def]
    with db.connect() as conn:
        return int(conn.execute(text(sql)).scalar_one())


def _wait(cond, timeout: float) -> bool:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(0.1)
    return False


def test_kill_9_mid_fan_out_then_restart_completes_without_duplicates(tmp_path):
    assert task_engine.current() is None  # nothing in this process may touch that database
    url = f"sqlite:///{tmp_path / 'crash.db'}"
    env = {k: v for k, v in os.environ.items() if not k.startswith("SOTAY_")} | {
        "SOTAY_ENV": "development",
        "SOTAY_DATA_DIR": str(tmp_path),
        "SOTAY_DATABASE_URL": url,
        "SOTAY_PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "SOTAY_QUIET_HOURS_DEFAULT": "off",  # the pushes must go out whatever the hour
        "SOTAY_NOTIFY_BATCH_SIZE": "100",
        "SOTAY_NOTIFY_LEASE_SECONDS": "3",
        "SOTAY_NOTIFY_SWEEP_SECONDS": "1",
        "SOTAY_TASK_THREADS": "4",
        "SOTAY_LOG_JSON": "true",
    }
    subprocess.run([sys.executable, "-m", "api.cli", "migrate"], env=env, check=True)
    db = make_engine(url)
    with PushReceiver(delay=0.004) as receiver:
        sub = receiver.subscription("x")
        audience = create_audience(
            db,
            cells=CELLS,
            per_cell=PER_CELL,
            endpoint=lambda i: f"{receiver.origin}/push/d{i}",
            p256dh=sub["keys"]["p256dh"],
            auth=sub["keys"]["auth"],
            second_device_every=10,
        )
        with Session(db) as s:
            outbox.enqueue(
                s,
                category="documents",
                kind="document.published",
                object_type="document",
                object_id=18,
                title=TITLE,
                url="/documents/18",
                audience={"unit_paths": [audience.commune_path]},
                dedupe_key="crash:doc:18",
            )
            s.commit()

        port = _free_port()
        log = tmp_path / "server.log"
        first = _serve(env, port, log)
        try:
            # Early: the inbox fan-out is still going on and the first pushes are out.
            assert _wait(lambda: len(receiver.requests) >= 20, 60), log.read_text()[-2000:]
        finally:
            first.send_signal(signal.SIGKILL)
            first.wait(timeout=10)
        inbox_at_kill = _count(db, "SELECT count(*) FROM notifications")
        pushed_at_kill = len(receiver.requests)
        assert pushed_at_kill < audience.devices, "the kill came too late to prove anything"

        second = _serve(env, port, log)
        try:
            done = _wait(
                lambda: (
                    _count(db, "SELECT count(*) FROM push_deliveries WHERE status = 'sent'")
                    == audience.devices
                    and _count(db, "SELECT count(*) FROM notification_events WHERE status='done'")
                    == 1
                ),
                120,
            )
            assert done, log.read_text()[-3000:]
        finally:
            second.send_signal(signal.SIGTERM)
            second.wait(timeout=60)

    print(
        f"killed with {inbox_at_kill} inbox rows and {pushed_at_kill} pushes of {audience.devices}"
    )
    # Exactly one inbox row per member: no one missed, no one twice.
    assert _count(db, "SELECT count(*) FROM notifications") == audience.users
    assert _count(db, "SELECT count(DISTINCT user_id) FROM notifications") == audience.users
    # Every device got the push at least once, decrypted to the right title.
    assert receiver.errors == []
    per_device: dict[str, set[int]] = {}
    for r in receiver.received:
        assert r.payload["title"] == TITLE
        per_device.setdefault(r.device, set()).add(r.payload["notification_id"])
    assert len(per_device) == audience.devices
    assert all(len(ids) == 1 for ids in per_device.values())  # one notification per device
    repeats = len(receiver.received) - audience.devices
    assert repeats <= pushed_at_kill  # only pushes in flight at the kill may repeat
    db.dispose()
