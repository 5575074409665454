"""The connection pool survives a server that dropped its connections, and id lists are
one bound array on PostgreSQL (api/db.py)."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.engine import Engine
from sqlmodel import Session, col

from api import db
from api.org.models import OrgUnit


def _on_postgresql() -> None:
    if db.get_engine().dialect.name != "postgresql":
        pytest.skip("SQLite is a file: there is no server to drop a pooled connection")


def _kill(pid: int) -> None:
    with db.get_side_engine().connect() as admin:
        admin.execute(text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
        admin.commit()


def _backend_pid(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.execute(text("SELECT pg_backend_pid()")).scalar_one())


def test_a_pooled_connection_the_server_dropped_is_replaced_before_use() -> None:
    _on_postgresql()
    engine = db.make_engine(db.get_settings().resolved_database_url)
    try:
        first = _backend_pid(engine)
        _kill(first)  # a restarted server, a failover, a NAT that forgot the connection
        # The request that takes the dead connection from the pool still succeeds.
        assert _backend_pid(engine) != first
    finally:
        engine.dispose()


def test_an_id_list_is_one_statement_whatever_its_length(world: object) -> None:
    # `world` for its units: something to look up.
    engine = db.get_engine()
    with Session(engine) as s:
        ids = sorted(s.execute(select(col(OrgUnit.id))).scalars())
        assert len(ids) >= 3

        def found(wanted: list[int]) -> list[int]:
            stmt = select(col(OrgUnit.id)).where(db.any_of(col(OrgUnit.id), wanted))
            return sorted(s.execute(stmt).scalars())

        assert found(ids[:2]) == ids[:2]
        assert found(ids) == ids
        assert found([]) == []
        assert found([ids[0], 10**12]) == [ids[0]]

    def sql(n: int) -> str:
        stmt = select(col(OrgUnit.id)).where(db.any_of(col(OrgUnit.id), range(n)))
        return str(stmt.compile(engine))

    if engine.dialect.name == "postgresql":
        # The same text for 2 ids and 50: compiled once, one prepared statement.
        assert sql(2) == sql(50)
        assert "ANY" in sql(2)


def _small_pool(monkeypatch) -> None:  # type: ignore[no-untyped-def]
    """3 connections, 3 admitted requests, 2 worker threads: a surge is easy to make."""
    from api.config import get_settings

    s = get_settings()
    for name, value in {
        "db_pool_size": 3,
        "db_pool_overflow": 0,
        "db_admitted_requests": 3,
        "db_pool_timeout_seconds": 3.0,
        "worker_threads": 2,
    }.items():
        monkeypatch.setattr(s, name, value)
    db.get_engine.cache_clear()


def test_more_requests_than_connections_all_answer(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # Three times more callers than pooled connections, on routes that take several worker
    # threads each (the caller, the handler, the commit): a surge of members opening the app
    # at once. Each is answered; none waits for the pool to time out.
    import asyncio
    import time

    import httpx

    from api.main import create_app

    _small_pool(monkeypatch)
    app = create_app()
    headers = world.h("member_a1")

    async def surge() -> list[int]:
        db.configure_worker_threads()  # what the app's lifespan does
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            urls = ["/api/v1/me", "/api/v1/me/notification-preferences"] * 5
            answers = await asyncio.gather(*(client.get(u, headers=headers) for u in urls))
        return [r.status_code for r in answers]

    try:
        started = time.monotonic()
        statuses = asyncio.run(surge())
        elapsed = time.monotonic() - started
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()
    assert statuses == [200] * 10
    assert elapsed < 3.0, f"{elapsed:.1f} s: requests waited for the pool to time out"


def test_writes_that_wait_for_each_others_locks_all_answer(world, monkeypatch) -> None:  # type: ignore[no-untyped-def]
    # One member saving preferences from several devices at once: every save updates the same
    # row, so each waits for the one before to commit. A request holding that row's lock (or
    # SQLite's write lock) parks between worker-thread calls; had more requests been admitted
    # than there are threads, the waiters would hold every thread and the holder could never
    # commit. bench/endpoints.py's publish run stalled that way.
    import asyncio
    import time

    import httpx
    from sqlalchemy import event

    from api.main import create_app

    _small_pool(monkeypatch)
    engine = db.get_engine()
    if engine.dialect.name == "postgresql":
        # A stall then shows as failed requests after 4 s, not as a test that never ends.
        event.listen(
            engine,
            "connect",
            lambda conn, _record: conn.execute("SET lock_timeout = '4s'"),
        )
    app = create_app()
    headers = world.h("member_a1")
    url = "/api/v1/me/notification-preferences"

    def prefs(push: bool) -> dict[str, object]:
        return {"categories": {"documents": {"push": push}}}

    async def saves() -> list[int]:
        db.configure_worker_threads()
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            first = await client.put(url, json=prefs(True), headers=headers)  # the row exists
            assert first.status_code == 200
            answers = await asyncio.gather(
                *(client.put(url, json=prefs(i % 2 == 0), headers=headers) for i in range(6))
            )
        return [r.status_code for r in answers]

    try:
        started = time.monotonic()
        statuses = asyncio.run(saves())
        elapsed = time.monotonic() - started
    finally:
        db.get_engine().dispose()
        db.get_engine.cache_clear()
    assert statuses == [200] * 6
    assert elapsed < 4.0, f"{elapsed:.1f} s: a lock holder waited for a thread"
