"""Benchmark: one document to an audience of N Web Push devices (default 50,000).

Receivers are HTTP servers on 127.0.0.1 in their own processes (loopback only); the sender
is the real pipeline (outbox → in-process Dramatiq worker → fan-out → pywebpush encryption
→ HTTP). Reports pushes per second, the time from enqueue to the last accepted push, and
the encryption-only floor (ECDH + HKDF + AES-GCM per message) measured in the same run.

    .venv/bin/python bench/push_fanout.py [--devices 50000] [--receivers 4] [--threads 8]

Bounded: it stops after --time-limit seconds whatever happens, and talks to 127.0.0.1 only.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing as mp
import os
import shutil
import sys
import tempfile
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def _receiver(port_out: Any, counter: Any, last: Any, stop: Any) -> None:
    """A push service that accepts everything (201) and counts."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: Any) -> None:
            pass

        def do_POST(self) -> None:
            self.rfile.read(int(self.headers.get("Content-Length", 0)))
            self.send_response(201)
            self.send_header("Content-Length", "0")
            self.end_headers()
            with counter.get_lock():
                counter.value += 1
                last.value = time.time()

    class Server(ThreadingHTTPServer):
        daemon_threads = True

        def handle_error(self, request: Any, client_address: Any) -> None:
            pass

    server = Server(("127.0.0.1", 0), Handler)
    port_out.put(server.server_address[1])
    server.timeout = 0.5
    while not stop.is_set():
        server.handle_request()


def _device_keys() -> dict[str, str]:
    """A browser-like subscription key pair (p256dh) and auth secret, base64url."""
    import base64

    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    pub = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    return {
        "p256dh": base64.urlsafe_b64encode(pub).decode().rstrip("="),
        "auth": base64.urlsafe_b64encode(os.urandom(16)).decode().rstrip("="),
    }


def encryption_floor(n: int) -> float:
    """Messages per second for encryption alone: new ephemeral key, ECDH, HKDF, AES-GCM."""
    from pywebpush import WebPusher

    sub = {"endpoint": "http://127.0.0.1/x", "keys": _device_keys()}
    payload = json.dumps({"title": "Nghị quyết 57-NQ/TW", "url": "/documents/1"}).encode()
    started = time.perf_counter()
    for _ in range(n):
        WebPusher(sub).encode(payload, "aes128gcm")
    return n / (time.perf_counter() - started)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--devices", type=int, default=50_000)
    parser.add_argument("--receivers", type=int, default=4)
    parser.add_argument("--threads", type=int, default=8)
    parser.add_argument("--time-limit", type=float, default=900.0)
    args = parser.parse_args()
    tmp = Path(tempfile.mkdtemp(prefix="sotay-bench-"))
    os.environ |= {
        "SOTAY_DATA_DIR": str(tmp),
        "SOTAY_DATABASE_URL": os.environ.get("BENCH_DATABASE_URL", f"sqlite:///{tmp / 'bench.db'}"),
        "SOTAY_PUSH_ALLOWED_HOSTS": "127.0.0.1",
        "SOTAY_TASK_THREADS": str(args.threads),
        "SOTAY_LOG_JSON": "true",
        "SOTAY_BROKER_URL": "",
    }
    import logging

    logging.disable(logging.INFO)
    from sqlalchemy import text
    from sqlmodel import Session

    from api.db import get_engine
    from api.migrate import upgrade
    from api.notifications import engine, outbox
    from seed.push_audience import create_audience

    upgrade()
    ctx = mp.get_context("spawn")
    counter, last, stop, ports = ctx.Value("q", 0), ctx.Value("d", 0.0), ctx.Event(), ctx.Queue()
    procs = [
        ctx.Process(target=_receiver, args=(ports, counter, last, stop))
        for _ in range(args.receivers)
    ]
    for p in procs:
        p.start()
    origins = [f"http://127.0.0.1:{ports.get(timeout=30)}" for _ in procs]
    keys = _device_keys()
    t = time.perf_counter()
    aud = create_audience(
        get_engine(),
        cells=max(1, args.devices // 50),
        per_cell=50,
        endpoint=lambda i: f"{origins[i % len(origins)]}/push/d{i}",
        p256dh=keys["p256dh"],
        auth=keys["auth"],
    )
    setup_s = time.perf_counter() - t
    running = engine.start(scheduler=False)
    try:
        with Session(get_engine()) as s:
            outbox.enqueue(
                s,
                category="documents",
                kind="document.published",
                object_type="document",
                object_id=1,
                title="Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ",
                url="/documents/1",
                audience={"unit_paths": [aud.commune_path]},
                dedupe_key="bench:1",
            )
            t0 = time.time()
            s.commit()  # the outbox hands the event to the in-process worker
        deadline = time.monotonic() + args.time_limit
        while counter.value < aud.devices and time.monotonic() < deadline:
            time.sleep(0.1)
        accepted, t_last = counter.value, last.value
        with get_engine().connect() as conn:
            inbox = conn.execute(text("SELECT count(*) FROM notifications")).scalar_one()
    finally:
        engine.stop(running)
        get_engine().dispose()
        shutil.rmtree(tmp, ignore_errors=True)
        stop.set()
        for p in procs:
            p.join(timeout=5)
            if p.is_alive():
                p.terminate()
    elapsed = max(1e-9, t_last - t0)
    rate = accepted / elapsed
    floor = encryption_floor(aud.devices)
    result = {
        "devices": aud.devices,
        "members": aud.users,
        "inbox_rows": inbox,
        "accepted_pushes": accepted,
        "receivers": args.receivers,
        "worker_threads": args.threads,
        "setup_seconds": round(setup_s, 2),
        "enqueue_to_last_push_seconds": round(elapsed, 2),
        "pushes_per_second": round(rate, 1),
        "encryption_only_per_second": round(floor, 1),
        "ratio_to_encryption_floor": round(rate / floor, 3),
        "database": get_engine().dialect.name,
        "cores": os.cpu_count(),
    }
    width = max(len(k) for k in result)
    print("\nPush fan-out benchmark")
    for k, v in result.items():
        print(f"  {k:<{width}}  {v}")
    print(json.dumps(result))
    return 0 if accepted == aud.devices else 1


if __name__ == "__main__":
    sys.exit(main())
