"""The task engine: Dramatiq actors for fan-out and push delivery, plus the job scheduler.

Embedded shape (no SOTAY_BROKER_URL): a StubBroker and a `dramatiq.Worker` inside the API
process, started on the first message; the outbox rows and the sweep make it durable (the
stub broker's memory is not). Scaled shape: RabbitMQ; API processes only send, and
`sotay worker` processes consume (acked after the actor finishes) and run periodic jobs, each
job under a lease row so only one process runs it at a time. See docs/notifications.md.
"""

from __future__ import annotations

import datetime as dt
import importlib
import logging
import os
import pkgutil
import signal
import socket
import threading
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import dramatiq
from dramatiq.brokers.stub import StubBroker
from sqlalchemy import or_, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import col

from api.config import get_settings
from api.db import new_session, utcnow
from api.notifications import delivery, fanout, outbox
from api.notifications.models import TaskLease

log = logging.getLogger("sotay.tasks")
LEASES: Any = TaskLease.__table__  # type: ignore[attr-defined]
_lock = threading.Lock()
_current: Engine | None = None
_scheduler_thread = threading.local()
HOLDER = f"{socket.gethostname()[:30]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
MAX_DELAY_MS = 3600 * 1000  # later retries are found by the sweep instead


def make_broker(url: str) -> dramatiq.Broker:
    """RabbitMQ for amqp:// URLs, Redis for redis://, else the in-process StubBroker."""
    if url.startswith(("amqp://", "amqps://")):
        from dramatiq.brokers.rabbitmq import RabbitmqBroker

        return RabbitmqBroker(url=url, confirm_delivery=True)
    if url.startswith(("redis://", "rediss://")):
        from dramatiq.brokers.redis import RedisBroker

        return RedisBroker(url=url)
    return StubBroker()


class Engine:
    """One broker with the notification actors; optionally a worker consuming them."""

    def __init__(self, broker_url: str, namespace: str, *, threads: int = 4) -> None:
        self.embedded = not broker_url
        self.broker = make_broker(broker_url)
        dramatiq.set_broker(self.broker)
        self.threads = threads
        self.worker: dramatiq.Worker | None = None
        self.consume = self.embedded
        self.inline = False  # the test profile: work done in the committing thread
        options: dict[str, Any] = {
            "broker": self.broker,
            "max_retries": 8,
            "min_backoff": 1000,
            "max_backoff": 300_000,
            "time_limit": 15 * 60 * 1000,
        }
        self.fanout_actor = dramatiq.actor(  # type: ignore[call-overload]
            self._fanout,
            actor_name="notifications.fanout",
            queue_name=f"{namespace}.fanout",
            **options,
        )
        self.deliver_actor = dramatiq.actor(  # type: ignore[call-overload]
            self._deliver,
            actor_name="notifications.deliver",
            queue_name=f"{namespace}.push",
            **options,
        )

    # --- actors ----------------------------------------------------------------------------
    def _fanout(self, event_id: int) -> None:
        result = fanout.process_event(event_id, on_batch=lambda eid: self.send_deliver(eid))
        if result == "more":
            self.send_fanout(event_id)

    def _deliver(self, event_id: int) -> None:
        report = delivery.deliver_event(event_id)
        if report.more:
            self.send_deliver(event_id)
        elif report.next_due is not None:
            delay = (report.next_due - utcnow()).total_seconds() * 1000
            if delay <= MAX_DELAY_MS:
                self.send_deliver(event_id, delay_ms=max(0, int(delay)) + 50)

    # --- sending ---------------------------------------------------------------------------
    def send_fanout(self, event_id: int) -> None:
        """Ask a worker to fan this event out (a lost message is found by the sweep)."""
        self._send(self.fanout_actor, event_id, None)

    def send_deliver(self, event_id: int, delay_ms: int | None = None) -> None:
        """Ask a worker to push this event's due deliveries."""
        self._send(self.deliver_actor, event_id, delay_ms)

    def _send(self, actor: Any, event_id: int, delay_ms: int | None) -> None:
        try:
            actor.send_with_options(args=(event_id,), delay=delay_ms)
        except Exception:  # noqa: BLE001 - the event is durable; the sweep will find it
            log.warning("could not reach the task broker", exc_info=True)
            return
        if self.consume:
            self.ensure_worker()

    # --- the worker ------------------------------------------------------------------------
    def ensure_worker(self) -> None:
        """Start consuming (embedded: on the first message, so idle processes pay nothing)."""
        with _lock:
            if self.worker is None:
                timeout = 100 if self.embedded else 1000
                self.worker = dramatiq.Worker(
                    self.broker, worker_threads=self.threads, worker_timeout=timeout
                )
                self.worker.start()

    def stop(self) -> None:
        """Finish in-flight messages and stop."""
        if self.worker is not None:
            self.worker.stop(timeout=30_000)
            self.worker = None
        self.broker.close()

    def join(self) -> None:
        """Wait until the in-process queues are empty (embedded shape; tests)."""
        if isinstance(self.broker, StubBroker) and self.worker is not None:
            for queue in list(self.broker.queues):
                self.broker.join(queue, fail_fast=False)
            self.worker.join()


def current() -> Engine | None:
    """The engine this process runs, if any."""
    return _current


def _dispatch(event_ids: list[int]) -> None:
    """The outbox's after-commit hook: start fanning out at once."""
    engine = _current
    if engine is None:
        return
    for event_id in event_ids:
        if not engine.inline:
            engine.send_fanout(event_id)
            continue
        try:
            if fanout.process_event(event_id) == "done":
                delivery.deliver_event(event_id)
        except Exception:  # noqa: BLE001 - the event stays pending for the sweep
            log.warning("inline fan-out failed", exc_info=True, extra={"event_id": event_id})


outbox.register_dispatcher(_dispatch)


# --- periodic jobs under leases ----------------------------------------------------------------
def import_task_modules() -> None:
    """Every domain's `tasks.py`, so their @periodic jobs are registered in this process."""
    root = Path(__file__).resolve().parent.parent
    for info in sorted(pkgutil.iter_modules([str(root)]), key=lambda i: i.name):
        if info.ispkg and (root / info.name / "tasks.py").exists():
            importlib.import_module(f"api.{info.name}.tasks")


def take_lease(name: str, every_seconds: int, now: dt.datetime, lease_seconds: int) -> bool:
    """Whether this process may run job `name` now: due, and nobody else is running it."""
    with new_session() as session:
        dialect_insert = (
            postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
        )
        session.execute(dialect_insert(LEASES).values(name=name).on_conflict_do_nothing())
        result = session.execute(
            update(TaskLease)
            .where(
                col(TaskLease.name) == name,
                or_(col(TaskLease.lease_until).is_(None), col(TaskLease.lease_until) < now),
                or_(
                    col(TaskLease.last_started_at).is_(None),
                    col(TaskLease.last_started_at) <= now - dt.timedelta(seconds=every_seconds),
                ),
            )
            .values(
                holder=HOLDER,
                lease_until=now + dt.timedelta(seconds=lease_seconds),
                last_started_at=now,
            )
        )
        session.commit()
        return bool(result.rowcount)  # type: ignore[attr-defined]


def release_lease(name: str) -> None:
    """The job finished: free the lease and remember when."""
    with new_session() as session:
        session.execute(
            update(TaskLease)
            .where(col(TaskLease.name) == name, col(TaskLease.holder) == HOLDER)
            .values(holder=None, lease_until=None, last_finished_at=utcnow())
        )
        session.commit()


def in_scheduler() -> bool:
    """Whether this thread is the engine's scheduler (jobs then hand work to the workers)."""
    return bool(getattr(_scheduler_thread, "active", False))


class Scheduler(threading.Thread):
    """Runs due periodic jobs, each under its lease; the first runs wait a little after start."""

    def __init__(self, first_delay: float = 60.0, tick: float = 1.0) -> None:
        super().__init__(name="sotay-scheduler", daemon=True)
        self.first_delay, self.tick = first_delay, tick
        self._stop_event = threading.Event()
        self._next: dict[str, float] = {}

    def run(self) -> None:
        from api.tasks import periodic_jobs, run_job

        _scheduler_thread.active = True
        from api.notifications import tasks as notification_tasks

        notification_tasks.sweep_now()  # at process start: whatever a crash left behind
        started = time.monotonic()
        while not self._stop_event.wait(self.tick):
            for job in periodic_jobs():
                now = time.monotonic()
                first = started + min(job.every_seconds, self.first_delay)
                if now < max(first, self._next.get(job.name, 0.0)):
                    continue
                self._next[job.name] = now + min(job.every_seconds, 10)
                try:
                    lease = max(60, job.every_seconds)
                    if not take_lease(job.name, job.every_seconds, utcnow(), lease):
                        continue
                except Exception:  # noqa: BLE001 - the database may be briefly away
                    log.warning("job lease failed", exc_info=True, extra={"job": job.name})
                    continue
                run_job(job)  # logs and swallows the job's own failures
                try:
                    release_lease(job.name)
                except Exception:  # noqa: BLE001 - the lease simply runs out
                    log.warning("job lease release failed", exc_info=True)
                self._next[job.name] = time.monotonic() + job.every_seconds

    def stop(self) -> None:
        """Stop after the job in progress."""
        self._stop_event.set()
        if self.is_alive() and threading.current_thread() is not self:
            self.join(timeout=30)


# --- process lifecycle -------------------------------------------------------------------------
engine_scheduler: dict[int, Scheduler] = {}  # engine id → its scheduler thread


def start(*, consume: bool | None = None, scheduler: bool | None = None) -> Engine:
    """Start this process's engine (API lifespan or `sotay worker`)."""
    global _current
    from api.notifications import fcm

    s = get_settings()
    import_task_modules()
    engine = Engine(s.broker_url, s.broker_namespace, threads=s.task_threads)
    # Under the test profile nothing runs behind a test's back (a fan-out racing the test's
    # TRUNCATE deadlocks on PostgreSQL): events are processed inline right after the commit
    # that wrote them, unless a test starts a live engine itself.
    automatic = s.env != "test"
    engine.consume = consume if consume is not None else engine.embedded and automatic
    engine.inline = consume is None and engine.embedded and not automatic
    if scheduler is None:
        scheduler = engine.embedded and automatic
    with _lock:
        _current = engine
    fcm.app()  # says once whether FCM is on
    if engine.consume and not engine.embedded:
        engine.ensure_worker()
    if scheduler:
        sched = Scheduler()
        engine_scheduler[id(engine)] = sched
        sched.start()
    return engine


def stop(engine: Engine) -> None:
    """Stop the scheduler, then the worker (in-flight messages finish first)."""
    global _current
    sched = engine_scheduler.pop(id(engine), None)
    if sched is not None:
        sched.stop()
    with _lock:
        if _current is engine:
            _current = None
    engine.stop()


@contextmanager
def running(**kwargs: Any) -> Iterator[Engine]:
    """The engine for the duration of a block (the API's lifespan)."""
    engine = start(**kwargs)
    try:
        yield engine
    finally:
        stop(engine)


def run_worker(processes: int = 1, threads: int = 4) -> int:
    """`sotay worker`: consume the broker's queues and run periodic jobs until SIGTERM/SIGINT."""
    import subprocess
    import sys

    if processes > 1:
        args = [sys.executable, "-m", "api.cli", "worker", "--processes", "1"]
        # Our own interpreter and module, fixed arguments: nothing from outside the process.
        cmd = [*args, "--threads", str(threads)]
        children = [subprocess.Popen(cmd) for _ in range(processes)]  # noqa: S603
        try:
            return max(child.wait() for child in children)
        except KeyboardInterrupt:
            for child in children:
                child.terminate()
            return 0
    get_settings().task_threads = threads
    from api.migrate import upgrade

    if get_settings().is_sqlite:
        upgrade()  # the embedded database may be new; PostgreSQL is migrated by `sotay migrate`
    done = threading.Event()
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: done.set())
    engine = start(consume=True, scheduler=True)
    engine.ensure_worker()
    log.info("worker started", extra={"broker": "rabbitmq" if not engine.embedded else "stub"})
    print(f"sotay worker: {HOLDER} chạy / running", flush=True)
    done.wait()
    stop(engine)
    return 0
