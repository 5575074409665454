"""Document library tables: documents and their versions, audience, topics, replacements,
search index rows, members' receipts and marks, and study sets (request/response schemas
live in `api.documents.schemas`)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Any

from sqlalchemy import JSON, Column, Index, Text, UniqueConstraint
from sqlalchemy.dialects.postgresql import TSVECTOR
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, binary_string, utcnow


class DocumentStatus(StrEnum):
    draft = "draft"
    published = "published"
    archived = "archived"


READABLE_STATUSES = (DocumentStatus.published, DocumentStatus.archived)


def _now_column(nullable: bool = False) -> Any:
    """A UTC time column: now by default, or empty when nullable."""
    if nullable:
        return Field(default=None, sa_column=Column(UTCDateTime(), nullable=True))
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


def _text(nullable: bool = False) -> Any:
    """An unbounded text column."""
    return Field(default=None if nullable else "", sa_column=Column(Text, nullable=nullable))


class Document(SQLModel, table=True):
    """A Party document issued by a unit; the current version's content lives on this row."""

    __tablename__ = "documents"
    __table_args__ = (
        # The library: newest first among what is readable.
        Index("ix_documents_status_issued_on_id", "status", "issued_on", "id"),
        # "Did any document change since?": every device's sync asks it first.
        Index("ix_documents_updated_at", "updated_at"),
        # Numbering restarts each term, so a symbol is unique per issuer and year.
        UniqueConstraint("issuer_id", "symbol_key", "issued_year"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    kind: str = Field(max_length=30)
    # The symbol and its parsed parts are set together from one parse (see symbols.py).
    symbol: str = Field(default="", max_length=60)
    symbol_key: str = Field(default="", sa_column=Column(binary_string(60), nullable=False))
    symbol_number: int = 0
    symbol_code: str = Field(default="", max_length=10)
    symbol_issuer: str = Field(default="", max_length=40)
    issuer_id: int = Field(foreign_key="org_units.id", sa_type=IdType, index=True)
    issued_on: dt.date
    issued_year: int = 0  # from issued_on: numbering restarts, the year filter
    effective_on: dt.date | None = None
    title: str = Field(max_length=500)
    summary: str = _text()
    body_source: str = _text()
    body_format: str = Field(default="markdown", max_length=10)
    body_html: str = _text()
    body_text: str = _text()
    topics: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    status: str = Field(default=DocumentStatus.draft, max_length=12)
    version: int = 1
    created_at: dt.datetime = _now_column()
    updated_at: dt.datetime = _now_column()
    published_at: dt.datetime | None = _now_column(nullable=True)
    # When the current version reached readers (first publication or last substantive revision).
    revised_at: dt.datetime | None = _now_column(nullable=True)
    archived_at: dt.datetime | None = _now_column(nullable=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)
    updated_by_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)


class DocumentVersion(SQLModel, table=True):
    """The content of one version; old versions stay readable after a substantive revision."""

    __tablename__ = "document_versions"
    __table_args__ = (UniqueConstraint("document_id", "version"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    document_id: int = Field(foreign_key="documents.id", sa_type=IdType)
    version: int
    symbol: str = Field(default="", max_length=60)
    title: str = Field(default="", max_length=500)
    summary: str = _text()
    body_source: str = _text()
    body_format: str = Field(default="markdown", max_length=10)
    body_html: str = _text()
    change_note: str | None = Field(default=None, max_length=500)
    created_at: dt.datetime = _now_column()
    published_at: dt.datetime | None = _now_column(nullable=True)
    created_by_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)


class DocumentAudience(SQLModel, table=True):
    """A unit the document is addressed to: it reaches every member of the unit's subtree.

    Unit ids rather than paths: a member's cell path lists the ids of every unit above the
    cell, so "readable by X" is `unit_id IN (ids on X's path)`, one index probe, and it
    stays right when a subtree is moved (paths change, ids do not).
    """

    __tablename__ = "document_audience"
    __table_args__ = (Index("ix_document_audience_unit_id_document_id", "unit_id", "document_id"),)

    document_id: int = Field(foreign_key="documents.id", sa_type=IdType, primary_key=True)
    unit_id: int = Field(foreign_key="org_units.id", sa_type=IdType, primary_key=True)


class DocumentTopic(SQLModel, table=True):
    """A topic of a document; `topic_key` is folded so filters ignore case and diacritics."""

    __tablename__ = "document_topics"
    __table_args__ = (
        Index("ix_document_topics_topic_key_document_id", "topic_key", "document_id"),
    )

    document_id: int = Field(foreign_key="documents.id", sa_type=IdType, primary_key=True)
    topic_key: str = Field(sa_column=Column(binary_string(80), primary_key=True))
    label: str = Field(max_length=80)


class DocumentReplacement(SQLModel, table=True):
    """`document_id` replaces (thay thế) the older `replaced_id`."""

    __tablename__ = "document_replacements"

    document_id: int = Field(foreign_key="documents.id", sa_type=IdType, primary_key=True)
    replaced_id: int = Field(
        foreign_key="documents.id", sa_type=IdType, primary_key=True, index=True
    )


class DocumentSearch(SQLModel, table=True):
    """PostgreSQL's full-text row of a document ('simple' tsvector over folded tokens).

    SQLite keeps the same tokens in the FTS5 table `fts_documents` instead (created by the
    migration, outside the models), so this table stays empty there.
    """

    __tablename__ = "document_search"
    __table_args__ = (Index("ix_document_search_tsv", "tsv", postgresql_using="gin"),)

    document_id: int = Field(foreign_key="documents.id", sa_type=IdType, primary_key=True)
    tsv: str | None = Field(
        default=None, sa_column=Column(Text().with_variant(TSVECTOR(), "postgresql"))
    )


class SearchTerm(SQLModel, table=True):
    """A word of a published title or summary: the vocabulary that near-miss queries are
    corrected against (pg_trgm on PostgreSQL, the same trigram measure in Python on SQLite)."""

    __tablename__ = "search_terms"
    __table_args__ = (
        Index(
            "ix_search_terms_term_trgm",
            "term",
            postgresql_using="gin",
            postgresql_ops={"term": "gin_trgm_ops"},
        ),
    )

    term: str = Field(sa_column=Column(binary_string(64), primary_key=True))


class DocumentReceipt(SQLModel, table=True):
    """A member's reading of one version: opened (first, last) and acknowledged."""

    __tablename__ = "document_receipts"
    __table_args__ = (
        UniqueConstraint("document_id", "user_id", "version"),
        Index("ix_document_receipts_user_id_document_id", "user_id", "document_id"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    document_id: int = Field(foreign_key="documents.id", sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", sa_type=IdType)
    version: int
    first_opened_at: dt.datetime | None = _now_column(nullable=True)
    last_opened_at: dt.datetime | None = _now_column(nullable=True)
    open_count: int = 0
    acknowledged_at: dt.datetime | None = _now_column(nullable=True)


class DocumentMark(SQLModel, table=True):
    """A member's bookmark and private note on a document (whatever its version)."""

    __tablename__ = "document_marks"

    user_id: int = Field(foreign_key="users.id", sa_type=IdType, primary_key=True)
    document_id: int = Field(
        foreign_key="documents.id", sa_type=IdType, primary_key=True, index=True
    )
    bookmarked_at: dt.datetime | None = _now_column(nullable=True)
    note: str | None = _text(nullable=True)
    note_updated_at: dt.datetime | None = _now_column(nullable=True)


class LibraryView(SQLModel, table=True):
    """When a member last looked at the library: what was published after it is new."""

    __tablename__ = "library_views"

    user_id: int = Field(foreign_key="users.id", sa_type=IdType, primary_key=True)
    last_seen_at: dt.datetime = _now_column()


class StudySet(SQLModel, table=True):
    """A chuyên đề: an ordered set of documents a unit asks its members to study."""

    __tablename__ = "study_sets"

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    issuer_id: int = Field(foreign_key="org_units.id", sa_type=IdType, index=True)
    title: str = Field(max_length=300)
    description: str = _text()
    created_at: dt.datetime = _now_column()
    updated_at: dt.datetime = _now_column()
    created_by_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)


class StudySetItem(SQLModel, table=True):
    """A document in a study set, at a position."""

    __tablename__ = "study_set_items"

    study_set_id: int = Field(foreign_key="study_sets.id", sa_type=IdType, primary_key=True)
    document_id: int = Field(
        foreign_key="documents.id", sa_type=IdType, primary_key=True, index=True
    )
    position: int
