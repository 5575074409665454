"""Fan-out: an outbox event becomes inbox rows and delivery rows, batch by batch.

Each batch is one transaction: an INSERT … SELECT of inbox rows (ON CONFLICT DO NOTHING on
(user_id, event_id)), an INSERT … SELECT of delivery rows (unique per event and device) and
the progress cursor. A process killed at any point leaves either a whole batch or none, and
whoever takes the lease next resumes at the cursor. The event is done after the last batch.
"""

from __future__ import annotations

import datetime as dt
import logging
import time
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, literal, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from api.audit import service as audit
from api.auth.models import AuthSession
from api.authz import in_any_subtree
from api.config import get_settings
from api.db import UTCDateTime, new_session, utcnow
from api.members.models import User
from api.notifications.models import (
    CATEGORIES,
    Notification,
    NotificationEvent,
    NotificationFanout,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from api.org.models import OrgUnit

log = logging.getLogger("sotay.notifications")
INBOX: Any = Notification.__table__  # type: ignore[attr-defined]
DELIVERIES: Any = PushDelivery.__table__  # type: ignore[attr-defined]
FANOUTS: Any = NotificationFanout.__table__  # type: ignore[attr-defined]


@dataclass
class Batch:
    """The recipients of one transaction: whole cells (unit audiences) or listed users."""

    cursor: int  # the cursor value once this batch is committed
    cell_ids: list[int] | None = None
    user_ids: list[int] | None = None


def insert_ignore(session: Session, table: Any, columns: Sequence[str], source: Any) -> int:
    """INSERT … SELECT … ON CONFLICT DO NOTHING on either database; returns rows inserted."""
    name = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
    stmt = dialect_insert(table).from_select(list(columns), source).on_conflict_do_nothing()
    return int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]


def _batches(session: Session, ev: NotificationEvent, cursor: int, size: int) -> list[Batch]:
    """The remaining batches after `cursor`, computed from the audience (resumable)."""
    audience = ev.audience or {}
    if audience.get("unit_paths"):
        # Whole cells per batch: the subtree is one range scan and users are found by cell.
        stmt = (
            select(col(User.cell_id), func.count())
            .join(OrgUnit, col(OrgUnit.id) == col(User.cell_id))
            .where(
                in_any_subtree(OrgUnit.path, [str(p) for p in audience["unit_paths"]]),
                col(User.is_active).is_(True),
                col(User.cell_id) > cursor,
            )
            .group_by(col(User.cell_id))
            .order_by(col(User.cell_id))
        )
        batches: list[Batch] = []
        current: list[int] = []
        members = 0
        for cell_id, count in session.execute(stmt):
            current.append(int(cell_id))
            members += int(count)
            if members >= size:
                batches.append(Batch(cursor=current[-1], cell_ids=current))
                current, members = [], 0
        if current:
            batches.append(Batch(cursor=current[-1], cell_ids=current))
        return batches
    ids = sorted({int(i) for i in audience.get("user_ids") or [] if int(i) > cursor})
    return [Batch(cursor=chunk[-1], user_ids=chunk) for chunk in _chunks(ids, size)]


def _chunks(items: list[int], size: int) -> list[list[int]]:
    return [items[i : i + size] for i in range(0, len(items), size)]


def _recipients(ev: NotificationEvent, batch: Batch) -> Select[Any]:
    """Active members of the batch, less the actor."""
    stmt = select(col(User.id)).where(col(User.is_active).is_(True))
    if batch.cell_ids is not None:
        stmt = stmt.where(col(User.cell_id).in_(batch.cell_ids))
    else:
        stmt = stmt.where(col(User.id).in_(batch.user_ids or []))
    if ev.exclude_user_id is not None:
        stmt = stmt.where(col(User.id) != ev.exclude_user_id)
    return stmt


def _write_batch(
    session: Session, ev: NotificationEvent, batch: Batch, now: dt.datetime
) -> tuple[int, int]:
    """Inbox rows and delivery rows for one batch; returns how many of each were new."""
    recipients = _recipients(ev, batch)
    ts = literal(now, UTCDateTime())
    inbox = recipients.with_only_columns(col(User.id), literal(ev.id), ts)
    added = insert_ignore(session, INBOX, ["user_id", "event_id", "created_at"], inbox)
    category = ev.category if ev.category in CATEGORIES else "documents"
    wants_push = getattr(NotificationPreference, f"push_{category}")
    devices = (
        select(
            literal(ev.id),
            col(Notification.id),
            col(PushSubscription.id),
            col(PushSubscription.kind),
            literal("queued"),
            literal(0),
            ts,
            ts,
        )
        .select_from(Notification)
        .join(PushSubscription, col(PushSubscription.user_id) == col(Notification.user_id))
        .outerjoin(
            NotificationPreference,
            col(NotificationPreference.user_id) == col(Notification.user_id),
        )
        .outerjoin(AuthSession, col(AuthSession.id) == col(PushSubscription.auth_session_id))
        .where(
            col(Notification.event_id) == ev.id,
            col(Notification.user_id).in_(recipients),
            or_(col(NotificationPreference.user_id).is_(None), wants_push.is_(True)),
            col(AuthSession.revoked_at).is_(None),
        )
    )
    columns = [
        "event_id",
        "notification_id",
        "subscription_id",
        "kind",
        "status",
        "attempts",
        "next_attempt_at",
        "created_at",
    ]
    queued = insert_ignore(session, DELIVERIES, columns, devices)
    return added, queued


def _take_lease(session: Session, event_id: int, holder: str, now: dt.datetime) -> bool:
    """Become the one process fanning this event out (a dead holder's lease runs out)."""
    name = session.get_bind().dialect.name
    dialect_insert = postgresql.insert if name == "postgresql" else sqlite.insert
    session.execute(
        dialect_insert(FANOUTS)
        .values(event_id=event_id, cursor=0, recipients=0, deliveries=0, batches=0, started_at=now)
        .on_conflict_do_nothing()
    )
    lease = now + dt.timedelta(seconds=get_settings().notify_lease_seconds)
    result = session.execute(
        update(NotificationFanout)
        .where(
            col(NotificationFanout.event_id) == event_id,
            col(NotificationFanout.finished_at).is_(None),
            or_(
                col(NotificationFanout.lease_until).is_(None),
                col(NotificationFanout.lease_until) < now,
                col(NotificationFanout.holder) == holder,
            ),
        )
        .values(holder=holder, lease_until=lease)
    )
    return bool(result.rowcount)  # type: ignore[attr-defined]


def process_event(
    event_id: int,
    *,
    on_batch: Callable[[int], None] | None = None,
    budget_seconds: float = 240.0,
) -> str:
    """Fan one event out; returns "done", "busy" (someone else has it) or "more" (budget)."""
    holder = uuid.uuid4().hex
    with new_session() as session:
        ev = session.get(NotificationEvent, event_id)
        if ev is None or ev.status == "done":
            return "done"
        if not _take_lease(session, event_id, holder, utcnow()):
            session.rollback()
            return "busy"
        session.commit()
        progress = session.get(NotificationFanout, event_id)
        assert progress is not None
        size = max(1, get_settings().notify_batch_size)
        batches = _batches(session, ev, progress.cursor, size)
    started = time.monotonic()
    for batch in batches:
        if not _commit_batch(ev, batch, holder):
            return "busy"  # lost the lease (we were too slow): the new holder goes on
        if on_batch is not None:
            on_batch(event_id)
        if time.monotonic() - started > budget_seconds:
            _release(event_id, holder)
            return "more"
    _finish(ev, holder)
    return "done"


def _commit_batch(ev: NotificationEvent, batch: Batch, holder: str) -> bool:
    """One batch and its progress in one transaction."""
    now = utcnow()
    lease = now + dt.timedelta(seconds=get_settings().notify_lease_seconds)
    with new_session() as session:
        added, queued = _write_batch(session, ev, batch, now)
        moved = session.execute(
            update(NotificationFanout)
            .where(
                col(NotificationFanout.event_id) == ev.id,
                col(NotificationFanout.holder) == holder,
            )
            .values(
                cursor=batch.cursor,
                recipients=col(NotificationFanout.recipients) + added,
                deliveries=col(NotificationFanout.deliveries) + queued,
                batches=col(NotificationFanout.batches) + 1,
                lease_until=lease,
            )
        )
        if not moved.rowcount:  # type: ignore[attr-defined]
            session.rollback()
            return False
        session.commit()
    return True


def _release(event_id: int, holder: str) -> None:
    with new_session() as session:
        session.execute(
            update(NotificationFanout)
            .where(
                col(NotificationFanout.event_id) == event_id,
                col(NotificationFanout.holder) == holder,
            )
            .values(holder=None, lease_until=None)
        )
        session.commit()


def _finish(ev: NotificationEvent, holder: str) -> None:
    """Every batch is in: the fan-out and the outbox event are done."""
    now = utcnow()
    with new_session() as session:
        moved = session.execute(
            update(NotificationFanout)
            .where(
                col(NotificationFanout.event_id) == ev.id,
                col(NotificationFanout.holder) == holder,
            )
            .values(holder=None, lease_until=None, finished_at=now)
        )
        if not moved.rowcount:  # type: ignore[attr-defined]
            session.rollback()
            return
        session.execute(
            update(NotificationEvent)
            .where(col(NotificationEvent.id) == ev.id)
            .values(status="done", processed_at=now)
        )
        progress = session.get(NotificationFanout, ev.id)
        audit.record(
            session,
            actor_id=None,
            action="notification.fanout_done",
            object_type="notification_event",
            object_id=ev.id,
            after={
                "kind": ev.kind,
                "recipients": progress.recipients if progress else None,
                "deliveries": progress.deliveries if progress else None,
            },
        )
        session.commit()
    log.info("fan-out done", extra={"event_id": ev.id, "kind": ev.kind})


def pending_events(session: Session, now: dt.datetime, limit: int = 500) -> list[int]:
    """Events not yet fanned out whose fan-out nobody holds (new, or its holder died)."""
    stmt = (
        select(col(NotificationEvent.id))
        .outerjoin(
            NotificationFanout, col(NotificationFanout.event_id) == col(NotificationEvent.id)
        )
        .where(
            col(NotificationEvent.status) == "pending",
            or_(
                col(NotificationFanout.event_id).is_(None),
                col(NotificationFanout.lease_until).is_(None),
                col(NotificationFanout.lease_until) < now,
            ),
        )
        .order_by(col(NotificationEvent.id))
        .limit(limit)
    )
    return [int(i) for i in session.execute(stmt).scalars()]


def busy_events(session: Session) -> list[int]:
    """Events whose fan-out or pushes a live worker is holding right now."""
    now = utcnow()
    held = select(col(NotificationFanout.event_id)).where(
        col(NotificationFanout.finished_at).is_(None),
        col(NotificationFanout.lease_until) >= now,
    )
    claimed = (
        select(col(PushDelivery.event_id))
        .where(col(PushDelivery.status) == "queued", col(PushDelivery.claimed_until) >= now)
        .limit(1)
    )
    ids = set(session.execute(held).scalars()) | set(session.execute(claimed).scalars())
    return sorted(int(i) for i in ids)
