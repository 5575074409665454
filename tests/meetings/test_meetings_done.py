"""Issue 10's "Done means", through the API: a planned meeting with materials is published,
members are notified, two reply attend and one excused, QR check-in records the two present
(a replayed or foreign code is refused), the minutes give an assignment, and the commune's
dashboard shows the attendance rate that a recount of the rows gives."""

from __future__ import annotations

import datetime as dt

from api.db import utcnow
from api.meetings import checkin
from api.notifications import tasks
from api.text import VN_TZ
from tests.assignments.factory import publish_document
from tests.notifications.conftest import rows, subscribe

API = "/api/v1"


def _recount_rate(unit_path_prefix: str) -> tuple[int, int]:
    """Present and invited over held meetings of cells under the unit, from the raw rows."""
    found = rows(
        "SELECT a.present FROM meeting_attendees a JOIN meetings m ON m.id = a.meeting_id "
        "JOIN org_units u ON u.id = m.cell_id "
        "WHERE m.state IN ('held', 'minutes_approved') AND u.path LIKE :p",
        p=unit_path_prefix + "%",
    )
    return sum(1 for (p,) in found if p), len(found)


def test_done_means(client, world, receiver):
    w, u = world, world.users
    lead, me, me_b, deputy = (
        w.h("secretary_a1"), w.h("member_a1"), w.h("member_a1b"), w.h("deputy_a1"),
    )  # fmt: skip
    for who in ("member_a1", "member_a1b", "deputy_a1", "secretary_a1", "member_b1"):
        subscribe(client, w, who, receiver, who)
        # Whatever the hour the test runs at: quiet hours would hold the push till morning.
        client.put(
            f"{API}/me/notification-preferences", headers=w.h(who),
            json={"quiet_hours": {"enabled": False}},
        )  # fmt: skip
    doc = publish_document(w)
    tasks.drain()
    receiver.received.clear()

    # A planned meeting with its materials; members do not see it before it is published.
    starts = utcnow() + dt.timedelta(minutes=30)
    r = client.post(
        f"{API}/meetings",
        headers=lead,
        json={
            "cell_id": w.units["A1"],
            "title": "Sinh hoạt chi bộ tháng 12/2026",
            "starts_at": starts.isoformat(),
            "place": "Nhà văn hóa thôn Đông",
            "agenda": "Quán triệt kế hoạch học tập; phân công nhiệm vụ tháng 1.",
            "document_ids": [doc],
        },
    )
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    assert r.json()["state"] == "planned" and not r.json()["published"]
    assert r.json()["materials"][0]["id"] == doc and r.json()["materials"][0]["symbol"]
    assert client.get(f"{API}/meetings/{mid}", headers=me).status_code == 404

    # Publishing invites every member of the cell: inbox and push.
    r = client.post(f"{API}/meetings/{mid}/publish", headers=lead)
    assert r.status_code == 200, r.text
    assert tasks.drain()
    pushed = sorted(x.device for x in receiver.received)
    assert pushed == ["deputy_a1", "member_a1", "member_a1b"]  # not the secretary, not B1
    assert {x.payload["url"] for x in receiver.received} == {f"/meetings/{mid}"}
    inbox = client.get(f"{API}/notifications", headers=me).json()["items"]
    assert inbox[0]["title"] == "Giấy mời sinh hoạt chi bộ: Sinh hoạt chi bộ tháng 12/2026"
    seen = client.get(f"{API}/meetings/{mid}", headers=me).json()
    assert seen["materials"][0]["id"] == doc and seen["attendees"] is None

    # Replies: two attend, one excused with a reason.
    for h in (me, me_b):
        assert (
            client.post(
                f"{API}/meetings/{mid}/reply", headers=h, json={"answer": "attend"}
            ).status_code
            == 200
        )
    r = client.post(
        f"{API}/meetings/{mid}/reply", headers=deputy,
        json={"answer": "excused", "reason": "Đi công tác huyện"},
    )  # fmt: skip
    assert r.status_code == 200 and r.json()["me"]["reply"] == "excused"
    counts = client.get(f"{API}/meetings/{mid}", headers=lead).json()["counts"]
    assert (counts["attend"], counts["excused"], counts["no_reply"]) == (2, 1, 1)

    # QR check-in: the code on the secretary's screen; a replayed or foreign code is refused.
    code = client.post(f"{API}/meetings/{mid}/check-in-code", headers=lead).json()
    assert code["qr_svg"].startswith("<svg") and len(code["code"]) == 6
    r = client.post(f"{API}/meetings/{mid}/check-in", headers=me, json={"code": code["payload"]})
    assert r.status_code == 200, r.text
    assert r.json()["me"]["present"] is True and r.json()["me"]["late"] is False
    r = client.post(f"{API}/meetings/{mid}/check-in", headers=me_b, json={"code": code["code"]})
    assert r.status_code == 200 and r.json()["state"] == "held"
    old = checkin.code_for(mid, w.units["A1"], checkin.window_of(utcnow()) - 3)
    r = client.post(f"{API}/meetings/{mid}/check-in", headers=deputy, json={"code": old})
    assert r.status_code == 422 and r.json()["type"] == "/problems/meeting-bad-code"
    other = client.post(
        f"{API}/meetings",
        headers=w.h("secretary_b1"),
        json={
            "cell_id": w.units["B1"], "title": "Sinh hoạt chi bộ thôn Trung",
            "starts_at": starts.isoformat(), "place": "Nhà văn hóa", "publish": True,
        },
    ).json()  # fmt: skip
    foreign = client.post(
        f"{API}/meetings/{other['id']}/check-in-code", headers=w.h("secretary_b1")
    ).json()
    for bad in (foreign["payload"], foreign["code"]):
        r = client.post(f"{API}/meetings/{mid}/check-in", headers=deputy, json={"code": bad})
        assert r.status_code == 422, bad
    # Nor can an A1 member use the B1 meeting at all.
    r = client.post(
        f"{API}/meetings/{other['id']}/check-in", headers=me, json={"code": foreign["code"]}
    )
    assert r.status_code == 404
    # Checking in twice records once.
    again = client.post(f"{API}/meetings/{mid}/check-in", headers=me, json={"code": code["code"]})
    assert again.status_code == 200
    detail = client.get(f"{API}/meetings/{mid}", headers=lead).json()
    assert detail["counts"]["present"] == 2
    assert sorted(a["user_id"] for a in detail["attendees"] if a["present"]) == sorted(
        [u["member_a1"], u["member_a1b"]]
    )

    # Minutes give an assignment in the same step; approved minutes are read by members.
    due = (utcnow() + dt.timedelta(days=14)).isoformat()
    r = client.put(
        f"{API}/meetings/{mid}/minutes",
        headers=lead,
        json={
            "content": "Chi bộ quán triệt kế hoạch học tập; 2/4 đồng chí có mặt.",
            "conclusions": "Giao đồng chí Member A1 và Member A1B tổ chức vệ sinh nhà văn hóa.",
            "assignments": [
                {
                    "title": "Tổ chức vệ sinh nhà văn hóa thôn",
                    "due_at": due,
                    "assignee_ids": [u["member_a1"], u["member_a1b"]],
                }
            ],
        },
    )
    assert r.status_code == 200, r.text
    [aid] = r.json()["minutes"]["assignment_ids"]
    mine = client.get(f"{API}/assignments", headers=me).json()["items"]
    assert [a["id"] for a in mine] == [aid]
    assert client.get(f"{API}/meetings/{mid}", headers=me).json()["minutes"] is None  # a draft
    r = client.post(f"{API}/meetings/{mid}/minutes/approve", headers=lead)
    assert r.status_code == 200 and r.json()["state"] == "minutes_approved"
    minutes = client.get(f"{API}/meetings/{mid}", headers=me).json()["minutes"]
    assert minutes["conclusions"].startswith("Giao đồng chí")

    # The commune's dashboard: attendance rate equals a recount of the rows.
    today = dt.datetime.now(VN_TZ).date()
    period = {"from": str(today - dt.timedelta(days=1)), "to": str(today + dt.timedelta(days=1))}
    board = client.get(
        f"{API}/dashboards/units/{w.units['A']}", headers=w.h("committee_a"), params=period
    ).json()
    path = rows("SELECT path FROM org_units WHERE id = :i", i=w.units["A"])[0][0]
    present, invited = _recount_rate(path)
    assert (present, invited) == (2, 4)
    assert board["totals"]["meetings_held"] == 1 and board["totals"]["meetings_planned"] == 1
    assert board["totals"]["attendance_rate"] == round(present / invited, 4)
    a1 = next(c for c in board["children"] if c["unit"]["id"] == w.units["A1"])
    assert a1["totals"]["attendance_rate"] == 0.5
    assert a1["totals"]["absent_excused"] == 1 and a1["totals"]["absent_unexcused"] == 1
