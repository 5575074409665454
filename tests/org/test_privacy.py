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


def _a_members_traces(client, world):
    """member_a1 reads, notes, reports with a photo, comments, registers a phone."""
    import datetime as dt

    from tests.assignments.factory import make_assignment
    from tests.documents.factory import make_document

    me = world.h("member_a1")
    doc = make_document(world)
    assert client.post(f"/api/v1/documents/{doc}/acknowledge", headers=me).status_code == 200
    r = client.put(
        f"/api/v1/documents/{doc}/note", headers=me, json={"note": "Ý riêng: hỏi bí thư mục 3"}
    )
    assert r.status_code == 200, r.text
    aid = make_assignment(world, due_in=dt.timedelta(days=2))
    photo = client.post(
        "/api/v1/uploads", headers=me, files={"file": ("anh.jpg", b"\xff\xd8\xff\xe0" + b"0" * 99)}
    ).json()["id"]
    r = client.post(
        f"/api/v1/assignments/{aid}/submit",
        headers=me,
        json={"report": "Báo cáo riêng của tôi", "attachment_ids": [photo]},
    )
    assert r.status_code == 200, r.text
    r = client.post(
        f"/api/v1/assignments/{aid}/comments", headers=me, json={"text": "Lời nhắn của tôi"}
    )
    assert r.status_code == 201, r.text
    r = client.post(
        "/api/v1/push/subscriptions",
        headers=me,
        json={"kind": "fcm", "token": "fcm-token-of-member-a1-phone-0001", "platform": "android"},
    )
    assert r.status_code == 201, r.text
    inbox = client.get("/api/v1/notifications", headers=me).json()["items"]
    assert inbox, "the task given reached the inbox"
    return doc, aid, photo


def test_the_export_holds_everything_the_member_left(client, world):
    doc, aid, photo = _a_members_traces(client, world)
    data = client.get("/api/v1/me/export", headers=world.h("member_a1")).json()
    assert set(data) >= {"profile", "documents", "assignments", "notifications", "meetings"}
    receipt = data["documents"]["receipts"][0]
    assert (receipt["document_id"], receipt["version"]) == (doc, 1) and receipt["acknowledged_at"]
    assert data["documents"]["bookmarks_and_notes"][0]["note"] == "Ý riêng: hỏi bí thư mục 3"
    record = data["assignments"]["records"][0]
    assert (record["assignment_id"], record["report"]) == (aid, "Báo cáo riêng của tôi")
    assert record["attachment_ids"] == [photo]
    assert [c["text"] for c in data["assignments"]["comments"]] == ["Lời nhắn của tôi"]
    assert [(d["kind"], d["platform"]) for d in data["notifications"]["devices"]] == [
        ("fcm", "android")
    ]
    assert "fcm-token-of-member-a1" not in str(data)  # the push service's secret stays


def test_erasure_removes_what_they_wrote_and_keeps_the_counts(client, world):
    doc, aid, photo = _a_members_traces(client, world)
    uid = world.users["member_a1"]
    assert (
        client.post(f"/api/v1/members/{uid}/erase", headers=world.h("admin_a")).status_code == 204
    )

    lead = world.h("secretary_a1")
    record = next(
        r
        for r in client.get(f"/api/v1/assignments/{aid}", headers=lead).json()["records"]
        if r["user_id"] == uid
    )
    assert record["state"] == "submitted"  # the cell's numbers still count it
    assert record["report"] is None and record["attachments"] == []
    assert client.get(f"/api/v1/attachments/{photo}", headers=lead).status_code == 404
    history = client.get(f"/api/v1/assignments/{aid}/history", headers=lead).text
    assert "Lời nhắn của tôi" not in history and "Báo cáo riêng của tôi" not in history

    from sqlalchemy import func, select

    from api.db import new_session
    from api.documents.models import DocumentMark, DocumentReceipt
    from api.notifications.models import Notification, PushSubscription

    with new_session() as s:

        def count(model, **where):
            stmt = select(func.count()).select_from(model)
            for k, v in where.items():
                stmt = stmt.where(getattr(model, k) == v)
            return s.execute(stmt).scalar_one()

        assert count(DocumentMark, user_id=uid) == 0
        assert count(PushSubscription, user_id=uid) == 0
        assert count(Notification, user_id=uid) == 0
        assert count(DocumentReceipt, user_id=uid) == 1  # the study count stays
