"""Threats of the trust list that had no test of their own: expired and revoked tokens,
mass assignment through extra fields, credentials in responses, /docs switched off."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import select, update

from api.db import new_session, utcnow
from tests.documents.factory import make_document

API = "/api/v1"


def test_expired_access_and_refresh_tokens_are_refused(client, world):
    from api.auth.models import AuthToken
    from tests.conftest import PASSWORD

    pair = client.post(
        f"{API}/auth/token", data={"username": "10000000", "password": PASSWORD}
    ).json()
    h = {"Authorization": f"Bearer {pair['access_token']}"}
    assert client.get(f"{API}/me", headers=h).status_code == 200
    with new_session() as s:  # time passes: every token of this chain is past its end
        s.execute(update(AuthToken).values(expires_at=utcnow() - dt.timedelta(seconds=1)))
        s.commit()
    r = client.get(f"{API}/me", headers=h)
    assert r.status_code == 401 and r.json()["type"] == "/problems/unauthorized"
    r = client.post(f"{API}/auth/refresh", json={"refresh_token": pair["refresh_token"]})
    assert r.status_code == 401


def test_a_revoked_session_and_a_deactivated_member_are_refused(client, world):
    from api.auth.models import AuthSession
    from api.members.models import User

    with new_session() as s:
        s.execute(
            update(AuthSession)
            .where(AuthSession.user_id == world.users["member_a1"])  # type: ignore[arg-type]
            .values(revoked_at=utcnow(), revoked_reason="admin")
        )
        user = s.get(User, world.users["member_b1"])
        assert user is not None
        user.is_active = False
        s.commit()
    assert client.get(f"{API}/me", headers=world.h("member_a1")).status_code == 401
    assert client.get(f"{API}/me", headers=world.h("member_b1")).status_code == 401


def test_extra_fields_never_set_role_owner_state_or_ids(client, world):
    """Mass assignment: fields a caller may not set are refused (422) or ignored, never
    applied — whichever the schema does, the stored object shows none of them."""
    from api.assignments.models import Assignment, AssignmentRecord
    from api.documents.models import Document, DocumentMark
    from api.members.models import User
    from api.org.models import RoleGrant

    sneaky = {
        "id": 999_999,
        "state": "approved",
        "status": "published",
        "role": "admin",
        "owner_id": world.users["member_b1"],
        "user_id": world.users["member_b1"],
        "created_by": world.users["admin_p"],
        "created_by_id": world.users["admin_p"],
        "password_hash": "$argon2id$v=19$forged",
        "is_active": False,
        "must_change_password": False,
    }
    # An admin may set these on a member (status: official or probationary; deactivate;
    # whether the first sign-in must change the password): the rest are never theirs.
    member_fields = {"status", "is_active", "must_change_password"}
    not_member_fields = {k: v for k, v in sneaky.items() if k not in member_fields}
    # A member created with extras: no grant, a temporary password still to change.
    r = client.post(
        f"{API}/members",
        json={
            "full_name": "Lê Thị Hoa",
            "party_card_number": "55500777",
            "cell_id": world.units["A1"],
            "password": "Mật khẩu tạm thời 07",
            **not_member_fields,
        },
        headers=world.h("admin_a"),
    )
    assert r.status_code == 201, r.text
    # A member's own edit of an assignment report, with extras.
    asg = client.post(
        f"{API}/assignments",
        json={
            "cell_id": world.units["A1"],
            "title": "Dọn vệ sinh nhà văn hóa",
            "due_at": "2099-01-01T00:00:00Z",
            "assignee_ids": [world.users["member_a1"]],
            **{k: v for k, v in sneaky.items() if k != "user_id"},
        },
        headers=world.h("secretary_a1"),
    )
    assert asg.status_code == 201, asg.text
    r = client.post(
        f"{API}/documents",
        json={
            "kind": "plan",
            "symbol": "31-KH/ĐU",
            "title": "Kế hoạch tháng",
            "body": "Nội dung.",
            "issuer_id": world.units["A"],
            "issued_on": "2026-04-01",
            **sneaky,
        },
        headers=world.h("publisher_p"),
    )
    assert r.status_code == 422, r.text
    doc = make_document(world)
    r = client.put(
        f"{API}/documents/{doc}/note",
        json={"note": "Của tôi", "user_id": world.users["member_b1"]},
        headers=world.h("member_a1"),
    )
    assert r.status_code == 422 and r.json()["errors"][0] == {
        "field": "user_id",
        "code": "field.extra",
        "message": "Trường này không được phép.",
        "message_en": "This field is not allowed.",
    }
    r = client.patch(
        f"{API}/members/{world.users['member_a1']}",
        json={"full_name": "Nguyễn Văn Mới", **not_member_fields},
        headers=world.h("admin_a"),
    )
    assert r.status_code == 200, r.text

    with new_session() as s:
        assert s.get(User, 999_999) is None and s.get(Assignment, 999_999) is None
        assert s.get(Document, 999_999) is None
        hashes = s.execute(select(User.password_hash)).scalars().all()
        assert not any("forged" in h for h in hashes)
        assert all(u.is_active for u in s.execute(select(User)).scalars()), (
            "no one was deactivated through an extra field"
        )
        grants = s.execute(select(RoleGrant.role, RoleGrant.user_id)).all()
        assert len(grants) == 9  # the world's own grants, no new admin
        assert s.execute(select(Document.status)).scalars().all().count("published") == 1
        states = set(s.execute(select(AssignmentRecord.state)).scalars())
        assert states <= {"assigned"}, states
        creators = set(s.execute(select(Assignment.created_by)).scalars())
        assert creators <= {world.users["secretary_a1"]}, creators
        marks = s.execute(select(DocumentMark.user_id)).scalars().all()
        assert world.users["member_b1"] not in marks


def test_no_response_carries_a_password_hash_or_a_token(client, world):
    """Every GET route a member and an admin can call: no hash, no token secret."""
    from tests.authz.matrix import CASES
    from tests.authz.test_matrix import _fill

    secrets = [t for t in world.tokens.values()]
    checked = 0
    for who in ("member_a1", "admin_p", "admin_a", "committee_a"):
        for case in CASES:
            if case.method != "GET":
                continue
            r = client.get(API + _fill(case, world), headers=world.h(who))
            text = r.content.decode("utf-8", "replace")
            assert "$argon2" not in text and "password_hash" not in text, case.path
            assert "token_hash" not in text, case.path
            assert not any(secret in text for secret in secrets), case.path
            checked += 1
    assert checked > 100


def test_api_docs_can_be_switched_off(monkeypatch):
    from fastapi.testclient import TestClient

    from api.config import get_settings
    from api.main import create_app

    monkeypatch.setenv("SOTAY_DOCS_ENABLED", "false")
    get_settings.cache_clear()
    try:
        off = TestClient(create_app())
        assert off.get(f"{API}/docs").status_code == 404
        assert off.get(f"{API}/openapi.json").status_code == 404
    finally:
        monkeypatch.delenv("SOTAY_DOCS_ENABLED")
        get_settings.cache_clear()
    on = TestClient(create_app())
    assert on.get(f"{API}/openapi.json").status_code == 200


def test_production_hides_the_explorer_and_refuses_unsafe_settings(monkeypatch):
    import pytest
    from fastapi.testclient import TestClient
    from pydantic import ValidationError

    from api.config import Settings, get_settings
    from api.main import create_app

    monkeypatch.setenv("SOTAY_ENV", "production")
    monkeypatch.setenv("SOTAY_COOKIE_SECURE", "true")  # the suite runs over plain HTTP
    monkeypatch.setenv("SOTAY_ARGON2_MEMORY_KIB", "65536")
    monkeypatch.setenv("SOTAY_ARGON2_TIME_COST", "3")
    get_settings.cache_clear()
    try:
        prod = TestClient(create_app())
        assert prod.get(f"{API}/docs").status_code == 404
        assert prod.get(f"{API}/openapi.json").status_code == 404
        assert prod.get("/healthz").status_code == 200
        # Asked for explicitly, the explorer stays (a staging copy behind a VPN).
        assert Settings(docs_enabled=True).docs_enabled is True
        with pytest.raises(ValidationError, match="SOTAY_COOKIE_SECURE=false"):
            Settings(cookie_secure=False)
        with pytest.raises(ValidationError, match="OWASP"):
            Settings(argon2_memory_kib=1024)
        with pytest.raises(ValidationError):
            Settings(env="prod")  # a typo is not a quiet development start
    finally:
        monkeypatch.undo()  # back to the suite's own environment
        get_settings.cache_clear()
    assert Settings(cookie_secure=False).cookie_secure is False  # development allows it
