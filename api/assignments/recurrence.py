"""Regular (thường xuyên) assignments: a schedule that gives each period's assignment itself.

A series remembers its first due time (the anchor): weekly repeats its weekday and hour,
monthly and quarterly its day of month (clamped to short months) and hour, all in Vietnam
time. Each period's assignment is given `lead_days` before its due time by a periodic job,
at most once per period: `(series_id, period_key)` is unique in the database, so two
workers, a retried job or a restarted process cannot make a second one. A period whose due
time passed while nothing ran is skipped rather than given already overdue.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.assignments import giving
from api.assignments.access import cell_member_ids
from api.assignments.models import Assignment, AssignmentSeries
from api.assignments.schemas import AssignmentCreate, SeriesPublic
from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, ValidationFailed
from api.i18n import t
from api.org.models import OrgUnit
from api.schedules import add_months, first_after, list_cell_series, stop_cell_series
from api.text import VN_TZ

STEP_MONTHS = {"monthly": 1, "quarterly": 3}
MAX_LEAD_DAYS = {"weekly": 6, "monthly": 27, "quarterly": 80}
_ROMAN = ("I", "II", "III", "IV")


def period_due(series: AssignmentSeries, k: int) -> dt.datetime:
    """The due time (UTC) of the series' k-th period (0 is the anchor)."""
    anchor = series.anchor_due_at.astimezone(VN_TZ)
    if series.frequency == "weekly":
        local = anchor + dt.timedelta(weeks=k)
    else:
        local = add_months(anchor, k * STEP_MONTHS[series.frequency])
    return local.astimezone(dt.UTC)


def period_key(frequency: str, due_at: dt.datetime) -> str:
    """The period a due time belongs to: 2026-W48, 2026-11 or 2026-Q4 (Vietnam dates)."""
    local = due_at.astimezone(VN_TZ)
    if frequency == "weekly":
        iso = local.isocalendar()
        return f"{iso.year}-W{iso.week:02d}"
    if frequency == "quarterly":
        return f"{local.year}-Q{(local.month - 1) // 3 + 1}"
    return f"{local.year}-{local.month:02d}"


def period_label(key: str | None) -> str | None:
    """ "Tháng 11/2026", "Quý IV/2026", "Tuần 48/2026" for a period key."""
    if not key:
        return None
    year, _, part = key.partition("-")
    if part.startswith("W"):
        return t("assignment.period.week", "vi", n=int(part[1:]), year=year)
    if part.startswith("Q"):
        return t("assignment.period.quarter", "vi", n=_ROMAN[int(part[1:]) - 1], year=year)
    return t("assignment.period.month", "vi", n=int(part), year=year)


def next_period(series: AssignmentSeries, now: dt.datetime) -> tuple[int, dt.datetime] | None:
    """The first period due after `now` (index and due time), or None past `until`."""
    anchor = series.anchor_due_at
    if series.frequency == "weekly":
        k = max(0, (now - anchor).days // 7 - 1)
    else:
        a, n = anchor.astimezone(VN_TZ), now.astimezone(VN_TZ)
        months = (n.year - a.year) * 12 + n.month - a.month
        k = max(0, months // STEP_MONTHS[series.frequency] - 1)
    return first_after(lambda i: period_due(series, i), k, now, series.until)


def _assignees(session: Session, series: AssignmentSeries) -> list[int]:
    """This period's assignees: the cell's members now, or the chosen ones still in it."""
    members_now = cell_member_ids(session, series.cell_id)
    if series.all_members:
        return members_now
    still = set(members_now)
    return [u for u in series.assignee_ids if u in still]


def give_period(session: Session, series: AssignmentSeries, now: dt.datetime) -> Assignment | None:
    """Give the next period's assignment when its time has come, and note when to look again."""
    upcoming = next_period(series, now)
    if upcoming is None:
        series.active, series.next_run_at = False, None
        session.add(series)
        return None
    k, due = upcoming
    lead = dt.timedelta(days=series.lead_days)
    if due - lead > now:
        series.next_run_at = due - lead
        session.add(series)
        return None
    key = period_key(series.frequency, due)
    exists = session.exec(
        select(Assignment.id).where(Assignment.series_id == series.id, Assignment.period_key == key)
    ).first()
    given = None
    if exists is None:
        given = _give(session, series, due, key, now)
        if given is None:
            return None  # nobody to give it to yet: look again next run
    series.next_run_at = period_due(series, k + 1) - lead
    session.add(series)
    return given


def _give(
    session: Session, series: AssignmentSeries, due: dt.datetime, key: str, now: dt.datetime
) -> Assignment | None:
    assignees = _assignees(session, series)
    cell = session.get(OrgUnit, series.cell_id)
    if not assignees or cell is None:
        return None
    try:
        with session.begin_nested():
            return giving.give(
                session,
                cell=cell,
                actor_id=None,
                created_by=series.created_by,
                title=series.title,
                description=series.description,
                priority=series.priority,
                due_at=due,
                assignee_ids=assignees,
                document_ids=series.document_ids,
                series_id=series.id,
                period_key=key,
                now=now,
            )
    except IntegrityError:
        # Another worker gave this period first: exactly what the unique key is for.
        return None


def run_schedules(session: Session, now: dt.datetime | None = None) -> int:
    """Give every due period of every active series; returns how many were given."""
    now = now or utcnow()
    given = 0
    last_id = 0
    while True:
        batch = list(
            session.exec(
                select(AssignmentSeries)
                .where(
                    col(AssignmentSeries.active).is_(True),
                    col(AssignmentSeries.next_run_at) <= now,
                    col(AssignmentSeries.id) > last_id,
                )
                .order_by(col(AssignmentSeries.id))
                .limit(200)
            )
        )
        if not batch:
            return given
        for series in batch:
            given += give_period(session, series, now) is not None
        last_id = batch[-1].id or 0


def create_series(
    session: Session,
    *,
    cell: OrgUnit,
    actor_id: int,
    data: AssignmentCreate,
    assignee_ids: list[int],
    document_ids: list[int],
) -> AssignmentSeries:
    """The schedule behind a regular assignment; its first period is `data.due_at`."""
    rec = data.recurrence
    assert rec is not None
    if rec.lead_days > MAX_LEAD_DAYS[rec.frequency]:
        # A longer lead would give the next period before the current one is due.
        raise ValidationFailed(errors=[FieldError("recurrence.lead_days", "field.too_big")])
    if rec.until is not None and rec.until < data.due_at.astimezone(VN_TZ).date():
        raise ValidationFailed(
            errors=[FieldError("recurrence.until", "assignment.field.until_before_due")]
        )
    series = AssignmentSeries(
        cell_id=cell.id,  # type: ignore[arg-type]
        title=data.title,
        description=data.description,
        priority=data.priority,
        frequency=rec.frequency,
        anchor_due_at=data.due_at,
        lead_days=rec.lead_days,
        until=rec.until,
        all_members=data.all_members,
        assignee_ids=[] if data.all_members else list(assignee_ids),
        document_ids=list(document_ids),
        created_by=actor_id,
    )
    series.next_run_at = period_due(series, 1) - dt.timedelta(days=rec.lead_days)
    session.add(series)
    session.flush()
    audit.record(
        session,
        actor_id=actor_id,
        action="assignment_series.create",
        object_type="assignment_series",
        object_id=series.id,
        unit_path=cell.path,
        after=audit.snapshot(series, ["cell_id", "title", "frequency", "lead_days", "until"]),
    )
    return series


def series_public(series: AssignmentSeries, now: dt.datetime | None = None) -> SeriesPublic:
    """A schedule with its next due time (none once stopped or past its end)."""
    upcoming = next_period(series, now or utcnow()) if series.active else None
    return SeriesPublic(
        id=series.id,  # type: ignore[arg-type]
        cell_id=series.cell_id,
        title=series.title,
        frequency=series.frequency,
        lead_days=series.lead_days,
        until=series.until,
        all_members=series.all_members,
        active=series.active,
        anchor_due_at=series.anchor_due_at,
        next_due_at=upcoming[1] if upcoming else None,
    )


def list_series(session: Session, principal: Principal, cell_id: int) -> list[AssignmentSeries]:
    """A cell's schedules, active first, for its followers."""
    return list_cell_series(session, principal, AssignmentSeries, cell_id, "assignment.follow")


def stop_series(session: Session, principal: Principal, series_id: int) -> AssignmentSeries:
    """The cell's leaders stop a schedule; assignments already given stay."""
    return stop_cell_series(
        session,
        principal,
        AssignmentSeries,
        series_id,
        follow="assignment.follow",
        manage="assignment.manage",
        object_type="assignment_series",
    )
