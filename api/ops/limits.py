"""Per-caller rate limits on expensive routes (search, export, publish), as a dependency."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Request
from sqlmodel import Session

from api import context
from api.authz import Principal
from api.config import get_settings
from api.db import side_session, write_intent
from api.deps import SessionDep, optional_principal
from api.errors import RateLimited
from api.ops.ratelimit import count, hit

WINDOW_SECONDS = 60


def _numbers(name: str, per_minute: int | None, per_address: int | None) -> tuple[int, int]:
    """The limits of `name`: given ones, else `rate_<name>_per_minute` and
    `rate_<name>_per_address_per_minute` from the settings (read per request, so an
    operator's or a test's change applies at once); 0 means no limit."""
    s = get_settings()
    account = per_minute if per_minute is not None else getattr(s, f"rate_{name}_per_minute", 0)
    address = (
        per_address
        if per_address is not None
        else getattr(s, f"rate_{name}_per_address_per_minute", 0)
    )
    return int(account), int(address)


def limit(
    name: str,
    per_minute: int | None = None,
    *,
    per_address: int | None = None,
    when: Callable[[Request], bool] | None = None,
) -> Any:
    """At most `per_minute` calls of `name` per account and `per_address` per client address
    per minute, else 429 + Retry-After (numbers default to the settings, see `_numbers`).

    Counted in the database, so the limits hold across every API process. `when` restricts
    counting to some calls of the route (e.g. the library only when it searches).
    """

    check = limit_check(name, per_minute, per_address=per_address, when=when)

    def dependency(
        request: Request,
        principal: Annotated[Principal | None, Depends(optional_principal)],
        session: SessionDep,
    ) -> None:
        check(request, session, principal)

    return Depends(dependency)


def limit_check(
    name: str,
    per_minute: int | None = None,
    *,
    per_address: int | None = None,
    when: Callable[[Request], bool] | None = None,
) -> Callable[[Request, Session, Principal | None], None]:
    """The check behind `limit`, as a plain function (for `in_one_thread(before=...)`)."""

    def check(request: Request, session: Session, principal: Principal | None) -> None:
        if when is not None and not when(request):
            return
        account, address = _numbers(name, per_minute, per_address)
        keys = []
        if principal is not None and account > 0:
            keys.append((f"route:{name}:user:{principal.user_id}", account))
        by_address = address or (account if principal is None else 0)
        if by_address > 0:
            # Anonymous callers have only their address; with no address limit they are
            # held to the account limit there.
            keys.append((f"route:{name}:ip:{context.client_ip.get()}", by_address))
        if not keys:
            return
        if write_intent.get() and session.get_bind().dialect.name == "sqlite":
            # A write request already holds SQLite's one write lock in its own transaction:
            # count there (a second writer would wait for it), and keep the count even when
            # answering 429.
            over = [key for key, most in keys if hit(session, key, WINDOW_SECONDS) > most]
            retry = max((count(session, key, WINDOW_SECONDS)[1] for key in over), default=0)
        else:
            # Its own short transaction, committed at once. On SQLite a read request must not
            # upgrade its snapshot to a writer (that can fail under load). On PostgreSQL the
            # counter's row lock would otherwise last until the request commits, and every
            # publish of one account, or from one address, would queue behind it.
            token = write_intent.set(True)
            try:
                with side_session() as own:
                    over = [key for key, most in keys if hit(own, key, WINDOW_SECONDS) > most]
                    own.commit()
                    retry = max((count(own, key, WINDOW_SECONDS)[1] for key in over), default=0)
            finally:
                write_intent.reset(token)
        if over:
            exc = RateLimited(retry, keep_changes=True)
            exc.detail_key = "problem.rate_limited.route.detail"
            raise exc

    return check


def searching(request: Request) -> bool:
    """The library call is a search (free text), not a plain page of it."""
    return bool((request.query_params.get("q") or "").strip())
