"""Request and response schemas of assignments.

Times: `due_at` is accepted as ISO 8601; with an offset it is taken as given, without one it
is Vietnam time (Asia/Ho_Chi_Minh). Stored in UTC, every time is returned with the +07:00
offset (the same instant, readable as the member's clock), and `due_at_local` carries the
display string "dd/mm/yyyy HH:MM".
"""

from __future__ import annotations

import datetime as dt
import unicodedata
from enum import StrEnum
from typing import Annotated, Any

from pydantic import AfterValidator, PlainSerializer, WithJsonSchema, field_validator
from sqlmodel import Field, SQLModel

from api.assignments.states import Priority
from api.errors import AppValueError
from api.files.models import AttachmentPublic
from api.text import VN_TZ
from api.types import Id

# Beyond these years a time is a typing mistake (and far years overflow on conversion).
_MIN_YEAR, _MAX_YEAR = 2000, 2100


def _to_utc(value: dt.datetime) -> dt.datetime:
    """A naive time is Vietnam time; every time is kept in UTC, to the second."""
    if not _MIN_YEAR <= value.year <= _MAX_YEAR:
        raise AppValueError("assignment.field.bad_time")
    if value.tzinfo is None:
        value = value.replace(tzinfo=VN_TZ)
    return value.astimezone(dt.UTC).replace(microsecond=0)


def _vn_iso(value: dt.datetime) -> str:
    return value.astimezone(VN_TZ).isoformat()


LocalDateTime = Annotated[dt.datetime, AfterValidator(_to_utc)]
VNDateTime = Annotated[
    dt.datetime,
    PlainSerializer(_vn_iso, return_type=str),
    WithJsonSchema({"type": "string", "format": "date-time"}),
]


def clean_line(value: str) -> str:
    """One line of text: NFC (phones type decomposed diacritics too), single spaces."""
    value = " ".join(unicodedata.normalize("NFC", value).split())
    if not value:
        raise AppValueError("field.missing")
    return value


def clean_text(value: str | None) -> str | None:
    """Free text: NFC, trimmed, line breaks kept."""
    if value is None:
        return None
    return unicodedata.normalize("NFC", value).strip()


def _required_text(value: str) -> str:
    value = clean_text(value) or ""
    if not value:
        raise AppValueError("field.missing")
    return value


class Frequency(StrEnum):
    weekly = "weekly"
    monthly = "monthly"
    quarterly = "quarterly"


class RecurrenceIn(SQLModel):
    """A regular assignment: the first due time sets the weekday or day and the hour."""

    frequency: Frequency
    lead_days: int = Field(default=7, ge=0, le=60)
    until: dt.date | None = None


class AssignmentCreate(SQLModel):
    cell_id: Id
    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    due_at: LocalDateTime
    assignee_ids: list[Id] | None = Field(default=None, max_length=500)
    all_members: bool = False
    document_ids: list[Id] = Field(default_factory=list, max_length=20)
    # Uploads (`POST /uploads`) given with the task: a form to fill in, a photo of the site.
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)
    priority: Priority = Priority.normal
    recurrence: RecurrenceIn | None = None

    _title = field_validator("title")(clean_line)
    _description = field_validator("description")(lambda v: clean_text(v) or "")


class AssignmentUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, max_length=5000)
    due_at: LocalDateTime | None = None
    priority: Priority | None = None
    document_ids: list[Id] | None = Field(default=None, max_length=20)

    _title = field_validator("title")(lambda v: v if v is None else clean_line(v))
    _description = field_validator("description")(clean_text)


class AssigneesAdd(SQLModel):
    user_ids: list[Id] | None = Field(default=None, max_length=500)
    all_members: bool = False


class SubmitBody(SQLModel):
    report: str = Field(default="", max_length=10000)
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)

    _report = field_validator("report")(lambda v: clean_text(v) or "")


class ReturnBody(SQLModel):
    reason: str = Field(min_length=1, max_length=2000)

    _reason = field_validator("reason")(_required_text)


class ReviewBody(SQLModel):
    note: str | None = Field(default=None, max_length=2000)

    _note = field_validator("note")(clean_text)


class CancelBody(SQLModel):
    reason: str | None = Field(default=None, max_length=2000)

    _reason = field_validator("reason")(clean_text)


class CommentCreate(SQLModel):
    text: str = Field(min_length=1, max_length=2000)
    # For leaders: whose record the comment is on; none means every assignee.
    assignee_id: Id | None = None

    _text = field_validator("text")(_required_text)


class RemindBody(SQLModel):
    user_ids: list[Id] | None = Field(default=None, max_length=500)
    message: str | None = Field(default=None, max_length=300)

    _message = field_validator("message")(clean_text)


# --- responses ----------------------------------------------------------------------------


class PersonBrief(SQLModel):
    id: int
    full_name: str


class DocumentLink(SQLModel):
    id: int
    symbol: str | None = None
    title: str | None = None


class RecordPublic(SQLModel):
    """One assignee's record as its assignee and the cell's leaders see it."""

    id: int
    user_id: int
    full_name: str
    state: str
    state_label: str
    overdue: bool
    completed_late: bool | None
    report: str | None
    attachment_ids: list[int]
    attachments: list[AttachmentPublic]  # of the latest report; earlier ones are in the history
    return_reason: str | None
    review_note: str | None
    started_at: VNDateTime | None
    submitted_at: VNDateTime | None
    returned_at: VNDateTime | None
    approved_at: VNDateTime | None
    cancelled_at: VNDateTime | None
    updated_at: VNDateTime


class SeriesPublic(SQLModel):
    id: int
    cell_id: int
    title: str
    frequency: str
    lead_days: int
    until: dt.date | None
    all_members: bool
    active: bool
    anchor_due_at: VNDateTime
    next_due_at: VNDateTime | None


class AssignmentPublic(SQLModel):
    """An assignment with the records the caller may see (all for leaders, else their own)."""

    id: int
    cell_id: int
    cell_name: str
    title: str
    description: str
    priority: str
    due_at: VNDateTime
    due_at_local: str
    status: str  # open | cancelled
    kind: str  # ad_hoc (đột xuất) | regular (thường xuyên)
    series_id: int | None
    period_key: str | None
    period_label: str | None  # "Tháng 11/2026" for a regular assignment's period
    created_by: PersonBrief
    created_at: VNDateTime
    updated_at: VNDateTime
    cancelled_at: VNDateTime | None
    documents: list[DocumentLink]
    attachments: list[AttachmentPublic]  # given with the task
    records: list[RecordPublic]
    # Per state over `records`, plus "overdue" and "total".
    counts: dict[str, int]


class EventPublic(SQLModel):
    """A line of a record's (or the assignment's) history."""

    id: int
    at: VNDateTime
    at_local: str
    kind: str
    label: str
    actor: PersonBrief | None
    user_id: int | None  # whose record; None for the whole assignment
    from_state: str | None
    to_state: str | None
    note: str | None
    data: dict[str, Any] | None


class RemindResult(SQLModel):
    reminded: int
    user_ids: list[int]
