"""Draws the app icons (a yellow star on red) as PNGs with zlib/struct only; commit the PNGs."""

from __future__ import annotations

import math
import struct
import zlib
from pathlib import Path

RED = (200, 16, 46)
YELLOW = (255, 205, 0)
OUT = Path(__file__).resolve().parent.parent / "static" / "icons"


def _star(cx: float, cy: float, r: float) -> list[tuple[float, float]]:
    """The ten corners of a five-pointed star, point up."""
    inner = r * math.sin(math.radians(18)) / math.sin(math.radians(54))
    pts = []
    for i in range(10):
        rad = r if i % 2 == 0 else inner
        a = math.radians(-90 + 36 * i)
        pts.append((cx + rad * math.cos(a), cy + rad * math.sin(a)))
    return pts


def _inside(x: float, y: float, poly: list[tuple[float, float]]) -> bool:
    """Even-odd point-in-polygon test."""
    hit = False
    j = len(poly) - 1
    for i, (xi, yi) in enumerate(poly):
        xj, yj = poly[j]
        if (yi > y) != (yj > y) and x < (xj - xi) * (y - yi) / (yj - yi) + xi:
            hit = not hit
        j = i
    return hit


def _png(size: int, star_ratio: float) -> bytes:
    poly = _star(size / 2, size / 2 + size * 0.03, size * star_ratio)
    rows = []
    for y in range(size):
        row = bytearray([0])
        for x in range(size):
            # 2x2 supersampling keeps the edges smooth without any imaging library.
            hits = sum(_inside(x + dx, y + dy, poly) for dx in (0.25, 0.75) for dy in (0.25, 0.75))
            f = hits / 4
            row += bytes(round(RED[k] * (1 - f) + YELLOW[k] * f) for k in range(3))
        rows.append(bytes(row))
    raw = zlib.compress(b"".join(rows), 9)

    def chunk(tag: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + tag + data + struct.pack(">I", zlib.crc32(tag + data))

    ihdr = struct.pack(">IIBBBBB", size, size, 8, 2, 0, 0, 0)
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", raw) + chunk(b"IEND", b"")


def main() -> None:
    """Write every icon the manifest and the Apple tags name."""
    OUT.mkdir(parents=True, exist_ok=True)
    # Maskable icons keep the star inside the central 80% safe zone.
    for name, size, ratio in (
        ("icon-192.png", 192, 0.36),
        ("icon-512.png", 512, 0.36),
        ("maskable-192.png", 192, 0.26),
        ("maskable-512.png", 512, 0.26),
        ("apple-touch-icon.png", 180, 0.32),
        ("badge-72.png", 72, 0.40),
    ):
        (OUT / name).write_bytes(_png(size, ratio))


if __name__ == "__main__":
    main()
