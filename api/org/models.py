"""Organisation units (a materialized-path tree) and role grants."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints, field_validator
from sqlalchemy import Column, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, path_type, utcnow
from api.errors import AppValueError
from api.types import Id

CODE_PATTERN = r"^[A-Za-z0-9][A-Za-z0-9_-]{0,39}$"
KIND_PATTERN = r"^[a-z][a-z_]{1,29}$"
# Kinds are data; these are the ones the product names (GLOSSARY.md). Members belong to cells.
KNOWN_KINDS = ("central", "province", "commune", "grassroots", "cell", "group")
MEMBER_UNIT_KINDS = ("cell",)


class Role(StrEnum):
    secretary = "secretary"
    deputy = "deputy"
    committee = "committee"
    publisher = "publisher"
    admin = "admin"


class OrgUnit(SQLModel, table=True):
    """A party organisation; `path` is '/1/5/23/' (ids of the ancestors and itself)."""

    __tablename__ = "org_units"
    __table_args__ = (Index("ix_org_units_path", "path", unique=True),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    parent_id: int | None = Field(
        default=None, foreign_key="org_units.id", sa_type=IdType, index=True
    )
    code: str = Field(max_length=40, unique=True)
    name: str = Field(max_length=200)
    kind: str = Field(max_length=30)
    path: str = Field(default="", sa_column=Column(path_type(), nullable=False))
    depth: int = 0
    is_active: bool = True
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


def _clean_name(value: str) -> str:
    value = " ".join(value.split())
    if not value:
        raise AppValueError("field.missing")
    return value


class OrgUnitCreate(SQLModel):
    parent_id: Id
    name: str = Field(min_length=2, max_length=200)
    code: Annotated[str, StringConstraints(pattern=CODE_PATTERN)]
    kind: Annotated[str, StringConstraints(pattern=KIND_PATTERN)]

    _name = field_validator("name")(_clean_name)


class OrgUnitUpdate(SQLModel):
    name: str | None = Field(default=None, min_length=2, max_length=200)
    parent_id: Id | None = None
    is_active: bool | None = None

    _name = field_validator("name")(lambda v: v if v is None else _clean_name(v))


class OrgUnitPublic(SQLModel):
    id: int
    parent_id: int | None
    code: str
    name: str
    kind: str
    depth: int
    is_active: bool
    path_ids: list[int] = []


class RoleGrant(SQLModel, table=True):
    """`user` holds `role` over `unit` and everything below it."""

    __tablename__ = "role_grants"
    __table_args__ = (UniqueConstraint("user_id", "unit_id", "role"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", sa_type=IdType, index=True)
    unit_id: int = Field(foreign_key="org_units.id", sa_type=IdType, index=True)
    role: str = Field(max_length=20)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    created_by_id: int | None = Field(default=None, foreign_key="users.id", sa_type=IdType)


class RoleGrantCreate(SQLModel):
    user_id: Id
    unit_id: Id
    role: Role


class RoleGrantPublic(SQLModel):
    id: int
    user_id: int
    unit_id: int
    role: str
    created_at: dt.datetime
