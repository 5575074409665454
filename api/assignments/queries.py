"""Reading assignments: one, a member's own, a cell's; records shown per the caller's reach."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, and_, bindparam, exists, not_, or_
from sqlmodel import Session, col, select

from api.assignments.access import Access, names
from api.assignments.attachments import OWNER_KIND, TASK_KIND
from api.assignments.links import links_of
from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.recurrence import period_label
from api.assignments.schemas import AssignmentPublic, PersonBrief, RecordPublic
from api.assignments.states import OPEN, State, completed_late, is_overdue
from api.authz import Principal, authorize
from api.db import any_of_param, one_of, prebuilt, utcnow
from api.errors import FieldError, ValidationFailed
from api.files import service as files
from api.files.models import Attachment, AttachmentPublic
from api.i18n import t
from api.members import service as members
from api.members.models import User
from api.org.models import OrgUnit
from api.pagination import decode_cursor, encode_cursor
from api.text import format_vn_datetime


@dataclass
class Filters:
    """List filters: any of `states`; only open (unfinished) ones; overdue or not."""

    states: Sequence[State] = ()
    open_only: bool = False
    overdue: bool | None = None


def record_public(
    record: AssignmentRecord,
    full_name: str,
    due_at: dt.datetime,
    now: dt.datetime,
    attachments: Sequence[Attachment] = (),
) -> RecordPublic:
    """A record with its derived fields (overdue, completed late) computed now."""
    latest = set(record.attachment_ids or [])
    return RecordPublic(
        id=record.id,  # type: ignore[arg-type]
        user_id=record.assignee_id,
        full_name=full_name,
        state=record.state,
        state_label=t(f"assignment.state.{record.state}", "vi"),
        overdue=is_overdue(record.state, due_at, now),
        completed_late=completed_late(record.state, due_at, record.submitted_at),
        report=record.report,
        attachment_ids=list(record.attachment_ids or []),
        attachments=[files.to_public(f) for f in attachments if f.id in latest],
        return_reason=record.return_reason,
        review_note=record.review_note,
        started_at=record.started_at,
        submitted_at=record.submitted_at,
        returned_at=record.returned_at,
        approved_at=record.approved_at,
        cancelled_at=record.cancelled_at,
        updated_at=record.updated_at,
    )


def _publish(
    session: Session,
    principal: Principal,
    rows: Sequence[tuple[Assignment, str]],
    records: dict[int, list[tuple[AssignmentRecord, str]]],
) -> list[AssignmentPublic]:
    """Assignments (with their cell's name) and the records the caller may see."""
    now = utcnow()
    ids = [a.id for a, _ in rows if a.id is not None]
    documents = links_of(session, principal, ids)
    creators = names(session, [a.created_by for a, _ in rows])
    files_of = _report_files(session, records)
    given_files: dict[int, list[AttachmentPublic]] = {}
    for f in files.owned_by_many(session, TASK_KIND, ids):  # type: ignore[arg-type]
        given_files.setdefault(f.owner_id or 0, []).append(files.to_public(f))
    out = []
    for a, cell_name in rows:
        shown = [
            record_public(r, n, a.due_at, now, files_of.get(r.id or 0, ()))
            for r, n in records.get(a.id or 0, [])
        ]
        counts = {s.value: 0 for s in State}
        for r in shown:
            counts[r.state] += 1
        counts["overdue"] = sum(r.overdue for r in shown)
        counts["total"] = len(shown)
        out.append(
            AssignmentPublic(
                id=a.id,  # type: ignore[arg-type]
                cell_id=a.cell_id,
                cell_name=cell_name,
                title=a.title,
                description=a.description,
                priority=a.priority,
                due_at=a.due_at,
                due_at_local=format_vn_datetime(a.due_at),
                status="cancelled" if a.cancelled_at is not None else "open",
                kind="regular" if a.series_id is not None else "ad_hoc",
                series_id=a.series_id,
                period_key=a.period_key,
                period_label=period_label(a.period_key),
                created_by=PersonBrief(id=a.created_by, full_name=creators.get(a.created_by, "")),
                created_at=a.created_at,
                updated_at=a.updated_at,
                cancelled_at=a.cancelled_at,
                documents=documents.get(a.id or 0, []),
                attachments=given_files.get(a.id or 0, []),
                records=shown,
                counts=counts,
            )
        )
    return out


def _report_files(
    session: Session, records: dict[int, list[tuple[AssignmentRecord, str]]]
) -> dict[int, list[Attachment]]:
    """Attachments of the records that have some, in one query."""
    ids = [r.id for rows in records.values() for r, _ in rows if r.attachment_ids and r.id]
    out: dict[int, list[Attachment]] = {}
    for f in files.owned_by_many(session, OWNER_KIND, ids):
        out.setdefault(f.owner_id or 0, []).append(f)
    return out


def _records(
    session: Session, assignment_ids: Sequence[int], *, only_user: int | None = None
) -> dict[int, list[tuple[AssignmentRecord, str]]]:
    """Records of the assignments with their assignees' names, Vietnamese name order."""
    out: dict[int, list[tuple[AssignmentRecord, str]]] = {}
    if not assignment_ids:
        return out
    stmt = _all_records() if only_user is None else _own_records()
    params = {"ids": list(assignment_ids), "only_user": only_user}
    for record, full_name in session.execute(stmt, params):
        out.setdefault(record.assignment_id, []).append((record, full_name))
    return out


def _records_statement(*, own: bool) -> Any:
    stmt = (
        select(AssignmentRecord, col(User.full_name))
        .join(User, col(User.id) == AssignmentRecord.assignee_id)
        .where(any_of_param(col(AssignmentRecord.assignment_id), "ids"))
    )
    if own:
        stmt = stmt.where(col(AssignmentRecord.assignee_id) == bindparam("only_user"))
    return stmt.order_by(col(User.name_sort), col(User.id))


_all_records = prebuilt(lambda: _records_statement(own=False))
_own_records = prebuilt(lambda: _records_statement(own=True))


def public_one(session: Session, access: Access, principal: Principal) -> AssignmentPublic:
    """One assignment: every record for the cell's followers, else the caller's own."""
    a = access.assignment
    only = None if access.follower else principal.user_id
    return _publish(
        session, principal, [(a, access.cell.name)], _records(session, [a.id or 0], only_user=only)
    )[0]


def _record_filter(f: Filters, now: dt.datetime) -> list[ColumnElement[bool]]:
    """Conditions on a record (joined with its assignment) for the filters."""
    state = col(AssignmentRecord.state)
    conds: list[ColumnElement[bool]] = []
    if f.states:
        conds.append(state.in_([s.value for s in f.states]))
    if f.open_only:
        conds.append(one_of(state, sorted(OPEN)))
    if f.overdue is not None:
        late = and_(col(Assignment.due_at) < now, one_of(state, sorted(OPEN)))
        conds.append(late if f.overdue else not_(late))
    return conds


def _keyset(cursor: str | None) -> ColumnElement[bool] | None:
    """Rows after the cursor in (due_at desc, id desc) order."""
    after = decode_cursor(cursor, 2)
    if after is None:
        return None
    try:
        due = dt.datetime.fromisoformat(str(after[0]))
        last_id = int(after[1] or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None
    due_col = col(Assignment.due_at)
    return or_(due_col < due, and_(due_col == due, col(Assignment.id) < last_id))


def _page(
    rows: list[tuple[Assignment, str]], limit: int
) -> tuple[list[tuple[Assignment, str]], str | None]:
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1][0]
    return rows, encode_cursor([last.due_at.isoformat(), last.id])


def list_mine(
    session: Session, principal: Principal, f: Filters, *, cursor: str | None, limit: int
) -> tuple[list[AssignmentPublic], str | None]:
    """The caller's own records, latest due time first."""
    now = utcnow()
    stmt = (
        select(Assignment, OrgUnit.name)
        .join(AssignmentRecord, col(AssignmentRecord.assignment_id) == Assignment.id)
        .join(OrgUnit, col(OrgUnit.id) == Assignment.cell_id)
        .where(AssignmentRecord.assignee_id == principal.user_id)
    )
    for cond in _record_filter(f, now):
        stmt = stmt.where(cond)
    keyset = _keyset(cursor)
    if keyset is not None:
        stmt = stmt.where(keyset)
    stmt = stmt.order_by(col(Assignment.due_at).desc(), col(Assignment.id).desc())
    rows, next_cursor = _page([(a, n) for a, n in session.exec(stmt.limit(limit + 1))], limit)
    records = _records(session, [a.id or 0 for a, _ in rows], only_user=principal.user_id)
    return _publish(session, principal, rows, records), next_cursor


def list_cell(
    session: Session,
    principal: Principal,
    cell_id: int,
    f: Filters,
    *,
    cursor: str | None,
    limit: int,
) -> tuple[list[AssignmentPublic], str | None]:
    """A cell's assignments with every record, for its leaders and committees."""
    cell = members.cell_of(session, cell_id, principal)
    authorize(principal, "assignment.follow", cell.path)
    now = utcnow()
    stmt = select(Assignment, OrgUnit.name).join(OrgUnit, col(OrgUnit.id) == Assignment.cell_id)
    stmt = stmt.where(Assignment.cell_id == cell.id)
    conds = _record_filter(f, now)
    if conds:
        # An assignment matches when any of its records does.
        stmt = stmt.where(
            exists().where(col(AssignmentRecord.assignment_id) == Assignment.id, *conds)
        )
    keyset = _keyset(cursor)
    if keyset is not None:
        stmt = stmt.where(keyset)
    stmt = stmt.order_by(col(Assignment.due_at).desc(), col(Assignment.id).desc())
    rows, next_cursor = _page([(a, n) for a, n in session.exec(stmt.limit(limit + 1))], limit)
    return _publish(
        session, principal, rows, _records(session, [a.id or 0 for a, _ in rows])
    ), next_cursor


def mine_changed_stmt(principal: Principal, since: dt.datetime | None) -> Any:
    """The caller's assignments whose record or assignment changed after `since`, unordered."""
    stmt = (
        select(Assignment, OrgUnit.name)
        .join(AssignmentRecord, col(AssignmentRecord.assignment_id) == Assignment.id)
        .join(OrgUnit, col(OrgUnit.id) == Assignment.cell_id)
        .where(AssignmentRecord.assignee_id == principal.user_id)
    )
    if since is not None:
        stmt = stmt.where(
            or_(col(AssignmentRecord.updated_at) > since, col(Assignment.updated_at) > since)
        )
    return stmt


def list_mine_changed(
    session: Session, principal: Principal, since: dt.datetime | None, *, limit: int
) -> list[AssignmentPublic]:
    """The caller's assignments whose record or assignment changed after `since` (sync)."""
    stmt = mine_changed_stmt(principal, since)
    stmt = stmt.order_by(col(Assignment.due_at).desc(), col(Assignment.id).desc()).limit(limit)
    rows = [(a, n) for a, n in session.exec(stmt)]
    records = _records(session, [a.id or 0 for a, _ in rows], only_user=principal.user_id)
    return _publish(session, principal, rows, records)
