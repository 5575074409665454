"""A member exports their own data; an administrator erases a member lawfully."""

from __future__ import annotations


def test_member_exports_their_own_data_only(client, world):
    r = client.get("/api/v1/me/export", headers=world.h("member_a1"))
    assert r.status_code == 200
    assert "attachment" in r.headers["content-disposition"]
    data = r.json()
    assert data["profile"]["party_card_number"] == "10000000"
    assert "password_hash" not in r.text and "argon2" not in r.text
    assert "10000001" not in r.text  # nobody else's card number


def test_admin_erases_a_member(client, world):
    uid = world.users["member_a1"]
    r = client.post(f"/api/v1/members/{uid}/erase", headers=world.h("admin_a"))
    assert r.status_code == 204
    # The member can no longer sign in or use their sessions.
    assert client.get("/api/v1/me", headers=world.h("member_a1")).status_code == 401
    r = client.post(
        "/api/v1/auth/token", data={"username": "10000000", "password": "Mật khẩu thử nghiệm 2025"}
    )
    assert r.status_code == 401
    profile = client.get(f"/api/v1/members/{uid}", headers=world.h("admin_a")).json()
    assert profile["full_name"].startswith("Đảng viên đã xóa")
    assert profile["phone"] is None and profile["email"] is None
    # The audit trail keeps who erased whom, and when.
    events = client.get(
        "/api/v1/audit-events", headers=world.h("admin_a"), params={"unit_id": world.units["A"]}
    ).json()["items"]
    erase = next(e for e in events if e["action"] == "member.erase")
    assert erase["actor_id"] == world.users["admin_a"] and erase["object_id"] == str(uid)
