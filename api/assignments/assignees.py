"""Who an assignment is given to: choosing assignees, adding them later, taking them off."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, select

from api.assignments import giving
from api.assignments.access import (
    Access,
    cell_member_ids,
    check_assignees,
    load,
    record_of,
    require_manager,
    require_open,
)
from api.assignments.history import add_event
from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.notify import notify
from api.assignments.schemas import AssigneesAdd
from api.assignments.states import State, next_state
from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, ValidationFailed


def chosen(
    session: Session,
    cell_id: int,
    user_ids: list[int] | None,
    all_members: bool,
    field: str = "assignee_ids",
) -> list[int]:
    """Assignees named by `user_ids` (the body's `field`) or `all_members`: exactly one."""
    if all_members and user_ids:
        raise ValidationFailed(errors=[FieldError(field, "assignment.field.assignees_either")])
    if all_members:
        ids = cell_member_ids(session, cell_id)
        if not ids:
            raise ValidationFailed(
                errors=[FieldError("all_members", "assignment.field.cell_empty")]
            )
        return ids
    if not user_ids:
        raise ValidationFailed(errors=[FieldError(field, "assignment.field.assignees_required")])
    return check_assignees(session, cell_id, user_ids, field)


def add_assignees(
    session: Session, principal: Principal, assignment_id: int, data: AssigneesAdd
) -> Access:
    """Leaders add members (new ones, or removed ones again) to an assignment."""
    access = load(session, principal, assignment_id, lock=True)
    require_manager(access)
    a = access.assignment
    require_open(a)
    ids = chosen(session, a.cell_id, data.user_ids, data.all_members, "user_ids")
    existing = {
        r.assignee_id: r
        for r in session.exec(
            select(AssignmentRecord).where(AssignmentRecord.assignment_id == a.id)
        )
    }
    now = utcnow()
    added: list[int] = []
    first_event = 0
    for uid in ids:
        event_id = _enlist(session, a, existing.get(uid), uid, principal.user_id, now)
        if event_id:
            added.append(uid)
            first_event = first_event or event_id
    if added:
        audit.record(
            session,
            actor_id=principal.user_id,
            action="assignment.add_assignees",
            object_type="assignment",
            object_id=a.id,
            unit_path=access.path,
            after={"added": added},
        )
        notify(
            session,
            event="given",
            assignment=a,
            user_ids=added,
            actor_id=principal.user_id,
            dedupe_key=f"asg:{a.id}:added:{first_event}",
        )
    return access


def _enlist(
    session: Session,
    a: Assignment,
    record: AssignmentRecord | None,
    user_id: int,
    actor_id: int,
    now: dt.datetime,
) -> int | None:
    """Give `user_id` a record (or re-open a removed one); the history line's id, or None
    when they already have an open or finished record."""
    if record is None:
        record = giving.new_record(a, user_id, now)
        session.add(record)
        session.flush()
        from_state = None
    elif record.state == State.cancelled:
        from_state, record.state = record.state, State.assigned
        record.cancelled_at, record.updated_at = None, now
        session.add(record)
    else:
        return None
    event = add_event(
        session,
        assignment_id=a.id,  # type: ignore[arg-type]
        record=record,
        kind="added",
        actor_id=actor_id,
        from_state=from_state,
        to_state=State.assigned,
        at=now,
    )
    return event.id


def close_record(
    session: Session,
    record: AssignmentRecord,
    *,
    kind: str,
    actor_id: int,
    now: dt.datetime,
) -> int:
    """Cancel one open record with its history line; returns the event's id."""
    before = record.state
    record.state = next_state("cancel", record.state)
    record.cancelled_at = record.updated_at = now
    session.add(record)
    event = add_event(
        session,
        assignment_id=record.assignment_id,
        record=record,
        kind=kind,
        actor_id=actor_id,
        from_state=before,
        to_state=State.cancelled,
        at=now,
    )
    return event.id or 0


def remove_assignee(
    session: Session, principal: Principal, assignment_id: int, user_id: int
) -> tuple[Access, AssignmentRecord]:
    """Leaders take a member off an assignment: their record is cancelled (history kept)."""
    access = load(session, principal, assignment_id, lock=True)
    require_manager(access)
    require_open(access.assignment)
    record = record_of(session, access, user_id)
    now = utcnow()
    event_id = close_record(session, record, kind="removed", actor_id=principal.user_id, now=now)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="assignment.remove_assignee",
        object_type="assignment_record",
        object_id=record.id,
        unit_path=access.path,
        after={"user_id": user_id, "state": State.cancelled},
    )
    notify(
        session,
        event="cancelled",
        assignment=access.assignment,
        user_ids=[user_id],
        actor_id=principal.user_id,
        dedupe_key=f"asg:{assignment_id}:removed:{event_id}",
    )
    return access, record
