"""The audit trail: one row per write."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, path_type, utcnow


class AuditEvent(SQLModel, table=True):
    """Who did what to which object, with before/after, when, and the request id."""

    __tablename__ = "audit_events"
    __table_args__ = (Index("ix_audit_events_unit_path_id", "unit_path", "id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    at: dt.datetime = Field(default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False))
    actor_id: int | None = Field(default=None, index=True, sa_type=IdType)
    action: str = Field(max_length=60)
    object_type: str = Field(max_length=40)
    object_id: str | None = Field(default=None, max_length=40)
    # The unit the object belongs to, so admins read the trail of their subtree only.
    unit_path: str | None = Field(default=None, sa_column=Column(path_type()))
    before: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    after: dict[str, Any] | None = Field(default=None, sa_column=Column(JSON))
    request_id: str | None = Field(default=None, max_length=64)
    ip: str | None = Field(default=None, max_length=64)


class AuditEventPublic(SQLModel):
    id: int
    at: dt.datetime
    actor_id: int | None
    action: str
    object_type: str
    object_id: str | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None
    request_id: str | None
