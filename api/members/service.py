"""Member accounts: create, update, read, list by unit."""

from __future__ import annotations

from typing import Any

from sqlmodel import Session, col, select

from api import privacy
from api.audit import service as audit
from api.auth import service as auth_service
from api.authz import Principal, authorize, member_visible, subtree_clause
from api.db import utcnow
from api.errors import Duplicate, FieldError, NotFound, ValidationFailed
from api.members.models import MemberCreate, MemberUpdate, User
from api.org.models import MEMBER_UNIT_KINDS, OrgUnit
from api.pagination import decode_cursor, encode_cursor
from api.text import vn_sort_key

PROFILE_FIELDS = [
    "full_name",
    "party_card_number",
    "birth_date",
    "gender",
    "phone",
    "email",
    "cell_id",
    "status",
    "joined_on",
    "official_on",
    "is_active",
]


def cell_of(session: Session, cell_id: int, principal: Principal | None = None) -> OrgUnit:
    """The cell a member belongs to; a 422 when it is not a cell or out of sight."""
    cell = session.get(OrgUnit, cell_id)
    if cell is None or (principal is not None and not principal.can_see_unit(cell.path)):
        raise NotFound(errors=[FieldError("cell_id", "field.unit_not_found")])
    if cell.kind not in MEMBER_UNIT_KINDS:
        raise ValidationFailed(errors=[FieldError("cell_id", "field.not_a_cell")])
    return cell


def check_unique(
    session: Session,
    *,
    card: str | None,
    phone: str | None,
    email: str | None,
    exclude_id: int | None = None,
) -> None:
    """Card number, phone and e-mail each belong to one account."""
    errors = []
    for column, value, code, name in (
        (User.party_card_number, card, "field.card_taken", "party_card_number"),
        (User.phone, phone, "field.phone_taken", "phone"),
        (User.email, email, "field.email_taken", "email"),
    ):
        if value is None:
            continue
        stmt = select(User.id).where(column == value)
        if exclude_id is not None:
            stmt = stmt.where(col(User.id) != exclude_id)
        if session.exec(stmt).first() is not None:
            errors.append(FieldError(name, code))
    if errors:
        raise Duplicate(errors=errors)


def create_member(session: Session, principal: Principal, data: MemberCreate) -> User:
    """An administrator of the cell adds a member with a (usually temporary) password."""
    cell = cell_of(session, data.cell_id, principal)
    authorize(principal, "member.create", cell.path)
    check_unique(session, card=data.party_card_number, phone=data.phone, email=data.email)
    fields = data.model_dump(exclude={"password", "must_change_password"})
    user = User(**fields, name_sort=vn_sort_key(data.full_name))
    auth_service.set_password(session, user, data.password, temporary=data.must_change_password)
    session.add(user)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user_id,
        action="member.create",
        object_type="user",
        object_id=user.id,
        unit_path=cell.path,
        after=audit.snapshot(user, PROFILE_FIELDS),
    )
    return user


def visible_member(session: Session, principal: Principal, user_id: int) -> tuple[User, str | None]:
    """A member the caller may see (self, or overseers of the member's cell), with its path."""
    row = session.exec(
        select(User, OrgUnit.path)
        .join(OrgUnit, col(OrgUnit.id) == User.cell_id, isouter=True)
        .where(User.id == user_id)
    ).first()
    if row is None or not member_visible(principal, user_id, row[1]):
        raise NotFound()
    return row[0], row[1]


def update_member(session: Session, principal: Principal, user_id: int, data: MemberUpdate) -> User:
    """An administrator changes a member's profile, cell or active flag."""
    user, cell_path = visible_member(session, principal, user_id)
    if cell_path is None:
        raise NotFound()
    authorize(principal, "member.update", cell_path)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    before = audit.snapshot(user, PROFILE_FIELDS)
    if "cell_id" in changes:
        if changes["cell_id"] is None:
            raise ValidationFailed(errors=[FieldError("cell_id", "field.missing")])
        new_cell = cell_of(session, changes["cell_id"], principal)
        authorize(principal, "member.update", new_cell.path)
        cell_path = new_cell.path
    check_unique(
        session,
        card=None,
        phone=changes.get("phone"),
        email=changes.get("email"),
        exclude_id=user.id,
    )
    for key, value in changes.items():
        if key in ("full_name", "cell_id", "status", "is_active") and value is None:
            continue
        setattr(user, key, value)
    user.name_sort = vn_sort_key(user.full_name)
    user.updated_at = utcnow()
    session.add(user)
    if changes.get("is_active") is False:
        auth_service.revoke_user_sessions(session, user.id, keep=None, reason="deactivated")  # type: ignore[arg-type]
    audit.record(
        session,
        actor_id=principal.user_id,
        action="member.update",
        object_type="user",
        object_id=user.id,
        unit_path=cell_path,
        before=before,
        after=audit.snapshot(user, PROFILE_FIELDS),
    )
    return user


def list_unit_members(
    session: Session, principal: Principal, unit: OrgUnit, *, cursor: str | None, limit: int
) -> tuple[list[User], str | None]:
    """Members in the unit's subtree sorted the Vietnamese way, for its overseers."""
    authorize(principal, "member.list", unit.path)
    after = decode_cursor(cursor, 2)
    stmt = (
        select(User)
        .join(OrgUnit, col(OrgUnit.id) == User.cell_id)
        .where(subtree_clause(OrgUnit.path, unit.path))
    )
    if after is not None:
        stmt = stmt.where(
            (col(User.name_sort) > str(after[0]))
            | ((col(User.name_sort) == str(after[0])) & (col(User.id) > int(after[1] or 0)))
        )
    rows = list(session.exec(stmt.order_by(col(User.name_sort), col(User.id)).limit(limit + 1)))
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor([rows[-1].name_sort, rows[-1].id])
    audit.record_view(
        actor_id=principal.user_id,
        action="member.list_viewed",
        object_type="unit",
        object_id=unit.id,
        unit_path=unit.path,
    )
    return rows, next_cursor


def _export_profile(session: Session, user_id: int) -> dict[str, Any]:
    user = session.get(User, user_id)
    return audit.snapshot(user, PROFILE_FIELDS) if user else {}


def _erase_profile(session: Session, user_id: int) -> None:
    """Remove personal data; the row stays so history and the audit trail keep their ids."""
    user = session.get(User, user_id)
    if user is None:
        return
    user.full_name = f"Đảng viên đã xóa #{user_id}"
    user.name_sort = vn_sort_key(user.full_name)
    user.party_card_number = f"DEL{user_id:010d}"[-20:]
    user.phone = user.email = user.birth_date = user.gender = None
    user.joined_on = user.official_on = None
    user.password_hash = ""
    user.is_active = False
    user.updated_at = utcnow()
    session.add(user)
    auth_service.revoke_user_sessions(session, user_id, keep=None, reason="erased")


privacy.register("profile", export=_export_profile, erase=_erase_profile)


def erase_member(session: Session, principal: Principal, user_id: int) -> None:
    """An administrator erases a member's personal data (the audit trail keeps who and when)."""
    user, cell_path = visible_member(session, principal, user_id)
    if cell_path is None:
        raise NotFound()
    authorize(principal, "member.update", cell_path)
    before = audit.snapshot(user, ["party_card_number", "cell_id"])
    sections = privacy.erase_member(session, user_id)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="member.erase",
        object_type="user",
        object_id=user_id,
        unit_path=cell_path,
        before=before,
        after={"erased": sections},
    )
