"""Study sets (chuyên đề) in the PWA, and the library's "Mới" since the member last looked."""

from __future__ import annotations

import re
import time
from typing import Any

from playwright.sync_api import expect

from tests.pwa.conftest import shot, sign_in, wait_for_worker
from tests.pwa.content import publish_document

SET_TITLE = "Chuyên đề học tập Nghị quyết Đại hội Đảng bộ xã"
DOCS = [
    ("05-HD/ĐU", "guidance", "Hướng dẫn sinh hoạt chi bộ theo chuyên đề"),
    ("12-NQ/ĐU", "resolution", "Nghị quyết về chuyển đổi số trong Đảng bộ xã"),
    ("13-KH/ĐU", "plan", "Kế hoạch học tập và làm theo tư tưởng, đạo đức Hồ Chí Minh"),
]


def create_study_set(client: Any, world: Any, document_ids: list[int]) -> int:
    """Commune A's publisher puts published documents in an order to study, via the API."""
    r = client.post(
        "/api/v1/study-sets",
        headers=world.h("publisher_a"),
        json={
            "issuer_id": world.units["A"],
            "title": SET_TITLE,
            "description": "Mỗi đảng viên học tập, quán triệt lần lượt từng văn bản.",
            "document_ids": document_ids,
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def _library_items(client: Any, world: Any, who: str) -> dict[int, dict[str, Any]]:
    r = client.get("/api/v1/documents", headers=world.h(who))
    assert r.status_code == 200, r.text
    return {d["id"]: d for d in r.json()["items"]}


def test_member_studies_a_set_in_order_and_opens_it_offline(page, context, client, world):
    # The set's order differs from the library's (newest first): the screen follows the set.
    ids = [publish_document(client, world, symbol=s, kind=k, title=title) for s, k, title in DOCS]
    set_id = create_study_set(client, world, [ids[1], ids[0], ids[2]])
    first, second = DOCS[1][2], DOCS[0][2]
    sign_in(page, world, "member_a1")
    wait_for_worker(page)  # API answers are kept on the device from here on

    page.get_by_role("link", name="Văn bản", exact=True).click()
    set_link = page.get_by_role("link", name=re.compile(SET_TITLE))
    expect(set_link).to_contain_text("Đã học 0/3 văn bản")  # the list keeps its progress
    shot(page, "library-study-sets")
    set_link.click()
    page.wait_for_url(f"**/study-sets/{set_id}")
    expect(page.locator("main h1")).to_have_text(SET_TITLE)
    main = page.locator("main")
    expect(main).to_contain_text("Mỗi đảng viên học tập, quán triệt lần lượt")
    expect(main).to_contain_text("Đã học 0/3 văn bản (0,0%)")
    bar = page.get_by_role("progressbar", name="Tiến độ học tập của bạn")
    expect(bar).to_have_attribute("value", "0")
    expect(bar).to_have_attribute("max", "3")
    items = page.locator("main ol.list > li")
    expect(items).to_have_count(3)
    for n, i in enumerate([1, 0, 2]):
        symbol, _, title = DOCS[i]
        expect(items.nth(n)).to_contain_text(f"{n + 1}. {title}")
        expect(items.nth(n)).to_contain_text(symbol)
        expect(items.nth(n)).to_contain_text("Chưa đọc")
        assert items.nth(n).get_by_role("link").get_attribute("href") == f"/documents/{ids[i]}"
    expect(page.locator("#study-next")).to_contain_text(first)
    shot(page, "study-set")
    _no_sideways_scroll(page)

    page.get_by_role("link", name="Học tiếp: 12-NQ/ĐU").click()
    page.wait_for_url(f"**/documents/{ids[1]}")
    page.get_by_role("button", name="Đã học tập, quán triệt").click()
    page.get_by_text("Đã học tập, quán triệt lúc").wait_for()

    page.go_back()
    page.wait_for_url(f"**/study-sets/{set_id}")
    expect(main).to_contain_text("Đã học 1/3 văn bản (33,3%)")
    expect(bar).to_have_attribute("value", "1")
    expect(items.nth(0)).to_contain_text("Đã học tập, quán triệt")
    expect(page.locator("#study-next")).to_contain_text(second)
    expect(page.get_by_role("link", name="Học tiếp: 05-HD/ĐU")).to_have_attribute(
        "href", f"/documents/{ids[0]}"
    )
    shot(page, "study-set-progress")

    # Opened once: the set opens again with no network, from the device's copy.
    context.set_offline(True)
    page.reload()
    expect(page.locator("#netbar")).to_contain_text("Đang ngoại tuyến")
    expect(page.locator("main h1")).to_have_text(SET_TITLE)
    expect(main).to_contain_text("Đã học 1/3 văn bản (33,3%)")
    expect(page.locator("#study-next")).to_contain_text(second)
    shot(page, "study-set-offline")
    context.set_offline(False)


def test_all_study_sets_are_listed(page, client, world):
    doc = publish_document(client, world)
    set_id = create_study_set(client, world, [doc])
    sign_in(page, world, "member_a1")
    page.goto("/study-sets")
    expect(page.locator("main h1")).to_have_text("Chuyên đề học tập")
    link = page.get_by_role("link", name=re.compile(SET_TITLE))
    expect(link).to_have_attribute("href", f"/study-sets/{set_id}")
    link.click()
    expect(page.locator("main h1")).to_have_text(SET_TITLE)
    expect(page.locator("#study-next")).to_contain_text("Nghị quyết về chuyển đổi số")


def test_new_documents_carry_a_badge_until_the_library_is_seen(page, client, world):
    doc_id = publish_document(client, world)
    assert _library_items(client, world, "member_a1")[doc_id]["is_new"] is True
    sign_in(page, world, "member_a1")
    # Home lists it with the badge, and looking at home is not looking at the library.
    home_item = page.locator("section[aria-labelledby='home-docs'] a.item")
    expect(home_item.first.locator(".pill-new")).to_have_text("Mới")
    assert _library_items(client, world, "member_a1")[doc_id]["is_new"] is True

    page.get_by_role("link", name="Văn bản", exact=True).click()
    item = page.locator("main ul.list a.item", has_text="Nghị quyết về chuyển đổi số")
    expect(item.locator(".pill-new")).to_have_text("Mới")
    expect(item).to_contain_text("Chưa đọc")  # never opened: only the visit clears "new"
    shot(page, "library-new")
    deadline = time.monotonic() + 10
    while _library_items(client, world, "member_a1")[doc_id]["is_new"]:
        assert time.monotonic() < deadline, "the library visit was never recorded"
        page.wait_for_timeout(100)
    assert _library_items(client, world, "member_a1")[doc_id]["receipt"]["read"] is False
    # The next visit: nothing is new any more.
    page.reload()
    expect(item).to_be_visible()
    expect(item.locator(".pill-new")).to_have_count(0)


def _no_sideways_scroll(page: Any) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{overflow}px of sideways scrolling"
