"""What one member request costs the server: CPU, wall time and SQL statements per endpoint.

The whole app in this process (bearer token, authorization, SQL, serialization), one request
at a time, members chosen at random, against a database loaded by `sotay seed synthetic`
(the one bench/endpoints.py loads). It measures the cost that does not depend on what else
the machine is doing, so a change to the code can be judged by it; the floor is `/healthz`
through the same stack, measured in the same run.

    .venv/bin/python bench/request_cost.py                        # PostgreSQL city (sotay_bench)
    .venv/bin/python bench/request_cost.py --shape sqlite --data-dir DIR   # a loaded SQLite

Prints a table (CPU ms: mean and median; wall p50/p95/p99; statements; CPU ratio floor ÷
endpoint; with --count-calls, Python calls per request) and JSON.
"""

from __future__ import annotations

import argparse
import datetime as dt
import itertools
import json
import os
import random
import statistics
import sys
import threading
import time
import urllib.parse
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
from endpoints import QUERIES, SYNC_NOW, shape_env, uptime  # noqa: E402


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def urls_for(s: Any, rng: random.Random, members: int) -> tuple[dict[str, list[tuple]], list]:
    """(endpoint → [(token, url)], tokens): random active members signed in."""
    from sqlalchemy import text
    from sqlmodel import select

    from api.auth.service import start_bearer_session
    from api.members.models import User

    ids = [r[0] for r in s.execute(text("SELECT id FROM users WHERE is_active")).all()]
    sample = rng.sample(ids, min(members, len(ids)))
    users = list(s.exec(select(User).where(User.id.in_(sample))))  # type: ignore[union-attr]
    tokens = {u.id: start_bearer_session(s, u, "bench", "127.0.0.1")[0] for u in users}
    s.commit()
    docs: dict[int, list[int]] = {}
    in_sample = ",".join(str(i) for i in tokens)
    for uid, did in s.execute(
        text(f"SELECT user_id, document_id FROM document_receipts WHERE user_id IN ({in_sample})")
    ).all():
        docs.setdefault(uid, []).append(did)
    out: dict[str, list[tuple]] = {}
    for uid, tok in tokens.items():
        q = urllib.parse.quote(rng.choice(QUERIES))
        for name, url in [
            ("floor", "/healthz"),
            ("home feed", "/api/v1/notifications?limit=10"),
            ("unread count", "/api/v1/notifications/unread-count"),
            ("library page", "/api/v1/documents?limit=20"),
            ("search", f"/api/v1/documents?limit=20&q={q}"),
            ("document open", f"/api/v1/documents/{rng.choice(docs.get(uid, [1]))}"),
            ("my tasks", "/api/v1/assignments?scope=mine"),
            ("sync, nothing new", f"/api/v1/sync?since={SYNC_NOW}"),
        ]:
            out.setdefault(name, []).append((tok, url))
    return out, list(tokens.values())


def _value(counter: Any) -> int:
    """How far an itertools.count has gone, without moving it."""
    return int(repr(counter)[6:-1])


def measure(args: argparse.Namespace) -> dict[str, Any]:
    from fastapi.testclient import TestClient
    from sqlalchemy import event

    from api.config import get_settings
    from api.db import get_engine, new_session
    from api.main import create_app
    from api.pagination import encode_cursor

    get_settings.cache_clear()
    get_engine.cache_clear()
    statements = [0]

    def count(*_: Any) -> None:
        statements[0] += 1

    event.listen(get_engine(), "before_cursor_execute", count)
    calls = itertools.count()
    if args.count_calls:
        # Function calls in every thread (the app's worker threads are made later, so they
        # inherit it): the same for the same code whatever the machine's neighbours do.
        def on_event(_frame: Any, event: str, _arg: Any, tick: Any = calls.__next__) -> None:
            if event in ("call", "c_call"):
                tick()

        threading.setprofile(on_event)
        sys.setprofile(on_event)
    rng = random.Random(args.seed)
    with new_session() as s:
        plan, _ = urls_for(s, rng, args.members)
    rows: dict[str, Any] = {}
    with TestClient(create_app()) as client:
        for name, targets in plan.items():
            # Minted when this endpoint's run starts: "nothing new" must still be true
            # after the document opens measured before it (they change the receipts).
            now = encode_cursor([dt.datetime.now(dt.UTC).isoformat()])
            targets = [(tok, url.replace(SYNC_NOW, now)) for tok, url in targets]

            def call(tok: str, url: str, name: str = name) -> None:
                r = client.get(url, headers={"Authorization": f"Bearer {tok}"})
                if r.status_code != 200:
                    raise RuntimeError(f"{name}: {r.status_code} {r.text[:300]}")

            for tok, url in targets[:5]:  # warm-up: statement caches, pools
                call(tok, url)
            walls: list[float] = []
            cpus: list[float] = []
            statements[0] = 0
            calls0 = _value(calls)
            cpu0 = time.process_time()
            for i in range(args.requests):
                tok, url = targets[i % len(targets)]
                t0, c0 = time.perf_counter(), time.process_time()
                call(tok, url)
                walls.append((time.perf_counter() - t0) * 1000)
                cpus.append((time.process_time() - c0) * 1000)
            cpu = (time.process_time() - cpu0) * 1000 / args.requests
            rows[name] = {
                "cpu_ms": round(cpu, 2),
                # The median: a neighbour's burst or a GC pass moves the mean, not this.
                "cpu_p50_ms": round(statistics.median(cpus), 2),
                "wall_p50_ms": round(statistics.median(walls), 2),
                "wall_p95_ms": round(pct(walls, 0.95), 2),
                "wall_p99_ms": round(pct(walls, 0.99), 2),
                "statements": round(statements[0] / args.requests, 1),
            }
            if args.count_calls:
                rows[name]["python_calls"] = round((_value(calls) - calls0) / args.requests)
    sys.setprofile(None)
    threading.setprofile(None)  # type: ignore[arg-type]
    floor = rows["floor"]["cpu_ms"]
    for row in rows.values():
        row["ratio_to_floor"] = round(floor / row["cpu_ms"], 2) if row["cpu_ms"] else 0.0
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--shape", choices=["postgresql", "sqlite"], default="postgresql")
    p.add_argument("--database", default="sotay_bench")
    p.add_argument("--data-dir", default="var/bench-cost", help="SOTAY_DATA_DIR")
    # A broker URL makes the app a pure API process: no consumer and no scheduler run beside
    # the requests, so nothing but the requests is counted (GET requests enqueue nothing).
    p.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672")
    p.add_argument("--members", type=int, default=40, help="random members signed in")
    p.add_argument("--requests", type=int, default=200, help="per endpoint, after 5 warm-ups")
    p.add_argument("--seed", type=int, default=11)
    p.add_argument(
        "--count-calls",
        action="store_true",
        help="also count Python function calls per request (slow; repeatable to a few calls)",
    )
    args = p.parse_args()
    data_dir = Path(args.data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = shape_env(args, data_dir)
    env["SOTAY_BROKER_URL"] = args.broker  # GET requests enqueue nothing
    env["SOTAY_BROKER_NAMESPACE"] = "sotaybench-cost"
    os.environ.update(env)
    before = uptime()
    rows = measure(args)
    print(f"{args.shape}, one request at a time; {before}")
    head = f"{'request':<20} {'CPU ms':>7} {'CPU p50':>7} {'p50':>7} {'p95':>7} {'p99':>7}"
    print(f"{head} {'SQL':>5} {'ratio':>6} {'calls' if args.count_calls else ''}")
    for name, r in rows.items():
        print(
            f"{name:<20} {r['cpu_ms']:>7} {r['cpu_p50_ms']:>7} {r['wall_p50_ms']:>7} "
            f"{r['wall_p95_ms']:>7} "
            f"{r['wall_p99_ms']:>7} {r['statements']:>5} {r['ratio_to_floor']:>6} "
            f"{r.get('python_calls', '')}"
        )
    print("JSON:", json.dumps({"shape": args.shape, "uptime": before, "rows": rows}))


if __name__ == "__main__":
    main()
