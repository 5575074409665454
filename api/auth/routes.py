"""Sign-in endpoints: bearer tokens for apps, an HttpOnly cookie for the PWA."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request, Response
from pydantic import BaseModel

from api import context
from api.auth import service
from api.auth.models import LoginRequest, PasswordChange, RefreshRequest, TokenPair
from api.authz import Principal
from api.config import get_settings
from api.deps import PendingPrincipal, SessionDep, optional_principal
from api.errors import Unauthorized
from api.members.models import User
from api.org.models import OrgUnit

router = APIRouter(tags=["auth"])


class RoleOut(BaseModel):
    unit_id: int
    role: str


class CellOut(BaseModel):
    id: int
    name: str
    code: str


class MeOut(BaseModel):
    id: int
    full_name: str
    party_card_number: str
    phone: str | None
    email: str | None
    cell: CellOut | None
    roles: list[RoleOut]
    must_change_password: bool


def me_out(session: SessionDep, user: User) -> MeOut:
    """The caller's own profile with roles and cell."""
    principal = service.principal_for(session, user)
    cell = session.get(OrgUnit, user.cell_id) if user.cell_id else None
    return MeOut(
        id=user.id,  # type: ignore[arg-type]
        full_name=user.full_name,
        party_card_number=user.party_card_number,
        phone=user.phone,
        email=user.email,
        cell=CellOut(id=cell.id, name=cell.name, code=cell.code) if cell else None,  # type: ignore[arg-type]
        roles=[RoleOut(unit_id=g.unit_id, role=g.role) for g in principal.grants],
        must_change_password=user.must_change_password,
    )


@router.post("/auth/token", response_model=TokenPair)
def issue_token(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form(min_length=1, max_length=254)],
    password: Annotated[str, Form(min_length=1, max_length=1024)],
) -> TokenPair:
    """OAuth2 password grant: a bearer access token and a rotating refresh token."""
    user = service.authenticate(session, username, password, context.client_ip.get())
    access, refresh, ttl = service.start_bearer_session(
        session, user, request.headers.get("user-agent"), context.client_ip.get()
    )
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


@router.post("/auth/refresh", response_model=TokenPair)
def refresh_token(session: SessionDep, body: RefreshRequest) -> TokenPair:
    """Swap a refresh token for a new pair; the old one stops working."""
    access, refresh, ttl = service.refresh(session, body.refresh_token)
    return TokenPair(access_token=access, refresh_token=refresh, expires_in=ttl)


@router.post("/auth/login", response_model=MeOut)
def login(request: Request, response: Response, session: SessionDep, body: LoginRequest) -> MeOut:
    """The PWA's sign-in: sets an HttpOnly, SameSite cookie; the token never reaches JS."""
    user = service.authenticate(session, body.username, body.password, context.client_ip.get())
    raw = service.start_cookie_session(
        session, user, request.headers.get("user-agent"), context.client_ip.get()
    )
    s = get_settings()
    response.set_cookie(
        s.cookie_name,
        raw,
        max_age=s.cookie_session_ttl_seconds,
        httponly=True,
        secure=s.cookie_secure,
        samesite="lax",
        path="/",
    )
    return me_out(session, user)


@router.post("/auth/logout", status_code=204)
def logout(
    session: SessionDep, principal: Annotated[Principal | None, Depends(optional_principal)]
) -> Response:
    """End the current session (cookie or bearer) and clear the cookie."""
    if principal is not None and principal.session_id is not None:
        service.revoke_session(session, principal.session_id, "logout")
        from api.notifications import devices  # this sign-in's push devices go with it

        devices.forget_session_devices(session, principal.session_id)
    s = get_settings()
    out = Response(status_code=204)
    out.delete_cookie(
        s.cookie_name, path="/", secure=s.cookie_secure, httponly=True, samesite="lax"
    )
    # The HTTP cache may hold this member's answers: drop it. Not "storage": that would also
    # remove the service worker and the app shell, so the next member could not even open
    # the sign-in screen offline; the PWA deletes its personal copies itself (session.js).
    out.headers["Clear-Site-Data"] = '"cache"'
    return out


@router.get("/me", response_model=MeOut)
def get_me(session: SessionDep, principal: PendingPrincipal) -> MeOut:
    """The caller: id, name, cell and roles."""
    user = session.get(User, principal.user_id)
    if user is None:
        raise Unauthorized()
    return me_out(session, user)


@router.post("/me/password", status_code=204)
def change_password(
    session: SessionDep, principal: PendingPrincipal, body: PasswordChange
) -> Response:
    """Change one's password; every other session of the caller ends."""
    user = session.get(User, principal.user_id)
    if user is None:
        raise Unauthorized()
    service.change_password(
        session, user, body.current_password, body.new_password, principal.session_id
    )
    return Response(status_code=204)
