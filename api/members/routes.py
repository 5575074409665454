"""Member administration endpoints."""

from __future__ import annotations

from fastapi import APIRouter, Response
from fastapi.responses import JSONResponse

from api import privacy
from api.audit import service as audit
from api.deps import CurrentPrincipal, SessionDep
from api.members import service
from api.members.models import MemberCreate, MemberPublic, MemberUpdate
from api.types import IdPath

router = APIRouter(tags=["members"])


@router.post("/members", response_model=MemberPublic, status_code=201)
def create_member(
    session: SessionDep, principal: CurrentPrincipal, body: MemberCreate
) -> MemberPublic:
    """An administrator adds a member to a cell (temporary password by default)."""
    user = service.create_member(session, principal, body)
    return MemberPublic.model_validate(user, from_attributes=True)


@router.get("/members/{user_id}", response_model=MemberPublic)
def get_member(session: SessionDep, principal: CurrentPrincipal, user_id: IdPath) -> MemberPublic:
    """A member's profile: oneself, or a member of a cell the caller oversees."""
    user, cell_path = service.visible_member(session, principal, user_id)
    if user_id != principal.user_id:
        # Who looked at whose profile: members may ask, and audits do (privacy).
        audit.record_view(
            actor_id=principal.user_id,
            action="member.viewed",
            object_type="user",
            object_id=user_id,
            unit_path=cell_path,
        )
    return MemberPublic.model_validate(user, from_attributes=True)


@router.patch("/members/{user_id}", response_model=MemberPublic)
def update_member(
    session: SessionDep, principal: CurrentPrincipal, user_id: IdPath, body: MemberUpdate
) -> MemberPublic:
    """An administrator changes a member's profile, cell or active flag."""
    user = service.update_member(session, principal, user_id, body)
    return MemberPublic.model_validate(user, from_attributes=True)


@router.post("/members/{user_id}/erase", status_code=204)
def erase_member(session: SessionDep, principal: CurrentPrincipal, user_id: IdPath) -> Response:
    """An administrator erases a member's personal data; the audit trail stays lawful."""
    service.erase_member(session, principal, user_id)
    return Response(status_code=204)


@router.get("/me/export")
def export_my_data(session: SessionDep, principal: CurrentPrincipal) -> JSONResponse:
    """Everything the service holds about the caller, as one JSON download."""
    data = privacy.export_member(session, principal.user_id)
    return JSONResponse(
        data,
        headers={
            "Content-Disposition": 'attachment; filename="du-lieu-cua-toi.json"',
            "Cache-Control": "no-store",
        },
    )
