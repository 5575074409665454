"""Documents and study sets linked to a meeting as its materials.

Ids are checked through the documents domain's own visibility rules: a leader links only
what they can read, and each viewer sees symbol and title of the materials they can read.
"""

from __future__ import annotations

from collections.abc import Sequence

from sqlmodel import Session, col, delete, select

from api.assignments.links import check_documents
from api.authz import Principal
from api.documents import study_sets
from api.documents.models import Document, StudySet
from api.documents.visibility import readable_clause
from api.errors import FieldError, NotFound
from api.meetings.models import MeetingMaterial
from api.meetings.schemas import MaterialLink


def check(
    session: Session, principal: Principal, document_ids: Sequence[int], set_ids: Sequence[int]
) -> tuple[list[int], list[int]]:
    """The ids, de-duplicated; anything the caller cannot read is a 404 field error."""
    docs = check_documents(session, principal, document_ids, "document_ids")
    sets = list(dict.fromkeys(set_ids))
    if sets:
        found = set(
            session.exec(
                select(StudySet.id).where(
                    col(StudySet.id).in_(sets), study_sets.visible_clause(principal)
                )
            )
        )
        errors = [
            FieldError(f"study_set_ids.{i}", "meeting.field.study_set_not_found")
            for i, sid in enumerate(set_ids)
            if sid not in found
        ]
        if errors:
            raise NotFound(errors=errors)
    return docs, sets


def current(session: Session, meeting_id: int) -> tuple[list[int], list[int]]:
    """The linked document and study set ids, in order."""
    rows = session.exec(
        select(MeetingMaterial.kind, MeetingMaterial.ref_id)
        .where(MeetingMaterial.meeting_id == meeting_id)
        .order_by(col(MeetingMaterial.position))
    ).all()
    return [int(r) for k, r in rows if k == "document"], [
        int(r) for k, r in rows if k != "document"
    ]


def set_links(
    session: Session, meeting_id: int, document_ids: Sequence[int], set_ids: Sequence[int]
) -> None:
    """Replace the meeting's materials, in order (documents first)."""
    session.exec(delete(MeetingMaterial).where(col(MeetingMaterial.meeting_id) == meeting_id))  # type: ignore[call-overload]
    refs = [("document", d) for d in document_ids] + [("study_set", s) for s in set_ids]
    for position, (kind, ref) in enumerate(refs):
        session.add(
            MeetingMaterial(meeting_id=meeting_id, kind=kind, ref_id=ref, position=position)
        )


def links_of(
    session: Session, principal: Principal, meeting_ids: Sequence[int]
) -> dict[int, list[MaterialLink]]:
    """Materials per meeting; symbol and title of those the caller can read."""
    out: dict[int, list[MaterialLink]] = {int(m): [] for m in meeting_ids}
    if not meeting_ids:
        return out
    rows = session.exec(
        select(MeetingMaterial)
        .where(col(MeetingMaterial.meeting_id).in_(list(meeting_ids)))
        .order_by(col(MeetingMaterial.meeting_id), col(MeetingMaterial.position))
    ).all()
    doc_ids = sorted({r.ref_id for r in rows if r.kind == "document"})
    set_ids = sorted({r.ref_id for r in rows if r.kind == "study_set"})
    docs: dict[int, tuple[str | None, str]] = {}
    if doc_ids:
        found = session.exec(
            select(Document.id, Document.symbol, Document.title).where(
                col(Document.id).in_(doc_ids), readable_clause(principal)
            )
        )
        docs = {int(i): (sym, title) for i, sym, title in found if i is not None}
    sets: dict[int, tuple[str | None, str]] = {}
    if set_ids:
        found_sets = session.exec(
            select(StudySet.id, StudySet.title).where(
                col(StudySet.id).in_(set_ids), study_sets.visible_clause(principal)
            )
        )
        sets = {int(i): (None, title) for i, title in found_sets if i is not None}
    for r in rows:
        known = docs if r.kind == "document" else sets
        sym, title = known.get(r.ref_id, (None, None))  # type: ignore[arg-type]
        out[r.meeting_id].append(MaterialLink(id=r.ref_id, kind=r.kind, symbol=sym, title=title))
    return out
