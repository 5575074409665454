"""ASGI middleware: request ids and logs, body limits, security headers, metrics.

Written as plain ASGI (not BaseHTTPMiddleware) so streaming and background work are not
buffered and each layer costs little.
"""

from __future__ import annotations

import logging
import re
import secrets
import time
from typing import Any

from prometheus_client import Counter, Histogram
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from api import context
from api.config import get_settings
from api.db import write_intent
from api.errors import problem

log = logging.getLogger("sotay.http")

REQUESTS = Counter("sotay_http_requests_total", "HTTP requests", ["method", "route", "status"])
LATENCY = Histogram(
    "sotay_http_request_seconds",
    "HTTP request latency",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
_RID_RE = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SAFE = {"GET", "HEAD", "OPTIONS"}


def _client_ip(scope: Scope, headers: dict[bytes, bytes]) -> str | None:
    peer = scope.get("client")
    ip = peer[0] if peer else None
    trusted = {p.strip() for p in get_settings().trusted_proxies.split(",") if p.strip()}
    if ip in trusted and b"x-forwarded-for" in headers:
        ip = headers[b"x-forwarded-for"].decode("latin-1").split(",")[-1].strip()
    return ip


class RequestContextMiddleware:
    """Assigns a request id, sets per-request context, logs one line, counts metrics."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers") or [])
        given = headers.get(b"x-request-id", b"").decode("latin-1")
        rid = given if _RID_RE.match(given) else secrets.token_hex(8)
        scope.setdefault("state", {})["request_id"] = rid
        tokens = (
            context.request_id.set(rid),
            context.client_ip.set(_client_ip(scope, headers)),
            write_intent.set(scope["method"] not in SAFE),
        )
        status = 500
        start = time.perf_counter()

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
                message.setdefault("headers", []).append((b"x-request-id", rid.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            elapsed = time.perf_counter() - start
            route = scope.get("route")
            route_path = getattr(route, "path", None) or "unmatched"
            REQUESTS.labels(scope["method"], route_path, str(status)).inc()
            LATENCY.labels(scope["method"], route_path).observe(elapsed)
            log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": scope["method"],
                    "path": scope["path"],
                    "status": status,
                    "ms": round(elapsed * 1000, 2),
                },
            )
            context.request_id.reset(tokens[0])
            context.client_ip.reset(tokens[1])
            write_intent.reset(tokens[2])


class BodyLimitMiddleware:
    """Refuses bodies over the limit with 413 before the app reads them into memory."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http" or scope["method"] in SAFE:
            await self.app(scope, receive, send)
            return
        s = get_settings()
        path: str = scope["path"]
        limit = s.max_upload_bytes + 64 * 1024 if _is_upload(path) else s.max_request_bytes
        headers = dict(scope.get("headers") or [])
        declared = headers.get(b"content-length")
        if declared is not None:
            try:
                too_big = int(declared) > limit
            except ValueError:
                too_big = True
            if too_big:
                await _send_problem(scope, receive, send, 413, "too_large")
                return
        received = 0

        async def limited_receive() -> Message:
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > limit:
                    raise _TooLarge()
            return message

        try:
            await self.app(scope, limited_receive, send)
        except _TooLarge:
            await _send_problem(scope, receive, send, 413, "too_large")


def _is_upload(path: str) -> bool:
    return path.endswith("/attachments") or path.endswith("/import") or "/uploads" in path


class _TooLarge(Exception):
    pass


async def _send_problem(scope: Scope, receive: Receive, send: Send, status: int, slug: str) -> None:
    from starlette.requests import Request

    response = problem(Request(scope), status, slug)
    await response(scope, receive, send)


def security_headers(csp: str) -> list[tuple[bytes, bytes]]:
    """Headers every response carries."""
    return [
        (b"x-content-type-options", b"nosniff"),
        (b"referrer-policy", b"same-origin"),
        (b"x-frame-options", b"DENY"),
        (b"content-security-policy", csp.encode()),
        (b"permissions-policy", b"camera=(self), geolocation=(), microphone=()"),
        (b"cross-origin-opener-policy", b"same-origin"),
    ]


CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; "
    "font-src 'self'; connect-src 'self'; worker-src 'self'; manifest-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)


class SecurityHeadersMiddleware:
    """CSP, nosniff, referrer policy, frame-ancestors; HSTS when the request came over TLS."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app
        self.headers = security_headers(CSP)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        tls = scope.get("scheme") == "https" or any(
            k == b"x-forwarded-proto" and v == b"https" for k, v in scope.get("headers") or []
        )

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                existing = {k.lower() for k, _ in message.get("headers", [])}
                extra: list[Any] = [h for h in self.headers if h[0] not in existing]
                if tls:
                    extra.append((b"strict-transport-security", b"max-age=31536000"))
                message["headers"] = list(message.get("headers", [])) + extra
            await send(message)

        await self.app(scope, receive, send_wrapper)
