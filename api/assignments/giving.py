"""Giving an assignment: the one place records are made, for routes, schedules and the demo.

These functions do not authorize; their callers have (a leader's request, a schedule the
leaders set, the demo loader).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from sqlmodel import Session

from api.assignments.history import add_event
from api.assignments.links import set_links
from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.notify import notify
from api.assignments.states import State
from api.audit import service as audit
from api.db import utcnow
from api.org.models import OrgUnit

# The "due soon" reminder goes out this long before the due time.
DUE_SOON = dt.timedelta(hours=24)
AUDIT_FIELDS = ["cell_id", "title", "description", "priority", "due_at", "series_id", "period_key"]


def new_record(
    assignment: Assignment, user_id: int, now: dt.datetime, state: str = State.assigned
) -> AssignmentRecord:
    """A fresh record; when given already inside the due-soon window, the "given" notice
    carries the due time, so the due-soon reminder is counted as sent."""
    inside_window = assignment.due_at - now <= DUE_SOON
    return AssignmentRecord(
        assignment_id=assignment.id,  # type: ignore[arg-type]
        assignee_id=user_id,
        state=state,
        created_at=now,
        updated_at=now,
        due_soon_sent_for=assignment.due_at if inside_window else None,
    )


def give(
    session: Session,
    *,
    cell: OrgUnit,
    actor_id: int | None,
    created_by: int,
    title: str,
    description: str,
    priority: str,
    due_at: dt.datetime,
    assignee_ids: Sequence[int],
    document_ids: Sequence[int] = (),
    series_id: int | None = None,
    period_key: str | None = None,
    now: dt.datetime | None = None,
    notify_assignees: bool = True,
) -> Assignment:
    """Create the assignment, one record per assignee, its history, audit and notification."""
    now = now or utcnow()
    assignment = Assignment(
        cell_id=cell.id,  # type: ignore[arg-type]
        title=title,
        description=description,
        priority=priority,
        due_at=due_at,
        created_by=created_by,
        created_at=now,
        updated_at=now,
        series_id=series_id,
        period_key=period_key,
    )
    session.add(assignment)
    session.flush()
    aid: int = assignment.id  # type: ignore[assignment]
    set_links(session, aid, document_ids)
    session.add_all([new_record(assignment, uid, now) for uid in assignee_ids])
    add_event(
        session,
        assignment_id=aid,
        kind="created",
        actor_id=actor_id,
        to_state=State.assigned,
        note=description or None,
        data={"assignees": len(assignee_ids), "period_key": period_key} if period_key else None,
        at=now,
    )
    _record_and_announce(session, assignment, cell, actor_id, list(assignee_ids), notify_assignees)
    return assignment


def _record_and_announce(
    session: Session,
    assignment: Assignment,
    cell: OrgUnit,
    actor_id: int | None,
    assignee_ids: list[int],
    announce: bool,
) -> None:
    """Audit the new assignment and tell its assignees (one outbox event for all)."""
    audit.record(
        session,
        actor_id=actor_id,
        action="assignment.create",
        object_type="assignment",
        object_id=assignment.id,
        unit_path=cell.path,
        after=audit.snapshot(assignment, AUDIT_FIELDS) | {"assignee_ids": assignee_ids},
    )
    if announce:
        notify(
            session,
            event="given",
            assignment=assignment,
            user_ids=assignee_ids,
            actor_id=actor_id,
            dedupe_key=f"asg:{assignment.id}:given",
        )
