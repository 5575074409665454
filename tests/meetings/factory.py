"""Building meetings for tests through the services themselves (no HTTP round trips)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import update

from api.db import new_session, utcnow
from api.meetings import attendance, service
from api.meetings.models import Meeting
from api.meetings.schemas import AttendanceBody, MeetingCreate
from tests.assignments.factory import principal


def make_meeting(
    world: Any,
    *,
    by: str = "secretary_a1",
    cell: str = "A1",
    starts_in: dt.timedelta = dt.timedelta(days=10),
    publish: bool = True,
    **extra: Any,
) -> int:
    """A meeting of `cell` planned by `by`, published (invitations sent) unless told not to."""
    with new_session() as s:
        body = MeetingCreate(
            cell_id=world.units[cell],
            title="Sinh hoạt chi bộ tháng 12",
            starts_at=utcnow() + starts_in,
            place="Nhà văn hóa thôn",
            agenda="1. Kiểm điểm nghị quyết tháng trước\n2. Nhiệm vụ tháng tới",
            publish=publish,
            **extra,
        )
        meeting = service.create(s, principal(s, world, by), body)
        s.commit()
        return meeting.id  # type: ignore[return-value]


def set_start(meeting_id: int, starts_at: dt.datetime) -> None:
    """Move a meeting's start straight in the database (a meeting "now" or in the past)."""
    with new_session() as s:
        s.execute(update(Meeting).where(Meeting.id == meeting_id).values(starts_at=starts_at))  # type: ignore[arg-type]
        s.commit()


def make_held(world: Any, present: tuple[str, ...] = ("member_a1",), **kw: Any) -> int:
    """A published meeting under way, with `present` marked present by the secretary."""
    mid = make_meeting(world, starts_in=dt.timedelta(days=1), **kw)
    set_start(mid, utcnow() - dt.timedelta(minutes=5))
    with new_session() as s:
        p = principal(s, world, "secretary_a1")
        for name in present:
            attendance.mark(s, p, mid, AttendanceBody(user_id=world.users[name], present=True))
        s.commit()
    return mid


def make_meeting_series(world: Any) -> int:
    """A monthly meeting schedule of cell A1; returns its id."""
    mid = make_meeting(world, recurrence={"lead_days": 14})
    with new_session() as s:
        m = s.get(Meeting, mid)
        assert m is not None and m.series_id is not None
        return m.series_id
