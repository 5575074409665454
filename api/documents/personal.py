"""A member's part of the library for the privacy export and erasure.

Receipts are kept on erasure: they are the study counts committees report (the member's
name is gone with the profile). Bookmarks and private notes are the member's own: removed.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api import privacy
from api.documents.models import Document, DocumentMark, DocumentReceipt, LibraryView


def _export(session: Session, user_id: int) -> dict[str, Any]:
    receipts = session.exec(
        select(DocumentReceipt, Document.symbol, Document.title)
        .join(Document, col(Document.id) == DocumentReceipt.document_id)
        .where(col(DocumentReceipt.user_id) == user_id)
        .order_by(col(DocumentReceipt.document_id), col(DocumentReceipt.version))
    ).all()
    marks = session.exec(
        select(DocumentMark, Document.symbol, Document.title)
        .join(Document, col(Document.id) == DocumentMark.document_id)
        .where(col(DocumentMark.user_id) == user_id)
        .order_by(col(DocumentMark.document_id))
    ).all()
    return {
        "receipts": [
            {
                "document_id": r.document_id,
                "symbol": symbol,
                "title": title,
                "version": r.version,
                "first_opened_at": privacy.iso(r.first_opened_at),
                "last_opened_at": privacy.iso(r.last_opened_at),
                "open_count": r.open_count,
                "acknowledged_at": privacy.iso(r.acknowledged_at),
            }
            for r, symbol, title in receipts
        ],
        "bookmarks_and_notes": [
            {
                "document_id": m.document_id,
                "symbol": symbol,
                "title": title,
                "bookmarked_at": privacy.iso(m.bookmarked_at),
                "note": m.note,
                "note_updated_at": privacy.iso(m.note_updated_at),
            }
            for m, symbol, title in marks
        ],
    }


def _erase(session: Session, user_id: int) -> None:
    session.execute(delete(DocumentMark).where(col(DocumentMark.user_id) == user_id))
    session.execute(delete(LibraryView).where(col(LibraryView.user_id) == user_id))


privacy.register("documents", export=_export, erase=_erase)
