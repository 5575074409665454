"""`sotay backup` and `sotay restore`: the database, the uploaded files and the generated
secrets (VAPID key, meeting check-in secret: `data_dir/secrets`) in one archive.

SQLite is copied with its online backup API (consistent while the service runs);
PostgreSQL with `pg_dump -Fc` / `pg_restore`. The archive carries a manifest with row
counts and a checksum per table, checked again after a restore.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from pathlib import Path
from typing import Any

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from api.config import get_settings
from api.db import make_engine, write_intent

MANIFEST = "manifest.json"
SECRETS = "secrets"  # the keys the service generated; push subscriptions are bound to them


def _sqlite_path(url: str) -> Path:
    database = make_url(url).database
    if not database:
        raise ValueError("SQLite URL without a file")
    return Path(database)


def _pg_conninfo(url: str) -> list[str]:
    u = make_url(url)
    args = ["--dbname", u.database or ""]
    if u.host:
        args += ["--host", u.host]
    if u.port:
        args += ["--port", str(u.port)]
    if u.username:
        args += ["--username", u.username]
    return args


def table_fingerprints(engine: Engine) -> dict[str, dict[str, Any]]:
    """Row count and a checksum of every table's rows (ordered by primary key)."""
    out: dict[str, dict[str, Any]] = {}
    token = write_intent.set(False)  # a read: on SQLite, do not take the write lock
    try:
        with engine.connect() as conn:
            _fingerprint_tables(conn, out)
    finally:
        write_intent.reset(token)
    return out


def _fingerprint_tables(conn: Any, out: dict[str, dict[str, Any]]) -> None:
    insp = inspect(conn)
    for table in sorted(insp.get_table_names()):
        if table.startswith("sqlite_") or "_fts" in table:
            continue  # internal and derived (full-text index) tables
        pk = insp.get_pk_constraint(table).get("constrained_columns") or []
        cols = [c["name"] for c in insp.get_columns(table)]
        order = ", ".join(f'"{c}"' for c in (pk or cols))
        digest = hashlib.sha256()
        count = 0
        for row in conn.execute(text(f'SELECT * FROM "{table}" ORDER BY {order}')):  # noqa: S608
            digest.update(repr([_normal(v) for v in row]).encode())
            count += 1
        out[table] = {"rows": count, "sha256": digest.hexdigest()}


def _normal(value: Any) -> Any:
    """Values compare equal across databases (datetimes, bools, bytes, JSON)."""
    if isinstance(value, dt.datetime):
        if value.tzinfo is not None:
            value = value.astimezone(dt.UTC).replace(tzinfo=None)
        return value.isoformat()
    if isinstance(value, bool):
        return int(value)
    if isinstance(value, memoryview):
        return bytes(value)
    if isinstance(value, dict | list):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    if isinstance(value, str) and value[:1] in "{[":
        try:
            return json.dumps(json.loads(value), sort_keys=True, ensure_ascii=False)
        except ValueError:
            return value
    return value


def backup(output: Path, *, url: str | None = None, data_dir: Path | None = None) -> dict[str, Any]:
    """Write a .tar with the database, the files and secrets folders and a manifest; returns
    the manifest. The archive holds the secrets: keep it as private as the database."""
    settings = get_settings()
    url = url or settings.resolved_database_url
    data_dir = data_dir or settings.data_dir
    engine = make_engine(url)
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        if engine.dialect.name == "sqlite":
            engine.dispose()
            db_file = work / "database.sqlite3"
            src = sqlite3.connect(_sqlite_path(url))
            dst = sqlite3.connect(db_file)
            with dst:
                src.backup(dst)  # online, consistent snapshot
            src.close()
            dst.close()
            copy = make_engine(f"sqlite:///{db_file}")
            tables = table_fingerprints(copy)  # of the snapshot itself, not the live file
            copy.dispose()
        else:
            db_file = work / "database.pgdump"
            tables = _pg_dump_snapshot(engine, url, db_file)
            engine.dispose()
        manifest = {
            "created_at": dt.datetime.now(dt.UTC).isoformat(),
            "dialect": engine.dialect.name,
            "tables": tables,
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1), encoding="utf-8")
        output.parent.mkdir(parents=True, exist_ok=True)
        output.touch(mode=0o600)  # it holds the secrets: owner-only before a byte is written
        output.chmod(0o600)
        with tarfile.open(output, "w") as tar:
            tar.add(db_file, arcname=db_file.name)
            tar.add(work / MANIFEST, arcname=MANIFEST)
            for folder in ("files", SECRETS):
                if (data_dir / folder).is_dir():
                    tar.add(data_dir / folder, arcname=folder)
    return manifest


def _pg_dump_snapshot(engine: Engine, url: str, dest: Path) -> dict[str, dict[str, Any]]:
    """pg_dump and the fingerprints read the same exported snapshot, so they agree."""
    out: dict[str, dict[str, Any]] = {}
    with engine.connect() as conn:
        conn.exec_driver_sql("COMMIT")
        conn.exec_driver_sql("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
        snapshot = conn.exec_driver_sql("SELECT pg_export_snapshot()").scalar_one()
        subprocess.run(  # noqa: S603
            [
                "pg_dump",
                "-Fc",
                "--no-owner",
                f"--snapshot={snapshot}",
                "--file",
                str(dest),
                *_pg_conninfo(url),
            ],
            check=True,
            capture_output=True,
        )
        _fingerprint_tables(conn, out)
        conn.exec_driver_sql("COMMIT")
    return out


def _restore_secrets(src: Path, target: Path) -> None:
    """The archive's secrets replace the target's (owner-only: folder 0700, files 0600)."""
    target.mkdir(parents=True, exist_ok=True)
    target.chmod(0o700)
    for path in sorted(src.rglob("*")):
        dest = target / path.relative_to(src)
        if path.is_dir():
            dest.mkdir(exist_ok=True)
            dest.chmod(0o700)
            continue
        tmp = dest.with_name(f".{dest.name}.restore.tmp")
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as f:
            f.write(path.read_bytes())
        tmp.chmod(0o600)
        tmp.replace(dest)


def _is_empty(engine: Engine) -> bool:
    names = inspect(engine).get_table_names()
    if "users" not in names:
        return True
    with engine.connect() as conn:
        return conn.execute(text("SELECT COUNT(*) FROM users")).scalar_one() == 0


def restore(
    archive: Path, *, url: str | None = None, data_dir: Path | None = None, force: bool = False
) -> dict[str, Any]:
    """Restore an archive into the (empty, unless force) database; verify against its manifest."""
    settings = get_settings()
    url = url or settings.resolved_database_url
    data_dir = data_dir or settings.data_dir
    engine = make_engine(url)
    if not force and not _is_empty(engine):
        engine.dispose()
        raise RuntimeError("target database is not empty (use --force to overwrite)")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        with tarfile.open(archive) as tar:
            tar.extractall(work, filter="data")
        manifest = json.loads((work / MANIFEST).read_text(encoding="utf-8"))
        if engine.dialect.name == "sqlite":
            engine.dispose()
            src = sqlite3.connect(work / "database.sqlite3")
            dst = sqlite3.connect(_sqlite_path(url))
            with dst:
                src.backup(dst)
            src.close()
            dst.close()
        else:
            engine.dispose()
            subprocess.run(  # noqa: S603
                [
                    "pg_restore",
                    "--clean",
                    "--if-exists",
                    "--no-owner",
                    "--single-transaction",
                    *_pg_conninfo(url),
                    str(work / "database.pgdump"),
                ],
                check=True,
                capture_output=True,
            )
        if (work / "files").is_dir():
            target = data_dir / "files"
            target.mkdir(parents=True, exist_ok=True)
            shutil.copytree(work / "files", target, dirs_exist_ok=True)
        if (work / SECRETS).is_dir():
            _restore_secrets(work / SECRETS, data_dir / SECRETS)
    engine = make_engine(url)
    restored = table_fingerprints(engine)
    engine.dispose()
    if restored != manifest["tables"]:
        bad = sorted(t for t in manifest["tables"] if restored.get(t) != manifest["tables"][t])
        raise RuntimeError(f"restored data differs from the backup in: {bad}")
    return manifest
