"""`sotay seed synthetic`: the bulk-loaded city is what it says and the service answers for it."""

from __future__ import annotations

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
    sizes = [
        r[0]
        for r in get_engine()
        .connect()
        .execute(text("SELECT count(*) FROM users GROUP BY cell_id"))
        .all()
    ]
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


def test_synthetic_refuses_a_database_with_members(client, capsys):
    assert main(["seed", "synthetic", *SIZE]) == 0
    assert main(["seed", "synthetic", *SIZE]) == 1
    assert "already has members" in capsys.readouterr().err
    assert _count("users") == 120
