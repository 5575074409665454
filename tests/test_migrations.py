"""Models and migrations agree, on the database under test; migrations run up and down."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlmodel import SQLModel

import api.models  # noqa: F401
from api.db import get_engine, include_in_autogenerate


def test_models_and_migrations_agree():
    engine = get_engine()
    with engine.connect() as conn:
        opts = {"compare_type": True, "include_name": include_in_autogenerate}
        ctx = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(ctx, SQLModel.metadata)
    assert diff == [], f"models differ from migrations: {diff}"


def test_sqlite_runs_in_wal_mode_with_foreign_keys():
    engine = get_engine()
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1


def test_downgrade_and_upgrade_on_a_scratch_database(tmp_path):
    """The whole chain goes down to nothing and back up (SQLite scratch file)."""
    from alembic import command
    from sqlalchemy import create_engine, inspect

    from api.migrate import alembic_config

    url = f"sqlite:///{tmp_path / 'scratch.db'}"
    cfg = alembic_config(url)
    command.upgrade(cfg, "heads")
    command.downgrade(cfg, "base")
    assert set(inspect(create_engine(url)).get_table_names()) <= {"alembic_version"}
    command.upgrade(cfg, "heads")
    assert "users" in inspect(create_engine(url)).get_table_names()
