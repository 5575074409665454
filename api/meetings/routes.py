"""Meeting endpoints: a thin HTTP layer over the meetings services."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from api.authz import Principal
from api.db import utcnow
from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep
from api.errors import FieldError, ValidationFailed
from api.meetings import attendance, minutes, queries, ratings, recurrence, service
from api.meetings.access import load, names
from api.meetings.schemas import (
    AttendanceBody,
    AttendeePublic,
    CheckInBody,
    CheckInCode,
    MeetingCreate,
    MeetingPublic,
    MeetingUpdate,
    MinutesBody,
    PostponeBody,
    RatingBody,
    RatingSummary,
    ReasonBody,
    RemindBody,
    RemindResult,
    ReplyBody,
    SeriesPublic,
)
from api.pagination import Page
from api.types import MAX_ID, IdPath

router = APIRouter(tags=["meetings"])
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _one(session: Session, principal: Principal, meeting_id: int) -> MeetingPublic:
    """The meeting as the caller sees it now (after a change, with the change)."""
    session.flush()
    return queries.public_one(session, load(session, principal, meeting_id), principal)


def _private(response: Response) -> None:
    # Replies, attendance and names: never kept by shared caches.
    response.headers["Cache-Control"] = "private, no-cache"


@router.post("/meetings", response_model=MeetingPublic, status_code=201)
def create_meeting(
    session: SessionDep, principal: CurrentPrincipal, body: MeetingCreate
) -> MeetingPublic:
    """The cell's leaders plan a meeting (optionally monthly, optionally published at once)."""
    meeting = service.create(session, principal, body)
    return _one(session, principal, meeting.id)  # type: ignore[arg-type]


@router.get("/meetings", response_model=Page[MeetingPublic])
def list_meetings(
    session: SessionDep,
    principal: CurrentPrincipal,
    limit: LimitDep,
    response: Response,
    cursor: CursorQuery = None,
    scope: Literal["mine", "cell"] = "mine",
    cell_id: IdQuery = None,
    upcoming: bool = False,
) -> Page[MeetingPublic]:
    """The caller's cell's meetings (`mine`), or a cell's for its leaders and committees."""
    _private(response)
    if scope == "cell" and cell_id is None:
        raise ValidationFailed(errors=[FieldError("cell_id", "field.missing")])
    items, next_cursor = queries.list_meetings(
        session,
        principal,
        cell_id=cell_id if scope == "cell" or cell_id is not None else None,
        upcoming=upcoming,
        cursor=cursor,
        limit=min(limit, 50),
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/meetings/{meeting_id}", response_model=MeetingPublic)
def get_meeting(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, response: Response
) -> MeetingPublic:
    """The meeting; every attendee for the cell's leaders and committees, else one's own."""
    _private(response)
    return _one(session, principal, meeting_id)


@router.patch("/meetings/{meeting_id}", response_model=MeetingPublic)
def update_meeting(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: MeetingUpdate
) -> MeetingPublic:
    """Leaders change a meeting; a new time or place is announced to the invited."""
    service.update(session, principal, meeting_id, body)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/publish", response_model=MeetingPublic)
def publish(session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath) -> MeetingPublic:
    """Send the invitations (inbox and push) with the materials."""
    service.publish(session, principal, meeting_id)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/cancel", response_model=MeetingPublic)
def cancel(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: ReasonBody
) -> MeetingPublic:
    """Leaders cancel the meeting with a reason."""
    service.cancel(session, principal, meeting_id, body)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/postpone", response_model=MeetingPublic)
def postpone(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: PostponeBody
) -> MeetingPublic:
    """Leaders postpone the meeting with a reason, to a new time or until further notice."""
    service.postpone(session, principal, meeting_id, body)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/reply", response_model=MeetingPublic)
def reply(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: ReplyBody
) -> MeetingPublic:
    """The member answers: attend, or excused with a reason."""
    attendance.reply(session, principal, meeting_id, body)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/remind", response_model=RemindResult)
def remind(
    session: SessionDep,
    principal: CurrentPrincipal,
    meeting_id: IdPath,
    body: RemindBody | None = None,
) -> RemindResult:
    """Leaders remind the members who have not answered yet."""
    return service.remind(session, principal, meeting_id, body)


@router.post("/meetings/{meeting_id}/check-in-code", response_model=CheckInCode)
def check_in_code(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, response: Response
) -> CheckInCode:
    """The rotating code and QR the secretary shows in the room (valid about 30–60 s)."""
    response.headers["Cache-Control"] = "no-store"
    return attendance.check_in_code(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/check-in", response_model=MeetingPublic)
def check_in(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: CheckInBody
) -> MeetingPublic:
    """A member in the room checks in with the code; twice records once."""
    attendance.check_in(session, principal, meeting_id, body)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/attendance", response_model=AttendeePublic)
def mark_attendance(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: AttendanceBody
) -> AttendeePublic:
    """The secretary marks a member present (late) or absent; replays are harmless."""
    row = attendance.mark(session, principal, meeting_id, body)
    return AttendeePublic(
        user_id=row.user_id,
        full_name=names(session, [row.user_id]).get(row.user_id, ""),
        reply=row.reply,
        reply_reason=row.reply_reason,
        replied_at=row.replied_at,
        present=row.present,
        late=row.late,
        checked_in_at=row.checked_in_at,
        check_in_method=row.check_in_method,
    )


@router.put("/meetings/{meeting_id}/minutes", response_model=MeetingPublic)
def save_minutes(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: MinutesBody
) -> MeetingPublic:
    """Leaders write the minutes; assignments decided are given in the same step."""
    minutes.save(session, principal, meeting_id, body)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/minutes/approve", response_model=MeetingPublic)
def approve_minutes(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath
) -> MeetingPublic:
    """Leaders approve the minutes; members can read them from now on."""
    minutes.approve(session, principal, meeting_id)
    return _one(session, principal, meeting_id)


@router.post("/meetings/{meeting_id}/rating", status_code=204)
def rate(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath, body: RatingBody
) -> Response:
    """An attendee rates the meeting once, anonymously."""
    ratings.rate(session, principal, meeting_id, body)
    return Response(status_code=204)


@router.get("/meetings/{meeting_id}/ratings", response_model=RatingSummary)
def rating_summary(
    session: SessionDep, principal: CurrentPrincipal, meeting_id: IdPath
) -> RatingSummary:
    """The aggregate of the ratings, for the cell's leaders and committees."""
    return ratings.summary(session, principal, meeting_id)


@router.get("/meeting-series", response_model=list[SeriesPublic])
def list_series(
    session: SessionDep,
    principal: CurrentPrincipal,
    cell_id: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> list[SeriesPublic]:
    """A cell's monthly meeting schedules, for its leaders and committees."""
    now = utcnow()
    return [
        recurrence.series_public(s, now)
        for s in recurrence.list_series(session, principal, cell_id)
    ]


@router.post("/meeting-series/{series_id}/stop", response_model=SeriesPublic)
def stop_series(
    session: SessionDep, principal: CurrentPrincipal, series_id: IdPath
) -> SeriesPublic:
    """Leaders stop a schedule; meetings it already made stay."""
    return recurrence.series_public(recurrence.stop_series(session, principal, series_id))
