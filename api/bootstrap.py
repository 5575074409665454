"""First-run set-up: the root unit and an administrator."""

from __future__ import annotations

import contextlib
import hashlib

from sqlmodel import Session, col, select

from api.auth import service as auth_service
from api.errors import ValidationFailed
from api.members.models import User, normalize_email, normalize_phone
from api.org import service as org
from api.org.models import OrgUnit, Role, RoleGrant
from api.text import vn_sort_key

ROOT_NAME = "Ban Chấp hành Trung ương"
ROOT_CODE = "TW"


def create_admin(
    session: Session, *, username: str, password: str, unit_code: str | None, full_name: str
) -> bool:
    """Make `username` an administrator of the unit (root by default); idempotent.

    On an empty database the root unit is created first. Returns True if the account is new.
    """
    root = session.exec(select(OrgUnit).where(col(OrgUnit.parent_id).is_(None))).first()
    if root is None:
        root = org.create_root(session, name=ROOT_NAME, code=ROOT_CODE)
    unit = root if unit_code is None else org.get_by_code(session, unit_code)
    if unit is None:
        raise ValidationFailed()
    user = auth_service.find_user_by_username(session, username)
    created = user is None
    if user is None:
        user = User(
            full_name=full_name,
            name_sort=vn_sort_key(full_name),
            party_card_number=username
            if username.isalnum()
            else "ADM" + hashlib.sha256(username.encode()).hexdigest()[:12],
        )
        if "@" in username:
            user.email = normalize_email(username)
        elif not username.isalnum() or username.startswith("0"):
            with contextlib.suppress(ValueError):
                user.phone = normalize_phone(username)
    auth_service.set_password(session, user, password, temporary=False)
    session.add(user)
    session.flush()
    exists = session.exec(
        select(RoleGrant).where(
            RoleGrant.user_id == user.id, RoleGrant.unit_id == unit.id, RoleGrant.role == Role.admin
        )
    ).first()
    if exists is None:
        session.add(RoleGrant(user_id=user.id, unit_id=unit.id, role=Role.admin))  # type: ignore[arg-type]
    session.flush()
    return created
