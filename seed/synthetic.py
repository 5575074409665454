"""Synthetic data of a large city for scale work, bulk-loaded (COPY on PostgreSQL,
executemany on SQLite).

Default scale (`Scale()`): 1 city, 168 communes, 5,000 cells of 5–100 members, 200,000
members who can sign in (one argon2 hash, computed once, shared by all), a secretary per
cell and a committee member and publisher per commune, about 1,000,000 assignee records due
over the last 12 months and the next month, 10,000 published documents (city-wide, to a
commune, to a cell) with searchable titles and bodies, the members' receipts (recent
documents are read by most members, old ones by fewer), the inbox of the last 30 days and
300,000 Web Push devices (endpoints on 127.0.0.1: nothing leaves the machine). Deterministic
for a given seed. Loads into an empty, migrated database; ids are given here, then the
sequences are moved past them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import psycopg

from api.db import utcnow
from api.progress import Progress
from api.text import fold, search_document, search_tokens, vn_sort_key
from seed.demo_data import FAMILY_NAMES, GIVEN_NAMES, MIDDLE_NAMES

PASSWORD = "Sổ tay tổng hợp 2026"  # noqa: S105 - the synthetic members' shared password


@dataclass(frozen=True)
class Scale:
    communes: int = 168
    cells: int = 5_000
    members: int = 200_000
    records: int = 1_000_000
    documents: int = 10_000
    devices: int = 300_000
    city_documents: int = 20
    commune_document_share: float = 0.2  # the rest go to single cells
    inbox_days: int = 30  # notifications of documents published this recently
    seed: int = 2026


@dataclass
class Loaded:
    """What a benchmark needs to find its way in the loaded data."""

    city_id: int
    commune_ids: list[int]
    cell_ids: list[int]
    counts: dict[str, int] = field(default_factory=dict)
    seconds: dict[str, float] = field(default_factory=dict)
    paths: dict[int, str] = field(default_factory=dict)
    # unit id → user id holding a role there (cells: secretary; communes: committee+publisher)
    leaders: dict[int, int] = field(default_factory=dict)


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


class Sink:
    """Writes rows in bulk: COPY on PostgreSQL, executemany in chunks on SQLite."""

    def __init__(self, url: str) -> None:
        self.sqlite = url.startswith("sqlite")
        self.conn: Any
        if self.sqlite:
            path = url.split(":///", 1)[1]
            self.conn = sqlite3.connect(path)
            self.conn.execute("PRAGMA foreign_keys = OFF")
        else:
            self.conn = psycopg.connect(_psycopg_url(url))

    def rows(self, table: str, columns: Sequence[str], rows: Iterable[Any]) -> int:
        """Write rows into table; returns how many."""
        n = 0
        if not self.sqlite:
            cols = ", ".join(columns)
            with self.conn.cursor() as cur, cur.copy(f"COPY {table} ({cols}) FROM STDIN") as cp:
                for row in rows:
                    cp.write_row(row)
                    n += 1
            return n
        sql = f"INSERT INTO {table} ({', '.join(columns)}) VALUES ({', '.join('?' * len(columns))})"
        chunk: list[tuple[Any, ...]] = []
        for row in rows:
            chunk.append(tuple(_sqlite_value(v) for v in row))
            if len(chunk) >= 5000:
                self.conn.executemany(sql, chunk)
                n, chunk = n + len(chunk), []
        if chunk:
            self.conn.executemany(sql, chunk)
            n += len(chunk)
        return n

    def execute(self, sql: str) -> None:
        self.conn.execute(sql)

    def commit(self) -> None:
        self.conn.commit()

    def close(self) -> None:
        self.conn.close()


def _sqlite_value(v: Any) -> Any:
    """The value as SQLAlchemy stores it on SQLite (naive UTC datetimes, ISO dates)."""
    if isinstance(v, dt.datetime):
        v = v.astimezone(dt.UTC).replace(tzinfo=None)
        return v.strftime("%Y-%m-%d %H:%M:%S.%f")
    if isinstance(v, dt.date):
        return v.isoformat()
    return v


def _units(sink: Sink, scale: Scale, now: dt.datetime) -> Loaded:
    """Root, city, communes and cells with their materialized paths."""
    rows: list[tuple[Any, ...]] = [(1, None, "TW", "Ban Chấp hành Trung ương", "central", "/1/", 0)]
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
    sink.rows("org_units", cols, (r + (True, now) for r in rows))
    return Loaded(city_id=2, commune_ids=communes, cell_ids=cells, paths={r[0]: r[5] for r in rows})


def _cell_sizes(scale: Scale, rng: random.Random) -> list[int]:
    """Cells of 5–100 members (most 20–50), summing to scale.members (bounds relaxed only
    when the members cannot fit them)."""
    n = scale.cells
    lo = 5 if scale.members >= 5 * n else 1
    hi = 100 if scale.members <= 100 * n else scale.members
    raw = [min(100, max(5, int(rng.lognormvariate(3.5, 0.55)))) for _ in range(n)]
    factor = scale.members / max(sum(raw), 1)
    sizes = [min(hi, max(lo, round(s * factor))) for s in raw]
    diff = scale.members - sum(sizes)
    i = 0
    while diff != 0 and n:
        step = 1 if diff > 0 else -1
        if lo <= sizes[i % n] + step <= hi:
            sizes[i % n] += step
            diff -= step
        i += 1
    return sizes


def _members(
    sink: Sink,
    scale: Scale,
    loaded: Loaded,
    rng: random.Random,
    now: dt.datetime,
    password_hash: str,
) -> dict[int, list[int]]:
    """Members over the cells (1 % inactive, leaders always active); returns cell → ids."""
    by_cell: dict[int, list[int]] = {c: [] for c in loaded.cell_ids}
    owner = [c for c, size in zip(loaded.cell_ids, _cell_sizes(scale, rng), strict=True)
             for _ in range(size)]  # fmt: skip
    progress = Progress("Đảng viên", scale.members)

    def rows() -> Iterator[tuple[Any, ...]]:
        for uid in range(1, scale.members + 1):
            cell = owner[uid - 1]
            first = not by_cell[cell]
            by_cell[cell].append(uid)
            name = _name(rng)
            active = first or rng.random() >= 0.01
            progress.advance()
            yield (uid, name, _sort_key(name), f"7{uid:09d}", cell, "official", password_hash,
                   False, active, now, now)  # fmt: skip

    cols = ("id", "full_name", "name_sort", "party_card_number", "cell_id", "status",
            "password_hash", "must_change_password", "is_active", "created_at",
            "updated_at")  # fmt: skip
    sink.rows("users", cols, rows())
    progress.finish()
    return by_cell


def _grants(sink: Sink, loaded: Loaded, by_cell: dict[int, list[int]], now: dt.datetime) -> int:
    """A secretary per cell (its first member); the first cell's secretary of each commune is
    also its committee member and publisher; the first member of all is the city's."""
    rows: list[tuple[Any, ...]] = []
    for cell, people in by_cell.items():
        if people:
            rows.append((cell, people[0], "secretary"))
            loaded.leaders[cell] = people[0]
    for k, cell in enumerate(loaded.cell_ids[: len(loaded.commune_ids)]):
        if by_cell[cell]:
            commune, uid = loaded.commune_ids[k], by_cell[cell][0]
            rows += [(commune, uid, "committee"), (commune, uid, "publisher")]
            loaded.leaders[commune] = uid
    if by_cell[loaded.cell_ids[0]]:
        uid = by_cell[loaded.cell_ids[0]][0]
        rows += [(loaded.city_id, uid, "committee"), (loaded.city_id, uid, "publisher")]
        loaded.leaders[loaded.city_id] = uid
    cols = ("id", "user_id", "unit_id", "role", "created_at")
    return sink.rows(
        "role_grants", cols, ((i, u, unit, role, now) for i, (unit, u, role) in
                              enumerate(rows, start=1))
    )  # fmt: skip


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
    sink: Sink,
    scale: Scale,
    by_cell: dict[int, list[int]],
    rng: random.Random,
    now: dt.datetime,
) -> tuple[int, int]:
    """Tasks of every cell due over the last 365 days and the next 31, about as many records
    per member everywhere (~records/members each)."""
    per_member = scale.records / max(scale.members, 1)
    assignments: list[tuple[Any, ...]] = []
    records: list[tuple[Any, ...]] = []
    progress = Progress("Nhiệm vụ", scale.records)
    aid = rid = 0
    for cell, people in by_cell.items():
        given, quota = 0, round(per_member * len(people))
        while given < quota and people:
            aid += 1
            size = len(people) if rng.random() < 0.4 else rng.randint(3, max(3, len(people) // 2))
            chosen = rng.sample(people, min(size, len(people), quota - given) or 1)
            due = now + dt.timedelta(minutes=rng.randint(-365 * 1440, 31 * 1440))
            # Given 3–20 days before it is due, but never in the future: a task "given"
            # tomorrow would look changed to every later sync and skew what it measures.
            created = min(due - dt.timedelta(days=rng.randint(3, 20)), now - dt.timedelta(hours=1))
            assignments.append((aid, cell, f"Nhiệm vụ chi bộ số {aid}", "", "normal", due,
                                people[0], created, created))  # fmt: skip
            for uid in chosen:
                rid += 1
                state, submitted, approved = _record_state(rng, due, now)
                cancelled = now if state == "cancelled" else None
                records.append((rid, aid, uid, state, "[]", created, now, submitted, approved,
                                cancelled))  # fmt: skip
            given += len(chosen)
            progress.advance(len(chosen))
    cols: tuple[str, ...] = ("id", "cell_id", "title", "description", "priority", "due_at",
                             "created_by", "created_at", "updated_at")  # fmt: skip
    sink.rows("assignments", cols, assignments)
    cols = ("id", "assignment_id", "assignee_id", "state", "attachment_ids", "created_at",
            "updated_at", "submitted_at", "approved_at", "cancelled_at")  # fmt: skip
    sink.rows("assignment_records", cols, records)
    progress.finish()
    return aid, rid


SUBJECTS = (
    "chuyển đổi số trong công tác đảng", "xây dựng, chỉnh đốn Đảng", "học tập và làm theo "
    "tư tưởng, đạo đức, phong cách Hồ Chí Minh", "phát triển kinh tế - xã hội năm 2026",
    "bảo đảm quốc phòng, an ninh trên địa bàn", "nâng cao chất lượng sinh hoạt chi bộ",
    "thực hiện chính sách an sinh xã hội", "phòng, chống tham nhũng, lãng phí",
    "công tác phát triển đảng viên mới", "xây dựng nông thôn mới kiểu mẫu",
    "cải cách hành chính và chính quyền số", "bảo vệ môi trường, ứng phó biến đổi khí hậu",
    "công tác dân vận trong tình hình mới", "giáo dục chính trị tư tưởng cho thanh niên",
)  # fmt: skip
TOPICS = ("Chuyển đổi số", "Xây dựng Đảng", "Học tập và làm theo Bác", "Kinh tế - xã hội",
          "Quốc phòng - an ninh", "Sinh hoạt chi bộ", "An sinh xã hội")  # fmt: skip
SENTENCES = (
    "Các cấp ủy, tổ chức đảng quán triệt sâu sắc và tổ chức thực hiện nghiêm túc nghị quyết.",
    "Mỗi đảng viên gương mẫu thực hiện, tích cực tuyên truyền trong gia đình và khu dân cư.",
    "Chi bộ xây dựng kế hoạch cụ thể, phân công trách nhiệm rõ người, rõ việc, rõ thời gian.",
    "Định kỳ sơ kết, đánh giá kết quả, kịp thời biểu dương những cách làm hay.",
    "Đẩy mạnh ứng dụng công nghệ thông tin, số hóa hồ sơ và tài liệu sinh hoạt.",
    "Tăng cường kiểm tra, giám sát việc thực hiện ở các chi bộ trực thuộc.",
    "Phát huy vai trò của Mặt trận Tổ quốc và các đoàn thể chính trị - xã hội.",
)


def _document_plan(scale: Scale, loaded: Loaded, rng: random.Random) -> list[tuple[int, str]]:
    """(audience unit, issuer symbol code) for each document."""
    plan = [(loaded.city_id, "TU")] * scale.city_documents
    rest = scale.documents - scale.city_documents
    communes = int(rest * scale.commune_document_share)
    plan += [(rng.choice(loaded.commune_ids), "ĐU") for _ in range(communes)]
    plan += [(rng.choice(loaded.cell_ids), "CB") for _ in range(rest - communes)]
    return plan


def _read_share(age_days: float) -> float:
    """Most members read what is recent; fewer go back to older documents."""
    return max(0.35, 0.92 - age_days / 365 * 0.6)


def _documents(
    sink: Sink,
    scale: Scale,
    loaded: Loaded,
    by_cell: dict[int, list[int]],
    rng: random.Random,
    now: dt.datetime,
) -> dict[str, int]:
    """Published documents to the city, a commune or a cell, their search rows, the members'
    receipts and, for recent ones, the notification and each member's inbox row."""
    plan = _document_plan(scale, loaded, rng)
    cells_of: dict[int, list[int]] = {loaded.city_id: loaded.cell_ids}
    for cell in loaded.cell_ids:
        commune = int(loaded.paths[cell].split("/")[3])
        cells_of.setdefault(commune, []).append(cell)
    docs, audience, topics, receipts, search, events, inbox = [], [], [], [], [], [], []
    vocabulary: set[str] = set()
    progress = Progress("Văn bản", len(plan))
    rid = nid = 0
    inbox_since = now - dt.timedelta(days=scale.inbox_days)
    for doc_id, (unit, code) in enumerate(plan, start=1):
        published = now - dt.timedelta(minutes=rng.randint(60, 365 * 1440))
        version = 2 if rng.random() < 0.1 else 1
        symbol = f"{doc_id}-NQ/{code}"
        subject = rng.choice(SUBJECTS)
        topic = rng.choice(TOPICS)
        title = f"Nghị quyết về {subject}"
        summary = f"Nghị quyết số {symbol} về {subject}."
        paragraphs = [" ".join(rng.sample(SENTENCES, 3)) for _ in range(3)]
        source = "\n\n".join(paragraphs)
        html = "".join(f"<p>{p}</p>" for p in paragraphs)
        body_text = "\n\n".join(paragraphs)
        docs.append((doc_id, "resolution", symbol, fold(symbol), doc_id, "NQ",
                     code, unit, published.date(), published.year, title, summary, source,
                     "markdown", html, body_text, json.dumps([topic], ensure_ascii=False),
                     "published", version, published, published, published,
                     published))  # fmt: skip
        audience.append((doc_id, unit))
        topics.append((doc_id, fold(topic)[:80], topic))
        search.append((doc_id, search_document(symbol), search_document(title),
                       search_document(summary), search_document(body_text)))  # fmt: skip
        vocabulary.update(w for w in search_tokens(f"{title} {summary}") if w.isalpha()
                          and 3 <= len(w) <= 30)  # fmt: skip
        share = _read_share((now - published).total_seconds() / 86400)
        notify = published >= inbox_since
        if notify:
            events.append((doc_id, published, "documents", "document.published", "document",
                           doc_id, f"Văn bản mới: {symbol}"[:200], title[:500],
                           f"/documents/{doc_id}",
                           json.dumps({"unit_paths": [loaded.paths[unit]]}), False,
                           f"document:{doc_id}", f"document.published:{doc_id}:v1", "done",
                           published))  # fmt: skip
        for cell in cells_of.get(unit, [unit]):
            for uid in by_cell.get(cell, []):
                read = rng.random() < share
                if read:
                    acked = rng.random() < 0.85
                    seen = version if version == 1 or rng.random() >= 0.3 else 1
                    opened = min(published + dt.timedelta(hours=rng.randint(1, 96)), now)
                    rid += 1
                    receipts.append((rid, doc_id, uid, seen, opened, opened, 1,
                                     opened if acked else None))  # fmt: skip
                if notify:
                    nid += 1
                    inbox.append((nid, uid, doc_id, published, opened if read else None))
        progress.advance()
    progress.finish()
    cols: tuple[str, ...] = (
            "id", "kind", "symbol", "symbol_key", "symbol_number", "symbol_code", "symbol_issuer",
            "issuer_id", "issued_on", "issued_year", "title", "summary", "body_source",
            "body_format", "body_html", "body_text", "topics", "status", "version", "created_at",
            "updated_at", "published_at", "revised_at")  # fmt: skip
    sink.rows("documents", cols, docs)
    sink.rows("document_audience", ("document_id", "unit_id"), audience)
    sink.rows("document_topics", ("document_id", "topic_key", "label"), topics)
    cols = ("id", "document_id", "user_id", "version", "first_opened_at", "last_opened_at",
            "open_count", "acknowledged_at")  # fmt: skip
    sink.rows("document_receipts", cols, receipts)
    _search_rows(sink, search, vocabulary)
    cols = ("id", "created_at", "category", "kind", "object_type", "object_id", "title", "body",
            "url", "audience", "urgent", "topic", "dedupe_key", "status",
            "processed_at")  # fmt: skip
    sink.rows("notification_events", cols, events)
    cols = ("id", "user_id", "event_id", "created_at", "read_at")
    sink.rows("notifications", cols, inbox)
    return {"documents": len(docs), "receipts": len(receipts), "notifications": len(inbox)}


def _search_rows(sink: Sink, rows: list[tuple[Any, ...]], vocabulary: set[str]) -> None:
    """The same folded strings `api.documents.search.index_document` writes, in bulk."""
    if sink.sqlite:
        # The FTS5 table is outside the models: rows of documents deleted without it
        # (a database emptied table by table) would collide with the new ids.
        sink.execute(f"DELETE FROM fts_documents WHERE rowid <= {len(rows)}")
        cols = ("rowid", "symbol", "title", "summary", "body")
        sink.rows("fts_documents", cols, rows)
    else:
        sink.execute(
            "CREATE TEMP TABLE synthetic_search (document_id bigint, symbol text, title text, "
            "summary text, body text) ON COMMIT DROP"
        )
        sink.rows("synthetic_search", ("document_id", "symbol", "title", "summary", "body"), rows)
        sink.execute(
            "INSERT INTO document_search (document_id, tsv) SELECT document_id, "
            "setweight(to_tsvector('simple', symbol), 'A') || "
            "setweight(to_tsvector('simple', title), 'B') || "
            "setweight(to_tsvector('simple', summary), 'C') || "
            "setweight(to_tsvector('simple', body), 'D') FROM synthetic_search"
        )
    sink.rows("search_terms", ("term",), ((w,) for w in sorted(vocabulary)))


def _devices(sink: Sink, scale: Scale, rng: random.Random, now: dt.datetime) -> int:
    """Web Push devices of random members (some have two); endpoints on 127.0.0.1 so a push
    never leaves the machine."""
    members = list(range(1, scale.members + 1))
    owners = rng.sample(members, min(scale.devices, len(members)))
    owners += [rng.choice(members) for _ in range(scale.devices - len(owners))]

    def rows() -> Iterator[tuple[Any, ...]]:
        for i, uid in enumerate(owners, start=1):
            endpoint = f"http://127.0.0.1:9/push/synthetic/{i}"
            key = hashlib.sha256(f"webpush:{endpoint}".encode()).hexdigest()
            yield (i, uid, "webpush", key, endpoint, "B" + "A" * 86, "A" * 22, now, now)

    cols = ("id", "user_id", "kind", "device_key", "endpoint", "p256dh", "auth", "created_at",
            "updated_at")  # fmt: skip
    return sink.rows("push_subscriptions", cols, rows())


def _triggers_off(sink: Sink) -> bool:
    """Turn row triggers off for this session when allowed (a PostgreSQL superuser)."""
    if sink.sqlite:
        return False
    try:
        sink.execute("SET session_replication_role = replica")
        return True
    except psycopg.errors.InsufficientPrivilege:
        sink.conn.rollback()
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


SEQUENCED = ("org_units", "users", "role_grants", "assignments", "assignment_records",
             "documents", "document_receipts", "notification_events", "notifications",
             "push_subscriptions")  # fmt: skip


def password_hash(password: str = PASSWORD) -> str:
    """One argon2 hash (the configured parameters), shared by every synthetic member."""
    from api.auth.service import hasher

    return hasher().hash_password(password)


def load_synthetic(url: str, scale: Scale = Scale(), password: str = PASSWORD) -> Loaded:
    """Bulk-load the synthetic city into the empty, migrated database at `url`."""
    rng = random.Random(scale.seed)
    now = utcnow()
    hashed = password_hash(password)
    sink = Sink(url)
    try:
        # Row triggers (the dashboards' roll-ups) would fire once per copied row; on
        # PostgreSQL they are off for this session (superuser only) and the roll-ups are
        # recounted once below (SQLite's fire, then the recount replaces their sums).
        _triggers_off(sink)
        t0 = time.perf_counter()
        loaded = _units(sink, scale, now)
        by_cell = _members(sink, scale, loaded, rng, now, hashed)
        n_grants = _grants(sink, loaded, by_cell, now)
        t1 = time.perf_counter()
        n_assignments, n_records = _assignments(sink, scale, by_cell, rng, now)
        t2 = time.perf_counter()
        doc_counts = _documents(sink, scale, loaded, by_cell, rng, now)
        n_devices = _devices(sink, scale, rng, now)
        t3 = time.perf_counter()
        if not sink.sqlite:
            for table in SEQUENCED:
                sink.execute(
                    f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                    f"(SELECT coalesce(max(id), 0) + 1 FROM {table}), false)"
                )
        sink.commit()
        _rebuild_tallies(url)
        if sink.sqlite:
            sink.execute("ANALYZE")
        else:
            sink.conn.autocommit = True
            sink.execute("VACUUM ANALYZE")
        t4 = time.perf_counter()
    finally:
        sink.close()
    loaded.counts = {
        "units": 2 + scale.communes + scale.cells,
        "members": scale.members,
        "role_grants": n_grants,
        "assignments": n_assignments,
        "records": n_records,
        **doc_counts,
        "devices": n_devices,
    }
    loaded.seconds = {
        "units_and_members": t1 - t0,
        "assignments": t2 - t1,
        "documents_and_devices": t3 - t2,
        "tallies_and_analyze": t4 - t3,
    }
    return loaded
