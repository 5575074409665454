"""A record's way to the end: the assignee starts and submits, the leaders approve or return;
comments between them. Every step is a history line, an audit event and, where the other
side should know, a notification."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api.assignments import attachments
from api.assignments.access import (
    Access,
    cell_leader_ids,
    load,
    own_record,
    record_of,
    require_manager,
)
from api.assignments.history import add_event
from api.assignments.models import AssignmentEvent, AssignmentRecord
from api.assignments.notify import notify
from api.assignments.schemas import CommentCreate, ReturnBody, ReviewBody, SubmitBody
from api.assignments.states import State, next_state
from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, Forbidden, NotFound, ValidationFailed

# The record's time column each target state stamps.
_STAMPS = {
    State.in_progress: "started_at",
    State.submitted: "submitted_at",
    State.returned: "returned_at",
    State.approved: "approved_at",
    State.cancelled: "cancelled_at",
}


def _move(
    session: Session,
    access: Access,
    record: AssignmentRecord,
    action: str,
    actor_id: int,
    *,
    note: str | None = None,
    data: dict[str, Any] | None = None,
) -> AssignmentEvent:
    """Apply `action` to the (locked) record: state, time stamp, history line, audit."""
    before = record.state
    target = next_state(action, before)
    now = utcnow()
    record.state = target
    record.updated_at = now
    setattr(record, _STAMPS[target], now)
    session.add(record)
    event = add_event(
        session,
        assignment_id=record.assignment_id,
        record=record,
        kind=target if action != "start" else "started",
        actor_id=actor_id,
        from_state=before,
        to_state=target,
        note=note,
        data=data,
        at=now,
    )
    audit.record(
        session,
        actor_id=actor_id,
        action=f"assignment.{action}",
        object_type="assignment_record",
        object_id=record.id,
        unit_path=access.path,
        before={"state": before},
        after={"state": target, "note": note} if note else {"state": target},
    )
    return event


def start(session: Session, principal: Principal, assignment_id: int) -> Access:
    """The assignee begins (or, after a return, resumes) the work."""
    access = load(session, principal, assignment_id)
    record = own_record(session, access)
    _move(session, access, record, "start", principal.user_id)
    return access


def submit(session: Session, principal: Principal, assignment_id: int, body: SubmitBody) -> Access:
    """The assignee reports the result: text, attachments or both."""
    access = load(session, principal, assignment_id)
    record = own_record(session, access)
    next_state("submit", record.state)  # a 409 before anything is claimed
    if not body.report and not body.attachment_ids:
        raise ValidationFailed(errors=[FieldError("report", "assignment.field.report_required")])
    attachment_ids = list(dict.fromkeys(body.attachment_ids))
    if attachment_ids:
        attachments.claim(session, principal, attachment_ids, record.id)  # type: ignore[arg-type]
    record.report = body.report or None
    record.attachment_ids = attachment_ids
    record.return_reason = None  # answered by this submission; the history keeps it
    _move(
        session,
        access,
        record,
        "submit",
        principal.user_id,
        note=body.report or None,
        data={"attachment_ids": attachment_ids} if attachment_ids else None,
    )
    return access


def approve(
    session: Session,
    principal: Principal,
    assignment_id: int,
    user_id: int,
    body: ReviewBody | None,
) -> Access:
    """A leader accepts the report: the record is finished."""
    access = load(session, principal, assignment_id)
    require_manager(access)
    record = record_of(session, access, user_id)
    note = body.note if body else None
    _move(session, access, record, "approve", principal.user_id, note=note)
    record.review_note = note
    notify(
        session,
        event="approved",
        assignment=access.assignment,
        user_ids=[user_id],
        actor_id=principal.user_id,
        dedupe_key=f"asg:{assignment_id}:approved:{record.id}",
        body=note,
    )
    return access


def return_report(
    session: Session, principal: Principal, assignment_id: int, user_id: int, body: ReturnBody
) -> Access:
    """A leader sends the report back with the reason; the assignee works on and resubmits."""
    access = load(session, principal, assignment_id)
    require_manager(access)
    record = record_of(session, access, user_id)
    event = _move(session, access, record, "return", principal.user_id, note=body.reason)
    record.return_reason = body.reason
    notify(
        session,
        event="returned",
        assignment=access.assignment,
        user_ids=[user_id],
        actor_id=principal.user_id,
        dedupe_key=f"asg:{assignment_id}:returned:{event.id}",
        body=body.reason,
    )
    return access


def comment(
    session: Session, principal: Principal, assignment_id: int, body: CommentCreate
) -> tuple[Access, AssignmentEvent]:
    """A comment on one record, between that assignee and the cell's leaders.

    Leaders name the assignee (`assignee_id`) or, without one, write to every assignee;
    an assignee always writes on their own record, to the leaders.
    """
    access = load(session, principal, assignment_id)
    a = access.assignment
    record: AssignmentRecord | None
    if access.manager:
        record = record_of(session, access, body.assignee_id) if body.assignee_id else None
        audience = _assignees(session, a.id, record)  # type: ignore[arg-type]
    elif access.own is not None:
        if body.assignee_id not in (None, principal.user_id):
            raise NotFound(errors=[FieldError("assignee_id", "assignment.field.not_assignee")])
        record = access.own
        audience = cell_leader_ids(session, a.cell_id) + [a.created_by]
    else:
        raise Forbidden()  # committees follow, they do not take part
    event = add_event(
        session,
        assignment_id=a.id,  # type: ignore[arg-type]
        record=record,
        kind="comment",
        actor_id=principal.user_id,
        note=body.text,
    )
    audit.record(
        session,
        actor_id=principal.user_id,
        action="assignment.comment",
        object_type="assignment_record" if record else "assignment",
        object_id=record.id if record else a.id,
        unit_path=access.path,
        after={"event_id": event.id},
    )
    notify(
        session,
        event="commented",
        assignment=a,
        user_ids=audience,
        actor_id=principal.user_id,
        dedupe_key=f"asg:{a.id}:comment:{event.id}",
        body=body.text[:200],
    )
    return access, event


def _assignees(session: Session, assignment_id: int, record: AssignmentRecord | None) -> list[int]:
    """Who hears a leader's comment: the one assignee, or every one not taken off."""
    if record is not None:
        return [record.assignee_id]
    rows = session.exec(
        select(AssignmentRecord.assignee_id).where(
            AssignmentRecord.assignment_id == assignment_id,
            col(AssignmentRecord.state) != State.cancelled,
        )
    )
    return [int(u) for u in rows]
