"""Liveness, readiness and metrics, outside /api/v1."""

from __future__ import annotations

from alembic.config import Config
from alembic.script import ScriptDirectory
from fastapi import APIRouter
from fastapi.responses import JSONResponse, PlainTextResponse
from prometheus_client import CONTENT_TYPE_LATEST, generate_latest
from sqlalchemy import text

from api.db import get_engine
from api.migrate import alembic_config

router = APIRouter(include_in_schema=False)


@router.get("/healthz")
def healthz() -> dict[str, str]:
    """The process is up."""
    return {"status": "ok"}


def _head_revisions(cfg: Config) -> set[str]:
    return set(ScriptDirectory.from_config(cfg).get_heads())


@router.get("/readyz")
def readyz() -> JSONResponse:
    """The database answers and its schema is at the migrations' head."""
    try:
        with get_engine().connect() as conn:
            current = {r[0] for r in conn.execute(text("SELECT version_num FROM alembic_version"))}
    except Exception:  # noqa: BLE001 - any failure means not ready
        return JSONResponse({"status": "unavailable", "database": "unreachable"}, 503)
    heads = _head_revisions(alembic_config())
    migration = ",".join(sorted(current))
    if current != heads:
        return JSONResponse(
            {"status": "unavailable", "migration": migration, "head": ",".join(sorted(heads))},
            503,
        )
    return JSONResponse({"status": "ok", "migration": migration})


@router.get("/metrics")
def metrics() -> PlainTextResponse:
    """Prometheus text exposition."""
    return PlainTextResponse(generate_latest().decode(), media_type=CONTENT_TYPE_LATEST)
