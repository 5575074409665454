"""Demo assignments: the templates of seed.demo_data.ASSIGNMENTS given in their cells, with
records in every state (some overdue), relative to now, and the history that led there."""

from __future__ import annotations

import datetime as dt
from itertools import cycle

from sqlmodel import Session, select

from api.assignments import giving, recurrence
from api.assignments.models import AssignmentEvent, AssignmentRecord, AssignmentSeries
from api.assignments.states import State
from api.db import utcnow
from api.documents.models import Document
from api.members.models import User
from api.org.models import OrgUnit, Role
from api.progress import Progress
from api.text import VN_TZ
from seed import demo_data as data
from seed.demo_data import AssignmentTemplate

LEAD_DAYS = {"monthly": 7, "quarterly": 14}
# The steps a record went through to reach each state (after being given).
PATHS: dict[str, tuple[str, ...]] = {
    State.assigned: (),
    State.in_progress: ("started",),
    State.submitted: ("started", "submitted"),
    State.approved: ("started", "submitted", "approved"),
    State.returned: ("started", "submitted", "returned"),
    State.cancelled: ("removed",),
}
# step → (state it leads to, the record's time column, whether the member did it, its text)
STEPS: dict[str, tuple[State, str, bool, str | None]] = {
    "started": (State.in_progress, "started_at", True, None),
    "submitted": (State.submitted, "submitted_at", True, "report"),
    "approved": (State.approved, "approved_at", False, "review"),
    "returned": (State.returned, "returned_at", False, "review"),
    "removed": (State.cancelled, "cancelled_at", False, "report"),
}


def _leader(cell_code: str, users: dict[str, User]) -> User | None:
    """The cell's secretary (or deputy) in the demo roles."""
    for role in (Role.secretary, Role.deputy):
        for grant in data.ROLES:
            if grant.unit_code == cell_code and grant.role == role:
                return users[grant.party_card_number]
    return None


def _due(days: int, now: dt.datetime) -> dt.datetime:
    """`days` from today at 17:00 Vietnam time, the usual end of a working day."""
    local = (now.astimezone(VN_TZ) + dt.timedelta(days=days)).replace(
        hour=17, minute=0, second=0, microsecond=0
    )
    return local.astimezone(dt.UTC)


def _assignees(
    cell_code: str, users: dict[str, User], tpl: AssignmentTemplate, k: int
) -> list[User]:
    """Everyone in the cell (demo accounts first), or a rotating few for "some" tasks."""
    demo = {a.party_card_number for a in data.DEMO_ACCOUNTS}
    members = sorted(
        data.members_by_cell()[cell_code],
        key=lambda m: (m.party_card_number not in demo, m.party_card_number),
    )
    people = [users[m.party_card_number] for m in members]
    if tpl.scope == "all" or len(people) <= len(tpl.states):
        return people
    start = k % len(people)
    return (people[start:] + people[:start])[: len(tpl.states)]


def _replay(
    session: Session,
    record: AssignmentRecord,
    state: str,
    tpl: AssignmentTemplate,
    *,
    leader_id: int,
    given_at: dt.datetime,
    until: dt.datetime,
) -> None:
    """Walk the record from "assigned" to `state`, with its history lines, between given and
    `until` (the due time or now, whichever is first: the demo's reports are on time)."""
    steps = PATHS[state]
    step = (until - given_at) / (len(steps) + 1)
    current = State.assigned
    texts = {"report": tpl.report_texts.get(state), "review": tpl.review_notes.get(state)}
    for i, kind in enumerate(steps, start=1):
        at = given_at + step * i
        target, stamp, by_member, text = STEPS[kind]
        session.add(
            AssignmentEvent(
                assignment_id=record.assignment_id,
                record_id=record.id,
                actor_id=record.assignee_id if by_member else leader_id,
                at=at,
                kind=kind,
                from_state=current,
                to_state=target,
                note=texts.get(text or ""),
            )
        )
        current = target
        setattr(record, stamp, at)
        record.updated_at = at
    record.state = current
    text, note = texts["report"], texts["review"]
    if state in (State.submitted, State.approved, State.returned):
        record.report = text
    if state == State.returned:
        record.return_reason = note
    elif state == State.approved:
        record.review_note = note
    if state in (State.assigned, State.in_progress) and text:
        _note(session, record, state, text, leader_id, given_at + (until - given_at) * 0.6)
    session.add(record)


def _note(
    session: Session,
    record: AssignmentRecord,
    state: str,
    text: str,
    leader_id: int,
    at: dt.datetime,
) -> None:
    """The leader's note to an untouched task, or the member's progress note, as a comment."""
    author = leader_id if state == State.assigned else record.assignee_id
    session.add(
        AssignmentEvent(
            assignment_id=record.assignment_id,
            record_id=record.id,
            actor_id=author,
            at=at,
            kind="comment",
            note=text,
        )
    )


def _series(
    session: Session,
    cell: OrgUnit,
    tpl: AssignmentTemplate,
    leader: User,
    due: dt.datetime,
    all_ids: list[int],
    docs: list[int],
) -> AssignmentSeries:
    """The schedule behind a regular template, its first period due at `due`."""
    frequency = tpl.recurrence or "monthly"
    series = AssignmentSeries(
        cell_id=cell.id,  # type: ignore[arg-type]
        title=tpl.title,
        description=tpl.description,
        frequency=frequency,
        anchor_due_at=due,
        lead_days=LEAD_DAYS.get(frequency, 7),
        all_members=tpl.scope == "all",
        assignee_ids=[] if tpl.scope == "all" else all_ids,
        document_ids=docs,
        created_by=leader.id,  # type: ignore[arg-type]
    )
    series.next_run_at = recurrence.period_due(series, 1) - dt.timedelta(days=series.lead_days)
    session.add(series)
    session.flush()
    return series


def _give(
    session: Session,
    cell: OrgUnit,
    tpl: AssignmentTemplate,
    k: int,
    users: dict[str, User],
    docs: list[int],
    now: dt.datetime,
) -> int:
    """One template in one cell; returns how many records it made."""
    leader = _leader(cell.code, users)
    people = _assignees(cell.code, users, tpl, k)
    if leader is None or not people:
        return 0
    due = _due(tpl.days_from_now_due, now)
    given_at = min(due - dt.timedelta(days=14), now - dt.timedelta(days=1))
    ids = [u.id for u in people if u.id is not None]
    series = _series(session, cell, tpl, leader, due, ids, docs) if tpl.recurrence else None
    assignment = giving.give(
        session,
        cell=cell,
        actor_id=leader.id,
        created_by=leader.id,  # type: ignore[arg-type]
        title=tpl.title,
        description=tpl.description,
        priority="normal",
        due_at=due,
        assignee_ids=ids,
        document_ids=docs,
        series_id=series.id if series else None,
        period_key=recurrence.period_key(series.frequency, due) if series else None,
        now=given_at,
        notify_assignees=False,
    )
    session.flush()
    records = {
        r.assignee_id: r
        for r in session.exec(
            select(AssignmentRecord).where(AssignmentRecord.assignment_id == assignment.id)
        )
    }
    states = cycle(tpl.states[k % len(tpl.states) :] + tpl.states[: k % len(tpl.states)])
    until = min(due, now) - dt.timedelta(hours=1)
    for uid, state in zip(ids, states, strict=False):
        record = records[uid]
        _replay(session, record, state, tpl, leader_id=leader.id, given_at=given_at, until=until)  # type: ignore[arg-type]
        if due < now - dt.timedelta(days=2):
            # Long past: the reminders "went out" back then; do not flood the demo's inbox.
            record.due_soon_sent_for = record.overdue_sent_for = due
    return len(ids)


def load(session: Session, units: dict[str, OrgUnit], users: dict[str, User]) -> None:
    """Give every demo template in its cells, in several states, some overdue."""
    now = utcnow()
    symbols = {
        sym: int(i)
        for i, sym in session.exec(select(Document.id, Document.symbol))
        if i is not None
    }
    cell_codes = [c.code for c in data.cells()]
    progress = Progress("Nhiệm vụ", len(data.ASSIGNMENTS))
    for k, tpl in enumerate(data.ASSIGNMENTS):
        docs = [symbols[tpl.linked_symbol]] if tpl.linked_symbol in symbols else []
        for i, code in enumerate(tpl.cell_codes or cell_codes):
            _give(session, units[code], tpl, k + i, users, docs, now)
        session.flush()
        progress.advance()
    progress.finish()
