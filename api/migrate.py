"""Running Alembic from code (the CLI, `serve`, tests) on the configured database."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

from api.config import get_settings

ROOT = Path(__file__).resolve().parent.parent


def alembic_config(url: str | None = None) -> Config:
    """Alembic's config pointing at our migrations and the given (or configured) database."""
    ini = ROOT / "alembic.ini"
    cfg = Config(str(ini)) if ini.exists() else Config()
    cfg.set_main_option("script_location", str(ROOT / "migrations"))
    cfg.set_main_option("sqlalchemy.url", url or get_settings().resolved_database_url)
    return cfg


def upgrade(url: str | None = None) -> None:
    """`alembic upgrade heads` (every branch, should parallel work leave more than one)."""
    command.upgrade(alembic_config(url), "heads")
