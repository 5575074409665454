"""Sending the queued deliveries of an event: claim a chunk, push it, record every outcome.

A claim is a lease on the rows (claimed_until), so a worker killed mid-chunk only delays
those pushes until the lease runs out; the device may then get the same push twice (the
payload carries the notification id, so the app shows it once). Retries wait with
exponential backoff and jitter, at least what Retry-After asks, and stop after
`push_max_attempts`.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import random
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import or_, select, update
from sqlmodel import Session, col

from api.config import get_settings
from api.db import new_session, utcnow
from api.notifications import devices, fcm, webpush
from api.notifications.models import (
    Notification,
    NotificationEvent,
    NotificationPreference,
    PushDelivery,
    PushSubscription,
)
from api.notifications.service import default_preference, quiet_until
from api.notifications.webpush import MAX_PLAINTEXT, PushResult

log = logging.getLogger("sotay.push")
CHUNK = 100
# How long a message may wait on a device that is offline: news keeps a day, reminders less.
TTL_BY_CATEGORY = {"documents": 86400, "assignments": 86400, "meetings": 43200, "reminders": 14400}
MAX_RETRY_AFTER = 6 * 3600


@dataclass
class Report:
    """What one run did, and when the next retry or deferred push is due."""

    sent: int = 0
    gone: int = 0
    retried: int = 0
    failed: int = 0
    deferred: int = 0
    skipped: int = 0
    more: bool = False
    next_due: dt.datetime | None = None
    outcomes: list[str] = field(default_factory=list)


@dataclass
class Claimed:
    delivery: PushDelivery
    sub: PushSubscription | None
    pref: NotificationPreference | None
    owner_id: int  # whose inbox the notification is in: the device must still be theirs


def topic_for(ev: NotificationEvent) -> str | None:
    """RFC 8030 Topic: at most 32 URL-safe base64 characters, or a digest of the event's."""
    if not ev.topic:
        return None
    allowed = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    if len(ev.topic) <= 32 and set(ev.topic) <= allowed:
        return ev.topic
    import base64
    import hashlib

    return base64.urlsafe_b64encode(hashlib.sha256(ev.topic.encode()).digest()).decode()[:32]


def payload_for(ev: NotificationEvent, d: PushDelivery) -> bytes:
    """The push body: ids, a short Vietnamese title and the link; the app fetches the rest."""
    data: dict[str, Any] = {
        "notification_id": d.notification_id,
        "delivery_id": d.id,
        "event_id": ev.id,
        "category": ev.category,
        "kind": ev.kind,
        "title": ev.title,
        "body": ev.body,
        "url": ev.url,
        "tag": topic_for(ev) or f"e{ev.id}",
    }
    raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    if len(raw) > MAX_PLAINTEXT:  # the body is optional: the app shows it from the inbox
        data["body"] = None
        raw = json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode()
    assert len(raw) < MAX_PLAINTEXT, "push payload over the Web Push limit"
    return raw


def _claim(event_id: int, now: dt.datetime) -> list[Claimed] | None:
    """Lease up to CHUNK due deliveries of the event; None when none are left to take."""
    lease = now + dt.timedelta(seconds=get_settings().notify_lease_seconds)
    token = uuid.uuid4().hex
    due = or_(col(PushDelivery.claimed_until).is_(None), col(PushDelivery.claimed_until) < now)
    with new_session() as session:
        ids = list(
            session.execute(
                select(col(PushDelivery.id))
                .where(
                    col(PushDelivery.event_id) == event_id,
                    col(PushDelivery.status) == "queued",
                    col(PushDelivery.next_attempt_at) <= now,
                    due,
                )
                .order_by(col(PushDelivery.id))
                .limit(CHUNK)
                .with_for_update(skip_locked=True)
            ).scalars()
        )
        if not ids:
            return None
        session.execute(
            update(PushDelivery)
            .where(col(PushDelivery.id).in_(ids), col(PushDelivery.status) == "queued", due)
            .values(claimed_until=lease, claim_token=token)
        )
        rows = session.execute(
            select(
                PushDelivery, PushSubscription, NotificationPreference, col(Notification.user_id)
            )
            .join(Notification, col(Notification.id) == col(PushDelivery.notification_id))
            .outerjoin(
                PushSubscription, col(PushSubscription.id) == col(PushDelivery.subscription_id)
            )
            .outerjoin(
                NotificationPreference,
                col(NotificationPreference.user_id) == col(Notification.user_id),
            )
            .where(col(PushDelivery.id).in_(ids), col(PushDelivery.claim_token) == token)
        ).all()
        session.commit()
    return [Claimed(d, s, p, u) for d, s, p, u in rows]


def _backoff(attempt: int, retry_after: float | None) -> float:
    """Exponential backoff with full jitter, never sooner than Retry-After asks."""
    base = get_settings().push_retry_base_seconds
    wait = min(3600.0, base * 2 ** max(0, attempt - 1)) * random.uniform(0.5, 1.0)
    return max(wait, retry_after or 0.0)


def _plan(ev: NotificationEvent, c: Claimed, now: dt.datetime) -> PushResult | dt.datetime | None:
    """Decide without the network: a final result, a deferral time, or None (send it)."""
    if c.sub is None:
        return PushResult("removed", error="device removed")
    if c.sub.user_id != c.owner_id:
        # The phone was handed on and its new user signed in before this push left:
        # another member's notice must not show on it.
        return PushResult("removed", error="device changed owner")
    pref = c.pref or default_preference(c.sub.user_id)
    if not getattr(pref, f"push_{ev.category}", True):
        return PushResult("skipped", error="push turned off")
    if c.sub.kind == "webpush" and not devices.endpoint_allowed(c.sub.endpoint or ""):
        return PushResult("failed", error="endpoint not allowed")
    if not ev.urgent:
        return quiet_until(pref, now)
    return None


def _send(
    ev: NotificationEvent, claimed: list[Claimed], now: dt.datetime, until: float
) -> dict[int, Any]:
    """Outcome per delivery id: a PushResult, or a datetime to try again (quiet hours).

    `until` (monotonic): the claim's lease, less a margin. Past it another worker may have
    taken the rest of the chunk, so the rest is left to it unsent (no outcome) instead of
    reaching the devices twice; a slow push service then costs time, not duplicates."""
    ttl = TTL_BY_CATEGORY.get(ev.category, 86400)
    urgency = "high" if ev.urgent else "normal"
    topic = topic_for(ev)
    out: dict[int, Any] = {}
    fcm_batch: list[tuple[int, fcm.FcmMessage]] = []
    for c in claimed:
        if out and time.monotonic() > until:
            break  # (one at least, so a slow claim still makes progress)
        d = c.delivery
        planned = _plan(ev, c, now)
        if planned is not None:
            out[d.id] = planned  # type: ignore[index]
            continue
        sub = c.sub
        assert sub is not None
        if sub.kind == "webpush":
            out[d.id] = webpush.send(  # type: ignore[index]
                sub.endpoint or "",
                sub.p256dh or "",
                sub.auth or "",
                payload_for(ev, d),
                ttl=ttl,
                urgency=urgency,
                topic=topic,
            )
        else:
            data = {"notification_id": str(d.notification_id), "delivery_id": str(d.id)}
            data |= {"event_id": str(ev.id), "kind": ev.kind, "url": ev.url}
            msg = fcm.FcmMessage(
                sub.fcm_token or "", ev.title, ev.body, data, ttl, ev.urgent, topic
            )
            fcm_batch.append((d.id, msg))  # type: ignore[arg-type]
    if fcm_batch:
        results = fcm.send([m for _, m in fcm_batch])
        out.update({did: r for (did, _), r in zip(fcm_batch, results, strict=True)})
    return out


def _row(c: Claimed, outcome: Any, now: dt.datetime, report: Report) -> dict[str, Any]:
    """The delivery's new state for one outcome (all rows carry the same keys)."""
    d = c.delivery
    row: dict[str, Any] = {
        "id": d.id,
        "status": d.status,
        "attempts": d.attempts,
        "next_attempt_at": d.next_attempt_at,
        "claimed_until": None,
        "claim_token": None,
        "last_status_code": d.last_status_code,
        "last_error": d.last_error,
        "sent_at": d.sent_at,
    }
    if isinstance(outcome, dt.datetime):
        row["next_attempt_at"] = outcome
        report.deferred += 1
        report.next_due = min(report.next_due or outcome, outcome)
        return row
    r: PushResult = outcome
    report.outcomes.append(r.outcome)
    row["last_status_code"], row["last_error"] = r.status, r.error
    if r.outcome in ("removed", "skipped"):
        row["status"] = r.outcome
        report.skipped += 1
        return row
    row["attempts"] = d.attempts + 1
    if r.outcome == "sent":
        row.update(status="sent", sent_at=now, last_error=None)
        report.sent += 1
    elif r.outcome == "gone":
        row["status"] = "removed"
        report.gone += 1
    elif (
        r.outcome == "retry"
        and row["attempts"] < get_settings().push_max_attempts
        and (r.retry_after or 0) <= MAX_RETRY_AFTER
    ):
        when = now + dt.timedelta(seconds=_backoff(row["attempts"], r.retry_after))
        row["next_attempt_at"] = when
        report.retried += 1
        report.next_due = min(report.next_due or when, when)
    else:
        row["status"] = "failed"
        report.failed += 1
    return row


def _record(
    session: Session,
    claimed: list[Claimed],
    outcomes: dict[int, Any],
    report: Report,
    now: dt.datetime,
) -> None:
    """Write every outcome of the chunk in one transaction; dead devices are removed.

    Deliveries left without an outcome (the lease ran short) keep their expired claim: the
    next claim takes them."""
    claimed = [c for c in claimed if c.delivery.id in outcomes]
    if not claimed:
        return
    rows = [_row(c, outcomes[c.delivery.id], now, report) for c in claimed]  # type: ignore[index]
    gone = [
        c.sub.id
        for c in claimed
        if c.sub is not None and getattr(outcomes[c.delivery.id], "outcome", "") == "gone"  # type: ignore[index]
    ]
    ok = [
        c.sub.id
        for c in claimed
        if c.sub is not None and getattr(outcomes[c.delivery.id], "outcome", "") == "sent"  # type: ignore[index]
    ]
    session.execute(update(PushDelivery), rows)
    if ok:
        session.execute(
            update(PushSubscription)
            .where(col(PushSubscription.id).in_(ok))
            .values(last_success_at=now)
        )
    devices.remove_gone(session, [i for i in gone if i is not None], "push service: gone")  # type: ignore[misc]


def deliver_event(
    event_id: int,
    *,
    clock: Callable[[], dt.datetime] = utcnow,
    budget_seconds: float = 120.0,
) -> Report:
    """Push every due delivery of the event (chunk by chunk) within the time budget."""
    report = Report()
    with new_session() as session:
        ev = session.get(NotificationEvent, event_id)
    if ev is None:
        return report
    started = time.monotonic()
    while True:
        now = clock()
        # Stop sending at 80% of the lease: the rest of it covers recording the outcomes.
        until = time.monotonic() + 0.8 * get_settings().notify_lease_seconds
        claimed = _claim(event_id, now)
        if claimed is None:
            break
        if not claimed:
            continue  # another worker took these rows between our read and our claim
        outcomes = _send(ev, claimed, now, until)
        with new_session() as session:
            _record(session, claimed, outcomes, report, now)
            session.commit()
        if time.monotonic() - started > budget_seconds:
            report.more = True
            break
    return report


def due_events(session: Session, now: dt.datetime, limit: int = 200) -> list[int]:
    """Events with deliveries waiting (new, retry time reached, or a dead worker's claim)."""
    stmt = (
        select(col(PushDelivery.event_id))
        .where(
            col(PushDelivery.status) == "queued",
            col(PushDelivery.next_attempt_at) <= now,
            or_(col(PushDelivery.claimed_until).is_(None), col(PushDelivery.claimed_until) < now),
        )
        .distinct()
        .limit(limit)
    )
    return [int(i) for i in session.execute(stmt).scalars()]
