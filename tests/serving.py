"""Start real `sotay serve` processes for tests that need a real server (or several)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def served(n: int = 1, env: dict[str, str] | None = None) -> Iterator[list[str]]:
    """Run n server processes on the test database; yields their base URLs."""
    sotay = str(Path(sys.executable).with_name("sotay"))
    procs, urls = [], []
    for _ in range(n):
        port = free_port()
        proc = subprocess.Popen(  # noqa: S603
            [sotay, "serve", "--host", "127.0.0.1", "--port", str(port)],
            env=os.environ | (env or {}),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        procs.append(proc)
        urls.append(f"http://127.0.0.1:{port}")
    try:
        for url in urls:
            wait_ready(url)
        yield urls
    finally:
        for proc in procs:
            proc.terminate()
        for proc in procs:
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()


def wait_ready(url: str, timeout: float = 30.0, verify: bool = True) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"{url}/healthz", timeout=1, verify=verify).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    raise TimeoutError(f"server at {url} did not start")
