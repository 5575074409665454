"""The organisation tree: create, read, move; role grants."""

from __future__ import annotations

from sqlalchemy import func, literal, or_, update
from sqlmodel import Session, col, select

from api.audit import service as audit
from api.authz import Principal, authorize, subtree_clause
from api.db import utcnow
from api.errors import Duplicate, FieldError, NotFound, ValidationFailed
from api.members.models import User
from api.org.models import OrgUnit, OrgUnitCreate, OrgUnitPublic, OrgUnitUpdate, RoleGrant


def to_public(unit: OrgUnit) -> OrgUnitPublic:
    """The unit as clients see it, with the ids on its path for breadcrumbs."""
    ids = [int(p) for p in unit.path.strip("/").split("/") if p]
    return OrgUnitPublic(
        id=unit.id,  # type: ignore[arg-type]
        parent_id=unit.parent_id,
        code=unit.code,
        name=unit.name,
        kind=unit.kind,
        depth=unit.depth,
        is_active=unit.is_active,
        path_ids=ids,
    )


def get_unit(session: Session, unit_id: int) -> OrgUnit:
    """The unit, or 404."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None:
        raise NotFound()
    return unit


def get_by_code(session: Session, code: str) -> OrgUnit | None:
    """The unit with this code, if any."""
    return session.exec(select(OrgUnit).where(OrgUnit.code == code)).first()


def visible_unit(session: Session, principal: Principal, unit_id: int) -> OrgUnit:
    """The unit if the caller can see it; 404 otherwise."""
    unit = session.get(OrgUnit, unit_id)
    if unit is None or not principal.can_see_unit(unit.path):
        raise NotFound()
    return unit


def create_root(session: Session, *, name: str, code: str, kind: str = "central") -> OrgUnit:
    """The tree's root (only on an empty database, by the CLI)."""
    unit = OrgUnit(name=name, code=code, kind=kind, depth=0)
    session.add(unit)
    session.flush()
    unit.path = f"/{unit.id}/"
    session.add(unit)
    session.flush()
    return unit


def insert_unit(session: Session, parent: OrgUnit, *, name: str, code: str, kind: str) -> OrgUnit:
    """Add a child under parent and set its path (no authorization: callers check)."""
    if get_by_code(session, code) is not None:
        raise Duplicate(errors=[FieldError("code", "field.code_taken")])
    unit = OrgUnit(parent_id=parent.id, name=name, code=code, kind=kind, depth=parent.depth + 1)
    session.add(unit)
    session.flush()
    unit.path = f"{parent.path}{unit.id}/"
    session.add(unit)
    session.flush()
    return unit


def create_unit(session: Session, principal: Principal, data: OrgUnitCreate) -> OrgUnit:
    """An administrator of the parent adds a unit under it."""
    parent = session.get(OrgUnit, data.parent_id)
    if parent is None or not principal.can_see_unit(parent.path):
        raise NotFound(errors=[FieldError("parent_id", "field.unit_not_found")])
    authorize(principal, "unit.create", parent.path)
    unit = insert_unit(session, parent, name=data.name, code=data.code, kind=data.kind)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="unit.create",
        object_type="unit",
        object_id=unit.id,
        unit_path=unit.path,
        after=audit.snapshot(unit),
    )
    return unit


def move_unit(session: Session, unit: OrgUnit, new_parent: OrgUnit) -> None:
    """Re-hang a subtree: every descendant's path and depth change in one statement."""
    if new_parent.path.startswith(unit.path):
        raise ValidationFailed(errors=[FieldError("parent_id", "field.bad_parent")])
    old_path = unit.path
    new_path = f"{new_parent.path}{unit.id}/"
    delta = new_parent.depth + 1 - unit.depth
    session.execute(
        update(OrgUnit)
        .where(subtree_clause(OrgUnit.path, old_path))
        .values(
            path=literal(new_path) + func.substr(OrgUnit.path, len(old_path) + 1),
            depth=OrgUnit.depth + delta,
        )
        .execution_options(synchronize_session=False)
    )
    session.execute(
        update(OrgUnit).where(col(OrgUnit.id) == unit.id).values(parent_id=new_parent.id)
    )
    # Everyone in the subtree, or holding a role in it, now reads another set of documents:
    # their devices' next sync starts over. A move is rare; the statement is one UPDATE.
    moved = select(col(OrgUnit.id)).where(subtree_clause(OrgUnit.path, new_path))
    session.execute(
        update(User)
        .where(
            or_(
                col(User.cell_id).in_(moved),
                col(User.id).in_(
                    select(col(RoleGrant.user_id)).where(col(RoleGrant.unit_id).in_(moved))
                ),
            )
        )
        .values(updated_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    session.expire_all()


def update_unit(
    session: Session, principal: Principal, unit: OrgUnit, data: OrgUnitUpdate
) -> OrgUnit:
    """Rename, (de)activate or move a unit; moving needs admin rights at both ends."""
    authorize(principal, "unit.update", unit.path)
    before = audit.snapshot(unit)
    changes = data.model_dump(exclude_unset=True)
    if changes.get("parent_id") is not None and changes["parent_id"] != unit.parent_id:
        if unit.parent_id is None:
            raise ValidationFailed(errors=[FieldError("parent_id", "field.bad_parent")])
        new_parent = session.get(OrgUnit, changes["parent_id"])
        if new_parent is None or not principal.can_see_unit(new_parent.path):
            raise NotFound(errors=[FieldError("parent_id", "field.unit_not_found")])
        authorize(principal, "unit.update", new_parent.path)
        move_unit(session, unit, new_parent)
        unit = get_unit(session, unit.id)  # type: ignore[arg-type]
    for key in ("name", "is_active"):
        if changes.get(key) is not None:
            setattr(unit, key, changes[key])
    session.add(unit)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user_id,
        action="unit.update",
        object_type="unit",
        object_id=unit.id,
        unit_path=unit.path,
        before=before,
        after=audit.snapshot(unit),
    )
    return unit


def children(session: Session, principal: Principal, unit: OrgUnit) -> list[OrgUnit]:
    """Direct children the caller can see, by name."""
    stmt = (
        select(OrgUnit)
        .where(OrgUnit.parent_id == unit.id, principal.visible_units_clause(OrgUnit.path))
        .order_by(col(OrgUnit.kind), col(OrgUnit.code))
    )
    return list(session.exec(stmt))


def subtree_member_count(session: Session, unit: OrgUnit) -> int:
    """Active members in cells under the unit (one indexed query)."""
    stmt = (
        select(func.count())
        .select_from(User)
        .join(OrgUnit, col(OrgUnit.id) == User.cell_id)
        .where(subtree_clause(OrgUnit.path, unit.path), col(User.is_active).is_(True))
    )
    return int(session.execute(stmt).scalar_one())


def grants_of(session: Session, user_id: int) -> list[RoleGrant]:
    """A user's role grants."""
    return list(session.exec(select(RoleGrant).where(RoleGrant.user_id == user_id)))
