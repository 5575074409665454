"""Roll-ups the dashboards read instead of scanning every record and receipt.

Each is kept exact by database triggers on the rows it counts (created by the dashboards
migration, for PostgreSQL and SQLite): every writer of assignments, records, receipts and
members updates them in its own transaction, whichever code path it takes, and nothing else
writes them. `api.dashboards.tallies.rebuild` recomputes them from the raw rows.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, ForeignKey, Index
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime


class AssignmentTally(SQLModel, table=True):
    """An assignment's records counted by state, with its cell and due time beside them."""

    __tablename__ = "assignment_tallies"
    __table_args__ = (
        Index("ix_assignment_tallies_cell_id_due_at", "cell_id", "due_at"),
        Index("ix_assignment_tallies_due_at", "due_at"),
    )

    assignment_id: int = Field(
        sa_column=Column(IdType, ForeignKey("assignments.id", ondelete="CASCADE"), primary_key=True)
    )
    cell_id: int = Field(foreign_key="org_units.id", sa_type=IdType)
    due_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    records: int = 0
    assigned: int = 0
    in_progress: int = 0
    submitted: int = 0
    approved: int = 0
    returned: int = 0
    cancelled: int = 0
    # Approved records whose accepted report came after the due time.
    approved_late: int = 0


class StudyTally(SQLModel, table=True):
    """Receipts of one version of a document by the active members of one cell."""

    __tablename__ = "study_tallies"
    __table_args__ = (Index("ix_study_tallies_cell_id", "cell_id"),)

    document_id: int = Field(
        sa_column=Column(IdType, ForeignKey("documents.id", ondelete="CASCADE"), primary_key=True)
    )
    version: int = Field(primary_key=True)
    cell_id: int = Field(
        sa_column=Column(IdType, ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True)
    )
    read: int = 0
    acknowledged: int = 0


class CellTally(SQLModel, table=True):
    """Active members of a cell: a document's audience there."""

    __tablename__ = "cell_tallies"

    cell_id: int = Field(
        sa_column=Column(IdType, ForeignKey("org_units.id", ondelete="CASCADE"), primary_key=True)
    )
    active_members: int = 0
