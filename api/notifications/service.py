"""The member's inbox and notification preferences (quiet hours included)."""

from __future__ import annotations

import datetime as dt
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import func, select, update
from sqlmodel import Session, col

from api.audit import service as audit
from api.authz import Principal
from api.config import get_settings
from api.db import utcnow
from api.errors import FieldError, NotFound, ValidationFailed
from api.notifications.models import (
    CATEGORIES,
    Notification,
    NotificationEvent,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from api.pagination import decode_cursor, encode_cursor
from api.text import VN_TZ

HHMM = r"^([01]\d|2[0-3]):[0-5]\d$"


class NotificationOut(BaseModel):
    id: int
    event_id: int
    category: str
    kind: str
    title: str
    body: str | None
    url: str
    object_type: str
    object_id: int
    created_at: dt.datetime
    read: bool
    read_at: dt.datetime | None
    opened_at: dt.datetime | None


class UnreadCount(BaseModel):
    count: int


class ReadAllIn(BaseModel):
    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    up_to_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class OpenedIn(BaseModel):
    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    delivery_id: int | None = Field(default=None, ge=1, le=2**63 - 1)


class CategoryPref(BaseModel):
    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    inbox: Literal[True] = True  # the inbox is always on; only pushes can be turned off
    push: bool = True


class QuietHours(BaseModel):
    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    enabled: bool = True
    start: str = Field(default="22:00", pattern=HHMM)
    end: str = Field(default="06:00", pattern=HHMM)
    timezone: Literal["Asia/Ho_Chi_Minh"] = "Asia/Ho_Chi_Minh"


class PreferencesIn(BaseModel):
    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    categories: dict[Literal["documents", "assignments", "reminders", "meetings"], CategoryPref] = (
        Field(default_factory=dict)
    )
    quiet_hours: QuietHours | None = None


class PreferencesOut(BaseModel):
    categories: dict[str, CategoryPref]
    quiet_hours: QuietHours


# --- inbox ------------------------------------------------------------------------------------
def _out(n: Notification, e: NotificationEvent) -> NotificationOut:
    return NotificationOut(
        id=n.id,  # type: ignore[arg-type]
        event_id=e.id,  # type: ignore[arg-type]
        category=e.category,
        kind=e.kind,
        title=e.title,
        body=e.body,
        url=e.url,
        object_type=e.object_type,
        object_id=e.object_id,
        created_at=n.created_at,
        read=n.read_at is not None,
        read_at=n.read_at,
        opened_at=n.opened_at,
    )


def list_inbox(
    session: Session,
    principal: Principal,
    *,
    unread: bool,
    category: str | None,
    cursor: str | None,
    limit: int,
) -> tuple[list[NotificationOut], str | None]:
    """The caller's notifications, newest event first (keyset on the event id).

    Events are numbered as they commit; inbox rows are numbered as fan-outs run, which may
    overlap, so the event id is the order a member expects (and (user_id, event_id) is indexed).
    """
    after = decode_cursor(cursor, 1)
    stmt = _joined().where(col(Notification.user_id) == principal.user_id)
    if unread:
        stmt = stmt.where(col(Notification.read_at).is_(None))
    if category:
        stmt = stmt.where(col(NotificationEvent.category) == category)
    if after is not None:
        if not isinstance(after[0], int):
            raise ValidationFailed(errors=[FieldError("cursor", "field.bad_cursor")])
        stmt = stmt.where(col(Notification.event_id) < after[0])
    stmt = stmt.order_by(col(Notification.event_id).desc()).limit(limit + 1)
    rows = session.execute(stmt).all()
    items = [_out(n, e) for n, e in rows[:limit]]
    next_cursor = encode_cursor([items[-1].event_id]) if len(rows) > limit else None
    return items, next_cursor


def unread_count_stmt(user_id: Any) -> Any:
    """The count of a member's unread notifications (`user_id`: a value or a bound parameter)."""
    return select(func.count()).where(
        col(Notification.user_id) == user_id, col(Notification.read_at).is_(None)
    )


def unread_count(session: Session, principal: Principal) -> int:
    """How many of the caller's notifications are unread (the badge)."""
    return int(session.execute(unread_count_stmt(principal.user_id)).scalar_one())


def _joined() -> Any:
    """Inbox rows with their events, FROM the event table first.

    PostgreSQL locks tables in FROM order; parents before children is the order every
    multi-table statement (and the tests' TRUNCATE) takes, so two never wait on each other.
    """
    return (
        select(Notification, NotificationEvent)
        .select_from(NotificationEvent)
        .join(Notification, col(NotificationEvent.id) == col(Notification.event_id))
    )


def _own_with_event(
    session: Session, principal: Principal, notification_id: int
) -> tuple[Notification, NotificationEvent]:
    row = session.execute(_joined().where(col(Notification.id) == notification_id)).first()
    if row is None or row[0].user_id != principal.user_id:
        raise NotFound()
    return row[0], row[1]


def _own(session: Session, principal: Principal, notification_id: int) -> Notification:
    return _own_with_event(session, principal, notification_id)[0]


def get_one(session: Session, principal: Principal, notification_id: int) -> NotificationOut:
    """One of the caller's notifications."""
    return _out(*_own_with_event(session, principal, notification_id))


def mark_read(session: Session, principal: Principal, notification_id: int) -> Notification:
    """Mark one notification read (idempotent: the first time is kept)."""
    n = _own(session, principal, notification_id)
    if n.read_at is None:
        n.read_at = utcnow()
        session.add(n)
        _audit(session, principal, "notification.read", n.id)
    return n


def mark_all_read(session: Session, principal: Principal, up_to_id: int | None) -> int:
    """Mark every unread notification read (with up_to_id: up to what the client showed)."""
    stmt = (
        update(Notification)
        .where(col(Notification.user_id) == principal.user_id, col(Notification.read_at).is_(None))
        .values(read_at=utcnow())
    )
    if up_to_id is not None:  # the newest notification the client showed
        seen = session.get(Notification, up_to_id)
        if seen is None or seen.user_id != principal.user_id:
            raise NotFound(errors=[FieldError("up_to_id", "field.notification_not_found")])
        stmt = stmt.where(col(Notification.event_id) <= seen.event_id)
    count = int(session.execute(stmt).rowcount or 0)  # type: ignore[attr-defined]
    _audit(session, principal, "notification.read_all", None, {"count": count})
    return count


def mark_opened(
    session: Session, principal: Principal, notification_id: int, delivery_id: int | None
) -> Notification:
    """The member tapped the push: the inbox row is read and the delivery log says opened."""
    n = _own(session, principal, notification_id)
    now = utcnow()
    if delivery_id is not None:
        d = session.get(PushDelivery, delivery_id)
        if d is None or d.notification_id != n.id:
            raise NotFound(errors=[FieldError("delivery_id", "field.delivery_not_found")])
        if d.opened_at is None:
            d.opened_at = now
            session.add(d)
    n.read_at = n.read_at or now
    if n.opened_at is None:
        n.opened_at = now
        _audit(session, principal, "notification.opened", n.id, {"delivery_id": delivery_id})
    session.add(n)
    return n


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    object_id: int | None,
    after: dict[str, Any] | None = None,
) -> None:
    audit.record(
        session,
        actor_id=principal.user_id,
        action=action,
        object_type="notification",
        object_id=object_id,
        unit_path=principal.cell_path,
        after=after,
    )


# --- preferences ------------------------------------------------------------------------------
def _hhmm(minutes: int) -> str:
    return f"{minutes // 60:02d}:{minutes % 60:02d}"


def _minutes(hhmm: str) -> int:
    h, m = hhmm.split(":")
    return int(h) * 60 + int(m)


def default_preference(user_id: int) -> NotificationPreference:
    """The preferences of a member who never chose: every push on, the deployment's quiet hours."""
    pref = NotificationPreference(user_id=user_id)
    quiet = get_settings().quiet_hours_default
    if quiet == "off":
        pref.quiet_enabled = False
    else:
        start, end = quiet.split("-")
        pref.quiet_start, pref.quiet_end = _minutes(start), _minutes(end)
    return pref


def preferences_of(session: Session, user_id: int) -> NotificationPreference:
    """The member's stored preferences, or the defaults (not stored until changed)."""
    return session.get(NotificationPreference, user_id) or default_preference(user_id)


def preferences_out(pref: NotificationPreference) -> PreferencesOut:
    """Preferences as the API shows them."""
    return PreferencesOut(
        categories={c: CategoryPref(push=bool(getattr(pref, f"push_{c}"))) for c in CATEGORIES},
        quiet_hours=QuietHours(
            enabled=pref.quiet_enabled,
            start=_hhmm(pref.quiet_start),
            end=_hhmm(pref.quiet_end),
        ),
    )


def put_preferences(
    session: Session, principal: Principal, body: PreferencesIn
) -> NotificationPreference:
    """Change push per category and the quiet hours; what the body omits stays as it was."""
    pref = session.get(NotificationPreference, principal.user_id)
    before = preferences_out(pref or default_preference(principal.user_id))
    if pref is None:
        pref = default_preference(principal.user_id)
    for category, choice in body.categories.items():
        setattr(pref, f"push_{category}", choice.push)
    if body.quiet_hours is not None:
        q = body.quiet_hours
        if q.start == q.end:
            raise ValidationFailed(
                errors=[FieldError("quiet_hours.end", "field.quiet_hours_empty")]
            )
        pref.quiet_enabled, pref.quiet_start, pref.quiet_end = (
            q.enabled,
            _minutes(q.start),
            _minutes(q.end),
        )
    pref.updated_at = utcnow()
    session.add(pref)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user_id,
        action="notification.preferences",
        object_type="user",
        object_id=principal.user_id,
        unit_path=principal.cell_path,
        before=before.model_dump(),
        after=preferences_out(pref).model_dump(),
    )
    return pref


def quiet_until(pref: NotificationPreference, now: dt.datetime) -> dt.datetime | None:
    """When the member's quiet hours end, if `now` falls inside them (else None)."""
    if not pref.quiet_enabled or pref.quiet_start == pref.quiet_end:
        return None
    local = now.astimezone(VN_TZ)
    minute = local.hour * 60 + local.minute
    start, end = pref.quiet_start, pref.quiet_end
    inside = start <= minute < end if start < end else (minute >= start or minute < end)
    if not inside:
        return None
    end_today = local.replace(hour=end // 60, minute=end % 60, second=0, microsecond=0)
    if end_today <= local:
        end_today += dt.timedelta(days=1)
    return end_today.astimezone(dt.UTC)


def device_count(session: Session, user_id: int) -> int:
    """How many devices a member has (for the preferences screen)."""
    stmt = select(func.count()).where(col(PushSubscription.user_id) == user_id)
    return int(session.execute(stmt).scalar_one())


# The public name other domains (sync) use to present an inbox row.
present = _out
