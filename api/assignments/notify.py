"""Assignment events written to the notification outbox, in the event's own transaction.

Titles are short Vietnamese lines from the catalogue (`assignment.notify.<event>`); the
delivery (inbox, pushes, preferences) is the notifications domain's work.
"""

from __future__ import annotations

from collections.abc import Iterable

from sqlmodel import Session

from api.assignments.models import Assignment
from api.assignments.states import Priority
from api.i18n import t
from api.notifications import outbox
from api.text import format_vn_datetime


def assignment_url(assignment_id: int) -> str:
    """The PWA path that opens an assignment."""
    return f"/assignments/{assignment_id}"


def notify(
    session: Session,
    *,
    event: str,
    assignment: Assignment,
    user_ids: Iterable[int],
    actor_id: int | None,
    dedupe_key: str,
    category: str = "assignments",
    body: str | None = None,
    topic: str | None = None,
) -> bool:
    """Enqueue `assignment.<event>` for `user_ids` (never the actor); False when nobody."""
    audience = sorted({int(u) for u in user_ids} - {actor_id})
    if not audience:
        return False
    due = t("assignment.notify.due", "vi", due=format_vn_datetime(assignment.due_at))
    ev = outbox.enqueue(
        session,
        category=category,
        kind=f"assignment.{event}",
        object_type="assignment",
        object_id=assignment.id,  # type: ignore[arg-type]
        title=t(f"assignment.notify.{event}", "vi", title=assignment.title),
        body=body or due,
        url=assignment_url(assignment.id),  # type: ignore[arg-type]
        audience={"user_ids": audience},
        dedupe_key=dedupe_key,
        exclude_user_id=actor_id,
        # A high-priority task reaches members even in their quiet hours.
        urgent=event == "given" and assignment.priority == Priority.high,
        topic=topic,
    )
    return ev is not None
