"""Background work of assignments: reminders and regular assignments' periods.

Both jobs are safe to run twice or on several workers at once: reminders are marked per
record and deduplicated in the outbox; a period's assignment is unique per schedule.
"""

from __future__ import annotations

import logging

from sqlmodel import Session

from api.assignments import recurrence, reminders
from api.tasks import periodic

log = logging.getLogger("sotay.assignments")


@periodic("assignments.reminders", every_seconds=300)
def reminders_job(session: Session) -> None:
    """Every five minutes: remind members of tasks due soon (24 h) and overdue."""
    n = reminders.send_due_reminders(session)
    if n:
        log.info("assignment reminders enqueued", extra={"count": n})


@periodic("assignments.schedules", every_seconds=3600)
def schedules_job(session: Session) -> None:
    """Hourly: give regular assignments whose period has come."""
    n = recurrence.run_schedules(session)
    if n:
        log.info("regular assignments given", extra={"count": n})
