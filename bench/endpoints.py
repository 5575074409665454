"""Member endpoints under load: throughput, p50/p95/p99, errors, ratio to the framework floor.

One command, two shapes (docs/performance.md):

    .venv/bin/python bench/endpoints.py                  # PostgreSQL city (loads it if absent)
    .venv/bin/python bench/endpoints.py --reuse          # the loaded city again
    .venv/bin/python bench/endpoints.py --shape sqlite   # embedded SQLite, commune of 2,000

The PostgreSQL shape loads `sotay seed synthetic` (200,000 members) into its own database
(`sotay_bench`), starts N `sotay serve` processes on 127.0.0.1 (separate processes, each
with its own port, so each one's /metrics and RSS can be read), signs in a random sample of
members by creating their bearer tokens through the auth service, and drives every endpoint
with wrk (bench/wrk/endpoint.lua): C connections spread over the processes, bounded in
time and requests, each request a random member of the sample. The floor is `/healthz` of the
same processes, measured in the same run. Server time of "sync with nothing new" is read from
the app's own request histogram (`sotay_http_request_seconds` in /metrics), under load and
with one connection. Results: a table on stdout, JSON in bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
import tempfile
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
SOTAY = str(Path(sys.executable).with_name("sotay"))
LUA = ROOT / "bench" / "wrk" / "endpoint.lua"
RESULTS = ROOT / "bench" / "results"
PG_ADMIN = "postgresql://root@127.0.0.1:5432/postgres"
QUERIES = [
    "nghị quyết",
    "chuyển đổi số",
    "sinh hoạt chi bộ",
    "quốc phòng an ninh",
    "tham nhũng",
    "dân vận",
    "thanh niên",
    "môi trường",
    "nông thôn mới",
    "kinh tế",
    "đảng viên mới",
    "hành chính",
    "quyết",
    "chỉnh đốn Đảng",
    "an sinh",
]
SYNC_NOW = "@SYNC_NOW@"  # replaced by a cursor minted right before the sync run
REPORT = "Đã hoàn thành nhiệm vụ, báo cáo chi bộ kết quả thực hiện trong tháng."


def uptime() -> str:
    """`uptime`: the machine's load, recorded next to every number."""
    return subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()  # noqa: S607


def free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


@contextmanager
def servers(n: int, env: dict[str, str]) -> Iterator[list[tuple[str, subprocess.Popen[bytes]]]]:
    """n `sotay serve` processes; yields (base URL, process)."""
    import httpx

    procs = []
    for _ in range(n):
        port = free_port()
        proc = subprocess.Popen(  # noqa: S603
            [SOTAY, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append((f"http://127.0.0.1:{port}", proc))
    try:
        for url, _ in procs:
            deadline = time.monotonic() + 240  # the first start may migrate
            while True:
                try:
                    if httpx.get(f"{url}/healthz", timeout=1).status_code == 200:
                        break
                except httpx.HTTPError:
                    pass
                if time.monotonic() > deadline:
                    raise TimeoutError(url)
                time.sleep(0.2)
        yield procs
    finally:
        for _, proc in procs:
            proc.terminate()
        for _, proc in procs:
            try:
                proc.wait(timeout=15)
            except subprocess.TimeoutExpired:
                proc.kill()


# --- data --------------------------------------------------------------------------------


def shape_env(args: argparse.Namespace, data_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env.update(
        SOTAY_DATA_DIR=str(data_dir),
        SOTAY_ENV="development",
        SOTAY_LOG_JSON="true",
        # Tokens made before the run must outlive it.
        SOTAY_ACCESS_TOKEN_TTL_SECONDS="86400",
        # Every request comes from 127.0.0.1: per-address limits still count (their cost is
        # part of the request) but are set out of reach; per-account limits stay as shipped.
        SOTAY_RATE_SEARCH_PER_ADDRESS_PER_MINUTE="100000000",
        SOTAY_RATE_PUBLISH_PER_ADDRESS_PER_MINUTE="100000000",
    )
    if args.shape == "postgresql":
        env["SOTAY_DATABASE_URL"] = f"postgresql+psycopg://root@127.0.0.1:5432/{args.database}"
        # The scaled-out shape: the fan-out goes to RabbitMQ; no worker runs during the
        # measurement, so publish is measured on the request path only.
        env["SOTAY_BROKER_URL"] = args.broker
        env["SOTAY_BROKER_NAMESPACE"] = "sotaybench"
    else:
        env.pop("SOTAY_DATABASE_URL", None)
        env["SOTAY_BROKER_URL"] = ""
    return env


def load(args: argparse.Namespace, env: dict[str, str]) -> float:
    """Create and load the shape's database; returns seconds."""
    if args.shape == "postgresql":
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {args.database}")
    t0 = time.perf_counter()
    subprocess.run(  # noqa: S603
        [SOTAY, "seed", "synthetic", "--members", str(args.members)], env=env, check=True
    )
    return time.perf_counter() - t0


def prepare(args: argparse.Namespace, env: dict[str, str], work: Path) -> dict[str, Any]:
    """Tokens for a random sample of members and the data files for each endpoint."""
    os.environ.update(env)
    from sqlalchemy import text
    from sqlmodel import select

    from api.auth.service import start_bearer_session
    from api.config import get_settings
    from api.db import get_engine, new_session
    from api.members.models import User

    get_settings.cache_clear()
    get_engine.cache_clear()
    rng = random.Random(args.seed)
    with new_session() as s:
        ids = [r[0] for r in s.execute(text("SELECT id FROM users WHERE is_active")).all()]
        sample = sorted(rng.sample(ids, min(args.sample, len(ids))))
        publishers = [
            (r[0], r[1])
            for r in s.execute(
                text(
                    "SELECT g.user_id, g.unit_id FROM role_grants g JOIN org_units u "
                    "ON u.id = g.unit_id WHERE g.role = 'publisher' AND u.kind = 'commune'"
                )
            ).all()
        ]
        users = {u.id: u for u in s.exec(select(User).where(User.id.in_(sample)))}  # type: ignore[union-attr]
        pub_users = {
            u.id: u for u in s.exec(select(User).where(User.id.in_([p for p, _ in publishers])))
        }  # type: ignore[union-attr]  # noqa: E501
        tokens = {
            uid: start_bearer_session(s, u, "bench", "127.0.0.1")[0] for uid, u in users.items()
        }  # noqa: E501
        pub_tokens = {
            uid: start_bearer_session(s, u, "bench", "127.0.0.1")[0] for uid, u in pub_users.items()
        }  # noqa: E501
        s.commit()
        in_sample = ",".join(str(i) for i in sample)
        docs: dict[int, list[int]] = {}
        for uid, did in s.execute(
            text(
                f"SELECT user_id, document_id FROM document_receipts WHERE user_id IN ({in_sample})"
            )  # noqa: S608, E501
        ).all():
            docs.setdefault(uid, []).append(did)
        todo = s.execute(
            text(
                "SELECT assignment_id, assignee_id FROM assignment_records WHERE assignee_id "
                f"IN ({in_sample}) AND state IN ('assigned', 'in_progress')"  # noqa: S608
            )
        ).all()
    lines: dict[str, list[str]] = {k: [] for k in ENDPOINTS}
    for uid, tok in tokens.items():
        lines["floor"].append("\t/healthz")
        lines["home feed"].append(f"{tok}\t/api/v1/notifications?limit=10")
        lines["library page"].append(f"{tok}\t/api/v1/documents?limit=20")
        for q in rng.sample(QUERIES, 3):
            lines["search"].append(f"{tok}\t/api/v1/documents?limit=20&q={urllib.parse.quote(q)}")
        for did in rng.sample(docs.get(uid, [1]), min(3, len(docs.get(uid, [1])))):
            lines["document open"].append(f"{tok}\t/api/v1/documents/{did}")
        lines["my tasks"].append(f"{tok}\t/api/v1/assignments?scope=mine")
        lines["unread count"].append(f"{tok}\t/api/v1/notifications/unread-count")
        lines["sync, nothing new"].append(f"{tok}\t/api/v1/sync?since={SYNC_NOW}")
    body = json.dumps({"report": REPORT}, ensure_ascii=False)
    rng.shuffle(todo)
    for aid, uid in todo:
        lines["submit a report"].append(f"{tokens[uid]}\t/api/v1/assignments/{aid}/submit\t{body}")
    files = {}
    for name, rows in lines.items():
        path = work / (re.sub(r"\W+", "_", name) + ".tsv")
        path.write_text("\n".join(rows) + "\n")
        files[name] = path
    return {
        "files": files,
        "sample": len(tokens),
        "publishers": [(pub_tokens[uid], unit) for uid, unit in publishers],
        "submit_targets": len(todo),
    }


def fresh_cursors(path: Path, work: Path) -> Path:
    """The file with its sync cursors minted now.

    "Nothing new" must be true when the requests run: a cursor minted at preparation would
    be older than the document opens measured before it, and each member who opened a
    document would then get a real delta (their receipt changed), not the quiet answer.
    """
    text = path.read_text()
    if SYNC_NOW not in text:
        return path
    from api.pagination import encode_cursor

    now = encode_cursor([dt.datetime.now(dt.UTC).isoformat()])
    out = work / f"fresh-{path.name}"
    out.write_text(text.replace(SYNC_NOW, now))
    return out


def make_drafts(base: str, publishers: list[tuple[str, int]], n: int, path: Path) -> int:
    """n drafts to communes by their publishers (before the run), one publish line each."""
    import httpx

    rows = []
    today = dt.date.today().isoformat()
    number = random.randint(10000, 60000)  # symbols are unique per unit and year: new ones
    with httpx.Client(base_url=base, timeout=30) as c:
        while len(rows) < n:
            tok, unit = publishers[len(rows) % len(publishers)]
            number += 1
            r = c.post(
                "/api/v1/documents",
                headers={"Authorization": f"Bearer {tok}"},
                json={
                    "kind": "resolution",
                    "symbol": f"{number}-NQ/ĐU",
                    "title": f"Nghị quyết đo tải số {number} về sinh hoạt chi bộ",
                    "summary": "Văn bản tạo cho phép đo tải.",
                    "body": "Các chi bộ quán triệt và thực hiện.\n\nBáo cáo kết quả.",
                    "issuer_id": unit,
                    "issued_on": today,
                },
            )
            if r.status_code == 409:  # taken by an earlier run
                continue
            if r.status_code != 201:
                raise RuntimeError(f"draft: {r.status_code} {r.json().get('errors', r.text)}")
            rows.append(f"{tok}\t/api/v1/documents/{r.json()['id']}/publish")
    path.write_text("\n".join(rows) + "\n")
    return len(rows)


# --- measuring ---------------------------------------------------------------------------

# name → (method, mode): "random" picks a random member per request; "once" uses each line once
ENDPOINTS: dict[str, tuple[str, str]] = {
    "floor": ("GET", "random"),
    "home feed": ("GET", "random"),
    "library page": ("GET", "random"),
    "search": ("GET", "random"),
    "document open": ("GET", "random"),
    "my tasks": ("GET", "random"),
    "unread count": ("GET", "random"),
    "sync, nothing new": ("GET", "random"),
    "submit a report": ("POST", "once"),
    "publish to a commune": ("POST", "once"),
}


def wrk(
    urls: list[str],
    data: Path,
    method: str,
    mode: str,
    connections: int,
    seconds: float,
    max_requests: int,
) -> dict[str, Any]:
    """wrk against each server at once (connections split evenly); merged numbers."""
    per = max(1, connections // len(urls))
    threads = 1 if per < 2 else 2
    rows = sum(1 for _ in data.open())
    cap = max_requests // len(urls) // threads
    if mode == "once":
        # Each thread owns rows/threads/servers lines and stops before it runs out.
        cap = min(cap, rows // len(urls) // threads - per)
        if cap <= 0:
            return {"skipped": f"{rows} lines are too few"}
    procs = []
    for k, url in enumerate(urls):
        part = data
        if mode == "once" and len(urls) > 1:  # each server gets its own slice of the lines
            part = data.with_suffix(f".{k}.tsv")
            part.write_text(
                "".join(line for i, line in enumerate(data.open()) if i % len(urls) == k)
            )
        cmd = [
            "wrk",
            f"-t{threads}",
            f"-c{per}",
            f"-d{max(1, round(seconds))}s",
            "--timeout",
            "10s",
            "-s",
            str(LUA),
            url,
            "--",
            str(part),
            mode,
            method,
            str(cap),
            str(threads),
        ]
        procs.append(subprocess.Popen(cmd, stdout=subprocess.PIPE, text=True))  # noqa: S603
    outs = []
    for proc in procs:
        text = proc.communicate()[0]
        if "JSON:" not in text:
            raise RuntimeError(f"wrk gave no result: {text[-2000:]}")
        outs.append(json.loads(text.split("JSON:", 1)[1]))
    total = sum(o["requests"] for o in outs)
    secs = max(o["duration_us"] for o in outs) / 1e6
    errors = sum(
        o[k]
        for o in outs
        for k in ("connect_errors", "read_errors", "write_errors", "status_errors", "timeouts")
    )
    # Percentiles of the union are not the mean of percentiles; the servers get identical
    # load, so the worst server's percentile is reported (an upper bound).
    # A thread that reaches its cap stops, but wrk reports the whole run's duration: the
    # rate of a capped run is then a lower bound, and is marked so.
    capped = mode != "once" and total >= cap * threads * len(urls)
    return {
        "requests": total,
        "capped": capped,
        "seconds": round(secs, 2),
        "rps": round(total / secs, 1) if secs else 0.0,
        "p50_ms": round(max(o["p50_us"] for o in outs) / 1000, 2),
        "p95_ms": round(max(o["p95_us"] for o in outs) / 1000, 2),
        "p99_ms": round(max(o["p99_us"] for o in outs) / 1000, 2),
        "max_ms": round(max(o["max_us"] for o in outs) / 1000, 2),
        "errors": errors,
    }


# Greedy: route labels hold braces themselves (/api/v1/documents/{document_id}).
_SAMPLE = re.compile(r"^sotay_http_request_seconds_(bucket|sum|count)\{(.*)\} (\S+)$")


def sync_histogram(urls: list[str]) -> dict[str, float]:
    """The app's own timing of GET /sync (its request histogram), summed over processes."""
    import httpx

    out: dict[str, float] = {}
    for url in urls:
        for line in httpx.get(f"{url}/metrics", timeout=10).text.splitlines():
            m = _SAMPLE.match(line)
            if not m:
                continue
            kind, labels, value = m.groups()
            tags = dict(re.findall(r'(\w+)="([^"]*)"', labels))
            if tags.get("method") != "GET" or not tags.get("route", "").endswith("/sync"):
                continue
            key = kind if kind != "bucket" else f"le_{tags['le']}"
            out[key] = out.get(key, 0.0) + float(value)
    return out


def server_time(before: dict[str, float], after: dict[str, float]) -> dict[str, Any]:
    n = after.get("count", 0) - before.get("count", 0)
    if n <= 0:
        return {}
    share = {
        k[3:]: round((after.get(k, 0) - before.get(k, 0)) / n, 3)
        for k in after
        if k.startswith("le_") and k[3:] in ("0.005", "0.01", "0.025")
    }
    mean = (after.get("sum", 0) - before.get("sum", 0)) / n * 1000
    return {"requests": int(n), "mean_ms": round(mean, 2), "share_within_s": share}


def run(args: argparse.Namespace) -> dict[str, Any]:
    if shutil.which("wrk") is None:
        raise SystemExit("wrk is missing: apt-get install -y wrk")
    work = Path(tempfile.mkdtemp(prefix="sotay-bench-"))
    data_dir = Path(args.data_dir) if args.data_dir else work / "data"
    data_dir.mkdir(parents=True, exist_ok=True)
    env = shape_env(args, data_dir)
    report: dict[str, Any] = {
        "shape": args.shape,
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "nproc": os.cpu_count(),
        "uptime_before": uptime(),
        "processes": args.processes,
        "connections": args.connections,
        "seconds_per_endpoint": args.duration,
        "max_requests": args.max_requests,
    }
    if not args.reuse:
        report["load_seconds"] = round(load(args, env), 1)
    prep = prepare(args, env, work)
    report["sample_members"] = prep["sample"]
    report["submit_targets"] = prep["submit_targets"]
    results: dict[str, Any] = {}
    first_event = last_event_id(env) + 1
    with servers(args.processes, env) as procs:
        urls = [u for u, _ in procs]
        publish = work / "publish.tsv"
        if not args.only or "publish to a commune" in args.only:
            report["drafts"] = make_drafts(urls[0], prep["publishers"], args.drafts, publish)
            prep["files"]["publish to a commune"] = publish
        # Warm-up: every process imports lazily and fills its pool; not measured.
        wrk(urls, prep["files"]["library page"], "GET", "random", args.connections, 3, 2000)
        rss_start = [round(rss_mb(p.pid), 1) for _, p in procs]
        for name, (method, mode) in ENDPOINTS.items():
            if args.only and name not in args.only and name != "floor":
                continue
            before = sync_histogram(urls) if name.startswith("sync") else {}
            res = wrk(
                urls,
                fresh_cursors(prep["files"][name], work),
                method,
                mode,
                args.connections,
                args.duration,
                args.max_requests,
            )
            if name.startswith("sync"):
                res["server_time"] = server_time(before, sync_histogram(urls))
            results[name] = res
            print(f"  {name}: {res}", file=sys.stderr)
        # Server time of a sync with nothing new, alone (one connection, one process).
        before = sync_histogram(urls[:1])
        alone = wrk(
            urls[:1],
            fresh_cursors(prep["files"]["sync, nothing new"], work),
            "GET",
            "random",
            1,
            min(args.duration, 10),
            500,
        )
        alone["server_time"] = server_time(before, sync_histogram(urls[:1]))
        report["sync_alone"] = alone
        report["rss_mb_start"] = rss_start
        report["rss_mb_after"] = [round(rss_mb(p.pid), 1) for _, p in procs]
    floor = results.get("floor", {}).get("rps") or 0
    for res in results.values():
        if "rps" in res and floor:
            res["ratio_to_floor"] = round(res["rps"] / floor, 3)
    report["results"] = results
    report["uptime_after"] = uptime()
    if args.shape == "postgresql":
        flush_broker(env)
        report["fanouts_dropped"] = settle_events(env, first_event)
    shutil.rmtree(work, ignore_errors=True)
    return report


def last_event_id(env: dict[str, str]) -> int:
    """The newest notification event before the run: the run's own come after it."""
    if "SOTAY_DATABASE_URL" not in env:
        return 0
    import psycopg

    with psycopg.connect(env["SOTAY_DATABASE_URL"].replace("+psycopg", "")) as conn:
        row = conn.execute("SELECT coalesce(max(id), 0) FROM notification_events").fetchone()
    return int(row[0]) if row else 0


def settle_events(env: dict[str, str], first_id: int) -> int:
    """Mark the run's publications' fan-outs done without doing them.

    No worker runs during the measurement; left pending, the next process with a consumer
    on this database (bench/request_cost.py, a later run's worker, a sweep) would fan them
    out to whole communes and push to the synthetic devices, and every later number would
    carry that work. Returns how many events were dropped.
    """
    import psycopg

    with psycopg.connect(env["SOTAY_DATABASE_URL"].replace("+psycopg", "")) as conn:
        cur = conn.execute(
            "UPDATE notification_events SET status = 'done', processed_at = now() "
            "WHERE id >= %s AND status = 'pending'",
            (first_id,),
        )
        return cur.rowcount


def flush_broker(env: dict[str, str]) -> None:
    """Drop the fan-out messages the run left on RabbitMQ (no worker ran)."""
    try:
        import pika  # type: ignore[import-untyped]

        conn = pika.BlockingConnection(pika.URLParameters(env["SOTAY_BROKER_URL"]))
        ch = conn.channel()
        for q in ("fanout", "push", "default"):  # api/notifications/engine.py queues
            for name in (f"sotaybench.{q}", f"sotaybench.{q}.DQ", f"sotaybench.{q}.XQ"):
                try:
                    ch.queue_delete(queue=name)
                except Exception:  # noqa: BLE001 - a queue that never existed
                    ch = conn.channel()
        conn.close()
    except Exception as exc:  # noqa: BLE001 - cleaning up is best effort
        print(f"(broker not flushed: {exc})", file=sys.stderr)


def table(report: dict[str, Any]) -> str:
    head = (
        f"{report['shape']}: {report['processes']} process(es), {report['connections']} "
        f"connections, {report['sample_members']} random members; {report['uptime_before']}"
    )
    lines = [
        head,
        "",
        "| endpoint | req/s | ratio to floor | p50 ms | p95 ms | p99 ms | errors |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, r in report["results"].items():
        if "rps" not in r:
            lines.append(f"| {name} | {r.get('skipped', '')} | | | | | |")
            continue
        lines.append(
            f"| {name} | {'≥ ' if r.get('capped') else ''}{r['rps']:,.0f} | "
            f"{r.get('ratio_to_floor', 1):.2f} | {r['p50_ms']} | "
            f"{r['p95_ms']} | {r['p99_ms']} | {r['errors']} / {r['requests']:,} |"
        )
    s = report["sync_alone"]
    lines += [
        "",
        f"sync, nothing new, server time under load: {report['results'].get('sync, nothing new', {}).get('server_time')}",  # noqa: E501
        f"sync, nothing new, one connection: client p50 {s.get('p50_ms')} ms, p95 "
        f"{s.get('p95_ms')} ms; server time {s.get('server_time')}",
        f"RSS per process (MB): start {report['rss_mb_start']}, after {report['rss_mb_after']}",
        f"{report['uptime_after']}",
    ]
    return "\n".join(lines)


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--shape", choices=["postgresql", "sqlite"], default="postgresql")
    p.add_argument("--reuse", action="store_true", help="use the loaded database")
    p.add_argument("--database", default="sotay_bench")
    p.add_argument("--data-dir", default=None, help="SOTAY_DATA_DIR (SQLite shape: keep it)")
    p.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672")
    p.add_argument("--members", type=int, default=None, help="default 200,000 / 2,000")
    p.add_argument("--processes", type=int, default=None, help="default 2 / 1")
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--duration", type=float, default=15.0, help="seconds per endpoint")
    # High enough that a read run ends on time, not on the cap (a capped rate is a lower
    # bound); the writes are bounded by their own data (each report and draft used once).
    p.add_argument("--max-requests", type=int, default=200_000, help="per endpoint")
    p.add_argument("--sample", type=int, default=2000, help="random members signed in")
    p.add_argument("--drafts", type=int, default=400, help="drafts to publish")
    p.add_argument("--only", nargs="*", default=None, help="endpoint names (floor always)")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--drop", action="store_true", help="drop the database at the end")
    args = p.parse_args()
    sqlite = args.shape == "sqlite"
    args.members = args.members or (2000 if sqlite else 200_000)
    args.processes = args.processes or (1 if sqlite else 2)
    report = run(args)
    print(table(report))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"endpoints-{args.shape}-{report['when'].replace(':', '')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"\nJSON: {out}")
    if args.drop and not sqlite:
        import psycopg

        with psycopg.connect(PG_ADMIN, autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {args.database} WITH (FORCE)")


if __name__ == "__main__":
    main()
