"""`sotay seed synthetic`: the bulk-loaded city is what it says and the service answers for it."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import text

from api.cli import main
from api.db import get_engine
from seed.synthetic import PASSWORD

SIZE = [
    "--members",
    "120",
    "--cells",
    "6",
    "--communes",
    "2",
    "--documents",
    "12",
    "--assignees",
    "300",
    "--devices",
    "150",
]


def _count(table: str, where: str = "") -> int:
    with get_engine().connect() as conn:
        return int(conn.execute(text(f"SELECT count(*) FROM {table} {where}")).scalar_one())


def _latest(table: str, column: str) -> dt.datetime:
    with get_engine().connect() as conn:
        value = conn.execute(text(f"SELECT max({column}) FROM {table}")).scalar_one()
    if isinstance(value, str):  # SQLite keeps ISO text
        value = dt.datetime.fromisoformat(value)
    return value if value.tzinfo else value.replace(tzinfo=dt.UTC)


def test_synthetic_city_loads_and_its_members_use_the_service(client, capsys):
    assert main(["seed", "synthetic", *SIZE]) == 0
    out = capsys.readouterr().out
    assert "members 120" in out and "7000000120" in out

    assert _count("users") == 120
    assert _count("org_units", "WHERE kind = 'cell'") == 6
    assert _count("org_units", "WHERE kind = 'commune'") == 2
    assert _count("documents", "WHERE status = 'published'") == 12
    assert _count("assignment_records") == 300
    assert _count("push_subscriptions") == 150
    assert _count("role_grants", "WHERE role = 'secretary'") == 6
    # Cells are of uneven size, as in life, and every member has a cell.
    with get_engine().connect() as conn:
        sizes = [r[0] for r in conn.execute(text("SELECT count(*) FROM users GROUP BY cell_id"))]
    assert sum(sizes) == 120 and len(sizes) == 6 and max(sizes) > min(sizes)

    # A synthetic member signs in with the printed password and sees their city.
    r = client.post("/api/v1/auth/token", data={"username": "7000000007", "password": PASSWORD})
    assert r.status_code == 200, r.text
    h = {"Authorization": f"Bearer {r.json()['access_token']}"}
    me = client.get("/api/v1/me", headers=h).json()
    assert me["id"] == 7
    library = client.get("/api/v1/documents", headers=h).json()["items"]
    assert library, "a member of the city reads at least the city-wide documents"
    found = client.get("/api/v1/documents", params={"q": "nghị quyết"}, headers=h).json()
    assert found["items"], "the loaded documents are searchable"
    assert client.get("/api/v1/assignments?scope=mine", headers=h).status_code == 200
    assert client.get("/api/v1/sync", headers=h).status_code == 200
    # New ids continue after the loaded ones (sequences moved on PostgreSQL).
    r = client.post(f"/api/v1/documents/{library[0]['id']}/read", headers=h)
    assert r.status_code == 200, r.text


def test_synthetic_city_stamps_nothing_in_the_future(client):
    """Tasks due next month were given in the past: a future `created_at` or `updated_at`
    would show as a change to every later sync and skew what the benchmarks measure."""
    size = [*SIZE]
    size[size.index("--assignees") + 1] = "4000"  # ~350 tasks: some are due in days
    assert main(["seed", "synthetic", *size]) == 0
    now = dt.datetime.now(dt.UTC)
    with get_engine().connect() as conn:
        soon = conn.execute(
            text("SELECT count(*) FROM assignments WHERE due_at > :now"), {"now": now}
        ).scalar_one()
    assert soon > 10, "the check below needs tasks due in the coming month"
    for table, column in [
        *((t, c) for t in ("assignments", "assignment_records", "documents", "users")
          for c in ("created_at", "updated_at")),
        ("notifications", "created_at"),
    ]:  # fmt: skip
        assert _latest(table, column) <= now, (table, column)


def test_synthetic_refuses_a_database_with_members(client, capsys):
    assert main(["seed", "synthetic", *SIZE]) == 0
    assert main(["seed", "synthetic", *SIZE]) == 1
    assert "already has members" in capsys.readouterr().err
    assert _count("users") == 120
