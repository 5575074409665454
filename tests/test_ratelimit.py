"""Per-caller limits on expensive routes, counted in the database (shared by processes)."""

from __future__ import annotations

import pytest
from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.middleware import RequestContextMiddleware
from api.ops.limits import limit


@pytest.fixture(autouse=True)
def _one_window(monkeypatch):
    """Windows are fixed minutes: a test that straddles one would see its count start over.
    The counter's clock stands at the middle of the current minute for the whole test."""
    from api.ops import ratelimit

    middle = ratelimit.utcnow().replace(second=30, microsecond=0)
    monkeypatch.setattr(ratelimit, "utcnow", lambda: middle)


def _app() -> FastAPI:
    app = FastAPI()
    install_error_handlers(app)
    app.add_middleware(RequestContextMiddleware)  # as in the real app: GETs only read

    @app.get("/expensive", dependencies=[limit("expensive", per_minute=3)])
    def expensive() -> dict[str, bool]:
        return {"ok": True}

    return app


def test_limit_per_caller_then_429_with_retry_after(world):
    a, b = TestClient(_app()), TestClient(_app())  # two "processes", one database
    h = world.h("member_a1")
    assert [a.get("/expensive", headers=h).status_code for _ in range(2)] == [200, 200]
    assert b.get("/expensive", headers=h).status_code == 200
    r = b.get("/expensive", headers=h)
    assert r.status_code == 429
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    assert r.json()["title"] == "Quá nhiều yêu cầu"
    # Another member is not affected.
    assert a.get("/expensive", headers=world.h("member_b1")).status_code == 200


# --- the real expensive routes: search, dashboard export, publish/revise ---------------------

API = "/api/v1"


@pytest.fixture
def lowered(monkeypatch):
    """Lower the configured limits for one test (the defaults sit far above any test)."""
    from api.config import get_settings

    def set_limits(**numbers: int) -> None:
        for name, value in numbers.items():
            monkeypatch.setenv(f"SOTAY_RATE_{name.upper()}", str(value))
        get_settings.cache_clear()

    yield set_limits
    get_settings.cache_clear()  # monkeypatch restores the environment after this


def _is_429(r) -> None:
    assert r.status_code == 429, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert 1 <= int(r.headers["Retry-After"]) <= 60
    body = r.json()
    assert body["title"] == "Quá nhiều yêu cầu" and body["title_en"] == "Too many requests"
    assert "quá nhiều yêu cầu loại này" in body["detail"] and "Too many" in body["detail_en"]
    assert body["retry_after"] == int(r.headers["Retry-After"])


def test_search_is_limited_per_account_across_processes(world, lowered):
    from api.main import create_app

    lowered(search_per_minute=3)
    a, b = TestClient(create_app()), TestClient(create_app())  # two API processes
    h = world.h("member_a1")
    search = f"{API}/documents?q=nghi+quyet"
    assert [a.get(search, headers=h).status_code for _ in range(2)] == [200, 200]
    assert b.get(search, headers=h).status_code == 200
    _is_429(b.get(search, headers=h))
    _is_429(a.get(search, headers=h))
    # Browsing the library without a search is not the expensive part: not limited.
    assert a.get(f"{API}/documents", headers=h).status_code == 200
    # Another account (same address) is not affected.
    assert a.get(search, headers=world.h("member_b1")).status_code == 200


def test_search_is_limited_per_address(world, lowered):
    from api.main import create_app

    lowered(search_per_minute=100, search_per_address_per_minute=4)
    c = TestClient(create_app())
    search = f"{API}/documents?q=chuyen+doi+so"
    people = ["member_a1", "member_b1", "secretary_a1", "committee_b"]
    assert [c.get(search, headers=world.h(p)).status_code for p in people] == [200] * 4
    # A fifth account from the same address: the address has had its share.
    _is_429(c.get(search, headers=world.h("admin_p")))


def test_dashboard_export_is_limited_per_account(world, lowered):
    from api.main import create_app

    lowered(export_per_minute=2)
    c = TestClient(create_app())
    a, a1 = world.units["A"], world.units["A1"]
    url = f"{API}/dashboards/units/{{}}/export?format=csv"
    h = world.h("committee_a")
    assert c.get(url.format(a), headers=h).status_code == 200
    assert c.get(url.format(a1), headers=h).status_code == 200  # any unit counts
    _is_429(c.get(url.format(a), headers=h))
    assert c.get(url.format(a1), headers=world.h("secretary_a1")).status_code == 200


def test_publish_and_revise_are_limited_per_account(world, lowered):
    from api.main import create_app
    from tests.documents.factory import make_document

    lowered(publish_per_minute=2)
    c = TestClient(create_app())
    drafts = [
        make_document(world, symbol=f"{30 + i}-NQ/ĐU", publisher="publisher_p", publish=False)
        for i in range(3)
    ]
    h = world.h("publisher_p")
    assert c.post(f"{API}/documents/{drafts[0]}/publish", headers=h).status_code == 200
    revise = {"title": "Nghị quyết (sửa đổi)", "substantive": True}
    assert c.patch(f"{API}/documents/{drafts[0]}", json=revise, headers=h).status_code == 200
    _is_429(c.post(f"{API}/documents/{drafts[1]}/publish", headers=h))
    # Refused before anything happened: the draft is still a draft.
    r = c.get(f"{API}/documents/{drafts[1]}", headers=h)
    assert r.json()["status"] == "draft"
    # Another publisher is not affected.
    other = make_document(world, symbol="40-NQ/ĐU", publisher="publisher_a", publish=False)
    r = c.post(f"{API}/documents/{other}/publish", headers=world.h("publisher_a"))
    assert r.status_code == 200, r.text


def test_a_counted_write_does_not_hold_its_counter_until_it_commits(world):
    # PostgreSQL: a publish's hit is committed at once, so the next publish of the same
    # account (or address) does not wait for the first request to finish. Counted inside the
    # request, the counter row stayed locked until its commit, and under bench/endpoints.py
    # every publish queued behind it until the processes stalled.
    from sqlalchemy import text
    from sqlmodel import Session

    from api.auth.service import principal_for
    from api.db import get_engine, new_session, write_intent
    from api.members.models import User
    from api.ops import ratelimit
    from api.ops.limits import WINDOW_SECONDS, limit_check

    if get_engine().dialect.name != "postgresql":
        pytest.skip("SQLite has one writer: a write request counts inside its own transaction")
    with Session(get_engine()) as s:
        principal = principal_for(s, s.get(User, world.users["publisher_p"]))
    check = limit_check("held", per_minute=10, per_address=0)
    token = write_intent.set(True)
    first, second = new_session(), new_session()
    try:
        check(None, first, principal)  # type: ignore[arg-type]
        # The first request is still running (its transaction open) when the second counts.
        second.execute(text("SET LOCAL lock_timeout = '2s'"))
        check(None, second, principal)  # type: ignore[arg-type]
        second.commit()
        first.rollback()  # the first request failed: its hit still counts
    finally:
        first.close()
        second.close()
        write_intent.reset(token)
    with Session(get_engine()) as s:
        key = f"route:held:user:{principal.user_id}"
        assert ratelimit.count(s, key, WINDOW_SECONDS)[0] == 2
