"""Benchmark: committee dashboards on the synthetic city (seed/synthetic.py) on PostgreSQL.

Creates (or, with --reuse, keeps) the database `--db`, migrates it, bulk-loads 1 city, 168
communes, 5,000 cells, 200,000 members, ~1,000,000 assignee records and 10,000 documents
with their receipts, then times each dashboard request end to end through the ASGI app
(authentication, SQL, JSON) in this process, sequentially, after a warm-up, and reports
p50/p95/p99. A naive GROUP BY recount (prefix LIKE instead of path ranges) is timed for
comparison.

    .venv/bin/python bench/dashboards.py [--requests 200] [--reuse] [--fraction 1.0]

Bounded: at most --requests per endpoint and --time-limit seconds per endpoint; talks only
to the local PostgreSQL server.
"""

from __future__ import annotations

import argparse
import atexit
import datetime as dt
import json
import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

PG_ADMIN = os.environ.get("SOTAY_BENCH_PG_URL", "postgresql://root@127.0.0.1:5432/postgres")


def _prepare(db: str, reuse: bool) -> tuple[str, bool]:
    """Point the app at the bench database; create it unless reused. Returns (url, fresh)."""
    import psycopg

    url = PG_ADMIN.rsplit("/", 1)[0] + "/" + db
    with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (db,)).fetchone()
        fresh = not (reuse and exists)
        if fresh:
            conn.execute(f'DROP DATABASE IF EXISTS "{db}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{db}"')
    data_dir = tempfile.mkdtemp(prefix="sotay-bench-")
    atexit.register(shutil.rmtree, data_dir, ignore_errors=True)
    os.environ.update(
        {
            "SOTAY_DATABASE_URL": url,
            "SOTAY_DATA_DIR": data_dir,
            "SOTAY_LOG_LEVEL": "WARNING",
            "SOTAY_LOG_JSON": "true",
        }
    )
    return url, fresh


def _people(city_id: int, commune_id: int, cell_id: int) -> dict[str, str]:
    """Bench accounts (no cell) with committee grants, and their bearer tokens."""
    from sqlmodel import select

    from api.auth.service import start_bearer_session
    from api.db import new_session
    from api.members.models import User
    from api.org.models import RoleGrant

    tokens = {}
    with new_session() as s:
        for who, unit, role in (
            ("city", city_id, "committee"),
            ("commune", commune_id, "committee"),
            ("cell", cell_id, "secretary"),
        ):
            card = f"BENCH{who.upper()}"
            user = s.exec(select(User).where(User.party_card_number == card)).first()
            if user is None:
                user = User(full_name=f"Bench {who}", name_sort=who, party_card_number=card)
                s.add(user)
                s.flush()
                s.add(RoleGrant(user_id=user.id, unit_id=unit, role=role))  # type: ignore[arg-type]
            tokens[who] = start_bearer_session(s, user, "bench", None)[0]
        s.commit()
    return tokens


def _stats(samples: list[float]) -> dict[str, float]:
    ordered = sorted(samples)

    def pct(p: float) -> float:
        return ordered[min(len(ordered) - 1, int(round(p / 100 * (len(ordered) - 1))))]

    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 1),
        "p95_ms": round(pct(95), 1),
        "p99_ms": round(pct(99), 1),
        "max_ms": round(ordered[-1], 1),
    }


def _time(call: Callable[[], Any], n: int, limit: float, warm: int = 5) -> dict[str, float]:
    for _ in range(warm):
        call()
    samples: list[float] = []
    stop = time.monotonic() + limit
    while len(samples) < n and time.monotonic() < stop:
        t0 = time.perf_counter()
        call()
        samples.append((time.perf_counter() - t0) * 1000)
    return _stats(samples)


NAIVE = """
SELECT child.id, r.state, count(*),
       count(*) FILTER (WHERE r.state = 'approved' AND r.submitted_at > a.due_at),
       count(*) FILTER (WHERE r.state IN ('assigned','in_progress','submitted','returned')
                         AND a.due_at < now())
FROM assignment_records r
JOIN assignments a ON a.id = r.assignment_id
JOIN org_units cell ON cell.id = a.cell_id
JOIN org_units child ON child.parent_id = %(unit)s AND cell.path LIKE child.path || '%%'
WHERE a.due_at >= %(start)s AND a.due_at < %(end)s
GROUP BY child.id, r.state
"""


def _naive(url: str, unit: int, start: dt.datetime, end: dt.datetime) -> Callable[[], Any]:
    import psycopg

    conn = psycopg.connect(url)

    def run() -> Any:
        rows = conn.execute(NAIVE, {"unit": unit, "start": start, "end": end}).fetchall()
        conn.rollback()
        return rows

    return run


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--db", default="sotay_bench_dashboards")
    ap.add_argument("--reuse", action="store_true", help="keep an already loaded database")
    ap.add_argument("--requests", type=int, default=200)
    ap.add_argument("--time-limit", type=float, default=120.0, help="seconds per endpoint")
    ap.add_argument("--fraction", type=float, default=1.0, help="scale down for a quick run")
    ap.add_argument("--only", default="", help="time only endpoints whose name contains this")
    args = ap.parse_args()

    url, fresh = _prepare(args.db, args.reuse)
    from api.migrate import upgrade
    from seed.synthetic import Scale, load_synthetic

    report: dict[str, Any] = {"database": args.db}
    if fresh:
        upgrade(url)
        f = args.fraction
        scale = Scale(
            communes=max(2, int(168 * f)),
            cells=max(4, int(5_000 * f)),
            members=max(40, int(200_000 * f)),
            records=max(100, int(1_000_000 * f)),
            documents=max(20, int(10_000 * f)),
            city_documents=max(1, int(20 * f)),
        )
        t0 = time.perf_counter()
        loaded = load_synthetic(url, scale)
        report["load_seconds"] = round(time.perf_counter() - t0, 1)
        report["load_steps"] = {k: round(v, 1) for k, v in loaded.seconds.items()}
        report["counts"] = loaded.counts
    _bench(url, args, report)
    print(json.dumps(report, ensure_ascii=False, indent=2))


def _bench(url: str, args: argparse.Namespace, report: dict[str, Any]) -> None:
    from fastapi.testclient import TestClient
    from sqlalchemy import text

    from api.dashboards.period import this_month
    from api.db import new_session
    from api.main import create_app

    with new_session() as s:
        city = s.execute(text("SELECT id FROM org_units WHERE kind = 'province'")).scalar_one()
        commune, cell = s.execute(
            text("SELECT parent_id, id FROM org_units WHERE kind = 'cell' ORDER BY id LIMIT 1")
        ).one()
        member = s.execute(
            text("SELECT id FROM users WHERE cell_id = :c ORDER BY id LIMIT 1"), {"c": cell}
        ).scalar_one()
        wide = s.execute(
            text("SELECT document_id FROM document_audience WHERE unit_id = :u LIMIT 1"),
            {"u": city},
        ).scalar_one()
    tokens = _people(city, commune, cell)
    client = TestClient(create_app())
    api = "/api/v1/dashboards/units"
    year = {"from": str(dt.date.today() - dt.timedelta(days=365)), "to": str(dt.date.today())}

    def get(who: str, path: str, **params: Any) -> Callable[[], Any]:
        headers = {"Authorization": f"Bearer {tokens[who]}"}

        def call() -> Any:
            r = client.get(api + path, headers=headers, params=params)
            assert r.status_code == 200, r.text[:300]
            return r

        return call

    month = this_month()
    endpoints: dict[str, Callable[[], Any]] = {
        "city dashboard (this month)": get("city", f"/{city}"),
        "commune dashboard (this month)": get("commune", f"/{commune}"),
        "cell dashboard with members": get("cell", f"/{cell}"),
        "a member's records (drill-down end)": get("commune", f"/{cell}/members/{member}"),
        "city dashboard (last 365 days)": get("city", f"/{city}", **year),
        "city trends (12 months)": get("city", f"/{city}/trends"),
        "city documents (page of 20)": get("city", f"/{city}/documents"),
        "commune documents (page of 20)": get("commune", f"/{commune}/documents"),
        "city: who has not studied a city-wide document (page of 20)": get(
            "city", f"/{city}/documents/{wide}", limit=20
        ),
        "commune: the same, at the commune": get("commune", f"/{commune}/documents/{wide}"),
        "commune export xlsx": get("commune", f"/{commune}/export", format="xlsx"),
        "commune export csv": get("commune", f"/{commune}/export", format="csv"),
        "naive GROUP BY recount, city month": _naive(url, city, month.start, month.end),
        "naive GROUP BY recount, commune month": _naive(url, commune, month.start, month.end),
    }
    board = endpoints["city dashboard (this month)"]().json()
    report["city_month_records"] = board["totals"]["assigned_records"]
    report["load_average_before"] = os.getloadavg()
    report["results"] = {
        name: _time(call, args.requests, args.time_limit)
        for name, call in endpoints.items()
        if args.only in name
    }
    report["load_average_after"] = os.getloadavg()


if __name__ == "__main__":
    main()
