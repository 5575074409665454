"""Full-text search over documents, the same on SQLite (FTS5) and PostgreSQL (tsvector).

Both databases index the same strings, `api.text.search_document()` of the title, symbol,
summary and body: folded (no diacritics, đ → d), ASCII letters and digits, symbols expanded
(`57-NQ/TW` → 57 nq tw 57nq 57nqtw nqtw). Queries go through the same function, every token
must match (words in any order), the last word typed matches as a prefix. Near misses
("quyeet") are corrected against a vocabulary of published words with one trigram measure
computed in Python, so both databases give the same documents. See docs/search.md.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import String, bindparam, delete, func, literal_column, select, table, text
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.sql import Select
from sqlmodel import Session, col

from api.db import get_engine, prebuilt
from api.documents.models import Document, DocumentSearch, SearchTerm
from api.text import fold, search_document, search_tokens

FTS_TABLE = "fts_documents"
# Column weights: the document's own symbol first (a query "57" wants 57-NQ/TW before the
# documents that cite it), then the title, the summary, the body. PostgreSQL's weights A-D
# (ts_rank's 1.0, 0.4, 0.2, 0.1) are in the same order.
_BM25 = "bm25(fts_documents, 8.0, 20.0, 4.0, 1.0)"
MAX_QUERY_TOKENS = 16
_PART_RE = re.compile(r"\d+|[^\W\d_]+")
_WORD_RE = re.compile(r"[a-z]{3,30}")
FUZZY_THRESHOLD = 0.5
FUZZY_PER_WORD = 3


def _dialect(session: Session) -> str:
    return session.get_bind().dialect.name


# --- indexing ---------------------------------------------------------------------------


def index_document(session: Session, doc: Document) -> None:
    """(Re)write the document's search row from its current content."""
    fields = {
        "title": search_document(doc.title),
        "symbol": search_document(doc.symbol),
        "summary": search_document(doc.summary),
        "body": search_document(doc.body_text),
    }
    if _dialect(session) == "postgresql":
        tsv = text(
            "setweight(to_tsvector('simple', :symbol), 'A') || "
            "setweight(to_tsvector('simple', :title), 'B') || "
            "setweight(to_tsvector('simple', :summary), 'C') || "
            "setweight(to_tsvector('simple', :body), 'D')"
        ).bindparams(**fields)
        stmt = postgresql.insert(DocumentSearch).values(document_id=doc.id, tsv=tsv)
        session.execute(
            stmt.on_conflict_do_update(index_elements=["document_id"], set_={"tsv": tsv})
        )
        return
    session.execute(text("DELETE FROM fts_documents WHERE rowid = :id"), {"id": doc.id})
    session.execute(
        text(
            "INSERT INTO fts_documents (rowid, title, symbol, summary, body) "
            "VALUES (:id, :title, :symbol, :summary, :body)"
        ),
        {"id": doc.id, **fields},
    )


def unindex_document(session: Session, document_id: int) -> None:
    """Remove the document's search row (a deleted draft)."""
    if _dialect(session) == "postgresql":
        session.execute(
            delete(DocumentSearch).where(col(DocumentSearch.document_id) == document_id)
        )
    else:
        session.execute(text("DELETE FROM fts_documents WHERE rowid = :id"), {"id": document_id})


def add_vocabulary(session: Session, doc: Document) -> None:
    """Remember the words of a published title and summary, for near-miss correction."""
    words = sorted(
        {w for w in search_tokens(f"{doc.title} {doc.summary}") if _WORD_RE.fullmatch(w)}
    )
    if not words:
        return
    rows = [{"term": w} for w in words]
    if _dialect(session) == "postgresql":
        session.execute(postgresql.insert(SearchTerm).values(rows).on_conflict_do_nothing())
    else:
        session.execute(sqlite.insert(SearchTerm).values(rows).on_conflict_do_nothing())


# --- queries ----------------------------------------------------------------------------


@dataclass
class Query:
    """A parsed search: groups of alternatives, every group must match."""

    groups: list[list[str]]
    prefix_last: bool
    words: list[str] = field(default_factory=list)  # whole words to highlight
    prefix: str | None = None  # the unfinished last word, highlighted as a prefix
    fuzzy: bool = False

    @property
    def empty(self) -> bool:
        return not self.groups


def parse_query(q: str) -> Query:
    """The tokens of what the person typed; the last alphabetic word may be unfinished."""
    tokens = list(dict.fromkeys(search_tokens(q)))[:MAX_QUERY_TOKENS]
    words = _PART_RE.findall(fold(q))
    ends_word = bool(q) and not q[-1].isspace() and bool(words) and words[-1].isalpha()
    prefix = ends_word and len(words[-1]) >= 2 and tokens[-1:] == words[-1:]
    return Query(
        groups=[[t] for t in tokens],
        prefix_last=prefix,
        words=words[:-1] if prefix else words,
        prefix=words[-1] if prefix else None,
    )


def _fts5_expression(query: Query) -> str:
    parts = []
    for i, group in enumerate(query.groups):
        star = "*" if query.prefix_last and i == len(query.groups) - 1 else ""
        alts = [f'"{t}"{star}' for t in group]  # tokens are [a-z0-9]+: quoting is safe
        parts.append(alts[0] if len(alts) == 1 else "(" + " OR ".join(alts) + ")")
    return " AND ".join(parts)


def _tsquery_expression(query: Query) -> str:
    parts = []
    for i, group in enumerate(query.groups):
        star = ":*" if query.prefix_last and i == len(query.groups) - 1 else ""
        alts = [f"{t}{star}" for t in group]
        parts.append(alts[0] if len(alts) == 1 else "(" + " | ".join(alts) + ")")
    return " & ".join(parts)


def expression(query: Query) -> str:
    """The query in the database's own syntax, bound as `:search_expr` into `matches()`
    (the same database kind `matches()` was built for)."""
    if get_engine().dialect.name == "postgresql":
        return _tsquery_expression(query)
    return _fts5_expression(query)


@prebuilt
def matches() -> Select[Any]:
    """A subquery of (document_id, rank) for the documents that match `:search_expr`; lower
    rank is better. Built once per database kind: the query itself is a bound value."""
    if get_engine().dialect.name == "postgresql":
        tsquery = func.to_tsquery("simple", bindparam("search_expr", type_=String))
        ranked: Select[Any] = select(
            col(DocumentSearch.document_id).label("document_id"),
            (-func.ts_rank(DocumentSearch.tsv, tsquery)).label("rank"),
        ).where(col(DocumentSearch.tsv).op("@@")(tsquery))
        return ranked
    fts = table(FTS_TABLE)
    bm25: Select[Any] = (
        select(  # type: ignore[assignment]
            literal_column("rowid").label("document_id"),
            literal_column(_BM25).label("rank"),
        )
        .select_from(fts)
        .where(text("fts_documents MATCH :search_expr"))
    )
    return bm25


# --- near misses --------------------------------------------------------------------------


def trigrams(word: str) -> set[str]:
    """pg_trgm's trigrams of one lowercase word: padded with two spaces before, one after."""
    padded = f"  {word} "
    return {padded[i : i + 3] for i in range(len(padded) - 2)}


def similarity(a: str, b: str) -> float:
    """pg_trgm's similarity of two words: shared trigrams over all trigrams."""
    ta, tb = trigrams(a), trigrams(b)
    return len(ta & tb) / len(ta | tb) if ta and tb else 0.0


def _candidates(session: Session, word: str) -> list[str]:
    """Vocabulary words that may be near `word` (a superset; Python decides)."""
    if _dialect(session) == "postgresql":
        # `%` (similarity ≥ 0.3, pg_trgm's default) uses the GIN index; our bar is higher.
        stmt = select(col(SearchTerm.term)).where(col(SearchTerm.term).op("%")(word))
    else:
        # The vocabulary is words of titles and summaries: a few thousand Vietnamese
        # syllables, so scanning it is cheap on the embedded shape.
        stmt = select(col(SearchTerm.term)).where(func.length(SearchTerm.term) <= len(word) + 4)
    return list(session.execute(stmt).scalars())


def correct(session: Session, query: Query) -> Query | None:
    """The query with unknown words widened to their nearest vocabulary words, if any."""
    changed = False
    groups: list[list[str]] = []
    highlight = list(query.words)
    for i, group in enumerate(query.groups):
        token = group[0]
        last = query.prefix_last and i == len(query.groups) - 1
        if not _WORD_RE.fullmatch(token) or last or _known(session, token):
            groups.append(group)
            continue
        scored = sorted(
            ((similarity(token, c), c) for c in _candidates(session, token) if c != token),
            key=lambda sc: (-sc[0], sc[1]),
        )
        near = [c for s, c in scored if s >= FUZZY_THRESHOLD][:FUZZY_PER_WORD]
        if near:
            changed = True
            highlight.extend(near)
        groups.append([token, *near])
    if not changed:
        return None
    return Query(
        groups=groups,
        prefix_last=query.prefix_last,
        words=highlight,
        prefix=query.prefix,
        fuzzy=True,
    )


def _known(session: Session, word: str) -> bool:
    return session.get(SearchTerm, word) is not None
