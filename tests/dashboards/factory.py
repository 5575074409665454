"""Raw rows for dashboard tests: assignments due at any time (the service refuses past due
times) with records in any state, written straight into the real tables."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from api.assignments.models import Assignment, AssignmentRecord
from api.db import new_session, utcnow
from api.text import VN_TZ


@dataclass
class Rec:
    """One assignee's record: its state and, for reported ones, when the report came."""

    who: str
    state: str = "assigned"
    submitted: dt.datetime | None = None


def vn(y: int, m: int, d: int, hh: int = 0, mm: int = 0, ss: int = 0) -> dt.datetime:
    """A Vietnam wall-clock time as a UTC instant."""
    return dt.datetime(y, m, d, hh, mm, ss, tzinfo=VN_TZ).astimezone(dt.UTC)


def add_assignment(
    w: Any,
    cell: str,
    due_at: dt.datetime,
    records: Sequence[Rec],
    *,
    by: str = "secretary_a1",
    title: str = "Nộp bản thu hoạch",
) -> int:
    """An assignment of `cell` due at `due_at` with the given records; returns its id."""
    with new_session() as s:
        a = Assignment(cell_id=w.units[cell], title=title, due_at=due_at, created_by=w.users[by])
        s.add(a)
        s.flush()
        now = utcnow()
        for r in records:
            reported = r.state in ("submitted", "approved", "returned")
            submitted = r.submitted or (due_at - dt.timedelta(hours=1) if reported else None)
            s.add(
                AssignmentRecord(
                    assignment_id=a.id,  # type: ignore[arg-type]
                    assignee_id=w.users[r.who],
                    state=r.state,
                    submitted_at=submitted if reported else None,
                    approved_at=now if r.state == "approved" else None,
                    cancelled_at=now if r.state == "cancelled" else None,
                )
            )
        s.commit()
        return int(a.id)  # type: ignore[arg-type]
