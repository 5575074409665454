"""Synthetic data of a large city for scale work, bulk-loaded into PostgreSQL with COPY.

Default scale (`Scale()`): 1 city, 168 communes, 5,000 cells, 200,000 members, about
1,000,000 assignee records over the last 12 months and the next month, 10,000 published
documents (city-wide, to a commune, to a cell) and the members' receipts (read 70 %,
acknowledged 85 % of those). Deterministic for a given seed. Loads into an empty, migrated
database; ids are given here, then the sequences are moved past them.
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import psycopg

from api.db import utcnow
from api.progress import Progress
from api.text import vn_sort_key
from seed.demo_data import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES


@dataclass(frozen=True)
class Scale:
    communes: int = 168
    cells: int = 5_000
    members: int = 200_000
    records: int = 1_000_000
    documents: int = 10_000
    city_documents: int = 20
    commune_document_share: float = 0.2  # the rest go to single cells
    seed: int = 2026


@dataclass
class Loaded:
    """What a benchmark needs to find its way in the loaded data."""

    city_id: int
    commune_ids: list[int]
    cell_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)


def _psycopg_url(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@cache
def _sort_key(name: str) -> str:
    return vn_sort_key(name)


def _name(rng: random.Random) -> str:
    gender = "female" if rng.random() < 0.45 else "male"
    family = rng.choices([f for f, _ in FAMILY_NAMES], [w for _, w in FAMILY_NAMES])[0]
    middles = MIDDLE_NAMES[gender]
    middle = rng.choices([m for m, _ in middles], [w for _, w in middles])[0]
    return f"{family} {middle} {rng.choice(GIVEN_NAMES[gender])}"


def _copy(conn: psycopg.Connection, table: str, columns: Sequence[str], rows: Iterable[Any]) -> int:
    """COPY rows into table; returns how many."""
    n = 0
    with conn.cursor() as cur, cur.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as cp:
        for row in rows:
            cp.write_row(row)
            n += 1
    return n


def _units(conn: psycopg.Connection, scale: Scale, now: dt.datetime) -> Loaded:
    """Root, city, communes and cells with their materialized paths."""
    rows = [(1, None, "TW", "Ban Chấp hành Trung ương", "central", "/1/", 0)]
    rows.append((2, 1, "TP", "Đảng bộ Thành phố (tổng hợp)", "province", "/1/2/", 1))
    communes = list(range(3, 3 + scale.communes))
    for i, cid in enumerate(communes, start=1):
        rows.append((cid, 2, f"X{i:03d}", f"Đảng bộ phường {i}", "commune", f"/1/2/{cid}/", 2))
    cells, next_id = [], 3 + scale.communes
    for k in range(scale.cells):
        commune = communes[k % len(communes)]
        code = f"X{commune - 2:03d}-C{k // len(communes) + 1:02d}"
        name = f"Chi bộ khu dân cư số {k // len(communes) + 1}"
        rows.append((next_id, commune, code, name, "cell", f"/1/2/{commune}/{next_id}/", 3))
        cells.append(next_id)
        next_id += 1
    cols = ("id", "parent_id", "code", "name", "kind", "path", "depth", "is_active", "created_at")
    _copy(conn, "org_units", cols, (r + (True, now) for r in rows))
    return Loaded(city_id=2, commune_ids=communes, cell_ids=cells)


def _members(
    conn: psycopg.Connection, scale: Scale, loaded: Loaded, rng: random.Random, now: dt.datetime
) -> dict[int, list[int]]:
    """Members spread evenly over the cells (1 % inactive); returns cell → member ids."""
    by_cell: dict[int, list[int]] = {c: [] for c in loaded.cell_ids}
    progress = Progress("Đảng viên", scale.members)

    def rows() -> Iterator[tuple[Any, ...]]:
        for uid in range(1, scale.members + 1):
            cell = loaded.cell_ids[(uid - 1) % len(loaded.cell_ids)]
            by_cell[cell].append(uid)
            name = _name(rng)
            active = rng.random() >= 0.01
            progress.advance()
            yield (uid, name, _sort_key(name), f"7{uid:09d}", cell, "official", "", False,
                   active, now, now)  # fmt: skip

    cols = ("id", "full_name", "name_sort", "party_card_number", "cell_id", "status",
            "password_hash", "must_change_password", "is_active", "created_at",
            "updated_at")  # fmt: skip
    _copy(conn, "users", cols, rows())
    progress.finish()
    return by_cell


def _record_state(
    rng: random.Random, due: dt.datetime, now: dt.datetime
) -> tuple[str, dt.datetime | None, dt.datetime | None]:
    """(state, submitted_at, approved_at) for a record due at `due`, as of `now`."""
    past = due < now
    weights = (
        [15, 5, 8, 62, 5, 5] if past else [30, 30, 15, 20, 2, 3]
    )  # assigned, in_progress, submitted, approved, returned, cancelled
    states = ["assigned", "in_progress", "submitted", "approved", "returned", "cancelled"]
    state = rng.choices(states, weights)[0]
    if state not in ("submitted", "approved", "returned"):
        return state, None, None
    late = past and rng.random() < 0.15
    offset = dt.timedelta(hours=rng.randint(1, 120))
    submitted = min(due + offset if late else due - offset, now - dt.timedelta(minutes=5))
    approved = min(submitted + dt.timedelta(hours=rng.randint(1, 48)), now)
    return state, submitted, approved if state == "approved" else None


def _assignments(
    conn: psycopg.Connection,
    scale: Scale,
    by_cell: dict[int, list[int]],
    rng: random.Random,
    now: dt.datetime,
) -> tuple[int, int]:
    """Tasks of every cell due over the last 365 days and the next 31, ~records/cells each."""
    per_cell = scale.records // max(len(by_cell), 1)
    assignments: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    progress = Progress("Nhiệm vụ", scale.records)
    aid = rid = 0
    for cell, people in by_cell.items():
        given = 0
        while given < per_cell and people:
            aid += 1
            size = len(people) if rng.random() < 0.4 else rng.randint(3, max(3, len(people) // 2))
            chosen = rng.sample(people, min(size, len(people), per_cell - given) or 1)
            due = now + dt.timedelta(minutes=rng.randint(-365 * 1440, 31 * 1440))
            created = due - dt.timedelta(days=rng.randint(3, 20))
            assignments.append((aid, cell, "Nhiệm vụ chi bộ", "", "normal", due, people[0],
                                created, created))  # fmt: skip
            for uid in chosen:
                rid += 1
                state, submitted, approved = _record_state(rng, due, now)
                cancelled = now if state == "cancelled" else None
                records.append((rid, aid, uid, state, "[]", created, now, submitted, approved,
                                cancelled))  # fmt: skip
            given += len(chosen)
            progress.advance(len(chosen))
    cols = ("id", "cell_id", "title", "description", "priority", "due_at", "created_by",
            "created_at", "updated_at")  # fmt: skip
    _copy(conn, "assignments", cols, assignments)
    cols = ("id", "assignment_id", "assignee_id", "state", "attachment_ids", "created_at",
            "updated_at", "submitted_at", "approved_at", "cancelled_at")  # fmt: skip
    _copy(conn, "assignment_records", cols, records)
    progress.finish()
    return aid, rid


def _document_plan(scale: Scale, loaded: Loaded, rng: random.Random) -> list[tuple[int, str]]:
    """(audience unit, issuer symbol code) for each document."""
    plan = [(loaded.city_id, "TU")] * scale.city_documents
    rest = scale.documents - scale.city_documents
    communes = int(rest * scale.commune_document_share)
    plan += [(rng.choice(loaded.commune_ids), "ĐU") for _ in range(communes)]
    plan += [(rng.choice(loaded.cell_ids), "CB") for _ in range(rest - communes)]
    return plan


def _documents(
    conn: psycopg.Connection,
    scale: Scale,
    loaded: Loaded,
    by_cell: dict[int, list[int]],
    rng: random.Random,
    now: dt.datetime,
) -> tuple[int, int]:
    """Published documents to the city, a commune or a cell, and their members' receipts."""
    plan = _document_plan(scale, loaded, rng)
    cells_of: dict[int, list[int]] = {loaded.city_id: loaded.cell_ids}
    for k, cell in enumerate(loaded.cell_ids):
        cells_of.setdefault(loaded.commune_ids[k % len(loaded.commune_ids)], []).append(cell)
    docs, audience, receipts = [], [], []
    progress = Progress("Văn bản", len(plan))
    rid = 0
    for doc_id, (unit, code) in enumerate(plan, start=1):
        published = now - dt.timedelta(minutes=rng.randint(60, 365 * 1440))
        version = 2 if rng.random() < 0.1 else 1
        symbol = f"{doc_id}-NQ/{code}"
        docs.append((doc_id, "resolution", symbol, f"{doc_id}nq{code.lower()}", doc_id, "NQ",
                     code, unit, published.date(), published.year, f"Nghị quyết số {doc_id}",
                     "", "", "markdown", "", "", "[]", "published", version, published,
                     published, published, published))  # fmt: skip
        audience.append((doc_id, unit))
        for cell in cells_of.get(unit, [unit]):
            for uid in by_cell.get(cell, []):
                if rng.random() >= 0.7:
                    continue
                acked = rng.random() < 0.85
                seen = version if version == 1 or rng.random() >= 0.3 else 1
                rid += 1
                receipts.append((rid, doc_id, uid, seen, published, published, 1,
                                 published if acked else None))  # fmt: skip
        progress.advance()
    progress.finish()
    cols = ("id", "kind", "symbol", "symbol_key", "symbol_number", "symbol_code", "symbol_issuer",
            "issuer_id", "issued_on", "issued_year", "title", "summary", "body_source",
            "body_format", "body_html", "body_text", "topics", "status", "version", "created_at",
            "updated_at", "published_at", "revised_at")  # fmt: skip
    _copy(conn, "documents", cols, docs)
    _copy(conn, "document_audience", ("document_id", "unit_id"), audience)
    cols = ("id", "document_id", "user_id", "version", "first_opened_at", "last_opened_at",
            "open_count", "acknowledged_at")  # fmt: skip
    _copy(conn, "document_receipts", cols, receipts)
    return len(docs), len(receipts)


def _triggers_off(conn: psycopg.Connection) -> bool:
    """Turn row triggers off for this session when allowed (a superuser); report whether."""
    try:
        conn.execute("SET session_replication_role = replica")
        return True
    except psycopg.errors.InsufficientPrivilege:
        conn.rollback()
        return False


def _rebuild_tallies(url: str) -> None:
    """Recount the dashboards' roll-ups from the loaded rows."""
    from sqlmodel import Session

    from api.dashboards import tallies
    from api.db import make_engine

    engine = make_engine(url)
    with Session(engine) as session:
        tallies.rebuild(session)
        session.commit()
    engine.dispose()


SEQUENCED = ("org_units", "users", "assignments", "assignment_records", "documents",
             "document_receipts")  # fmt: skip


def load_synthetic(url: str, scale: Scale = Scale()) -> Loaded:
    """Bulk-load the synthetic city into the empty, migrated PostgreSQL database at `url`."""
    rng = random.Random(scale.seed)
    now = utcnow()
    with psycopg.connect(_psycopg_url(url)) as conn:
        # Row triggers (the dashboards' roll-ups) would fire once per copied row; they are
        # off for this session (superuser only) and the roll-ups are recounted once below.
        triggers_off = _triggers_off(conn)
        t0 = time.perf_counter()
        loaded = _units(conn, scale, now)
        by_cell = _members(conn, scale, loaded, rng, now)
        t1 = time.perf_counter()
        n_assignments, n_records = _assignments(conn, scale, by_cell, rng, now)
        t2 = time.perf_counter()
        n_docs, n_receipts = _documents(conn, scale, loaded, by_cell, rng, now)
        t3 = time.perf_counter()
        for table in SEQUENCED:
            conn.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"(SELECT max(id) FROM {table}))"
            )
        conn.commit()
        if triggers_off:
            _rebuild_tallies(url)
        conn.autocommit = True
        conn.execute("VACUUM ANALYZE")
        t4 = time.perf_counter()
    loaded.counts = {
        "units": 2 + scale.communes + scale.cells,
        "members": scale.members,
        "assignments": n_assignments,
        "records": n_records,
        "documents": n_docs,
        "receipts": n_receipts,
    }
    loaded.seconds = {
        "units_and_members": t1 - t0,
        "assignments": t2 - t1,
        "documents": t3 - t2,
        "tallies_and_vacuum_analyze": t4 - t3,
    }
    return loaded
