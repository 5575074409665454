"""Meetings tests reuse the notifications domain's local push receiver."""

from tests.notifications.conftest import receiver  # noqa: F401
