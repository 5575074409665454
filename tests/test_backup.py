"""Backups restore into an empty database with the same rows (counts and checksums)."""

from __future__ import annotations

import os
import uuid

import pytest

from api.backup import backup, restore, table_fingerprints
from api.cli import main
from api.db import get_engine, make_engine
from api.migrate import upgrade


@pytest.fixture
def empty_target(tmp_path):
    """A second, empty database of the same kind, migrated to head."""
    engine = get_engine()
    if engine.dialect.name == "sqlite":
        url = f"sqlite:///{tmp_path / 'restored.db'}"
        yield url
        return
    import psycopg

    admin = os.environ.get("SOTAY_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/postgres")
    name = f"sotay_restore_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    yield admin.rsplit("/", 1)[0] + "/" + name
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_backup_then_restore_into_an_empty_database(client, tmp_path, empty_target):
    from seed.demo import seed_demo

    seed_demo()
    files = tmp_path / "data" / "files" / "ab"
    files.mkdir(parents=True)
    (files / "abcdef").write_bytes(b"%PDF-1.4 demo")
    archive = tmp_path / "b.tar"
    manifest = backup(archive, data_dir=tmp_path / "data")
    assert manifest["tables"]["users"]["rows"] > 300

    upgrade(empty_target)  # an empty database at head, as a fresh install would have
    restored_dir = tmp_path / "restored-data"
    restore(archive, url=empty_target, data_dir=restored_dir)
    engine = make_engine(empty_target)
    assert table_fingerprints(engine) == manifest["tables"]
    engine.dispose()
    assert (restored_dir / "files" / "ab" / "abcdef").read_bytes() == b"%PDF-1.4 demo"


def test_restore_refuses_a_non_empty_database(client, world, tmp_path):
    archive = tmp_path / "b.tar"
    backup(archive)
    with pytest.raises(RuntimeError, match="not empty"):
        restore(archive)


def test_cli_backup_prints_a_summary(client, world, tmp_path, capsys):
    out = tmp_path / "cli.tar"
    assert main(["backup", "--output", str(out)]) == 0
    assert "Đã sao lưu" in capsys.readouterr().out and out.exists()
    assert main(["restore", str(out)]) == 1
    assert "not empty" in capsys.readouterr().err
