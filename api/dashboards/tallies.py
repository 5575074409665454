"""The dashboards' roll-ups recounted from the raw rows: to rebuild them after a bulk load
made with triggers off, and to prove them exact (tests, operators)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import and_, case, delete, func, insert, select
from sqlmodel import Session, col

from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.states import State
from api.dashboards.models import AssignmentTally, CellTally, StudyTally
from api.documents.models import DocumentReceipt
from api.members.models import User

STATES = [s.value for s in State]


def _assignment_recount() -> Any:
    state = col(AssignmentRecord.state)
    late = and_(
        state == State.approved.value, col(AssignmentRecord.submitted_at) > col(Assignment.due_at)
    )
    return (
        select(
            col(Assignment.id),
            col(Assignment.cell_id),
            col(Assignment.due_at),
            func.count(col(AssignmentRecord.id)),
            *[func.count(case((state == s, 1))) for s in STATES],
            func.count(case((late, 1))),
        )
        .select_from(Assignment)
        .outerjoin(AssignmentRecord, col(AssignmentRecord.assignment_id) == col(Assignment.id))
        .group_by(col(Assignment.id), col(Assignment.cell_id), col(Assignment.due_at))
    )


def _active_members() -> Any:
    return and_(col(User.is_active).is_(True), col(User.cell_id).is_not(None))


def _cell_recount() -> Any:
    return (
        select(col(User.cell_id), func.count()).where(_active_members()).group_by(col(User.cell_id))
    )


def _study_recount() -> Any:
    return (
        select(
            col(DocumentReceipt.document_id),
            col(DocumentReceipt.version),
            col(User.cell_id),
            func.count(col(DocumentReceipt.first_opened_at)),
            func.count(col(DocumentReceipt.acknowledged_at)),
        )
        .join(User, col(User.id) == col(DocumentReceipt.user_id))
        .where(_active_members())
        .group_by(col(DocumentReceipt.document_id), col(DocumentReceipt.version), col(User.cell_id))
    )


ASSIGNMENT_COLUMNS = ["assignment_id", "cell_id", "due_at", "records", *STATES, "approved_late"]


def rebuild(session: Session) -> None:
    """Recount every tally from the raw rows (the caller commits)."""
    for model in (AssignmentTally, StudyTally, CellTally):
        session.execute(delete(model))
    session.execute(insert(AssignmentTally).from_select(ASSIGNMENT_COLUMNS, _assignment_recount()))
    session.execute(insert(CellTally).from_select(["cell_id", "active_members"], _cell_recount()))
    study_columns = ["document_id", "version", "cell_id", "read", "acknowledged"]
    session.execute(insert(StudyTally).from_select(study_columns, _study_recount()))


def drift(session: Session) -> list[str]:
    """Where the tallies differ from a recount (empty when exact)."""
    out = []
    checks = [
        # An assignment has its tally row even with no records; the other tallies may keep
        # rows that fell to zero (a member who left), which a recount simply does not list.
        (AssignmentTally, _assignment_recount(), 1, True),
        (CellTally, _cell_recount(), 1, False),
        (StudyTally, _study_recount(), 3, False),
    ]
    for model, recount, key_len, keep_zero in checks:
        table = model.__table__  # type: ignore[attr-defined]
        kept = select(table)
        have = _by_key(session.execute(kept).all(), key_len, keep_zero)
        want = _by_key(session.execute(recount).all(), key_len, keep_zero)
        for key in sorted(have.keys() | want.keys(), key=str):
            if have.get(key) != want.get(key):
                out.append(f"{table.name} {key}: {have.get(key)} ≠ {want.get(key)}")
    return out


def _by_key(
    rows: Sequence[Any], key_len: int, keep_zero: bool
) -> dict[tuple[Any, ...], tuple[Any, ...]]:
    """Rows keyed by their first columns (all-zero rows left out unless `keep_zero`)."""
    out = {}
    for row in rows:
        key, rest = tuple(row)[:key_len], tuple(row)[key_len:]
        if keep_zero or any(rest):
            out[key] = rest
    return out
