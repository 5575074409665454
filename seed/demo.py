"""Loads the demo organisation (seed/demo_data.py) into the database."""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable

from sqlalchemy import func, select
from sqlmodel import Session

from api.auth.service import hasher
from api.db import new_session
from api.members.models import User
from api.org import service as org
from api.org.models import OrgUnit, RoleGrant
from api.progress import Progress
from api.text import vn_sort_key
from seed import demo_data as data


def database_is_empty(session: Session) -> bool:
    """No member accounts yet."""
    return session.execute(select(func.count()).select_from(User)).scalar_one() == 0


def _load_units(session: Session) -> dict[str, OrgUnit]:
    units: dict[str, OrgUnit] = {}
    for seed in data.ORG:
        existing = org.get_by_code(session, seed.code)
        if existing is not None:
            units[seed.code] = existing
        elif seed.parent_code is None:
            root = session.execute(select(OrgUnit).where(OrgUnit.parent_id.is_(None))).scalar()  # type: ignore[union-attr]
            units[seed.code] = root or org.create_root(session, name=seed.name, code=seed.code)
        else:
            units[seed.code] = org.insert_unit(
                session, units[seed.parent_code], name=seed.name, code=seed.code, kind=seed.kind
            )
    return units


def _load_members(session: Session, units: dict[str, OrgUnit]) -> dict[str, User]:
    # One hash shared by every demo account: hashing 400 passwords one by one would take
    # minutes, and they all have the same published demo password anyway.
    pw_hash = hasher().hash_password(data.DEMO_PASSWORD)
    users: dict[str, User] = {}
    progress = Progress("Đảng viên", len(data.MEMBERS))
    for m in data.MEMBERS:
        user = User(
            full_name=m.full_name,
            name_sort=vn_sort_key(m.full_name),
            party_card_number=m.party_card_number,
            birth_date=m.birth_date,
            gender=m.gender,
            phone=m.phone,
            email=m.email,
            cell_id=units[m.cell_code].id,
            status=m.status,
            joined_on=m.joined_on,
            official_on=m.official_on,
            password_hash=pw_hash,
        )
        session.add(user)
        users[m.party_card_number] = user
        progress.advance()
    progress.finish()
    session.flush()
    return users


def seed_demo(*, only_if_empty: bool = False) -> bool:
    """Load the demo organisation; returns False when skipped (database not empty)."""
    with new_session() as session:
        if only_if_empty and not database_is_empty(session):
            return False
        units = _load_units(session)
        users = _load_members(session, units)
        for grant in data.ROLES:
            session.add(
                RoleGrant(
                    user_id=users[grant.party_card_number].id,  # type: ignore[arg-type]
                    unit_id=units[grant.unit_code].id,  # type: ignore[arg-type]
                    role=grant.role,
                )
            )
        session.flush()
        for loader in _domain_loaders():
            loader(session, units, users)
            session.flush()
        session.commit()
    return True


def _domain_loaders() -> list[Callable[[Session, dict[str, OrgUnit], dict[str, User]], None]]:
    """`seed/load_NN_<domain>.py` modules' `load(session, units, users)`, in NN order."""
    import seed

    modules = pkgutil.iter_modules(seed.__path__)
    names = sorted(i.name for i in modules if i.name.startswith("load_"))
    return [importlib.import_module(f"seed.{name}").load for name in names]


def print_accounts(*, already: bool = False) -> None:
    """The demo logins a person can type, with the shared demo password."""
    if already:
        print("Cơ sở dữ liệu đã có dữ liệu; không nạp lại dữ liệu mẫu.")
    print(f"\nTài khoản mẫu (mật khẩu chung: {data.DEMO_PASSWORD}):")
    print(f"  {'Số thẻ':<10} {'Điện thoại':<12} {'Họ và tên':<22} Vai trò")
    for a in data.DEMO_ACCOUNTS:
        print(
            f"  {a.party_card_number:<10} {a.phone_local:<12} {a.full_name:<22} "
            f"{a.role_description}"
        )
    print("\nĐăng nhập tại http://127.0.0.1:8000 bằng số thẻ hoặc số điện thoại.")
