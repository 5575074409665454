"""Recording and reading the audit trail."""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any

from sqlmodel import Session, col, select

from api import context
from api.audit.models import AuditEvent
from api.authz import in_any_subtree

REDACTED = {"password", "password_hash", "token", "token_hash", "refresh_token", "access_token"}


def _jsonable(value: Any) -> Any:
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, dict):
        return {k: ("***" if k in REDACTED else _jsonable(v)) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_jsonable(v) for v in value]
    return value


def snapshot(obj: Any, fields: list[str] | None = None) -> dict[str, Any]:
    """A JSON-safe copy of a model's fields (secrets redacted) for before/after."""
    data = obj.model_dump() if hasattr(obj, "model_dump") else dict(obj)
    if fields is not None:
        data = {k: data.get(k) for k in fields}
    result: dict[str, Any] = _jsonable(data)
    return result


def record(
    session: Session,
    *,
    actor_id: int | None,
    action: str,
    object_type: str,
    object_id: Any = None,
    unit_path: str | None = None,
    before: dict[str, Any] | None = None,
    after: dict[str, Any] | None = None,
) -> None:
    """Add an audit event to the current transaction (so it commits with the write)."""
    session.add(
        AuditEvent(
            actor_id=actor_id,
            action=action,
            object_type=object_type,
            object_id=None if object_id is None else str(object_id),
            unit_path=unit_path,
            before=_jsonable(before) if before is not None else None,
            after=_jsonable(after) if after is not None else None,
            request_id=context.request_id.get(),
            ip=context.client_ip.get(),
        )
    )


def record_view(**kwargs: Any) -> None:
    """Audit a read (who looked at whose data) in its own short write transaction.

    Reads run without the write lock on SQLite; upgrading their snapshot to a writer can
    fail under load, so the view is recorded beside the request instead of inside it.
    """
    from api.db import side_session, write_intent

    token = write_intent.set(True)
    try:
        with side_session() as own:  # not the request's pool: see get_side_engine
            record(own, **kwargs)
            own.commit()
    finally:
        write_intent.reset(token)


def list_events(
    session: Session, *, paths: list[str], before_id: int | None, limit: int
) -> list[AuditEvent]:
    """Events of units under `paths`, newest first, keyset-paginated by id."""
    stmt = select(AuditEvent).where(in_any_subtree(AuditEvent.unit_path, paths))
    if before_id is not None:
        stmt = stmt.where(col(AuditEvent.id) < before_id)
    stmt = stmt.order_by(col(AuditEvent.id).desc()).limit(limit)
    return list(session.exec(stmt))
