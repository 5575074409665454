"""Sign-out forgets the device; a new version updates without breaking the session; prefs."""

from __future__ import annotations

import re
import time

from playwright.sync_api import expect

from tests.pwa.conftest import run_js, shot, sign_in, wait_for_worker, wait_until
from tests.pwa.content import publish_document

STORAGE = """async () => ({
    caches: await caches.keys(),
    dbs: (await indexedDB.databases()).map((d) => d.name),
    prefs: localStorage.getItem('sotay.prefs'),
})"""


def test_sign_out_clears_caches_indexeddb_and_queued_writes(page, context, client, world):
    doc_id = publish_document(client, world)
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    page.goto("/me")
    page.get_by_label("Rất lớn").check()
    page.goto(f"/documents/{doc_id}")
    expect(page.locator("main h1")).to_have_text(re.compile("chuyển đổi số"))
    context.set_offline(True)
    page.get_by_role("button", name="Đã học tập, quán triệt").click()
    expect(page.locator("#netbar")).to_contain_text("1 thao tác đang chờ đồng bộ")
    before = run_js(page, STORAGE)
    assert "sotay-data" in before["caches"] and "sotay" in before["dbs"]

    # Signing out with a write still queued: the member is told what would be lost.
    dialogs: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.accept()))
    page.get_by_role("link", name="Cá nhân").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/sign-in")
    assert dialogs and "chưa đồng bộ" in dialogs[0]
    expect(page.locator("#toast")).to_contain_text("Phiên đăng nhập sẽ kết thúc khi có mạng")
    shot(page, "signed-out")
    after = run_js(page, STORAGE)
    assert "sotay" not in after["dbs"]
    assert [c for c in after["caches"] if not c.startswith("sotay-shell-")] == []
    assert '"text":3' in (after["prefs"] or "")  # the device's text size survives sign-out

    # Back online, the member opens the app at its start page: the server session is ended
    # first (the cookie alone would have signed them straight back in), and the queued
    # write was never sent.
    context.set_offline(False)
    page.goto("/")
    page.wait_for_url("**/sign-in*")
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    # Ask from outside the page (the context's cookies, no service worker in the way), so a
    # slow first fetch after going back online cannot stall the check itself.
    origin = page.url.split("/", 3)[:3]
    me = "/".join(origin) + "/api/v1/me"
    deadline = time.monotonic() + 30
    while context.request.get(me).status != 401:
        assert time.monotonic() < deadline, "the server session was not ended after sign-out"
        time.sleep(0.25)
    assert receipt_acknowledged(client, world, doc_id) is False


def test_after_sign_out_the_app_still_opens_offline(page, context, world):
    """Signing out forgets the member, not the app: the next one can open it offline."""
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    page.get_by_role("link", name="Cá nhân").click()
    page.get_by_role("button", name="Đăng xuất").click()
    page.wait_for_url("**/sign-in")
    after = run_js(page, STORAGE)
    assert [c for c in after["caches"] if c.startswith("sotay-shell-")], after
    assert "sotay" not in after["dbs"]
    assert (
        run_js(page, "async () => (await navigator.serviceWorker.getRegistrations()).length") == 1
    )
    context.set_offline(True)
    page.goto("/")
    page.wait_for_url("**/sign-in*")
    expect(page.get_by_role("button", name="Đăng nhập")).to_be_visible()
    shot(page, "signed-out-offline")


def receipt_acknowledged(client, world, doc_id):  # type: ignore[no-untyped-def]
    from tests.pwa.content import receipt

    return receipt(client, world, doc_id, "member_a1")["acknowledged"]


def test_new_version_prompts_and_keeps_the_session(page, world, monkeypatch):
    import api.pwa

    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    old = page.evaluate("document.documentElement.dataset.version")
    monkeypatch.setattr(api.pwa, "app_version", lambda: "v-next-0001")
    run_js(page, "navigator.serviceWorker.getRegistration().then((r) => r.update())")
    banner = page.locator("#update")
    expect(banner).to_be_visible(timeout=20_000)
    expect(banner).to_contain_text("Đã có phiên bản mới")
    shot(page, "update-available")
    page.get_by_role("button", name="Tải lại").click()
    expect(page.locator("html")).to_have_attribute("data-version", "v-next-0001", timeout=20_000)
    expect(page.locator("main h1")).to_have_text(re.compile("Xin chào"))  # still signed in
    names = wait_until(
        page,
        "caches.keys().then((k) => k.filter((n) => n.startsWith('sotay-shell-')))"
        ".then((k) => k.length === 1 && k)",
    )
    assert names == ["sotay-shell-v-next-0001"] and old != "v-next-0001"


def test_language_text_size_and_theme_are_remembered(page, world):
    sign_in(page, world, "member_a1")
    page.get_by_role("link", name="Cá nhân").click()
    expect(page.locator("main h1")).to_have_text("Cá nhân")
    sizes = page.locator("fieldset", has_text="Cỡ chữ").locator("input[type=radio]")
    assert sizes.count() >= 3
    page.get_by_label("Lớn", exact=True).check()
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "19px"
    page.get_by_label("English").check()
    expect(page.locator("main h1")).to_have_text("Me")
    expect(page.locator("#tabs")).to_contain_text("Documents")
    page.reload()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator("#tabs")).to_contain_text("Tasks")
    shot(page, "me-english")
    page.get_by_label("Tiếng Việt").check()
    expect(page.locator("main h1")).to_have_text("Cá nhân")
    expect(page.locator("html")).to_have_attribute("lang", "vi")
