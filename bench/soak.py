"""Soak: minutes of mixed member load on the PostgreSQL city; errors and the memory curve.

    .venv/bin/python bench/soak.py --reuse              # 10 minutes on the loaded city
    .venv/bin/python bench/soak.py --reuse --minutes 1  # a short look

The same data, servers and random members as bench/endpoints.py (issue 9's soak: "at the
throughput the benchmark found"): wrk keeps C connections busy on 127.0.0.1, so the load is
the saturated throughput the benchmark measured, for the whole run (bounded in time). The
mix: home feed, library page, search, document open, my tasks, unread count, sync with
nothing new, and marking a document read (a write, repeatable). Every 10 s it samples each
server process's resident memory and the app's own request counters (/metrics): requests
served and 5xx answers. Prints errors, start/peak/end memory and the slope after the first
minute (warm-up: pools fill, code paths load), and writes JSON to bench/results/.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
import endpoints as ep  # noqa: E402 - bench/endpoints.py, a sibling script

MIX = {  # endpoint → share of requests
    "home feed": 15,
    "library page": 15,
    "search": 10,
    "document open": 20,
    "my tasks": 10,
    "unread count": 15,
    "sync, nothing new": 10,
}
READ_SHARE = 5  # POST /documents/{id}/read (the member opened it again)
# Greedy: route labels hold braces themselves (/api/v1/documents/{document_id}).
_COUNTER = re.compile(r"^sotay_http_requests_total\{(.*)\} (\S+)$", re.M)


def mixed_file(files: dict[str, Path], out: Path, rng: random.Random) -> int:
    """One data file whose lines follow MIX (a line per request share)."""
    pools = {name: files[name].read_text().splitlines() for name in MIX}
    reads = [f"{line}/read\t{{}}" for line in pools["document open"]]
    rows = []
    for name, share in MIX.items():
        rows += [rng.choice(pools[name]) for _ in range(share * 200)]
    rows += [rng.choice(reads) for _ in range(READ_SHARE * 200)]
    rng.shuffle(rows)
    out.write_text("\n".join(rows) + "\n")
    return len(rows)


def counters(url: str) -> tuple[float, float]:
    """(requests served, 5xx answers) from the app's /metrics."""
    import httpx

    total = errors = 0.0
    for labels, value in _COUNTER.findall(httpx.get(f"{url}/metrics", timeout=10).text):
        tags = dict(re.findall(r'(\w+)="([^"]*)"', labels))
        if tags.get("route") == "/metrics":
            continue
        total += float(value)
        if tags.get("status", "").startswith("5"):
            errors += float(value)
    return total, errors


def slope_mb_per_min(points: list[tuple[float, float]]) -> float:
    """Least-squares slope of (seconds, MB), in MB per minute."""
    if len(points) < 2:
        return 0.0
    n = len(points)
    mx = sum(t for t, _ in points) / n
    my = sum(m for _, m in points) / n
    var = sum((t - mx) ** 2 for t, _ in points)
    cov = sum((t - mx) * (m - my) for t, m in points)
    return cov / var * 60 if var else 0.0


def run(args: argparse.Namespace) -> dict[str, Any]:
    work = Path(tempfile.mkdtemp(prefix="sotay-soak-"))
    data_dir = work / "data"
    data_dir.mkdir()
    env = ep.shape_env(args, data_dir)
    if not args.reuse:
        ep.load(args, env)
    prep = ep.prepare(args, env, work)
    mixed = work / "mixed.tsv"
    mixed_file(prep["files"], mixed, random.Random(args.seed))
    seconds = int(args.minutes * 60)
    samples: list[dict[str, Any]] = []
    with ep.servers(args.processes, env) as procs:
        urls = [u for u, _ in procs]
        ep.wrk(urls, prep["files"]["library page"], "GET", "random", args.connections, 3, 2000)
        result: dict[str, Any] = {}

        def load() -> None:
            result.update(ep.wrk(urls, mixed, "GET", "random", args.connections, seconds, 0))

        uptime_before = subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip()
        worker = threading.Thread(target=load)
        t0 = time.monotonic()
        worker.start()
        base = [counters(u) for u in urls]
        while worker.is_alive():
            now = time.monotonic() - t0
            counts = [counters(u) for u in urls]
            samples.append(
                {
                    "t": round(now, 1),
                    "rss_mb": [round(ep.rss_mb(p.pid), 1) for _, p in procs],
                    "served": int(sum(c[0] - b[0] for c, b in zip(counts, base, strict=True))),
                    "errors_5xx": int(sum(c[1] - b[1] for c, b in zip(counts, base, strict=True))),
                }
            )
            worker.join(timeout=10)
        final = [counters(u) for u in urls]
        rss_end = [round(ep.rss_mb(p.pid), 1) for _, p in procs]
    per_process = []
    for k in range(len(urls)):
        curve = [(s["t"], s["rss_mb"][k]) for s in samples]
        steady = [(t, m) for t, m in curve if t >= 60] or curve
        per_process.append(
            {
                "start_mb": curve[0][1] if curve else None,
                "peak_mb": max(m for _, m in curve) if curve else None,
                "end_mb": rss_end[k],
                "slope_mb_per_min_after_1min": round(slope_mb_per_min(steady), 3),
            }
        )
    return {
        "when": dt.datetime.now(dt.UTC).isoformat(timespec="seconds"),
        "minutes": args.minutes,
        "processes": args.processes,
        "connections": args.connections,
        "uptime_before": uptime_before,
        "uptime_after": subprocess.run(["uptime"], capture_output=True, text=True).stdout.strip(),
        "mix": {**MIX, "document read (POST)": READ_SHARE},
        "load": result,
        "served": int(sum(f[0] - b[0] for f, b in zip(final, base, strict=True))),
        "errors_5xx": int(sum(f[1] - b[1] for f, b in zip(final, base, strict=True))),
        "memory": per_process,
        "samples": samples,
    }


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    p.add_argument("--minutes", type=float, default=10.0)
    p.add_argument("--reuse", action="store_true", help="use the loaded database")
    p.add_argument("--database", default="sotay_bench")
    p.add_argument("--broker", default="amqp://guest:guest@127.0.0.1:5672")
    p.add_argument("--members", type=int, default=200_000)
    p.add_argument("--processes", type=int, default=2)
    p.add_argument("--connections", type=int, default=64)
    p.add_argument("--sample", type=int, default=2000)
    p.add_argument("--seed", type=int, default=11)
    args = p.parse_args()
    args.shape = "postgresql"
    report = run(args)
    load = report["load"]
    print(
        f"{report['minutes']} min, {report['processes']} processes, {report['connections']} "
        f"connections; {report['uptime_before']}"
    )
    print(
        f"requests {load.get('requests')}, {load.get('rps')}/s, p50 {load.get('p50_ms')} ms, "
        f"p95 {load.get('p95_ms')} ms, p99 {load.get('p99_ms')} ms"
    )
    print(
        f"errors: client-side {load.get('errors')}, server 5xx {report['errors_5xx']} "
        f"(of {report['served']} served)"
    )
    for k, m in enumerate(report["memory"]):
        print(
            f"process {k + 1}: RSS start {m['start_mb']} MB, peak {m['peak_mb']} MB, end "
            f"{m['end_mb']} MB, slope after 1 min {m['slope_mb_per_min_after_1min']} MB/min"
        )
    print("curve (s: MB per process, served so far):")
    for s in report["samples"]:
        print(f"  {s['t']:6.0f}: {s['rss_mb']} {s['served']}")
    print(report["uptime_after"])
    ep.RESULTS.mkdir(parents=True, exist_ok=True)
    out = ep.RESULTS / f"soak-{report['when'].replace(':', '')}.json"
    out.write_text(json.dumps(report, indent=2, ensure_ascii=False))
    print(f"JSON: {out}")
    ep.flush_broker(ep.shape_env(args, Path(tempfile.gettempdir())))


if __name__ == "__main__":
    main()
