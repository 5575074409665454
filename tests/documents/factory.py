"""Documents, attachments and study sets made straight through the services, for tests.

Each maker is get-or-create (keyed by symbol or title), because the role-by-route matrix
calls a case's setup once per caller against the same world.
"""

from __future__ import annotations

import datetime as dt
import io
from typing import Any

from sqlalchemy import select
from sqlmodel import Session

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64


def principal(session: Session, w: Any, who: str):  # type: ignore[no-untyped-def]
    """The Principal of a named person of the test world."""
    from api.auth.service import principal_for
    from api.members.models import User

    user = session.get(User, w.users[who])
    return principal_for(session, user)


def make_document(
    w: Any,
    *,
    symbol: str = "10-NQ/ĐU",
    kind: str = "resolution",
    issuer: str = "A",
    publisher: str = "publisher_a",
    publish: bool = True,
    audience: list[str] | None = None,
    title: str = "Nghị quyết về chuyển đổi số trong Đảng bộ xã",
    summary: str = "Đảng bộ xã quyết tâm đưa Sổ tay đảng viên điện tử đến mọi chi bộ.",
    body: str = "## Nội dung\n\nMỗi đảng viên đọc văn bản và **xác nhận đã học tập**.",
    issued_on: dt.date = dt.date(2026, 3, 1),
    topics: list[str] | None = None,
    replaces: list[int] | None = None,
) -> int:
    """A document of `issuer` (published unless asked otherwise); returns its id."""
    from api.db import new_session
    from api.documents import service
    from api.documents.models import Document
    from api.documents.schemas import DocumentCreate
    from api.documents.symbols import parse_symbol

    with new_session() as s:
        key = parse_symbol(symbol, kind).key
        found = s.execute(select(Document.id).where(Document.symbol_key == key)).scalar()
        if found is not None:
            return int(found)
        p = principal(s, w, publisher)
        data = DocumentCreate(
            kind=kind,
            symbol=symbol,
            title=title,
            summary=summary,
            body=body,
            issuer_id=w.units[issuer],
            issued_on=issued_on,
            topics=topics or ["Chuyển đổi số"],
            audience_unit_ids=[w.units[c] for c in audience] if audience else None,
            replaces_ids=replaces or [],
        )
        doc = service.create_document(s, p, data)
        if publish:
            from api.documents.visibility import issuer_of

            service.publish(s, p, doc, issuer_of(s, doc))
        s.commit()
        doc_id = int(doc.id)  # type: ignore[arg-type]
    _drain_notifications()
    return doc_id


def _drain_notifications() -> None:
    """Let the in-process notification fan-out of a publication finish, so that it does not
    hold locks while the test (or the matrix's world reset) goes on."""
    try:
        from api.notifications import engine
    except ImportError:
        return
    current = engine.current()
    if current is not None:
        current.join()


def make_attachment(w: Any, document_id: int, *, publisher: str = "publisher_a") -> int:
    """A PDF attached to the document (the first one if it already has some)."""
    from api.db import new_session
    from api.files import service as files

    with new_session() as s:
        existing = files.owned_by(s, "document", document_id)
        if existing:
            return int(existing[0].id)  # type: ignore[arg-type]
        p = principal(s, w, publisher)
        a = files.store_upload(
            s, p, io.BytesIO(PDF), "Nghị quyết.pdf", owner_kind="document", owner_id=document_id
        )
        s.commit()
        return int(a.id)  # type: ignore[arg-type]


def make_upload(w: Any, who: str) -> int:
    """An unclaimed upload by `who` (one per person)."""
    from api.db import new_session
    from api.files import service as files
    from api.files.models import Attachment

    with new_session() as s:
        found = s.execute(
            select(Attachment.id).where(
                Attachment.uploaded_by_id == w.users[who],
                Attachment.owner_kind.is_(None),  # type: ignore[union-attr]
            )
        ).scalar()
        if found is not None:
            return int(found)
        a = files.store_upload(s, principal(s, w, who), io.BytesIO(PNG), "ảnh báo cáo.png")
        s.commit()
        return int(a.id)  # type: ignore[arg-type]


def make_study_set(
    w: Any, document_ids: list[int], *, title: str = "Chuyên đề chuyển đổi số", issuer: str = "A"
) -> int:
    """A study set of `issuer` with the documents in order."""
    from api.db import new_session
    from api.documents import study_sets
    from api.documents.models import StudySet
    from api.documents.schemas import StudySetCreate

    with new_session() as s:
        found = s.execute(select(StudySet.id).where(StudySet.title == title)).scalar()
        if found is not None:
            return int(found)
        p = principal(s, w, "publisher_a")
        data = StudySetCreate(issuer_id=w.units[issuer], title=title, document_ids=document_ids)
        created = study_sets.create(s, p, data)
        s.commit()
        return int(created.id)  # type: ignore[arg-type]
