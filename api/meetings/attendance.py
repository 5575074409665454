"""Members' replies, QR check-in and the secretary's attendance marks.

The first check-in or mark makes a planned meeting `held`. Every change recounts the
meeting's counters under its row lock (see service.recount), so dashboards stay exact.
"""

from __future__ import annotations

import datetime as dt

from sqlmodel import Session

from api import privacy
from api.audit import service as audit
from api.authz import Principal
from api.db import utcnow
from api.errors import AppError, Conflict, FieldError, Forbidden, NotFound, ValidationFailed
from api.meetings import checkin
from api.meetings.access import Access, load, lock_attendee, require_manager
from api.meetings.models import Meeting, MeetingAttendee
from api.meetings.schemas import AttendanceBody, CheckInBody, CheckInCode, ReplyBody
from api.meetings.service import add_event, ensure_invited, recount
from api.meetings.states import ATTENDANCE, MeetingState, MeetingStateConflict, next_state, require
from api.members.models import User


class CheckInClosed(Conflict):
    """Outside the check-in window of the meeting (from an hour before to two after)."""

    slug = "meeting_check_in_closed"


class BadCheckInCode(AppError):
    """A wrong, expired or foreign code: refused, and counted against guessing."""

    status, slug = 422, "meeting_bad_code"


class CheckInLocked(AppError):
    """Too many wrong codes for this meeting: the secretary marks the member instead."""

    status, slug = 403, "meeting_check_in_locked"


def _published(m: Meeting) -> None:
    if m.published_at is None:
        raise MeetingStateConflict(m.state)


def _own_invitation(session: Session, access: Access, principal: Principal) -> MeetingAttendee:
    """The caller's invitation, locked; a member who joined the cell after publishing is
    invited now. Followers who are not members of the cell: 403."""
    if access.own is None:
        if principal.cell_id != access.meeting.cell_id:
            raise Forbidden()
        ensure_invited(session, access.meeting, [principal.user_id])
    row = lock_attendee(session, access.meeting_id, principal.user_id)
    assert row is not None
    return row


def reply(session: Session, principal: Principal, meeting_id: int, body: ReplyBody) -> Access:
    """A member answers attend or excused (with a reason); a new answer replaces the old."""
    access = load(session, principal, meeting_id, lock=True)
    m = access.meeting
    _published(m)
    require(m.state, frozenset({MeetingState.planned, MeetingState.postponed}))
    if body.answer == "excused" and not body.reason:
        raise ValidationFailed(errors=[FieldError("reason", "meeting.field.reason_required")])
    row = _own_invitation(session, access, principal)
    before = {"reply": row.reply, "reason": row.reply_reason}
    reason = body.reason if body.answer == "excused" else None
    if (row.reply, row.reply_reason) != (body.answer, reason):
        row.reply, row.reply_reason, row.replied_at = body.answer, reason, utcnow()
        session.add(row)
        audit.record(
            session,
            actor_id=principal.user_id,
            action="meeting.reply",
            object_type="meeting",
            object_id=m.id,
            unit_path=access.path,
            before=before,
            after={"reply": row.reply, "reason": reason},
        )
        recount(session, m)
    access.own = row
    return access


def _window(m: Meeting, now: dt.datetime) -> None:
    opens = m.starts_at - checkin.OPENS_BEFORE
    closes = m.starts_at + dt.timedelta(minutes=m.duration_minutes) + checkin.CLOSES_AFTER
    if not opens <= now <= closes:
        raise CheckInClosed()


def check_in_code(session: Session, principal: Principal, meeting_id: int) -> CheckInCode:
    """The code (and its QR) the secretary shows now; it rotates every 30 seconds."""
    access = load(session, principal, meeting_id)
    require_manager(access)
    m = access.meeting
    _published(m)
    require(m.state, ATTENDANCE)
    now = utcnow()
    _window(m, now)
    code, expires = checkin.current(access.meeting_id, m.cell_id, now)
    payload = checkin.payload(access.meeting_id, code)
    return CheckInCode(
        code=code,
        payload=payload,
        qr_svg=checkin.qr_svg(payload),
        expires_at=expires,
        rotate_seconds=checkin.ROTATE_SECONDS,
    )


def _hold(session: Session, access: Access, actor_id: int, now: dt.datetime) -> None:
    """The meeting is taking place: planned → held at the first attendance."""
    m = access.meeting
    if m.state == MeetingState.planned:
        m.state = next_state("hold", m.state)
        m.held_at = now
        session.add(m)
        add_event(session, access.meeting_id, "held", actor_id, at=now)
        audit.record(
            session,
            actor_id=actor_id,
            action="meeting.hold",
            object_type="meeting",
            object_id=m.id,
            unit_path=access.path,
            before={"state": MeetingState.planned},
            after={"state": m.state},
        )


def check_in(session: Session, principal: Principal, meeting_id: int, body: CheckInBody) -> Access:
    """A member present in the room checks in with the code on the secretary's screen."""
    access = load(session, principal, meeting_id, lock=True)
    m = access.meeting
    _published(m)
    row = _own_invitation(session, access, principal)
    require(m.state, ATTENDANCE)
    now = utcnow()
    _window(m, now)
    if row.present:
        access.own = row
        return access  # checked in already: recorded once
    if row.failed_check_ins >= checkin.MAX_FAILURES:
        raise CheckInLocked()
    digits = checkin.parse(body.code, access.meeting_id)
    if digits is None or not checkin.verify(access.meeting_id, m.cell_id, digits, now):
        row.failed_check_ins += 1
        session.add(row)
        # keep_changes: the failed attempt is counted even though the answer is an error.
        raise BadCheckInCode(keep_changes=True)
    row.present, row.checked_in_at, row.check_in_method = True, now, "qr"
    row.late = now > m.starts_at + checkin.LATE_AFTER
    session.add(row)
    _hold(session, access, principal.user_id, now)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.check_in",
        object_type="meeting",
        object_id=m.id,
        unit_path=access.path,
        after={"user_id": principal.user_id, "late": row.late},
    )
    recount(session, m)
    access.own = row
    return access


def mark(
    session: Session, principal: Principal, meeting_id: int, body: AttendanceBody
) -> MeetingAttendee:
    """The secretary or deputy marks a member present (late or not) or absent.

    Setting a value is naturally idempotent; with `Idempotency-Key` a replay from the
    secretary's offline queue also answers as the first time did.
    """
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    _published(m)
    require(m.state, ATTENDANCE)
    row = lock_attendee(session, access.meeting_id, body.user_id)
    if row is None:
        user = session.get(User, body.user_id)
        if user is None or user.cell_id != m.cell_id or not user.is_active:
            raise NotFound(errors=[FieldError("user_id", "meeting.field.not_invited")])
        ensure_invited(session, m, [body.user_id])
        row = lock_attendee(session, access.meeting_id, body.user_id)
        assert row is not None
    now = utcnow()
    before = {"present": row.present, "late": row.late}
    row.present = body.present
    if not body.present:
        row.late = False
    elif body.late is not None:
        row.late = body.late
    if row.check_in_method is None or not body.present:
        row.check_in_method = "manual" if body.present else None
    row.marked_by, row.marked_at = principal.user_id, now
    session.add(row)
    _hold(session, access, principal.user_id, now)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.mark_attendance",
        object_type="meeting",
        object_id=m.id,
        unit_path=access.path,
        before=before | {"user_id": body.user_id},
        after={"user_id": body.user_id, "present": row.present, "late": row.late},
    )
    recount(session, m)
    return row


def _export(session: Session, user_id: int) -> list[dict[str, object]]:
    """A member's invitations, replies and attendance (ratings are anonymous: not theirs)."""
    from sqlmodel import col, select

    rows = session.exec(
        select(MeetingAttendee, Meeting)
        .join(Meeting, col(Meeting.id) == MeetingAttendee.meeting_id)
        .where(MeetingAttendee.user_id == user_id)
        .order_by(col(Meeting.starts_at))
    ).all()
    return [
        audit.snapshot(a, ["meeting_id", "reply", "reply_reason", "present", "late"])
        | {"title": m.title, "starts_at": m.starts_at.isoformat()}
        for a, m in rows
    ]


def _erase(session: Session, user_id: int) -> None:
    """Reasons for absence are personal text: removed; the attendance facts stay counted."""
    from sqlalchemy import update

    session.execute(
        update(MeetingAttendee)
        .where(MeetingAttendee.user_id == user_id)  # type: ignore[arg-type]
        .values(reply_reason=None)
    )


privacy.register("meetings", export=_export, erase=_erase)
