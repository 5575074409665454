"""WCAG 2.2 AA checks: axe on every screen, no sideways scrolling at 360 px and 200% text."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests.pwa.conftest import shot, sign_in
from tests.pwa.content import give_task, publish_document
from tests.pwa.test_study_sets import create_study_set

SERIOUS = {"serious", "critical"}


def _axe(page: Any, name: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    # WCAG 2.2's target size (2.5.8) is off in axe by default: asked for explicitly.
    results = Axe().run(page, options={"rules": {"target-size": {"enabled": True}}})
    bad = [
        f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}"
        for v in results.response["violations"]
        if v["impact"] in SERIOUS
    ]
    assert not bad, f"{name}: {bad}"


def _no_sideways_scroll(page: Any, name: str) -> None:
    overflow = page.evaluate(
        "document.documentElement.scrollWidth - document.documentElement.clientWidth"
    )
    assert overflow <= 0, f"{name}: {overflow}px of sideways scrolling"


def _visit(page: Any, path: str, name: str) -> None:
    page.goto(path)
    # The screen's own heading (focusable), not the server-rendered shell's placeholder.
    expect(page.locator("main h1[tabindex='-1']")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("Đang tải…")
    shot(page, f"a11y-{name}")
    _axe(page, name)
    _no_sideways_scroll(page, name)
    # 200% text (what a phone's largest font setting does): still no sideways scrolling.
    page.evaluate("document.documentElement.style.fontSize = '200%'")
    _no_sideways_scroll(page, f"{name} at 200%")
    page.evaluate("document.documentElement.style.fontSize = ''")


def test_every_member_screen(page, client, world):
    doc_id = publish_document(client, world, with_pdf=True)
    task = give_task(client, world)
    study_set = create_study_set(client, world, [doc_id])
    _visit(page, "/sign-in", "sign-in")
    sign_in(page, world, "member_a1")
    for path, name in [
        ("/", "home"),
        ("/documents", "library"),
        ("/search?q=chuyen+doi+so", "search"),
        (f"/documents/{doc_id}", "reader"),
        ("/assignments", "tasks"),
        (f"/assignments/{task}", "task"),
        ("/notifications", "notifications"),
        ("/me", "me"),
        ("/password", "password"),
    ]:
        _visit(page, path, name)
    # The study set screens: their own heading, not a fallback screen's.
    for path, name in [("/study-sets", "study-sets"), (f"/study-sets/{study_set}", "study-set")]:
        _visit(page, path, name)
        expect(page.locator("main h1")).to_contain_text("Chuyên đề học tập")


def test_every_leader_screen(page, client, world):
    task = give_task(client, world)
    client.post(
        f"/api/v1/assignments/{task}/submit",
        headers=world.h("member_a1"),
        json={"report": "Đã vận động 6 hộ."},
    )
    sign_in(page, world, "secretary_a1")
    for path, name in [
        ("/assignments/new", "new-task"),
        ("/cell", "cell"),
        (f"/assignments/{task}", "leader-task"),
        ("/dashboards", "dashboards"),
    ]:
        _visit(page, path, name)


def test_committee_dashboards(page, client, world):
    """The dashboard screens (charts, tables, drill-down) in light and dark themes."""
    give_task(client, world)
    publish_document(client, world)
    sign_in(page, world, "committee_a")
    member = world.users["member_a1"]
    screens = [
        ("/dashboards", "dash-commune"),
        (f"/dashboards/{world.units['A1']}", "dash-cell"),
        (f"/dashboards/{world.units['A1']}?member={member}", "dash-member"),
    ]
    for path, name in screens:
        _visit(page, path, name)
    for path, name in screens:
        page.goto(path)
        page.evaluate("document.documentElement.dataset.theme = 'dark'")
        expect(page.locator("main h1[tabindex='-1']")).to_be_visible()
        shot(page, f"a11y-{name}-dark")
        _axe(page, f"{name} (dark)")


@pytest.mark.parametrize("theme", ["dark"])
def test_dark_theme_and_largest_text(page, client, world, theme):
    publish_document(client, world)
    sign_in(page, world, "member_a1")
    page.get_by_role("link", name="Cá nhân").click()
    page.get_by_label("Lớn nhất").check()
    page.get_by_label("Tối").check()
    assert page.evaluate("getComputedStyle(document.documentElement).fontSize") == "25px"
    page.reload()  # remembered on the device, applied before the first paint
    expect(page.locator("html")).to_have_attribute("data-text", "4")
    expect(page.locator("html")).to_have_attribute("data-theme", theme)
    _visit(page, "/", "home-dark-largest")
    _visit(page, "/me", "me-dark-largest")


def test_meeting_screens(page, client, world):
    """Cell meetings (issue 10): the member's screens, then the secretary's attendance."""
    import datetime as dt

    from api.db import utcnow

    doc_id = publish_document(client, world)
    r = client.post(
        "/api/v1/meetings",
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Sinh hoạt chi bộ tháng 12/2026",
            "starts_at": (utcnow() + dt.timedelta(minutes=20)).isoformat(),
            "place": "Nhà văn hóa thôn Đông",
            "agenda": "Quán triệt nghị quyết.",
            "document_ids": [doc_id],
            "publish": True,
        },
    )
    assert r.status_code == 201, r.text
    mid = r.json()["id"]
    sign_in(page, world, "member_a1")
    for path, name in [
        ("/", "home-meeting"),
        ("/meetings", "meetings"),
        (f"/meetings/{mid}", "meeting"),
        (f"/meetings/{mid}/check-in", "meeting-check-in"),
    ]:
        _visit(page, path, name)
    page.context.clear_cookies()
    sign_in(page, world, "secretary_a1")
    _visit(page, f"/meetings/{mid}/attendance", "meeting-attendance")


def test_the_scan_catches_targets_too_small_to_tap(page):
    """Control: the same scan fails a page of 12-px buttons side by side (WCAG 2.5.8)."""
    import pytest

    tiny = "width:12px;height:12px;min-width:0;min-height:0;padding:0;margin:0;border:0"
    page.set_content(
        f'<html lang="vi"><head><title>Thử</title></head><body><main><h1>Thử</h1>'
        f'<button style="{tiny}" aria-label="Một"></button>'
        f'<button style="{tiny}" aria-label="Hai"></button></main></body></html>'
    )
    with pytest.raises(AssertionError, match="target-size"):
        _axe(page, "control")
