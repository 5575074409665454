"""What the assignment and meeting schedules share: month arithmetic in Vietnam time, the
scan for the next period, and a cell's series listed and stopped through one authorization
path. Each domain keeps its own model, period keys and what a period creates.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from sqlmodel import Session, col, select

from api.audit import service as audit
from api.authz import Principal, authorize
from api.db import utcnow
from api.errors import NotFound
from api.members import service as members
from api.org.models import OrgUnit
from api.text import VN_TZ

S = TypeVar("S")


def add_months(local: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` later, the day clamped to short months (31 → 28)."""
    years, month0 = divmod(local.month - 1 + months, 12)
    year, month = local.year + years, month0 + 1
    return local.replace(
        year=year, month=month, day=min(local.day, calendar.monthrange(year, month)[1])
    )


def first_after(
    due_of: Callable[[int], dt.datetime], k: int, now: dt.datetime, until: dt.date | None
) -> tuple[int, dt.datetime] | None:
    """From a period index `k` at or before `now`, the first period after `now` (index and
    time), or None when it falls past `until` (a Vietnam date)."""
    due = due_of(k)
    while due <= now:
        k += 1
        due = due_of(k)
    if until is not None and due.astimezone(VN_TZ).date() > until:
        return None
    return k, due


def list_cell_series(
    session: Session, principal: Principal, model: type[S], cell_id: int, follow: str
) -> list[S]:
    """A cell's schedules, active first, for those allowed to `follow` the cell."""
    cell = members.cell_of(session, cell_id, principal)
    authorize(principal, follow, cell.path)
    m: Any = model
    return list(
        session.exec(
            select(model)
            .where(m.cell_id == cell.id)
            .order_by(col(m.active).desc(), col(m.id).desc())
            .limit(200)
        )
    )


def stop_cell_series(
    session: Session,
    principal: Principal,
    model: type[S],
    series_id: int,
    *,
    follow: str,
    manage: str,
    object_type: str,
) -> S:
    """Leaders stop a schedule (what it already made stays); out of reach answers 404."""
    m: Any = model
    row = session.exec(
        select(model, OrgUnit.path)
        .join(OrgUnit, col(OrgUnit.id) == m.cell_id)
        .where(col(m.id) == series_id)
    ).first()
    if row is None or not principal.may(follow, row[1]):
        raise NotFound()
    series, path = row
    authorize(principal, manage, path)
    s: Any = series
    if s.active:
        s.active, s.stopped_at = False, utcnow()
        session.add(series)
        audit.record(
            session,
            actor_id=principal.user_id,
            action=f"{object_type}.stop",
            object_type=object_type,
            object_id=s.id,
            unit_path=path,
            before={"active": True},
            after={"active": False},
        )
    return series  # type: ignore[no-any-return]
