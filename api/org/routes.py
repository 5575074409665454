"""Organisation endpoints: units, their children and members, role grants."""

from __future__ import annotations

from fastapi import APIRouter, Response

from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep
from api.members import service as members
from api.members.models import MemberPublic
from api.org import grants, service
from api.org.models import (
    OrgUnitCreate,
    OrgUnitPublic,
    OrgUnitUpdate,
    RoleGrantCreate,
    RoleGrantPublic,
)
from api.pagination import Page
from api.types import IdPath

router = APIRouter(tags=["organisation"])


@router.post("/units", response_model=OrgUnitPublic, status_code=201)
def create_unit(
    session: SessionDep, principal: CurrentPrincipal, body: OrgUnitCreate
) -> OrgUnitPublic:
    """An administrator adds a unit under one they administer."""
    return service.to_public(service.create_unit(session, principal, body))


@router.get("/units/{unit_id}", response_model=OrgUnitPublic)
def get_unit(session: SessionDep, principal: CurrentPrincipal, unit_id: IdPath) -> OrgUnitPublic:
    """A unit within the caller's reach."""
    return service.to_public(service.visible_unit(session, principal, unit_id))


@router.patch("/units/{unit_id}", response_model=OrgUnitPublic)
def update_unit(
    session: SessionDep, principal: CurrentPrincipal, unit_id: IdPath, body: OrgUnitUpdate
) -> OrgUnitPublic:
    """Rename, (de)activate or move a unit with its whole subtree."""
    unit = service.visible_unit(session, principal, unit_id)
    return service.to_public(service.update_unit(session, principal, unit, body))


@router.get("/units/{unit_id}/children", response_model=list[OrgUnitPublic])
def list_children(
    session: SessionDep, principal: CurrentPrincipal, unit_id: IdPath
) -> list[OrgUnitPublic]:
    """The unit's direct children that the caller can see."""
    unit = service.visible_unit(session, principal, unit_id)
    return [service.to_public(u) for u in service.children(session, principal, unit)]


@router.get("/units/{unit_id}/members", response_model=Page[MemberPublic])
def list_members(
    session: SessionDep,
    principal: CurrentPrincipal,
    unit_id: IdPath,
    limit: LimitDep,
    cursor: CursorQuery = None,
) -> Page[MemberPublic]:
    """Members of the unit's subtree, Vietnamese name order; for its leaders and admins."""
    unit = service.visible_unit(session, principal, unit_id)
    rows, next_cursor = members.list_unit_members(
        session, principal, unit, cursor=cursor, limit=limit
    )
    return Page(
        items=[MemberPublic.model_validate(u, from_attributes=True) for u in rows],
        next_cursor=next_cursor,
    )


@router.get("/units/{unit_id}/role-grants", response_model=list[RoleGrantPublic])
def list_grants(
    session: SessionDep, principal: CurrentPrincipal, unit_id: IdPath
) -> list[RoleGrantPublic]:
    """Role grants held at the unit, for its administrators."""
    unit = service.visible_unit(session, principal, unit_id)
    return [
        RoleGrantPublic.model_validate(g, from_attributes=True)
        for g in grants.grants_in_unit(session, principal, unit)
    ]


@router.post("/role-grants", response_model=RoleGrantPublic, status_code=201)
def create_grant(
    session: SessionDep, principal: CurrentPrincipal, body: RoleGrantCreate
) -> RoleGrantPublic:
    """An administrator grants a role over a unit of their subtree."""
    grant = grants.grant_role(session, principal, body)
    return RoleGrantPublic.model_validate(grant, from_attributes=True)


@router.delete("/role-grants/{grant_id}", status_code=204)
def delete_grant(session: SessionDep, principal: CurrentPrincipal, grant_id: IdPath) -> Response:
    """Remove a role grant."""
    grants.revoke_grant(session, principal, grant_id)
    return Response(status_code=204)
