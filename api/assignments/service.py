"""The cell leaders' side: give, edit and cancel assignments (assignees: `assignees.py`)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlmodel import Session, col, select

from api.assignments import assignees, attachments, giving, recurrence
from api.assignments.access import Access, load, open_records, require_manager, require_open
from api.assignments.history import add_event
from api.assignments.links import check_documents, set_links
from api.assignments.models import Assignment, AssignmentDocument
from api.assignments.notify import notify
from api.assignments.schemas import AssignmentCreate, AssignmentUpdate, CancelBody
from api.assignments.states import State
from api.audit import service as audit
from api.authz import Principal, authorize
from api.db import utcnow
from api.errors import FieldError, ValidationFailed
from api.members import service as members

EDITABLE = ("title", "description", "priority", "due_at")


def _check_due(due_at: dt.datetime, now: dt.datetime) -> None:
    """A new due time lies ahead (a past one would be overdue at birth)."""
    if due_at <= now:
        raise ValidationFailed(errors=[FieldError("due_at", "assignment.field.due_in_past")])


def create(session: Session, principal: Principal, data: AssignmentCreate) -> Assignment:
    """The cell's secretary or deputy gives a task to some or all of its members."""
    cell = members.cell_of(session, data.cell_id, principal)
    authorize(principal, "assignment.manage", cell.path)
    now = utcnow()
    _check_due(data.due_at, now)
    assignee_ids = assignees.chosen(session, cell.id, data.assignee_ids, data.all_members)  # type: ignore[arg-type]
    document_ids = check_documents(session, principal, data.document_ids, "document_ids")
    series_id = period_key = None
    if data.recurrence is not None:
        series = recurrence.create_series(
            session,
            cell=cell,
            actor_id=principal.user_id,
            data=data,
            assignee_ids=assignee_ids,
            document_ids=document_ids,
        )
        series_id = series.id
        period_key = recurrence.period_key(series.frequency, data.due_at)
    given = giving.give(
        session,
        cell=cell,
        actor_id=principal.user_id,
        created_by=principal.user_id,
        title=data.title,
        description=data.description,
        priority=data.priority,
        due_at=data.due_at,
        assignee_ids=assignee_ids,
        document_ids=document_ids,
        series_id=series_id,
        period_key=period_key,
        now=now,
    )
    # The first of a series carries them; later ones link documents, which stay current.
    attachments.claim_for_task(session, principal, data.attachment_ids, given.id)  # type: ignore[arg-type]
    return given


def update(
    session: Session, principal: Principal, assignment_id: int, data: AssignmentUpdate
) -> Access:
    """Leaders change the title, description, priority or due time."""
    access = load(session, principal, assignment_id, lock=True)
    require_manager(access)
    a = access.assignment
    require_open(a)
    now = utcnow()
    fields = data.model_dump(exclude_unset=True)
    documents = fields.pop("document_ids", None)
    changes = {k: v for k, v in fields.items() if v is not None and getattr(a, k) != v}
    if "due_at" in changes:
        _check_due(changes["due_at"], now)
    if documents is not None:
        _relink(session, principal, access, documents, now)
    if not changes:
        return access
    before = audit.snapshot(a, list(EDITABLE))
    old_due = a.due_at
    for key, value in changes.items():
        setattr(a, key, value)
    a.updated_at = now
    session.add(a)
    diff: dict[str, Any] = {k: [before[k], audit.snapshot(a, [k])[k]] for k in changes}
    add_event(
        session,
        assignment_id=a.id,  # type: ignore[arg-type]
        kind="due_changed" if set(changes) == {"due_at"} else "edited",
        actor_id=principal.user_id,
        data={"changes": diff},
        at=now,
    )
    if "due_at" in changes:
        _announce_new_due(session, a, old_due, principal.user_id, now)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="assignment.update",
        object_type="assignment",
        object_id=a.id,
        unit_path=access.path,
        before=before,
        after=audit.snapshot(a, list(EDITABLE)),
    )
    return access


def _relink(
    session: Session,
    principal: Principal,
    access: Access,
    document_ids: list[int],
    now: dt.datetime,
) -> None:
    """Replace the linked documents, when they differ."""
    aid: int = access.assignment.id  # type: ignore[assignment]
    wanted = check_documents(session, principal, document_ids, "document_ids")
    current = list(
        session.exec(
            select(AssignmentDocument.document_id)
            .where(AssignmentDocument.assignment_id == aid)
            .order_by(col(AssignmentDocument.position))
        )
    )
    if current == wanted:
        return
    set_links(session, aid, wanted)
    add_event(
        session,
        assignment_id=aid,
        kind="edited",
        actor_id=principal.user_id,
        data={"changes": {"document_ids": [current, wanted]}},
        at=now,
    )
    audit.record(
        session,
        actor_id=principal.user_id,
        action="assignment.link_documents",
        object_type="assignment",
        object_id=aid,
        unit_path=access.path,
        before={"document_ids": current},
        after={"document_ids": wanted},
    )


def _announce_new_due(
    session: Session, a: Assignment, old_due: dt.datetime, actor_id: int, now: dt.datetime
) -> None:
    """Tell the unfinished assignees; reminders re-arm themselves (they key on the due time)."""
    records = open_records(session, a.id)  # type: ignore[arg-type]
    sent = notify(
        session,
        event="due_changed",
        assignment=a,
        user_ids=[r.assignee_id for r in records],
        actor_id=actor_id,
        dedupe_key=f"asg:{a.id}:due:{int(old_due.timestamp())}:{int(a.due_at.timestamp())}",
    )
    if sent and a.due_at - now <= giving.DUE_SOON:
        # This notice already says the new due time, which is close: it is the due-soon one.
        for r in records:
            r.due_soon_sent_for = a.due_at
            session.add(r)


def cancel(
    session: Session, principal: Principal, assignment_id: int, body: CancelBody | None
) -> Access:
    """Leaders cancel the whole assignment: every unfinished record is cancelled."""
    access = load(session, principal, assignment_id, lock=True)
    require_manager(access)
    a = access.assignment
    require_open(a)
    now = utcnow()
    reason = body.reason if body else None
    records = open_records(session, a.id)  # type: ignore[arg-type]
    for record in records:
        assignees.close_record(
            session, record, kind="cancelled", actor_id=principal.user_id, now=now
        )
    a.cancelled_at = a.updated_at = now
    session.add(a)
    add_event(
        session,
        assignment_id=a.id,  # type: ignore[arg-type]
        kind="cancelled",
        actor_id=principal.user_id,
        to_state=State.cancelled,
        note=reason,
        at=now,
    )
    audit.record(
        session,
        actor_id=principal.user_id,
        action="assignment.cancel",
        object_type="assignment",
        object_id=a.id,
        unit_path=access.path,
        after={"cancelled_records": len(records), "reason": reason},
    )
    notify(
        session,
        event="cancelled",
        assignment=a,
        user_ids=[r.assignee_id for r in records],
        actor_id=principal.user_id,
        dedupe_key=f"asg:{a.id}:cancelled",
        body=reason,
    )
    return access
