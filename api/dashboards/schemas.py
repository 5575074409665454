"""Response shapes of the dashboards (read-only: nothing here is accepted from clients)."""

from __future__ import annotations

import datetime as dt

from pydantic import BaseModel, Field

from api.assignments.states import State


class UnitBrief(BaseModel):
    id: int
    name: str
    code: str
    kind: str


class PeriodPublic(BaseModel):
    """The counted period: local days, both included (see api.dashboards.period)."""

    from_date: dt.date
    to_date: dt.date
    label: str


class Totals(BaseModel):
    """Assignee records whose assignment is due in the period, as of `generated_at`.

    `open` = assigned, in progress, submitted or returned; `overdue` ⊆ open (due time passed);
    `approved` = `approved_on_time` + `approved_late` (late: the accepted report came after
    the due time); `completion_rate` = approved / (assigned_records − cancelled), rounded to
    4 decimals, null when nothing is left to complete. The meetings issue adds
    `meetings_planned`, `meetings_held` and `attendance_rate` beside these.
    """

    assigned_records: int = 0
    approved: int = 0
    approved_on_time: int = 0
    approved_late: int = 0
    overdue: int = 0
    open: int = 0
    cancelled: int = 0
    completion_rate: float | None = None
    on_time_rate: float | None = None
    by_state: dict[str, int] = Field(default_factory=lambda: {s.value: 0 for s in State})
    # --- cell meetings (api.dashboards.meetings): meetings starting in the period ------------
    # planned = published (whatever became of them); held = held or minutes approved;
    # attendance counts invitations to held meetings: present (late ⊆ present), absent with
    # an "excused" reply, absent without; attendance_rate = present / expected.
    meetings_planned: int = 0
    meetings_held: int = 0
    meetings_cancelled: int = 0
    attendance_expected: int = 0
    attendance_present: int = 0
    attendance_late: int = 0
    absent_excused: int = 0
    absent_unexcused: int = 0
    attendance_rate: float | None = None


class ChildTotals(BaseModel):
    unit: UnitBrief
    totals: Totals


class MemberBrief(BaseModel):
    id: int
    full_name: str


class MemberTotals(BaseModel):
    member: MemberBrief
    # False for a former member of the cell who still has records of its assignments.
    in_cell: bool
    totals: Totals


class UnitDashboard(BaseModel):
    unit: UnitBrief
    breadcrumbs: list[UnitBrief]
    period: PeriodPublic
    generated_at: dt.datetime
    totals: Totals
    children: list[ChildTotals]
    members: list[MemberTotals] | None = None


class TrendPoint(BaseModel):
    month: str  # 2026-11
    label: str  # Tháng 11/2026
    totals: Totals


class UnitTrends(BaseModel):
    unit: UnitBrief
    generated_at: dt.datetime
    months: list[TrendPoint]


class RecordLine(BaseModel):
    """One of a member's records in the period, for the last step of a drill-down."""

    assignment_id: int
    title: str
    cell: UnitBrief
    due_at: dt.datetime
    state: str
    state_label: str
    overdue: bool
    completed_late: bool | None
    submitted_at: dt.datetime | None
    approved_at: dt.datetime | None


class MemberDashboard(BaseModel):
    unit: UnitBrief
    breadcrumbs: list[UnitBrief]
    member: MemberBrief
    period: PeriodPublic
    generated_at: dt.datetime
    totals: Totals
    records: list[RecordLine]


class DashboardRoots(BaseModel):
    """Where the caller's drill-down starts: the units whose dashboards they may read."""

    units: list[UnitBrief]


class StudyTotals(BaseModel):
    """Of the document's current audience (active members of the cells it reaches), how
    many opened and how many acknowledged its current version; rates rounded to 4 decimals,
    null for an empty audience."""

    audience: int = 0
    read: int = 0
    acknowledged: int = 0
    read_rate: float | None = None
    acknowledgement_rate: float | None = None


class DocumentBrief(BaseModel):
    id: int
    kind: str
    symbol: str
    title: str
    version: int
    issuer_id: int
    published_at: dt.datetime | None
    revised_at: dt.datetime | None


class ChildStudy(BaseModel):
    unit: UnitBrief
    totals: StudyTotals


class PendingMember(BaseModel):
    id: int
    full_name: str
    cell: UnitBrief
    read: bool  # opened the current version without acknowledging it yet


class DocumentStudy(BaseModel):
    document: DocumentBrief
    totals: StudyTotals
    children: list[ChildStudy]
    # At a cell: the members of the audience who have not acknowledged (name order).
    not_acknowledged: list[PendingMember] | None = None


class UnitStudy(BaseModel):
    unit: UnitBrief
    breadcrumbs: list[UnitBrief]
    generated_at: dt.datetime
    items: list[DocumentStudy]
    next_cursor: str | None = None


class DocumentPending(BaseModel):
    """One document at one unit: its numbers by child and a page of who has not studied it."""

    unit: UnitBrief
    breadcrumbs: list[UnitBrief]
    generated_at: dt.datetime
    document: DocumentStudy
    items: list[PendingMember]
    next_cursor: str | None = None
