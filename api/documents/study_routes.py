"""Study set endpoints (chuyên đề): publishers arrange documents, members follow their progress."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep
from api.documents import study_sets
from api.documents.schemas import StudySetCreate, StudySetPublic, StudySetUpdate
from api.pagination import Page
from api.types import IdPath

router = APIRouter(tags=["study sets"])


@router.get("/study-sets", response_model=Page[StudySetPublic])
def list_sets(
    session: SessionDep, principal: CurrentPrincipal, limit: LimitDep, cursor: CursorQuery = None
) -> Page[StudySetPublic]:
    """Study sets for the caller, newest first, with their own progress."""
    items, next_cursor = study_sets.list_sets(session, principal, cursor=cursor, limit=limit)
    return Page(items=items, next_cursor=next_cursor)


@router.post("/study-sets", response_model=StudySetPublic, status_code=201)
def create_set(
    session: SessionDep, principal: CurrentPrincipal, body: StudySetCreate
) -> StudySetPublic:
    """A publisher of the issuing unit arranges published documents to study in order."""
    created = study_sets.create(session, principal, body)
    return study_sets.detail(session, principal, created)


@router.get("/study-sets/{set_id}", response_model=StudySetPublic)
def get_set(session: SessionDep, principal: CurrentPrincipal, set_id: IdPath) -> StudySetPublic:
    """The set's documents in order, each with the caller's receipt, and their progress."""
    return study_sets.detail(session, principal, study_sets.visible_set(session, principal, set_id))


@router.patch("/study-sets/{set_id}", response_model=StudySetPublic)
def update_set(
    session: SessionDep, principal: CurrentPrincipal, set_id: IdPath, body: StudySetUpdate
) -> StudySetPublic:
    """Rename, describe or reorder the set."""
    updated = study_sets.update(session, principal, set_id, body)
    return study_sets.detail(session, principal, updated)


@router.delete("/study-sets/{set_id}", status_code=204)
def delete_set(session: SessionDep, principal: CurrentPrincipal, set_id: IdPath) -> Response:
    """Delete the set (its documents stay in the library)."""
    study_sets.remove(session, principal, set_id)
    return Response(status_code=204)
