"""A member's own data: export it (JSON), and erase a member (by an administrator).

Each domain registers what it holds about a member, so the export and the erasure cover
everything without this module importing every domain.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from sqlmodel import Session

Exporter = Callable[[Session, int], Any]
Eraser = Callable[[Session, int], None]
_exporters: dict[str, Exporter] = {}
_erasers: dict[str, Eraser] = {}


def iso(value: Any) -> str | None:
    """A time in an export: ISO 8601, or null."""
    return value.isoformat() if value is not None else None


def register(name: str, *, export: Exporter | None = None, erase: Eraser | None = None) -> None:
    """Declare a domain's part of a member's data (`export`) and how to remove it (`erase`)."""
    if export is not None:
        _exporters[name] = export
    if erase is not None:
        _erasers[name] = erase


def export_member(session: Session, user_id: int) -> dict[str, Any]:
    """Everything registered about the member, by section."""
    return {name: fn(session, user_id) for name, fn in sorted(_exporters.items())}


def erase_member(session: Session, user_id: int) -> list[str]:
    """Run every registered eraser; returns the sections erased."""
    for fn in _erasers.values():
        fn(session, user_id)
    return sorted(_erasers)
