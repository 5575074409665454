"""Regular monthly meetings: a schedule that creates each month's meeting by itself.

The schedule keeps the first meeting's start (the anchor): each month repeats its day
(clamped to short months) and local time. Each month's meeting is created `lead_days`
ahead by a periodic job, as a planned meeting the leaders can still edit and then publish.
`(series_id, period_key)` is unique, so two workers or a retried job make one meeting.
"""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, ValidationFailed
from api.meetings.models import Meeting, MeetingSeries
from api.meetings.schemas import SeriesPublic
from api.org.models import OrgUnit
from api.schedules import add_months, first_after, list_cell_series, stop_cell_series
from api.text import VN_TZ

if TYPE_CHECKING:
    from api.meetings.schemas import MeetingCreate


def period_due(series: MeetingSeries, k: int) -> dt.datetime:
    """The start (UTC) of the series' k-th month (0 is the anchor)."""
    return add_months(series.anchor_starts_at.astimezone(VN_TZ), k).astimezone(dt.UTC)


def period_key(starts_at: dt.datetime) -> str:
    """The month a meeting belongs to, in Vietnam: 2026-12."""
    local = starts_at.astimezone(VN_TZ)
    return f"{local.year}-{local.month:02d}"


def next_period(series: MeetingSeries, now: dt.datetime) -> tuple[int, dt.datetime] | None:
    """The first month whose meeting starts after `now`, or None past `until`."""
    a, n = series.anchor_starts_at.astimezone(VN_TZ), now.astimezone(VN_TZ)
    k = max(0, (n.year - a.year) * 12 + n.month - a.month - 1)
    return first_after(lambda i: period_due(series, i), k, now, series.until)


def create_series(
    session: Session,
    *,
    cell: OrgUnit,
    actor_id: int,
    data: MeetingCreate,
    document_ids: list[int],
) -> MeetingSeries:
    """The schedule behind a regular meeting; its first month is `data.starts_at`."""
    rec = data.recurrence
    assert rec is not None
    if rec.until is not None and rec.until < data.starts_at.astimezone(VN_TZ).date():
        raise ValidationFailed(errors=[FieldError("recurrence.until", "meeting.field.until")])
    series = MeetingSeries(
        cell_id=cell.id,  # type: ignore[arg-type]
        title=data.title,
        place=data.place,
        online_url=data.online_url,
        agenda=data.agenda,
        anchor_starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        lead_days=rec.lead_days,
        until=rec.until,
        document_ids=list(document_ids),
        created_by=actor_id,
    )
    series.next_run_at = period_due(series, 1) - dt.timedelta(days=rec.lead_days)
    session.add(series)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="meeting_series.create",
        object_type="meeting_series",
        object_id=series.id,
        unit_path=cell.path,
        after=audit.snapshot(series, ["cell_id", "title", "lead_days", "until"]),
    )
    return series


def create_period(session: Session, series: MeetingSeries, now: dt.datetime) -> Meeting | None:
    """Create the next month's meeting when its time has come; note when to look again."""
    upcoming = next_period(series, now)
    if upcoming is None:
        series.active, series.next_run_at = False, None
        session.add(series)
        return None
    k, start = upcoming
    lead = dt.timedelta(days=series.lead_days)
    if start - lead > now:
        series.next_run_at = start - lead
        session.add(series)
        return None
    key = period_key(start)
    exists = session.exec(
        select(Meeting.id).where(Meeting.series_id == series.id, Meeting.period_key == key)
    ).first()
    made = None
    if exists is None:
        made = _create(session, series, start, key, now)
    series.next_run_at = period_due(series, k + 1) - lead
    session.add(series)
    return made


def _create(
    session: Session, series: MeetingSeries, start: dt.datetime, key: str, now: dt.datetime
) -> Meeting | None:
    from api.meetings import service
    from api.meetings.schemas import MeetingCreate

    cell = session.get(OrgUnit, series.cell_id)
    if cell is None:
        return None
    data = MeetingCreate.model_construct(
        cell_id=series.cell_id,
        title=series.title,
        kind="regular",
        starts_at=start,
        duration_minutes=series.duration_minutes,
        place=series.place,
        online_url=series.online_url,
        agenda=series.agenda,
    )
    try:
        with session.begin_nested():
            return service.plan(
                session,
                cell=cell,
                actor_id=None,
                created_by=series.created_by,
                data=data,
                document_ids=series.document_ids,
                set_ids=[],
                series_id=series.id,
                period_key=key,
                now=now,
            )
    except IntegrityError:
        return None  # another worker made this month's meeting first


def run_schedules(session: Session, now: dt.datetime | None = None) -> int:
    """Create every due month's meeting of every active schedule; returns how many."""
    now = now or utcnow()
    made, last_id = 0, 0
    while True:
        batch = list(
            session.exec(
                select(MeetingSeries)
                .where(
                    col(MeetingSeries.active).is_(True),
                    col(MeetingSeries.next_run_at) <= now,
                    col(MeetingSeries.id) > last_id,
                )
                .order_by(col(MeetingSeries.id))
                .limit(200)
            )
        )
        if not batch:
            return made
        for series in batch:
            made += create_period(session, series, now) is not None
        last_id = batch[-1].id or 0


def series_public(series: MeetingSeries, now: dt.datetime | None = None) -> SeriesPublic:
    """A schedule with its next start (none once stopped or past its end)."""
    upcoming = next_period(series, now or utcnow()) if series.active else None
    return SeriesPublic(
        id=series.id,  # type: ignore[arg-type]
        cell_id=series.cell_id,
        title=series.title,
        lead_days=series.lead_days,
        until=series.until,
        active=series.active,
        anchor_starts_at=series.anchor_starts_at,
        next_starts_at=upcoming[1] if upcoming else None,
    )


def list_series(session: Session, principal: Principal, cell_id: int) -> list[MeetingSeries]:
    """A cell's meeting schedules, active first, for its followers."""
    return list_cell_series(session, principal, MeetingSeries, cell_id, "meeting.follow")


def stop_series(session: Session, principal: Principal, series_id: int) -> MeetingSeries:
    """Leaders stop a schedule; meetings it already made stay."""
    return stop_cell_series(
        session,
        principal,
        MeetingSeries,
        series_id,
        follow="meeting.follow",
        manage="meeting.manage",
        object_type="meeting_series",
    )
