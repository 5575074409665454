"""Reading the audit trail (administrators, their subtree only)."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.audit import service
from api.audit.models import AuditEventPublic
from api.authz import authorize
from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep
from api.org import service as org
from api.pagination import Page, decode_cursor, encode_cursor
from api.types import MAX_ID

router = APIRouter(tags=["audit"])


@router.get("/audit-events", response_model=Page[AuditEventPublic])
def list_audit_events(
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: LimitDep,
    unit_id: Annotated[int, Query(ge=1, le=MAX_ID)],
    cursor: CursorQuery = None,
) -> Page[AuditEventPublic]:
    """Writes recorded for the unit's subtree, newest first."""
    unit = org.visible_unit(session, principal, unit_id)
    authorize(principal, "audit.read", unit.path)
    after = decode_cursor(cursor, 1)
    rows = service.list_events(
        session, paths=[unit.path], before_id=int(after[0] or 0) if after else None, limit=limit + 1
    )
    next_cursor = encode_cursor([rows[limit - 1].id]) if len(rows) > limit else None
    return Page(
        items=[AuditEventPublic.model_validate(r, from_attributes=True) for r in rows[:limit]],
        next_cursor=next_cursor,
    )
