"""Attachments: files stored by content hash, owned by an object of some domain."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import BigInteger, Column, Index
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, utcnow


class Attachment(SQLModel, table=True):
    """An uploaded file; `owner_kind`/`owner_id` name the object it belongs to (None while
    an upload waits to be claimed, e.g. by an assignment report)."""

    __tablename__ = "attachments"
    __table_args__ = (Index("ix_attachments_owner_kind_owner_id", "owner_kind", "owner_id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    owner_kind: str | None = Field(default=None, max_length=30)
    owner_id: int | None = Field(default=None, sa_type=IdType)
    sha256: str = Field(max_length=64, index=True)
    size: int = Field(sa_column=Column(BigInteger(), nullable=False))
    content_type: str = Field(max_length=100)
    filename: str = Field(max_length=255)
    uploaded_by_id: int | None = Field(
        default=None, foreign_key="users.id", sa_type=IdType, index=True
    )
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class AttachmentPublic(SQLModel):
    id: int
    filename: str
    content_type: str
    size: int
    sha256: str
    created_at: dt.datetime
    url: str
