"""The day-before reminder: every invited member who has not excused themself.

Marked per meeting by the start time it was sent for, so a new time re-arms it; the
outbox's dedupe key makes a second run (or a second worker) send nothing more.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import or_
from sqlmodel import Session, col, select

from api.db import utcnow
from api.meetings.models import Meeting, MeetingAttendee
from api.meetings.notify import notify
from api.meetings.states import MeetingState

DAY_BEFORE = dt.timedelta(hours=24)


def send_day_before(session: Session, now: dt.datetime | None = None) -> int:
    """Remind the members of published meetings starting within a day; returns how many."""
    now = now or utcnow()
    meetings = list(
        session.exec(
            select(Meeting)
            .where(
                Meeting.state == MeetingState.planned,
                col(Meeting.published_at).is_not(None),
                col(Meeting.starts_at) > now,
                col(Meeting.starts_at) <= now + DAY_BEFORE,
                or_(
                    col(Meeting.reminder_sent_for).is_(None),
                    col(Meeting.reminder_sent_for) != col(Meeting.starts_at),
                ),
            )
            .order_by(col(Meeting.id))
            .limit(500)
            .with_for_update(skip_locked=True)
        )
    )
    for m in meetings:
        people = session.exec(
            select(MeetingAttendee.user_id).where(
                MeetingAttendee.meeting_id == m.id,
                or_(col(MeetingAttendee.reply).is_(None), col(MeetingAttendee.reply) != "excused"),
            )
        )
        notify(
            session,
            event="reminder",
            meeting=m,
            user_ids=list(people),
            actor_id=None,
            dedupe_key=f"mtg:{m.id}:reminder:{int(m.starts_at.timestamp())}",
            category="reminders",
        )
        m.reminder_sent_for = m.starts_at
        session.add(m)
    return len(meetings)
