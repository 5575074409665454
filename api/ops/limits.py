"""Per-caller rate limits on expensive routes (search, export, publish), as a dependency."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import Depends

from api import context
from api.authz import Principal
from api.db import new_session, write_intent
from api.deps import optional_principal
from api.errors import RateLimited
from api.ops.ratelimit import count, hit


def limit(name: str, per_minute: int) -> Any:
    """At most `per_minute` calls of `name` per caller per minute, else 429 + Retry-After.

    Counted per signed-in user (per address for anonymous callers) in the database, so the
    limit holds across every API process.
    """

    def dependency(principal: Annotated[Principal | None, Depends(optional_principal)]) -> None:
        who = f"user:{principal.user_id}" if principal else f"ip:{context.client_ip.get()}"
        key = f"route:{name}:{who}"
        # Its own short write transaction: on SQLite a read request must not upgrade its
        # snapshot to a writer (that can fail under load); the count commits either way.
        token = write_intent.set(True)
        try:
            with new_session() as own:
                hits = hit(own, key, 60)
                own.commit()
                retry = count(own, key, 60)[1] if hits > per_minute else 0
        finally:
            write_intent.reset(token)
        if hits > per_minute:
            raise RateLimited(retry)

    return Depends(dependency)
