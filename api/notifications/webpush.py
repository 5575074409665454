"""Web Push: the VAPID key pair, a cached VAPID header per push service, and the sender.

pywebpush encrypts (RFC 8291, aes128gcm); we POST ourselves so that every request has a
timeout, a real TTL, Urgency and Topic, no redirects (SSRF), a kept-alive connection per
push service and thread, and a VAPID JWT signed once per push service rather than per message.
"""

from __future__ import annotations

import base64
import email.utils
import logging
import os
import threading
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from urllib.parse import urlsplit

import requests
from cryptography.hazmat.primitives import serialization
from py_vapid import Vapid02
from pywebpush import WebPusher, WebPushException
from requests.adapters import HTTPAdapter

from api.config import get_settings

log = logging.getLogger("sotay.push")

# The VAPID JWT lives 12 h (RFC 8292 allows at most 24 h) and is re-signed 1 h before expiry.
VAPID_LIFETIME = 12 * 3600
VAPID_RENEW_BEFORE = 3600
MAX_PLAINTEXT = 3993  # 4096-byte record minus header (86), tag (16) and padding delimiter (1)


@dataclass(frozen=True)
class PushResult:
    """What one push attempt came to: sent, gone (remove the device), retry or failed."""

    outcome: str
    status: int | None = None
    retry_after: float | None = None
    error: str | None = None


def vapid_key_path() -> Path:
    """Where the VAPID private key is kept (configured, or generated under the data folder)."""
    s = get_settings()
    return s.vapid_private_key_file or (s.data_dir / "secrets" / "vapid_private.pem")


def _generate_key(path: Path) -> None:
    """Write a new key pair atomically: two processes starting together agree on one key."""
    path.parent.mkdir(parents=True, exist_ok=True)
    v = Vapid02()
    v.generate_keys()
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "wb") as f:
        f.write(v.private_pem())
    try:
        os.link(tmp, path)  # fails if another process won the race: keep theirs
    except FileExistsError:
        pass
    finally:
        tmp.unlink(missing_ok=True)


@lru_cache
def vapid() -> Vapid02:
    """The service's VAPID key pair, generated once into the data folder if missing."""
    path = vapid_key_path()
    if not path.exists():
        _generate_key(path)
    return Vapid02.from_pem(path.read_bytes())


def vapid_public_key() -> str:
    """The application server key for `pushManager.subscribe` (base64url, uncompressed)."""
    raw = vapid().public_key.public_bytes(
        serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
    )
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


class VapidHeaders:
    """`Authorization: vapid t=…, k=…` per push-service origin, re-signed before it expires."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[str, float]] = {}

    def get(self, origin: str) -> str:
        """The header for `origin` (scheme://host[:port]), signed at most every ~11 h."""
        now = time.time()
        with self._lock:
            hit = self._cache.get(origin)
            if hit is not None and hit[1] - now > VAPID_RENEW_BEFORE:
                return hit[0]
            exp = int(now) + VAPID_LIFETIME
            claims = {"aud": origin, "exp": exp, "sub": get_settings().vapid_subject}
            header = vapid().sign(claims)["Authorization"]
            self._cache[origin] = (header, exp)
            return header

    def clear(self) -> None:
        """Forget every signed header (key rotation, tests)."""
        with self._lock:
            self._cache.clear()


vapid_headers = VapidHeaders()
_local = threading.local()


def _session_for(origin: str) -> requests.Session:
    """A kept-alive session per push service and thread (requests sessions are not shared)."""
    sessions: dict[str, requests.Session] = getattr(_local, "sessions", None) or {}
    _local.sessions = sessions
    sess = sessions.get(origin)
    if sess is None:
        sess = requests.Session()
        adapter = HTTPAdapter(pool_connections=1, pool_maxsize=4, max_retries=0)
        sess.mount("https://", adapter)
        sess.mount("http://", adapter)
        sess.trust_env = False  # no proxies from the environment: we talk to the endpoint only
        sessions[origin] = sess
    return sess


def origin_of(endpoint: str) -> str:
    """scheme://host[:port] of an endpoint: the VAPID audience."""
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def parse_retry_after(value: str | None) -> float | None:
    """Seconds to wait from a Retry-After header (delta-seconds or an HTTP date)."""
    if not value:
        return None
    value = value.strip()
    if value.isdigit():
        return float(value)
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


def classify(status: int, retry_after: str | None, text: str) -> PushResult:
    """A push service's answer as an outcome (RFC 8030 and the services' documentation)."""
    if 200 <= status < 300:
        return PushResult("sent", status)
    if status in (404, 410):
        return PushResult("gone", status, error=f"HTTP {status}: subscription expired")
    if status == 429 or status >= 500:
        return PushResult("retry", status, parse_retry_after(retry_after), f"HTTP {status}")
    return PushResult("failed", status, error=f"HTTP {status}: {text[:200]}")


def send(
    endpoint: str,
    p256dh: str,
    auth: str,
    payload: bytes,
    *,
    ttl: int,
    urgency: str,
    topic: str | None,
) -> PushResult:
    """Encrypt `payload` for one subscription and POST it; never raises for the network."""
    if len(payload) > MAX_PLAINTEXT:
        return PushResult("failed", error="payload too large")
    try:
        pusher = WebPusher({"endpoint": endpoint, "keys": {"p256dh": p256dh, "auth": auth}})
        body = pusher.encode(payload, "aes128gcm")["body"]
    except (WebPushException, ValueError, TypeError) as exc:
        return PushResult("failed", error=f"bad subscription keys: {exc}"[:300])
    origin = origin_of(endpoint)
    headers = {
        "Content-Encoding": "aes128gcm",
        "Content-Type": "application/octet-stream",
        "TTL": str(ttl),
        "Urgency": urgency,
        "Authorization": vapid_headers.get(origin),
    }
    if topic:
        headers["Topic"] = topic
    try:
        resp = _session_for(origin).post(
            endpoint,
            data=body,
            headers=headers,
            timeout=get_settings().push_timeout_seconds,
            allow_redirects=False,
        )
        text = resp.text  # read the body so the connection returns to the pool
    except requests.Timeout:
        return PushResult("retry", error="timeout")
    except requests.RequestException as exc:
        return PushResult("retry", error=f"network: {type(exc).__name__}")
    return classify(resp.status_code, resp.headers.get("Retry-After"), text)
