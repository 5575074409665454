"""Demo cell meetings: in the demo secretary's cell a planned meeting with materials, ready to
publish; in every cell of the demo commune last month's meeting, held, with attendance."""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session, col, select

from api.auth.service import principal_for
from api.db import utcnow
from api.documents.models import Document
from api.documents.visibility import readable_clause
from api.meetings import service
from api.meetings.models import MeetingAttendee
from api.meetings.schemas import MeetingCreate
from api.members.models import User
from api.org.models import OrgUnit, Role
from api.text import VN_TZ
from seed import demo_data as data

DEMO_SECRETARY = "10000002"
AGENDA = (
    "1. Đánh giá kết quả thực hiện nhiệm vụ tháng trước.\n"
    "2. Quán triệt tài liệu sinh hoạt chuyên đề kèm theo.\n"
    "3. Phân công nhiệm vụ tháng tới."
)
REASONS = ("Đi làm ăn xa", "Ốm, đang điều trị", "Đi công tác")


def _local(day: dt.date, hour: int) -> dt.datetime:
    return dt.datetime.combine(day, dt.time(hour), VN_TZ).astimezone(dt.UTC)


def _next_fourth(now: dt.datetime) -> dt.datetime:
    """08:00 on the 4th of next month (Hà Nội cells meet on the 4th), Vietnam time."""
    today = now.astimezone(VN_TZ).date()
    first = (today.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    return _local(first.replace(day=4), 8)


def _leader(cell_code: str, users: dict[str, User]) -> User | None:
    for role in (Role.secretary, Role.deputy):
        for grant in data.ROLES:
            if grant.unit_code == cell_code and grant.role == role:
                return users[grant.party_card_number]
    return None


def _planned(session: Session, cell: OrgUnit, secretary: User, now: dt.datetime) -> None:
    """The meeting the demo secretary publishes: with the documents members should read."""
    who = principal_for(session, secretary)
    docs = [
        int(i)
        for i in session.exec(
            select(Document.id)
            .where(readable_clause(who))
            .order_by(col(Document.published_at).desc(), col(Document.id).desc())
            .limit(2)
        )
        if i is not None
    ]
    service.plan(
        session,
        cell=cell,
        actor_id=secretary.id,
        created_by=secretary.id,  # type: ignore[arg-type]
        data=MeetingCreate.model_construct(
            cell_id=cell.id,
            title=f"Sinh hoạt chi bộ thường kỳ tháng {_next_fourth(now).astimezone(VN_TZ):%m/%Y}",
            kind="regular",
            starts_at=_next_fourth(now),
            duration_minutes=120,
            place=f"Nhà văn hóa {cell.name.removeprefix('Chi bộ ')}",
            online_url=None,
            agenda=AGENDA,
        ),
        document_ids=docs,
        set_ids=[],
        now=now,
    )


def _held(session: Session, cell: OrgUnit, leader: User, k: int, now: dt.datetime) -> None:
    """Last month's meeting: held, most present, a few excused or absent."""
    today = now.astimezone(VN_TZ).date()
    last_month = (today.replace(day=1) - dt.timedelta(days=1)).replace(day=4)
    starts = _local(last_month, 8)
    meeting = service.plan(
        session,
        cell=cell,
        actor_id=leader.id,
        created_by=leader.id,  # type: ignore[arg-type]
        data=MeetingCreate.model_construct(
            cell_id=cell.id,
            title=f"Sinh hoạt chi bộ thường kỳ tháng {last_month:%m/%Y}",
            kind="regular",
            starts_at=starts,
            duration_minutes=120,
            place=f"Nhà văn hóa {cell.name.removeprefix('Chi bộ ')}",
            online_url=None,
            agenda=AGENDA,
        ),
        document_ids=[],
        set_ids=[],
        now=starts - dt.timedelta(days=14),
    )
    meeting.published_at = starts - dt.timedelta(days=14)
    meeting.state, meeting.held_at = "held", starts
    people = session.exec(
        select(User.id).where(User.cell_id == cell.id, col(User.is_active).is_(True))
    ).all()
    for i, uid in enumerate(sorted(int(u) for u in people if u is not None)):
        spot = (i + k) % 10
        excused = spot == 7
        session.add(
            MeetingAttendee(
                meeting_id=meeting.id,  # type: ignore[arg-type]
                user_id=uid,
                reply="excused" if excused else "attend",
                reply_reason=REASONS[i % len(REASONS)] if excused else None,
                replied_at=starts - dt.timedelta(days=3),
                present=spot not in (7, 9),
                late=spot == 3,
                check_in_method="manual" if spot not in (7, 9) else None,
                marked_by=leader.id,
                marked_at=starts,
            )
        )
    service.recount(session, meeting)


def load(session: Session, units: dict[str, OrgUnit], users: dict[str, User]) -> None:
    """The planned meeting of the demo secretary's cell and last month's held meetings."""
    now = utcnow()
    secretary = users.get(DEMO_SECRETARY)
    if secretary is not None and secretary.cell_id is not None:
        cell = session.get(OrgUnit, secretary.cell_id)
        if cell is not None:
            _planned(session, cell, secretary, now)
    for k, cell_seed in enumerate(data.cells("HY-VA")):
        leader = _leader(cell_seed.code, users)
        if leader is not None:
            _held(session, units[cell_seed.code], leader, k, now)
