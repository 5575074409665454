"""Fixed-window counters in the database, so every API process counts the same hits."""

from __future__ import annotations

import datetime as dt
import math

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, col

from api.db import utcnow
from api.ops.models import RateCounter


def _window(now: dt.datetime, seconds: int) -> dt.datetime:
    epoch = int(now.timestamp()) // seconds * seconds
    return dt.datetime.fromtimestamp(epoch, dt.UTC)


def count(session: Session, key: str, window_seconds: int) -> tuple[int, int]:
    """Hits of `key` in the current window, and seconds until the window ends."""
    now = utcnow()
    start = _window(now, window_seconds)
    hits = session.execute(
        select(col(RateCounter.count)).where(
            col(RateCounter.key) == key,
            col(RateCounter.window_start) == start,
        )
    ).scalar()
    retry = math.ceil((start + dt.timedelta(seconds=window_seconds) - now).total_seconds())
    return int(hits or 0), max(1, retry)


def hit(session: Session, key: str, window_seconds: int) -> int:
    """Count one hit of `key` (an atomic upsert) and return the window's total."""
    start = _window(utcnow(), window_seconds)
    dialect = session.get_bind().dialect.name
    ins = (pg_insert if dialect == "postgresql" else sqlite_insert)(RateCounter)
    upsert = ins.values(key=key, window_start=start, count=1).on_conflict_do_update(
        index_elements=["key", "window_start"], set_={"count": RateCounter.count + 1}
    )
    return int(session.execute(upsert.returning(col(RateCounter.count))).scalar_one())


def reset(session: Session, key: str) -> None:
    """Forget a key's hits (after a successful sign-in)."""
    session.execute(delete(RateCounter).where(RateCounter.key == key))  # type: ignore[arg-type]


def purge(session: Session, older_than: dt.datetime) -> int:
    """Drop windows that ended long ago; returns rows removed."""
    result = session.execute(
        delete(RateCounter).where(RateCounter.window_start < older_than)  # type: ignore[arg-type]
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def total(session: Session) -> int:
    """How many counter rows exist (for metrics)."""
    return int(session.execute(select(func.count()).select_from(RateCounter)).scalar_one())
