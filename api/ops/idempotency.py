"""`Idempotency-Key` for every mutation: the first answer is stored and replayed.

A device that lost its connection replays its queued writes with the same key; the server
answers them from the record instead of applying them twice. The same key with another
body answers 422; while the first request is still running, 409. Records are shared
through the database (every API process sees them) and kept `idempotency_ttl_seconds`.

The record is claimed in its own short transaction before the handler runs and completed
after; if the process dies in between, a claim older than
`idempotency_stale_seconds` (STALE_SECONDS by default) may be retried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import logging

from sqlalchemy import delete, update
from sqlalchemy.exc import IntegrityError
from sqlmodel import col
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api.config import get_settings
from api.db import new_session, utcnow, write_intent
from api.errors import problem
from api.ops.models import IdempotencyRecord

log = logging.getLogger("sotay.idempotency")
STALE_SECONDS = 120  # the setting's default
MAX_KEY = 200
MAX_STORED_BODY = 256 * 1024


def _principal_key(scope: Scope) -> str | None:
    """The caller, resolved from the bearer token or cookie (keys are per caller)."""
    from api.auth import service as auth_service

    headers = dict(scope.get("headers") or [])
    auth = headers.get(b"authorization", b"").decode("latin-1")
    scheme, _, token = auth.partition(" ")
    kind = "access"
    if scheme.lower() != "bearer" or not token.strip():
        request = Request(scope)
        token = request.cookies.get(get_settings().cookie_name, "")
        kind = "cookie"
    if not token:
        return None
    with new_session() as session:
        principal = auth_service.load_principal(session, token.strip(), kind)
        session.rollback()
    return f"user:{principal.user_id}" if principal else None


def _claim(principal: str, key: str, fingerprint: str) -> IdempotencyRecord | None:
    """Insert our claim; on conflict return the existing record."""
    token = write_intent.set(True)
    try:
        with new_session() as session:
            try:
                session.add(
                    IdempotencyRecord(principal=principal, key=key, fingerprint=fingerprint)
                )
                session.commit()
                return None
            except IntegrityError:
                session.rollback()
            existing = session.get(IdempotencyRecord, (principal, key))
            if existing is None:
                return None
            stale = utcnow() - dt.timedelta(seconds=get_settings().idempotency_stale_seconds)
            if existing.status_code is None and existing.created_at < stale:
                # The first attempt died mid-flight: let this one take over the claim.
                session.execute(
                    update(IdempotencyRecord)
                    .where(
                        col(IdempotencyRecord.principal) == principal,
                        col(IdempotencyRecord.key) == key,
                    )
                    .values(created_at=utcnow(), fingerprint=fingerprint)
                )
                session.commit()
                return None
            return existing
    finally:
        write_intent.reset(token)


def _finish(principal: str, key: str, status: int, content_type: str | None, body: bytes) -> None:
    token = write_intent.set(True)
    try:
        with new_session() as session:
            if status >= 500 or len(body) > MAX_STORED_BODY:
                # Not a final answer (or too big to keep): the client may try again.
                session.execute(
                    delete(IdempotencyRecord).where(
                        col(IdempotencyRecord.principal) == principal,
                        col(IdempotencyRecord.key) == key,
                    )
                )
            else:
                session.execute(
                    update(IdempotencyRecord)
                    .where(
                        col(IdempotencyRecord.principal) == principal,
                        col(IdempotencyRecord.key) == key,
                    )
                    .values(status_code=status, content_type=content_type, body=body)
                )
            session.commit()
    finally:
        write_intent.reset(token)


class IdempotencyMiddleware:
    """Stores and replays answers to unsafe requests that carry an Idempotency-Key."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in ("GET", "HEAD", "OPTIONS"):
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        raw_key = headers.get(b"idempotency-key")
        if raw_key is None:
            await self.app(scope, receive, send)
            return
        key = raw_key.decode("latin-1").strip()
        if not key or len(key) > MAX_KEY:
            await problem(Request(scope), 422, "validation")(scope, receive, send)
            return
        from starlette.concurrency import run_in_threadpool

        principal = await run_in_threadpool(_principal_key, scope)
        if principal is None:  # anonymous requests are not replayable; let auth answer
            await self.app(scope, receive, send)
            return
        body = b""
        more = True
        while more:
            message = await receive()
            body += message.get("body", b"")
            more = message.get("more_body", False)
        digest = hashlib.sha256()
        for part in (
            scope["method"].encode(),
            scope["path"].encode(),
            scope.get("query_string", b""),
            body,
        ):
            digest.update(len(part).to_bytes(8, "big") + part)
        fingerprint = digest.hexdigest()
        existing = await run_in_threadpool(_claim, principal, key, fingerprint)
        if existing is not None:
            await self._answer_existing(scope, receive, send, existing, fingerprint)
            return
        await self._run_and_store(scope, send, principal, key, body)

    async def _answer_existing(
        self,
        scope: Scope,
        receive: Receive,
        send: Send,
        existing: IdempotencyRecord,
        fingerprint: str,
    ) -> None:
        request = Request(scope)
        if existing.fingerprint != fingerprint:
            await problem(request, 422, "idempotency_mismatch")(scope, receive, send)
        elif existing.status_code is None:
            await problem(request, 409, "idempotency_in_progress", headers={"Retry-After": "2"})(
                scope, receive, send
            )
        else:
            hdrs = [(b"idempotent-replayed", b"true")]
            if existing.content_type:
                hdrs.append((b"content-type", existing.content_type.encode()))
            payload = existing.body or b""
            hdrs.append((b"content-length", str(len(payload)).encode()))
            await send(
                {"type": "http.response.start", "status": existing.status_code, "headers": hdrs}
            )
            await send({"type": "http.response.body", "body": payload})

    async def _run_and_store(
        self, scope: Scope, send: Send, principal: str, key: str, body: bytes
    ) -> None:
        from starlette.concurrency import run_in_threadpool

        sent = False

        async def replay_receive() -> Message:
            nonlocal sent
            if not sent:
                sent = True
                return {"type": "http.request", "body": body, "more_body": False}
            return {"type": "http.disconnect"}

        status = 500
        content_type: str | None = None
        chunks: list[bytes] = []
        held: list[Message] = []

        async def capture(message: Message) -> None:
            nonlocal status, content_type
            if message["type"] == "http.response.start":
                status = message["status"]
                for k, v in message.get("headers", []):
                    if k.lower() == b"content-type":
                        content_type = v.decode("latin-1")
            elif message["type"] == "http.response.body":
                chunks.append(message.get("body", b""))
            # Held back until the answer is stored: a client must never hold an answer the
            # server could forget (killed right after sending it, the replay would run the
            # write again). Answers to mutations are small.
            held.append(message)

        try:
            await self.app(scope, replay_receive, capture)
        finally:
            await run_in_threadpool(_finish, principal, key, status, content_type, b"".join(chunks))
        for message in held:
            await send(message)
