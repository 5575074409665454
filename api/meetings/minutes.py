"""Minutes (biên bản): content, conclusions, the signed file, assignments decided, approval.

Assignments decided at the meeting are given in the same transaction as the minutes, by the
assignments domain's own giving function (records, history, audit, notifications), so
either the minutes and every assignment are saved or none is.

Saving the minutes again (a typo fixed) gives only the items not already given from them:
an item matches an earlier one by its normalised title, due time and assignees.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from api.assignments import assignees as assignment_assignees
from api.assignments import giving
from api.assignments.access import cell_member_ids
from api.assignments.models import Assignment, AssignmentRecord
from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, ValidationFailed
from api.files import service as files
from api.meetings.access import Access, load, require_manager
from api.meetings.models import Meeting, MeetingAssignment
from api.meetings.notify import notify
from api.meetings.schemas import AssignmentFromMinutes, MinutesBody
from api.meetings.service import add_event, invited_ids
from api.meetings.states import MeetingState, next_state, require
from api.org.models import OrgUnit

OWNER_KIND = "meeting_minutes"


def save(session: Session, principal: Principal, meeting_id: int, body: MinutesBody) -> Access:
    """Leaders write (or rewrite) the minutes of a held meeting, before approval."""
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    require(m.state, frozenset({MeetingState.held}))
    now = utcnow()
    before = {"content": m.minutes_content, "conclusions": m.minutes_conclusions}
    m.minutes_content, m.minutes_conclusions = body.content, body.conclusions
    m.minutes_updated_at = m.updated_at = now
    session.add(m)
    if body.attachment_ids:
        files.claim(
            session,
            principal,
            list(body.attachment_ids),
            owner_kind=OWNER_KIND,
            owner_id=m.id,  # type: ignore[arg-type]
        )
    earlier = _already_given(session, m.id)  # type: ignore[arg-type]
    given = []
    for i, item in enumerate(body.assignments):
        found = _match(session, access.cell, earlier, item)
        if found is None:
            found = _give(session, principal, access.cell, m, item, i)
        given.append(found)
    add_event(
        session, access.meeting_id, "minutes", principal.user_id,
        data={"assignment_ids": given, "attachment_ids": list(body.attachment_ids)}, at=now,
    )  # fmt: skip
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.minutes",
        object_type="meeting",
        object_id=m.id,
        unit_path=access.path,
        before={k: (len(v) if v else 0) for k, v in before.items()},
        after={
            "content": len(body.content),
            "conclusions": len(body.conclusions),
            "assignment_ids": given,
            "attachment_ids": list(body.attachment_ids),
        },
    )
    return access


_Given = tuple[int, str, dt.datetime, frozenset[int]]


def _norm_title(title: str) -> str:
    return " ".join(title.split()).casefold()


def _utc(at: dt.datetime) -> dt.datetime:
    return (at if at.tzinfo else at.replace(tzinfo=dt.UTC)).astimezone(dt.UTC)


def _already_given(session: Session, meeting_id: int) -> list[_Given]:
    """The assignments given from this meeting's minutes: id, title, due and assignees."""
    rows = session.exec(
        select(Assignment.id, Assignment.title, Assignment.due_at)
        .join(MeetingAssignment, col(MeetingAssignment.assignment_id) == Assignment.id)
        .where(col(MeetingAssignment.meeting_id) == meeting_id)
        .order_by(col(Assignment.id))
    ).all()
    people: dict[int, set[int]] = {}
    for aid, uid in session.exec(
        select(AssignmentRecord.assignment_id, AssignmentRecord.assignee_id).where(
            col(AssignmentRecord.assignment_id).in_([r[0] for r in rows])
        )
    ):
        people.setdefault(int(aid), set()).add(int(uid))
    return [
        (int(aid), _norm_title(title), _utc(due), frozenset(people.get(int(aid), ())))  # type: ignore[arg-type]
        for aid, title, due in rows
    ]


def _match(
    session: Session, cell: OrgUnit, earlier: list[_Given], item: AssignmentFromMinutes
) -> int | None:
    """The earlier assignment this item already gave (taken off `earlier`), if any.

    Same normalised title and due time, and the same assignees; failing an exact set, one
    whose assignees include all those asked for (members added to it since).
    """
    if item.all_members and item.assignee_ids:
        return None  # invalid: giving says why
    if item.all_members:
        wanted = frozenset(cell_member_ids(session, cell.id))  # type: ignore[arg-type]
    elif item.assignee_ids:
        wanted = frozenset(item.assignee_ids)
    else:
        return None
    title, due = _norm_title(item.title), _utc(item.due_at)
    same = [g for g in earlier if g[1] == title and g[2] == due]
    found = next((g for g in same if g[3] == wanted), None) or next(
        (g for g in same if wanted and wanted <= g[3]), None
    )
    if found is None:
        return None
    earlier.remove(found)
    return found[0]


def _give(
    session: Session,
    principal: Principal,
    cell: OrgUnit,
    m: Meeting,
    item: AssignmentFromMinutes,
    i: int,
) -> int:
    """Give one assignment decided at the meeting and link it to the minutes."""
    if item.due_at <= utcnow():
        raise ValidationFailed(
            errors=[FieldError(f"assignments.{i}.due_at", "assignment.field.due_in_past")]
        )
    people = assignment_assignees.chosen(
        session,
        cell.id,  # type: ignore[arg-type]
        item.assignee_ids,
        item.all_members,
        field=f"assignments.{i}.assignee_ids",
    )
    assignment = giving.give(
        session,
        cell=cell,
        actor_id=principal.user_id,
        created_by=principal.user_id,
        title=item.title,
        description=item.description,
        priority="normal",
        due_at=item.due_at,
        assignee_ids=people,
    )
    session.add(MeetingAssignment(meeting_id=m.id, assignment_id=assignment.id))  # type: ignore[arg-type]
    return assignment.id  # type: ignore[return-value]


def approve(session: Session, principal: Principal, meeting_id: int) -> Access:
    """Leaders approve the minutes; the invited members are told they can read them."""
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    if not (m.minutes_content or m.minutes_conclusions):
        require(m.state, frozenset())  # nothing written yet: 409 with the current state
    m.state = next_state("approve_minutes", m.state)
    now = utcnow()
    m.minutes_approved_at = m.updated_at = now
    m.minutes_approved_by = principal.user_id
    session.add(m)
    add_event(session, access.meeting_id, "minutes_approved", principal.user_id, at=now)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.approve_minutes",
        object_type="meeting",
        object_id=m.id,
        unit_path=access.path,
        before={"state": MeetingState.held},
        after={"state": m.state},
    )
    notify(
        session,
        event="minutes_approved",
        meeting=m,
        user_ids=invited_ids(session, access.meeting_id),
        actor_id=principal.user_id,
        dedupe_key=f"mtg:{m.id}:minutes_approved",
    )
    return access


def assignment_ids(session: Session, meeting_id: int) -> list[int]:
    """Assignments given from the meeting's minutes."""
    return sorted(
        int(a)
        for a in session.exec(
            select(MeetingAssignment.assignment_id).where(
                col(MeetingAssignment.meeting_id) == meeting_id
            )
        )
    )


def can_read(session: Session, principal: Principal, owner_id: int) -> bool:
    """Who may download the signed minutes: whoever may read the minutes themselves."""
    row = session.exec(
        select(Meeting, OrgUnit.path)
        .join(OrgUnit, col(OrgUnit.id) == Meeting.cell_id)
        .where(col(Meeting.id) == owner_id)
    ).first()
    if row is None:
        return False
    m, path = row
    if principal.may("meeting.manage", path):
        return True
    if m.state != MeetingState.minutes_approved:
        return False
    return (
        principal.may("meeting.follow", path)
        or principal.cell_id == m.cell_id
        or (principal.user_id in invited_ids(session, owner_id))
    )


files.register_owner(OWNER_KIND, can_read)
