"""A member's part of the assignments for the privacy export and erasure.

On erasure the records stay, with their states and times: they are the cell's completion
counts. What the member wrote (reports, comments) and the files they sent are removed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, update
from sqlmodel import Session, col, select

from api import privacy
from api.assignments.attachments import OWNER_KIND
from api.assignments.models import Assignment, AssignmentEvent, AssignmentRecord
from api.files.models import Attachment


def _export(session: Session, user_id: int) -> dict[str, Any]:
    records = session.exec(
        select(AssignmentRecord, Assignment.title, Assignment.due_at)
        .join(Assignment, col(Assignment.id) == AssignmentRecord.assignment_id)
        .where(col(AssignmentRecord.assignee_id) == user_id)
        .order_by(col(AssignmentRecord.id))
    ).all()
    comments = session.exec(
        select(AssignmentEvent)
        .where(col(AssignmentEvent.actor_id) == user_id, col(AssignmentEvent.kind) == "comment")
        .order_by(col(AssignmentEvent.id))
    ).all()
    return {
        "records": [
            {
                "assignment_id": r.assignment_id,
                "title": title,
                "due_at": privacy.iso(due_at),
                "state": r.state,
                "report": r.report,
                "attachment_ids": list(r.attachment_ids or []),
                "return_reason": r.return_reason,
                "started_at": privacy.iso(r.started_at),
                "submitted_at": privacy.iso(r.submitted_at),
                "approved_at": privacy.iso(r.approved_at),
            }
            for r, title, due_at in records
        ],
        "comments": [
            {"assignment_id": c.assignment_id, "at": privacy.iso(c.at), "text": c.note}
            for c in comments
        ],
    }


def _erase(session: Session, user_id: int) -> None:
    mine = select(col(AssignmentRecord.id)).where(col(AssignmentRecord.assignee_id) == user_id)
    session.execute(
        delete(Attachment).where(
            col(Attachment.owner_kind) == OWNER_KIND, col(Attachment.owner_id).in_(mine)
        )
    )
    session.execute(
        update(AssignmentRecord)
        .where(col(AssignmentRecord.assignee_id) == user_id)
        .values(report=None, attachment_ids=[])
    )
    # Their words in the history: comments and the text of their submissions.
    session.execute(
        update(AssignmentEvent)
        .where(col(AssignmentEvent.actor_id) == user_id, col(AssignmentEvent.kind) == "comment")
        .values(note=None)
    )
    session.execute(
        update(AssignmentEvent)
        .where(col(AssignmentEvent.record_id).in_(mine), col(AssignmentEvent.actor_id) == user_id)
        .values(note=None, data=None)
    )


privacy.register("assignments", export=_export, erase=_erase)
