"""Test set-up: a real database (SQLite or PostgreSQL) built by `alembic upgrade head`.

SOTAY_TEST_DB=sqlite (default) or postgresql picks the database; each test starts from
empty tables (truncated), and the app commits for real.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest

TEST_DB = os.environ.get("SOTAY_TEST_DB", "sqlite")
PG_ADMIN_URL = os.environ.get("SOTAY_TEST_PG_URL", "postgresql://root@127.0.0.1:5432/postgres")
# Computed once per run and kept in the environment: test modules that import this file
# (`from tests.conftest import …`) re-execute it and must land on the same database.
os.environ.setdefault("SOTAY_TEST_DATA_DIR", tempfile.mkdtemp(prefix="sotay-test-"))
os.environ.setdefault("SOTAY_TEST_PG_NAME", f"sotay_test_{os.getpid()}_{uuid.uuid4().hex[:6]}")
_DATA_DIR = Path(os.environ["SOTAY_TEST_DATA_DIR"])
_PG_NAME = os.environ["SOTAY_TEST_PG_NAME"]

os.environ.update(
    {
        "SOTAY_DATA_DIR": str(_DATA_DIR),
        "SOTAY_ENV": "test",
        # OWASP's argon2id floor: fast enough for tests, still the real algorithm.
        "SOTAY_ARGON2_TIME_COST": "2",
        "SOTAY_ARGON2_MEMORY_KIB": "19456",
        "SOTAY_ARGON2_PARALLELISM": "1",
        "SOTAY_COOKIE_SECURE": "false",
        "SOTAY_LOG_JSON": "true",
        "SOTAY_PUSH_ALLOWED_HOSTS": "127.0.0.1,localhost",
        # No result may depend on the hour the suite runs at; the quiet-hours tests set them.
        "SOTAY_QUIET_HOURS_DEFAULT": "off",
    }
)
if TEST_DB == "postgresql":
    os.environ["SOTAY_DATABASE_URL"] = PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + _PG_NAME
else:
    os.environ["SOTAY_DATABASE_URL"] = f"sqlite:///{_DATA_DIR / 'test.db'}"


def _pg_admin(sql: str) -> None:
    import psycopg

    with psycopg.connect(PG_ADMIN_URL, autocommit=True) as conn:
        conn.execute(sql)


@pytest.fixture(scope="session", autouse=True)
def database() -> Iterator[str]:
    """Create the database, migrate it to head once, drop it at the end."""
    from api.config import get_settings
    from api.db import get_engine
    from api.migrate import upgrade

    if TEST_DB == "postgresql":
        _pg_admin(f'CREATE DATABASE "{_PG_NAME}"')
    get_settings.cache_clear()
    get_engine.cache_clear()
    upgrade()
    yield os.environ["SOTAY_DATABASE_URL"]
    get_engine().dispose()
    if TEST_DB == "postgresql":
        _pg_admin(f'DROP DATABASE IF EXISTS "{_PG_NAME}" WITH (FORCE)')


def _drain_engine() -> None:
    """Let the in-process task engine finish: its threads write while tables are emptied."""
    from api.notifications import engine as task_engine

    running = task_engine.current()
    if running is not None:
        running.join()


def _truncate_all() -> None:
    from sqlalchemy import text
    from sqlmodel import SQLModel

    import api.models  # noqa: F401
    from api.db import get_engine

    _drain_engine()
    tables = [t.name for t in SQLModel.metadata.sorted_tables]
    engine = get_engine()
    with engine.begin() as conn:
        superuser = engine.dialect.name == "postgresql" and (
            conn.execute(text("SELECT current_setting('is_superuser')")).scalar() == "on"
        )
        if engine.dialect.name == "postgresql" and not superuser:
            conn.execute(text(f"TRUNCATE {', '.join(tables)} RESTART IDENTITY CASCADE"))
        elif engine.dialect.name == "postgresql":
            # TRUNCATE of every table costs ~0.3 s a test (new files for each table and index);
            # a test leaves a few rows, so DELETE is much faster. Triggers are off meanwhile
            # (the roll-up triggers would otherwise re-create tally rows as records go), and
            # sequences restart so ids are the same in every test.
            conn.execute(text("SET LOCAL session_replication_role = replica"))
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(
                text(
                    "SELECT setval(c.oid::regclass, 1, false) FROM pg_class c "
                    "JOIN pg_namespace n ON n.oid = c.relnamespace "
                    "WHERE c.relkind = 'S' AND n.nspname = current_schema()"
                )
            )
        else:
            for name in reversed(tables):
                conn.execute(text(f"DELETE FROM {name}"))
            conn.execute(text("DELETE FROM sqlite_sequence")) if _has_seq(conn) else None


def _has_seq(conn: object) -> bool:
    from sqlalchemy import text

    return bool(
        conn.execute(  # type: ignore[attr-defined]
            text("SELECT 1 FROM sqlite_master WHERE name='sqlite_sequence'")
        ).first()
    )


@pytest.fixture(autouse=True)
def clean_db(database: str) -> Iterator[None]:
    """Every test starts from empty tables."""
    _truncate_all()
    yield


@pytest.fixture
def app():  # type: ignore[no-untyped-def]
    from api.main import create_app

    return create_app()


@pytest.fixture
def client(app):  # type: ignore[no-untyped-def]
    from fastapi.testclient import TestClient

    with TestClient(app) as c:
        yield c


PASSWORD = "Mật khẩu thử nghiệm 2025"  # noqa: S105


@dataclass
class World:
    """A small organisation: province → two communes → cells, with people in every role."""

    units: dict[str, int] = field(default_factory=dict)
    users: dict[str, int] = field(default_factory=dict)
    tokens: dict[str, str] = field(default_factory=dict)

    def h(self, who: str) -> dict[str, str]:
        """Authorization headers for a named person."""
        return {"Authorization": f"Bearer {self.tokens[who]}"}

    def grant_id(self, who: str, unit: str) -> int:
        """The id of `who`'s grant at `unit`."""
        from sqlmodel import select

        from api.db import new_session
        from api.org.models import RoleGrant

        with new_session() as s:
            return s.exec(
                select(RoleGrant.id).where(
                    RoleGrant.user_id == self.users[who], RoleGrant.unit_id == self.units[unit]
                )
            ).one()  # type: ignore[return-value]

    def reset(self) -> None:
        """Rebuild the same world from empty tables (ids restart, so they stay the same)."""
        _truncate_all()
        fresh = build_world()
        self.units, self.users, self.tokens = fresh.units, fresh.users, fresh.tokens


# name → (cell or None, [(role, unit)])
PEOPLE: dict[str, tuple[str | None, list[tuple[str, str]]]] = {
    "member_a1": ("A1", []),
    "member_a1b": ("A1", []),
    "member_a2": ("A2", []),
    "member_b1": ("B1", []),
    "secretary_a1": ("A1", [("secretary", "A1")]),
    "deputy_a1": ("A1", [("deputy", "A1")]),
    "secretary_b1": ("B1", [("secretary", "B1")]),
    "committee_a": ("A2", [("committee", "A")]),
    "committee_b": ("B1", [("committee", "B")]),
    "publisher_p": (None, [("publisher", "P")]),
    "publisher_a": ("A2", [("publisher", "A")]),
    "admin_p": (None, [("admin", "P")]),
    "admin_a": ("A2", [("admin", "A")]),
}


def build_world() -> World:
    """Create the organisation, people and bearer tokens directly through the services."""
    from api.auth import service as auth_service
    from api.db import new_session
    from api.members.models import User
    from api.org import service as org
    from api.org.models import RoleGrant
    from api.text import vn_sort_key

    w = World()
    pw_hash = _password_hash()
    with new_session() as s:
        root = org.create_root(s, name="Ban Chấp hành Trung ương", code="TW")
        p = org.insert_unit(s, root, name="Đảng bộ tỉnh Hưng Yên", code="P", kind="province")
        a = org.insert_unit(s, p, name="Đảng bộ xã Vĩnh An", code="A", kind="commune")
        b = org.insert_unit(s, p, name="Đảng bộ xã Tiên Lữ", code="B", kind="commune")
        a1 = org.insert_unit(s, a, name="Chi bộ thôn Đông", code="A1", kind="cell")
        a2 = org.insert_unit(s, a, name="Chi bộ thôn Hạ Lý", code="A2", kind="cell")
        b1 = org.insert_unit(s, b, name="Chi bộ thôn Trung", code="B1", kind="cell")
        units = {"TW": root, "P": p, "A": a, "B": b, "A1": a1, "A2": a2, "B1": b1}
        w.units = {k: u.id for k, u in units.items()}  # type: ignore[misc]
        for i, (name, (cell, roles)) in enumerate(PEOPLE.items()):
            full = f"Nguyễn Văn {name.replace('_', ' ').title()}"
            user = User(
                full_name=full,
                name_sort=vn_sort_key(full),
                party_card_number=f"{10000000 + i}",
                phone=f"+8490{1000000 + i}",
                email=f"{name}@example.vn",
                cell_id=units[cell].id if cell else None,
                password_hash=pw_hash,
            )
            s.add(user)
            s.flush()
            w.users[name] = user.id  # type: ignore[assignment]
            for role, unit in roles:
                s.add(RoleGrant(user_id=user.id, unit_id=units[unit].id, role=role))  # type: ignore[arg-type]
            s.flush()
            w.tokens[name] = auth_service.start_bearer_session(s, user, "pytest", None)[0]
        s.commit()
    return w


_HASH: list[str] = []


def _password_hash() -> str:
    from api.auth.service import hasher

    if not _HASH:
        _HASH.append(hasher().hash_password(PASSWORD))
    return _HASH[0]


def member_with_temporary_password(client, world: World, card: str, password: str) -> None:  # type: ignore[no-untyped-def]
    """Commune A's admin adds a member to cell A1 with a password they must change first."""
    r = client.post(
        "/api/v1/members",
        headers=world.h("admin_a"),
        json={
            "full_name": "Đỗ Thị Hằng",
            "party_card_number": card,
            "cell_id": world.units["A1"],
            "password": password,
        },
    )
    assert r.status_code == 201, r.text


@pytest.fixture
def world(client) -> World:  # type: ignore[no-untyped-def]
    return build_world()
