"""Member administration: create, update, list in Vietnamese order, role grants, audit."""

from __future__ import annotations


def _new_member(client, world, **extra):
    body = {
        "full_name": "Trần Thị Mai",
        "party_card_number": "55500001",
        "cell_id": world.units["A1"],
        "password": "Mật khẩu tạm thời 01",
    } | extra
    return client.post("/api/v1/members", headers=world.h("admin_a"), json=body)


def test_admin_creates_a_member_who_never_sees_a_hash(client, world):
    r = _new_member(
        client,
        world,
        phone="0912 345 678",
        email=" Mai.Tran@Example.VN ",
        birth_date="1958-05-19",
        status="official",
        gender="female",
    )
    assert r.status_code == 201, r.text
    body = r.json()
    assert body["phone"] == "+84912345678" and body["email"] == "mai.tran@example.vn"
    assert "password" not in r.text and "hash" not in r.text
    assert (
        "argon2" not in client.get(f"/api/v1/members/{body['id']}", headers=world.h("admin_a")).text
    )


def test_member_must_belong_to_a_cell(client, world):
    r = _new_member(client, world, cell_id=world.units["A"])
    assert r.status_code == 422
    assert r.json()["errors"][0]["code"] == "field.not_a_cell"


def test_duplicates_are_refused_by_field(client, world):
    assert _new_member(client, world, phone="0912345678").status_code == 201
    r = _new_member(client, world, party_card_number="10000000", phone="0912345678")
    assert r.status_code == 409
    assert {e["field"] for e in r.json()["errors"]} == {"party_card_number", "phone"}


def test_bad_fields_are_listed(client, world):
    r = _new_member(
        client,
        world,
        phone="12345",
        email="không-phải-email",
        birth_date="31/02/1960",
        status="leader",
        party_card_number="1",
    )
    assert r.status_code == 422
    fields = {e["field"] for e in r.json()["errors"]}
    assert fields == {"phone", "email", "birth_date", "status", "party_card_number"}


def test_members_listed_in_vietnamese_order_with_cursor(client, world):
    names = [
        "Vũ Thị Dung",
        "Lê Đức Anh",
        "Phạm Thị Ánh",
        "Hoàng Văn Đức",
        "Nguyễn Văn Bình",
        "Trần Thị An",
    ]
    for i, name in enumerate(names):
        assert (
            _new_member(
                client,
                world,
                full_name=name,
                cell_id=world.units["A2"],
                party_card_number=f"6660000{i}",
            ).status_code
            == 201
        )
    h = world.h("committee_a")
    seen, cursor = [], None
    while True:
        params = {"limit": 2} | ({"cursor": cursor} if cursor else {})
        r = client.get(f"/api/v1/units/{world.units['A2']}/members", headers=h, params=params)
        assert r.status_code == 200
        seen += [m["full_name"] for m in r.json()["items"]]
        cursor = r.json()["next_cursor"]
        if not cursor:
            break
    ours = [n for n in seen if n in names]
    assert ours == [
        "Trần Thị An",
        "Lê Đức Anh",
        "Phạm Thị Ánh",
        "Nguyễn Văn Bình",
        "Vũ Thị Dung",
        "Hoàng Văn Đức",
    ]


def test_page_limits_are_capped_and_cursors_checked(client, world):
    h = world.h("admin_p")
    r = client.get(f"/api/v1/units/{world.units['P']}/members", headers=h, params={"limit": 1000})
    assert r.status_code == 200
    assert len(r.json()["items"]) <= 100
    r = client.get(f"/api/v1/units/{world.units['P']}/members", headers=h, params={"limit": 10**9})
    assert r.status_code == 422
    r = client.get(
        f"/api/v1/units/{world.units['P']}/members",
        headers=h,
        params={"cursor": "đây-không-phải-con-trỏ"},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cursor"


def test_role_grant_lifecycle_changes_reach(client, world):
    h = world.h("admin_a")
    target = world.users["member_a1b"]
    mh = world.h("member_a1b")
    assert client.get(f"/api/v1/units/{world.units['A1']}/members", headers=mh).status_code == 403
    r = client.post(
        "/api/v1/role-grants",
        headers=h,
        json={"user_id": target, "unit_id": world.units["A1"], "role": "deputy"},
    )
    assert r.status_code == 201, r.text
    gid = r.json()["id"]
    assert (
        client.post(
            "/api/v1/role-grants",
            headers=h,
            json={"user_id": target, "unit_id": world.units["A1"], "role": "deputy"},
        ).status_code
        == 409
    )
    assert client.get(f"/api/v1/units/{world.units['A1']}/members", headers=mh).status_code == 200
    me = client.get("/api/v1/me", headers=mh).json()
    assert {"unit_id": world.units["A1"], "role": "deputy"} in me["roles"]
    assert client.delete(f"/api/v1/role-grants/{gid}", headers=h).status_code == 204
    assert client.get(f"/api/v1/units/{world.units['A1']}/members", headers=mh).status_code == 403


def test_cannot_grant_to_someone_outside_ones_subtree(client, world):
    r = client.post(
        "/api/v1/role-grants",
        headers=world.h("admin_a"),
        json={"user_id": world.users["member_b1"], "unit_id": world.units["A1"], "role": "deputy"},
    )
    assert r.status_code == 404
    r = client.post(
        "/api/v1/role-grants",
        headers=world.h("admin_a"),
        json={"user_id": world.users["member_a1"], "unit_id": world.units["A1"], "role": "emperor"},
    )
    assert r.status_code == 422


def test_every_write_is_audited_and_readable_by_admins_of_the_subtree(client, world):
    r = _new_member(client, world, phone="0912345678")
    uid = r.json()["id"]
    client.patch(
        f"/api/v1/members/{uid}",
        headers=world.h("admin_a"),
        json={"full_name": "Trần Thị Mai Anh"},
        params={},
    )
    r = client.get(
        "/api/v1/audit-events", headers=world.h("admin_a"), params={"unit_id": world.units["A"]}
    )
    assert r.status_code == 200
    events = r.json()["items"]
    update = next(e for e in events if e["action"] == "member.update")
    assert update["before"]["full_name"] == "Trần Thị Mai"
    assert update["after"]["full_name"] == "Trần Thị Mai Anh"
    assert update["actor_id"] == world.users["admin_a"]
    assert update["request_id"]
    create = next(e for e in events if e["action"] == "member.create")
    assert "password" not in str(create) and "argon2" not in str(create)
    # Commune B's side sees none of it.
    r = client.get(
        "/api/v1/audit-events", headers=world.h("admin_p"), params={"unit_id": world.units["B"]}
    )
    assert all(e["action"] != "member.create" for e in r.json()["items"])


def test_committee_views_of_members_are_audited(client, world):
    client.get(f"/api/v1/units/{world.units['A1']}/members", headers=world.h("committee_a"))
    r = client.get(
        "/api/v1/audit-events", headers=world.h("admin_a"), params={"unit_id": world.units["A"]}
    )
    views = [e for e in r.json()["items"] if e["action"] == "member.list_viewed"]
    assert views and views[0]["actor_id"] == world.users["committee_a"]


def test_a_leaders_look_at_one_profile_is_audited_and_ones_own_is_not(client, world):
    uid = world.users["member_a1"]
    assert client.get(f"/api/v1/members/{uid}", headers=world.h("secretary_a1")).status_code == 200
    assert client.get(f"/api/v1/members/{uid}", headers=world.h("member_a1")).status_code == 200
    r = client.get(
        "/api/v1/audit-events", headers=world.h("admin_a"), params={"unit_id": world.units["A"]}
    )
    views = [
        (e["actor_id"], e["object_id"]) for e in r.json()["items"] if e["action"] == "member.viewed"
    ]
    assert views == [(world.users["secretary_a1"], str(uid))]


def test_member_moved_to_another_cell_changes_who_oversees_them(client, world):
    uid = world.users["member_a1"]
    r = client.patch(
        f"/api/v1/members/{uid}", headers=world.h("admin_p"), json={"cell_id": world.units["B1"]}
    )
    assert r.status_code == 200
    assert client.get(f"/api/v1/members/{uid}", headers=world.h("secretary_a1")).status_code == 404
    assert client.get(f"/api/v1/members/{uid}", headers=world.h("secretary_b1")).status_code == 200
    assert client.get("/api/v1/me", headers=world.h("member_a1")).json()["cell"]["code"] == "B1"
