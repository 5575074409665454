"""The organisation tree: creating, reading and moving units; subtree queries."""

from __future__ import annotations

from sqlalchemy import func, select


def test_admin_builds_and_reads_the_tree(client, world):
    h = world.h("admin_a")
    r = client.post(
        "/api/v1/units",
        headers=h,
        json={
            "parent_id": world.units["A"],
            "name": "  Chi bộ   Trường Tiểu học  ",
            "code": "A3",
            "kind": "cell",
        },
    )
    assert r.status_code == 201, r.text
    unit = r.json()
    assert unit["name"] == "Chi bộ Trường Tiểu học"
    assert unit["path_ids"] == [world.units[c] for c in ("TW", "P", "A")] + [unit["id"]]
    assert unit["depth"] == 3
    kids = client.get(f"/api/v1/units/{world.units['A']}/children", headers=h).json()
    assert {k["code"] for k in kids} == {"A1", "A2", "A3"}


def test_duplicate_code_and_bad_input(client, world):
    h = world.h("admin_p")
    r = client.post(
        "/api/v1/units",
        headers=h,
        json={
            "parent_id": world.units["A"],
            "name": "Chi bộ trùng mã",
            "code": "A1",
            "kind": "cell",
        },
    )
    assert r.status_code == 409
    assert r.json()["errors"][0]["field"] == "code"
    r = client.post(
        "/api/v1/units",
        headers=h,
        json={"parent_id": world.units["A"], "name": "x", "code": "có dấu", "kind": "Cell!"},
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"name", "code", "kind"}
    assert all(e["message"] and e["message_en"] for e in r.json()["errors"])


def test_member_sees_their_path_up_but_not_sideways(client, world):
    h = world.h("member_a1")
    for code in ("TW", "P", "A", "A1"):
        assert client.get(f"/api/v1/units/{world.units[code]}", headers=h).status_code == 200
    for code in ("A2", "B", "B1"):
        assert client.get(f"/api/v1/units/{world.units[code]}", headers=h).status_code == 404
    kids = client.get(f"/api/v1/units/{world.units['A']}/children", headers=h).json()
    assert [k["code"] for k in kids] == ["A1"]


def test_moving_a_unit_moves_its_whole_subtree(client, world):
    from api.authz import subtree_clause
    from api.db import new_session
    from api.members.models import User
    from api.org.models import OrgUnit

    h = world.h("admin_p")
    # Move commune A's cell A1 under commune B.
    r = client.patch(
        f"/api/v1/units/{world.units['A1']}", headers=h, json={"parent_id": world.units["B"]}
    )
    assert r.status_code == 200, r.text
    assert r.json()["path_ids"][-2] == world.units["B"]
    with new_session() as s:
        b = s.get(OrgUnit, world.units["B"])
        count = s.execute(
            select(func.count())
            .select_from(User)
            .join(OrgUnit, OrgUnit.id == User.cell_id)
            .where(subtree_clause(OrgUnit.path, b.path))
        ).scalar_one()
    # B now holds B1's 3 people and A1's 4.
    assert count == 7
    # Committee of B now reaches the moved cell's members; committee of A no longer does.
    r = client.get(f"/api/v1/units/{world.units['A1']}/members", headers=world.h("committee_b"))
    assert r.status_code == 200 and len(r.json()["items"]) == 4
    r = client.get(f"/api/v1/units/{world.units['A1']}/members", headers=world.h("committee_a"))
    assert r.status_code == 404


def test_a_unit_cannot_move_under_itself(client, world):
    r = client.patch(
        f"/api/v1/units/{world.units['A']}",
        headers=world.h("admin_p"),
        json={"parent_id": world.units["A1"]},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "field.bad_parent"


def test_commune_admin_cannot_move_a_cell_out_of_their_commune(client, world):
    r = client.patch(
        f"/api/v1/units/{world.units['A1']}",
        headers=world.h("admin_a"),
        json={"parent_id": world.units["B"]},
    )
    assert r.status_code == 404


def test_subtree_query_is_one_indexed_range_scan():
    """The plan for 'everything under this unit' uses the path index on both databases."""
    from api.authz import subtree_clause
    from api.db import get_engine
    from api.org.models import OrgUnit

    stmt = select(OrgUnit.id).where(subtree_clause(OrgUnit.path, "/1/5/"))
    engine = get_engine()
    compiled = stmt.compile(engine, compile_kwargs={"literal_binds": True})
    with engine.connect() as conn:
        if engine.dialect.name == "sqlite":
            plan = " ".join(str(r) for r in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {compiled}"))
            assert "ix_org_units_path" in plan, plan
        else:
            conn.exec_driver_sql("SET enable_seqscan = off")
            plan = " ".join(r[0] for r in conn.exec_driver_sql(f"EXPLAIN {compiled}"))
            assert "ix_org_units_path" in plan, plan


def test_subtree_clause_bounds():
    from api.authz import in_any_subtree, subtree_clause  # noqa: F401

    # '/1/5/' must include '/1/5/7/' but not '/1/50/' or '/1/6/'.
    def inside(path, root):
        upper = root[:-1] + "0"
        return root <= path < upper

    assert inside("/1/5/", "/1/5/")
    assert inside("/1/5/7/9/", "/1/5/")
    assert not inside("/1/50/", "/1/5/")
    assert not inside("/1/6/", "/1/5/")
    assert not inside("/1/", "/1/5/")
