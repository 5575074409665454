"""Attachments on reports: the files domain stores them; a report's record owns them.

Who may download a report's attachment is the same rule as who may read the record: its
assignee and the followers of its cell (leaders, committees above).
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, select

from api.assignments.models import Assignment, AssignmentRecord
from api.authz import Principal
from api.files import service as files
from api.org.models import OrgUnit

OWNER_KIND = "assignment_report"


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


files.register_owner(OWNER_KIND, can_read)
