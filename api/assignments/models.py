"""Assignment tables: the task, one record per assignee, the history, links and schedules.

Request and response schemas live in `schemas.py`; the state machine in `states.py`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, utcnow


class AssignmentSeries(SQLModel, table=True):
    """A regular (thường xuyên) task: creates each period's assignment by itself."""

    __tablename__ = "assignment_series"
    __table_args__ = (
        Index("ix_assignment_series_cell_id", "cell_id"),
        Index("ix_assignment_series_active_next_run_at", "active", "next_run_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    cell_id: int = Field(foreign_key="org_units.id", sa_type=IdType)
    title: str = Field(max_length=300)
    description: str = Field(default="", max_length=5000)
    priority: str = Field(default="normal", max_length=10)
    frequency: str = Field(max_length=10)  # weekly | monthly | quarterly
    # The first period's due time: weekday / day of month and local time of day come from it.
    anchor_due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    lead_days: int = 7  # each period's assignment is given this many days before its due time
    until: dt.date | None = None  # no period due after this (local) date
    all_members: bool = True  # every member of the cell at the time of each period
    assignee_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    document_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    active: bool = True
    # When the job should next look at this series (the next period's giving time), so the
    # hourly run reads only the series that have work instead of every schedule.
    next_run_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    created_by: int = Field(foreign_key="users.id", sa_type=IdType)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    stopped_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class Assignment(SQLModel, table=True):
    """A task (nhiệm vụ) a cell gives some of its members; each has an AssignmentRecord."""

    __tablename__ = "assignments"
    __table_args__ = (
        Index("ix_assignments_cell_id_due_at", "cell_id", "due_at"),
        Index("ix_assignments_due_at", "due_at"),
        # One assignment per period of a schedule, whatever the number of workers.
        UniqueConstraint("series_id", "period_key"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    cell_id: int = Field(foreign_key="org_units.id", sa_type=IdType)
    title: str = Field(max_length=300)
    description: str = Field(default="", max_length=5000)
    priority: str = Field(default="normal", max_length=10)  # low | normal | high
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    created_by: int = Field(foreign_key="users.id", sa_type=IdType)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    cancelled_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    series_id: int | None = Field(default=None, foreign_key="assignment_series.id", sa_type=IdType)
    period_key: str | None = Field(default=None, max_length=12)  # 2026-11, 2026-Q4, 2026-W48


class AssignmentRecord(SQLModel, table=True):
    """One assignee's own copy of an assignment, with its own state and report."""

    __tablename__ = "assignment_records"
    __table_args__ = (
        UniqueConstraint("assignment_id", "assignee_id"),
        Index("ix_assignment_records_assignee_id_state", "assignee_id", "state"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    assignment_id: int = Field(foreign_key="assignments.id", sa_type=IdType)
    assignee_id: int = Field(foreign_key="users.id", sa_type=IdType)
    state: str = Field(default="assigned", max_length=12)
    report: str | None = Field(default=None, max_length=10000)  # the latest submission
    attachment_ids: list[int] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    return_reason: str | None = Field(default=None, max_length=2000)
    review_note: str | None = Field(default=None, max_length=2000)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    started_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The latest submission: on time means submitted_at <= due_at of an approved record.
    submitted_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    returned_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    approved_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    cancelled_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    # The due time each reminder was sent for: a changed due time no longer matches, which
    # re-arms the reminder; the reminder job's query skips records already reminded.
    due_soon_sent_for: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    overdue_sent_for: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class AssignmentEvent(SQLModel, table=True):
    """One line of history: a state change, an edit, a comment or a reminder."""

    __tablename__ = "assignment_events"
    __table_args__ = (
        Index("ix_assignment_events_assignment_id_id", "assignment_id", "id"),
        Index("ix_assignment_events_record_id_id", "record_id", "id"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    assignment_id: int = Field(foreign_key="assignments.id", sa_type=IdType)
    # None: about the whole assignment (edits, cancellation, comments to every assignee).
    record_id: int | None = Field(default=None, foreign_key="assignment_records.id", sa_type=IdType)
    actor_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    kind: str = Field(max_length=20)
    from_state: str | None = Field(default=None, max_length=12)
    to_state: str | None = Field(default=None, max_length=12)
    note: str | None = Field(default=None, max_length=10000)
    data: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))


class AssignmentDocument(SQLModel, table=True):
    """A document linked to an assignment.

    `document_id` has no foreign key: the documents tables are another domain's and were not
    there when this table was made; ids are checked against them when they exist.
    """

    __tablename__ = "assignment_documents"
    __table_args__ = (Index("ix_assignment_documents_document_id", "document_id"),)

    assignment_id: int = Field(foreign_key="assignments.id", primary_key=True, sa_type=IdType)
    document_id: int = Field(primary_key=True, sa_type=IdType)
    position: int = 0
