"""Engine, naming convention, column types and the per-request session."""

from __future__ import annotations

import asyncio
import datetime as dt
from collections.abc import AsyncIterator, Callable, Iterable
from contextvars import ContextVar
from functools import lru_cache
from typing import Any, TypeVar
from weakref import WeakKeyDictionary

import anyio
import anyio.to_thread
from sqlalchemy import BigInteger, Integer, String, any_, bindparam, event, literal
from sqlalchemy.engine import Engine
from sqlalchemy.sql import ColumnElement
from sqlalchemy.types import ARRAY, DateTime, TypeDecorator
from sqlmodel import Session, SQLModel, create_engine
from starlette.concurrency import run_in_threadpool

from api.config import get_settings

T = TypeVar("T")

# Stable constraint names, so Alembic migrations are the same on SQLite and PostgreSQL.
SQLModel.metadata.naming_convention = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


# Whether the current unit of work may write. On SQLite a writer must take the write lock
# at BEGIN (IMMEDIATE), or a read-then-write transaction can fail with "database is locked";
# readers must not take it, or they would queue behind writers. Requests set it by method.
write_intent: ContextVar[bool] = ContextVar("write_intent", default=True)


def utcnow() -> dt.datetime:
    """Now, timezone-aware in UTC (what every stored time is)."""
    return dt.datetime.now(dt.UTC)


class UTCDateTime(TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC; SQLite gives naive values back, so re-attach UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            value = value.replace(tzinfo=dt.UTC)
        value = value.astimezone(dt.UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: Any, dialect: Any) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=dt.UTC)
        return value.astimezone(dt.UTC)


# 64-bit ids on PostgreSQL (inbox and receipt tables outgrow 2^31 at national scale);
# on SQLite an INTEGER PRIMARY KEY is already 64-bit and must be spelled INTEGER.
IdType = BigInteger().with_variant(Integer(), "sqlite")


def binary_string(length: int) -> Any:
    """A string compared bytewise on every database (C collation on PostgreSQL)."""
    return String(length).with_variant(String(length, collation="C"), "postgresql")


def path_type() -> Any:
    """Materialized paths compare bytewise (C collation) so range scans hit the index."""
    return binary_string(400)


def any_of(column: Any, ids: Iterable[int]) -> ColumnElement[bool]:
    """`column IN ids` for a list of ids that changes from request to request.

    On PostgreSQL: `column = ANY(:ids)`, one bound array. The SQL is the same for any length,
    so it is compiled once and psycopg reuses one prepared statement; an IN list is an
    "expanding" parameter that SQLAlchemy re-renders on every execution (9 % of a library
    page's CPU, py-spy under bench/endpoints.py). SQLite has no arrays and keeps IN.
    """
    values = list(ids)
    if get_engine().dialect.name == "postgresql":
        return column == any_(bindparam(None, values, type_=ARRAY(BigInteger)))  # type: ignore[no-any-return]
    return column.in_(values)  # type: ignore[no-any-return]


def prebuilt(build: Callable[..., T]) -> Callable[..., T]:
    """A statement built once per database kind and per arguments (a reach shape, a page
    size) and reused: its values are bound parameters given at execution. Building and
    hashing a statement per request cost hot reads more than running it
    (bench/request_cost.py --count-calls). The arguments must be few and hashable."""

    @lru_cache(maxsize=256)
    def for_dialect(_dialect: str, *args: Any) -> T:
        return build(*args)

    return lambda *args: for_dialect(get_engine().dialect.name, *args)


def any_of_param(column: Any, name: str) -> ColumnElement[bool]:
    """`column IN :name`, the id list bound at execution: for a statement built once and run
    many times (building and hashing a statement per request costs more than running it)."""
    if get_engine().dialect.name == "postgresql":
        return column == any_(bindparam(name, type_=ARRAY(BigInteger)))  # type: ignore[no-any-return]
    return column.in_(bindparam(name, expanding=True))  # type: ignore[no-any-return]


def one_of(column: Any, values: Iterable[str]) -> ColumnElement[bool]:
    """`column IN ('a', 'b')` for a fixed set of values (statuses, states): plain parameters,
    not an expanding one, so nothing is rendered per execution."""
    return _one_of(column, tuple(str(v) for v in values))


# Built once per column and set: a clause is immutable, so every statement may share it, and
# building it (a literal per value) cost a library page as much as one of its statements.
@lru_cache(maxsize=256)
def _one_of(column: Any, values: tuple[str, ...]) -> ColumnElement[bool]:
    return column.in_([literal(v) for v in values])  # type: ignore[no-any-return]


# Tables that migrations create by hand and no model describes: SQLite FTS5 indexes
# (`fts_<name>`) and the shadow tables SQLite makes for them (`fts_<name>_data`, …).
# Autogenerate and the model/migration comparison must neither drop nor report them.
UNMODELLED_TABLE_PREFIX = "fts_"


def include_in_autogenerate(name: str | None, type_: str, _parent_names: Any) -> bool:
    """Alembic `include_name` hook: skip the hand-made tables above."""
    return not (type_ == "table" and name is not None and name.startswith(UNMODELLED_TABLE_PREFIX))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=10000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def make_engine(url: str) -> Engine:
    """An engine for the URL with the settings each database needs."""
    if url.startswith("sqlite"):
        settings = get_settings()
        engine = create_engine(
            url,
            connect_args={"check_same_thread": False, "timeout": 10},
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_pool_overflow,
            pool_timeout=settings.db_pool_timeout_seconds,
        )
        event.listen(engine, "connect", _sqlite_pragmas)
        # SQLite's driver opens transactions lazily; BEGIN IMMEDIATE avoids upgrade deadlocks.
        event.listen(
            engine,
            "begin",
            lambda conn: conn.exec_driver_sql("BEGIN IMMEDIATE" if write_intent.get() else "BEGIN"),
        )

        @event.listens_for(engine, "connect")
        def _no_autobegin(dbapi_conn: Any, _record: Any) -> None:
            dbapi_conn.isolation_level = None

        return engine
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    settings = get_settings()
    return create_engine(
        url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_overflow,
        pool_pre_ping=True,
        pool_timeout=settings.db_pool_timeout_seconds,
    )


@lru_cache
def get_engine() -> Engine:
    """The process-wide engine for the configured database."""
    return make_engine(get_settings().resolved_database_url)


def new_session() -> Session:
    """A session outside a request (CLI, tasks); the caller commits."""
    return Session(get_engine(), expire_on_commit=False)


@lru_cache
def get_side_engine() -> Engine:
    """A second, small pool for short transactions opened *while* a request holds its own
    connection (rate-limit counters, view audits). From the request's pool they deadlock:
    N requests each holding one connection wait for a second until the pool times out
    (found by bench/endpoints.py: 64 concurrent searches stalled a process for 30 s)."""
    url = get_settings().resolved_database_url
    if url.startswith("sqlite"):
        return make_engine(url)
    if url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url.removeprefix("postgresql://")
    return create_engine(url, pool_size=4, max_overflow=4, pool_pre_ping=True)


def side_session() -> Session:
    """A session on the side pool (see get_side_engine); the caller commits, briefly."""
    return Session(get_side_engine(), expire_on_commit=False)


def finish_session(session: Session, exc: BaseException | None) -> None:
    """Commit when the work succeeded (or its error keeps its changes), else roll back; close."""
    from api.errors import AppError

    try:
        if exc is None or (isinstance(exc, AppError) and exc.keep_changes):
            session.commit()
        else:
            session.rollback()
    finally:
        session.close()


_admission: WeakKeyDictionary[asyncio.AbstractEventLoop, asyncio.Semaphore] = WeakKeyDictionary()


def admission() -> asyncio.Semaphore:
    """The per-process gate a request passes before it may hold a pooled connection.

    A request's session keeps its connection from its first statement to its commit, and
    between those it waits for worker threads (the caller's look-up, the handler and the
    commit are separate thread-pool calls). When more requests hold connections than the
    pool has, threads block in the pool waiting for connections held by requests that wait
    for those very threads: the process stalls until the pool times out (seen with 8
    threads under bench/endpoints.py, py-spy dump: every thread in `QueuePool._do_get`).
    Waiting here, in the event loop and before any connection is taken, cannot deadlock.
    One per event loop (the test client makes a loop per client).
    """
    loop = asyncio.get_running_loop()
    gate = _admission.get(loop)
    if gate is None:
        s = get_settings()
        # No more than the worker threads either: a request that holds a lock (a row, or
        # SQLite's write lock) and waits for its next thread hop must find a thread free,
        # not one blocked on that very lock (bench/endpoints.py, publish: py-spy dump).
        admitted = min(s.db_admitted_requests, s.db_pool_size, s.worker_threads)
        gate = _admission[loop] = asyncio.Semaphore(max(1, admitted))
    return gate


def configure_worker_threads() -> None:
    """Size the worker thread pool of this event loop (call from the app's lifespan)."""
    anyio.to_thread.current_default_thread_limiter().total_tokens = get_settings().worker_threads


async def get_session() -> AsyncIterator[Session]:
    """One session per request: commits once when the handler succeeds, else rolls back.

    Async so that opening it costs no thread-pool hop (a Session connects lazily, on its
    first statement, in the handler's thread); the commit, which does I/O, runs in the pool.
    Admitted first (see `admission`).
    """
    async with admission():
        session = new_session()
        try:
            yield session
        except BaseException as exc:
            # Shielded: a cancelled request (the client went away) must still roll back and
            # give its connection back to the pool.
            with anyio.CancelScope(shield=True):
                await run_in_threadpool(finish_session, session, exc)
            raise
        await run_in_threadpool(finish_session, session, None)
