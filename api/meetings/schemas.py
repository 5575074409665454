"""Request and response schemas of meetings.

Times follow the assignments' rule: ISO 8601, naive means Vietnam time, stored in UTC,
returned with +07:00 and a "dd/mm/yyyy HH:MM" `_local` string beside.
"""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Literal

from pydantic import AfterValidator, field_validator
from sqlmodel import Field, SQLModel

from api.assignments.schemas import (
    DocumentLink,
    LocalDateTime,
    PersonBrief,
    VNDateTime,
    clean_line,
    clean_text,
)
from api.errors import AppValueError
from api.files.models import AttachmentPublic
from api.meetings.states import Answer, MeetingKind
from api.types import Id


def _online_url(value: str | None) -> str | None:
    """Only http(s) links: a `javascript:` link in an invitation would run in the PWA."""
    if value is None:
        return None
    value = value.strip()
    if not value:
        return None
    if not value.lower().startswith(("https://", "http://")) or any(c.isspace() for c in value):
        raise AppValueError("meeting.field.bad_url")
    return value


OnlineUrl = Annotated[str | None, AfterValidator(_online_url)]


def _optional_line(value: str | None) -> str | None:
    return None if value is None or not value.strip() else clean_line(value)


class RecurrenceIn(SQLModel):
    """A regular monthly meeting: the first start time sets the day of month and the hour."""

    frequency: Literal["monthly"] = "monthly"
    lead_days: int = Field(default=14, ge=0, le=27)
    until: dt.date | None = None


class MeetingCreate(SQLModel):
    cell_id: Id
    title: str = Field(min_length=1, max_length=300)
    kind: MeetingKind = MeetingKind.regular
    starts_at: LocalDateTime
    duration_minutes: int = Field(default=120, ge=15, le=720)
    place: str | None = Field(default=None, max_length=300)
    online_url: OnlineUrl = Field(default=None, max_length=500)
    agenda: str = Field(default="", max_length=10000)
    document_ids: list[Id] = Field(default_factory=list, max_length=30)
    study_set_ids: list[Id] = Field(default_factory=list, max_length=10)
    recurrence: RecurrenceIn | None = None
    publish: bool = False  # publish at once (sends the invitations)

    _title = field_validator("title")(clean_line)
    _place = field_validator("place")(_optional_line)
    _agenda = field_validator("agenda")(lambda v: clean_text(v) or "")


class MeetingUpdate(SQLModel):
    title: str | None = Field(default=None, min_length=1, max_length=300)
    starts_at: LocalDateTime | None = None
    duration_minutes: int | None = Field(default=None, ge=15, le=720)
    place: str | None = Field(default=None, max_length=300)
    online_url: OnlineUrl = Field(default=None, max_length=500)
    agenda: str | None = Field(default=None, max_length=10000)
    document_ids: list[Id] | None = Field(default=None, max_length=30)
    study_set_ids: list[Id] | None = Field(default=None, max_length=10)

    _title = field_validator("title")(lambda v: v if v is None else clean_line(v))
    _place = field_validator("place")(_optional_line)
    _agenda = field_validator("agenda")(clean_text)


class ReasonBody(SQLModel):
    reason: str = Field(min_length=1, max_length=2000)

    _reason = field_validator("reason")(clean_line)


class PostponeBody(ReasonBody):
    # With a new time the meeting stays planned at that time; without, it waits postponed.
    starts_at: LocalDateTime | None = None


class ReplyBody(SQLModel):
    answer: Answer
    reason: str | None = Field(default=None, max_length=1000)

    _reason = field_validator("reason")(clean_text)


class CheckInBody(SQLModel):
    # The six digits, or the whole QR payload ("SOTAY-MEET:<id>:<digits>").
    code: str = Field(min_length=1, max_length=100)


class AttendanceBody(SQLModel):
    user_id: Id
    present: bool
    late: bool | None = None


class AssignmentFromMinutes(SQLModel):
    """An assignment decided at the meeting, given to chosen members or the whole cell."""

    title: str = Field(min_length=1, max_length=300)
    description: str = Field(default="", max_length=5000)
    due_at: LocalDateTime
    assignee_ids: list[Id] | None = Field(default=None, max_length=500)
    all_members: bool = False

    _title = field_validator("title")(clean_line)
    _description = field_validator("description")(lambda v: clean_text(v) or "")


class MinutesBody(SQLModel):
    content: str = Field(default="", max_length=50000)
    conclusions: str = Field(default="", max_length=20000)
    attachment_ids: list[Id] = Field(default_factory=list, max_length=10)
    assignments: list[AssignmentFromMinutes] = Field(default_factory=list, max_length=20)

    _content = field_validator("content")(lambda v: clean_text(v) or "")
    _conclusions = field_validator("conclusions")(lambda v: clean_text(v) or "")


class RatingBody(SQLModel):
    score: int = Field(ge=1, le=5)
    comment: str | None = Field(default=None, max_length=1000)

    _comment = field_validator("comment")(lambda v: clean_text(v) or None)


class RemindBody(SQLModel):
    message: str | None = Field(default=None, max_length=300)

    _message = field_validator("message")(clean_text)


# --- responses ----------------------------------------------------------------------------


class MaterialLink(DocumentLink):
    kind: str  # document | study_set


class AttendeePublic(SQLModel):
    user_id: int
    full_name: str
    reply: str | None
    reply_reason: str | None
    replied_at: VNDateTime | None
    present: bool | None
    late: bool
    checked_in_at: VNDateTime | None
    check_in_method: str | None


class MyAttendance(SQLModel):
    reply: str | None
    reply_reason: str | None
    present: bool | None
    late: bool
    checked_in_at: VNDateTime | None
    has_rated: bool


class MinutesPublic(SQLModel):
    content: str | None
    conclusions: str | None
    updated_at: VNDateTime | None
    approved_at: VNDateTime | None
    approved_by: PersonBrief | None
    attachments: list[AttachmentPublic]
    assignment_ids: list[int]


class MeetingCounts(SQLModel):
    invited: int
    replied: int
    attend: int
    excused: int
    no_reply: int
    present: int
    late: int
    absent_excused: int
    absent_unexcused: int


class MeetingPublic(SQLModel):
    """A meeting as the caller sees it: members their own reply, leaders every attendee."""

    id: int
    cell_id: int
    cell_name: str
    kind: str
    title: str
    starts_at: VNDateTime
    starts_at_local: str
    ends_at: VNDateTime
    duration_minutes: int
    place: str | None
    online_url: str | None
    agenda: str
    state: str
    state_label: str
    state_reason: str | None
    published: bool
    published_at: VNDateTime | None
    series_id: int | None
    period_key: str | None
    created_by: PersonBrief
    created_at: VNDateTime
    updated_at: VNDateTime
    materials: list[MaterialLink]
    can_manage: bool
    me: MyAttendance | None  # None for a follower who is not invited
    minutes: MinutesPublic | None  # members read approved minutes; leaders the draft too
    counts: MeetingCounts | None  # the cell's leaders and committees
    attendees: list[AttendeePublic] | None  # the cell's leaders and committees


class CheckInCode(SQLModel):
    code: str  # six digits, typed by hand when the camera cannot read the QR
    payload: str  # what the QR carries
    qr_svg: str
    expires_at: VNDateTime
    rotate_seconds: int


class RatingSummary(SQLModel):
    """Only aggregates: never who gave which rating. Hidden below a minimum count, so a
    cell of two attendees cannot read each other's scores."""

    count: int
    shown: bool
    min_count: int
    average: float | None
    distribution: dict[str, int] | None
    comments: list[str] | None


class RemindResult(SQLModel):
    reminded: int
    user_ids: list[int]


class SeriesPublic(SQLModel):
    id: int
    cell_id: int
    title: str
    lead_days: int
    until: dt.date | None
    active: bool
    anchor_starts_at: VNDateTime
    next_starts_at: VNDateTime | None
