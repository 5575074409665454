"""FastAPI dependencies shared by every domain: the session and the signed-in caller."""

from __future__ import annotations

import inspect
from collections.abc import Callable, Sequence
from typing import Annotated, Any, get_type_hints

from fastapi import Depends, Query, Request, Response
from pydantic import TypeAdapter
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.auth import service as auth_service
from api.authz import Principal
from api.config import get_settings
from api.db import admission, finish_session, get_session, new_session
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
    return resolve_principal(request, session)


def resolve_principal(request: Request, session: Session) -> Principal | None:
    """The one place a request's credentials become a caller (dependency or `in_one_thread`)."""
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
    return signed_in(principal)


async def current_principal(
    principal: Annotated[Principal, Depends(principal_pending_password)],
) -> Principal:
    """Signed in with a password of their own."""
    return with_own_password(principal)


def signed_in(principal: Principal | None) -> Principal:
    """401 unless there is a caller."""
    if principal is None:
        raise Unauthorized(headers={"WWW-Authenticate": "Bearer"})
    return principal


def with_own_password(principal: Principal) -> Principal:
    """403 while a temporary password still has to be changed."""
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


Check = Callable[[Request, Session, Principal], None]


def in_one_thread(fn: Callable[..., Any] | None = None, *, before: Sequence[Check] = ()) -> Any:
    """A signed-in read whose caller, work and commit run in one call on a worker thread.

    A plain `def` route with `SessionDep` and `CurrentPrincipal` takes four thread-pool hops:
    the caller's look-up, the handler, FastAPI's validation of the returned model (done in
    the pool for a `def` route) and the commit. Each hop is a thread wake-up and a GIL
    hand-off, which the hot reads pay on every request (bench/request_cost.py). Here the
    route is one async endpoint and one hop; the same `resolve_principal`, `signed_in` and
    `with_own_password` decide who the caller is, then the `before` checks (rate limits) run.

    The decorated function takes `session` and `principal` first, then the route's own
    parameters (path, query), and returns its declared model; that is serialized once, by
    the declared type (so only its fields go out), not validated a second time.
    """

    def decorate(fn: Callable[..., Any]) -> Callable[..., Any]:
        hints = get_type_hints(fn, include_extras=True)
        params = list(inspect.signature(fn).parameters.values())
        if [p.name for p in params[:2]] != ["session", "principal"]:
            raise TypeError(f"{fn.__name__}: the first parameters must be session, principal")
        own = [p.replace(annotation=hints.get(p.name, p.annotation)) for p in params[2:]]
        adapter: TypeAdapter[Any] = TypeAdapter(hints["return"])

        def work(request: Request, kwargs: dict[str, Any]) -> bytes:
            session = new_session()
            try:
                principal = with_own_password(signed_in(resolve_principal(request, session)))
                for check in before:
                    check(request, session, principal)
                body = adapter.dump_json(fn(session, principal, **kwargs), by_alias=True)
            except BaseException as exc:
                finish_session(session, exc)
                raise
            finish_session(session, None)
            return body

        async def endpoint(request: Request, **kwargs: Any) -> Response:
            async with admission():
                # Not cancellable once started: the thread always commits or rolls back.
                body = await run_in_threadpool(work, request, kwargs)
            return Response(body, media_type="application/json")

        request_param = inspect.Parameter(
            "request", inspect.Parameter.POSITIONAL_OR_KEYWORD, annotation=Request
        )
        # No __wrapped__: FastAPI would unwrap to the plain `def` and run it in the pool.
        endpoint.__signature__ = inspect.Signature([request_param, *own])  # type: ignore[attr-defined]
        endpoint.__name__ = fn.__name__
        endpoint.__qualname__ = fn.__qualname__
        endpoint.__doc__ = fn.__doc__
        endpoint.__module__ = fn.__module__
        return endpoint

    return decorate(fn) if fn is not None else decorate
