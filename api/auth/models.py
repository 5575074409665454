"""Sign-in sessions and their tokens (stored hashed; revocable in one update)."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import Column
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, utcnow


class AuthSession(SQLModel, table=True):
    """One sign-in on one device: a bearer token chain or a cookie session."""

    __tablename__ = "auth_sessions"

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", sa_type=IdType, index=True)
    kind: str = Field(max_length=10)  # "bearer" | "cookie"
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    expires_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    revoked_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    revoked_reason: str | None = Field(default=None, max_length=40)
    user_agent: str | None = Field(default=None, max_length=300)
    ip: str | None = Field(default=None, max_length=64)


class AuthToken(SQLModel, table=True):
    """A token of a session; only its SHA-256 is stored. Spent refresh tokens are kept."""

    __tablename__ = "auth_tokens"

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    session_id: int = Field(foreign_key="auth_sessions.id", sa_type=IdType, index=True)
    kind: str = Field(max_length=10)  # "access" | "refresh" | "cookie"
    token_hash: str = Field(max_length=64, unique=True)
    expires_at: dt.datetime = Field(sa_column=Column(UTCDateTime(), nullable=False))
    spent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class TokenPair(SQLModel):
    access_token: str
    refresh_token: str
    token_type: str = "bearer"  # noqa: S105 - the OAuth2 token type, not a secret
    expires_in: int


class RefreshRequest(SQLModel):
    refresh_token: str = Field(min_length=10, max_length=200)


class LoginRequest(SQLModel):
    username: str = Field(min_length=1, max_length=254)
    password: str = Field(min_length=1, max_length=1024)


class PasswordChange(SQLModel):
    current_password: str = Field(min_length=1, max_length=1024)
    new_password: str = Field(min_length=1, max_length=1024)
