"""Reports with attachments, replayed submits (Idempotency-Key), comments and edits."""

from __future__ import annotations

import datetime as dt

from sqlalchemy import func, select

from api.assignments.models import AssignmentEvent
from api.db import new_session, utcnow
from tests.assignments.factory import make_assignment

API = "/api/v1/assignments"
JPEG = b"\xff\xd8\xff\xe0" + b"\x00" * 200  # a photo from the phone's camera, in spirit


def _upload(client, headers) -> int:
    r = client.post("/api/v1/uploads", headers=headers, files={"file": ("anh-ve-sinh.jpg", JPEG)})
    assert r.status_code == 201, r.text
    return r.json()["id"]


def _event_count() -> int:
    with new_session() as s:
        return s.execute(select(func.count()).select_from(AssignmentEvent)).scalar_one()


def test_report_with_a_photo_readable_by_the_assignee_and_leaders_only(client, world):
    aid = make_assignment(world)
    me = world.h("member_a1")
    photo = _upload(client, me)
    r = client.post(
        f"{API}/{aid}/submit",
        headers=me,
        json={"report": "Đã dọn xong tuyến đường trục xóm.", "attachment_ids": [photo]},
    )
    assert r.status_code == 200, r.text
    rec = r.json()["records"][0]
    assert rec["attachment_ids"] == [photo]
    assert rec["attachments"][0]["url"] == f"/api/v1/attachments/{photo}"
    assert rec["attachments"][0]["content_type"] == "image/jpeg"
    for who in ("member_a1", "secretary_a1", "deputy_a1", "committee_a"):
        got = client.get(f"/api/v1/attachments/{photo}", headers=world.h(who))
        assert got.status_code == 200, who
        assert got.content == JPEG
    for who in ("member_a1b", "member_b1", "committee_b", "admin_a"):
        assert client.get(f"/api/v1/attachments/{photo}", headers=world.h(who)).status_code == 404
    hist = client.get(f"{API}/{aid}/history", headers=me).json()["items"]
    assert hist[-1]["data"] == {"attachment_ids": [photo]}


def test_a_report_may_be_only_a_photo_but_not_someone_elses(client, world):
    aid = make_assignment(world)
    theirs = _upload(client, world.h("member_a1b"))
    r = client.post(
        f"{API}/{aid}/submit", headers=world.h("member_a1"), json={"attachment_ids": [theirs]}
    )
    assert r.status_code == 404
    assert r.json()["errors"][0]["field"] == "attachment_ids"
    mine = _upload(client, world.h("member_a1"))
    r = client.post(
        f"{API}/{aid}/submit", headers=world.h("member_a1"), json={"attachment_ids": [mine]}
    )
    assert r.status_code == 200 and r.json()["records"][0]["report"] is None


def test_replayed_submit_changes_nothing_and_other_body_is_422(client, world):
    aid = make_assignment(world)
    h = world.h("member_a1") | {"Idempotency-Key": "9b1f0c1e-submit"}
    body = {"report": "Báo cáo gửi lúc mất sóng."}
    first = client.post(f"{API}/{aid}/submit", headers=h, json=body)
    assert first.status_code == 200
    events = _event_count()
    for _ in range(2):
        again = client.post(f"{API}/{aid}/submit", headers=h, json=body)
        assert again.status_code == 200 and again.json() == first.json()
        assert again.headers["idempotent-replayed"] == "true"
    assert _event_count() == events
    other = client.post(f"{API}/{aid}/submit", headers=h, json={"report": "Khác"})
    assert other.status_code == 422
    assert other.json()["type"] == "/problems/idempotency-mismatch"
    # Without a key, a second submit is a real (illegal) second attempt.
    r = client.post(f"{API}/{aid}/submit", headers=world.h("member_a1"), json=body)
    assert r.status_code == 409


def test_replayed_give_makes_one_assignment(client, world):
    h = world.h("secretary_a1") | {"Idempotency-Key": "give-1"}
    body = {
        "cell_id": world.units["A1"],
        "title": "Đóng đảng phí quý IV",
        "due_at": (utcnow() + dt.timedelta(days=5)).isoformat(),
        "all_members": True,
    }
    a = client.post(API, headers=h, json=body)
    b = client.post(API, headers=h, json=body)
    assert a.status_code == b.status_code == 201 and a.json()["id"] == b.json()["id"]
    listed = client.get(API, params={"scope": "cell", "cell_id": world.units["A1"]}, headers=h)
    assert len(listed.json()["items"]) == 1


def test_comments_between_leaders_and_the_assignee(client, world):
    aid = make_assignment(world, assignees=("member_a1", "member_a1b"))
    u = world.users
    r = client.post(
        f"{API}/{aid}/comments",
        headers=world.h("member_a1"),
        json={"text": "Tôi xin gia hạn hai ngày"},
    )
    assert r.status_code == 201
    c = r.json()
    assert c["kind"] == "comment" and c["label"] == "Ý kiến" and c["user_id"] == u["member_a1"]
    assert c["actor"]["full_name"].startswith("Nguyễn Văn")
    assert c["at"].endswith("+07:00")
    r = client.post(
        f"{API}/{aid}/comments",
        headers=world.h("secretary_a1"),
        json={"text": "Đồng ý đến thứ Hai", "assignee_id": u["member_a1"]},
    )
    assert r.status_code == 201
    # The other assignee sees neither; the first sees both in order.
    other = client.get(f"{API}/{aid}/history", headers=world.h("member_a1b")).json()["items"]
    assert [e["kind"] for e in other] == ["created"]
    own = client.get(f"{API}/{aid}/history", headers=world.h("member_a1")).json()["items"]
    assert [e["note"] for e in own if e["kind"] == "comment"] == [
        "Tôi xin gia hạn hai ngày",
        "Đồng ý đến thứ Hai",
    ]
    r = client.post(
        f"{API}/{aid}/comments",
        headers=world.h("member_a1"),
        json={"text": "Thay bạn", "assignee_id": u["member_a1b"]},
    )
    assert r.status_code == 404
    r = client.post(
        f"{API}/{aid}/comments",
        headers=world.h("secretary_a1"),
        json={"text": "x", "assignee_id": u["member_a2"]},
    )
    assert r.status_code == 404
    assert (
        client.post(
            f"{API}/{aid}/comments", headers=world.h("member_a1"), json={"text": " "}
        ).status_code
        == 422
    )


def test_edit_add_and_remove_assignees(client, world):
    aid = make_assignment(world, assignees=("member_a1",))
    lead = world.h("secretary_a1")
    u = world.users
    r = client.patch(
        f"{API}/{aid}",
        headers=lead,
        json={
            "title": "Nộp thu hoạch (sửa)",
            "description": "Không quá hai trang.",
            "priority": "high",
        },
    )
    assert r.status_code == 200
    assert (r.json()["title"], r.json()["priority"]) == ("Nộp thu hoạch (sửa)", "high")
    r = client.post(
        f"{API}/{aid}/assignees", headers=lead, json={"user_ids": [u["member_a1b"], u["member_a1"]]}
    )
    assert r.status_code == 200
    assert sorted(rec["user_id"] for rec in r.json()["records"]) == sorted(
        [u["member_a1"], u["member_a1b"]]
    )
    bad = client.post(f"{API}/{aid}/assignees", headers=lead, json={"user_ids": [u["member_b1"]]})
    assert bad.status_code == 404 and bad.json()["errors"][0]["field"] == "user_ids.0"
    r = client.delete(f"{API}/{aid}/assignees/{u['member_a1b']}", headers=lead)
    assert r.status_code == 200 and r.json()["state"] == "cancelled"
    # The removed member still sees their (cancelled) record and its history.
    mine = client.get(f"{API}/{aid}", headers=world.h("member_a1b")).json()
    assert mine["records"][0]["state"] == "cancelled"
    assert client.post(f"{API}/{aid}/start", headers=world.h("member_a1b")).status_code == 409
    # Added again: back to assigned.
    r = client.post(f"{API}/{aid}/assignees", headers=lead, json={"all_members": True})
    states = {rec["user_id"]: rec["state"] for rec in r.json()["records"]}
    assert states[u["member_a1b"]] == "assigned" and len(states) == 4
    hist = client.get(f"{API}/{aid}/history", params={"user_id": u["member_a1b"]}, headers=lead)
    assert [e["kind"] for e in hist.json()["items"]] == [
        "created",
        "edited",
        "added",
        "removed",
        "added",
    ]
    edited = hist.json()["items"][1]
    assert edited["data"]["changes"]["priority"] == ["normal", "high"]
    assert client.delete(f"{API}/{aid}/assignees/{u['member_a2']}", headers=lead).status_code == 404


PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"  # the form to fill in


def test_files_given_with_the_task_reach_its_assignees_and_leaders_only(client, world):
    lead = world.h("secretary_a1")
    r = client.post("/api/v1/uploads", headers=lead, files={"file": ("mau-bao-cao.pdf", PDF)})
    assert r.status_code == 201, r.text
    form = r.json()["id"]
    r = client.post(
        API,
        headers=lead,
        json={
            "cell_id": world.units["A1"],
            "title": "Điền mẫu báo cáo kiểm điểm cuối năm",
            "due_at": (utcnow() + dt.timedelta(days=5)).isoformat(),
            "assignee_ids": [world.users["member_a1"]],
            "attachment_ids": [form],
        },
    )
    assert r.status_code == 201, r.text
    aid = r.json()["id"]
    assert [(f["id"], f["content_type"]) for f in r.json()["attachments"]] == [
        (form, "application/pdf")
    ]
    mine = client.get(f"{API}/{aid}", headers=world.h("member_a1")).json()
    assert [f["url"] for f in mine["attachments"]] == [f"/api/v1/attachments/{form}"]
    for who in ("member_a1", "secretary_a1", "deputy_a1", "committee_a"):
        got = client.get(f"/api/v1/attachments/{form}", headers=world.h(who))
        assert got.status_code == 200 and got.content == PDF, who
    # Not given to them: the next member of the cell, another commune, an admin.
    for who in ("member_a1b", "member_b1", "committee_b", "admin_a"):
        assert client.get(f"/api/v1/attachments/{form}", headers=world.h(who)).status_code == 404


def test_a_task_cannot_take_someone_elses_upload_and_nothing_is_given(client, world):
    theirs = _upload(client, world.h("member_a1"))
    before = client.get(
        API, params={"scope": "cell", "cell_id": world.units["A1"]}, headers=world.h("secretary_a1")
    ).json()["items"]
    r = client.post(
        API,
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Nhiệm vụ kèm tệp của người khác",
            "due_at": (utcnow() + dt.timedelta(days=5)).isoformat(),
            "all_members": True,
            "attachment_ids": [theirs],
        },
    )
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "attachment_ids"
    after = client.get(
        API, params={"scope": "cell", "cell_id": world.units["A1"]}, headers=world.h("secretary_a1")
    ).json()["items"]
    assert after == before  # the task was not half-given
    assert client.get("/api/v1/notifications", headers=world.h("member_a1b")).json()["items"] == []
