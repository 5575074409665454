"""The history of an assignment: every change is an event row, read back in order."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, or_, select

from api.assignments.access import Access, names
from api.assignments.models import AssignmentEvent, AssignmentRecord
from api.assignments.schemas import EventPublic, PersonBrief
from api.db import utcnow
from api.errors import NotFound
from api.i18n import t
from api.pagination import decode_cursor, encode_cursor
from api.text import format_vn_datetime


def add_event(
    session: Session,
    *,
    assignment_id: int,
    kind: str,
    actor_id: int | None,
    record: AssignmentRecord | None = None,
    from_state: str | None = None,
    to_state: str | None = None,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> AssignmentEvent:
    """Append one line of history to the current transaction."""
    event = AssignmentEvent(
        assignment_id=assignment_id,
        record_id=record.id if record is not None else None,
        actor_id=actor_id,
        at=at or utcnow(),
        kind=kind,
        from_state=from_state,
        to_state=to_state,
        note=note,
        data=data or None,
    )
    session.add(event)
    session.flush()
    return event


def list_events(
    session: Session, access: Access, *, user_id: int | None, cursor: str | None, limit: int
) -> tuple[list[EventPublic], str | None]:
    """Events the caller may read, oldest first.

    An assignee reads their own record's events and those about the whole assignment; the
    cell's followers read every record's, or one assignee's with `user_id`.
    """
    aid = access.assignment.id
    stmt = select(AssignmentEvent).where(AssignmentEvent.assignment_id == aid)
    record_ids: dict[int, int] = {}
    if access.follower:
        rows = session.exec(
            select(AssignmentRecord.id, AssignmentRecord.assignee_id).where(
                AssignmentRecord.assignment_id == aid
            )
        )
        record_ids = {int(r): int(u) for r, u in rows if r is not None}
        if user_id is not None:
            mine = [r for r, u in record_ids.items() if u == user_id]
            if not mine:
                raise NotFound()
            stmt = stmt.where(
                or_(col(AssignmentEvent.record_id).is_(None), AssignmentEvent.record_id == mine[0])
            )
    else:
        own = access.own
        assert own is not None and own.id is not None  # load() guarantees it
        if user_id is not None and user_id != own.assignee_id:
            raise NotFound()
        record_ids = {own.id: own.assignee_id}
        stmt = stmt.where(
            or_(col(AssignmentEvent.record_id).is_(None), AssignmentEvent.record_id == own.id)
        )
    after = decode_cursor(cursor, 1)
    if after is not None:
        stmt = stmt.where(col(AssignmentEvent.id) > int(after[0] or 0))
    events = list(session.exec(stmt.order_by(col(AssignmentEvent.id)).limit(limit + 1)))
    next_cursor = None
    if len(events) > limit:
        events = events[:limit]
        next_cursor = encode_cursor([events[-1].id])
    people = names(session, [e.actor_id for e in events if e.actor_id is not None])
    return [_public(e, people, record_ids) for e in events], next_cursor


def _public(
    event: AssignmentEvent, people: dict[int, str], record_ids: dict[int, int]
) -> EventPublic:
    actor = None
    if event.actor_id is not None:
        actor = PersonBrief(id=event.actor_id, full_name=people.get(event.actor_id, ""))
    return EventPublic(
        id=event.id,  # type: ignore[arg-type]
        at=event.at,
        at_local=format_vn_datetime(event.at),
        kind=event.kind,
        label=t(f"assignment.event.{event.kind}", "vi"),
        actor=actor,
        user_id=record_ids.get(event.record_id) if event.record_id is not None else None,
        from_state=event.from_state,
        to_state=event.to_state,
        note=event.note,
        data=event.data,
    )


def event_public(session: Session, access: Access, event: AssignmentEvent) -> EventPublic:
    """One event as its reader sees it."""
    record_ids: dict[int, int] = {}
    if event.record_id is not None:
        record = session.get(AssignmentRecord, event.record_id)
        if record is not None:
            record_ids[event.record_id] = record.assignee_id
    people = names(session, [event.actor_id] if event.actor_id is not None else [])
    return _public(event, people, record_ids)
