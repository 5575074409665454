"""Sign-in as a member meets it: tokens, refresh rotation, cookies, throttling, passwords."""

from __future__ import annotations

from tests.conftest import PASSWORD, member_with_temporary_password


def _token(client, username, password=PASSWORD, **kw):
    return client.post(
        "/api/v1/auth/token", data={"username": username, "password": password}, **kw
    )


def test_sign_in_with_card_phone_or_email(client, world):
    for username in ("10000000", "0901000000", "+84901000000", "MEMBER_A1@example.vn"):
        r = _token(client, username)
        assert r.status_code == 200, (username, r.text)
        body = r.json()
        assert body["token_type"] == "bearer" and body["expires_in"] > 0
        me = client.get("/api/v1/me", headers={"Authorization": f"Bearer {body['access_token']}"})
        assert me.json()["id"] == world.users["member_a1"]


def test_wrong_password_and_unknown_account_look_the_same(client, world):
    a = _token(client, "10000000", "sai mật khẩu rồi")
    b = _token(client, "99999999", "sai mật khẩu rồi")
    assert a.status_code == b.status_code == 401
    assert a.headers["content-type"] == "application/problem+json"
    strip = lambda r: {k: v for k, v in r.json().items() if k not in ("request_id",)}  # noqa: E731
    assert strip(a) == strip(b)
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in a.json()["detail"]


def test_refresh_rotates_and_reuse_revokes_the_chain(client, world):
    first = _token(client, "10000000").json()
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 200
    second = r.json()
    assert second["refresh_token"] != first["refresh_token"]
    h2 = {"Authorization": f"Bearer {second['access_token']}"}
    assert client.get("/api/v1/me", headers=h2).status_code == 200
    # The first access token was replaced by the rotation.
    h1 = {"Authorization": f"Bearer {first['access_token']}"}
    assert client.get("/api/v1/me", headers=h1).status_code == 401
    # A thief replays the spent refresh token: the whole chain dies, including the new pair.
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": first["refresh_token"]})
    assert r.status_code == 401
    assert client.get("/api/v1/me", headers=h2).status_code == 401
    r = client.post("/api/v1/auth/refresh", json={"refresh_token": second["refresh_token"]})
    assert r.status_code == 401


def test_tampered_and_garbage_tokens_are_refused(client, world):
    good = world.tokens["member_a1"]
    for bad in (
        good[:-1] + ("A" if good[-1] != "A" else "B"),
        "x",
        "eyJhbGciOiJub25lIn0.e30.",
        "Bearer",
        "' OR 1=1 --",
    ):
        r = client.get("/api/v1/me", headers={"Authorization": f"Bearer {bad}"})
        assert r.status_code == 401, bad
        assert r.json()["type"] == "/problems/unauthorized"


def test_cookie_session_for_the_pwa(client, world):
    r = client.post("/api/v1/auth/login", json={"username": "10000000", "password": PASSWORD})
    assert r.status_code == 200
    cookie = r.headers["set-cookie"]
    assert "HttpOnly" in cookie and "SameSite=lax" in cookie.replace("Lax", "lax")
    assert "sotay_session=" in cookie
    assert r.json()["full_name"].startswith("Nguyễn Văn")
    assert client.get("/api/v1/me").status_code == 200
    # A write from another site's page is refused even with the cookie.
    r = client.post(
        "/api/v1/me/password",
        json={"current_password": PASSWORD, "new_password": "Mật khẩu khác hẳn 2025"},
        headers={"Origin": "https://evil.example"},
    )
    assert r.status_code == 403
    r = client.post("/api/v1/auth/logout")
    assert r.status_code == 204
    assert r.headers["Clear-Site-Data"] == '"cache"'  # never "storage": the app shell stays
    client.cookies.clear()
    assert client.get("/api/v1/me").status_code == 401


def test_logout_revokes_the_server_side_session(client, world):
    r = client.post("/api/v1/auth/login", json={"username": "10000000", "password": PASSWORD})
    raw = r.cookies.get("sotay_session") or client.cookies.get("sotay_session")
    client.post("/api/v1/auth/logout")
    client.cookies.clear()
    # Replaying the old cookie value after logout does not work.
    r = client.get("/api/v1/me", cookies={"sotay_session": raw})
    assert r.status_code == 401


def test_failed_sign_ins_are_throttled_per_account(client, world):
    for _ in range(10):
        assert _token(client, "10000001", "không phải mật khẩu").status_code == 401
    r = _token(client, "10000001", PASSWORD)  # even the right password waits now
    assert r.status_code == 429
    assert int(r.headers["Retry-After"]) > 0
    assert r.json()["title"] == "Quá nhiều yêu cầu"
    # Another account from the same address is not locked by this one.
    assert _token(client, "10000002").status_code == 200


def test_throttle_counts_the_account_whichever_identifier_or_spelling(client, world):
    # member_b1: card 10000003, phone +84901000003, e-mail member_b1@example.vn; every
    # spelling below finds that one account.
    spellings = [
        "10000003",
        "0901000003",
        "+84901000003",
        "84 901 000 003",
        "0901.000.003",
        " 10000003 ",
        "Member_B1@Example.VN",
    ]
    for i in range(10):
        r = _token(client, spellings[i % len(spellings)], "không phải mật khẩu")
        assert r.status_code == 401, (i, r.text)
    for username in spellings:
        r = _token(client, username, PASSWORD)  # the right password, any spelling: wait
        assert r.status_code == 429, (username, r.text)
    # Another account (from the same address) is not locked by this one.
    assert _token(client, "0901000004").status_code == 200
    assert _token(client, "10000004").status_code == 200


def test_probing_an_unknown_name_is_still_limited_in_any_spelling(client, world):
    for i in range(10):
        username = ("0909999999", "+84909999999")[i % 2]
        assert _token(client, username, "sai").status_code == 401
    for username in ("0909999999", "+84909999999", "84 909 999 999"):
        assert _token(client, username, "sai").status_code == 429, username


def test_failed_sign_ins_are_throttled_per_address(client, world, monkeypatch):
    from api.config import get_settings

    monkeypatch.setattr(get_settings(), "login_max_failures_per_address", 5)
    for i in range(5):
        assert _token(client, f"khong-co-{i}", "sai").status_code == 401
    assert _token(client, "10000002").status_code == 429


def test_password_change_ends_other_sessions(client, world):
    other = _token(client, "10000000").json()["access_token"]
    mine = _token(client, "10000000").json()["access_token"]
    h = {"Authorization": f"Bearer {mine}"}
    r = client.post(
        "/api/v1/me/password",
        headers=h,
        json={"current_password": PASSWORD, "new_password": "Sông Hồng quê tôi 1945"},
    )
    assert r.status_code == 204, r.text
    assert client.get("/api/v1/me", headers=h).status_code == 200
    assert client.get("/api/v1/me", headers={"Authorization": f"Bearer {other}"}).status_code == 401
    assert _token(client, "10000000").status_code == 401
    assert _token(client, "10000000", "Sông Hồng quê tôi 1945").status_code == 200


def test_password_policy_answers_in_vietnamese(client, world):
    h = world.h("member_a1")
    for new, code in (
        ("ngắn", "password.too_short"),
        ("x" * 129, "password.too_long"),
        ("matkhau123", "password.common"),
        ("10000000", "password.similar_to_user"),
    ):
        r = client.post(
            "/api/v1/me/password",
            headers=h,
            json={"current_password": PASSWORD, "new_password": new},
        )
        assert r.status_code == 422, new
        codes = {e["code"] for e in r.json()["errors"]}
        assert code in codes, (new, r.json())
        assert all(e["field"] == "new_password" for e in r.json()["errors"])
    r = client.post(
        "/api/v1/me/password",
        headers=h,
        json={"current_password": "sai", "new_password": "Một mật khẩu tốt 2025"},
    )
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "current_password"


def test_temporary_password_must_be_changed_first(client, world):
    member_with_temporary_password(client, world, "77700001", "Tạm thời 2025 xyz")
    tok = _token(client, "77700001", "Tạm thời 2025 xyz").json()["access_token"]
    h = {"Authorization": f"Bearer {tok}"}
    me = client.get("/api/v1/me", headers=h)
    assert me.status_code == 200 and me.json()["must_change_password"] is True
    r = client.get(f"/api/v1/units/{world.units['A1']}", headers=h)
    assert r.status_code == 403
    assert r.json()["type"] == "/problems/password-change-required"
    r = client.post(
        "/api/v1/me/password",
        headers=h,
        json={"current_password": "Tạm thời 2025 xyz", "new_password": "Của riêng tôi 2025!"},
    )
    assert r.status_code == 204
    assert client.get(f"/api/v1/units/{world.units['A1']}", headers=h).status_code == 200


def test_rehash_on_login_when_parameters_change(client, world, monkeypatch):
    from sqlmodel import select

    from api.auth import service
    from api.config import get_settings
    from api.db import new_session
    from api.members.models import User

    monkeypatch.setattr(get_settings(), "argon2_time_cost", 3)
    service.hasher.cache_clear()
    try:
        assert _token(client, "10000000").status_code == 200
        with new_session() as s:
            h = s.exec(select(User.password_hash).where(User.party_card_number == "10000000")).one()
        assert "t=3" in h
    finally:
        service.hasher.cache_clear()


def test_deactivated_member_cannot_sign_in(client, world):
    r = client.patch(
        f"/api/v1/members/{world.users['member_a1']}",
        headers=world.h("admin_a"),
        json={"is_active": False},
    )
    assert r.status_code == 200
    assert client.get("/api/v1/me", headers=world.h("member_a1")).status_code == 401
    assert _token(client, "10000000").status_code == 401


def test_a_members_sign_ins_and_failures_reach_their_units_admins_only(client, world):
    uid = world.users["member_a1"]
    assert _token(client, "10000000", "sai mật khẩu rồi").status_code == 401
    assert _token(client, "10000000").status_code == 200

    def theirs(who, unit):
        """member_a1's security events in the unit's audit trail."""
        r = client.get(
            "/api/v1/audit-events", headers=world.h(who), params={"unit_id": world.units[unit]}
        )
        assert r.status_code == 200, r.text

        def about(e):
            return e["actor_id"] == uid or (e["object_type"], e["object_id"]) == ("user", str(uid))

        return sorted(
            e["action"] for e in r.json()["items"] if e["action"].startswith("auth.") and about(e)
        )

    assert theirs("admin_a", "A").count("auth.failed") == 1
    assert "auth.sign_in" in theirs("admin_a", "A")
    assert theirs("admin_p", "P") == theirs("admin_a", "A")  # the province sees them too
    assert theirs("admin_p", "B") == []  # not commune B's business
