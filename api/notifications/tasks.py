"""Periodic notification work: the outbox sweep (so a crash loses nothing) and clean-up."""

from __future__ import annotations

import logging
import time

from sqlmodel import Session

from api.config import get_settings
from api.db import new_session, utcnow
from api.notifications import delivery, devices, fanout
from api.tasks import periodic

log = logging.getLogger("sotay.notifications")


def _engine():  # type: ignore[no-untyped-def]
    from api.notifications import engine

    return engine.current() if engine.in_scheduler() else None


def sweep(session: Session) -> tuple[list[int], list[int]]:
    """Hand pending events and due deliveries to the workers, or do them here without any.

    Called by the scheduler, the work goes to the engine's workers; called directly (a
    script, a test's `run_due_jobs(force=True)`) it is done inline before returning.
    """
    now = utcnow()
    events = fanout.pending_events(session, now)
    due = delivery.due_events(session, now)
    session.commit()  # release the read (on SQLite, the write lock) before the work starts
    engine = _engine()
    if engine is not None:
        for event_id in events:
            engine.send_fanout(event_id)
        for event_id in due:
            engine.send_deliver(event_id)
        return events, due
    for event_id in events:
        if fanout.process_event(event_id) == "done":
            delivery.deliver_event(event_id)
    for event_id in due:
        delivery.deliver_event(event_id)
    return events, due


@periodic("notifications.sweep", every_seconds=get_settings().notify_sweep_seconds)
def sweep_job(session: Session) -> None:
    """The periodic outbox sweep."""
    sweep(session)


@periodic("notifications.prune_devices", every_seconds=3600)
def prune_devices(session: Session) -> None:
    """Devices of sessions revoked elsewhere (password change, deactivation) stop receiving."""
    removed = devices.prune_signed_out(session)
    if removed:
        log.info("signed-out devices removed", extra={"count": removed})


def sweep_now() -> None:
    """One sweep in its own transaction (process start)."""
    with new_session() as session:
        try:
            sweep(session)
        except Exception:  # noqa: BLE001 - the next periodic sweep tries again
            session.rollback()
            log.warning("start-up sweep failed", exc_info=True)


def drain(timeout: float = 60.0) -> bool:
    """Process every pending event and due delivery inline until none is left (tests, CLI)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with new_session() as session:
            events, due = sweep(session)
            now = utcnow()
            left = fanout.pending_events(session, now) or delivery.due_events(session, now)
            busy = fanout.busy_events(session)
        if not events and not due and not left and not busy:
            return True
        if busy and not events and not due:
            time.sleep(0.05)  # another worker holds it: wait for its batches
    return False
