"""Real `sotay serve` / `sotay worker` processes that a crash test can kill -9 and restart.

They share the test database (SOTAY_DATABASE_URL of this run) but run their task engine as
in production (SOTAY_ENV=development): fan-outs go on behind the request, and a restarted
process sweeps up what a dead one left.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import text

from api.db import get_engine
from tests.serving import free_port, wait_ready

SOTAY = str(Path(sys.executable).with_name("sotay"))


def crash_env(tmp: Path, **extra: str) -> dict[str, str]:
    """The test database, a live task engine, quick leases and sweeps."""
    return (
        dict(os.environ)
        | {
            "SOTAY_ENV": "development",
            "SOTAY_DATA_DIR": str(tmp),
            "SOTAY_NOTIFY_LEASE_SECONDS": "3",
            "SOTAY_NOTIFY_SWEEP_SECONDS": "1",
            "SOTAY_TASK_THREADS": "4",
            # Pushes are deferred in quiet hours (22:00–06:00 Vietnam time by default): the
            # crash tests must not depend on the time of day they run at.
            "SOTAY_QUIET_HOURS_DEFAULT": "off",
        }
        | extra
    )


class Proc:
    """One server or worker process, logging to a file."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args, self.env, self.log = args, env, log
        self.proc: subprocess.Popen[bytes] | None = None

    def start(self) -> Proc:
        out = self.log.open("ab")
        self.proc = subprocess.Popen(  # noqa: S603 - our own entry point, fixed arguments
            [SOTAY, *self.args], env=self.env, stdout=out, stderr=subprocess.STDOUT
        )
        return self

    def kill9(self) -> None:
        assert self.proc is not None
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=10)

    def stop(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(timeout=20)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()

    def tail(self) -> str:
        return self.log.read_text(errors="replace")[-3000:] if self.log.exists() else ""


class Server(Proc):
    def __init__(self, env: dict[str, str], log: Path) -> None:
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        super().__init__(["serve", "--host", "127.0.0.1", "--port", str(self.port)], env, log)

    def start(self) -> Server:
        super().start()
        wait_ready(self.url, timeout=90)  # a loaded machine starts slowly
        return self


def count(sql: str, **params: object) -> int:
    with get_engine().connect() as conn:
        return int(conn.execute(text(sql), params).scalar_one())


def wait_for(cond: Callable[[], bool], timeout: float, tick: float = 0.02) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if cond():
            return True
        time.sleep(tick)
    return False


def fix_sequences(*tables: str) -> None:
    """After bulk inserts with explicit ids, PostgreSQL's sequences must catch up."""
    engine = get_engine()
    if engine.dialect.name != "postgresql":
        return
    with engine.begin() as conn:
        for table in tables:
            conn.execute(
                text(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "  # noqa: S608
                    f"(SELECT max(id) FROM {table}))"
                )
            )
