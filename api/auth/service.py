"""Sign-in, sessions, rotating refresh tokens and password changes."""

from __future__ import annotations

import datetime as dt
import hashlib
import secrets
from functools import cache, lru_cache
from typing import Any

from sqlalchemy import bindparam, or_, update
from sqlalchemy.orm import aliased
from sqlmodel import Session, col, select

from api.audit import service as audit
from api.auth.models import AuthSession, AuthToken
from api.auth.passwords import PasswordHasher, check_password_policy
from api.authz import Grant, Principal
from api.config import get_settings
from api.db import utcnow
from api.errors import FieldError, InvalidCredentials, InvalidToken, RateLimited, ValidationFailed
from api.members.models import User, normalize_phone
from api.ops import ratelimit
from api.org.models import OrgUnit, RoleGrant

# A hash to verify against when the account does not exist, so timing does not tell.
_DUMMY_PASSWORD = "sotay-no-such-account"  # noqa: S105


@lru_cache
def hasher() -> PasswordHasher:
    """The process-wide argon2id hasher with the configured parameters."""
    s = get_settings()
    return PasswordHasher(
        time_cost=s.argon2_time_cost,
        memory_cost=s.argon2_memory_kib,
        parallelism=s.argon2_parallelism,
        max_concurrent=s.argon2_max_concurrent,
    )


@lru_cache
def _dummy_hash() -> str:
    return hasher().hash_password(_DUMMY_PASSWORD)


def token_hash(token: str) -> str:
    """Tokens are stored as SHA-256: a database leak gives no usable token."""
    return hashlib.sha256(token.encode()).hexdigest()


def find_user_by_username(session: Session, username: str) -> User | None:
    """`username` is a party card number, a phone number or an e-mail."""
    username = username.strip()
    conditions = [col(User.party_card_number) == username]
    if "@" in username:
        conditions.append(col(User.email) == username.lower())
    else:
        try:
            phone = normalize_phone(username)
        except ValueError:
            phone = None
        if phone:
            conditions.append(col(User.phone) == phone)
    return session.exec(select(User).where(or_(*conditions))).first()


def _check_throttle(session: Session, keys: list[tuple[str, int]]) -> None:
    window = get_settings().login_window_seconds
    for key, limit in keys:
        hits, retry = ratelimit.count(session, key, window)
        if hits >= limit:
            raise RateLimited(retry)


def _unknown_name_key(username: str) -> str:
    """The counter of a name that matches no account: its canonical spelling, so the
    spellings of one unknown phone or e-mail share a counter as a known account's do."""
    name = username.strip()
    if "@" in name:
        return f"login:acct:name:{name.lower()}"
    try:
        phone = normalize_phone(name)
    except ValueError:
        phone = None
    return f"login:acct:name:{phone or name.lower()}"


def _account_key(user: User | None, username: str) -> tuple[str, int]:
    """Failures are counted per account (its id), whichever identifier or spelling was typed."""
    limit = get_settings().login_max_failures_per_account
    if user is not None and user.id is not None:
        return f"login:acct:id:{user.id}", limit
    return _unknown_name_key(username), limit


def _address_keys(ip: str | None) -> list[tuple[str, int]]:
    if not ip:
        return []
    return [(f"login:ip:{ip}", get_settings().login_max_failures_per_address)]


def authenticate(session: Session, username: str, password: str, ip: str | None) -> User:
    """The user behind the credentials, under throttling; failures are counted and kept."""
    address = _address_keys(ip)
    _check_throttle(session, address)
    # The lookup runs for every attempt, known name or not, before the account's counter is
    # read: one lookup and one counter read either way, as before.
    user = find_user_by_username(session, username)
    account = _account_key(user, username)
    keys = [account, *address]
    _check_throttle(session, [account])
    ph = hasher()
    ok = ph.verify_password(user.password_hash if user else _dummy_hash(), password)
    if not (ok and user is not None and user.is_active):
        window = get_settings().login_window_seconds
        for key, _limit in keys:
            ratelimit.hit(session, key, window)
        audit.record(
            session,
            actor_id=None,
            action="auth.failed",
            object_type="user",
            object_id=user.id if user else None,
            unit_path=_cell_path(session, user.cell_id if user else None),
        )
        raise InvalidCredentials(keep_changes=True)
    if ph.needs_rehash(user.password_hash):
        user.password_hash = ph.hash_password(password)
        session.add(user)
    ratelimit.reset(session, account[0])
    return user


def _new_token(session: Session, auth: AuthSession, kind: str, ttl: int) -> str:
    raw = secrets.token_urlsafe(32)
    session.add(
        AuthToken(
            session_id=auth.id,  # type: ignore[arg-type]
            kind=kind,
            token_hash=token_hash(raw),
            expires_at=utcnow() + dt.timedelta(seconds=ttl),
        )
    )
    return raw


def start_bearer_session(
    session: Session, user: User, user_agent: str | None, ip: str | None
) -> tuple[str, str, int]:
    """A new token chain: (access token, refresh token, access lifetime in seconds)."""
    s = get_settings()
    auth = AuthSession(
        user_id=user.id,  # type: ignore[arg-type]
        kind="bearer",
        expires_at=utcnow() + dt.timedelta(seconds=s.refresh_token_ttl_seconds),
        user_agent=(user_agent or "")[:300] or None,
        ip=ip,
    )
    session.add(auth)
    session.flush()
    access = _new_token(session, auth, "access", s.access_token_ttl_seconds)
    refresh = _new_token(session, auth, "refresh", s.refresh_token_ttl_seconds)
    _audit_sign_in(session, user, auth)
    return access, refresh, s.access_token_ttl_seconds


def start_cookie_session(
    session: Session, user: User, user_agent: str | None, ip: str | None
) -> str:
    """A cookie session for the PWA; returns the cookie's value."""
    s = get_settings()
    auth = AuthSession(
        user_id=user.id,  # type: ignore[arg-type]
        kind="cookie",
        expires_at=utcnow() + dt.timedelta(seconds=s.cookie_session_ttl_seconds),
        user_agent=(user_agent or "")[:300] or None,
        ip=ip,
    )
    session.add(auth)
    session.flush()
    _audit_sign_in(session, user, auth)
    return _new_token(session, auth, "cookie", s.cookie_session_ttl_seconds)


def _audit_sign_in(session: Session, user: User, auth: AuthSession) -> None:
    audit.record(
        session,
        actor_id=user.id,
        action="auth.sign_in",
        object_type="session",
        object_id=auth.id,
        unit_path=_cell_path(session, user.cell_id),
    )


def _cell_path(session: Session, cell_id: int | None) -> str | None:
    """Where a member's security events belong, so the admins of their unit see them."""
    if cell_id is None:
        return None
    return session.exec(select(OrgUnit.path).where(col(OrgUnit.id) == cell_id)).first()


def _user_cell_path(session: Session, user_id: int) -> str | None:
    return session.exec(
        select(OrgUnit.path)
        .join(User, col(User.cell_id) == OrgUnit.id)
        .where(col(User.id) == user_id)
    ).first()


def revoke_session(session: Session, session_id: int, reason: str) -> None:
    """End one session: every token of it stops working at once."""
    session.execute(
        update(AuthSession)
        .where(col(AuthSession.id) == session_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=utcnow(), revoked_reason=reason)
    )


def revoke_user_sessions(session: Session, user_id: int, *, keep: int | None, reason: str) -> None:
    """End all of a user's sessions, except `keep`."""
    stmt = update(AuthSession).where(
        col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None)
    )
    if keep is not None:
        stmt = stmt.where(col(AuthSession.id) != keep)
    session.execute(stmt.values(revoked_at=utcnow(), revoked_reason=reason))


def refresh(session: Session, raw_refresh: str) -> tuple[str, str, int]:
    """Rotate a refresh token; a spent one being used again revokes the whole chain."""
    row = session.exec(
        select(AuthToken, AuthSession)
        .join(AuthSession, col(AuthSession.id) == AuthToken.session_id)
        .where(AuthToken.token_hash == token_hash(raw_refresh), AuthToken.kind == "refresh")
    ).first()
    if row is None:
        raise InvalidToken()
    token, auth = row
    now = utcnow()
    if token.spent_at is not None:
        revoke_session(session, auth.id, "refresh_reuse")  # type: ignore[arg-type]
        audit.record(
            session,
            actor_id=auth.user_id,
            action="auth.refresh_reuse",
            object_type="session",
            object_id=auth.id,
            unit_path=_user_cell_path(session, auth.user_id),
        )
        raise InvalidToken(keep_changes=True)
    if auth.revoked_at is not None or token.expires_at <= now:
        raise InvalidToken()
    user = session.get(User, auth.user_id)
    if user is None or not user.is_active:
        raise InvalidToken()
    # Spend it only if nobody spent it first (two devices racing with one token).
    spent = session.execute(
        update(AuthToken)
        .where(col(AuthToken.id) == token.id, col(AuthToken.spent_at).is_(None))
        .values(spent_at=now)
    )
    if spent.rowcount != 1:  # type: ignore[attr-defined]
        raise InvalidToken()
    # Old access tokens of the chain end too: one live access token per chain.
    session.execute(
        update(AuthToken)
        .where(
            col(AuthToken.session_id) == auth.id,
            col(AuthToken.kind) == "access",
            col(AuthToken.spent_at).is_(None),
        )
        .values(spent_at=now)
    )
    s = get_settings()
    access = _new_token(session, auth, "access", s.access_token_ttl_seconds)
    new_refresh = _new_token(session, auth, "refresh", s.refresh_token_ttl_seconds)
    return access, new_refresh, s.access_token_ttl_seconds


@cache
def _principal_statement() -> Any:
    """load_principal's statement, built once: building a select of aliased entities costs
    more CPU than running it (a fifth of a small request, measured with py-spy)."""
    cell = aliased(OrgUnit)
    grant_unit = aliased(OrgUnit)
    return (
        select(  # type: ignore[call-overload]
            AuthToken.session_id,
            User.id,
            User.full_name,
            User.cell_id,
            User.must_change_password,
            cell.path,
            RoleGrant.id,
            RoleGrant.unit_id,
            grant_unit.path,
            RoleGrant.role,
        )
        .join(AuthSession, col(AuthSession.id) == AuthToken.session_id)
        .join(User, col(User.id) == AuthSession.user_id)
        .outerjoin(cell, col(cell.id) == User.cell_id)
        .outerjoin(RoleGrant, col(RoleGrant.user_id) == User.id)
        .outerjoin(grant_unit, col(grant_unit.id) == RoleGrant.unit_id)
        .where(
            AuthToken.token_hash == bindparam("token_hash"),
            AuthToken.kind == bindparam("kind"),
            col(AuthToken.spent_at).is_(None),
            col(AuthToken.expires_at) > bindparam("now"),
            col(AuthSession.revoked_at).is_(None),
            col(User.is_active).is_(True),
        )
    )


def load_principal(session: Session, raw_token: str, kind: str) -> Principal | None:
    """The caller behind a token of `kind` ('access' or 'cookie'), or None.

    Every authenticated request runs this, so it is one statement: the token, its session, the
    user's few columns, the cell's path and each grant with its unit's path (a row per grant).
    """
    rows = session.execute(
        _principal_statement(),
        {"token_hash": token_hash(raw_token), "kind": kind, "now": utcnow()},
    ).all()
    if not rows:
        return None
    session_id, user_id, full_name, cell_id, must_change, cell_path = rows[0][:6]
    return Principal(
        user_id=user_id,
        full_name=full_name,
        cell_id=cell_id,
        cell_path=cell_path,
        grants=[
            Grant(id=gid, unit_id=uid, unit_path=path, role=role)
            for *_, gid, uid, path, role in rows
            if gid is not None
        ],
        session_id=session_id,
        must_change_password=must_change,
    )


def principal_for(session: Session, user: User, session_id: int | None = None) -> Principal:
    """Build the Principal (grants with their unit paths, the cell's path) for `user`."""
    grants = [
        Grant(id=gid, unit_id=uid, unit_path=path, role=role)
        for gid, uid, path, role in session.execute(
            select(RoleGrant.id, RoleGrant.unit_id, OrgUnit.path, RoleGrant.role)
            .join(OrgUnit, col(OrgUnit.id) == RoleGrant.unit_id)
            .where(RoleGrant.user_id == user.id)
        )
    ]
    cell_path = None
    if user.cell_id is not None:
        cell_path = session.execute(
            select(OrgUnit.path).where(col(OrgUnit.id) == user.cell_id)
        ).scalar()
    return Principal(
        user_id=user.id,  # type: ignore[arg-type]
        full_name=user.full_name,
        cell_id=user.cell_id,
        cell_path=cell_path,
        grants=grants,
        session_id=session_id,
        must_change_password=user.must_change_password,
    )


def policy_errors(password: str, user: User, field: str) -> list[FieldError]:
    """Password policy failures as field errors."""
    inputs = [user.party_card_number, user.full_name, user.phone or "", user.email or ""]
    return [FieldError(field, code) for code in check_password_policy(password, user_inputs=inputs)]


def set_password(session: Session, user: User, new_password: str, *, temporary: bool) -> None:
    """Hash and store a password that passed the policy."""
    errors = policy_errors(new_password, user, "password")
    if errors:
        raise ValidationFailed(errors=errors)
    user.password_hash = hasher().hash_password(new_password)
    user.must_change_password = temporary
    user.updated_at = utcnow()
    session.add(user)


def change_password(
    session: Session, user: User, current: str, new: str, keep_session: int | None
) -> None:
    """Change the caller's password and end their other sessions."""
    if not hasher().verify_password(user.password_hash, current):
        raise ValidationFailed(errors=[FieldError("current_password", "field.wrong_password")])
    if current == new:
        raise ValidationFailed(errors=[FieldError("new_password", "password.same_as_old")])
    errors = policy_errors(new, user, "new_password")
    if errors:
        raise ValidationFailed(errors=errors)
    user.password_hash = hasher().hash_password(new)
    user.must_change_password = False
    user.updated_at = utcnow()
    session.add(user)
    revoke_user_sessions(session, user.id, keep=keep_session, reason="password_changed")  # type: ignore[arg-type]
    audit.record(
        session,
        actor_id=user.id,
        action="user.password_changed",
        object_type="user",
        object_id=user.id,
        unit_path=_cell_path(session, user.cell_id),
    )
