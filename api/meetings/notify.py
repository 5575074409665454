"""Meeting events written to the notification outbox, in the event's own transaction.

Titles are short Vietnamese lines from the catalogue (`meeting.notify.<event>`); the
delivery (inbox, pushes, preferences, quiet hours) is the notifications domain's work.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from api.i18n import t
from api.meetings.models import Meeting
from api.notifications import outbox
from api.text import format_vn_datetime

# Event kinds this domain writes (category "meetings" of the members' preferences).
KINDS = (
    "meeting.published",
    "meeting.changed",
    "meeting.reminder",
    "meeting.cancelled",
    "meeting.postponed",
    "meeting.reply_reminder",
    "meeting.minutes_approved",
)


def meeting_url(meeting_id: int) -> str:
    """The PWA path that opens a meeting."""
    return f"/meetings/{meeting_id}"


def when_where(meeting: Meeting) -> str:
    """ "04/12/2026 08:00 · Nhà văn hóa thôn" for the notice's body."""
    where = meeting.place or (t("meeting.notify.online", "vi") if meeting.online_url else "")
    when = format_vn_datetime(meeting.starts_at)
    return f"{when} · {where}" if where else when


def notify(
    session: Session,
    *,
    event: str,
    meeting: Meeting,
    user_ids: Iterable[int],
    actor_id: int | None,
    dedupe_key: str,
    body: str | None = None,
    category: str = "meetings",
) -> bool:
    """Enqueue `meeting.<event>` for `user_ids` (never the actor); False when nobody."""
    audience = sorted({int(u) for u in user_ids} - {actor_id})
    if not audience:
        return False
    ev = outbox.enqueue(
        session,
        category=category,
        kind=f"meeting.{event}",
        object_type="meeting",
        object_id=meeting.id,  # type: ignore[arg-type]
        title=t(f"meeting.notify.{event}", "vi", title=meeting.title),
        body=body or when_where(meeting),
        url=meeting_url(meeting.id),  # type: ignore[arg-type]
        audience={"user_ids": audience},
        dedupe_key=dedupe_key,
        exclude_user_id=actor_id,
        # A changed or cancelled meeting must reach members in time, quiet hours or not.
        urgent=event in {"changed", "cancelled", "postponed"},
        topic=f"meeting-{meeting.id}",
    )
    return ev is not None
