"""Tombstones for the delta feed: objects that may have left some devices' reach.

A document whose audience was narrowed, or a draft that was discarded, is written here once
(not once per member: a national audience is millions); each device's sync then asks which
of the recent tombstones it can no longer read, and drops its copies of those.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, Session, SQLModel

from api.db import IdType, UTCDateTime, utcnow

# Kept this long; a device whose cursor is older starts over with a full sync.
KEEP = dt.timedelta(days=30)


class SyncRemoval(SQLModel, table=True):
    __tablename__ = "sync_removals"
    __table_args__ = (Index("ix_sync_removals_removed_at", "removed_at"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    kind: str = Field(max_length=20)  # "document"
    object_id: int = Field(sa_type=IdType)
    # Where it was before: the old audience's unit paths (or the issuer's, for a draft).
    # Only devices that stood there are told, so nobody learns of a document never theirs.
    unit_paths: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    removed_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


def record_removal(session: Session, kind: str, object_id: int, unit_paths: list[str]) -> None:
    """Note that `object_id` may have left the reach of some of those at `unit_paths`."""
    session.add(SyncRemoval(kind=kind, object_id=object_id, unit_paths=sorted(set(unit_paths))))
