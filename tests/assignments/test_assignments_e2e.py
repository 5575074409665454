"""The issue's "done means", from the API alone."""

from __future__ import annotations

import datetime as dt

from api.db import utcnow

API = "/api/v1"


def test_whole_cell_task_from_giving_to_approval(client, world):
    h = world.h
    due = (utcnow() + dt.timedelta(days=7)).isoformat()
    # The secretary gives a task to the whole cell A1.
    r = client.post(
        f"{API}/assignments",
        headers=h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Nộp thu hoạch học tập Nghị quyết 57-NQ/TW",
            "description": "Mỗi đồng chí viết không quá một trang.",
            "due_at": due,
            "all_members": True,
        },
    )
    assert r.status_code == 201, r.text
    created = r.json()
    aid = created["id"]
    cell_people = {"member_a1", "member_a1b", "secretary_a1", "deputy_a1"}
    assert {rec["user_id"] for rec in created["records"]} == {world.users[n] for n in cell_people}
    assert all(rec["state"] == "assigned" for rec in created["records"])

    # Members start and submit; the first submit is replayed by a device with the same key.
    for name in ("member_a1", "member_a1b"):
        r = client.post(f"{API}/assignments/{aid}/start", headers=h(name))
        assert r.status_code == 200, r.text
        assert [rec["state"] for rec in r.json()["records"]] == ["in_progress"]
    submit = {"report": "Tôi cam kết hướng dẫn ba hộ dùng dịch vụ công trực tuyến."}
    key = {"Idempotency-Key": "offline-submit-1"}
    first = client.post(
        f"{API}/assignments/{aid}/submit", headers=h("member_a1") | key, json=submit
    )
    assert first.status_code == 200, first.text
    again = client.post(
        f"{API}/assignments/{aid}/submit", headers=h("member_a1") | key, json=submit
    )
    assert again.status_code == 200
    assert again.headers["idempotent-replayed"] == "true"
    assert again.json() == first.json()
    r = client.post(
        f"{API}/assignments/{aid}/submit",
        headers=h("member_a1b"),
        json={"report": "Nghị quyết rất hay và cần thiết."},
    )
    assert r.status_code == 200

    # The secretary approves one and returns the other with a reason.
    a1, a1b = world.users["member_a1"], world.users["member_a1b"]
    r = client.post(
        f"{API}/assignments/{aid}/assignees/{a1}/approve",
        headers=h("secretary_a1"),
        json={"note": "Đạt yêu cầu."},
    )
    assert r.status_code == 200, r.text
    reason = "Bài còn sơ sài, đề nghị bổ sung việc làm cụ thể của bản thân."
    r = client.post(
        f"{API}/assignments/{aid}/assignees/{a1b}/return",
        headers=h("secretary_a1"),
        json={"reason": reason},
    )
    assert r.status_code == 200
    states = {rec["user_id"]: rec["state"] for rec in r.json()["records"]}
    assert states[a1] == "approved" and states[a1b] == "returned"

    # The returned member sees the reason, resubmits, and is approved.
    mine = client.get(f"{API}/assignments/{aid}", headers=h("member_a1b")).json()
    assert [rec["return_reason"] for rec in mine["records"]] == [reason]
    r = client.post(
        f"{API}/assignments/{aid}/submit",
        headers=h("member_a1b"),
        json={"report": "Tôi đã giúp ba hộ cài đặt VNeID và nộp hồ sơ trực tuyến."},
    )
    assert r.status_code == 200
    r = client.post(f"{API}/assignments/{aid}/assignees/{a1b}/approve", headers=h("deputy_a1"))
    assert r.status_code == 200
    assert {rec["user_id"]: rec["state"] for rec in r.json()["records"]}[a1b] == "approved"

    # Every step is in the history, in order; the replayed submit is there once.
    hist = client.get(f"{API}/assignments/{aid}/history?user_id={a1b}", headers=h("secretary_a1"))
    assert hist.status_code == 200
    steps = [(e["kind"], e["from_state"], e["to_state"]) for e in hist.json()["items"]]
    assert steps == [
        ("created", None, "assigned"),
        ("started", "assigned", "in_progress"),
        ("submitted", "in_progress", "submitted"),
        ("returned", "submitted", "returned"),
        ("submitted", "returned", "submitted"),
        ("approved", "submitted", "approved"),
    ]
    returned = hist.json()["items"][3]
    assert returned["note"] == reason
    assert returned["actor"]["id"] == world.users["secretary_a1"]
    own = client.get(f"{API}/assignments/{aid}/history", headers=h("member_a1")).json()["items"]
    assert [e["kind"] for e in own] == ["created", "started", "submitted", "approved"]

    # A member of the next cell gets 404 on every one of these objects.
    other = h("member_a2")
    for method, path, body in [
        ("GET", f"/assignments/{aid}", None),
        ("GET", f"/assignments/{aid}/history", None),
        ("POST", f"/assignments/{aid}/start", None),
        ("POST", f"/assignments/{aid}/submit", submit),
        ("POST", f"/assignments/{aid}/comments", {"text": "Xin chào"}),
        ("POST", f"/assignments/{aid}/assignees/{a1}/approve", None),
        ("POST", f"/assignments/{aid}/assignees/{a1b}/return", {"reason": "x"}),
        ("POST", f"/assignments/{aid}/cancel", None),
        ("PATCH", f"/assignments/{aid}", {"title": "Khác"}),
    ]:
        r = client.request(method, API + path, headers=other, json=body)
        assert r.status_code == 404, (method, path, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert "Nghị quyết" not in r.text
    listed = client.get(f"{API}/assignments", headers=other).json()
    assert listed["items"] == []
