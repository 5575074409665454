"""`GET /sync?since=`: the device's delta feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentPrincipal, SessionDep
from api.sync import service
from api.sync.service import SyncOut

router = APIRouter(tags=["sync"])


@router.get("/sync", response_model=SyncOut)
def sync(
    session: SessionDep,
    principal: CurrentPrincipal,
    since: Annotated[str | None, Query(max_length=200)] = None,
) -> SyncOut:
    """Everything that changed for the caller since the cursor, and the next cursor."""
    return service.sync(session, principal, since)
