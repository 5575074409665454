"""Request and response bodies of the document library."""

from __future__ import annotations

import datetime as dt
import unicodedata
from typing import Annotated, Literal

from pydantic import AfterValidator, BaseModel, ConfigDict, Field

from api.documents.symbols import KINDS
from api.errors import AppValueError
from api.files.models import AttachmentPublic
from api.types import Id

MAX_BODY = 500_000  # characters of Markdown/HTML: a long resolution is ~100k
MAX_TOPICS = 10
MAX_AUDIENCE = 200
MIN_DATE = dt.date(1930, 1, 1)  # the Party's founding; nothing older is a Party document


def _clean_line(value: str) -> str:
    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if not value:
        raise AppValueError("field.missing")
    return value


def _clean_text(value: str) -> str:
    value = unicodedata.normalize("NFC", value).replace("\r\n", "\n").strip()
    if "\x00" in value:
        raise AppValueError("field.invalid")
    return value


def _clean_topics(value: list[str]) -> list[str]:
    seen: dict[str, str] = {}
    for raw in value:
        topic = _clean_line(raw)
        if len(topic) > 80:
            raise AppValueError("field.too_long")
        seen.setdefault(topic.casefold(), topic)
    return list(seen.values())


def _check_date(value: dt.date | None) -> dt.date | None:
    if value is not None and not (MIN_DATE <= value <= dt.date(2100, 12, 31)):
        raise AppValueError("field.date_out_of_range")
    return value


Line = Annotated[str, AfterValidator(_clean_line)]
Body = Annotated[str, Field(max_length=MAX_BODY), AfterValidator(_clean_text)]
Summary = Annotated[str, Field(max_length=4000), AfterValidator(_clean_text)]
Topics = Annotated[list[str], Field(max_length=MAX_TOPICS), AfterValidator(_clean_topics)]
DocDate = Annotated[dt.date, AfterValidator(_check_date)]
Kind = Literal[KINDS]  # type: ignore[valid-type]
BodyFormat = Literal["markdown", "html"]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class DocumentCreate(_Strict):
    kind: Kind
    symbol: str = Field(min_length=3, max_length=60)
    title: Line = Field(min_length=3, max_length=500)
    summary: Summary = ""
    body: Body = ""
    body_format: BodyFormat = "markdown"
    issuer_id: Id
    issued_on: DocDate
    effective_on: DocDate | None = None
    topics: Topics = []
    audience_unit_ids: list[Id] | None = Field(default=None, max_length=MAX_AUDIENCE)
    replaces_ids: list[Id] = Field(default=[], max_length=20)


class DocumentUpdate(_Strict):
    kind: Kind | None = None
    symbol: str | None = Field(default=None, min_length=3, max_length=60)
    title: Line | None = Field(default=None, min_length=3, max_length=500)
    summary: Summary | None = None
    body: Body | None = None
    body_format: BodyFormat | None = None
    issued_on: DocDate | None = None
    effective_on: DocDate | None = None
    topics: Topics | None = None
    audience_unit_ids: list[Id] | None = Field(default=None, max_length=MAX_AUDIENCE)
    replaces_ids: list[Id] | None = Field(default=None, max_length=20)
    # On a published document: a new version that readers must acknowledge again.
    substantive: bool = False
    change_note: str | None = Field(default=None, max_length=500)


class AcknowledgeBody(_Strict):
    # The version the member studied (a device replaying an offline acknowledgement says
    # which one); the current version when absent.
    version: int | None = Field(default=None, ge=1, le=1_000_000)


class NoteBody(_Strict):
    note: str = Field(max_length=10_000)


class UnitBrief(BaseModel):
    id: int
    name: str
    kind: str
    level: str  # Vietnamese name of the kind, e.g. "Trung ương"


class DocumentLink(BaseModel):
    id: int
    symbol: str
    title: str


class SymbolParts(BaseModel):
    number: int
    code: str
    issuer: str


class ReceiptPublic(BaseModel):
    """The caller's own reading of the document (nobody else's)."""

    version: int
    read: bool
    first_opened_at: dt.datetime | None = None
    last_opened_at: dt.datetime | None = None
    acknowledged: bool
    acknowledged_at: dt.datetime | None = None
    # Acknowledged an older version, and a revision asks again.
    needs_acknowledgement: bool
    acknowledged_versions: list[int] = []
    bookmarked: bool = False
    note: str | None = None


class DocumentSummary(BaseModel):
    """A document in a list."""

    id: int
    kind: str
    kind_label: str
    symbol: str
    title: str
    summary: str
    issuer: UnitBrief
    issued_on: dt.date
    effective_on: dt.date | None
    topics: list[str]
    status: str
    archived: bool
    replaced: bool
    version: int
    published_at: dt.datetime | None
    revised_at: dt.datetime | None
    updated_at: dt.datetime
    is_new: bool
    receipt: ReceiptPublic | None
    # Search only: the title and a piece of text, HTML-escaped, matches in <mark>.
    title_highlight: str | None = None
    snippet: str | None = None


class DocumentPublic(DocumentSummary):
    """One document with its body, links, attachments and the caller's receipt."""

    symbol_parts: SymbolParts
    body_html: str
    replaces: list[DocumentLink]
    replaced_by: list[DocumentLink]
    attachments: list[AttachmentPublic]
    can_manage: bool
    # For the issuer's publishers only (what they edit):
    body_source: str | None = None
    body_format: str | None = None
    audience_unit_ids: list[int] | None = None


class VersionPublic(BaseModel):
    version: int
    symbol: str
    title: str
    summary: str
    body_html: str
    change_note: str | None
    published_at: dt.datetime | None
    current: bool


class VersionBrief(BaseModel):
    version: int
    title: str
    change_note: str | None
    published_at: dt.datetime | None
    current: bool


class LibrarySeen(BaseModel):
    last_seen_at: dt.datetime


class StudySetCreate(_Strict):
    issuer_id: Id
    title: Line = Field(min_length=3, max_length=300)
    description: Summary = ""
    document_ids: list[Id] = Field(min_length=1, max_length=100)


class StudySetUpdate(_Strict):
    title: Line | None = Field(default=None, min_length=3, max_length=300)
    description: Summary | None = None
    document_ids: list[Id] | None = Field(default=None, min_length=1, max_length=100)


class StudyProgress(BaseModel):
    acknowledged: int
    total: int
    rate: float  # 0..1
    rate_text: str  # Vietnamese percentage, e.g. "66,7%"


class StudySetItemPublic(BaseModel):
    position: int
    document: DocumentSummary


class StudySetPublic(BaseModel):
    id: int
    issuer: UnitBrief
    title: str
    description: str
    created_at: dt.datetime
    updated_at: dt.datetime
    progress: StudyProgress
    can_manage: bool
    items: list[StudySetItemPublic] | None = None  # in the detail view
