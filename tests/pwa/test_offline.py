"""Offline first: after one visit the app opens with no network, and offline acts replay once."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.pwa.conftest import run_js, shot, sign_in, wait_for_worker, wait_until
from tests.pwa.content import audit_count, give_task, publish_document, receipt, record_of


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

    # A long week of offline searching can trim the general copies: the saved document is
    # kept apart and still opens.
    wait_until(
        page,
        f"caches.match('/api/v1/documents/{doc_id}', {{cacheName: 'sotay-files'}}).then(Boolean)",
    )
    run_js(
        page, f"async () => (await caches.open('sotay-data')).delete('/api/v1/documents/{doc_id}')"
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


def test_a_refused_step_is_reported_and_does_not_block_the_queue(page, context, client, world):
    """A queued write the server refuses for good (409: the task was cancelled meanwhile)
    is dropped with a message; what was queued after it is still sent."""
    doc_id = publish_document(client, world)
    task = give_task(client, world)
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    page.goto(f"/documents/{doc_id}")
    expect(page.locator("main h1")).to_have_text("Nghị quyết về chuyển đổi số trong Đảng bộ xã")
    page.goto(f"/assignments/{task}")
    expect(page.get_by_role("button", name="Bắt đầu thực hiện")).to_be_visible()

    context.set_offline(True)
    page.get_by_role("button", name="Bắt đầu thực hiện").click()
    # Taken offline: the screen says it waits, and does not offer the same step twice.
    expect(page.locator("#task-queued")).to_contain_text("sẽ gửi khi có mạng")
    expect(page.get_by_role("button", name="Bắt đầu thực hiện")).to_have_count(0)
    shot(page, "offline-task-start-queued")
    page.goto(f"/documents/{doc_id}")
    page.get_by_role("button", name="Đã học tập, quán triệt").click()
    expect(page.locator("#netbar")).to_contain_text("2 thao tác đang chờ đồng bộ")

    # Meanwhile the secretary cancels the task: the queued "start" can never apply.
    r = client.post(f"/api/v1/assignments/{task}/cancel", headers=world.h("secretary_a1"), json={})
    assert r.status_code == 200, r.text
    context.set_offline(False)
    expect(page.locator("#toast")).to_contain_text("không thực hiện được", timeout=20_000)
    expect(page.locator("#netbar")).to_contain_text("Đã đồng bộ lúc", timeout=20_000)
    assert receipt(client, world, doc_id, "member_a1")["acknowledged"] is True
    assert record_of(client, world, task, "member_a1")["state"] == "cancelled"
    assert (
        run_js(
            page, "async () => (await (await import('/static/js/db.js')).idb.all('queue')).length"
        )
        == 0
    )


def test_first_visit_keeps_every_list_for_offline(page, context, client, world):
    """Signed in once, on the home screen only: the lists the tabs open are on the device."""
    publish_document(client, world)
    give_task(client, world)
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    for path in (
        "/api/v1/documents?limit=20",
        "/api/v1/assignments?scope=mine&limit=50",
        "/api/v1/notifications?limit=30",
    ):
        wait_until(page, f"caches.match({path!r}).then(Boolean)")

    context.set_offline(True)
    page.get_by_role("link", name="Nhiệm vụ", exact=True).click()
    page.get_by_role("heading", name="Cần làm").wait_for()
    expect(page.get_by_role("link", name=re.compile("^Vận động hộ gia đình"))).to_be_visible()
    page.get_by_role("link", name=re.compile("Thông báo")).click()
    page.wait_for_url("**/notifications")
    page.get_by_role("heading", name="Thông báo", level=1).wait_for()
    expect(page.locator("main .list")).to_contain_text("chuyển đổi số")
    page.get_by_role("link", name="Văn bản", exact=True).click()
    page.wait_for_url("**/documents")
    expect(page.get_by_role("link", name="Nghị quyết về chuyển đổi số")).to_be_visible()
    shot(page, "offline-library-first-visit")
