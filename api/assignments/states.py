"""The assignee record's state machine, and what is derived from it (overdue, lateness)."""

from __future__ import annotations

import datetime as dt
from enum import StrEnum

from api.errors import Conflict
from api.i18n import t


class State(StrEnum):
    assigned = "assigned"
    in_progress = "in_progress"
    submitted = "submitted"
    approved = "approved"
    returned = "returned"
    cancelled = "cancelled"


class Priority(StrEnum):
    low = "low"
    normal = "normal"
    high = "high"


# Not finished: the cell can still cancel these, and they count as overdue past the due time.
OPEN = frozenset({State.assigned, State.in_progress, State.submitted, State.returned})
# Waiting on the assignee (reminders go to these; a submitted record waits on the leaders).
ACTIONABLE = frozenset({State.assigned, State.in_progress, State.returned})

# action → (states it may start from, state it leads to).
# `submit` is allowed straight from `assigned`: a member who did the task at once should not
# have to press "start" first (older members on small phones); the history shows the jump.
TRANSITIONS: dict[str, tuple[frozenset[State], State]] = {
    "start": (frozenset({State.assigned, State.returned}), State.in_progress),
    "submit": (ACTIONABLE, State.submitted),
    "approve": (frozenset({State.submitted}), State.approved),
    "return": (frozenset({State.submitted}), State.returned),
    "cancel": (OPEN, State.cancelled),
}


class StateConflict(Conflict):
    """An action the record's (or assignment's) current state does not allow."""

    slug = "assignment_state"

    def __init__(self, current: str) -> None:
        super().__init__(
            extra={
                "current_state": current,
                "current_state_label": t(f"assignment.state.{current}", "vi"),
                "current_state_label_en": t(f"assignment.state.{current}", "en"),
            }
        )


def next_state(action: str, current: str) -> State:
    """The state `action` leads to from `current`; a 409 naming `current` when not allowed."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise StateConflict(current)
    return target


def is_overdue(state: str, due_at: dt.datetime, now: dt.datetime) -> bool:
    """Due time passed and not finished (approved or cancelled); derived, never stored."""
    return state in OPEN and now > due_at


def completed_late(
    state: str, due_at: dt.datetime, submitted_at: dt.datetime | None
) -> bool | None:
    """For an approved record: whether its accepted report came after the due time."""
    if state != State.approved or submitted_at is None:
        return None
    return submitted_at > due_at
