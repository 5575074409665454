"""Where file contents live: a `Storage` interface and the local-folder implementation.

Contents are addressed by their SHA-256, so the same PDF uploaded twice is stored once and
a stored file never changes. An object-storage implementation only needs these methods.
"""

from __future__ import annotations

import hashlib
import os
import tempfile
import time
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import BinaryIO, Protocol

from api.config import get_settings

CHUNK = 64 * 1024


class TooLarge(Exception):
    """The stream passed the size limit (nothing was kept)."""


@dataclass
class Staged:
    """An upload written to a temporary place, hashed and counted, not yet stored."""

    path: Path
    sha256: str
    size: int


class Storage(Protocol):
    def stage(self, stream: BinaryIO, limit: int) -> Staged:
        """Copy the stream aside while hashing and counting; TooLarge past `limit` bytes."""
        ...

    def commit(self, staged: Staged) -> None:
        """Make a staged file the stored content of its hash (atomic; a no-op if present)."""
        ...

    def discard(self, staged: Staged) -> None:
        """Forget a staged file."""
        ...

    def path(self, sha256: str) -> Path:
        """A local path to read the content from (object stores may download to a cache)."""
        ...

    def delete_idle(self, sha256: str, idle_seconds: int) -> None:
        """Remove a stored content nobody refers to, unless it was stored or reused lately."""
        ...


class LocalStorage:
    """Files under `<root>/ab/cd/<sha256>`; uploads are staged in `<root>/tmp` first."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.tmp = root / "tmp"
        self.tmp.mkdir(parents=True, exist_ok=True)

    def path(self, sha256: str) -> Path:
        return self.root / sha256[:2] / sha256[2:4] / sha256

    def stage(self, stream: BinaryIO, limit: int) -> Staged:
        digest = hashlib.sha256()
        size = 0
        fd, name = tempfile.mkstemp(dir=self.tmp, prefix="upload-")
        try:
            with os.fdopen(fd, "wb") as out:
                while chunk := stream.read(CHUNK):
                    size += len(chunk)
                    if size > limit:
                        raise TooLarge()
                    digest.update(chunk)
                    out.write(chunk)
                out.flush()
                os.fsync(out.fileno())
        except BaseException:
            Path(name).unlink(missing_ok=True)
            raise
        return Staged(path=Path(name), sha256=digest.hexdigest(), size=size)

    def commit(self, staged: Staged) -> None:
        final = self.path(staged.sha256)
        if final.exists():
            staged.path.unlink(missing_ok=True)
            os.utime(final)  # reused now: a concurrent clean-up must leave it alone
            return
        final.parent.mkdir(parents=True, exist_ok=True)
        os.replace(staged.path, final)  # atomic on one filesystem: never half a file

    def discard(self, staged: Staged) -> None:
        staged.path.unlink(missing_ok=True)

    def delete_idle(self, sha256: str, idle_seconds: int) -> None:
        path = self.path(sha256)
        try:
            if time.time() - path.stat().st_mtime > idle_seconds:
                path.unlink(missing_ok=True)
        except FileNotFoundError:
            pass


@lru_cache
def _local(root: str) -> LocalStorage:
    return LocalStorage(Path(root))


def get_storage() -> Storage:
    """The configured storage (the data folder's `files/` in the embedded shape)."""
    return _local(str((get_settings().data_dir / "files").resolve()))
