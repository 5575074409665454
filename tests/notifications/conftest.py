"""Fixtures for the notification tests: local push services and event helpers."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from typing import Any

import pytest

from tests.notifications.receivers import FcmServer, PushReceiver

_n = itertools.count(1)
TITLE = "Nghị quyết 57-NQ/TW về đột phá phát triển khoa học, công nghệ"


@pytest.fixture
def receiver() -> Iterator[PushReceiver]:
    with PushReceiver() as r:
        yield r


@pytest.fixture
def fcm_server(monkeypatch: pytest.MonkeyPatch) -> Iterator[FcmServer]:
    """A local FCM v1 endpoint and a credential that signs nothing."""
    import google.auth.credentials
    from firebase_admin import credentials, messaging

    from api.notifications import fcm

    class _Token(google.auth.credentials.Credentials):
        def refresh(self, request: Any) -> None:
            self.token = "mock-token"  # noqa: S105 - nothing is signed, nothing leaves the box

    class MockCredential(credentials.Base):
        def get_credential(self) -> Any:
            return _Token()

    with FcmServer() as server:
        monkeypatch.setattr(messaging._MessagingService, "FCM_URL", server.url)
        fcm.configure(MockCredential(), "p")
        yield server
        fcm.reset()


def unit_path(code_id: int) -> str:
    from api.db import new_session
    from api.org.models import OrgUnit

    with new_session() as s:
        unit = s.get(OrgUnit, code_id)
        assert unit is not None
        return unit.path


def publish(
    world: Any,
    unit: str = "A",
    *,
    title: str = TITLE,
    category: str = "documents",
    urgent: bool = False,
    exclude: str | None = None,
    users: list[str] | None = None,
    topic: str | None = None,
    body: str = "Ban Chấp hành Trung ương ban hành; đề nghị đảng viên học tập, quán triệt.",
) -> int:
    """Enqueue an event through the outbox, as a domain service would, and commit."""
    from api.db import new_session
    from api.notifications import outbox

    n = next(_n)
    audience: dict[str, Any] = (
        {"user_ids": [world.users[u] for u in users]}
        if users is not None
        else {"unit_paths": [unit_path(world.units[unit])]}
    )
    with new_session() as s:
        ev = outbox.enqueue(
            s,
            category=category,
            kind="document.published" if category == "documents" else f"{category}.test",
            object_type="document",
            object_id=n,
            title=title,
            body=body,
            url=f"/documents/{n}",
            audience=audience,
            dedupe_key=f"test:{n}",
            exclude_user_id=world.users[exclude] if exclude else None,
            urgent=urgent,
            topic=topic,
        )
        s.commit()
        assert ev is not None and ev.id is not None
        return ev.id


def subscribe(client: Any, world: Any, who: str, receiver: PushReceiver, device: str) -> int:
    """Register `device` for `who` through the API; returns the subscription id."""
    r = client.post(
        "/api/v1/push/subscriptions", json=receiver.subscription(device), headers=world.h(who)
    )
    assert r.status_code in (200, 201), r.text
    return int(r.json()["id"])


def rows(sql: str, **params: Any) -> list[Any]:
    """Raw rows from the test database."""
    from sqlalchemy import text

    from api.db import get_engine

    with get_engine().connect() as conn:
        return list(conn.execute(text(sql), params))


@pytest.fixture
def manual(client: Any) -> Iterator[None]:
    """No in-process engine: the test drives fan-out and delivery itself (fixed clocks)."""
    from api.notifications import engine

    running = engine.current()
    if running is not None:
        engine.stop(running)
    yield


@pytest.fixture
def live_engine(client: Any) -> Iterator[Any]:
    """The embedded engine as in production: the in-process worker and the scheduler run."""
    from api.notifications import engine

    running = engine.current()
    if running is not None:
        engine.stop(running)
    live = engine.start(consume=True, scheduler=True)
    yield live
    engine.stop(live)
