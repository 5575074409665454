"""The dashboards recounted in plain Python from every raw row: the property test's oracle.

Deliberately naive and independent of api.dashboards: it walks the rows one by one, follows
parent ids instead of path ranges, and converts times to Vietnam time with zoneinfo.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import text

from api.db import new_session
from api.text import VN_TZ

OPEN = {"assigned", "in_progress", "submitted", "returned"}
STATES = ["assigned", "in_progress", "submitted", "approved", "returned", "cancelled"]


def _utc(value: Any) -> dt.datetime | None:
    """A time read with plain SQL (a string on SQLite) as an aware UTC datetime."""
    if value is None:
        return None
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value.astimezone(dt.UTC)


@dataclass
class Raw:
    """Every row the dashboards count, as plain dicts."""

    units: dict[int, dict[str, Any]] = field(default_factory=dict)
    users: dict[int, dict[str, Any]] = field(default_factory=dict)
    assignments: dict[int, dict[str, Any]] = field(default_factory=dict)
    records: list[dict[str, Any]] = field(default_factory=list)
    documents: dict[int, dict[str, Any]] = field(default_factory=dict)
    audience: list[dict[str, Any]] = field(default_factory=list)
    receipts: list[dict[str, Any]] = field(default_factory=list)
    meetings: dict[int, dict[str, Any]] = field(default_factory=dict)
    attendees: list[dict[str, Any]] = field(default_factory=list)

    def under(self, unit_id: int, ancestor_id: int) -> bool:
        """Whether `unit_id` is `ancestor_id` or below it, by following parent ids."""
        current: int | None = unit_id
        while current is not None:
            if current == ancestor_id:
                return True
            current = self.units[current]["parent_id"]
        return False

    def children(self, unit_id: int) -> list[int]:
        return [u for u, row in self.units.items() if row["parent_id"] == unit_id]


def load() -> Raw:
    """Read the tables with plain SQL."""
    raw = Raw()
    with new_session() as s:

        def rows(sql: str) -> list[dict[str, Any]]:
            return [dict(r._mapping) for r in s.execute(text(sql))]

        raw.units = {r["id"]: r for r in rows("SELECT id, parent_id, kind FROM org_units")}
        raw.users = {r["id"]: r for r in rows("SELECT id, cell_id, is_active FROM users")}
        raw.assignments = {
            r["id"]: r | {"due_at": _utc(r["due_at"])}
            for r in rows("SELECT id, cell_id, due_at FROM assignments")
        }
        raw.records = [
            r | {"submitted_at": _utc(r["submitted_at"])}
            for r in rows(
                "SELECT assignment_id, assignee_id, state, submitted_at FROM assignment_records"
            )
        ]
        raw.documents = {r["id"]: r for r in rows("SELECT id, status, version FROM documents")}
        raw.audience = rows("SELECT document_id, unit_id FROM document_audience")
        raw.receipts = rows(
            "SELECT document_id, user_id, version, first_opened_at, acknowledged_at"
            " FROM document_receipts"
        )
        # The attendee rows themselves, not the meetings' counters: those are what is checked.
        raw.meetings = {
            r["id"]: r | {"starts_at": _utc(r["starts_at"])}
            for r in rows(
                "SELECT id, cell_id, starts_at, state, published_at, series_id FROM meetings"
            )
        }
        raw.attendees = rows(
            "SELECT meeting_id, user_id, reply, present, late FROM meeting_attendees"
        )
    return raw


HELD = {"held", "minutes_approved"}


def planned(meeting: dict[str, Any]) -> bool:
    """Published, or made by a schedule (a draft the leaders never published still counts)."""
    return meeting["published_at"] is not None or meeting["series_id"] is not None


def meeting_totals(raw: Raw, meeting_ids: list[int], user_id: int | None = None) -> dict[str, Any]:
    """Meeting numbers of these meetings (for one invited member, with `user_id`)."""
    ids = [m for m in meeting_ids if planned(raw.meetings[m])]
    rows = [
        a for a in raw.attendees
        if a["meeting_id"] in ids and (user_id is None or a["user_id"] == user_id)
    ]  # fmt: skip
    if user_id is not None:
        ids = [a["meeting_id"] for a in rows]  # the meetings the member was invited to
    held = [a for a in rows if raw.meetings[a["meeting_id"]]["state"] in HELD]
    present = [a for a in held if a["present"]]
    excused = [a for a in held if not a["present"] and a["reply"] == "excused"]
    expected = len(held)
    return {
        "meetings_planned": len(ids),
        "meetings_held": sum(1 for m in ids if raw.meetings[m]["state"] in HELD),
        "meetings_cancelled": sum(1 for m in ids if raw.meetings[m]["state"] == "cancelled"),
        "attendance_expected": expected,
        "attendance_present": len(present),
        "attendance_late": sum(1 for a in present if a["late"]),
        "absent_excused": len(excused),
        "absent_unexcused": expected - len(present) - len(excused),
        "attendance_rate": round(len(present) / expected, 4) if expected else None,
    }


def meetings_under(raw: Raw, unit_id: int, start: dt.datetime, end: dt.datetime) -> list[int]:
    """Meetings of cells under the unit starting in [start, end)."""
    return [
        i for i, m in raw.meetings.items()
        if raw.under(m["cell_id"], unit_id) and start <= m["starts_at"] < end
    ]  # fmt: skip


def totals(records: list[dict[str, Any]], raw: Raw, now: dt.datetime) -> dict[str, Any]:
    """The dashboard's totals of these records, straight from the definitions."""
    by_state = {s: 0 for s in STATES}
    late = overdue = 0
    for r in records:
        due = raw.assignments[r["assignment_id"]]["due_at"]
        by_state[r["state"]] += 1
        if r["state"] == "approved" and r["submitted_at"] is not None and r["submitted_at"] > due:
            late += 1
        if r["state"] in OPEN and due < now:
            overdue += 1
    n, approved, cancelled = len(records), by_state["approved"], by_state["cancelled"]
    return {
        "assigned_records": n,
        "approved": approved,
        "approved_on_time": approved - late,
        "approved_late": late,
        "overdue": overdue,
        "open": sum(by_state[s] for s in OPEN),
        "cancelled": cancelled,
        "completion_rate": round(approved / (n - cancelled), 4) if n - cancelled else None,
        "on_time_rate": round((approved - late) / approved, 4) if approved else None,
        "by_state": by_state,
    }


def records_under(
    raw: Raw, unit_id: int, start: dt.datetime, end: dt.datetime
) -> list[dict[str, Any]]:
    """Records whose assignment's cell is under the unit and whose due time is in [start, end)."""
    out = []
    for r in raw.records:
        a = raw.assignments[r["assignment_id"]]
        if raw.under(a["cell_id"], unit_id) and start <= a["due_at"] < end:
            out.append(r)
    return out


def month_of(when: dt.datetime) -> str:
    """'2026-11': the calendar month of an instant in Vietnam."""
    return when.astimezone(VN_TZ).strftime("%Y-%m")


def reaches(raw: Raw, doc_id: int, unit_id: int) -> bool:
    """The document is published and addressed above, at or inside the unit."""
    if raw.documents[doc_id]["status"] != "published":
        return False
    return any(
        a["document_id"] == doc_id
        and (raw.under(unit_id, a["unit_id"]) or raw.under(a["unit_id"], unit_id))
        for a in raw.audience
    )


def study(raw: Raw, doc_id: int, unit_id: int) -> tuple[dict[str, Any], set[int], set[int]]:
    """(totals, audience ids, acknowledged ids) of a document at a unit."""
    targets = [a["unit_id"] for a in raw.audience if a["document_id"] == doc_id]
    version = raw.documents[doc_id]["version"]
    audience = {
        uid
        for uid, u in raw.users.items()
        if u["is_active"]
        and u["cell_id"] is not None
        and raw.under(u["cell_id"], unit_id)
        and any(raw.under(u["cell_id"], t) for t in targets)
    }
    current = [
        r for r in raw.receipts
        if r["document_id"] == doc_id and r["version"] == version and r["user_id"] in audience
    ]  # fmt: skip
    read = {r["user_id"] for r in current if r["first_opened_at"] is not None}
    acked = {r["user_id"] for r in current if r["acknowledged_at"] is not None}
    n = len(audience)
    result = {
        "audience": n,
        "read": len(read),
        "acknowledged": len(acked),
        "read_rate": round(len(read) / n, 4) if n else None,
        "acknowledgement_rate": round(len(acked) / n, 4) if n else None,
    }
    return result, audience, acked
