"""A member's own reading: opened, acknowledged ("đã học tập, quán triệt"), bookmark, note.

Every operation is idempotent, because a phone replays its offline queue: acknowledging
twice keeps the first time and answers the same; opening again only moves `last_opened_at`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, col

from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.documents.models import (
    READABLE_STATUSES,
    Document,
    DocumentMark,
    DocumentReceipt,
    LibraryView,
)
from api.errors import Conflict, FieldError, ValidationFailed


def _insert(session: Session) -> type[postgresql.Insert] | type[sqlite.Insert]:
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert  # type: ignore[return-value]


def _require_published(doc: Document) -> None:
    if doc.status not in READABLE_STATUSES:
        raise Conflict("document.not_published")


def _receipt(session: Session, doc_id: int, user_id: int, version: int) -> DocumentReceipt:
    """The receipt row, created if missing (a concurrent replay cannot make two)."""
    session.execute(
        _insert(session)(DocumentReceipt)
        .values(document_id=doc_id, user_id=user_id, version=version, open_count=0)
        .on_conflict_do_nothing()
    )
    stmt = select(DocumentReceipt).where(
        col(DocumentReceipt.document_id) == doc_id,
        col(DocumentReceipt.user_id) == user_id,
        col(DocumentReceipt.version) == version,
    )
    if session.get_bind().dialect.name == "postgresql":
        stmt = stmt.with_for_update()
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def _audit(
    session: Session, principal: Principal, action: str, doc: Document, **after: object
) -> None:
    audit.record(
        session,
        actor_id=principal.user_id,
        action=action,
        object_type="document",
        object_id=doc.id,
        unit_path=principal.cell_path,
        after={"version": doc.version, **after},
    )


def record_read(session: Session, principal: Principal, doc: Document) -> None:
    """The member opened the current version."""
    _require_published(doc)
    row = _receipt(session, doc.id, principal.user_id, doc.version)  # type: ignore[arg-type]
    now = utcnow()
    first = row.first_opened_at is None
    if first:
        row.first_opened_at = now
    row.last_opened_at = now
    row.open_count += 1
    session.add(row)
    session.flush()
    if first:
        # Later openings only move last_opened_at on the receipt; auditing every page view
        # would bury the trail without telling anyone anything new.
        _audit(session, principal, "document.read", doc)


def acknowledge(session: Session, principal: Principal, doc: Document, version: int | None) -> None:
    """The member confirms having studied a version (the current one by default)."""
    _require_published(doc)
    version = doc.version if version is None else version
    if version > doc.version:
        raise ValidationFailed(errors=[FieldError("version", "field.no_such_version")])
    row = _receipt(session, doc.id, principal.user_id, version)  # type: ignore[arg-type]
    if row.acknowledged_at is not None:
        return  # already acknowledged: nothing changes
    now = utcnow()
    row.acknowledged_at = now
    row.first_opened_at = row.first_opened_at or now
    row.last_opened_at = row.last_opened_at or now
    session.add(row)
    session.flush()
    _audit(session, principal, "document.acknowledge", doc, acknowledged_version=version)


def _mark(session: Session, doc_id: int, user_id: int) -> DocumentMark:
    session.execute(
        _insert(session)(DocumentMark)
        .values(document_id=doc_id, user_id=user_id)
        .on_conflict_do_nothing()
    )
    stmt = select(DocumentMark).where(
        col(DocumentMark.document_id) == doc_id, col(DocumentMark.user_id) == user_id
    )
    return session.execute(stmt.execution_options(populate_existing=True)).scalar_one()


def set_bookmark(session: Session, principal: Principal, doc: Document, on: bool) -> None:
    """Save or unsave the document in the member's bookmarks."""
    _require_published(doc)
    mark = _mark(session, doc.id, principal.user_id)  # type: ignore[arg-type]
    if (mark.bookmarked_at is not None) == on:
        return
    mark.bookmarked_at = utcnow() if on else None
    session.add(mark)
    session.flush()
    _audit(session, principal, "document.bookmark" if on else "document.unbookmark", doc)


def set_note(session: Session, principal: Principal, doc: Document, note: str | None) -> None:
    """Write (or clear, with None or blank) the member's private note."""
    _require_published(doc)
    text = (note or "").strip() or None
    if text is not None and "\x00" in text:
        raise ValidationFailed(errors=[FieldError("note", "field.invalid")])
    mark = _mark(session, doc.id, principal.user_id)  # type: ignore[arg-type]
    if mark.note == text:
        return
    mark.note = text
    mark.note_updated_at = utcnow()
    session.add(mark)
    session.flush()
    # The note is private: the trail records that it changed, never what it says.
    _audit(session, principal, "document.note", doc, note_length=len(text or ""))


def mark_library_seen(session: Session, principal: Principal) -> dt.datetime:
    """Remember that the member looked at the library now (what is new is measured from it)."""
    now = utcnow()
    stmt = _insert(session)(LibraryView).values(user_id=principal.user_id, last_seen_at=now)
    session.execute(
        stmt.on_conflict_do_update(index_elements=["user_id"], set_={"last_seen_at": now})
    )
    return now
