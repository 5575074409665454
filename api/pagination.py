"""Opaque keyset cursors: base64url JSON of the last row's sort values."""

from __future__ import annotations

import base64
import json
from typing import Any, Generic, TypeVar

from pydantic import BaseModel

from api.errors import FieldError, ValidationFailed

T = TypeVar("T")


class Page(BaseModel, Generic[T]):
    items: list[T]
    next_cursor: str | None = None


def encode_cursor(values: list[Any]) -> str:
    """An opaque cursor for the given sort values."""
    return base64.urlsafe_b64encode(json.dumps(values, default=str).encode()).decode().rstrip("=")


def decode_cursor(cursor: str | None, arity: int) -> list[Any] | None:
    """The sort values in a cursor, or a 422 when it was not made by us."""
    if not cursor:
        return None
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        values = json.loads(base64.urlsafe_b64decode(padded.encode()))
    except (ValueError, UnicodeDecodeError):
        values = None
    if not isinstance(values, list) or len(values) != arity:
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")])
    if not all(isinstance(v, str | int | float) or v is None for v in values):
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")])
    return values
