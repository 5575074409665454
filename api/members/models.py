"""Member accounts: profile, cell, membership status and credentials."""

from __future__ import annotations

import datetime as dt
import re
from enum import StrEnum
from typing import Annotated

from pydantic import StringConstraints, field_validator
from sqlalchemy import Column, Index
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, binary_string, utcnow
from api.errors import AppValueError
from api.types import Id


class MemberStatus(StrEnum):
    probationary = "probationary"
    official = "official"


class Gender(StrEnum):
    male = "male"
    female = "female"


class User(SQLModel, table=True):
    """A party member (or staff account with no cell), who can sign in."""

    __tablename__ = "users"
    __table_args__ = (Index("ix_users_cell_id_name_sort", "cell_id", "name_sort"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    full_name: str = Field(max_length=120)
    # Vietnamese sort key (given name first), computed from full_name: see api.text.
    name_sort: str = Field(default="", sa_column=Column(binary_string(400), nullable=False))
    party_card_number: str = Field(max_length=20, unique=True)
    birth_date: dt.date | None = None
    gender: str | None = Field(default=None, max_length=10)
    phone: str | None = Field(default=None, max_length=16, unique=True)
    email: str | None = Field(default=None, max_length=254, unique=True)
    cell_id: int | None = Field(
        default=None, foreign_key="org_units.id", sa_type=IdType, index=True
    )
    status: str = Field(default=MemberStatus.official, max_length=20)
    joined_on: dt.date | None = None
    official_on: dt.date | None = None
    password_hash: str = Field(default="", max_length=255)
    must_change_password: bool = False
    is_active: bool = True
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


_PHONE_RE = re.compile(r"^\+84\d{9}$")
_EMAIL_RE = re.compile(r"^[^@\s]{1,64}@[^@\s]+\.[^@\s]{2,}$")


def normalize_phone(value: str | None) -> str | None:
    """Vietnamese numbers to E.164: '0912 345 678' → '+84912345678'."""
    if value is None or not value.strip():
        return None
    digits = re.sub(r"[\s.\-()]", "", value)
    if digits.startswith("+84"):
        digits = digits[3:]
    elif digits.startswith("84") and len(digits) == 11:
        digits = digits[2:]
    elif digits.startswith("0"):
        digits = digits[1:]
    phone = "+84" + digits
    if not _PHONE_RE.match(phone):
        raise AppValueError("field.bad_phone")
    return phone


def normalize_email(value: str | None) -> str | None:
    """Lower-cased, trimmed e-mail, or None."""
    if value is None or not value.strip():
        return None
    value = value.strip().lower()
    if len(value) > 254 or not _EMAIL_RE.match(value):
        raise AppValueError("field.bad_email")
    return value


def clean_full_name(value: str) -> str:
    """Trimmed, single-spaced, NFC name."""
    import unicodedata

    value = unicodedata.normalize("NFC", " ".join(value.split()))
    if len(value) < 2:
        raise AppValueError("field.too_short")
    return value


class MemberCreate(SQLModel):
    full_name: str = Field(min_length=2, max_length=120)
    party_card_number: Annotated[str, StringConstraints(pattern=r"^[0-9A-Za-z]{6,20}$")]
    cell_id: Id
    password: str = Field(min_length=1, max_length=1024)
    birth_date: dt.date | None = None
    gender: Gender | None = None
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    status: MemberStatus = MemberStatus.official
    joined_on: dt.date | None = None
    official_on: dt.date | None = None
    must_change_password: bool = True

    _name = field_validator("full_name")(clean_full_name)
    _phone = field_validator("phone")(normalize_phone)
    _email = field_validator("email")(normalize_email)


class MemberUpdate(SQLModel):
    full_name: str | None = Field(default=None, min_length=2, max_length=120)
    cell_id: Id | None = None
    birth_date: dt.date | None = None
    gender: Gender | None = None
    phone: str | None = Field(default=None, max_length=32)
    email: str | None = Field(default=None, max_length=254)
    status: MemberStatus | None = None
    joined_on: dt.date | None = None
    official_on: dt.date | None = None
    is_active: bool | None = None

    _name = field_validator("full_name")(lambda v: v if v is None else clean_full_name(v))
    _phone = field_validator("phone")(normalize_phone)
    _email = field_validator("email")(normalize_email)


class MemberPublic(SQLModel):
    """What leaders and admins see of a member (never credentials)."""

    id: int
    full_name: str
    party_card_number: str
    birth_date: dt.date | None
    gender: str | None
    phone: str | None
    email: str | None
    cell_id: int | None
    status: str
    joined_on: dt.date | None
    official_on: dt.date | None
    is_active: bool


class MemberBrief(SQLModel):
    id: int
    full_name: str
