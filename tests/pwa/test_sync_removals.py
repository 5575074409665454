"""The delta feed's removals and full syncs take documents the member may no longer read
off the device: cached answers, the copy saved for offline reading, its PDF."""

from __future__ import annotations

import threading
import time
from typing import Any

import pytest
from playwright.sync_api import expect

from api.documents import library
from tests.pwa.conftest import run_js, sign_in, wait_for_worker, wait_until
from tests.pwa.content import publish_document

GONE = "Nghị quyết về chuyển đổi số trong Đảng bộ xã"
KEPT = "Nghị quyết về xây dựng nông thôn mới"

SAVED_IDS = """async () => {
    const { idb } = await import('/static/js/db.js');
    return (await idb.all('saved')).map((s) => s.id).sort((a, b) => a - b);
}"""

# The paths each cache of the service worker holds (keys are full URLs).
CACHED = """async () => {
    const out = {};
    for (const name of ['sotay-data', 'sotay-files']) {
        const keys = await (await caches.open(name)).keys();
        out[name] = keys.map((r) => new URL(r.url).pathname);
    }
    return out;
}"""

# The library pages the device keeps, with their query (a search, a filter).
LIBRARY_COPIES = """async () => {
    const keys = await (await caches.open('sotay-data')).keys();
    return keys.map((r) => new URL(r.url)).filter((u) => u.pathname === '/api/v1/documents')
        .map((u) => u.search).sort();
}"""

CURSOR = """async () => {
    const { idb } = await import('/static/js/db.js');
    return Boolean(await idb.get('kv', 'sync_cursor'));
}"""


def _wait_saved(page: Any, ids: list[int], timeout: float = 20.0) -> None:
    """Until the device's saved list is exactly `ids` (the sync runs in the background)."""
    deadline = time.monotonic() + timeout
    while (got := run_js(page, SAVED_IDS)) != ids:
        assert time.monotonic() < deadline, f"saved on the device: {got}, expected {ids}"
        page.wait_for_timeout(100)


def _save_for_offline(page: Any, doc_id: int, title: str) -> None:
    page.goto(f"/documents/{doc_id}")
    expect(page.locator("main h1")).to_have_text(title)
    page.get_by_role("button", name="Lưu để đọc khi không có mạng").click()
    expect(page.get_by_role("button", name="Đã lưu trên máy")).to_have_attribute(
        "aria-pressed", "true"
    )


def _copies_of(cached: dict[str, list[str]], doc_id: int) -> list[str]:
    """Every cached path of the document (its detail and what is under it), in any cache."""
    base = f"/api/v1/documents/{doc_id}"
    return [p for paths in cached.values() for p in paths if p == base or p.startswith(base + "/")]


def _attachment_url(client: Any, world: Any, doc_id: int, who: str) -> str:
    r = client.get(f"/api/v1/documents/{doc_id}", headers=world.h(who))
    assert r.status_code == 200, r.text
    return str(r.json()["attachments"][0]["url"])


def _publish_to_province(client: Any, world: Any) -> int:
    """A province document: every cell, commune B's too, reads it."""
    h = world.h("publisher_p")
    r = client.post(
        "/api/v1/documents",
        headers=h,
        json={
            "kind": "resolution",
            "symbol": "05-NQ/TU",
            "title": KEPT,
            "summary": "Tỉnh ủy ban hành nghị quyết.",
            "body": "Nội dung nghị quyết của **Tỉnh ủy**.",
            "issuer_id": world.units["P"],
            "issued_on": "2026-02-01",
        },
    )
    assert r.status_code == 201, r.text
    doc_id = int(r.json()["id"])
    assert client.post(f"/api/v1/documents/{doc_id}/publish", headers=h).status_code == 200
    return doc_id


def _assert_gone_offline(page: Any, context: Any, doc_id: int, kept_title: str) -> None:
    """With no network the reader has no copy of it, and the library no longer lists it."""
    context.set_offline(True)
    page.goto(f"/documents/{doc_id}")
    expect(page.locator("main h1")).to_have_text("Đang ngoại tuyến")
    expect(page.locator("main")).not_to_contain_text(GONE)
    expect(page.locator("main")).not_to_contain_text("xác nhận đã học tập")
    page.goto("/documents")
    expect(page.get_by_role("link", name=kept_title)).to_be_visible()
    expect(page.get_by_role("link", name=GONE)).to_have_count(0)


def test_a_narrowed_audience_takes_the_saved_document_off_the_device(page, context, client, world):
    gone = publish_document(client, world, title=GONE, with_pdf=True)
    kept = publish_document(client, world, symbol="13-NQ/ĐU", title=KEPT)
    pdf = _attachment_url(client, world, gone, "member_a1")
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    _save_for_offline(page, gone, GONE)
    _save_for_offline(page, kept, KEPT)
    wait_until(page, CURSOR)  # the device synced once: the next answer is a delta
    before = run_js(page, CACHED)
    assert f"/api/v1/documents/{gone}" in before["sotay-data"]
    assert f"/api/v1/documents/{gone}" in before["sotay-files"]
    assert pdf in before["sotay-files"]
    assert run_js(page, SAVED_IDS) == sorted([gone, kept])
    # A search the member made: its answer carries the title and summary too.
    found = "() => fetch('/api/v1/documents?q=chuyen+doi+so').then((r) => r.json())"
    assert [d["id"] for d in run_js(page, found)["items"]] == [gone]
    assert "?q=chuyen+doi+so" in run_js(page, LIBRARY_COPIES)

    # The publisher sends it to cell A2 only: member_a1 (cell A1) is left out.
    r = client.patch(
        f"/api/v1/documents/{gone}",
        headers=world.h("publisher_a"),
        json={"audience_unit_ids": [world.units["A2"]], "change_note": "Chỉ gửi chi bộ A2"},
    )
    assert r.status_code == 200, r.text

    page.goto("/")  # opening the app syncs
    _wait_saved(page, [kept])
    after = run_js(page, CACHED)
    assert _copies_of(after, gone) == []
    assert pdf not in after["sotay-files"]
    assert f"/api/v1/documents/{kept}" in after["sotay-files"]
    assert "?q=chuyen+doi+so" not in run_js(page, LIBRARY_COPIES)
    # The library's copy was fetched again without it.
    wait_until(
        page,
        "caches.match('/api/v1/documents?limit=20').then((r) => r.json())"
        f".then((p) => p.items.length === 1 && p.items[0].id === {kept})",
    )
    _assert_gone_offline(page, context, gone, KEPT)


@pytest.mark.parametrize("library_refetch", ["answers", "hangs"])
def test_a_full_sync_drops_saved_documents_that_now_answer_404(
    page, context, client, world, monkeypatch, library_refetch
):
    """`hangs`: on a weak network the library's fresh page may never come; the copy the
    device keeps must lose the title anyway, not wait for that answer."""
    # member_b1 (commune B) reads commune A's documents as its committee member, for now.
    grant = client.post(
        "/api/v1/role-grants",
        headers=world.h("admin_p"),
        json={
            "user_id": world.users["member_b1"],
            "unit_id": world.units["A"],
            "role": "committee",
        },
    )
    assert grant.status_code == 201, grant.text
    gone = publish_document(client, world, title=GONE, with_pdf=True)
    kept = _publish_to_province(client, world)
    pdf = _attachment_url(client, world, gone, "member_b1")
    sign_in(page, world, "member_b1")
    wait_for_worker(page)
    _save_for_offline(page, gone, GONE)
    _save_for_offline(page, kept, KEPT)
    wait_until(page, CURSOR)
    before = run_js(page, CACHED)
    assert f"/api/v1/documents/{gone}" in before["sotay-data"]
    assert pdf in before["sotay-files"]

    # The grant is revoked: the member's reach changed, the next answer is a full one.
    r = client.delete(f"/api/v1/role-grants/{grant.json()['id']}", headers=world.h("admin_p"))
    assert r.status_code == 204, r.text
    r = client.get(f"/api/v1/documents/{gone}", headers=world.h("member_b1"))
    assert r.status_code == 404
    release = threading.Event()
    if library_refetch == "hangs":
        original = library.list_documents

        def hanging(*args: Any, **kwargs: Any) -> Any:
            release.wait(60)
            return original(*args, **kwargs)

        monkeypatch.setattr(library, "list_documents", hanging)

    try:
        page.goto("/")
        _wait_saved(page, [kept])
        after = run_js(page, CACHED)
        assert _copies_of(after, gone) == []
        assert pdf not in after["sotay-files"]
        # Still readable (the province's own document): the saved copy stays.
        assert f"/api/v1/documents/{kept}" in after["sotay-files"]
        _assert_gone_offline(page, context, gone, KEPT)
    finally:
        release.set()
