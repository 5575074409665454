"""Study numbers counted in SQL: who of a document's audience read and acknowledged it.

A document's audience at a unit U is every active member whose cell lies under one of the
document's audience units and under U; it is counted for the document's current version
(a substantive revision asks everyone again). Published documents only: an archived one is
no longer to be studied.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.authz import subtree_clause
from api.dashboards.counts import child_path, in_subtree_of, rate
from api.dashboards.models import CellTally, StudyTally
from api.dashboards.schemas import StudyTotals
from api.documents.models import Document, DocumentAudience, DocumentReceipt, DocumentStatus
from api.errors import FieldError, ValidationFailed
from api.members.models import User
from api.org.models import OrgUnit
from api.pagination import decode_cursor, encode_cursor


def path_ids(path: str) -> list[int]:
    """The unit ids on a materialized path: '/1/5/23/' → [1, 5, 23]."""
    return [int(p) for p in path.strip("/").split("/") if p]


def reaches_clause(unit: OrgUnit) -> ColumnElement[bool]:
    """SQL filter on `Document`: published and addressed to `unit`, above it or inside it."""
    target = aliased(OrgUnit)
    addressed = (
        select(col(DocumentAudience.document_id))
        .join(target, col(target.id) == col(DocumentAudience.unit_id))
        .where(
            col(DocumentAudience.document_id) == col(Document.id),
            or_(
                col(DocumentAudience.unit_id).in_(path_ids(unit.path)),
                subtree_clause(col(target.path), unit.path),
            ),
        )
        .exists()
    )
    return and_(col(Document.status) == DocumentStatus.published.value, addressed)


def page_documents(
    session: Session, unit: OrgUnit, *, cursor: str | None, limit: int
) -> tuple[list[Document], str | None]:
    """Documents studied under `unit`, the latest version first (keyset pages)."""
    stmt = select(Document).where(reaches_clause(unit))
    after = decode_cursor(cursor, 2)
    if after is not None:
        try:
            when, last_id = dt.datetime.fromisoformat(str(after[0])), int(after[1] or 0)
        except (TypeError, ValueError):
            raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None
        revised = col(Document.revised_at)
        stmt = stmt.where(or_(revised < when, and_(revised == when, col(Document.id) < last_id)))
    stmt = stmt.order_by(col(Document.revised_at).desc(), col(Document.id).desc())
    rows = list(session.execute(stmt.limit(limit + 1)).scalars())
    if len(rows) <= limit:
        return rows, None
    rows = rows[:limit]
    last = rows[-1]
    return rows, encode_cursor([(last.revised_at or dt.datetime.min).isoformat(), last.id])


def find_document(session: Session, unit: OrgUnit, document_id: int) -> Document | None:
    """The document if it is published to `unit` (above or inside it)."""
    stmt = select(Document).where(col(Document.id) == document_id, reaches_clause(unit))
    return session.execute(stmt).scalars().first()


def _coverage(unit: OrgUnit, doc_ids: Sequence[int]) -> Any:
    """CTE (doc_id, version, cell_id, cell_path): the units under `unit` each document
    reaches, once, with the document's current version."""
    target, cell = aliased(OrgUnit), aliased(OrgUnit)
    return (
        select(
            col(DocumentAudience.document_id).label("doc_id"),
            col(Document.version).label("version"),
            col(cell.id).label("cell_id"),
            col(cell.path).label("cell_path"),
        )
        .join(Document, col(Document.id) == col(DocumentAudience.document_id))
        .join(target, col(target.id) == col(DocumentAudience.unit_id))
        .join(cell, in_subtree_of(col(cell.path), col(target.path)))
        .where(col(DocumentAudience.document_id).in_(list(doc_ids)))
        .where(subtree_clause(col(cell.path), unit.path))
        .distinct()
        .cte("coverage")
    )


def _audience_rows(cov: Any) -> Select[Any]:
    """Members of the covered cells joined with their receipt of the current version."""
    receipt = and_(
        col(DocumentReceipt.document_id) == cov.c.doc_id,
        col(DocumentReceipt.user_id) == col(User.id),
        col(DocumentReceipt.version) == col(Document.version),
    )
    return (
        select(cov.c.doc_id)
        .select_from(cov)
        .join(User, and_(col(User.cell_id) == cov.c.cell_id, col(User.is_active).is_(True)))
        .join(Document, col(Document.id) == cov.c.doc_id)
        .outerjoin(DocumentReceipt, receipt)
    )


def study_totals(audience: int, read: int, acknowledged: int) -> StudyTotals:
    """Counts with their rates."""
    return StudyTotals(
        audience=audience,
        read=read,
        acknowledged=acknowledged,
        read_rate=rate(read, audience),
        acknowledgement_rate=rate(acknowledged, audience),
    )


def by_child(
    session: Session, unit: OrgUnit, children: Sequence[OrgUnit], doc_ids: Sequence[int]
) -> dict[int, dict[int | None, StudyTotals]]:
    """doc → {child id (None: the unit itself) → counts}: one grouped query for the page.

    Each (document, reached unit) pair reads the unit's roll-ups: its active members (the
    audience there) and the receipts of the document's current version by them. Only the
    children the document reaches appear.
    """
    if not doc_ids:
        return {}
    cov = _coverage(unit, doc_ids)
    # Correlated look-ups by primary key: one index probe per reached unit, whatever the
    # planner guesses about the path-range join (a hash of every tally would cost far more).

    def receipts(column: Any) -> Any:
        found = (
            select(column)
            .where(
                col(StudyTally.document_id) == cov.c.doc_id,
                col(StudyTally.version) == cov.c.version,
                col(StudyTally.cell_id) == cov.c.cell_id,
            )
            .scalar_subquery()
        )
        return func.coalesce(found, 0)

    members = (
        select(col(CellTally.active_members))
        .where(col(CellTally.cell_id) == cov.c.cell_id)
        .scalar_subquery()
    )
    per_cell = select(
        cov.c.doc_id,
        cov.c.cell_path,
        func.coalesce(members, 0).label("audience"),
        receipts(col(StudyTally.read)).label("read"),
        receipts(col(StudyTally.acknowledged)).label("acknowledged"),
    ).subquery("per_cell")
    # The child is read off each reached unit's path (one substring, no join per child).
    bucket = child_path(session, per_cell.c.cell_path, unit)
    stmt = (
        select(
            per_cell.c.doc_id,
            bucket,
            func.sum(per_cell.c.audience),
            func.sum(per_cell.c.read),
            func.sum(per_cell.c.acknowledged),
        )
        .select_from(per_cell)
        .group_by(per_cell.c.doc_id, bucket)
    )
    ids = {c.path: c.id for c in children}
    out: dict[int, dict[int | None, StudyTotals]] = {}
    for doc_id, path, audience, read, ack in session.execute(stmt):
        key = None if path == unit.path else ids.get(path)
        out.setdefault(int(doc_id), {})[key] = study_totals(int(audience), int(read), int(ack))
    return out


def add(parts: Sequence[StudyTotals]) -> StudyTotals:
    """Counts of disjoint groups added up."""
    return study_totals(
        sum(p.audience for p in parts),
        sum(p.read for p in parts),
        sum(p.acknowledged for p in parts),
    )


def pending_in(
    session: Session, unit: OrgUnit, doc_ids: Sequence[int]
) -> list[tuple[int, User, OrgUnit, bool]]:
    """(doc id, member, cell, opened) for every member of the documents' audience under
    `unit` who has not acknowledged yet (for a cell: a few hundred rows at most)."""
    if not doc_ids:
        return []
    cov = _coverage(unit, doc_ids)
    cell = aliased(OrgUnit)
    stmt = (
        _audience_rows(cov)
        .add_columns(User, cell, col(DocumentReceipt.first_opened_at))
        .join(cell, col(cell.id) == cov.c.cell_id)
        .where(col(DocumentReceipt.acknowledged_at).is_(None))
        .order_by(cov.c.doc_id, col(cell.path), col(User.name_sort), col(User.id))
    )
    return [(int(d), u, c, opened is not None) for d, u, c, opened in session.execute(stmt)]


def pending_page(
    session: Session,
    unit: OrgUnit,
    doc: Document,
    *,
    after: tuple[str, str, int] | None,
    limit: int,
) -> list[tuple[User, OrgUnit, bool]]:
    """A page of (member, cell, opened) yet to acknowledge `doc` under `unit`, by cell (path
    order) then Vietnamese name order; keyset `after` = (cell path, name_sort, id).

    Walks the cells in path order (the path index) and each cell's members in name order
    (the (cell_id, name_sort) index), so a page stops after the cells it needs, even for a
    city-wide document with a hundred thousand members still to study it.
    """
    cell, target = aliased(OrgUnit), aliased(OrgUnit)
    reached = (
        select(col(DocumentAudience.unit_id))
        .join(target, col(target.id) == col(DocumentAudience.unit_id))
        .where(
            col(DocumentAudience.document_id) == doc.id,
            in_subtree_of(col(cell.path), col(target.path)),
        )
        .exists()
    )
    receipt = and_(
        col(DocumentReceipt.document_id) == doc.id,
        col(DocumentReceipt.user_id) == col(User.id),
        col(DocumentReceipt.version) == doc.version,
    )
    stmt = (
        select(User, cell, col(DocumentReceipt.first_opened_at))
        .select_from(cell)
        .join(User, and_(col(User.cell_id) == col(cell.id), col(User.is_active).is_(True)))
        .outerjoin(DocumentReceipt, receipt)
        .where(subtree_clause(col(cell.path), unit.path), reached)
        .where(col(DocumentReceipt.acknowledged_at).is_(None))
    )
    if after is not None:
        path, name, uid = after
        stmt = stmt.where(
            col(cell.path) >= path,  # lets the path index start at the cursor
            or_(
                col(cell.path) > path,
                col(User.name_sort) > name,
                and_(col(User.name_sort) == name, col(User.id) > uid),
            ),
        )
    stmt = stmt.order_by(col(cell.path), col(User.name_sort), col(User.id)).limit(limit)
    return [(u, c, opened is not None) for u, c, opened in session.execute(stmt)]


def decode_pending_cursor(cursor: str | None) -> tuple[str, str, int] | None:
    """The keyset of a page of pending members, or a 422 for a cursor we did not make."""
    values = decode_cursor(cursor, 3)
    if values is None:
        return None
    try:
        return str(values[0]), str(values[1]), int(values[2] or 0)
    except (TypeError, ValueError):
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None


def encode_pending_cursor(cell: OrgUnit, user: User) -> str:
    """The cursor after this member."""
    return encode_cursor([cell.path, user.name_sort, user.id])
