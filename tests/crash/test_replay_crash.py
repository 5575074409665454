"""kill -9 in the middle of an offline replay, then the device replays its whole queue again:
every write applied exactly once, no half-written rows.

A member's phone was offline and queued ten writes, each with its Idempotency-Key (the
PWA's outbox does this): acknowledge, bookmark and note on two documents, start and report
on two assignments. It replays them; the server dies (kill -9) in the middle of one; the
server comes back; the phone replays the whole queue from the start.
"""

from __future__ import annotations

import contextlib
import random
import threading
import time
import uuid
from pathlib import Path

import httpx
from sqlalchemy import text

from api.db import get_engine
from tests.assignments.factory import make_assignment
from tests.conftest import build_world
from tests.crash.procs import Server, crash_env
from tests.documents.factory import make_document

API = "/api/v1"


def _queue(world) -> list[tuple[str, str, dict | None]]:  # type: ignore[no-untyped-def]
    d1 = make_document(world, symbol="10-NQ/ĐU")
    d2 = make_document(world, symbol="12-CT/ĐU", kind="directive")
    a1, a2 = make_assignment(world), make_assignment(world)
    writes: list[tuple[str, str, dict | None]] = []
    for n, (doc, asg) in enumerate(((d1, a1), (d2, a2)), start=1):
        writes += [
            ("POST", f"/documents/{doc}/acknowledge", None),
            ("PUT", f"/documents/{doc}/bookmark", None),
            ("PUT", f"/documents/{doc}/note", {"note": f"Ghi chú {n}: liên hệ bản thân."}),
            ("POST", f"/assignments/{asg}/start", None),
            ("POST", f"/assignments/{asg}/submit", {"report": f"Báo cáo {n}: đã hoàn thành."}),
        ]
    return writes


def _send(
    client: httpx.Client, url: str, write: tuple[str, str, dict | None], key: str, h: dict
) -> httpx.Response:
    method, path, body = write
    return client.request(
        method, url + API + path, json=body, headers={**h, "Idempotency-Key": key}, timeout=30
    )


def _replay(url: str, writes, keys, h) -> list[httpx.Response]:  # type: ignore[no-untyped-def]
    """The device's replay: in order; a key still claimed by the dead request answers 409
    with Retry-After, and the device waits and tries again (as the PWA does)."""
    answers = []
    with httpx.Client() as client:
        for write, key in zip(writes, keys, strict=True):
            deadline = time.monotonic() + 20
            while True:
                r = _send(client, url, write, key, h)
                if r.status_code != 409 or time.monotonic() > deadline:
                    break
                time.sleep(float(r.headers.get("Retry-After", "1")))
            answers.append(r)
    return answers


def _rows(sql: str, **params: object) -> list[tuple]:  # type: ignore[type-arg]
    with get_engine().connect() as conn:
        return [tuple(r) for r in conn.execute(text(sql), params)]


def test_kill_9_mid_replay_then_replay_everything_again(tmp_path: Path) -> None:
    world = build_world()
    writes = _queue(world)
    keys = [str(uuid.uuid4()) for _ in writes]
    h = world.h("member_a1")
    env = crash_env(tmp_path, SOTAY_BROKER_URL="", SOTAY_IDEMPOTENCY_STALE_SECONDS="3")
    log = tmp_path / "server.log"

    cut = random.Random().randrange(3, len(writes) - 2)  # noqa: S311 - where the kill lands
    first = Server(env, log).start()
    try:
        with httpx.Client() as client:
            before = [_send(client, first.url, w, k, h) for w, k in zip(writes[:cut], keys[:cut])]
            assert all(r.status_code < 300 for r in before), [r.text for r in before]
            # The next write is in flight when the server dies.
            inflight = threading.Thread(
                target=lambda: _try(client, first.url, writes[cut], keys[cut], h), daemon=True
            )
            inflight.start()
            time.sleep(random.Random().uniform(0.0, 0.03))  # noqa: S311
            first.kill9()
            inflight.join(timeout=10)
    finally:
        first.stop()

    second = Server(env, log).start()
    try:
        answers = _replay(second.url, writes, keys, h)
        again = _replay(second.url, writes, keys, h)  # and once more, for good measure
    finally:
        second.stop()

    for i, r in enumerate(answers + again):
        assert r.status_code < 300, (i % len(writes), writes[i % len(writes)], r.text)
    # What was answered before the crash is answered from the record, not applied again.
    assert all(r.headers.get("idempotent-replayed") == "true" for r in answers[:cut])
    assert all(r.headers.get("idempotent-replayed") == "true" for r in again)

    me = world.users["member_a1"]
    # Each write applied exactly once: one audit event per (action, object) of the member.
    audits = _rows(
        "SELECT action, object_id, count(*) FROM audit_events WHERE actor_id = :u "
        "GROUP BY action, object_id",
        u=me,
    )
    assert audits and all(n == 1 for _, _, n in audits), audits
    # Assignments: each record went assigned → in progress → submitted, one event each.
    events = _rows(
        "SELECT r.id, e.kind, count(*) FROM assignment_events e "
        "JOIN assignment_records r ON r.id = e.record_id "
        "WHERE r.assignee_id = :u AND e.actor_id = :u GROUP BY r.id, e.kind",
        u=me,
    )
    assert sorted(kind for _, kind, _ in events) == ["started", "started", "submitted", "submitted"]
    assert all(n == 1 for _, _, n in events), events
    states = _rows(
        "SELECT state, report FROM assignment_records WHERE assignee_id = :u ORDER BY id", u=me
    )
    assert states == [
        ("submitted", "Báo cáo 1: đã hoàn thành."),
        ("submitted", "Báo cáo 2: đã hoàn thành."),
    ]
    # Documents: one receipt per document, acknowledged; the bookmark and the note whole.
    receipts = _rows(
        "SELECT document_id, count(*), min(acknowledged_at) FROM document_receipts "
        "WHERE user_id = :u GROUP BY document_id",
        u=me,
    )
    assert len(receipts) == 2 and all(n == 1 and at is not None for _, n, at in receipts)
    marks = _rows(
        "SELECT note, bookmarked_at IS NOT NULL FROM document_marks WHERE user_id = :u "
        "ORDER BY document_id",
        u=me,
    )
    assert marks == [
        ("Ghi chú 1: liên hệ bản thân.", True),
        ("Ghi chú 2: liên hệ bản thân.", True),
    ]
    # Every key ended with a stored answer (none left claimed and unfinished).
    stored = _rows(
        "SELECT count(*) FROM idempotency_records WHERE principal = :p AND status_code IS NULL",
        p=f"user:{me}",
    )
    assert stored == [(0,)]
    print(f"killed during write {cut + 1} of {len(writes)}")


def _try(client: httpx.Client, url: str, write, key: str, h: dict) -> None:  # type: ignore[no-untyped-def]
    # The server dies under it: the device keeps the write queued.
    with contextlib.suppress(httpx.HTTPError):
        _send(client, url, write, key, h)
