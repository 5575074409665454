"""Assignment completion counted in SQL: one GROUP BY per question, over materialized paths.

Units and months read the per-assignment roll-ups (`assignment_tallies`); one cell's members
and one member read the records themselves. A record is counted by its assignment's cell
(where the task was given), whatever the assignee's cell is today, and by its assignment's
due time (see api.dashboards.period).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy import ColumnElement, String, and_, case, func, literal, select
from sqlalchemy.orm import aliased
from sqlmodel import Session, col

from api.assignments.models import Assignment, AssignmentRecord
from api.assignments.states import OPEN, State
from api.authz import subtree_clause
from api.dashboards.models import AssignmentTally
from api.dashboards.period import Month, Period
from api.dashboards.schemas import Totals
from api.org.models import OrgUnit

STATES = [s.value for s in State]


def rate(part: int, whole: int) -> float | None:
    """part/whole rounded to 4 decimals; None when there is nothing to divide."""
    return round(part / whole, 4) if whole else None


def path_upper(path_column: Any) -> Any:
    """SQL for the exclusive upper bound of a subtree: '/1/5/' → '/1/50' (see subtree_clause)."""
    return func.substr(path_column, 1, func.length(path_column) - 1, type_=String()).concat("0")


def in_subtree_of(path_column: Any, root_path_column: Any) -> ColumnElement[bool]:
    """`path_column` lies under the unit whose path is the column `root_path_column`."""
    return and_(path_column >= root_path_column, path_column < path_upper(root_path_column))


def child_path(session: Session, path_column: Any, unit: OrgUnit) -> Any:
    """SQL: the path of `unit`'s child whose subtree holds `path_column` ('/1/2/7/9/' under
    '/1/2/' → '/1/2/7/'), or the unit's own path for the unit itself."""
    n = len(unit.path)
    rest = func.substr(path_column, n + 1, type_=String())
    postgres = session.get_bind().dialect.name == "postgresql"
    slash = func.strpos(rest, "/") if postgres else func.instr(rest, "/")
    return func.substr(path_column, 1, n + slash, type_=String())


def _count(cond: ColumnElement[bool]) -> Any:
    return func.count(case((cond, 1)))


def aggregates(now: dt.datetime) -> list[Any]:
    """The labelled COUNT columns of a group of records (joined with their assignments)."""
    state = col(AssignmentRecord.state)
    approved = state == State.approved.value
    open_ = state.in_(sorted(OPEN))
    return [
        func.count().label("records"),
        _count(and_(approved, col(AssignmentRecord.submitted_at) > col(Assignment.due_at))).label(
            "late"
        ),
        _count(and_(open_, col(Assignment.due_at) < now)).label("overdue"),
        *[_count(state == s).label(s) for s in STATES],
    ]


def totals_from(row: Any) -> Totals:
    """Totals from one row of `aggregates` (or an all-zero group when row is None)."""
    m = row._mapping if row is not None else {}
    by_state = {s: int(m.get(s, 0)) for s in STATES}
    return make_totals(
        int(m.get("records", 0)), int(m.get("late", 0)), int(m.get("overdue", 0)), by_state
    )


def make_totals(records: int, late: int, overdue: int, by_state: dict[str, int]) -> Totals:
    """Totals with the derived numbers (open, on time, rates) computed from the counts."""
    approved = by_state[State.approved]
    cancelled = by_state[State.cancelled]
    return Totals(
        assigned_records=records,
        approved=approved,
        approved_on_time=approved - late,
        approved_late=late,
        overdue=overdue,
        open=sum(by_state[s] for s in OPEN),
        cancelled=cancelled,
        completion_rate=rate(approved, records - cancelled),
        on_time_rate=rate(approved - late, approved),
        by_state=by_state,
    )


def add(parts: Iterable[Totals]) -> Totals:
    """The totals of disjoint groups added up."""
    parts = list(parts)
    by_state = {s: sum(p.by_state.get(s, 0) for p in parts) for s in STATES}
    return make_totals(
        sum(p.assigned_records for p in parts),
        sum(p.approved_late for p in parts),
        sum(p.overdue for p in parts),
        by_state,
    )


def _in_period(period: Period, due: Any = None) -> list[ColumnElement[bool]]:
    due = col(Assignment.due_at) if due is None else due
    return [due >= period.start, due < period.end]


# --- from the roll-ups (one row per assignment; see api.dashboards.models) ---------------


def tally_sums(now: dt.datetime) -> list[Any]:
    """The labelled SUM columns of a group of assignment tallies (the same labels as records)."""
    open_ = sum((col(getattr(AssignmentTally, s)) for s in sorted(OPEN)), start=literal(0))
    due = col(AssignmentTally.due_at)
    return [
        func.coalesce(func.sum(col(AssignmentTally.records)), 0).label("records"),
        func.coalesce(func.sum(col(AssignmentTally.approved_late)), 0).label("late"),
        func.coalesce(func.sum(case((due < now, open_), else_=0)), 0).label("overdue"),
        *[func.coalesce(func.sum(col(getattr(AssignmentTally, s))), 0).label(s) for s in STATES],
    ]


def by_child(
    session: Session, unit: OrgUnit, period: Period, now: dt.datetime
) -> dict[int, Totals]:
    """Totals for each direct child of `unit` over its subtree: one grouped query.

    Each child's cells are one range scan of the path index; their tallies in the period are
    read by (cell_id, due_at), or for a large subtree by due time and hash-joined.
    """
    child, cell = aliased(OrgUnit), aliased(OrgUnit)
    stmt = (
        select(col(child.id), *tally_sums(now))
        .select_from(child)
        .join(cell, in_subtree_of(col(cell.path), col(child.path)))
        .join(AssignmentTally, col(AssignmentTally.cell_id) == col(cell.id))
        .where(col(child.parent_id) == unit.id, *_in_period(period, col(AssignmentTally.due_at)))
        .group_by(col(child.id))
    )
    return {int(row[0]): totals_from(row) for row in session.execute(stmt)}


def own(session: Session, unit: OrgUnit, period: Period, now: dt.datetime) -> Totals:
    """Totals of the assignments given at `unit` itself (a cell's own tasks)."""
    stmt = select(*tally_sums(now)).where(
        col(AssignmentTally.cell_id) == unit.id,
        *_in_period(period, col(AssignmentTally.due_at)),
    )
    return totals_from(session.execute(stmt).first())


def by_month(
    session: Session, unit: OrgUnit, months: Sequence[Month], now: dt.datetime
) -> dict[str, Totals]:
    """Totals of the unit's subtree for each month: one grouped query.

    The month of a due time is picked by comparing it with the months' UTC bounds (computed
    in Asia/Ho_Chi_Minh), so both databases agree without their own time-zone functions.
    """
    if not months:
        return {}
    due = col(AssignmentTally.due_at)
    bucket = case(*[(due < m.end, m.key) for m in months[:-1]], else_=months[-1].key)
    stmt = (
        select(bucket.label("month"), *tally_sums(now))
        .select_from(AssignmentTally)
        .join(OrgUnit, col(OrgUnit.id) == col(AssignmentTally.cell_id))
        .where(subtree_clause(col(OrgUnit.path), unit.path))
        .where(due >= months[0].start, due < months[-1].end)
        .group_by(bucket)
    )
    return {str(row[0]): totals_from(row) for row in session.execute(stmt)}


# --- from the records themselves (one cell or one member: few rows) ----------------------


def by_member(
    session: Session, unit: OrgUnit, period: Period, now: dt.datetime
) -> dict[int, Totals]:
    """Totals per assignee of the assignments given at `unit` (a cell)."""
    stmt = (
        select(col(AssignmentRecord.assignee_id), *aggregates(now))
        .select_from(Assignment)
        .join(AssignmentRecord, col(AssignmentRecord.assignment_id) == col(Assignment.id))
        .where(col(Assignment.cell_id) == unit.id, *_in_period(period))
        .group_by(col(AssignmentRecord.assignee_id))
    )
    return {int(row[0]): totals_from(row) for row in session.execute(stmt)}


def member_totals(
    session: Session, unit: OrgUnit, user_id: int, period: Period, now: dt.datetime
) -> Totals:
    """One member's totals over the assignments of `unit`'s subtree."""
    stmt = (
        select(*aggregates(now))
        .select_from(Assignment)
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.cell_id))
        .join(AssignmentRecord, col(AssignmentRecord.assignment_id) == col(Assignment.id))
        .where(subtree_clause(col(OrgUnit.path), unit.path), *_in_period(period))
        .where(col(AssignmentRecord.assignee_id) == user_id)
    )
    return totals_from(session.execute(stmt).first())


def member_records(
    session: Session, unit: OrgUnit, user_id: int, period: Period, limit: int
) -> list[tuple[AssignmentRecord, Assignment, OrgUnit]]:
    """A member's records in the period under `unit`, latest due first (at most `limit`)."""
    stmt = (
        select(AssignmentRecord, Assignment, OrgUnit)
        .join(Assignment, col(Assignment.id) == col(AssignmentRecord.assignment_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.cell_id))
        .where(subtree_clause(col(OrgUnit.path), unit.path), *_in_period(period))
        .where(col(AssignmentRecord.assignee_id) == user_id)
        .order_by(col(Assignment.due_at).desc(), col(Assignment.id).desc())
        .limit(limit)
    )
    return [(r, a, u) for r, a, u in session.execute(stmt)]


def has_records_under(session: Session, unit: OrgUnit, user_id: int) -> bool:
    """Whether the member was ever given a task by a cell of `unit`'s subtree."""
    stmt = (
        select(col(AssignmentRecord.id))
        .join(Assignment, col(Assignment.id) == col(AssignmentRecord.assignment_id))
        .join(OrgUnit, col(OrgUnit.id) == col(Assignment.cell_id))
        .where(subtree_clause(col(OrgUnit.path), unit.path))
        .where(col(AssignmentRecord.assignee_id) == user_id)
        .limit(1)
    )
    return session.execute(stmt).first() is not None
