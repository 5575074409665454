"""Push: no permission prompt before a tap; a delivered push shows a Vietnamese notification."""

from __future__ import annotations

import json
import time

from playwright.sync_api import expect

from tests.pwa.conftest import shot, sign_in, wait_for_worker, wait_until


def _payload(doc_id: int) -> str:
    """The exact body the notifications service would encrypt for this event."""
    from api.notifications.delivery import payload_for
    from api.notifications.models import NotificationEvent, PushDelivery

    ev = NotificationEvent(
        id=7,
        category="documents",
        kind="document.published",
        object_type="document",
        object_id=doc_id,
        title="Văn bản mới: Nghị quyết 12-NQ/ĐU về chuyển đổi số",
        body="Đảng ủy xã Vĩnh An ban hành, đề nghị đồng chí học tập.",
        url=f"/documents/{doc_id}",
        audience={"user_ids": [1]},
        dedupe_key="t",
    )
    return payload_for(
        ev, PushDelivery(id=3, event_id=7, notification_id=5, kind="webpush")
    ).decode()


def _registration_id(page, cdp) -> str:  # type: ignore[no-untyped-def]
    found: list[str] = []
    cdp.on(
        "ServiceWorker.workerRegistrationUpdated",
        lambda e: found.extend(
            r["registrationId"] for r in e["registrations"] if not r["isDeleted"]
        ),
    )
    cdp.send("ServiceWorker.enable")
    deadline = time.monotonic() + 10
    while not found and time.monotonic() < deadline:
        page.wait_for_timeout(50)  # lets Playwright deliver the CDP events
    assert found, "no service worker registration reported"
    return found[0]


def test_push_shows_a_vietnamese_notification(page, context, world, live_server):
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    # Nothing asked for permission on its own: a prompt needs the member's tap first.
    assert page.evaluate("Notification.permission") == "default"
    page.get_by_role("link", name="Cá nhân").click()
    push = page.locator("section", has=page.get_by_role("heading", name="Thông báo đẩy"))
    expect(push).to_contain_text("Máy sẽ hỏi bạn cho phép")
    expect(push.get_by_role("button", name="Bật thông báo")).to_be_visible()
    shot(page, "me-push")

    context.grant_permissions(["notifications"], origin=live_server.url)
    cdp = context.new_cdp_session(page)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": _registration_id(page, cdp),
            "data": _payload(42),
        },
    )
    shown = wait_until(
        page,
        """async () => {
            const reg = await navigator.serviceWorker.ready;
            const list = await reg.getNotifications();
            return list.map((n) => ({title: n.title, body: n.body, lang: n.lang, data: n.data}));
        }""",
    )
    assert shown[0]["title"] == "Văn bản mới: Nghị quyết 12-NQ/ĐU về chuyển đổi số"
    assert shown[0]["body"].startswith("Đảng ủy xã Vĩnh An")
    assert shown[0]["lang"] == "vi"
    assert shown[0]["data"]["url"] == "/documents/42"  # a tap opens the document


def test_push_without_payload_is_still_vietnamese(page, context, world, live_server):
    sign_in(page, world, "member_a1")
    wait_for_worker(page)
    context.grant_permissions(["notifications"], origin=live_server.url)
    cdp = context.new_cdp_session(page)
    reg = _registration_id(page, cdp)
    cdp.send(
        "ServiceWorker.deliverPushMessage",
        {
            "origin": live_server.url,
            "registrationId": reg,
            "data": json.dumps({"url": "//evil.example/"}),
        },
    )
    shown = wait_until(
        page,
        """async () => (await (await navigator.serviceWorker.ready).getNotifications())
            .map((n) => ({title: n.title, body: n.body, url: n.data.url}))""",
    )
    assert shown[0]["title"] == "Sổ tay đảng viên"
    assert shown[0]["body"] == "Bạn có thông báo mới."
    assert shown[0]["url"] == "/notifications"  # never another site
