"""Background work of meetings: day-before reminders and regular monthly meetings.

Both are safe to run twice or on several workers at once (marks, dedupe keys, unique keys).
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from api.meetings import recurrence, reminders
from api.tasks import periodic

log = logging.getLogger("sotay.meetings")


@periodic("meetings.reminders", every_seconds=300)
def reminders_job(session: Session) -> None:
    """Every five minutes: remind members of meetings starting within a day."""
    n = reminders.send_day_before(session)
    if n:
        log.info("meeting reminders enqueued", extra={"count": n})


@periodic("meetings.schedules", every_seconds=3600)
def schedules_job(session: Session) -> None:
    """Hourly: create the monthly meetings whose time has come."""
    n = recurrence.run_schedules(session)
    if n:
        log.info("regular meetings created", extra={"count": n})
