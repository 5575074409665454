"""Documents as a caller sees them: with the issuer, their own receipt, new and replaced flags.

Everything a page of documents needs is loaded in a handful of queries for the whole page
(never one query per document).
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from sqlalchemy import Integer, Text, and_, bindparam, func, literal, null, select, union_all
from sqlmodel import Session, col

from api.authz import Principal
from api.db import UTCDateTime, any_of_param, one_of, prebuilt
from api.documents.models import (
    READABLE_STATUSES,
    Document,
    DocumentAudience,
    DocumentMark,
    DocumentReceipt,
    DocumentReplacement,
    DocumentStatus,
    LibraryView,
)
from api.documents.schemas import (
    DocumentLink,
    DocumentPublic,
    DocumentSummary,
    ReceiptPublic,
    SymbolParts,
    UnitBrief,
)
from api.documents.symbols import KIND_CODES
from api.documents.visibility import can_manage, reach, readable_shaped
from api.files import service as files
from api.i18n import t
from api.members.models import User
from api.org.models import OrgUnit


def kind_label(kind: str) -> str:
    """The Vietnamese name of a document kind."""
    return t(f"document.kind.{kind}") if kind in KIND_CODES else kind


def unit_brief(unit: Any) -> UnitBrief:
    """A unit's id, name, kind and Vietnamese level name."""
    return UnitBrief(id=unit.id, name=unit.name, kind=unit.kind, level=t(f"kind.{unit.kind}"))  # type: ignore[arg-type]


class Receipt(NamedTuple):
    """The caller's reading of one version (the columns a page shows)."""

    version: int
    first_opened_at: dt.datetime | None
    last_opened_at: dt.datetime | None
    acknowledged_at: dt.datetime | None


class Mark(NamedTuple):
    """The caller's bookmark and note on a document."""

    bookmarked_at: dt.datetime | None
    note: str | None


@dataclass
class CallerContext:
    """What the caller's view of a page of documents needs, loaded once."""

    units: dict[int, Any] = field(default_factory=dict)  # rows: id, name, kind, path
    receipts: dict[int, list[Receipt]] = field(default_factory=lambda: defaultdict(list))
    marks: dict[int, Mark] = field(default_factory=dict)
    replaced: set[int] = field(default_factory=set)
    last_seen: dt.datetime | None = None


def last_seen_column() -> Any:
    """When the caller (the bound parameter `user_id`) last looked at the library, their
    account's creation if never, as a scalar SQL expression: it rides along with another
    statement of the page."""
    user_id: Any = bindparam("user_id")
    return func.coalesce(
        select(col(LibraryView.last_seen_at))
        .where(col(LibraryView.user_id) == user_id)
        .scalar_subquery(),
        select(col(User.created_at)).where(col(User.id) == user_id).scalar_subquery(),
    )


@prebuilt
def _context_statements() -> tuple[Any, Any]:
    """load_context's two caller-only statements: the same for every caller, with the user
    and the ids bound at execution."""
    units = select(
        col(OrgUnit.id),
        col(OrgUnit.name),
        col(OrgUnit.kind),
        col(OrgUnit.path),
        last_seen_column().label("last_seen"),
    ).where(any_of_param(col(OrgUnit.id), "issuer_ids"))
    # The caller's receipts (one per version read) and mark, in one statement: a tagged
    # union, the columns the other side lacks as typed NULLs.
    stamp = UTCDateTime(timezone=True)
    receipts = select(
        literal(0).label("tag"),
        col(DocumentReceipt.document_id),
        col(DocumentReceipt.version),
        col(DocumentReceipt.first_opened_at),
        col(DocumentReceipt.last_opened_at),
        col(DocumentReceipt.acknowledged_at),
        null().cast(stamp).label("bookmarked_at"),
        null().cast(Text).label("note"),
    ).where(
        col(DocumentReceipt.user_id) == bindparam("user_id"),
        any_of_param(col(DocumentReceipt.document_id), "ids"),
    )
    marks = select(
        literal(1), col(DocumentMark.document_id), null().cast(Integer), null().cast(stamp),
        null().cast(stamp), null().cast(stamp), col(DocumentMark.bookmarked_at),
        col(DocumentMark.note),
    )  # fmt: skip
    marks = marks.where(
        col(DocumentMark.user_id) == bindparam("user_id"),
        any_of_param(col(DocumentMark.document_id), "ids"),
    )
    return units, union_all(receipts, marks)


def load_context(
    session: Session, principal: Principal, docs: Sequence[Any], *, replaced: bool = True
) -> CallerContext:
    """Issuers, the caller's receipts and marks, and replacements for a page of documents.

    Three statements for the whole page, whatever its size (two when `replaced` is False):
    each one costs the request a round trip and its Python (bench/request_cost.py).
    """
    ctx = CallerContext()
    if not docs:
        return ctx
    ids = [d.id for d in docs]
    conn = session.connection()
    units, marks = _context_statements()
    issuer_ids = sorted({d.issuer_id for d in docs})
    params = {"user_id": principal.user_id, "ids": ids, "issuer_ids": issuer_ids}
    # The caller's "last looked" time comes with the issuers (the same value on every row).
    for unit in conn.execute(units, params):
        ctx.units[unit.id] = unit
        ctx.last_seen = unit.last_seen
    for row in conn.execute(marks, params):
        if row.tag == 0:
            ctx.receipts[row.document_id].append(
                Receipt(row.version, row.first_opened_at, row.last_opened_at, row.acknowledged_at)
            )
        else:
            ctx.marks[row.document_id] = Mark(row.bookmarked_at, row.note)
    if not replaced:  # the caller learns it another way (one document's links)
        return ctx
    shape, reach_params = reach(principal)
    replaced_stmt = _replaced_statement(shape)
    ctx.replaced = set(session.execute(replaced_stmt, {**reach_params, "ids": ids}).scalars())
    return ctx


@prebuilt
def _replaced_statement(shape: tuple[bool, int, int]) -> Any:
    """Which of a page's documents a document readable by the caller replaces."""
    return (
        select(col(DocumentReplacement.replaced_id))
        .join(Document, col(Document.id) == DocumentReplacement.document_id)
        .where(
            any_of_param(col(DocumentReplacement.replaced_id), "ids"),
            one_of(col(Document.status), READABLE_STATUSES),
            readable_shaped(shape),
        )
    )


def receipt(doc: Any, ctx: CallerContext, *, with_note: bool = False) -> ReceiptPublic | None:
    """The caller's receipt for the document's current version (None for drafts)."""
    if doc.status not in READABLE_STATUSES:
        return None
    doc_id: int = doc.id  # type: ignore[assignment]
    rows = ctx.receipts.get(doc_id, [])
    current = next((r for r in rows if r.version == doc.version), None)
    mark = ctx.marks.get(doc_id)
    acknowledged = current is not None and current.acknowledged_at is not None
    return ReceiptPublic(
        version=doc.version,
        read=current is not None and current.first_opened_at is not None,
        first_opened_at=current.first_opened_at if current else None,
        last_opened_at=current.last_opened_at if current else None,
        acknowledged=acknowledged,
        acknowledged_at=current.acknowledged_at if current else None,
        needs_acknowledgement=not acknowledged,
        acknowledged_versions=sorted(r.version for r in rows if r.acknowledged_at is not None),
        bookmarked=mark is not None and mark.bookmarked_at is not None,
        note=mark.note if (with_note and mark is not None) else None,
    )


def is_new(doc: Any, ctx: CallerContext, mine: ReceiptPublic | None) -> bool:
    """Published (or revised) since the caller last looked, and not opened since."""
    if doc.status != DocumentStatus.published or doc.revised_at is None:
        return False
    if mine is not None and mine.read:
        return False
    return ctx.last_seen is None or doc.revised_at > ctx.last_seen


def summary(doc: Any, ctx: CallerContext) -> DocumentSummary:
    """The document as an item of a list: a `Document`, or a row of `library.LIST_COLUMNS`."""
    mine = receipt(doc, ctx)
    return DocumentSummary(
        id=doc.id,  # type: ignore[arg-type]
        kind=doc.kind,
        kind_label=kind_label(doc.kind),
        symbol=doc.symbol,
        title=doc.title,
        summary=doc.summary,
        issuer=unit_brief(ctx.units[doc.issuer_id]),
        issued_on=doc.issued_on,
        effective_on=doc.effective_on,
        topics=list(doc.topics or []),
        status=doc.status,
        archived=doc.status == DocumentStatus.archived,
        replaced=doc.id in ctx.replaced,
        version=doc.version,
        published_at=doc.published_at,
        revised_at=doc.revised_at,
        updated_at=doc.updated_at,
        is_new=is_new(doc, ctx, mine),
        receipt=mine,
    )


def _links(session: Session, principal: Principal, doc_id: int) -> tuple[list[DocumentLink], ...]:
    """(what the document replaces, what replaces it), readable ones only, oldest first.

    One statement of three columns each way: a link shows a symbol and a title, and a full
    row would carry the other documents' bodies (tens of kilobytes each) for nothing.
    """
    shape, params = reach(principal)
    stmt = _links_statement(shape)
    out: tuple[list[DocumentLink], list[DocumentLink]] = ([], [])
    for tag, link_id, symbol, title, _ in session.execute(stmt, {**params, "doc_id": doc_id}):
        out[tag].append(DocumentLink(id=link_id, symbol=symbol, title=title))
    return out


@prebuilt
def _links_statement(shape: tuple[bool, int, int]) -> Any:
    """The links of one document for every caller of one reach shape (see `reach`)."""
    readable = readable_shaped(shape)
    doc_id: Any = bindparam("doc_id")

    def way(tag: int, joined: Any, match: Any) -> Any:
        return (
            select(literal(tag).label("way"), col(Document.id), col(Document.symbol),
                   col(Document.title), col(Document.issued_on))
            .join(DocumentReplacement, joined == Document.id)
            .where(match, readable)
        )  # fmt: skip

    replaces = way(
        0, col(DocumentReplacement.replaced_id), col(DocumentReplacement.document_id) == doc_id
    )
    replaced_by = way(
        1,
        col(DocumentReplacement.document_id),
        and_(
            col(DocumentReplacement.replaced_id) == doc_id,
            one_of(col(Document.status), READABLE_STATUSES),
        ),
    )
    both = union_all(replaces, replaced_by).subquery()
    return select(both).order_by(both.c.way, both.c.issued_on, both.c.id)


def detail(session: Session, principal: Principal, doc: Document) -> DocumentPublic:
    """One document with its body, links, attachments and the caller's own receipt."""
    # Whether it is replaced is whether a readable document replaces it: its links say so.
    ctx = load_context(session, principal, [doc], replaced=False)
    manage = can_manage(principal, ctx.units[doc.issuer_id])
    replaces, replaced_by = _links(session, principal, doc.id)  # type: ignore[arg-type]
    if replaced_by:
        ctx.replaced.add(doc.id)  # type: ignore[arg-type]
    audience = None
    if manage:
        audience = sorted(
            session.execute(
                select(col(DocumentAudience.unit_id)).where(
                    col(DocumentAudience.document_id) == doc.id
                )
            ).scalars()
        )
    base = summary(doc, ctx).model_dump(exclude={"receipt"})
    return DocumentPublic(
        **base,
        receipt=receipt(doc, ctx, with_note=True),
        symbol_parts=SymbolParts(
            number=doc.symbol_number, code=doc.symbol_code, issuer=doc.symbol_issuer
        ),
        body_html=doc.body_html,
        replaces=replaces,
        replaced_by=replaced_by,
        attachments=[files.to_public(a) for a in files.owned_by(session, "document", doc.id)],  # type: ignore[arg-type]
        can_manage=manage,
        body_source=doc.body_source if manage else None,
        body_format=doc.body_format if manage else None,
        audience_unit_ids=audience,
    )
