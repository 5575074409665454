"""The notification outbox: one row per event, written in the event's own transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from sqlalchemy import JSON, Column, ForeignKey, Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from api.db import IdType, UTCDateTime, utcnow


class NotificationEvent(SQLModel, table=True):
    """An intent to notify an audience, committed atomically with the change it announces.

    The fan-out (inbox rows, pushes) reads these rows off the request path; because the row
    exists iff the change committed, a crash anywhere loses no notification.
    """

    __tablename__ = "notification_events"
    __table_args__ = (Index("ix_notification_events_status_id", "status", "id"),)

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    # documents | assignments | reminders | meetings (members' preference categories)
    category: str = Field(max_length=20)
    kind: str = Field(max_length=40)  # e.g. document.published, assignment.returned
    object_type: str = Field(max_length=30)
    object_id: int = Field(sa_type=IdType)
    title: str = Field(max_length=200)  # short Vietnamese title shown in the inbox and push
    body: str | None = Field(default=None, max_length=500)
    url: str = Field(max_length=300)  # the PWA path that opens the object
    # {"unit_paths": ["/1/5/"]} (members of cells under these units) or {"user_ids": [..]}
    audience: dict[str, Any] = Field(sa_column=Column(JSON, nullable=False))
    exclude_user_id: int | None = Field(default=None, sa_type=IdType)  # usually the actor
    urgent: bool = False  # urgent events ignore quiet hours
    topic: str | None = Field(default=None, max_length=32)  # Web Push Topic: newer replaces
    # The same logical event enqueued twice (a retried request) is one event.
    dedupe_key: str = Field(max_length=120, unique=True)
    status: str = Field(default="pending", max_length=12)  # pending | done
    processed_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


# --- the inbox, devices, deliveries and preferences (issue 5) ------------------------------
CATEGORIES = ("documents", "assignments", "reminders", "meetings")


class Notification(SQLModel, table=True):
    """One event in one member's inbox; (user_id, event_id) is unique, so a re-run adds nothing.

    Narrow on purpose (title and link live on the event): a national fan-out writes millions.
    """

    __tablename__ = "notifications"
    __table_args__ = (
        # Also the inbox's order: newest event first, per member.
        UniqueConstraint("user_id", "event_id"),
        Index("ix_notifications_user_id_read_at", "user_id", "read_at"),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", sa_type=IdType)
    event_id: int = Field(foreign_key="notification_events.id", sa_type=IdType)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    read_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    opened_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class PushSubscription(SQLModel, table=True):
    """A device that receives pushes: a Web Push subscription or an FCM registration token."""

    __tablename__ = "push_subscriptions"

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    user_id: int = Field(foreign_key="users.id", sa_type=IdType, index=True)
    kind: str = Field(max_length=10)  # webpush | fcm
    # SHA-256 of the endpoint or token: one row per device, whoever subscribes it again.
    device_key: str = Field(max_length=64, unique=True)
    endpoint: str | None = Field(default=None, max_length=2048)
    p256dh: str | None = Field(default=None, max_length=100)
    auth: str | None = Field(default=None, max_length=50)
    fcm_token: str | None = Field(default=None, max_length=4096)
    platform: str | None = Field(default=None, max_length=10)  # android | ios | web
    # The sign-in that registered the device: signing out there removes the device.
    auth_session_id: int | None = Field(
        default=None, foreign_key="auth_sessions.id", sa_type=IdType, index=True
    )
    user_agent: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    last_success_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class PushDelivery(SQLModel, table=True):
    """The delivery log: one row per (event, device), with its state and attempts."""

    __tablename__ = "push_deliveries"
    __table_args__ = (
        UniqueConstraint("event_id", "subscription_id"),
        Index("ix_push_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index(
            "ix_push_deliveries_event_id_status_next_attempt_at",
            "event_id",
            "status",
            "next_attempt_at",
        ),
    )

    id: int | None = Field(default=None, primary_key=True, sa_type=IdType)
    event_id: int = Field(foreign_key="notification_events.id", sa_type=IdType)
    notification_id: int = Field(foreign_key="notifications.id", sa_type=IdType, index=True)
    # SET NULL: a device removed by its push service keeps its log rows ("removed").
    subscription_id: int | None = Field(
        default=None,
        sa_column=Column(
            IdType,
            ForeignKey("push_subscriptions.id", ondelete="SET NULL"),
            nullable=True,
            index=True,
        ),
    )
    kind: str = Field(max_length=10)  # webpush | fcm, kept after the device is gone
    status: str = Field(default="queued", max_length=10)  # queued|sent|failed|removed|skipped
    attempts: int = 0
    next_attempt_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    claimed_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    claim_token: str | None = Field(default=None, max_length=32)
    last_status_code: int | None = None
    last_error: str | None = Field(default=None, max_length=300)
    created_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    sent_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    opened_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class NotificationPreference(SQLModel, table=True):
    """A member's push choices; no row means the defaults (all on, quiet 22:00–06:00)."""

    __tablename__ = "notification_preferences"

    user_id: int = Field(foreign_key="users.id", primary_key=True, sa_type=IdType)
    push_documents: bool = True
    push_assignments: bool = True
    push_reminders: bool = True
    push_meetings: bool = True
    quiet_enabled: bool = True
    quiet_start: int = 22 * 60  # minutes after midnight, Asia/Ho_Chi_Minh
    quiet_end: int = 6 * 60
    updated_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )


class NotificationFanout(SQLModel, table=True):
    """Progress of one event's fan-out, committed with each batch so a restart resumes."""

    __tablename__ = "notification_fanouts"

    event_id: int = Field(foreign_key="notification_events.id", primary_key=True, sa_type=IdType)
    cursor: int = Field(default=0, sa_type=IdType)  # last cell id (unit audiences) or user id
    recipients: int = 0
    deliveries: int = 0
    batches: int = 0
    holder: str | None = Field(default=None, max_length=64)
    lease_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    started_at: dt.datetime = Field(
        default_factory=utcnow, sa_column=Column(UTCDateTime(), nullable=False)
    )
    finished_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))


class TaskLease(SQLModel, table=True):
    """Which process runs a periodic job now, and when it last ran (one runner at a time)."""

    __tablename__ = "task_leases"

    name: str = Field(primary_key=True, max_length=80)
    holder: str | None = Field(default=None, max_length=64)
    lease_until: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_started_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
    last_finished_at: dt.datetime | None = Field(default=None, sa_column=Column(UTCDateTime()))
