"""Idempotency-Key: replays return the first answer and change nothing."""

from __future__ import annotations

from sqlalchemy import func, select


def _count_units():
    from api.db import new_session
    from api.org.models import OrgUnit

    with new_session() as s:
        return s.execute(select(func.count()).select_from(OrgUnit)).scalar_one()


def _create(client, world, key, code="A5", who="admin_a"):
    return client.post(
        "/api/v1/units",
        headers=world.h(who) | {"Idempotency-Key": key},
        json={
            "parent_id": world.units["A"],
            "name": "Chi bộ thôn Bắc",
            "code": code,
            "kind": "cell",
        },
    )


def test_replay_returns_first_answer_and_changes_nothing(client, world):
    before = _count_units()
    first = _create(client, world, "k-1")
    assert first.status_code == 201
    again = _create(client, world, "k-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["idempotent-replayed"] == "true"
    assert _count_units() == before + 1


def test_same_key_other_body_is_422(client, world):
    assert _create(client, world, "k-2").status_code == 201
    r = _create(client, world, "k-2", code="A6")
    assert r.status_code == 422
    assert r.json()["type"] == "/problems/idempotency-mismatch"


def test_keys_are_per_caller(client, world):
    assert _create(client, world, "shared").status_code == 201
    # Another admin using the same key string is a different request entirely.
    r = _create(client, world, "shared", code="A8", who="admin_p")
    assert r.status_code == 201 and r.json()["code"] == "A8"


def test_error_answers_are_replayed_too(client, world):
    r1 = client.post(
        "/api/v1/units",
        headers=world.h("member_a1") | {"Idempotency-Key": "e"},
        json={"parent_id": world.units["A"], "name": "Không được", "code": "X1", "kind": "cell"},
    )
    r2 = client.post(
        "/api/v1/units",
        headers=world.h("member_a1") | {"Idempotency-Key": "e"},
        json={"parent_id": world.units["A"], "name": "Không được", "code": "X1", "kind": "cell"},
    )
    assert r1.status_code == r2.status_code == 403


def test_key_survives_token_refresh(client, world):
    from tests.conftest import PASSWORD

    tok = client.post(
        "/api/v1/auth/token", data={"username": "10000012", "password": PASSWORD}
    ).json()
    h1 = {"Authorization": f"Bearer {tok['access_token']}", "Idempotency-Key": "offline-1"}
    body = {"parent_id": world.units["A"], "name": "Chi bộ thôn Nam", "code": "A4", "kind": "cell"}
    assert client.post("/api/v1/units", headers=h1, json=body).status_code == 201
    new = client.post("/api/v1/auth/refresh", json={"refresh_token": tok["refresh_token"]}).json()
    h2 = {"Authorization": f"Bearer {new['access_token']}", "Idempotency-Key": "offline-1"}
    r = client.post("/api/v1/units", headers=h2, json=body)
    assert r.status_code == 201 and r.headers.get("idempotent-replayed") == "true"


def test_overlong_key_is_refused(client, world):
    r = _create(client, world, "x" * 300)
    assert r.status_code == 422


def test_stored_answers_past_their_time_to_live_are_purged(client, world):
    import datetime as dt

    from sqlalchemy import update

    from api.config import get_settings
    from api.db import new_session, utcnow
    from api.ops.models import IdempotencyRecord
    from api.ops.tasks import purge_idempotency

    h = world.h("member_a1") | {"Idempotency-Key": "old-key"}
    assert client.put("/api/v1/me/notification-preferences", json={}, headers=h).status_code == 200
    h2 = world.h("member_a1") | {"Idempotency-Key": "new-key"}
    assert client.put("/api/v1/me/notification-preferences", json={}, headers=h2).status_code == 200
    ttl = dt.timedelta(seconds=get_settings().idempotency_ttl_seconds)
    with new_session() as s:
        s.execute(
            update(IdempotencyRecord)
            .where(IdempotencyRecord.key == "old-key")
            .values(created_at=utcnow() - ttl - dt.timedelta(minutes=1))
        )
        s.commit()
        purge_idempotency(s)
        s.commit()
        assert sorted(r.key for r in s.query(IdempotencyRecord).all()) == ["new-key"]
