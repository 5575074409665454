"""Cell meetings counted for the dashboards: held versus planned, attendance, absences.

Units and months read the meetings themselves (one row per meeting, about one per cell per
month) with their attendance counters, which the meetings domain recounts from the attendee
rows under the meeting's lock on every change; a cell's members are counted from the
attendee rows directly. A meeting belongs to the period its start falls in.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.authz import subtree_clause
from api.dashboards.counts import in_subtree_of, rate
from api.dashboards.period import Month, Period
from api.dashboards.schemas import Totals
from api.meetings.models import Meeting, MeetingAttendee
from api.org.models import OrgUnit

HELD = ("held", "minutes_approved")
FIELDS = (
    "meetings_planned",
    "meetings_held",
    "meetings_cancelled",
    "attendance_expected",
    "attendance_present",
    "attendance_late",
    "absent_excused",
    "absent_unexcused",
)


def _sum_if(cond: ColumnElement[bool], value: Any) -> Any:
    return func.coalesce(func.sum(case((cond, value), else_=0)), 0)


def _sums() -> list[Any]:
    held = col(Meeting.state).in_(HELD)
    return [
        func.count().label("meetings_planned"),
        _sum_if(held, 1).label("meetings_held"),
        _sum_if(col(Meeting.state) == "cancelled", 1).label("meetings_cancelled"),
        _sum_if(held, col(Meeting.n_invited)).label("attendance_expected"),
        _sum_if(held, col(Meeting.n_present)).label("attendance_present"),
        _sum_if(held, col(Meeting.n_late)).label("attendance_late"),
        _sum_if(held, col(Meeting.n_excused)).label("absent_excused"),
    ]


def _published_in(period_start: Any, period_end: Any) -> list[ColumnElement[bool]]:
    """Planned meetings of the period: those published, and every month a schedule made even
    if its leaders never published it — a cell whose monthly meeting stays a draft must
    show as planned and not held, not vanish from the committee's count."""
    starts = col(Meeting.starts_at)
    planned = or_(col(Meeting.published_at).is_not(None), col(Meeting.series_id).is_not(None))
    return [planned, starts >= period_start, starts < period_end]


def numbers(row: Any) -> dict[str, int]:
    """The meeting fields from one grouped row (all zero for None)."""
    m = row._mapping if row is not None else {}
    out = {f: int(m.get(f, 0) or 0) for f in FIELDS if f != "absent_unexcused"}
    out["absent_unexcused"] = (
        out["attendance_expected"] - out["attendance_present"] - out["absent_excused"]
    )
    return out


def add(parts: Iterable[dict[str, int]]) -> dict[str, int]:
    """Disjoint groups added up."""
    parts = list(parts)
    return {f: sum(p.get(f, 0) for p in parts) for f in FIELDS}


def fill(totals: Totals, values: dict[str, int]) -> Totals:
    """`totals` with the meeting numbers and the attendance rate set."""
    for f in FIELDS:
        setattr(totals, f, int(values.get(f, 0)))
    totals.attendance_rate = rate(totals.attendance_present, totals.attendance_expected)
    return totals


def by_child(session: Session, unit: OrgUnit, period: Period) -> dict[int, dict[str, int]]:
    """Meeting numbers for each direct child of `unit` over its subtree: one grouped query."""
    child, cell = aliased(OrgUnit), aliased(OrgUnit)
    stmt = (
        select(col(child.id), *_sums())
        .select_from(child)
        .join(cell, in_subtree_of(col(cell.path), col(child.path)))
        .join(Meeting, col(Meeting.cell_id) == col(cell.id))
        .where(col(child.parent_id) == unit.id, *_published_in(period.start, period.end))
        .group_by(col(child.id))
    )
    return {int(row[0]): numbers(row) for row in session.execute(stmt)}


def own(session: Session, unit: OrgUnit, period: Period) -> dict[str, int]:
    """Meeting numbers of the unit itself (a cell's own meetings)."""
    stmt = select(*_sums()).where(
        col(Meeting.cell_id) == unit.id, *_published_in(period.start, period.end)
    )
    return numbers(session.execute(stmt).first())


def by_month(session: Session, unit: OrgUnit, months: Sequence[Month]) -> dict[str, dict[str, int]]:
    """Meeting numbers of the unit's subtree for each month: one grouped query."""
    if not months:
        return {}
    starts = col(Meeting.starts_at)
    bucket = case(*[(starts < m.end, m.key) for m in months[:-1]], else_=months[-1].key)
    stmt = (
        select(bucket.label("month"), *_sums())
        .select_from(Meeting)
        .join(OrgUnit, col(OrgUnit.id) == col(Meeting.cell_id))
        .where(subtree_clause(col(OrgUnit.path), unit.path))
        .where(*_published_in(months[0].start, months[-1].end))
        .group_by(bucket)
    )
    return {str(row[0]): numbers(row) for row in session.execute(stmt)}


def _member_sums() -> list[Any]:
    held = col(Meeting.state).in_(HELD)
    present = col(MeetingAttendee.present).is_(True)
    absent = or_(col(MeetingAttendee.present).is_(None), col(MeetingAttendee.present).is_(False))
    excused = and_(held, absent, col(MeetingAttendee.reply) == "excused")
    return [
        func.count().label("meetings_planned"),
        _sum_if(held, 1).label("meetings_held"),
        _sum_if(col(Meeting.state) == "cancelled", 1).label("meetings_cancelled"),
        _sum_if(held, 1).label("attendance_expected"),
        _sum_if(and_(held, present), 1).label("attendance_present"),
        _sum_if(and_(held, present, col(MeetingAttendee.late).is_(True)), 1).label(
            "attendance_late"
        ),
        _sum_if(excused, 1).label("absent_excused"),
    ]


def by_member(session: Session, unit: OrgUnit, period: Period) -> dict[int, dict[str, int]]:
    """Per invited member, over the meetings of `unit` (a cell): from the attendee rows."""
    stmt = (
        select(col(MeetingAttendee.user_id), *_member_sums())
        .select_from(Meeting)
        .join(MeetingAttendee, col(MeetingAttendee.meeting_id) == col(Meeting.id))
        .where(col(Meeting.cell_id) == unit.id, *_published_in(period.start, period.end))
        .group_by(col(MeetingAttendee.user_id))
    )
    return {int(row[0]): numbers(row) for row in session.execute(stmt)}


def member_totals(session: Session, unit: OrgUnit, user_id: int, period: Period) -> dict[str, int]:
    """One member's meeting numbers over the meetings of `unit`'s subtree."""
    stmt = (
        select(*_member_sums())
        .select_from(Meeting)
        .join(OrgUnit, col(OrgUnit.id) == col(Meeting.cell_id))
        .join(MeetingAttendee, col(MeetingAttendee.meeting_id) == col(Meeting.id))
        .where(subtree_clause(col(OrgUnit.path), unit.path))
        .where(col(MeetingAttendee.user_id) == user_id, *_published_in(period.start, period.end))
    )
    return numbers(session.execute(stmt).first())
