"""A progress bar on a terminal, a plain summary line otherwise (for long commands)."""

from __future__ import annotations

import sys
import time
from typing import TextIO


class Progress:
    """Draws `label [#####.....] n/total` on a TTY; silent elsewhere (logs stay clean)."""

    def __init__(self, label: str, total: int, stream: TextIO | None = None) -> None:
        self.label, self.total = label, max(total, 1)
        self.stream = stream or sys.stderr
        self.done = 0
        self.tty = self.stream.isatty()
        self._last = 0.0

    def advance(self, n: int = 1) -> None:
        """Count n more items; redraw at most ten times a second."""
        self.done += n
        now = time.monotonic()
        if self.tty and (now - self._last > 0.1 or self.done >= self.total):
            self._last = now
            width = 30
            filled = int(width * self.done / self.total)
            bar = "#" * filled + "." * (width - filled)
            self.stream.write(f"\r{self.label} [{bar}] {self.done}/{self.total}")
            self.stream.flush()

    def finish(self) -> None:
        """End the bar's line."""
        if self.tty:
            self.stream.write("\n")
            self.stream.flush()
