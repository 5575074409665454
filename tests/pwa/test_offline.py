"""Offline first: after one visit the app opens with no network, and offline acts replay once."""

from __future__ import annotations

from playwright.sync_api import expect

from tests.pwa.conftest import run_js, shot, sign_in, wait_for_worker
from tests.pwa.content import audit_count, publish_document, receipt


def test_offline_reload_read_saved_document_and_acknowledge_once(page, context, client, world):
    doc_id = publish_document(client, world, with_pdf=True)
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_role("link", name="Nghị quyết về chuyển đổi số").click()
    page.get_by_role("button", name="Lưu để đọc khi không có mạng").click()
    expect(page.get_by_role("button", name="Đã lưu trên máy")).to_have_attribute(
        "aria-pressed", "true"
    )

    context.set_offline(True)
    page.reload()  # the shell, the member and the lists now come from the device
    expect(page.locator("#netbar")).to_contain_text("Đang ngoại tuyến")
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.get_by_role("link", name="Nghị quyết về chuyển đổi số").click()
    expect(page.locator("main h1")).to_have_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã")
    page.get_by_role("button", name="Đã học tập, quán triệt").click()
    expect(page.locator("#ack")).to_contain_text("đang chờ đồng bộ")
    expect(page.locator("#netbar")).to_contain_text("1 thao tác đang chờ đồng bộ")
    shot(page, "offline-reader-queued")
    # The saved PDF opens with no network as well.
    status = run_js(
        page,
        "async (u) => (await fetch(u)).status",
        page.get_by_role("link", name="Mở tệp").get_attribute("href"),
    )
    assert status == 200
    assert receipt(client, world, doc_id, "member_a1")["acknowledged"] is False

    context.set_offline(False)  # the `online` event replays the queue
    expect(page.locator("#netbar")).to_contain_text("Đã đồng bộ lúc", timeout=20_000)
    mine = receipt(client, world, doc_id, "member_a1")
    assert mine["acknowledged"] is True
    # Once: a second pass over the (now empty) queue changes nothing on the server.
    page.reload()
    expect(page.locator("#netbar")).to_contain_text("Đã đồng bộ lúc")
    assert audit_count("document.acknowledge", world.users["member_a1"], doc_id) == 1


def test_a_replayed_write_applies_once(page, context, client, world):
    """The same queued write sent twice (a lost answer) is applied once: Idempotency-Key."""
    doc_id = publish_document(client, world)
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    page.goto(f"/documents/{doc_id}")
    expect(page.locator("main h1")).to_have_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã")
    context.set_offline(True)
    page.get_by_role("button", name="Đã học tập, quán triệt").click()
    expect(page.locator("#netbar")).to_contain_text("1 thao tác đang chờ đồng bộ")
    item = run_js(
        page,
        """async () => {
            const { idb } = await import('/static/js/db.js');
            return (await idb.all('queue'))[0];
        }""",
    )
    assert item["key"] and item["path"] == f"/documents/{doc_id}/acknowledge"
    context.set_offline(False)
    expect(page.locator("#netbar")).to_contain_text("Đã đồng bộ lúc", timeout=20_000)
    # The device lost the first answer and sends the same write again, same key.
    again = run_js(
        page,
        """async (item) => {
            const { send } = await import('/static/js/api.js');
            const sent = send(item.method, item.path, item.body, item.key);
            return sent.then(() => 'ok', (e) => e.status);
        }""",
        item,
    )
    assert again == "ok"
    assert audit_count("document.acknowledge", world.users["member_a1"], doc_id) == 1
