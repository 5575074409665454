"""Shared field types: ids that fit every database's integer, so no id overflows into a 500."""

from __future__ import annotations

from typing import Annotated

from fastapi import Path
from pydantic import Field

# 2^53 - 1: the largest integer every JSON client (JavaScript included) reads exactly.
MAX_ID = 2**53 - 1
Id = Annotated[int, Field(ge=1, le=MAX_ID)]
IdPath = Annotated[int, Path(ge=1, le=MAX_ID)]
