"""Documents linked to assignments.

The link table keeps bare document ids without a foreign key: the documents tables came in
parallel with this domain's migration. Ids are checked through the documents domain's own
visibility rule: a leader links only documents they can read, and each viewer sees the
symbol and title of the linked documents they can read (only the id of others).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlmodel import Session, col, delete, select

from api.assignments.models import AssignmentDocument
from api.assignments.schemas import DocumentLink
from api.authz import Principal
from api.db import any_of, any_of_param, prebuilt
from api.documents.models import Document
from api.documents.visibility import readable_clause
from api.errors import FieldError, NotFound


def check_documents(
    session: Session, principal: Principal, document_ids: Sequence[int], field: str
) -> list[int]:
    """The ids, de-duplicated; documents the caller cannot read are 404 field errors."""
    wanted = list(dict.fromkeys(document_ids))
    if not wanted:
        return wanted
    found = set(
        session.exec(
            select(Document.id).where(col(Document.id).in_(wanted), readable_clause(principal))
        )
    )
    errors = [
        FieldError(f"{field}.{i}", "assignment.field.document_not_found")
        for i, did in enumerate(document_ids)
        if did not in found
    ]
    if errors:
        raise NotFound(errors=errors)
    return wanted


def set_links(session: Session, assignment_id: int, document_ids: Sequence[int]) -> None:
    """Replace the assignment's links with `document_ids`, in order."""
    session.exec(
        delete(AssignmentDocument).where(col(AssignmentDocument.assignment_id) == assignment_id)
    )  # type: ignore[call-overload]
    for position, document_id in enumerate(document_ids):
        session.add(
            AssignmentDocument(
                assignment_id=assignment_id, document_id=document_id, position=position
            )
        )


@prebuilt
def _links() -> Any:
    return (
        select(col(AssignmentDocument.assignment_id), col(AssignmentDocument.document_id))
        .where(any_of_param(col(AssignmentDocument.assignment_id), "ids"))
        .order_by(col(AssignmentDocument.assignment_id), col(AssignmentDocument.position))
    )


def links_of(
    session: Session, principal: Principal, assignment_ids: Sequence[int]
) -> dict[int, list[DocumentLink]]:
    """Linked documents per assignment; symbol and title of those the caller can read."""
    if not assignment_ids:
        return {}
    rows = session.connection().execute(_links(), {"ids": list(assignment_ids)}).all()
    doc_ids = sorted({int(d) for _, d in rows})
    details: dict[int, tuple[str, str]] = {}
    if doc_ids:
        readable = session.exec(
            select(Document.id, Document.symbol, Document.title).where(
                any_of(col(Document.id), doc_ids), readable_clause(principal)
            )
        )
        details = {int(i): (sym, title) for i, sym, title in readable if i is not None}
    out: dict[int, list[DocumentLink]] = {int(a): [] for a in assignment_ids}
    for aid, did in rows:
        sym, title = details.get(int(did), (None, None))
        out[int(aid)].append(DocumentLink(id=int(did), symbol=sym, title=title))
    return out
