"""Operations endpoints: liveness, readiness, metrics."""

from __future__ import annotations


def test_healthz_and_readyz(client):
    assert client.get("/healthz").json() == {"status": "ok"}
    r = client.get("/readyz")
    assert r.status_code == 200 and r.json()["status"] == "ok"


def test_readyz_reports_a_schema_behind_head(client):
    from sqlalchemy import text

    from api.db import get_engine

    with get_engine().begin() as conn:
        current = conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
        conn.execute(text("UPDATE alembic_version SET version_num = 'old'"))
    try:
        r = client.get("/readyz")
        assert r.status_code == 503 and r.json()["migration"] == "old"
    finally:
        with get_engine().begin() as conn:
            conn.execute(text("UPDATE alembic_version SET version_num = :v"), {"v": current})


def test_metrics_count_requests_by_route(client, world):
    client.get(f"/api/v1/units/{world.units['A1']}", headers=world.h("member_a1"))
    text = client.get("/metrics").text
    assert "sotay_http_requests_total" in text
    assert 'route="/units/{unit_id}"' in text


def test_openapi_document_is_served(client):
    doc = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/auth/token" in doc["paths"]
