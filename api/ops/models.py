"""Shared state that every API process must see: rate counters and idempotency records."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column, Index, LargeBinary
from sqlmodel import Field, SQLModel

from api.db import UTCDateTime, utcnow


class RateCounter(SQLModel, table=True):
    """Hits of one key in one fixed window; shared across processes through the database."""

    __tablename__ = "rate_counters"

    key: str = Field(primary_key=True, max_length=200)
    window_start: dt.datetime = Field(sa_column=Column(UTCDateTime(), primary_key=True))
    count: int = 0


class IdempotencyRecord(SQLModel, table=True):
    """The first answer to a mutation with an Idempotency-Key, replayed to repeats."""

    __tablename__ = "idempotency_records"
    __table_args__ = (Index("ix_idempotency_records_created_at", "created_at"),)

    # The key is scoped to the caller: (principal, key).
    principal: str = Field(primary_key=True, max_length=80)
    key: str = Field(primary_key=True, max_length=200)
    fingerprint: str = Field(max_length=64)  # method, path and body hash
    status_code: int | None = None  # None while the first request is in flight
    content_type: str | None = Field(default=None, max_length=100)
    body: bytes | None = Field(default=None, sa_column=Column(LargeBinary))
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
