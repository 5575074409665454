"""Periodic upkeep of the request machinery."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import delete
from sqlmodel import Session, col

from api.config import get_settings
from api.db import utcnow
from api.ops.models import IdempotencyRecord
from api.tasks import periodic


@periodic("ops.purge_idempotency", every_seconds=3600)
def purge_idempotency(session: Session) -> None:
    """Stored answers past their time to live: a replay that late is a new request."""
    cutoff = utcnow() - dt.timedelta(seconds=get_settings().idempotency_ttl_seconds)
    session.execute(delete(IdempotencyRecord).where(col(IdempotencyRecord.created_at) < cutoff))
