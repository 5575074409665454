"""Attachments of assignments: the files domain stores them.

A report's files belong to its record: its assignee and the followers of its cell (leaders,
committees above) may download them. The files a leader gives with the task belong to the
assignment: every assignee of it and the same followers may.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from api.assignments.models import Assignment, AssignmentRecord
from api.authz import Principal
from api.files import service as files
from api.org.models import OrgUnit

OWNER_KIND = "assignment_report"
TASK_KIND = "assignment"


def claim(
    session: Session, principal: Principal, attachment_ids: Sequence[int], record_id: int
) -> None:
    """Make the caller's uploads belong to their report (the files domain checks them)."""
    files.claim(session, principal, list(attachment_ids), owner_kind=OWNER_KIND, owner_id=record_id)


def can_read(session: Session, principal: Principal, owner_id: int) -> bool:
    """Whether the caller may read the record `owner_id` (and so its attachments)."""
    row = session.exec(
        select(AssignmentRecord.assignee_id, OrgUnit.path)
        .join(Assignment, col(Assignment.id) == AssignmentRecord.assignment_id)
        .join(OrgUnit, col(OrgUnit.id) == Assignment.cell_id)
        .where(col(AssignmentRecord.id) == owner_id)
    ).first()
    if row is None:
        return False
    assignee_id, cell_path = row
    return assignee_id == principal.user_id or principal.may("assignment.follow", cell_path)


def claim_for_task(
    session: Session, principal: Principal, attachment_ids: Sequence[int], assignment_id: int
) -> None:
    """Make the leader's uploads belong to the task they are giving."""
    files.claim(
        session, principal, list(attachment_ids), owner_kind=TASK_KIND, owner_id=assignment_id
    )


def can_read_task(session: Session, principal: Principal, owner_id: int) -> bool:
    """Whether the caller is given the assignment `owner_id` or follows its cell."""
    cell_path = session.exec(
        select(OrgUnit.path)
        .join(Assignment, col(Assignment.cell_id) == OrgUnit.id)
        .where(col(Assignment.id) == owner_id)
    ).first()
    if cell_path is None:
        return False
    if principal.may("assignment.follow", cell_path):
        return True
    mine = select(AssignmentRecord.id).where(
        col(AssignmentRecord.assignment_id) == owner_id,
        col(AssignmentRecord.assignee_id) == principal.user_id,
    )
    return session.exec(mine).first() is not None


files.register_owner(OWNER_KIND, can_read)
files.register_owner(TASK_KIND, can_read_task)
