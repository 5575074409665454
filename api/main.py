"""create_app(): routers, middleware, error handlers, the PWA's static files."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI

from api.assignments.routes import router as assignments_router
from api.audit.routes import router as audit_router
from api.auth.routes import router as auth_router
from api.config import get_settings
from api.dashboards.routes import router as dashboards_router
from api.db import configure_worker_threads
from api.documents.routes import router as documents_router
from api.errors import install_error_handlers
from api.files.routes import router as files_router
from api.health import router as health_router
from api.i18n import t
from api.logging_setup import setup_logging
from api.meetings.routes import router as meetings_router
from api.members.routes import router as members_router
from api.middleware import BodyLimitMiddleware, RequestContextMiddleware, SecurityHeadersMiddleware
from api.notifications.routes import router as notifications_router
from api.openapi import install_openapi
from api.ops.idempotency import IdempotencyMiddleware
from api.org.routes import router as org_router
from api.pwa import mount_pwa
from api.sync.routes import router as sync_router

API_PREFIX = "/api/v1"


@asynccontextmanager
async def _lifespan(_app: FastAPI) -> AsyncIterator[None]:
    """Per process: size the worker threads (routers add their own lifespans to this one)."""
    configure_worker_threads()
    yield


def create_app() -> FastAPI:
    """The whole service: API under /api/v1, health outside it, the PWA at /."""
    settings = get_settings()
    setup_logging(settings.log_json)
    docs = settings.docs_enabled
    app = FastAPI(
        title=t("app.name"),
        version="1.0",
        openapi_url=f"{API_PREFIX}/openapi.json" if docs else None,
        docs_url=f"{API_PREFIX}/docs" if docs else None,
        redoc_url=None,
        lifespan=_lifespan,
    )
    install_error_handlers(app)
    for router in (
        auth_router,
        org_router,
        members_router,
        audit_router,
        assignments_router,
        notifications_router,
        documents_router,
        files_router,
        dashboards_router,
        meetings_router,
        sync_router,
    ):
        app.include_router(router, prefix=API_PREFIX)
    app.include_router(health_router)
    install_openapi(app)
    mount_pwa(app)
    # Outermost last: the request context wraps everything, including the body limit.
    app.add_middleware(SecurityHeadersMiddleware)
    app.add_middleware(IdempotencyMiddleware)
    app.add_middleware(BodyLimitMiddleware)
    app.add_middleware(RequestContextMiddleware)
    return app
