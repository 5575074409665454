"""A member's part of the notifications for the privacy export and erasure.

No device key or token is exported (they are the push service's secrets, not the member's
data); on erasure the devices, choices and inbox go (the delivery log of other members'
pushes is untouched).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete
from sqlmodel import Session, col, select

from api import privacy
from api.notifications.devices import origin_of
from api.notifications.models import (
    Notification,
    NotificationEvent,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)


def _export(session: Session, user_id: int) -> dict[str, Any]:
    inbox = session.exec(
        select(Notification, NotificationEvent)
        .join(NotificationEvent, col(NotificationEvent.id) == Notification.event_id)
        .where(col(Notification.user_id) == user_id)
        .order_by(col(Notification.id))
    ).all()
    devices = session.exec(
        select(PushSubscription)
        .where(col(PushSubscription.user_id) == user_id)
        .order_by(col(PushSubscription.id))
    ).all()
    prefs = session.get(NotificationPreference, user_id)
    return {
        "inbox": [
            {
                "kind": e.kind,
                "title": e.title,
                "created_at": privacy.iso(n.created_at),
                "read_at": privacy.iso(n.read_at),
            }
            for n, e in inbox
        ],
        "devices": [
            {
                "kind": d.kind,
                "platform": d.platform,
                "push_service": origin_of(d.endpoint),
                "user_agent": d.user_agent,
                "created_at": privacy.iso(d.created_at),
            }
            for d in devices
        ],
        "preferences": None
        if prefs is None
        else {
            "push_documents": prefs.push_documents,
            "push_assignments": prefs.push_assignments,
            "push_reminders": prefs.push_reminders,
            "push_meetings": prefs.push_meetings,
            "quiet_enabled": prefs.quiet_enabled,
            "quiet_start_minutes": prefs.quiet_start,
            "quiet_end_minutes": prefs.quiet_end,
        },
    }


def _erase(session: Session, user_id: int) -> None:
    mine = select(col(Notification.id)).where(col(Notification.user_id) == user_id)
    session.execute(delete(PushDelivery).where(col(PushDelivery.notification_id).in_(mine)))
    session.execute(delete(Notification).where(col(Notification.user_id) == user_id))
    session.execute(delete(PushSubscription).where(col(PushSubscription.user_id) == user_id))
    session.execute(
        delete(NotificationPreference).where(col(NotificationPreference.user_id) == user_id)
    )


privacy.register("notifications", export=_export, erase=_erase)
