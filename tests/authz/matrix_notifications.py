"""Role-by-route cases for the inbox, push devices and notification preferences.

Everything here is the caller's own: every signed-in caller may use the routes, and another
member's notification or device answers 404.
"""

from __future__ import annotations

from typing import Any

from tests.authz.matrix import SIGNED_IN, case

P256 = "BNcRdreALRFXTkOOUHK1EtK2wtaz5Ry4YfYCA_0QTpQtUbVlUls0VJXg7A8u-Ts1XbjhazAkj7I99e8QcYP7DkM"
AUTH = "tBHItJI5svbpez7KI4CCXg"


def _notification_of_member_a1(w: Any) -> dict[str, Any]:
    from api.db import new_session
    from api.notifications import outbox, tasks

    with new_session() as s:
        outbox.enqueue(
            s,
            category="assignments",
            kind="assignment.given",
            object_type="assignment",
            object_id=1,
            title="Nhiệm vụ mới",
            url="/assignments/1",
            audience={"user_ids": [w.users["member_a1"]]},
            dedupe_key="matrix:assignment:1",
        )
        s.commit()
    tasks.drain()
    from sqlalchemy import text

    from api.db import get_engine

    with get_engine().connect() as conn:
        nid = conn.execute(text("SELECT max(id) FROM notifications")).scalar_one()
    return {"notification": nid}


def _device_of_member_a1(w: Any) -> dict[str, Any]:
    from api.authz import Principal
    from api.db import new_session
    from api.notifications import devices

    body = devices.WebPushIn(
        kind="webpush",
        endpoint="http://127.0.0.1:9/push/matrix",
        keys=devices.WebPushKeys(p256dh=P256, auth=AUTH),
    )
    who = Principal(user_id=w.users["member_a1"], full_name="", cell_id=None, cell_path=None)
    with new_session() as s:
        sub, _ = devices.subscribe(s, who, body, None)
        s.commit()
        return {"device": sub.id}


case("GET", "/notifications", ok=SIGNED_IN)
case("GET", "/notifications/unread-count", ok=SIGNED_IN)
case("POST", "/notifications/read-all", ok=SIGNED_IN)
case(
    "POST",
    "/notifications/{notification}/read",
    route="/notifications/{notification_id}/read",
    ok={"member_a1"},
    setup=_notification_of_member_a1,
)
case(
    "POST",
    "/notifications/{notification}/opened",
    route="/notifications/{notification_id}/opened",
    ok={"member_a1"},
    setup=_notification_of_member_a1,
)
case("GET", "/push/vapid-public-key", ok=SIGNED_IN, anonymous=200)
case("GET", "/push/subscriptions", ok=SIGNED_IN)
case(
    "POST",
    "/push/subscriptions",
    ok=SIGNED_IN,
    json=lambda w: {
        "kind": "webpush",
        "endpoint": "http://127.0.0.1:9/push/matrix-new",
        "keys": {"p256dh": P256, "auth": AUTH},
    },
)
case(
    "DELETE",
    "/push/subscriptions/{device}",
    route="/push/subscriptions/{subscription_id}",
    ok={"member_a1"},
    setup=_device_of_member_a1,
)
case("GET", "/me/notification-preferences", ok=SIGNED_IN)
case(
    "PUT",
    "/me/notification-preferences",
    ok=SIGNED_IN,
    json=lambda w: {"categories": {"documents": {"push": False}}},
)
