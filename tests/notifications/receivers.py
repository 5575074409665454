"""Push services on 127.0.0.1 for tests: a Web Push receiver that decrypts and verifies
every message, and an FCM v1 look-alike. No internet, loopback only."""

from __future__ import annotations

import base64
import json
import os
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

import http_ece
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature


def b64u(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def unb64u(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    device: str
    payload: dict[str, Any]
    headers: dict[str, str]
    claims: dict[str, Any]


@dataclass
class Answer:
    status: int = 201
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


def verify_vapid(header: str, origin: str) -> dict[str, Any]:
    """Check `vapid t=<jwt>, k=<key>`: ES256 signature by k, aud = origin, exp ≤ 24 h."""
    scheme, _, rest = header.partition(" ")
    assert scheme.lower() == "vapid", header
    parts = dict(p.strip().split("=", 1) for p in rest.split(","))
    public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64u(parts["k"]))
    head_b64, claims_b64, sig_b64 = parts["t"].split(".")
    head = json.loads(unb64u(head_b64))
    assert head["alg"] == "ES256", head
    sig = unb64u(sig_b64)
    der = encode_dss_signature(int.from_bytes(sig[:32], "big"), int.from_bytes(sig[32:], "big"))
    try:
        public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
    except InvalidSignature as exc:
        raise AssertionError("VAPID signature does not verify") from exc
    claims: dict[str, Any] = json.loads(unb64u(claims_b64))
    assert claims["aud"] == origin, claims
    assert time.time() < claims["exp"] <= time.time() + 24 * 3600, claims
    assert str(claims["sub"]).startswith(("mailto:", "https:")), claims
    claims["k"] = parts["k"]
    return claims


class QuietServer(ThreadingHTTPServer):
    """A killed sender resets its connections: that is expected here, not worth a trace."""

    daemon_threads = True
    # firebase-admin's send_each opens up to 500 connections at once; the default listen
    # backlog of 5 makes the kernel reset some of them when the machine is busy.
    request_queue_size = 1024

    def handle_error(self, request: Any, client_address: Any) -> None:
        pass


class PushReceiver:
    """A Web Push service on 127.0.0.1: decrypts each message (aes128gcm) and checks headers."""

    def __init__(self, delay: float = 0.0) -> None:
        self.private = ec.generate_private_key(ec.SECP256R1())
        self.auth = os.urandom(16)
        self.delay = delay
        self.received: list[Received] = []
        self.requests: list[tuple[str, int]] = []  # (device, status answered)
        self.errors: list[str] = []
        self.script: dict[str, list[Answer]] = {}
        self._lock = threading.Lock()
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.origin = f"http://127.0.0.1:{self.port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> PushReceiver:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def subscription(self, device: str) -> dict[str, Any]:
        """What a browser would hand the app for a device named `device`."""
        public = self.private.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {
            "kind": "webpush",
            "endpoint": f"{self.origin}/push/{device}",
            "keys": {"p256dh": b64u(public), "auth": b64u(self.auth)},
        }

    def answer(self, device: str, *answers: Answer) -> None:
        """Answer the next requests for `device` like this (then 201 again)."""
        self.script.setdefault(device, []).extend(answers)

    def for_device(self, device: str) -> list[Received]:
        return [r for r in self.received if r.device == device]

    def _next_answer(self, device: str) -> Answer:
        with self._lock:
            queue = self.script.get(device)
            if queue:
                return queue.pop(0)
        return Answer(delay=self.delay)

    def _accept(self, device: str, headers: dict[str, str], body: bytes) -> None:
        try:
            claims = verify_vapid(headers.get("authorization", ""), self.origin)
            assert headers.get("content-encoding") == "aes128gcm", headers
            assert int(headers["ttl"]) > 0, headers
            assert headers.get("urgency") in ("very-low", "low", "normal", "high"), headers
            topic = headers.get("topic")
            assert topic is None or (
                len(topic) <= 32 and topic.replace("-", "").replace("_", "").isalnum()
            )
            plain = http_ece.decrypt(
                body, private_key=self.private, auth_secret=self.auth, version="aes128gcm"
            )
            assert len(plain) < 3993
            payload = json.loads(plain)
        except (AssertionError, ValueError, KeyError) as exc:
            with self._lock:
                self.errors.append(f"{device}: {exc!r}")
            return
        with self._lock:
            self.received.append(Received(device, payload, headers, claims))

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as real push services

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                device = self.path.rsplit("/", 1)[-1]
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                answer = receiver._next_answer(device)
                if answer.delay:
                    time.sleep(answer.delay)
                headers = {k.lower(): v for k, v in self.headers.items()}
                if 200 <= answer.status < 300:
                    receiver._accept(device, headers, body)
                with receiver._lock:
                    receiver.requests.append((device, answer.status))
                try:
                    self.send_response(answer.status)
                    for k, v in answer.headers.items():
                        self.send_header(k, v)
                    self.send_header("Content-Length", "0")
                    self.end_headers()
                except OSError:
                    pass  # the sender gave up (timeout test)

        return Handler


class FcmServer:
    """Answers like FCM v1 `messages:send`: a name, or an error with an FcmError code."""

    def __init__(self) -> None:
        self.sent: list[dict[str, Any]] = []
        self.script: dict[str, list[str]] = {}  # token → ["UNREGISTERED", "QUOTA_EXCEEDED", …]
        self._lock = threading.Lock()
        self.server = QuietServer(("127.0.0.1", 0), self._handler())
        self.port = self.server.server_address[1]
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self) -> FcmServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/projects/{{0}}/messages:send"

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self
        errors = {
            "UNREGISTERED": (404, "NOT_FOUND"),
            "QUOTA_EXCEEDED": (429, "RESOURCE_EXHAUSTED"),
            "INVALID_ARGUMENT": (400, "INVALID_ARGUMENT"),
            "INTERNAL": (500, "INTERNAL"),
        }

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                data = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))))
                token = data["message"]["token"]
                with fake._lock:
                    queue = fake.script.get(token) or []
                    code = queue.pop(0) if queue else None
                    if code is None:
                        fake.sent.append(data["message"])
                if code is None:
                    status, body = 200, {"name": f"projects/p/messages/{len(fake.sent)}"}
                else:
                    status, reason = errors[code]
                    fcm_error = "type.googleapis.com/google.firebase.fcm.v1.FcmError"
                    body = {
                        "error": {
                            "code": status,
                            "message": code,
                            "status": reason,
                            "details": [{"@type": fcm_error, "errorCode": code}],
                        }
                    }
                raw = json.dumps(body).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

        return Handler
