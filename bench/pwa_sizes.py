"""What the first visit to each PWA screen transfers: shell HTML, CSS and the JS module graph.

Sizes are gzip level 9 of the files as served (the same measure as the 100 KB budget test in
tests/pwa/test_shell.py). Run: .venv/bin/python bench/pwa_sizes.py
"""

from __future__ import annotations

import gzip
import os
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("SOTAY_DATA_DIR", tempfile.mkdtemp(prefix="sotay-sizes-"))

from fastapi.testclient import TestClient  # noqa: E402

from api.main import create_app  # noqa: E402
from tests.pwa.test_shell import SCREENS, first_load  # noqa: E402


def main() -> None:
    client = TestClient(create_app())
    shell = client.get("/", headers={"Accept": "text/html"})
    sw = client.get("/sw.js")
    manifest = client.get("/manifest.webmanifest")
    fixed = {
        "shell HTML": len(gzip.compress(shell.content, 9)),
        "sw.js": len(gzip.compress(sw.content, 9)),
        "manifest": len(gzip.compress(manifest.content, 9)),
    }
    print("| screen | JS+CSS files | JS+CSS gzip KB | with shell HTML KB |")
    print("|---|---|---|---|")
    for screen in SCREENS:
        sizes = first_load(screen)
        total = sum(sizes.values())
        print(
            f"| {screen} | {len(sizes)} | {total / 1024:.1f} | "
            f"{(total + fixed['shell HTML']) / 1024:.1f} |"
        )
    print()
    for name, size in fixed.items():
        print(f"{name}: {size / 1024:.1f} KB gzip")


if __name__ == "__main__":
    main()
