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


def _generated_keys(data_dir, monkeypatch):
    """The VAPID public key and the meeting check-in secret the service would use with
    `data_dir` as its data folder (generated there if missing)."""
    from api.config import get_settings
    from api.meetings import checkin
    from api.notifications import webpush

    with monkeypatch.context() as m:
        m.setattr(get_settings(), "data_dir", data_dir)
        m.setattr(get_settings(), "vapid_private_key_file", None)
        webpush.vapid.cache_clear()
        try:
            return webpush.vapid_public_key(), get_settings().secret(checkin._SECRET_NAME)
        finally:
            webpush.vapid.cache_clear()


def test_backup_then_restore_into_an_empty_database(client, tmp_path, empty_target, monkeypatch):
    from seed.demo import seed_demo

    seed_demo()
    files = tmp_path / "data" / "files" / "ab"
    files.mkdir(parents=True)
    (files / "abcdef").write_bytes(b"%PDF-1.4 demo")
    keys_before = _generated_keys(tmp_path / "data", monkeypatch)  # generated there now
    archive = tmp_path / "b.tar"
    manifest = backup(archive, data_dir=tmp_path / "data")
    assert manifest["tables"]["users"]["rows"] > 300
    assert oct(archive.stat().st_mode)[-3:] == "600"  # it holds the secrets

    upgrade(empty_target)  # an empty database at head, as a fresh install would have
    restored_dir = tmp_path / "restored-data"
    restore(archive, url=empty_target, data_dir=restored_dir)
    engine = make_engine(empty_target)
    assert table_fingerprints(engine) == manifest["tables"]
    engine.dispose()
    assert (restored_dir / "files" / "ab" / "abcdef").read_bytes() == b"%PDF-1.4 demo"
    # The generated secrets came back, owner-only: push subscriptions stay valid.
    key_file = restored_dir / "secrets" / "vapid_private.pem"
    assert key_file.is_file() and oct(key_file.stat().st_mode)[-3:] == "600"
    assert _generated_keys(restored_dir, monkeypatch) == keys_before


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
