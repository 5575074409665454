"""Inbox, push devices and notification preferences; the router also runs the task engine."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Annotated, Any

from fastapi import APIRouter, Body, FastAPI, Query, Request, Response
from pydantic import BaseModel
from sqlmodel import Session

from api.authz import Principal
from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep, in_one_thread
from api.notifications import (
    devices,
    personal,  # noqa: F401  (registers its privacy export and erasure)
    service,
)
from api.notifications.devices import DeviceOut, FcmIn, WebPushIn
from api.notifications.service import (
    NotificationOut,
    OpenedIn,
    PreferencesIn,
    PreferencesOut,
    ReadAllIn,
    UnreadCount,
)
from api.pagination import Page
from api.types import IdPath


@asynccontextmanager
async def _engine_lifespan(_app: FastAPI) -> AsyncIterator[dict[str, Any]]:
    """Embedded shape: the workers and scheduler live with the API process."""
    import anyio

    from api.notifications import engine

    started = await anyio.to_thread.run_sync(engine.start)
    try:
        yield {}
    finally:
        await anyio.to_thread.run_sync(engine.stop, started)


router = APIRouter(tags=["notifications"], lifespan=_engine_lifespan)
Category = Annotated[
    str | None, Query(pattern="^(documents|assignments|reminders|meetings)$", max_length=20)
]


class VapidKeyOut(BaseModel):
    public_key: str


class ReadAllOut(BaseModel):
    updated: int


@router.get("/notifications", response_model=Page[NotificationOut])
@in_one_thread
def list_notifications(
    session: Session,
    principal: Principal,
    limit: LimitDep,
    cursor: CursorQuery = None,
    unread: bool = False,
    category: Category = None,
) -> Page[NotificationOut]:
    """The caller's inbox, newest first; `unread=true` for the unread only."""
    items, next_cursor = service.list_inbox(
        session, principal, unread=unread, category=category, cursor=cursor, limit=limit
    )
    return Page(items=items, next_cursor=next_cursor)


@router.get("/notifications/unread-count", response_model=UnreadCount)
@in_one_thread
def unread_count(session: Session, principal: Principal) -> UnreadCount:
    """The badge: how many notifications the caller has not read."""
    return UnreadCount(count=service.unread_count(session, principal))


@router.post("/notifications/read-all", response_model=ReadAllOut)
def read_all(
    session: SessionDep,
    principal: CurrentPrincipal,
    body: Annotated[ReadAllIn | None, Body()] = None,
) -> ReadAllOut:
    """Mark every unread notification read (up to `up_to_id`, when given)."""
    up_to = body.up_to_id if body is not None else None
    return ReadAllOut(updated=service.mark_all_read(session, principal, up_to))


@router.post("/notifications/{notification_id}/read", response_model=NotificationOut)
def read_one(
    session: SessionDep, principal: CurrentPrincipal, notification_id: IdPath
) -> NotificationOut:
    """Mark one of the caller's notifications read."""
    service.mark_read(session, principal, notification_id)
    return service.get_one(session, principal, notification_id)


@router.post("/notifications/{notification_id}/opened", response_model=NotificationOut)
def opened(
    session: SessionDep,
    principal: CurrentPrincipal,
    notification_id: IdPath,
    body: Annotated[OpenedIn | None, Body()] = None,
) -> NotificationOut:
    """The service worker reports a tap on the push (the delivery log's "opened")."""
    delivery_id = body.delivery_id if body is not None else None
    service.mark_opened(session, principal, notification_id, delivery_id)
    return service.get_one(session, principal, notification_id)


@router.get("/push/vapid-public-key", response_model=VapidKeyOut)
def vapid_public_key() -> VapidKeyOut:
    """The application server key for `pushManager.subscribe` (public, no sign-in needed)."""
    from api.notifications.webpush import vapid_public_key as key

    return VapidKeyOut(public_key=key())


@router.get("/push/subscriptions", response_model=list[DeviceOut])
def list_subscriptions(session: SessionDep, principal: CurrentPrincipal) -> list[DeviceOut]:
    """The caller's devices that receive pushes."""
    return devices.list_devices(session, principal)


@router.post(
    "/push/subscriptions",
    response_model=DeviceOut,
    status_code=201,
    responses={200: {"model": DeviceOut, "description": "Thiết bị đã có, đã cập nhật / updated"}},
)
def subscribe(
    request: Request,
    response: Response,
    session: SessionDep,
    principal: CurrentPrincipal,
    body: Annotated[WebPushIn | FcmIn, Body(discriminator="kind")],
) -> DeviceOut:
    """Register this device (201), or refresh it when it was already registered (200)."""
    sub, created = devices.subscribe(session, principal, body, request.headers.get("user-agent"))
    if not created:
        response.status_code = 200
    return next(d for d in devices.list_devices(session, principal) if d.id == sub.id)


@router.delete("/push/subscriptions/{subscription_id}", status_code=204)
def unsubscribe(
    session: SessionDep, principal: CurrentPrincipal, subscription_id: IdPath
) -> Response:
    """Stop pushes to one of the caller's devices."""
    devices.unsubscribe(session, principal, subscription_id)
    return Response(status_code=204)


@router.get("/me/notification-preferences", response_model=PreferencesOut)
def get_preferences(session: SessionDep, principal: CurrentPrincipal) -> PreferencesOut:
    """Push on or off per category, and quiet hours (the inbox is always on)."""
    return service.preferences_out(service.preferences_of(session, principal.user_id))


@router.put("/me/notification-preferences", response_model=PreferencesOut)
def put_preferences(
    session: SessionDep, principal: CurrentPrincipal, body: PreferencesIn
) -> PreferencesOut:
    """Change the preferences; categories and quiet hours left out stay as they were."""
    return service.preferences_out(service.put_preferences(session, principal, body))
