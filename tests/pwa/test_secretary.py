"""A cell secretary on a phone: gives a task to the whole cell and approves one report."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.pwa.conftest import PHONE, shot, sign_in
from tests.pwa.content import record_of


def test_secretary_gives_task_to_whole_cell_and_approves_a_report(page, client, world):
    sign_in(page, world, "secretary_a1")
    page.get_by_role("link", name="Giao nhiệm vụ").first.click()
    page.get_by_label("Tên nhiệm vụ").fill("Học tập Nghị quyết 57 trước kỳ sinh hoạt")
    page.get_by_label("Nội dung, yêu cầu").fill("Mỗi đồng chí đọc và ghi 3 ý chính.")
    page.get_by_label("Hạn hoàn thành").fill("2030-12-20T17:00")
    expect(page.get_by_label(re.compile(r"Toàn chi bộ \(\d+ đảng viên\)"))).to_be_checked()
    shot(page, "cell-new-task")
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    page.wait_for_url(re.compile(r"/assignments/\d+$"))
    task = int(page.url.rsplit("/", 1)[1])
    expect(page.locator("main h1")).to_have_text("Học tập Nghị quyết 57 trước kỳ sinh hoạt")
    expect(page.locator("main")).to_contain_text("20/12/2030 17:00")  # Vietnam time, 24 h

    r = client.get(f"/api/v1/assignments/{task}", headers=world.h("secretary_a1"))
    members_of_a1 = {
        world.users[n] for n in ("member_a1", "member_a1b", "secretary_a1", "deputy_a1")
    }
    assert {x["user_id"] for x in r.json()["records"]} == members_of_a1

    # A member reports (through the API, as their phone would), the secretary reviews.
    r = client.post(
        f"/api/v1/assignments/{task}/submit",
        headers=world.h("member_a1"),
        json={"report": "Đã đọc, ghi 3 ý chính."},
    )
    assert r.status_code == 200, r.text
    page.reload()
    name = page.get_by_role("heading", name="Nguyễn Văn Member A1", exact=True)
    card = page.locator("main li.card").filter(has=name)
    expect(card).to_contain_text("Đã đọc, ghi 3 ý chính.")
    expect(card).to_contain_text("chờ duyệt")
    shot(page, "cell-review")
    card.get_by_role("button", name="Duyệt").click()
    expect(page.locator("main li.card").filter(has=name)).to_contain_text("Đã duyệt")
    assert record_of(client, world, task, "member_a1")["state"] == "approved"
    assert record_of(client, world, task, "member_a1b")["state"] == "assigned"

    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    page.get_by_role("link", name="Nhiệm vụ của chi bộ").click()
    expect(page.locator("main")).to_contain_text("Hoàn thành 1/4")
    shot(page, "cell-tasks")


def test_a_task_given_with_a_file_shows_it_to_the_member(
    page, browser, live_server, client, world, tmp_path
):
    form = tmp_path / "mau-kiem-diem.pdf"
    form.write_bytes(b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    sign_in(page, world, "secretary_a1")
    page.goto("/assignments/new")
    page.get_by_label("Tên nhiệm vụ").fill("Điền bản kiểm điểm cuối năm")
    page.get_by_label("Hạn hoàn thành").fill("2030-12-20T17:00")
    page.get_by_label("Tệp đính kèm").set_input_files(str(form))
    page.get_by_role("button", name="Giao nhiệm vụ").click()
    page.wait_for_url(re.compile(r"/assignments/\d+$"))
    task = int(page.url.rsplit("/", 1)[1])
    expect(page.get_by_role("link", name="mau-kiem-diem.pdf")).to_be_visible()

    given = client.get(f"/api/v1/assignments/{task}", headers=world.h("member_a1")).json()
    assert [f["filename"] for f in given["attachments"]] == ["mau-kiem-diem.pdf"]
    # The member's phone: the file is on the task, and it opens.
    member = browser.new_context(
        base_url=live_server.url, viewport=PHONE, is_mobile=True, locale="vi-VN"
    )
    phone = member.new_page()
    sign_in(phone, world, "member_a1")
    phone.goto(f"/assignments/{task}")
    link = phone.get_by_role("link", name="mau-kiem-diem.pdf")
    expect(link).to_be_visible()
    got = phone.request.get(link.get_attribute("href"))
    assert got.status == 200 and got.body().startswith(b"%PDF")
    shot(phone, "task-given-file")
    member.close()
