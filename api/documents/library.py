"""The library: what the caller may read, filtered, newest first, or searched and ranked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, and_, bindparam, or_, select
from sqlmodel import Session, col

from api.authz import Principal
from api.db import one_of, prebuilt
from api.documents import search
from api.documents.highlight import highlight, snippet
from api.documents.models import (
    READABLE_STATUSES,
    Document,
    DocumentMark,
    DocumentTopic,
)
from api.documents.present import load_context, summary
from api.documents.schemas import DocumentSummary
from api.documents.visibility import reach, readable_shaped
from api.errors import FieldError, ValidationFailed
from api.org.models import OrgUnit
from api.pagination import decode_cursor, encode_cursor
from api.text import fold

MAX_SEARCH_OFFSET = 1000  # nobody pages past this; refine the query instead


@dataclass
class Filters:
    """The library's filters (all optional)."""

    q: str | None = None
    kind: str | None = None
    level: str | None = None  # the issuer's kind: central, province, commune, cell…
    issuer_id: int | None = None
    topic: str | None = None
    year: int | None = None
    status: str | None = None  # default: published and archived; "draft" for publishers
    bookmarked: bool = False


@dataclass
class Result:
    items: list[DocumentSummary]
    next_cursor: str | None
    corrected: bool = False


# What a list item shows, as plain columns: a list shows no body (a resolution's source,
# HTML and text run to tens of kilobytes each), and rows are not ORM objects, whose identity
# map and instrumentation were the largest cost of a page after the SQL (py-spy).
LIST_COLUMNS = tuple(
    col(getattr(Document, name))
    for name in (
        "id", "kind", "symbol", "title", "summary", "issuer_id", "issued_on", "effective_on",
        "topics", "status", "version", "published_at", "revised_at", "updated_at",
    )
)  # fmt: skip


def _filtered(
    principal: Principal, f: Filters, *, with_text: bool = False
) -> tuple[Select[Any], dict[str, Any]]:
    """The filtered library and the values its reading rule binds (`visibility.reach`)."""
    # Search keeps the text for its snippets.
    columns = (*LIST_COLUMNS, col(Document.body_text)) if with_text else LIST_COLUMNS
    shape, params = reach(principal)
    stmt = select(*columns).where(readable_shaped(shape))
    if f.status:
        stmt = stmt.where(col(Document.status) == f.status)
    else:
        stmt = stmt.where(one_of(col(Document.status), READABLE_STATUSES))
    if f.kind:
        stmt = stmt.where(col(Document.kind) == f.kind)
    if f.issuer_id is not None:
        stmt = stmt.where(col(Document.issuer_id) == f.issuer_id)
    if f.year is not None:
        stmt = stmt.where(col(Document.issued_year) == f.year)
    if f.level:
        stmt = stmt.where(
            select(col(OrgUnit.id))
            .where(col(OrgUnit.id) == Document.issuer_id, col(OrgUnit.kind) == f.level)
            .exists()
        )
    if f.topic:
        stmt = stmt.where(
            select(col(DocumentTopic.document_id))
            .where(
                col(DocumentTopic.document_id) == Document.id,
                col(DocumentTopic.topic_key) == fold(f.topic)[:80],
            )
            .exists()
        )
    if f.bookmarked:
        stmt = stmt.where(
            select(col(DocumentMark.document_id))
            .where(
                col(DocumentMark.document_id) == Document.id,
                col(DocumentMark.user_id) == principal.user_id,
                col(DocumentMark.bookmarked_at).is_not(None),
            )
            .exists()
        )
    return stmt, params


def _unfiltered(f: Filters) -> bool:
    chosen = (f.status, f.kind, f.level, f.topic, f.bookmarked)
    return not any(chosen) and f.issuer_id is None and f.year is None


@prebuilt
def _first_pages(shape: tuple[bool, int, int], after: bool, limit: int) -> Any:
    """The unfiltered library, newest first, for every caller of one reach shape: the page
    nearly every visit asks for, so it is built once, not per request."""
    stmt = select(*LIST_COLUMNS).where(
        readable_shaped(shape), one_of(col(Document.status), READABLE_STATUSES)
    )
    if after:
        stmt = stmt.where(_after(bindparam("after_day"), bindparam("after_id")))
    return stmt.order_by(col(Document.issued_on).desc(), col(Document.id).desc()).limit(limit + 1)


def _after(day: Any, last_id: Any) -> Any:
    """Rows after (day, id) in (issued_on desc, id desc) order."""
    return or_(
        col(Document.issued_on) < day,
        and_(col(Document.issued_on) == day, col(Document.id) < last_id),
    )


def _present(session: Session, principal: Principal, docs: list[Any]) -> list[DocumentSummary]:
    ctx = load_context(session, principal, docs)
    return [summary(d, ctx) for d in docs]


def list_documents(
    session: Session, principal: Principal, f: Filters, *, cursor: str | None, limit: int
) -> Result:
    """A page of the library (search when `q` is given)."""
    if f.q and f.q.strip():
        return _search(session, principal, f, cursor=cursor, limit=limit)
    after = decode_cursor(cursor, 2)
    day: dt.date | None = None
    if after is not None:
        try:
            day, last_id = dt.date.fromisoformat(str(after[0])), int(after[1])  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None
    if _unfiltered(f):
        shape, params = reach(principal)
        stmt: Any = _first_pages(shape, day is not None, limit)
        if day is not None:
            params = {**params, "after_day": day, "after_id": last_id}
    else:
        stmt, params = _filtered(principal, f)
        if day is not None:
            stmt = stmt.where(_after(day, last_id))
        order = (col(Document.issued_on).desc(), col(Document.id).desc())
        stmt = stmt.order_by(*order).limit(limit + 1)
    docs = list(session.execute(stmt, params))
    next_cursor = None
    if len(docs) > limit:
        docs = docs[:limit]
        next_cursor = encode_cursor([docs[-1].issued_on.isoformat(), docs[-1].id])
    return Result(items=_present(session, principal, docs), next_cursor=next_cursor)


def _ranked(
    session: Session, principal: Principal, f: Filters, query: search.Query, offset: int, limit: int
) -> list[Any]:
    hits = search.matches(session, query).subquery()
    filtered, params = _filtered(principal, f, with_text=True)
    stmt = (
        filtered.join(hits, hits.c.document_id == Document.id)
        .order_by(hits.c.rank, col(Document.issued_on).desc(), col(Document.id).desc())
        .offset(offset)
        .limit(limit + 1)
    )
    return list(session.execute(stmt, params))


def _search(
    session: Session, principal: Principal, f: Filters, *, cursor: str | None, limit: int
) -> Result:
    after = decode_cursor(cursor, 1)
    offset = int(after[0]) if after is not None and isinstance(after[0], int) else 0
    if offset < 0 or offset > MAX_SEARCH_OFFSET:
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")])
    query = search.parse_query(f.q or "")
    if query.empty:
        return Result(items=[], next_cursor=None)
    docs = _ranked(session, principal, f, query, offset, limit)
    if not docs and offset == 0:
        corrected = search.correct(session, query)
        if corrected is not None:
            query = corrected
            docs = _ranked(session, principal, f, query, offset, limit)
    next_cursor = None
    if len(docs) > limit:
        docs = docs[:limit]
        if offset + limit <= MAX_SEARCH_OFFSET:
            next_cursor = encode_cursor([offset + limit])
    items = _present(session, principal, docs)
    by_id = {d.id: d for d in docs}
    for item in items:
        doc = by_id[item.id]
        item.title_highlight = highlight(doc.title, query.words, query.prefix)
        item.snippet = snippet([doc.summary, doc.body_text], query.words, query.prefix)
    return Result(items=items, next_cursor=next_cursor, corrected=query.fuzzy)
