"""Reminders: due soon and overdue, once per record and due time; and the leaders' nudge.

The job marks each record with the due time it reminded for (`due_soon_sent_for`,
`overdue_sent_for`), so its query reads only records still to remind, and a changed due
time (which no longer matches the mark) re-arms both reminders. The outbox's dedupe key
also carries the due time, so a job that dies after enqueueing and runs again adds nothing.
"""

from __future__ import annotations

import datetime as dt
import hashlib

from sqlalchemy import or_
from sqlmodel import Session, col, select
from sqlmodel.sql.expression import Select

from api.assignments.access import load, require_manager, require_open
from api.assignments.giving import DUE_SOON
from api.assignments.history import add_event
from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.notify import notify
from api.assignments.schemas import RemindBody, RemindResult
from api.assignments.states import ACTIONABLE
from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, NotFound

BATCH = 500
MAX_BATCHES = 40  # per run; the rest waits for the next run


def _to_remind(kind: str, now: dt.datetime) -> Select[AssignmentRecord, Assignment]:
    """Records still owing work that have not had the `kind` reminder for their due time."""
    mark = col(
        AssignmentRecord.due_soon_sent_for
        if kind == "due_soon"
        else AssignmentRecord.overdue_sent_for
    )
    due = col(Assignment.due_at)
    window = (due > now, due <= now + DUE_SOON) if kind == "due_soon" else (due <= now,)
    return (
        select(AssignmentRecord, Assignment)
        .join(Assignment, col(Assignment.id) == AssignmentRecord.assignment_id)
        .where(
            col(Assignment.cancelled_at).is_(None),
            col(AssignmentRecord.state).in_(sorted(ACTIONABLE)),
            or_(mark.is_(None), mark != due),
            *window,
        )
        .order_by(col(AssignmentRecord.id))
        .limit(BATCH)
    )


def _send(
    session: Session, record: AssignmentRecord, assignment: Assignment, kind: str, now: dt.datetime
) -> None:
    """One reminder to one assignee, marked on the record and in its history."""
    notify(
        session,
        event=kind,
        category="reminders",
        assignment=assignment,
        user_ids=[record.assignee_id],
        actor_id=None,
        dedupe_key=f"asg:{kind}:{record.id}:{int(assignment.due_at.timestamp())}",
        # The overdue push replaces the due-soon one still on the phone.
        topic=f"asg-{record.id}",
    )
    if kind == "due_soon":
        record.due_soon_sent_for = assignment.due_at
    else:
        record.overdue_sent_for = assignment.due_at
    session.add(record)
    add_event(
        session,
        assignment_id=assignment.id,  # type: ignore[arg-type]
        record=record,
        kind="reminder",
        actor_id=None,
        data={"reason": kind},
        at=now,
    )


def _remind(session: Session, now: dt.datetime, kind: str) -> int:
    """Send one kind of reminder ("due_soon" or "overdue") to every record that needs it."""
    stmt = _to_remind(kind, now)
    sent = 0
    for _ in range(MAX_BATCHES):
        rows = list(session.exec(stmt))
        for record, assignment in rows:
            _send(session, record, assignment, kind, now)
        sent += len(rows)
        if len(rows) < BATCH:
            break
    return sent


def send_due_reminders(session: Session, now: dt.datetime | None = None) -> int:
    """Due-soon and overdue reminders for every record that has not had them for its due time."""
    now = now or utcnow()
    return _remind(session, now, "due_soon") + _remind(session, now, "overdue")


def _owing(
    session: Session, a: Assignment, user_ids: list[int] | None, actor_id: int
) -> list[AssignmentRecord]:
    """The records still owing work (of `user_ids`, who must all be assignees)."""
    records = list(
        session.exec(
            select(AssignmentRecord).where(
                AssignmentRecord.assignment_id == a.id,
                col(AssignmentRecord.state).in_(sorted(ACTIONABLE)),
            )
        )
    )
    if user_ids is not None:
        everyone = set(
            session.exec(
                select(AssignmentRecord.assignee_id).where(AssignmentRecord.assignment_id == a.id)
            )
        )
        errors = [
            FieldError(f"user_ids.{i}", "assignment.field.not_assignee")
            for i, uid in enumerate(user_ids)
            if uid not in everyone
        ]
        if errors:
            raise NotFound(errors=errors)
        records = [r for r in records if r.assignee_id in set(user_ids)]
    return [r for r in records if r.assignee_id != actor_id]


def remind(
    session: Session, principal: Principal, assignment_id: int, body: RemindBody | None
) -> RemindResult:
    """A leader nudges the assignees who still owe work (all of them, or those named).

    The same people are nudged at most once an hour for the same assignment: older members
    should not get a burst of pushes from a secretary tapping twice.
    """
    access = load(session, principal, assignment_id, lock=True)
    require_manager(access)
    a = access.assignment
    require_open(a)
    records = _owing(session, a, body.user_ids if body else None, principal.user_id)
    now = utcnow()
    ids = sorted(r.assignee_id for r in records)
    digest = hashlib.sha256(",".join(map(str, ids)).encode()).hexdigest()[:16]
    message = body.message if body else None
    sent = records and notify(
        session,
        event="reminder",
        category="reminders",
        assignment=a,
        user_ids=ids,
        actor_id=principal.user_id,
        dedupe_key=f"asg:{a.id}:remind:{now:%Y%m%d%H}:{digest}",
        body=message,
    )
    if not sent:
        return RemindResult(reminded=0, user_ids=[])
    for record in records:
        add_event(
            session,
            assignment_id=a.id,  # type: ignore[arg-type]
            record=record,
            kind="reminder",
            actor_id=principal.user_id,
            note=message,
            data={"reason": "manual"},
            at=now,
        )
    audit.record(
        session,
        actor_id=principal.user_id,
        action="assignment.remind",
        object_type="assignment",
        object_id=a.id,
        unit_path=access.path,
        after={"user_ids": ids},
    )
    return RemindResult(reminded=len(ids), user_ids=ids)
