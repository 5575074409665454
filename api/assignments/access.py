"""Loading an assignment with what the caller may do to it, and checking assignees.

Visibility: the cell's followers (its secretary, deputy and the committees above it) see an
assignment; an assignee sees it with their own record only; everyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from sqlmodel import Session, col, select

from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.states import OPEN, StateConflict
from api.authz import LEADERS, Principal
from api.db import any_of_param, prebuilt
from api.errors import FieldError, Forbidden, NotFound
from api.members.models import User
from api.org.models import OrgUnit, RoleGrant


@dataclass
class Access:
    """An assignment as seen by one caller."""

    assignment: Assignment
    cell: OrgUnit
    follower: bool  # reads every record (assignment.follow)
    manager: bool  # changes the assignment and reviews reports (assignment.manage)
    own: AssignmentRecord | None  # the caller's own record, if they are an assignee

    @property
    def path(self) -> str:
        return self.cell.path


def load(
    session: Session, principal: Principal, assignment_id: int, *, lock: bool = False
) -> Access:
    """The assignment if the caller may see it (404 otherwise); `lock` for changes."""
    stmt = (
        select(Assignment, OrgUnit)
        .join(OrgUnit, col(OrgUnit.id) == Assignment.cell_id)
        .where(col(Assignment.id) == assignment_id)
    )
    if lock:
        # Serializes changes to one assignment on PostgreSQL; SQLite's writer lock already does.
        stmt = stmt.with_for_update(of=Assignment)  # type: ignore[arg-type]
    row = session.exec(stmt).first()
    if row is None:
        raise NotFound()
    assignment, cell = row
    own = session.exec(
        select(AssignmentRecord).where(
            AssignmentRecord.assignment_id == assignment.id,
            AssignmentRecord.assignee_id == principal.user_id,
        )
    ).first()
    follower = principal.may("assignment.follow", cell.path)
    if not follower and own is None:
        raise NotFound()
    manager = principal.may("assignment.manage", cell.path)
    return Access(assignment, cell, follower, manager, own)


def require_manager(access: Access) -> None:
    """Only the cell's secretary or deputy changes an assignment (visible to others: 403)."""
    if not access.manager:
        raise Forbidden()


def require_open(assignment: Assignment) -> None:
    """A cancelled assignment takes no more changes."""
    if assignment.cancelled_at is not None:
        raise StateConflict("cancelled")


def own_record(session: Session, access: Access) -> AssignmentRecord:
    """The caller's own record, locked for a change; 403 for leaders who are not assignees."""
    if access.own is None:
        raise Forbidden()
    return lock_record(session, access.own.id)  # type: ignore[arg-type]


def lock_record(session: Session, record_id: int) -> AssignmentRecord:
    """Re-read a record under a row lock (PostgreSQL), so two changes cannot both win."""
    stmt = select(AssignmentRecord).where(col(AssignmentRecord.id) == record_id)
    record = session.exec(stmt.with_for_update().execution_options(populate_existing=True)).one()
    return record


def open_records(session: Session, assignment_id: int) -> list[AssignmentRecord]:
    """Unfinished records, locked for a change."""
    stmt = select(AssignmentRecord).where(
        AssignmentRecord.assignment_id == assignment_id,
        col(AssignmentRecord.state).in_(sorted(OPEN)),
    )
    return list(session.exec(stmt.with_for_update().execution_options(populate_existing=True)))


def record_of(session: Session, access: Access, user_id: int) -> AssignmentRecord:
    """A given assignee's record, for the cell's leaders; 404 when there is none."""
    if not access.follower:
        raise NotFound()
    stmt = select(AssignmentRecord).where(
        AssignmentRecord.assignment_id == access.assignment.id,
        AssignmentRecord.assignee_id == user_id,
    )
    record = session.exec(stmt.with_for_update().execution_options(populate_existing=True)).first()
    if record is None:
        raise NotFound()
    return record


def cell_member_ids(session: Session, cell_id: int) -> list[int]:
    """Active members of the cell, in Vietnamese name order."""
    rows = session.exec(
        select(User.id)
        .where(User.cell_id == cell_id, col(User.is_active).is_(True))
        .order_by(col(User.name_sort), col(User.id))
    )
    return [int(i) for i in rows if i is not None]


def check_assignees(
    session: Session, cell_id: int, user_ids: Sequence[int], field: str
) -> list[int]:
    """The ids, de-duplicated; each must be an active member of the cell (404 field errors)."""
    wanted = list(dict.fromkeys(user_ids))
    found = set(
        session.exec(
            select(User.id).where(
                col(User.id).in_(wanted),
                User.cell_id == cell_id,
                col(User.is_active).is_(True),
            )
        )
    )
    errors = [
        FieldError(f"{field}.{i}", "assignment.field.not_cell_member")
        for i, uid in enumerate(user_ids)
        if uid not in found
    ]
    if errors:
        raise NotFound(errors=errors)
    return wanted


def cell_leader_ids(session: Session, cell_id: int) -> list[int]:
    """Holders of a secretary or deputy grant on the cell itself (who hear about comments)."""
    rows = session.exec(
        select(RoleGrant.user_id)
        .join(User, col(User.id) == RoleGrant.user_id)
        .where(
            RoleGrant.unit_id == cell_id,
            col(RoleGrant.role).in_(sorted(LEADERS)),
            col(User.is_active).is_(True),
        )
    )
    return sorted({int(i) for i in rows})


def names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Full names by id."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.connection().execute(_names(), {"ids": ids})
    return {int(i): n for i, n in rows if i is not None}


@prebuilt
def _names() -> Any:
    return select(col(User.id), col(User.full_name)).where(any_of_param(col(User.id), "ids"))
