"""Periodic upkeep of the delta feed."""

from __future__ import annotations

from sqlalchemy import delete
from sqlmodel import Session, col

from api.db import utcnow
from api.sync.models import KEEP, SyncRemoval
from api.tasks import periodic


@periodic("sync.purge_removals", every_seconds=86400)
def purge_removals(session: Session) -> None:
    """Forget tombstones older than any cursor the feed still accepts as a delta."""
    session.execute(delete(SyncRemoval).where(col(SyncRemoval.removed_at) < utcnow() - KEEP))
