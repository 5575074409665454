"""The meeting's state machine: planned → held → minutes_approved, or cancelled / postponed."""

from __future__ import annotations

from enum import StrEnum

from api.errors import Conflict
from api.i18n import t


class MeetingState(StrEnum):
    planned = "planned"
    held = "held"
    minutes_approved = "minutes_approved"
    cancelled = "cancelled"
    postponed = "postponed"


class MeetingKind(StrEnum):
    regular = "regular"  # the monthly meeting
    thematic = "thematic"  # sinh hoạt chuyên đề
    extraordinary = "extraordinary"


class Answer(StrEnum):
    attend = "attend"
    excused = "excused"


# action → (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    # The first attendance mark or check-in: the meeting took place.
    "hold": (frozenset({MeetingState.planned}), MeetingState.held),
    "approve_minutes": (frozenset({MeetingState.held}), MeetingState.minutes_approved),
    "cancel": (frozenset({MeetingState.planned, MeetingState.postponed}), MeetingState.cancelled),
    "postpone": (frozenset({MeetingState.planned}), MeetingState.postponed),
    # A postponed meeting given a new time is planned again.
    "reschedule": (frozenset({MeetingState.postponed}), MeetingState.planned),
}
HELD = frozenset({MeetingState.held, MeetingState.minutes_approved})
# Attendance is taken while planned (the first mark makes it held) or held.
ATTENDANCE = frozenset({MeetingState.planned, MeetingState.held})


class MeetingStateConflict(Conflict):
    """An action the meeting's current state does not allow."""

    slug = "meeting_state"

    def __init__(self, current: str) -> None:
        super().__init__(
            extra={
                "current_state": current,
                "current_state_label": t(f"meeting.state.{current}", "vi"),
                "current_state_label_en": t(f"meeting.state.{current}", "en"),
            }
        )


def next_state(action: str, current: str) -> str:
    """The state `action` leads to from `current`; a 409 naming `current` when not allowed."""
    sources, target = TRANSITIONS[action]
    if current not in sources:
        raise MeetingStateConflict(current)
    return target


def require(current: str, allowed: frozenset[str]) -> None:
    """409 unless the meeting is in one of `allowed`."""
    if current not in allowed:
        raise MeetingStateConflict(current)
