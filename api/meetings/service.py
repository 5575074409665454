"""The cell leaders' side of a meeting: plan, publish, change, cancel, postpone, remind.

Replies and attendance are in `attendance.py`, minutes in `minutes.py`, ratings in
`ratings.py`, monthly schedules in `recurrence.py`. Services flush, never commit.
"""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from sqlmodel import Session, col, select

from api.audit import service as audit
from api.authz import Principal, authorize
from api.db import utcnow
from api.errors import FieldError, ValidationFailed
from api.meetings import materials, recurrence
from api.meetings.access import Access, cell_member_ids, load, require_manager
from api.meetings.models import Meeting, MeetingAttendee, MeetingEvent
from api.meetings.notify import notify
from api.meetings.schemas import (
    MeetingCreate,
    MeetingUpdate,
    PostponeBody,
    ReasonBody,
    RemindBody,
    RemindResult,
)
from api.meetings.states import MeetingState, MeetingStateConflict, next_state, require
from api.members import service as members
from api.org.models import OrgUnit

EDITABLE = ("title", "starts_at", "duration_minutes", "place", "online_url", "agenda")
# A change of these is a new invitation: members are told again.
ANNOUNCED = {"starts_at", "place", "online_url"}
AUDIT_FIELDS = ["cell_id", "kind", "title", "starts_at", "place", "online_url", "series_id"]


def add_event(
    session: Session,
    meeting_id: int,
    kind: str,
    actor_id: int | None,
    *,
    note: str | None = None,
    data: dict[str, Any] | None = None,
    at: dt.datetime | None = None,
) -> None:
    """A line of the meeting's history."""
    session.add(
        MeetingEvent(
            meeting_id=meeting_id,
            kind=kind,
            actor_id=actor_id,
            note=note,
            data=data,
            at=at or utcnow(),
        )  # fmt: skip
    )


def _check_start(starts_at: dt.datetime, now: dt.datetime, field: str = "starts_at") -> None:
    """A meeting is planned ahead (a past one could never be attended)."""
    if starts_at <= now:
        raise ValidationFailed(errors=[FieldError(field, "meeting.field.start_in_past")])


def _check_place(place: str | None, online_url: str | None) -> None:
    if not place and not online_url:
        raise ValidationFailed(errors=[FieldError("place", "meeting.field.place_missing")])


def plan(
    session: Session,
    *,
    cell: OrgUnit,
    actor_id: int | None,
    created_by: int,
    data: MeetingCreate,
    document_ids: list[int],
    set_ids: list[int],
    series_id: int | None = None,
    period_key: str | None = None,
    now: dt.datetime | None = None,
) -> Meeting:
    """Create a planned meeting with its materials (no authorization: callers have it)."""
    now = now or utcnow()
    meeting = Meeting(
        cell_id=cell.id,  # type: ignore[arg-type]
        kind=data.kind,
        title=data.title,
        starts_at=data.starts_at,
        duration_minutes=data.duration_minutes,
        place=data.place,
        online_url=data.online_url,
        agenda=data.agenda,
        series_id=series_id,
        period_key=period_key,
        created_by=created_by,
        created_at=now,
        updated_at=now,
    )
    session.add(meeting)
    session.flush()
    mid: int = meeting.id  # type: ignore[assignment]
    materials.set_links(session, mid, document_ids, set_ids)
    add_event(session, mid, "created", actor_id, at=now)
    audit.record(
        session,
        actor_id=actor_id,
        action="meeting.create",
        object_type="meeting",
        object_id=mid,
        unit_path=cell.path,
        after=audit.snapshot(meeting, AUDIT_FIELDS)
        | {"document_ids": document_ids, "study_set_ids": set_ids},
    )
    return meeting


def create(session: Session, principal: Principal, data: MeetingCreate) -> Meeting:
    """The cell's secretary or deputy plans a meeting (and a monthly schedule, if asked)."""
    cell = members.cell_of(session, data.cell_id, principal)
    authorize(principal, "meeting.manage", cell.path)
    now = utcnow()
    _check_start(data.starts_at, now)
    _check_place(data.place, data.online_url)
    docs, sets = materials.check(session, principal, data.document_ids, data.study_set_ids)
    series_id = period_key = None
    if data.recurrence is not None:
        series = recurrence.create_series(
            session, cell=cell, actor_id=principal.user_id, data=data, document_ids=docs
        )
        series_id, period_key = series.id, recurrence.period_key(data.starts_at)
    meeting = plan(
        session,
        cell=cell,
        actor_id=principal.user_id,
        created_by=principal.user_id,
        data=data,
        document_ids=docs,
        set_ids=sets,
        series_id=series_id,
        period_key=period_key,
        now=now,
    )
    if data.publish:
        publish_meeting(session, meeting, cell, principal.user_id, now)
    return meeting


def publish(session: Session, principal: Principal, meeting_id: int) -> Access:
    """Send the invitations: every active member of the cell, inbox and push."""
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    require(m.state, frozenset({MeetingState.planned}))
    if m.published_at is None:
        publish_meeting(session, m, access.cell, principal.user_id, utcnow())
    return access


def publish_meeting(
    session: Session, m: Meeting, cell: OrgUnit, actor_id: int | None, now: dt.datetime
) -> None:
    """Invite the cell's members (one attendee row each) and notify them with the materials."""
    mid: int = m.id  # type: ignore[assignment]
    invited = ensure_invited(session, m, cell_member_ids(session, m.cell_id))
    m.published_at = m.updated_at = now
    session.add(m)
    add_event(session, mid, "published", actor_id, data={"invited": len(invited)}, at=now)
    audit.record(
        session,
        actor_id=actor_id,
        action="meeting.publish",
        object_type="meeting",
        object_id=mid,
        unit_path=cell.path,
        after={"invited": len(invited)},
    )
    docs, sets = materials.current(session, mid)
    body = None
    if docs or sets:
        from api.i18n import t
        from api.meetings.notify import when_where

        body = t("meeting.notify.with_materials", "vi", when=when_where(m), n=len(docs) + len(sets))
    notify(
        session,
        event="published",
        meeting=m,
        user_ids=invited,
        actor_id=actor_id,
        dedupe_key=f"mtg:{mid}:published",
        body=body,
    )
    recount(session, m)


def ensure_invited(session: Session, m: Meeting, user_ids: list[int]) -> list[int]:
    """Attendee rows for `user_ids` (existing ones kept); returns every invited member."""
    existing = set(
        session.exec(select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == m.id))
    )
    for uid in user_ids:
        if uid not in existing:
            session.add(MeetingAttendee(meeting_id=m.id, user_id=uid))  # type: ignore[arg-type]
    session.flush()
    return sorted(existing | set(user_ids))


def update(session: Session, principal: Principal, meeting_id: int, data: MeetingUpdate) -> Access:
    """Leaders edit a planned (or postponed) meeting; a new time or place is announced."""
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    require(m.state, frozenset({MeetingState.planned, MeetingState.postponed}))
    now = utcnow()
    fields = data.model_dump(exclude_unset=True)
    docs = fields.pop("document_ids", None)
    sets = fields.pop("study_set_ids", None)
    changes = {k: v for k, v in fields.items() if k in EDITABLE and getattr(m, k) != v}
    changes = {k: v for k, v in changes.items() if v is not None or k in {"place", "online_url"}}
    if "starts_at" in changes:
        _check_start(changes["starts_at"], now)
    _check_place(changes.get("place", m.place), changes.get("online_url", m.online_url))
    if docs is not None or sets is not None:
        _relink(session, principal, access, docs, sets)
    if not changes:
        return access
    before = audit.snapshot(m, list(EDITABLE))
    for key, value in changes.items():
        setattr(m, key, value)
    if m.state == MeetingState.postponed and "starts_at" in changes:
        m.state = next_state("reschedule", m.state)
        m.state_reason = None
    m.updated_at = now
    session.add(m)
    after = audit.snapshot(m, list(EDITABLE))
    add_event(
        session, access.meeting_id, "edited", principal.user_id,
        data={"changes": {k: [before[k], after[k]] for k in changes}}, at=now,
    )  # fmt: skip
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.update",
        object_type="meeting",
        object_id=m.id,
        unit_path=access.path,
        before=before,
        after=after,
    )
    if m.published_at is not None and ANNOUNCED & set(changes):
        _announce_change(session, m, principal.user_id)
    return access


def _announce_change(session: Session, m: Meeting, actor_id: int) -> None:
    """Tell the invited members the new time or place (once per distinct time and place)."""
    fingerprint = hashlib.sha256(
        f"{m.starts_at.isoformat()}|{m.place}|{m.online_url}".encode()
    ).hexdigest()[:16]
    notify(
        session,
        event="changed",
        meeting=m,
        user_ids=invited_ids(session, m.id),  # type: ignore[arg-type]
        actor_id=actor_id,
        dedupe_key=f"mtg:{m.id}:changed:{fingerprint}",
    )


def invited_ids(session: Session, meeting_id: int) -> list[int]:
    """Every invited member of the meeting."""
    return [
        int(u)
        for u in session.exec(
            select(MeetingAttendee.user_id).where(MeetingAttendee.meeting_id == meeting_id)
        )
    ]


def _relink(
    session: Session,
    principal: Principal,
    access: Access,
    docs: list[int] | None,
    sets: list[int] | None,
) -> None:
    mid = access.meeting_id
    cur_docs, cur_sets = materials.current(session, mid)
    want_docs, want_sets = materials.check(
        session, principal, cur_docs if docs is None else docs, cur_sets if sets is None else sets
    )
    if (want_docs, want_sets) == (cur_docs, cur_sets):
        return
    materials.set_links(session, mid, want_docs, want_sets)
    add_event(session, mid, "materials", principal.user_id)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="meeting.link_materials",
        object_type="meeting",
        object_id=mid,
        unit_path=access.path,
        before={"document_ids": cur_docs, "study_set_ids": cur_sets},
        after={"document_ids": want_docs, "study_set_ids": want_sets},
    )


def cancel(session: Session, principal: Principal, meeting_id: int, body: ReasonBody) -> Access:
    """Leaders cancel a meeting with a reason; invited members are told."""
    return _stop(session, principal, meeting_id, "cancel", body.reason, None)


def postpone(session: Session, principal: Principal, meeting_id: int, body: PostponeBody) -> Access:
    """Leaders postpone with a reason: to a new time (planned again) or until further notice."""
    return _stop(session, principal, meeting_id, "postpone", body.reason, body.starts_at)


def _stop(
    session: Session,
    principal: Principal,
    meeting_id: int,
    action: str,
    reason: str,
    new_start: dt.datetime | None,
) -> Access:
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    target = next_state(action, m.state)
    now = utcnow()
    before = {"state": m.state, "starts_at": m.starts_at}
    if new_start is not None:
        _check_start(new_start, now)
        m.starts_at = new_start
        target = MeetingState.planned
    m.state, m.state_reason, m.updated_at = target, reason, now
    session.add(m)
    kind = "cancelled" if action == "cancel" else "postponed"
    add_event(session, access.meeting_id, kind, principal.user_id, note=reason, at=now)
    audit.record(
        session,
        actor_id=principal.user_id,
        action=f"meeting.{action}",
        object_type="meeting",
        object_id=m.id,
        unit_path=access.path,
        before=before,
        after={"state": target, "starts_at": m.starts_at, "reason": reason},
    )
    if m.published_at is not None:
        stamp = int(m.starts_at.timestamp())
        notify(
            session,
            event=kind,
            meeting=m,
            user_ids=invited_ids(session, access.meeting_id),
            actor_id=principal.user_id,
            dedupe_key=f"mtg:{m.id}:{kind}:{stamp}:{int(now.timestamp())}",
            body=reason if new_start is None else f"{reason} — {_when(m)}",
        )
    return access


def _when(m: Meeting) -> str:
    from api.meetings.notify import when_where

    return when_where(m)


def remind(
    session: Session, principal: Principal, meeting_id: int, body: RemindBody | None
) -> RemindResult:
    """Leaders remind the invited members who have not answered (once an hour at most)."""
    access = load(session, principal, meeting_id, lock=True)
    require_manager(access)
    m = access.meeting
    require(m.state, frozenset({MeetingState.planned}))
    if m.published_at is None:
        raise MeetingStateConflict(m.state)  # nobody is invited yet
    now = utcnow()
    hour_ago = now - dt.timedelta(hours=1)
    rows = list(
        session.exec(
            select(MeetingAttendee).where(
                MeetingAttendee.meeting_id == m.id,
                col(MeetingAttendee.reply).is_(None),
            )
        )
    )
    due = [r for r in rows if r.reminded_at is None or r.reminded_at <= hour_ago]
    for r in due:
        r.reminded_at = now
        session.add(r)
    ids = sorted(r.user_id for r in due)
    if ids:
        notify(
            session,
            event="reply_reminder",
            meeting=m,
            user_ids=ids,
            actor_id=principal.user_id,
            dedupe_key=f"mtg:{m.id}:remind:{int(now.timestamp())}",
            body=(body.message if body and body.message else None),
        )
        audit.record(
            session,
            actor_id=principal.user_id,
            action="meeting.remind",
            object_type="meeting",
            object_id=m.id,
            unit_path=access.path,
            after={"user_ids": ids},
        )
    return RemindResult(reminded=len(ids), user_ids=ids)


def recount(session: Session, m: Meeting) -> None:
    """The meeting's attendance counters from its attendee rows (caller holds the lock)."""
    session.flush()
    rows = session.exec(
        select(MeetingAttendee.reply, MeetingAttendee.present, MeetingAttendee.late).where(
            MeetingAttendee.meeting_id == m.id
        )
    ).all()
    m.n_invited = len(rows)
    m.n_replied = sum(1 for reply, _, _ in rows if reply is not None)
    m.n_present = sum(1 for _, present, _ in rows if present)
    m.n_late = sum(1 for _, present, late in rows if present and late)
    m.n_excused = sum(1 for reply, present, _ in rows if not present and reply == "excused")
    session.add(m)
