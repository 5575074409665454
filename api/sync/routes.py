"""`GET /sync?since=`: the device's delta feed."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session

from api.authz import Principal
from api.deps import in_one_thread
from api.sync import service
from api.sync.service import SyncOut

router = APIRouter(tags=["sync"])


@router.get("/sync", response_model=SyncOut)
@in_one_thread
def sync(
    session: Session,
    principal: Principal,
    since: Annotated[str | None, Query(max_length=200)] = None,
) -> SyncOut:
    """Everything that changed for the caller since the cursor, and the next cursor."""
    return service.sync(session, principal, since)
