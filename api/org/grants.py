"""Role grants: who holds which role over which unit."""

from __future__ import annotations

from sqlalchemy import update
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, col, select

from api.audit import service as audit
from api.authz import Principal, authorize
from api.db import utcnow
from api.errors import Duplicate, FieldError, NotFound
from api.members.models import User
from api.org.models import OrgUnit, RoleGrant, RoleGrantCreate


def reach_changed(session: Session, user_ids: list[int]) -> None:
    """What these members may read changed: their devices' next sync starts over (full)."""
    if user_ids:
        session.execute(update(User).where(col(User.id).in_(user_ids)).values(updated_at=utcnow()))


def grant_role(session: Session, principal: Principal, data: RoleGrantCreate) -> RoleGrant:
    """An administrator of the unit grants a role to a member within their reach."""
    unit = session.get(OrgUnit, data.unit_id)
    if unit is None or not principal.can_see_unit(unit.path):
        raise NotFound(errors=[FieldError("unit_id", "field.unit_not_found")])
    authorize(principal, "grant.manage", unit.path)
    row = session.exec(
        select(User, OrgUnit.path)
        .join(OrgUnit, col(OrgUnit.id) == User.cell_id, isouter=True)
        .where(User.id == data.user_id)
    ).first()
    # The grantee must be someone this admin administers (a member of their subtree).
    if row is None or row[1] is None or not principal.may("grant.manage", row[1]):
        raise NotFound(errors=[FieldError("user_id", "field.user_not_found")])
    grant = RoleGrant(
        user_id=data.user_id,
        unit_id=data.unit_id,
        role=data.role.value,
        created_by_id=principal.user_id,
    )
    try:
        with session.begin_nested():
            session.add(grant)
            session.flush()
    except IntegrityError:
        raise Duplicate() from None
    reach_changed(session, [data.user_id])
    audit.record(
        session,
        actor_id=principal.user_id,
        action="grant.create",
        object_type="role_grant",
        object_id=grant.id,
        unit_path=unit.path,
        after=audit.snapshot(grant),
    )
    return grant


def revoke_grant(session: Session, principal: Principal, grant_id: int) -> None:
    """An administrator of the grant's unit removes it."""
    row = session.exec(
        select(RoleGrant, OrgUnit.path)
        .join(OrgUnit, col(OrgUnit.id) == RoleGrant.unit_id)
        .where(RoleGrant.id == grant_id)
    ).first()
    if row is None or not principal.may("grant.manage", row[1]):
        raise NotFound()
    grant, path = row
    before = audit.snapshot(grant)
    session.delete(grant)
    reach_changed(session, [grant.user_id])
    audit.record(
        session,
        actor_id=principal.user_id,
        action="grant.delete",
        object_type="role_grant",
        object_id=grant_id,
        unit_path=path,
        before=before,
    )


def grants_in_unit(session: Session, principal: Principal, unit: OrgUnit) -> list[RoleGrant]:
    """Grants held at exactly this unit, for its administrators."""
    authorize(principal, "grant.list", unit.path)
    return list(session.exec(select(RoleGrant).where(RoleGrant.unit_id == unit.id)))
