"""Assignment endpoints: a thin HTTP layer over the assignments services."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlmodel import Session

from api.assignments import (
    assignees,
    personal,  # noqa: F401  (registers its privacy export and erasure)
    queries,
    recurrence,
    reminders,
    service,
    workflow,
)
from api.assignments.access import load
from api.assignments.history import event_public, list_events
from api.assignments.schemas import (
    AssigneesAdd,
    AssignmentCreate,
    AssignmentPublic,
    AssignmentUpdate,
    CancelBody,
    CommentCreate,
    EventPublic,
    RecordPublic,
    RemindBody,
    RemindResult,
    ReturnBody,
    ReviewBody,
    SeriesPublic,
    SubmitBody,
)
from api.assignments.states import State
from api.authz import Principal
from api.db import utcnow
from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep, in_one_thread
from api.errors import FieldError, ValidationFailed
from api.members.models import User
from api.pagination import Page
from api.types import MAX_ID, IdPath

router = APIRouter(tags=["assignments"])
IdQuery = Annotated[int | None, Query(ge=1, le=MAX_ID)]


def _one(session: Session, principal: Principal, assignment_id: int) -> AssignmentPublic:
    """The assignment as the caller sees it now (after a change, with the change)."""
    session.flush()
    return queries.public_one(session, load(session, principal, assignment_id), principal)


@router.post("/assignments", response_model=AssignmentPublic, status_code=201)
def create_assignment(
    session: SessionDep, principal: CurrentPrincipal, body: AssignmentCreate
) -> AssignmentPublic:
    """The cell's secretary or deputy gives a task to chosen members or the whole cell."""
    assignment = service.create(session, principal, body)
    return _one(session, principal, assignment.id)  # type: ignore[arg-type]


@router.get("/assignments", response_model=Page[AssignmentPublic])
@in_one_thread
def list_assignments(
    session: Session,
    principal: Principal,
    limit: LimitDep,
    cursor: CursorQuery = None,
    scope: Literal["mine", "cell"] = "mine",
    cell_id: IdQuery = None,
    state: Annotated[list[State] | None, Query(max_length=6)] = None,
    open_only: Annotated[bool, Query(alias="open")] = False,
    overdue: bool | None = None,
) -> Page[AssignmentPublic]:
    """The caller's own records (`mine`), or a cell's assignments for its leaders and committees."""
    filters = queries.Filters(states=state or (), open_only=open_only, overdue=overdue)
    if scope == "cell":
        if cell_id is None:
            raise ValidationFailed(errors=[FieldError("cell_id", "field.missing")])
        items, next_cursor = queries.list_cell(
            session, principal, cell_id, filters, cursor=cursor, limit=limit
        )
    else:
        items, next_cursor = queries.list_mine(
            session, principal, filters, cursor=cursor, limit=limit
        )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/assignments/{assignment_id}", response_model=AssignmentPublic)
def get_assignment(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath
) -> AssignmentPublic:
    """The assignment: every record for the cell's leaders and committees, else one's own."""
    return _one(session, principal, assignment_id)


@router.patch("/assignments/{assignment_id}", response_model=AssignmentPublic)
def update_assignment(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath, body: AssignmentUpdate
) -> AssignmentPublic:
    """Leaders change the title, description, priority, due time or linked documents."""
    service.update(session, principal, assignment_id, body)
    return _one(session, principal, assignment_id)


@router.post("/assignments/{assignment_id}/start", response_model=AssignmentPublic)
def start(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath
) -> AssignmentPublic:
    """The assignee starts work on their record."""
    workflow.start(session, principal, assignment_id)
    return _one(session, principal, assignment_id)


@router.post("/assignments/{assignment_id}/submit", response_model=AssignmentPublic)
def submit(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath, body: SubmitBody
) -> AssignmentPublic:
    """The assignee reports the result (text and/or attachments)."""
    workflow.submit(session, principal, assignment_id, body)
    return _one(session, principal, assignment_id)


@router.post(
    "/assignments/{assignment_id}/assignees/{user_id}/approve", response_model=AssignmentPublic
)
def approve(
    session: SessionDep,
    principal: CurrentPrincipal,
    assignment_id: IdPath,
    user_id: IdPath,
    body: ReviewBody | None = None,
) -> AssignmentPublic:
    """A leader approves a submitted report."""
    workflow.approve(session, principal, assignment_id, user_id, body)
    return _one(session, principal, assignment_id)


@router.post(
    "/assignments/{assignment_id}/assignees/{user_id}/return", response_model=AssignmentPublic
)
def return_report(
    session: SessionDep,
    principal: CurrentPrincipal,
    assignment_id: IdPath,
    user_id: IdPath,
    body: ReturnBody,
) -> AssignmentPublic:
    """A leader returns a submitted report with the reason."""
    workflow.return_report(session, principal, assignment_id, user_id, body)
    return _one(session, principal, assignment_id)


@router.post("/assignments/{assignment_id}/assignees", response_model=AssignmentPublic)
def add_assignees(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath, body: AssigneesAdd
) -> AssignmentPublic:
    """Leaders add members of the cell to the assignment."""
    assignees.add_assignees(session, principal, assignment_id, body)
    return _one(session, principal, assignment_id)


@router.delete("/assignments/{assignment_id}/assignees/{user_id}", response_model=RecordPublic)
def remove_assignee(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath, user_id: IdPath
) -> RecordPublic:
    """Leaders take a member off the assignment: the record is cancelled, its history kept."""
    access, record = assignees.remove_assignee(session, principal, assignment_id, user_id)
    user = session.get(User, user_id)
    return queries.record_public(
        record, user.full_name if user else "", access.assignment.due_at, utcnow()
    )


@router.post("/assignments/{assignment_id}/cancel", response_model=AssignmentPublic)
def cancel(
    session: SessionDep,
    principal: CurrentPrincipal,
    assignment_id: IdPath,
    body: CancelBody | None = None,
) -> AssignmentPublic:
    """Leaders cancel the assignment: every unfinished record is cancelled."""
    service.cancel(session, principal, assignment_id, body)
    return _one(session, principal, assignment_id)


@router.post("/assignments/{assignment_id}/remind", response_model=RemindResult)
def remind(
    session: SessionDep,
    principal: CurrentPrincipal,
    assignment_id: IdPath,
    body: RemindBody | None = None,
) -> RemindResult:
    """Leaders nudge the assignees who still owe work (at most hourly for the same people)."""
    return reminders.remind(session, principal, assignment_id, body)


@router.post("/assignments/{assignment_id}/comments", response_model=EventPublic, status_code=201)
def add_comment(
    session: SessionDep, principal: CurrentPrincipal, assignment_id: IdPath, body: CommentCreate
) -> EventPublic:
    """A comment between the cell's leaders and an assignee (or, from leaders, to all)."""
    access, event = workflow.comment(session, principal, assignment_id, body)
    return event_public(session, access, event)


@router.get("/assignments/{assignment_id}/history", response_model=Page[EventPublic])
def history(
    session: SessionDep,
    principal: CurrentPrincipal,
    assignment_id: IdPath,
    limit: LimitDep,
    cursor: CursorQuery = None,
    user_id: IdQuery = None,
) -> Page[EventPublic]:
    """Every change, oldest first: one's own record's, or (leaders) any assignee's."""
    access = load(session, principal, assignment_id)
    items, next_cursor = list_events(session, access, user_id=user_id, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.get("/assignment-series", response_model=list[SeriesPublic])
def list_series(
    session: SessionDep,
    principal: CurrentPrincipal,
    cell_id: Annotated[int, Query(ge=1, le=MAX_ID)],
) -> list[SeriesPublic]:
    """A cell's regular-assignment schedules, for its leaders and committees."""
    now = utcnow()
    return [
        recurrence.series_public(s, now)
        for s in recurrence.list_series(session, principal, cell_id)
    ]


@router.post("/assignment-series/{series_id}/stop", response_model=SeriesPublic)
def stop_series(
    session: SessionDep, principal: CurrentPrincipal, series_id: IdPath
) -> SeriesPublic:
    """Leaders stop a schedule; the assignments it already gave stay."""
    return recurrence.series_public(recurrence.stop_series(session, principal, series_id))
