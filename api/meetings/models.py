"""Meeting tables: the cell meeting, its materials, attendees, minutes' links, ratings, schedules.

Request and response schemas live in `schemas.py`; the state machine in `states.py`.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, utcnow


def _now() -> dt.datetime:
    return Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))


class MeetingSeries(SQLModel, table=True):
    """A regular monthly meeting: creates each month's meeting by itself."""

    __tablename__ = "meeting_series"
    __table_args__ = (
        Index("ix_meeting_series_cell_id", "cell_id"),
        Index("ix_meeting_series_active_next_run_at", "active", "next_run_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    cell_id: int = Field(foreign_key="org_units.id", sa_type=IdType)
    title: str = Field(max_length=300)
    place: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    agenda: str = Field(default="", max_length=10000)
    # The first meeting: day of month and local time of day come from it.
    anchor_starts_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_minutes: int = 120
    lead_days: int = 14  # each month's meeting is created this many days ahead
    until: dt.date | None = None
    document_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    next_run_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_by: int = Field(foreign_key="users.id", sa_type=IdType)
    created_at: dt.datetime = _now()
    stopped_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Meeting(SQLModel, table=True):
    """A cell meeting (sinh hoạt chi bộ): regular, thematic or extraordinary.

    The `n_*` counters are the meeting's attendance, recounted from `meeting_attendees` under
    the meeting's row lock after every change, so dashboards read one row per meeting.
    """

    __tablename__ = "meetings"
    __table_args__ = (
        Index("ix_meetings_cell_id_starts_at", "cell_id", "starts_at"),
        Index("ix_meetings_starts_at", "starts_at"),
        # One meeting per month of a schedule, whatever the number of workers.
        UniqueConstraint("series_id", "period_key"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    cell_id: int = Field(foreign_key="org_units.id", sa_type=IdType)
    kind: str = Field(default="regular", max_length=15)  # regular | thematic | extraordinary
    title: str = Field(max_length=300)
    starts_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    duration_minutes: int = 120
    place: str | None = Field(default=None, max_length=300)
    online_url: str | None = Field(default=None, max_length=500)
    agenda: str = Field(default="", max_length=10000)
    state: str = Field(default="planned", max_length=20)
    state_reason: str | None = Field(default=None, max_length=2000)
    published_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    held_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The start time the day-before reminder was sent for: a new time re-arms it.
    reminder_sent_for: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    series_id: int | None = Field(default=None, foreign_key="meeting_series.id", sa_type=IdType)
    period_key: str | None = Field(default=None, max_length=12)  # 2026-11
    minutes_content: str | None = Field(default=None, max_length=50000)
    minutes_conclusions: str | None = Field(default=None, max_length=20000)
    minutes_updated_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    minutes_approved_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    minutes_approved_by: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)
    n_invited: int = 0
    n_present: int = 0
    n_late: int = 0
    n_excused: int = 0  # absent with an accepted "excused" reply
    n_replied: int = 0
    created_by: int = Field(foreign_key="users.id", sa_type=IdType)
    created_at: dt.datetime = _now()
    updated_at: dt.datetime = _now()


class MeetingMaterial(SQLModel, table=True):
    """A document or study set linked to a meeting as its material.

    `ref_id` has no foreign key: it names a row of `documents` or `study_sets` by `kind`.
    """

    __tablename__ = "meeting_materials"
    __table_args__ = (Index("ix_meeting_materials_kind_ref_id", "kind", "ref_id"),)

    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True, sa_type=IdType)
    kind: str = Field(max_length=10, primary_key=True)  # document | study_set
    ref_id: int = Field(primary_key=True, sa_type=IdType)
    position: int = 0


class MeetingAttendee(SQLModel, table=True):
    """One invited member: their reply and their attendance."""

    __tablename__ = "meeting_attendees"
    __table_args__ = (
        UniqueConstraint("meeting_id", "user_id"),
        Index("ix_meeting_attendees_user_id", "user_id"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    meeting_id: int = Field(foreign_key="meetings.id", sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", sa_type=IdType)
    reply: str | None = Field(default=None, max_length=10)  # attend | excused
    reply_reason: str | None = Field(default=None, max_length=1000)
    replied_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    present: bool | None = None  # None: not marked yet
    late: bool = False
    checked_in_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    check_in_method: str | None = Field(default=None, max_length=10)  # qr | manual
    marked_by: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)
    marked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    failed_check_ins: int = 0  # wrong codes typed: bounded, so six digits cannot be guessed
    reminded_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class MeetingAssignment(SQLModel, table=True):
    """An assignment decided at the meeting and given from its minutes."""

    __tablename__ = "meeting_assignments"

    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True, sa_type=IdType)
    assignment_id: int = Field(foreign_key="assignments.id", primary_key=True, sa_type=IdType)


class MeetingRater(SQLModel, table=True):
    """That a member has rated a meeting (never what): no time, no link to the rating."""

    __tablename__ = "meeting_raters"

    meeting_id: int = Field(foreign_key="meetings.id", primary_key=True, sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", primary_key=True, sa_type=IdType)


class MeetingRating(SQLModel, table=True):
    """An anonymous rating: a random key, no author, no time, so rows cannot be matched to
    raters by order or by the audit trail's timestamps."""

    __tablename__ = "meeting_ratings"
    __table_args__ = (Index("ix_meeting_ratings_meeting_id", "meeting_id"),)

    id: str = Field(primary_key=True, max_length=32)  # random hex, not a sequence
    meeting_id: int = Field(foreign_key="meetings.id", sa_type=IdType)
    score: int
    comment: str | None = Field(default=None, max_length=1000)


class MeetingEvent(SQLModel, table=True):
    """One line of the meeting's history: created, published, changed, state changes."""

    __tablename__ = "meeting_events"
    __table_args__ = (Index("ix_meeting_events_meeting_id_id", "meeting_id", "id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    meeting_id: int = Field(foreign_key="meetings.id", sa_type=IdType)
    actor_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)
    at: dt.datetime = _now()
    kind: str = Field(max_length=20)
    note: str | None = Field(default=None, max_length=2000)
    data: dict[str, object] | None = Field(default=None, sa_column=Column(JSON))
