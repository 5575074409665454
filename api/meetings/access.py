"""Loading a meeting with what the caller may do to it.

Visibility: the cell's leaders see every meeting of the cell (drafts too); the committees
above it and the cell's members see published ones (a former member, the ones they were
invited to); everyone else gets a 404.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from sqlmodel import Session, col, select

from api.authz import Principal
from api.errors import Forbidden, NotFound
from api.meetings.models import Meeting, MeetingAttendee
from api.members.models import User
from api.org.models import OrgUnit


@dataclass
class Access:
    """A meeting as seen by one caller."""

    meeting: Meeting
    cell: OrgUnit
    follower: bool  # sees every attendee and the counts (meeting.follow)
    manager: bool  # runs the meeting (meeting.manage)
    own: MeetingAttendee | None  # the caller's invitation, if any

    @property
    def path(self) -> str:
        return self.cell.path

    @property
    def meeting_id(self) -> int:
        return self.meeting.id  # type: ignore[return-value]


def load(session: Session, principal: Principal, meeting_id: int, *, lock: bool = False) -> Access:
    """The meeting if the caller may see it (404 otherwise); `lock` for changes."""
    stmt = (
        select(Meeting, OrgUnit)
        .join(OrgUnit, col(OrgUnit.id) == Meeting.cell_id)
        .where(col(Meeting.id) == meeting_id)
    )
    if lock:
        # Serializes changes to one meeting (and its counters) on PostgreSQL.
        stmt = stmt.with_for_update(of=Meeting).execution_options(populate_existing=True)  # type: ignore[arg-type]
    row = session.exec(stmt).first()
    if row is None:
        raise NotFound()
    meeting, cell = row
    manager = principal.may("meeting.manage", cell.path)
    follower = principal.may("meeting.follow", cell.path)
    own = session.exec(
        select(MeetingAttendee).where(
            MeetingAttendee.meeting_id == meeting.id, MeetingAttendee.user_id == principal.user_id
        )
    ).first()
    published = meeting.published_at is not None
    member = principal.cell_id == meeting.cell_id
    visible = manager or (published and (follower or member or own is not None))
    if not visible:
        raise NotFound()
    return Access(meeting, cell, follower, manager, own)


def require_manager(access: Access) -> None:
    """Only the cell's secretary or deputy runs a meeting (visible to others: 403)."""
    if not access.manager:
        raise Forbidden()


def cell_member_ids(session: Session, cell_id: int) -> list[int]:
    """Active members of the cell, in Vietnamese name order."""
    rows = session.exec(
        select(User.id)
        .where(User.cell_id == cell_id, col(User.is_active).is_(True))
        .order_by(col(User.name_sort), col(User.id))
    )
    return [int(i) for i in rows if i is not None]


def names(session: Session, user_ids: Iterable[int]) -> dict[int, str]:
    """Full names by id."""
    ids = sorted(set(user_ids))
    if not ids:
        return {}
    rows = session.exec(select(User.id, User.full_name).where(col(User.id).in_(ids)))
    return {int(i): n for i, n in rows if i is not None}


def lock_attendee(session: Session, meeting_id: int, user_id: int) -> MeetingAttendee | None:
    """The invitation of `user_id`, re-read under a row lock."""
    stmt = select(MeetingAttendee).where(
        MeetingAttendee.meeting_id == meeting_id, MeetingAttendee.user_id == user_id
    )
    return session.exec(stmt.with_for_update().execution_options(populate_existing=True)).first()
