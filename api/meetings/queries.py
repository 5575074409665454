"""Reading meetings: one as the caller sees it, and the lists (mine, a cell's)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import and_, or_
from sqlmodel import Session, col, select

from api.assignments.schemas import PersonBrief
from api.authz import Principal
from api.db import utcnow
from api.errors import FieldError, ValidationFailed
from api.files import service as files
from api.i18n import t
from api.meetings import materials, minutes, ratings
from api.meetings.access import Access, load, names
from api.meetings.models import Meeting, MeetingAttendee
from api.meetings.schemas import (
    AttendeePublic,
    MeetingCounts,
    MeetingPublic,
    MinutesPublic,
    MyAttendance,
)
from api.meetings.states import HELD, MeetingState
from api.members import service as members
from api.org.models import OrgUnit
from api.pagination import decode_cursor, encode_cursor
from api.text import format_vn_datetime


def _counts(m: Meeting, rows: list[MeetingAttendee]) -> MeetingCounts:
    attend = sum(1 for r in rows if r.reply == "attend")
    excused = sum(1 for r in rows if r.reply == "excused")
    held = m.state in HELD
    absent = [r for r in rows if not r.present] if held else []
    return MeetingCounts(
        invited=m.n_invited,
        replied=m.n_replied,
        attend=attend,
        excused=excused,
        no_reply=m.n_invited - m.n_replied,
        present=m.n_present,
        late=m.n_late,
        absent_excused=sum(1 for r in absent if r.reply == "excused"),
        absent_unexcused=sum(1 for r in absent if r.reply != "excused"),
    )


def _minutes(session: Session, access: Access) -> MinutesPublic | None:
    m = access.meeting
    approved = m.state == MeetingState.minutes_approved
    if not (approved or access.manager) or m.minutes_updated_at is None:
        return None
    approver = names(session, [m.minutes_approved_by]) if m.minutes_approved_by else {}
    return MinutesPublic(
        content=m.minutes_content,
        conclusions=m.minutes_conclusions,
        updated_at=m.minutes_updated_at,
        approved_at=m.minutes_approved_at,
        approved_by=(
            PersonBrief(id=m.minutes_approved_by, full_name=approver.get(m.minutes_approved_by, ""))
            if m.minutes_approved_by
            else None
        ),
        attachments=[
            files.to_public(a)
            for a in files.owned_by(session, minutes.OWNER_KIND, access.meeting_id)
        ],
        assignment_ids=minutes.assignment_ids(session, access.meeting_id),
    )


def public_one(session: Session, access: Access, principal: Principal) -> MeetingPublic:
    """The meeting: every attendee for followers, the caller's own reply otherwise."""
    session.flush()
    m = access.meeting
    rows: list[MeetingAttendee] = []
    if access.follower:
        rows = list(session.exec(select(MeetingAttendee).where(MeetingAttendee.meeting_id == m.id)))
    who = names(session, [r.user_id for r in rows] + [m.created_by])
    attendees = None
    if access.follower:
        attendees = sorted(
            (
                AttendeePublic(
                    user_id=r.user_id,
                    full_name=who.get(r.user_id, ""),
                    reply=r.reply,
                    reply_reason=r.reply_reason,
                    replied_at=r.replied_at,
                    present=r.present,
                    late=r.late,
                    checked_in_at=r.checked_in_at,
                    check_in_method=r.check_in_method,
                )
                for r in rows
            ),
            key=lambda a: a.user_id,
        )
        order = _name_order(session, [a.user_id for a in attendees])
        attendees.sort(key=lambda a: order.get(a.user_id, ""))
    me = None
    if access.own is not None:
        own = access.own
        me = MyAttendance(
            reply=own.reply,
            reply_reason=own.reply_reason,
            present=own.present,
            late=own.late,
            checked_in_at=own.checked_in_at,
            has_rated=ratings.has_rated(session, access.meeting_id, principal.user_id),
        )
    return _public(
        m,
        access.cell,
        who.get(m.created_by, ""),
        materials.links_of(session, principal, [access.meeting_id])[access.meeting_id],
        can_manage=access.manager,
        me=me,
        minutes=_minutes(session, access),
        counts=_counts(m, rows) if access.follower else None,
        attendees=attendees,
    )


def _name_order(session: Session, user_ids: list[int]) -> dict[int, str]:
    from api.members.models import User

    if not user_ids:
        return {}
    rows = session.exec(select(User.id, User.name_sort).where(col(User.id).in_(user_ids)))
    return {int(i): s or "" for i, s in rows if i is not None}


def _public(
    m: Meeting, cell: OrgUnit, creator: str, links: list[Any], **extra: Any
) -> MeetingPublic:
    return MeetingPublic(
        id=m.id,  # type: ignore[arg-type]
        cell_id=m.cell_id,
        cell_name=cell.name,
        kind=m.kind,
        title=m.title,
        starts_at=m.starts_at,
        starts_at_local=format_vn_datetime(m.starts_at),
        ends_at=m.starts_at + dt.timedelta(minutes=m.duration_minutes),
        duration_minutes=m.duration_minutes,
        place=m.place,
        online_url=m.online_url,
        agenda=m.agenda,
        state=m.state,
        state_label=t(f"meeting.state.{m.state}", "vi"),
        state_reason=m.state_reason,
        published=m.published_at is not None,
        published_at=m.published_at,
        series_id=m.series_id,
        period_key=m.period_key,
        created_by=PersonBrief(id=m.created_by, full_name=creator),
        created_at=m.created_at,
        updated_at=m.updated_at,
        materials=links,
        **extra,
    )


def list_meetings(
    session: Session,
    principal: Principal,
    *,
    cell_id: int | None,
    upcoming: bool,
    cursor: str | None,
    limit: int,
) -> tuple[list[MeetingPublic], str | None]:
    """The caller's cell's published meetings, or (for its followers) a chosen cell's.

    Upcoming: not yet ended and not cancelled, soonest first; otherwise latest first.
    """
    if cell_id is None:
        if principal.cell_id is None:
            return [], None
        cell_id = principal.cell_id
        cell = members.cell_of(session, cell_id)
    else:
        cell = members.cell_of(session, cell_id, principal)
        if cell_id != principal.cell_id:
            from api.authz import authorize

            authorize(principal, "meeting.follow", cell.path)
    manager = principal.may("meeting.manage", cell.path)
    stmt = select(Meeting).where(Meeting.cell_id == cell_id)
    if not manager:
        stmt = stmt.where(col(Meeting.published_at).is_not(None))
    now = utcnow()
    after = decode_cursor(cursor, 2)
    starts = col(Meeting.starts_at)
    if upcoming:
        # Meetings still to come or under way (up to a day after the start), soonest first.
        stmt = stmt.where(
            starts > now - dt.timedelta(hours=12),
            col(Meeting.state).in_(
                [MeetingState.planned, MeetingState.postponed, MeetingState.held]
            ),
        )
        if after is not None:
            at, last_id = _cursor_time(after[0]), _cursor_id(after[1])
            stmt = stmt.where(or_(starts > at, and_(starts == at, col(Meeting.id) > last_id)))
        stmt = stmt.order_by(starts, col(Meeting.id))
    else:
        if after is not None:
            at, last_id = _cursor_time(after[0]), _cursor_id(after[1])
            stmt = stmt.where(or_(starts < at, and_(starts == at, col(Meeting.id) < last_id)))
        stmt = stmt.order_by(starts.desc(), col(Meeting.id).desc())
    found = list(session.exec(stmt.limit(limit + 1)))
    next_cursor = None
    if len(found) > limit:
        found = found[:limit]
        next_cursor = encode_cursor([found[-1].starts_at.isoformat(), found[-1].id])
    items = []
    for m in found:
        items.append(public_one(session, _access_of(session, principal, m), principal))
    return items, next_cursor


def _cursor_time(value: Any) -> dt.datetime:
    try:
        at = dt.datetime.fromisoformat(str(value))
    except ValueError:
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None
    return at if at.tzinfo else at.replace(tzinfo=dt.UTC)


def _cursor_id(value: Any) -> int:
    """The last row's id in a cursor: an integer, or a 422 (never a 500) when it is not."""
    if isinstance(value, bool) or not isinstance(value, int | str):
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")])
    try:
        return int(value)
    except ValueError:
        raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")]) from None


def _access_of(session: Session, principal: Principal, m: Meeting) -> Access:
    return load(session, principal, m.id)  # type: ignore[arg-type]
