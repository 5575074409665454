"""FastAPI dependencies shared by every domain: the session and the signed-in caller."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Query, Request
from sqlmodel import Session

from api.auth import service as auth_service
from api.authz import Principal
from api.config import get_settings
from api.db import get_session
from api.errors import Forbidden, PasswordChangeRequired, Unauthorized

# scope="function": the commit runs before the response is sent. With the default
# ("request") FastAPI sends the answer first and commits after, so a client's next request
# (the PWA's reads right after sign-in or after a write) could miss what it just did.
SessionDep = Annotated[Session, Depends(get_session, scope="function")]
SAFE_METHODS = {"GET", "HEAD", "OPTIONS"}


def _bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() == "bearer" and token.strip():
        return token.strip()
    return None


def _check_origin(request: Request) -> None:
    """Cookie-authenticated writes must come from our own pages (CSRF defence in depth)."""
    origin = request.headers.get("origin")
    if origin is None or request.method in SAFE_METHODS:
        return
    expected = f"{request.url.scheme}://{request.url.netloc}"
    forwarded = request.headers.get("x-forwarded-host")
    allowed = {expected}
    if forwarded:
        allowed.add(f"{request.headers.get('x-forwarded-proto', 'https')}://{forwarded}")
    if origin not in allowed:
        raise Forbidden()


def optional_principal(request: Request, session: SessionDep) -> Principal | None:
    """The caller from a bearer token or the PWA's session cookie, if any."""
    cached = getattr(request.state, "principal", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    principal = None
    token = _bearer(request)
    if token is not None:
        principal = auth_service.load_principal(session, token, "access")
    else:
        cookie = request.cookies.get(get_settings().cookie_name)
        if cookie:
            _check_origin(request)
            principal = auth_service.load_principal(session, cookie, "cookie")
    request.state.principal = principal
    return principal


# The dependencies below do no I/O, so they are `async def`: FastAPI runs a plain `def`
# dependency in the thread pool, and each hop costs more than their work (a thread wake-up
# under the GIL on every request; bench/request_cost.py).
async def principal_pending_password(
    principal: Annotated[Principal | None, Depends(optional_principal)],
) -> Principal:
    """Signed in, even if a temporary password still has to be changed."""
    if principal is None:
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    return principal


async def current_principal(
    principal: Annotated[Principal, Depends(principal_pending_password)],
) -> Principal:
    """Signed in with a password of their own."""
    if principal.must_change_password:
        raise PasswordChangeRequired()
    return principal


CurrentPrincipal = Annotated[Principal, Depends(current_principal)]
PendingPrincipal = Annotated[Principal, Depends(principal_pending_password)]


async def page_limit(limit: Annotated[int | None, Query(ge=1, le=1000)] = None) -> int:
    """The page size: the default when absent, capped at the configured maximum."""
    s = get_settings()
    if limit is None:
        return s.page_limit_default
    return min(limit, s.page_limit_max)


LimitDep = Annotated[int, Depends(page_limit)]
CursorQuery = Annotated[str | None, Query(max_length=200)]
