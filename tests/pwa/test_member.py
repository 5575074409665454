"""A member on a phone: signs in, reads and acknowledges, searches without diacritics, reports."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.pwa.conftest import shot, sign_in
from tests.pwa.content import give_task, publish_document, receipt, record_of


def test_member_reads_acknowledges_and_searches(page, client, world):
    doc_id = publish_document(client, world, with_pdf=True)
    publish_document(
        client, world, symbol="13-KH/ĐU", kind="plan", title="Kế hoạch tổ chức Đại hội chi bộ"
    )
    sign_in(page, world, "member_a1")
    assert page.locator("h1").inner_text().startswith("Xin chào")
    page.get_by_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã").wait_for()
    shot(page, "home")

    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_label("Tìm văn bản").fill("chuyen doi so")  # no diacritics, as people type
    results = page.locator("main ul.list > li")
    expect(page.locator("main ul.list > li a.item")).to_have_count(1)
    assert "chuyển đổi số" in results.first.inner_text()
    assert re.search(r"[?&]q=chuyen", page.url)
    shot(page, "library-search")

    results.first.get_by_role("link").click()
    page.get_by_role(
        "heading", level=1, name="Nghị quyết về chuyển đổi số trong Đảng bộ xã"
    ).wait_for()
    assert "12-NQ/ĐU" in page.locator("article").inner_text()
    assert "01/03/2026" in page.locator("article").inner_text()  # dd/mm/yyyy
    assert page.get_by_role("link", name="Mở tệp").count() == 1
    shot(page, "reader")
    page.get_by_role("button", name="Đã học tập, quán triệt").click()
    page.get_by_text("Đã học tập, quán triệt lúc").wait_for()
    shot(page, "reader-acknowledged")
    page.get_by_role("button", name="Đánh dấu").click()
    expect(page.get_by_role("button", name="Đã đánh dấu")).to_have_attribute("aria-pressed", "true")
    page.get_by_label("Ghi chú của bạn").fill("Liên hệ thực tế thôn Đông.")
    page.get_by_role("button", name="Lưu ghi chú").click()
    expect(page.locator("#toast")).to_contain_text("Đã lưu")
    mine = receipt(client, world, doc_id, "member_a1")
    assert mine["acknowledged"] is True and mine["read"] is True
    assert mine["bookmarked"] is True and mine["note"] == "Liên hệ thực tế thôn Đông."


def test_a_notification_opens_its_document(page, client, world):
    doc_id = publish_document(client, world)
    sign_in(page, world, "member_a1")
    expect(page.locator("#unread-badge")).to_have_text("1")
    page.get_by_role("link", name=re.compile("Thông báo")).click()
    item = page.locator("main ul.list a.item").first
    expect(item).to_contain_text("Mới")
    shot(page, "notifications")
    item.click()
    page.wait_for_url(f"**/documents/{doc_id}")
    expect(page.locator("main h1")).to_have_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã")
    expect(page.locator("#unread-badge")).to_be_hidden()


def test_member_starts_and_reports_a_task(page, client, world):
    task = give_task(client, world)
    sign_in(page, world, "member_a1")
    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    page.get_by_role("heading", name="Cần làm").wait_for()
    shot(page, "tasks")
    page.get_by_role("link", name=re.compile("Vận động hộ gia đình")).click()
    page.get_by_role("button", name="Bắt đầu thực hiện").click()
    expect(page.get_by_role("button", name="Bắt đầu thực hiện")).to_have_count(0)
    expect(page.locator("main .pills")).to_contain_text("Đang thực hiện")
    page.get_by_label("Kết quả thực hiện").fill("Đã vận động 6 hộ cài ứng dụng.")
    page.get_by_label("Ảnh hoặc tệp kèm theo (không bắt buộc)").set_input_files(
        files=[{"name": "anh.png", "mimeType": "image/png", "buffer": _png()}]
    )
    shot(page, "task-report")
    page.get_by_role("button", name="Gửi báo cáo").click()
    expect(page.locator("main .pills")).to_contain_text("chờ duyệt")
    shot(page, "task-submitted")
    record = record_of(client, world, task, "member_a1")
    assert record["state"] == "submitted"
    assert record["report"] == "Đã vận động 6 hộ cài ứng dụng."
    assert len(record["attachment_ids"]) == 1


def _png() -> bytes:
    from pathlib import Path

    return (Path(__file__).resolve().parents[2] / "pwa/static/icons/icon-192.png").read_bytes()


def test_password_change_on_first_sign_in(page, world):
    from sqlalchemy import update

    from api.db import new_session
    from api.members.models import User
    from tests.conftest import PASSWORD

    with new_session() as s:
        s.execute(
            update(User)
            .where(User.id == world.users["member_b1"])
            .values(must_change_password=True)
        )
        s.commit()
    sign_in(page, world, "member_b1")
    page.wait_for_url("**/password")
    assert "mật khẩu tạm thời" in page.locator("main").inner_text()
    assert page.locator("#tabs").is_hidden()
    shot(page, "password-first")
    page.get_by_label("Mật khẩu hiện tại").fill(PASSWORD)
    page.get_by_label("Mật khẩu mới", exact=True).fill("Hoa sen nở giữa hồ 1975")
    page.get_by_label("Nhập lại mật khẩu mới").fill("Hoa sen nở giữa hồ 1975")
    page.get_by_role("button", name="Lưu mật khẩu mới").click()
    page.wait_for_url(lambda url: url.endswith("/"))
    page.get_by_role("heading", name=re.compile("Xin chào")).wait_for()
    assert page.locator("#tabs").is_visible()
