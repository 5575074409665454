"""The library: what the caller may read, filtered, newest first, or searched and ranked."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Integer, Select, and_, bindparam, or_, select
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


def _bound(
    principal: Principal, f: Filters, limit: int
) -> tuple[tuple[bool, int, int], tuple[str, ...], dict[str, Any]]:
    """The caller's reach shape, the chosen filters and every value a page binds."""
    shape, params = reach(principal)
    chosen, values = _chosen(principal, f)
    return shape, chosen, {**params, **values, "page_rows": limit + 1}


def _chosen(principal: Principal, f: Filters) -> tuple[tuple[str, ...], dict[str, Any]]:
    """Which filters are set (the statement's shape) and their values (its parameters)."""
    values: dict[str, Any] = {
        "status": f.status or None,
        "kind": f.kind or None,
        "issuer_id": f.issuer_id,
        "year": f.year,
        "level": f.level or None,
        "topic": fold(f.topic)[:80] if f.topic else None,
        "bookmarked": principal.user_id if f.bookmarked else None,
    }
    chosen = tuple(k for k, v in values.items() if v is not None)
    return chosen, {f"f_{k}": values[k] for k in chosen}


@prebuilt
def _filtered_shaped(
    shape: tuple[bool, int, int], chosen: tuple[str, ...], with_text: bool
) -> Select[Any]:
    """The library for one reach shape and one set of chosen filters, values bound."""
    # Search keeps the text for its snippets.
    columns = (*LIST_COLUMNS, col(Document.body_text)) if with_text else LIST_COLUMNS
    stmt = select(*columns).where(readable_shaped(shape))
    if "status" in chosen:
        stmt = stmt.where(col(Document.status) == bindparam("f_status"))
    else:
        stmt = stmt.where(one_of(col(Document.status), READABLE_STATUSES))
    if "kind" in chosen:
        stmt = stmt.where(col(Document.kind) == bindparam("f_kind"))
    if "issuer_id" in chosen:
        stmt = stmt.where(col(Document.issuer_id) == bindparam("f_issuer_id"))
    if "year" in chosen:
        stmt = stmt.where(col(Document.issued_year) == bindparam("f_year"))
    if "level" in chosen:
        stmt = stmt.where(
            select(col(OrgUnit.id))
            .where(col(OrgUnit.id) == Document.issuer_id, col(OrgUnit.kind) == bindparam("f_level"))
            .exists()
        )
    if "topic" in chosen:
        stmt = stmt.where(
            select(col(DocumentTopic.document_id))
            .where(
                col(DocumentTopic.document_id) == Document.id,
                col(DocumentTopic.topic_key) == bindparam("f_topic"),
            )
            .exists()
        )
    if "bookmarked" in chosen:
        stmt = stmt.where(
            select(col(DocumentMark.document_id))
            .where(
                col(DocumentMark.document_id) == Document.id,
                col(DocumentMark.user_id) == bindparam("f_bookmarked"),
                col(DocumentMark.bookmarked_at).is_not(None),
            )
            .exists()
        )
    return stmt


# One row more than the page, to know whether another page follows.
_PAGE_ROWS = bindparam("page_rows", type_=Integer)


@prebuilt
def _pages(shape: tuple[bool, int, int], chosen: tuple[str, ...], after: bool) -> Select[Any]:
    """A page of the library, newest first; the first unfiltered page is what nearly every
    visit asks for. Built once per shape and filters, not per request: the page size, the
    last row seen and the filters' values are bound."""
    stmt = _filtered_shaped(shape, chosen, False)
    if after:
        stmt = stmt.where(_after(bindparam("after_day"), bindparam("after_id")))
    order = (col(Document.issued_on).desc(), col(Document.id).desc())
    return stmt.order_by(*order).limit(_PAGE_ROWS)


@prebuilt
def _ranked_pages(shape: tuple[bool, int, int], chosen: tuple[str, ...]) -> Select[Any]:
    """Search results for one shape and filters: the query, offset and page size are bound."""
    hits = search.matches().subquery()
    return (
        _filtered_shaped(shape, chosen, True)
        .join(hits, hits.c.document_id == Document.id)
        .order_by(hits.c.rank, col(Document.issued_on).desc(), col(Document.id).desc())
        .offset(bindparam("offset", type_=Integer))
        .limit(_PAGE_ROWS)
    )


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
    shape, chosen, params = _bound(principal, f, limit)
    if day is not None:
        params = {**params, "after_day": day, "after_id": last_id}
    docs = list(session.execute(_pages(shape, chosen, day is not None), params))
    next_cursor = None
    if len(docs) > limit:
        docs = docs[:limit]
        next_cursor = encode_cursor([docs[-1].issued_on.isoformat(), docs[-1].id])
    return Result(items=_present(session, principal, docs), next_cursor=next_cursor)


def _ranked(
    session: Session, principal: Principal, f: Filters, query: search.Query, offset: int, limit: int
) -> list[Any]:
    shape, chosen, params = _bound(principal, f, limit)
    params = {**params, "search_expr": search.expression(query), "offset": offset}
    return list(session.execute(_ranked_pages(shape, chosen), params))


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
