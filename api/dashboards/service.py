"""Dashboards of a unit for its committees and leaders: who may look, and what they see.

Authorization is `dashboard.read` on the unit (its committee, or a cell's secretary and
deputy, by grants that reach down the tree): members never see dashboards, units out of
sight answer 404. Views that name members are recorded in the audit trail.
"""

from __future__ import annotations

import datetime as dt

from sqlalchemy import and_, or_, text
from sqlmodel import Session, col, select

from api.assignments.states import completed_late, is_overdue
from api.audit import service as audit
from api.authz import FOLLOWERS, Principal, authorize
from api.dashboards import counts, meetings, study
from api.dashboards.period import Period, last_months
from api.dashboards.schemas import (
    ChildStudy,
    ChildTotals,
    DashboardRoots,
    DocumentBrief,
    DocumentPending,
    DocumentStudy,
    MemberBrief,
    MemberDashboard,
    MemberTotals,
    PendingMember,
    PeriodPublic,
    RecordLine,
    Totals,
    TrendPoint,
    UnitBrief,
    UnitDashboard,
    UnitStudy,
    UnitTrends,
)
from api.db import utcnow
from api.documents.models import Document
from api.errors import NotFound
from api.i18n import t
from api.members.models import User
from api.org.models import MEMBER_UNIT_KINDS, OrgUnit

MEMBER_RECORDS_LIMIT = 500


def brief(unit: OrgUnit) -> UnitBrief:
    """The unit as a dashboard names it."""
    return UnitBrief(id=unit.id, name=unit.name, code=unit.code, kind=unit.kind)  # type: ignore[arg-type]


def readable_unit(session: Session, principal: Principal, unit_id: int) -> OrgUnit:
    """The unit if the caller may read its dashboard: 404 out of sight, 403 when only seen."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound()
    authorize(principal, "dashboard.read", unit.path)
    _plan_per_request(session)
    return unit


def _plan_per_request(session: Session) -> None:
    """PostgreSQL planner settings for this transaction's dashboard queries.

    Custom plans: the driver prepares a statement run often, and after a few runs PostgreSQL
    may keep one generic plan for it; for these queries the right plan depends on the
    period and the subtree (a generic one took 0.9 s instead of 50 ms in the benchmark).
    No JIT: the queries run in milliseconds, but their cost estimates (path-range joins,
    per-row look-ups) made the JIT spend up to 0.9 s compiling them (docs/performance.md).
    """
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SET LOCAL plan_cache_mode = force_custom_plan"))
        session.execute(text("SET LOCAL jit = off"))


def roots(session: Session, principal: Principal) -> DashboardRoots:
    """The highest units whose dashboards the caller may read (empty for plain members)."""
    paths = principal.role_paths(FOLLOWERS)
    if not paths:
        return DashboardRoots(units=[])
    rows = session.execute(
        select(OrgUnit).where(col(OrgUnit.path).in_(paths)).order_by(col(OrgUnit.path))
    ).scalars()
    return DashboardRoots(units=[brief(u) for u in rows])


def breadcrumbs(session: Session, principal: Principal, unit: OrgUnit) -> list[UnitBrief]:
    """The unit's ancestors (and itself) whose dashboards the caller may read, top first."""
    ids = study.path_ids(unit.path)
    rows = session.execute(select(OrgUnit).where(col(OrgUnit.id).in_(ids))).scalars()
    allowed = [u for u in rows if principal.may("dashboard.read", u.path)]
    return [brief(u) for u in sorted(allowed, key=lambda u: u.depth)]


def children_of(session: Session, unit: OrgUnit) -> list[OrgUnit]:
    """Direct children in the order of the organisation screens (kind, code)."""
    stmt = (
        select(OrgUnit)
        .where(col(OrgUnit.parent_id) == unit.id)
        .order_by(col(OrgUnit.kind), col(OrgUnit.code))
    )
    return list(session.execute(stmt).scalars())


def is_cell(unit: OrgUnit) -> bool:
    """Members belong to units of these kinds; their dashboards list members."""
    return unit.kind in MEMBER_UNIT_KINDS


def period_public(period: Period) -> PeriodPublic:
    """The period as the response carries it."""
    return PeriodPublic(from_date=period.first, to_date=period.last, label=period.label)


def _view(principal: Principal, action: str, unit: OrgUnit, **after: object) -> None:
    """Audit a view of member-level data (beside the request, see audit.record_view)."""
    audit.record_view(
        actor_id=principal.user_id,
        action=action,
        object_type="unit",
        object_id=unit.id,
        unit_path=unit.path,
        after=after or None,
    )


def unit_dashboard(
    session: Session, principal: Principal, unit: OrgUnit, period: Period
) -> UnitDashboard:
    """Totals of the unit, of each child and, at a cell, of each member."""
    now = utcnow()
    kids = children_of(session, unit)
    per_child = counts.by_child(session, unit, period, now) if kids else {}
    own = counts.own(session, unit, period, now)
    children = [ChildTotals(unit=brief(k), totals=per_child.get(k.id, Totals())) for k in kids]  # type: ignore[arg-type]
    totals = counts.add([own, *per_child.values()])
    # Cell meetings beside the tasks (api.dashboards.meetings).
    meet_child = meetings.by_child(session, unit, period) if kids else {}
    for child in children:
        meetings.fill(child.totals, meet_child.get(child.unit.id, {}))
    meetings.fill(totals, meetings.add([meetings.own(session, unit, period), *meet_child.values()]))
    members = None
    if is_cell(unit):
        members = cell_members(session, unit, period, now)
        _view(principal, "dashboard.members_viewed", unit, period=period.label)
    return UnitDashboard(
        unit=brief(unit),
        breadcrumbs=breadcrumbs(session, principal, unit),
        period=period_public(period),
        generated_at=now,
        totals=totals,
        children=children,
        members=members,
    )


def cell_members(
    session: Session, cell: OrgUnit, period: Period, now: dt.datetime
) -> list[MemberTotals]:
    """Every active member of the cell and anyone else with records of its tasks, name order."""
    per_member = counts.by_member(session, cell, period, now)
    met = meetings.by_member(session, cell, period)
    stmt = select(User).where(
        or_(
            and_(col(User.cell_id) == cell.id, col(User.is_active).is_(True)),
            col(User.id).in_(sorted(set(per_member) | set(met))),
        )
    )
    people = sorted(session.execute(stmt).scalars(), key=lambda u: (u.name_sort, u.id or 0))
    return [
        MemberTotals(
            member=MemberBrief(id=u.id, full_name=u.full_name),  # type: ignore[arg-type]
            in_cell=u.cell_id == cell.id and u.is_active,
            totals=meetings.fill(per_member.get(u.id, Totals()), met.get(u.id, {})),  # type: ignore[arg-type]
        )
        for u in people
    ]


def trends(session: Session, principal: Principal, unit: OrgUnit, months: int) -> UnitTrends:
    """The unit's totals for each of the last `months` calendar months."""
    now = utcnow()
    span = last_months(months)
    per_month = counts.by_month(session, unit, span, now)
    met = meetings.by_month(session, unit, span)
    return UnitTrends(
        unit=brief(unit),
        generated_at=now,
        months=[
            TrendPoint(
                month=m.key,
                label=m.label,
                totals=meetings.fill(per_month.get(m.key, Totals()), met.get(m.key, {})),
            )
            for m in span
        ],
    )


def member_dashboard(
    session: Session, principal: Principal, unit: OrgUnit, user_id: int, period: Period
) -> MemberDashboard:
    """One member's totals and records under the unit: the last step of a drill-down."""
    user = session.get(User, user_id)
    if user is None or not _member_under(session, unit, user):
        raise NotFound()
    now = utcnow()
    lines = [
        RecordLine(
            assignment_id=a.id,  # type: ignore[arg-type]
            title=a.title,
            cell=brief(cell),
            due_at=a.due_at,
            state=r.state,
            state_label=t(f"assignment.state.{r.state}", "vi"),
            overdue=is_overdue(r.state, a.due_at, now),
            completed_late=completed_late(r.state, a.due_at, r.submitted_at),
            submitted_at=r.submitted_at,
            approved_at=r.approved_at,
        )
        for r, a, cell in counts.member_records(
            session, unit, user_id, period, MEMBER_RECORDS_LIMIT
        )
    ]
    _view(principal, "dashboard.member_viewed", unit, member_id=user_id, period=period.label)
    return MemberDashboard(
        unit=brief(unit),
        breadcrumbs=breadcrumbs(session, principal, unit),
        member=MemberBrief(id=user.id, full_name=user.full_name),  # type: ignore[arg-type]
        period=period_public(period),
        generated_at=now,
        totals=meetings.fill(
            counts.member_totals(session, unit, user_id, period, now),
            meetings.member_totals(session, unit, user_id, period),
        ),
        records=lines,
    )


def _member_under(session: Session, unit: OrgUnit, user: User) -> bool:
    """The member's cell is under the unit, or a cell under it gave them a task."""
    if user.cell_id is not None:
        cell = session.get(OrgUnit, user.cell_id)
        if cell is not None and cell.path.startswith(unit.path):
            return True
    return counts.has_records_under(session, unit, user.id)  # type: ignore[arg-type]


def document_brief(doc: Document) -> DocumentBrief:
    """The document as a dashboard row names it."""
    return DocumentBrief(
        id=doc.id,  # type: ignore[arg-type]
        kind=doc.kind,
        symbol=doc.symbol,
        title=doc.title,
        version=doc.version,
        issuer_id=doc.issuer_id,
        published_at=doc.published_at,
        revised_at=doc.revised_at,
    )


def _pending_public(user: User, cell: OrgUnit, opened: bool) -> PendingMember:
    return PendingMember(id=user.id, full_name=user.full_name, cell=brief(cell), read=opened)  # type: ignore[arg-type]


def _document_rows(
    session: Session, unit: OrgUnit, docs: list[Document], kids: list[OrgUnit]
) -> list[DocumentStudy]:
    """Each document's numbers for the unit and by child, in one grouped query."""
    numbers = study.by_child(session, unit, kids, [d.id for d in docs])  # type: ignore[misc]
    briefs = {k.id: brief(k) for k in kids}
    out = []
    for doc in docs:
        buckets = numbers.get(doc.id, {})  # type: ignore[arg-type]
        out.append(
            DocumentStudy(
                document=document_brief(doc),
                totals=study.add(list(buckets.values())),
                # Only the children the document reaches: a commune's plan is not "0 %" in
                # every other commune of the city.
                children=[
                    ChildStudy(unit=briefs[k.id], totals=buckets[k.id])  # type: ignore[index]
                    for k in kids
                    if k.id in buckets
                ],
            )
        )
    return out


def unit_study(
    session: Session, principal: Principal, unit: OrgUnit, *, cursor: str | None, limit: int
) -> UnitStudy:
    """Acknowledgement of each document published to the unit's subtree (a page of them)."""
    now = utcnow()
    docs, next_cursor = study.page_documents(session, unit, cursor=cursor, limit=limit)
    items = _document_rows(session, unit, docs, children_of(session, unit))
    if is_cell(unit) and docs:
        waiting: dict[int, list[PendingMember]] = {}
        for doc_id, user, cell, opened in study.pending_in(session, unit, [d.id for d in docs]):  # type: ignore[misc]
            waiting.setdefault(doc_id, []).append(_pending_public(user, cell, opened))
        for item in items:
            item.not_acknowledged = waiting.get(item.document.id, [])
        _view(principal, "dashboard.study_members_viewed", unit)
    return UnitStudy(
        unit=brief(unit),
        breadcrumbs=breadcrumbs(session, principal, unit),
        generated_at=now,
        items=items,
        next_cursor=next_cursor,
    )


def document_pending(
    session: Session,
    principal: Principal,
    unit: OrgUnit,
    document_id: int,
    *,
    cursor: str | None,
    limit: int,
) -> DocumentPending:
    """One document at the unit: numbers by child and a page of members yet to study it."""
    doc = study.find_document(session, unit, document_id)
    if doc is None:
        raise NotFound()
    now = utcnow()
    row = _document_rows(session, unit, [doc], children_of(session, unit))[0]
    after = study.decode_pending_cursor(cursor)
    found = study.pending_page(session, unit, doc, after=after, limit=limit + 1)
    next_cursor = None
    if len(found) > limit:
        found = found[:limit]
        next_cursor = study.encode_pending_cursor(found[-1][1], found[-1][0])
    _view(principal, "dashboard.study_members_viewed", unit, document_id=document_id)
    return DocumentPending(
        unit=brief(unit),
        breadcrumbs=breadcrumbs(session, principal, unit),
        generated_at=now,
        document=row,
        items=[_pending_public(u, c, opened) for u, c, opened in found],
        next_cursor=next_cursor,
    )
