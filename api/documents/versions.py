"""Reading a document's versions: the current one and every one it replaced."""

from __future__ import annotations

from sqlalchemy import select
from sqlmodel import Session, col

from api.documents.models import Document, DocumentStatus, DocumentVersion
from api.documents.schemas import VersionBrief, VersionPublic
from api.errors import NotFound


def _rows(session: Session, doc: Document) -> list[DocumentVersion]:
    return list(
        session.execute(
            select(DocumentVersion)
            .where(col(DocumentVersion.document_id) == doc.id)
            .order_by(col(DocumentVersion.version).desc())
        ).scalars()
    )


def list_versions(session: Session, doc: Document) -> list[VersionBrief]:
    """Every version, newest first."""
    return [
        VersionBrief(
            version=v.version,
            title=v.title,
            change_note=v.change_note,
            published_at=v.published_at,
            current=v.version == doc.version,
        )
        for v in _rows(session, doc)
    ]


def get_version(session: Session, doc: Document, version: int) -> VersionPublic:
    """One version's content, or 404."""
    row = session.execute(
        select(DocumentVersion).where(
            col(DocumentVersion.document_id) == doc.id, col(DocumentVersion.version) == version
        )
    ).scalar_one_or_none()
    if row is None or (doc.status == DocumentStatus.draft and version != doc.version):
        raise NotFound()
    return VersionPublic(
        version=row.version,
        symbol=row.symbol,
        title=row.title,
        summary=row.summary,
        body_html=row.body_html,
        change_note=row.change_note,
        published_at=row.published_at,
        current=row.version == doc.version,
    )
