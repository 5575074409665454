"""Writing notification intents (the outbox) from any domain's service.

Usage, inside the service's transaction:
    outbox.enqueue(session, category="documents", kind="document.published", ...)
After the transaction commits, registered dispatchers are told the new event ids so the
fan-out can start at once; events nobody dispatched are found later by a sweep.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlalchemy import event, select
from sqlmodel import Session, col

from api.notifications.models import NotificationEvent

Dispatcher = Callable[[list[int]], None]
_dispatchers: list[Dispatcher] = []
_PENDING = "sotay_outbox_pending"


def register_dispatcher(fn: Dispatcher) -> None:
    """Called with new event ids after each commit that enqueued some (the task engine)."""
    if fn not in _dispatchers:
        _dispatchers.append(fn)


def enqueue(
    session: Session,
    *,
    category: str,
    kind: str,
    object_type: str,
    object_id: int,
    title: str,
    url: str,
    audience: dict[str, Any],
    dedupe_key: str,
    body: str | None = None,
    exclude_user_id: int | None = None,
    urgent: bool = False,
    topic: str | None = None,
) -> NotificationEvent | None:
    """Record an intent to notify `audience`; a repeated dedupe_key is ignored."""
    existing = session.execute(
        select(col(NotificationEvent.id)).where(col(NotificationEvent.dedupe_key) == dedupe_key)
    ).first()
    if existing is not None:
        return None
    ev = NotificationEvent(
        category=category,
        kind=kind,
        object_type=object_type,
        object_id=object_id,
        title=title[:200],
        body=(body or None) and body[:500],
        url=url,
        audience=audience,
        exclude_user_id=exclude_user_id,
        urgent=urgent,
        topic=topic,
        dedupe_key=dedupe_key,
    )
    session.add(ev)
    session.flush()
    session.info.setdefault(_PENDING, []).append(ev.id)
    return ev


@event.listens_for(Session, "after_commit")
def _after_commit(session: Session) -> None:
    ids = session.info.pop(_PENDING, None)
    if ids:
        for fn in _dispatchers:
            fn(list(ids))


@event.listens_for(Session, "after_rollback")
def _after_rollback(session: Session) -> None:
    session.info.pop(_PENDING, None)
