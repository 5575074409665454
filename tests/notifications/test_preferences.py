"""Notification preferences: defaults, partial changes, validation, quiet-hours arithmetic."""

from __future__ import annotations

import datetime as dt

from api.config import get_settings
from api.notifications.models import NotificationPreference
from api.notifications.service import quiet_until
from api.text import VN_TZ
from tests.notifications.conftest import rows

API = "/api/v1/me/notification-preferences"


def test_defaults_then_partial_changes(client, world, monkeypatch):
    monkeypatch.setattr(get_settings(), "quiet_hours_default", "22:00-06:00")  # the product's
    h = world.h("member_a1")
    got = client.get(API, headers=h).json()
    assert got["categories"]["documents"] == {"inbox": True, "push": True}
    assert set(got["categories"]) == {"documents", "assignments", "reminders", "meetings"}
    assert got["quiet_hours"] == {
        "enabled": True,
        "start": "22:00",
        "end": "06:00",
        "timezone": "Asia/Ho_Chi_Minh",
    }
    r = client.put(API, json={"categories": {"reminders": {"push": False}}}, headers=h)
    assert r.status_code == 200
    assert r.json()["categories"]["reminders"]["push"] is False
    assert r.json()["categories"]["documents"]["push"] is True
    r = client.put(
        API, json={"quiet_hours": {"enabled": True, "start": "21:30", "end": "05:45"}}, headers=h
    )
    got = client.get(API, headers=h).json()
    assert got["categories"]["reminders"]["push"] is False  # kept
    assert got["quiet_hours"]["start"] == "21:30" and got["quiet_hours"]["end"] == "05:45"
    assert client.get(API, headers=world.h("member_a2")).json()["categories"]["reminders"]["push"]
    audit = rows("SELECT count(*) FROM audit_events WHERE action = 'notification.preferences'")
    assert audit[0][0] == 2


def test_invalid_preferences_are_refused(client, world):
    h = world.h("member_a1")
    for body in (
        {"categories": {"documents": {"inbox": False}}},
        {"categories": {"weather": {"push": False}}},
        {"quiet_hours": {"start": "25:00", "end": "06:00"}},
        {"quiet_hours": {"start": "22:00", "end": "22:00"}},
        {"quiet_hours": {"start": "22:00", "end": "06:00", "timezone": "Europe/Paris"}},
    ):
        r = client.put(API, json=body, headers=h)
        assert r.status_code == 422, body
        assert r.json()["errors"], body


def _vn(hour: int, minute: int = 0) -> dt.datetime:
    return dt.datetime(2026, 3, 10, hour, minute, tzinfo=VN_TZ)


def test_quiet_hours_over_midnight_and_within_a_day():
    night = NotificationPreference(user_id=1)  # 22:00–06:00
    assert quiet_until(night, _vn(21, 59)) is None
    assert quiet_until(night, _vn(22, 0)) == dt.datetime(2026, 3, 11, 6, 0, tzinfo=VN_TZ)
    assert quiet_until(night, _vn(3, 0)) == dt.datetime(2026, 3, 10, 6, 0, tzinfo=VN_TZ)
    assert quiet_until(night, _vn(6, 0)) is None
    nap = NotificationPreference(user_id=1, quiet_start=12 * 60, quiet_end=13 * 60 + 30)
    assert quiet_until(nap, _vn(12, 45)) == dt.datetime(2026, 3, 10, 13, 30, tzinfo=VN_TZ)
    assert quiet_until(nap, _vn(14, 0)) is None
    off = NotificationPreference(user_id=1, quiet_enabled=False)
    assert quiet_until(off, _vn(23, 0)) is None


def test_the_deployment_chooses_the_default_quiet_hours(client, world, monkeypatch):
    h = world.h("member_a1")
    monkeypatch.setattr(get_settings(), "quiet_hours_default", "21:00-05:30")
    quiet = client.get(API, headers=h).json()["quiet_hours"]
    assert (quiet["enabled"], quiet["start"], quiet["end"]) == (True, "21:00", "05:30")
    monkeypatch.setattr(get_settings(), "quiet_hours_default", "off")
    assert client.get(API, headers=h).json()["quiet_hours"]["enabled"] is False
    # A member's own choice outlives a change of the deployment's default.
    mine = {"quiet_hours": {"enabled": True, "start": "20:00", "end": "06:00"}}
    assert client.put(API, json=mine, headers=h).status_code == 200
    monkeypatch.setattr(get_settings(), "quiet_hours_default", "22:00-06:00")
    assert client.get(API, headers=h).json()["quiet_hours"]["start"] == "20:00"
