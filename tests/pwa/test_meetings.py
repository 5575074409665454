"""Issue 10's "Done means" in the browser: the secretary publishes a planned meeting with
materials, members are notified, reply (two attend, one excused), two check in with the
rotating code (a replayed code is refused), an offline attendance mark syncs, minutes give an
assignment and members read them; the commune's dashboard rate equals a recount."""

from __future__ import annotations

import datetime as dt
import re
import time

from playwright.sync_api import expect

from api.db import utcnow
from api.meetings import checkin
from tests.pwa.conftest import PHONE, shot, sign_in
from tests.pwa.content import publish_document

API = "/api/v1"


def _planned_meeting(client, world, doc_id: int) -> int:
    r = client.post(
        f"{API}/meetings",
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Sinh hoạt chi bộ tháng 12/2026",
            "starts_at": (utcnow() + dt.timedelta(minutes=20)).isoformat(),
            "place": "Nhà văn hóa thôn Đông",
            "agenda": "1. Quán triệt nghị quyết về chuyển đổi số.\n2. Phân công nhiệm vụ.",
            "document_ids": [doc_id],
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _phone(browser, live_server):
    ctx = browser.new_context(
        base_url=live_server.url, viewport=PHONE, device_scale_factor=1, is_mobile=True,
        has_touch=True, locale="vi-VN", timezone_id="Asia/Ho_Chi_Minh", service_workers="allow",
    )  # fmt: skip
    ctx.set_default_timeout(15_000)
    return ctx


def _inbox_titles(client, world, who: str, timeout: float = 20.0) -> list[str]:
    deadline = time.monotonic() + timeout
    while True:
        items = client.get(f"{API}/notifications", headers=world.h(who)).json()["items"]
        titles = [n["title"] for n in items]
        if any(t.startswith("Giấy mời") for t in titles) or time.monotonic() > deadline:
            return titles
        time.sleep(0.3)


def test_meeting_from_invitation_to_dashboard(page, browser, live_server, client, world):
    w = world
    doc = publish_document(client, w)
    mid = _planned_meeting(client, w, doc)

    # The secretary opens the planned meeting and sends the invitations.
    sign_in(page, w, "secretary_a1")
    page.goto(f"/meetings/{mid}")
    expect(page.locator("main h1")).to_have_text("Sinh hoạt chi bộ tháng 12/2026")
    expect(page.locator("main")).to_contain_text("Chưa gửi giấy mời")
    expect(page.locator("main")).to_contain_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã")
    shot(page, "meet-secretary-draft")
    page.get_by_role("button", name="Gửi giấy mời").click()
    expect(page.get_by_role("link", name="Điểm danh chi bộ")).to_be_visible()

    # Members are notified (inbox; pushes are covered by the API tests).
    assert "Giấy mời sinh hoạt chi bộ: Sinh hoạt chi bộ tháng 12/2026" in _inbox_titles(
        client, w, "member_a1"
    )

    # A member sees the next meeting on the home screen, with its materials, and replies.
    member_ctx = _phone(browser, live_server)
    try:
        mp = member_ctx.new_page()
        sign_in(mp, w, "member_a1")
        next_meeting = mp.locator("section[aria-labelledby='home-meeting']")
        expect(next_meeting).to_contain_text("Sinh hoạt chi bộ tháng 12/2026")
        expect(next_meeting).to_contain_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã")
        next_meeting.get_by_role("button", name="Tham dự").click()
        expect(next_meeting).to_contain_text("Đã xác nhận tham dự")
        shot(mp, "meet-member-home")
        # The materials are kept on the device for reading offline.
        mp.wait_for_function("true")  # let the background copy finish its requests
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline:
            kept = mp.evaluate(
                f"caches.open('sotay-files').then(c => c.match('/api/v1/documents/{doc}'))"
                ".then(Boolean)"
            )
            if kept:
                break
            mp.wait_for_timeout(200)
        assert kept
        for who, body in (
            ("member_a1b", {"answer": "attend"}),
            ("deputy_a1", {"answer": "excused", "reason": "Đi công tác huyện"}),
        ):
            r = client.post(f"{API}/meetings/{mid}/reply", headers=w.h(who), json=body)
            assert r.status_code == 200, r.text

        # The secretary's attendance screen shows the rotating QR and its six digits.
        page.goto(f"/meetings/{mid}/attendance")
        expect(page.get_by_role("img", name=re.compile("Mã QR điểm danh"))).to_be_visible()
        expect(page.locator(".meet-code")).to_have_text(re.compile(r"Mã số: \d{6}"))
        shot(page, "meet-secretary-qr")
        code = page.locator(".meet-code").inner_text().rsplit(" ", 1)[1]

        # The member types the code (this phone's browser has no camera to scan with).
        mp.goto(f"/meetings/{mid}/check-in")
        mp.get_by_label("Mã điểm danh (6 chữ số)").fill(code)
        mp.get_by_role("button", name="Điểm danh").click()
        expect(mp.locator("main")).to_contain_text("Đã điểm danh")
        shot(mp, "meet-member-checked-in")
        # The second member checks in from their phone (API); a replayed old code is refused.
        current = client.post(f"{API}/meetings/{mid}/check-in-code", headers=w.h("secretary_a1"))
        r = client.post(
            f"{API}/meetings/{mid}/check-in", headers=w.h("member_a1b"),
            json={"code": current.json()["payload"]},
        )  # fmt: skip
        assert r.status_code == 200, r.text
        stale = checkin.code_for(mid, w.units["A1"], checkin.window_of(utcnow()) - 3)
        mp.goto(f"/meetings/{mid}/check-in")
        r = client.post(
            f"{API}/meetings/{mid}/check-in", headers=w.h("deputy_a1"), json={"code": stale}
        )
        assert r.status_code == 422

        # The secretary's phone goes offline: a tick is queued and sent when it is back.
        page.reload()
        person = page.locator("li.meet-person").filter(has_text="Nguyễn Văn Member A1b")
        expect(person.get_by_label("Có mặt")).to_be_checked()
        page.context.set_offline(True)
        person.get_by_label("Đến muộn").check()
        expect(person).to_contain_text("Đã ghi trên máy")
        shot(page, "meet-secretary-offline-mark")
        page.context.set_offline(False)
        page.evaluate("window.dispatchEvent(new Event('online'))")
        deadline = time.monotonic() + 20
        late = False
        while time.monotonic() < deadline and not late:
            detail = client.get(f"{API}/meetings/{mid}", headers=w.h("secretary_a1")).json()
            late = any(
                a["late"] for a in detail["attendees"] if a["user_id"] == w.users["member_a1b"]
            )
            time.sleep(0.3)
        assert late and detail["counts"]["present"] == 2

        # Minutes give an assignment; once approved the member reads them.
        r = client.put(
            f"{API}/meetings/{mid}/minutes",
            headers=w.h("secretary_a1"),
            json={
                "content": "Chi bộ quán triệt nghị quyết về chuyển đổi số.",
                "conclusions": "Giao đồng chí Member A1 hướng dẫn cài Sổ tay cho các hộ.",
                "assignments": [
                    {
                        "title": "Hướng dẫn cài Sổ tay đảng viên điện tử",
                        "due_at": (utcnow() + dt.timedelta(days=10)).isoformat(),
                        "assignee_ids": [w.users["member_a1"]],
                    }
                ],
            },
        )
        assert r.status_code == 200, r.text
        assert (
            client.post(
                f"{API}/meetings/{mid}/minutes/approve", headers=w.h("secretary_a1")
            ).status_code
            == 200
        )
        mp.goto(f"/meetings/{mid}")
        expect(mp.locator("main")).to_contain_text("Giao đồng chí Member A1 hướng dẫn cài Sổ tay")
        expect(mp.locator("main")).to_contain_text("Đánh giá chất lượng buổi sinh hoạt")
        shot(mp, "meet-member-minutes")
        mp.goto("/assignments")
        expect(mp.locator("main")).to_contain_text("Hướng dẫn cài Sổ tay đảng viên điện tử")
    finally:
        member_ctx.close()

    # The commune's dashboard: attendance rate = present / invited over the rows.
    board = client.get(
        f"{API}/dashboards/units/{w.units['A']}", headers=w.h("committee_a"),
        params={"from": str(dt.date.today() - dt.timedelta(days=2)),
                "to": str(dt.date.today() + dt.timedelta(days=2))},
    ).json()  # fmt: skip
    detail = client.get(f"{API}/meetings/{mid}", headers=w.h("secretary_a1")).json()
    present = sum(1 for a in detail["attendees"] if a["present"])
    assert board["totals"]["attendance_rate"] == round(present / len(detail["attendees"]), 4)
    assert board["totals"]["meetings_held"] == 1
    # …and the committee sees that rate on the commune's dashboard screen.
    sign_in(page, w, "committee_a")
    page.goto(f"/dashboards/{w.units['A']}")
    rate = page.locator("[data-rate='attendance']")
    expect(rate).to_have_attribute("data-value", str(board["totals"]["attendance_rate"]))
    card = page.locator("section[aria-labelledby='dash-meetings']")
    expect(card).to_contain_text("Vắng có lý do")
    shot(page, "meet-commune-dashboard")
