"""Who may read and manage which document, as SQL (lists, search) and as checks (one object).

Reading: a published or archived document is readable by everyone standing inside its
audience (the audience unit is on the path of their cell or of a unit they hold a role
in), by the leaders and committees who follow the audience's units, and by the issuing
unit's publishers, who alone also see drafts. Everything else answers 404.
"""

from __future__ import annotations

from sqlalchemy import and_, false, or_, select
from sqlalchemy.orm import aliased
from sqlalchemy.sql import ColumnElement
from sqlmodel import Session, col

from api.authz import FOLLOWERS, PUBLISHERS, Principal, in_any_subtree
from api.db import any_of, one_of
from api.documents.models import READABLE_STATUSES, Document, DocumentAudience
from api.errors import Forbidden, NotFound
from api.files import service as files
from api.org.models import OrgUnit


def path_ids(path: str) -> list[int]:
    """The unit ids on a materialized path: '/1/5/23/' → [1, 5, 23]."""
    return [int(p) for p in path.strip("/").split("/") if p]


def anchor_unit_ids(principal: Principal) -> list[int]:
    """Every unit above or at the caller's cell and granted units: audiences that reach them."""
    ids: set[int] = set()
    for path in principal.anchors():
        ids.update(path_ids(path))
    return sorted(ids)


def readable_clause(principal: Principal) -> ColumnElement[bool]:
    """SQL filter on `Document` for what the caller may read (one indexed query)."""
    readable = one_of(col(Document.status), READABLE_STATUSES)
    clauses: list[ColumnElement[bool]] = []
    ids = anchor_unit_ids(principal)
    if ids:
        addressed = (
            select(col(DocumentAudience.document_id))
            .where(
                col(DocumentAudience.document_id) == Document.id,
                any_of(col(DocumentAudience.unit_id), ids),
            )
            .exists()
        )
        clauses.append(and_(readable, addressed))
    follow = principal.role_paths(FOLLOWERS)
    if follow:
        unit = aliased(OrgUnit)
        followed = (
            select(col(DocumentAudience.document_id))
            .join(unit, col(unit.id) == col(DocumentAudience.unit_id))
            .where(
                col(DocumentAudience.document_id) == Document.id, in_any_subtree(unit.path, follow)
            )
            .exists()
        )
        clauses.append(and_(readable, followed))
    manage = manage_clause(principal)
    if manage is not None:
        clauses.append(manage)
    return or_(*clauses) if clauses else false()


def manage_clause(principal: Principal) -> ColumnElement[bool] | None:
    """SQL filter on `Document` for documents whose issuer the caller publishes for."""
    paths = principal.role_paths(PUBLISHERS)
    if not paths:
        return None
    issuer = aliased(OrgUnit)
    return (
        select(col(issuer.id))
        .where(col(issuer.id) == Document.issuer_id, in_any_subtree(issuer.path, paths))
        .exists()
    )


def readable_document(session: Session, principal: Principal, document_id: int) -> Document:
    """The document if the caller may read it, else 404."""
    doc = (
        session.execute(
            select(Document).where(col(Document.id) == document_id, readable_clause(principal))
        )
        .scalars()
        .first()
    )
    if doc is None:
        raise NotFound()
    return doc


def issuer_of(session: Session, doc: Document) -> OrgUnit:
    """The issuing unit."""
    unit = session.get(OrgUnit, doc.issuer_id)
    assert unit is not None  # a foreign key
    return unit


def can_manage(principal: Principal, issuer: OrgUnit) -> bool:
    """Whether the caller publishes for the issuing unit."""
    return principal.may("document.manage", issuer.path)


def managed_document(
    session: Session, principal: Principal, document_id: int
) -> tuple[Document, OrgUnit]:
    """The document and its issuer for its publishers: 404 if unreadable, 403 if read-only."""
    doc = readable_document(session, principal, document_id)
    issuer = issuer_of(session, doc)
    if not can_manage(principal, issuer):
        raise Forbidden()
    return doc, issuer


def can_read(session: Session, principal: Principal, document_id: int) -> bool:
    """Whether the caller may read the document (attachments' download check)."""
    found = session.execute(
        select(col(Document.id)).where(col(Document.id) == document_id, readable_clause(principal))
    ).first()
    return found is not None


# Attachments owned by a document are downloadable by whoever may read the document.
files.register_owner("document", can_read)
