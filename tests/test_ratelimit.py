"""Per-caller limits on expensive routes, counted in the database (shared by processes)."""

from __future__ import annotations

from fastapi import FastAPI
from fastapi.testclient import TestClient

from api.errors import install_error_handlers
from api.middleware import RequestContextMiddleware
from api.ops.limits import limit


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
