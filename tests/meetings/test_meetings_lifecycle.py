"""Invitations, changes, reminders, monthly schedules, cancellation, minutes and ratings."""

from __future__ import annotations

import datetime as dt

from sqlmodel import col, select

from api.db import new_session, utcnow
from api.meetings import recurrence, reminders
from api.meetings.models import Meeting, MeetingRater, MeetingRating
from api.notifications.models import NotificationEvent
from api.text import VN_TZ
from tests.meetings.factory import make_held, make_meeting

API = "/api/v1/meetings"


def _events(kind: str) -> list[NotificationEvent]:
    with new_session() as s:
        return list(
            s.exec(
                select(NotificationEvent)
                .where(NotificationEvent.kind == kind)
                .order_by(col(NotificationEvent.id))
            )
        )


def test_a_new_time_or_place_is_announced_once_and_rearms_the_reminder(client, world):
    mid = make_meeting(world, starts_in=dt.timedelta(hours=20))
    lead = world.h("secretary_a1")
    [invite] = _events("meeting.published")
    assert invite.category == "meetings" and invite.url == f"/meetings/{mid}"
    assert world.users["member_a1"] in invite.audience["user_ids"]
    with new_session() as s:
        assert reminders.send_day_before(s) == 1
        assert reminders.send_day_before(s) == 0  # once per start time
        s.commit()
    assert len(_events("meeting.reminder")) == 1
    # Agenda edits are not announced; a new place is, once, however often it is sent.
    client.patch(f"{API}/{mid}", headers=lead, json={"agenda": "Bổ sung mục 3"})
    assert _events("meeting.changed") == []
    for _ in range(2):
        r = client.patch(f"{API}/{mid}", headers=lead, json={"place": "Hội trường UBND xã"})
        assert r.status_code == 200, r.text
    [changed] = _events("meeting.changed")
    assert "Hội trường UBND xã" in (changed.body or "")
    new_start = (utcnow() + dt.timedelta(hours=22)).isoformat()
    client.patch(f"{API}/{mid}", headers=lead, json={"starts_at": new_start})
    assert len(_events("meeting.changed")) == 2
    with new_session() as s:
        assert reminders.send_day_before(s) == 1  # the new time is reminded again
        s.commit()


def test_cancel_and_postpone_tell_the_invited(client, world):
    lead = world.h("secretary_a1")
    a = make_meeting(world)
    r = client.post(f"{API}/{a}/postpone", headers=lead, json={"reason": "Mưa bão"})
    assert r.json()["state"] == "postponed" and r.json()["state_reason"] == "Mưa bão"
    later = (utcnow() + dt.timedelta(days=20)).isoformat()
    r = client.patch(f"{API}/{a}", headers=lead, json={"starts_at": later})
    assert r.json()["state"] == "planned"
    r = client.post(f"{API}/{a}/cancel", headers=lead, json={"reason": "Trùng lịch của xã"})
    assert r.json()["state"] == "cancelled"
    assert len(_events("meeting.postponed")) == 1 and len(_events("meeting.cancelled")) == 1
    r = client.post(f"{API}/{a}/reply", headers=world.h("member_a1"), json={"answer": "attend"})
    assert r.status_code == 409 and r.json()["current_state"] == "cancelled"


def test_reminding_those_who_have_not_answered(client, world):
    mid = make_meeting(world)
    client.post(f"{API}/{mid}/reply", headers=world.h("member_a1"), json={"answer": "attend"})
    r = client.post(f"{API}/{mid}/remind", headers=world.h("secretary_a1"))
    u = world.users
    assert r.json()["user_ids"] == sorted([u["member_a1b"], u["deputy_a1"], u["secretary_a1"]])
    [event] = _events("meeting.reply_reminder")
    assert u["secretary_a1"] not in event.audience["user_ids"]  # never the one who reminds
    again = client.post(f"{API}/{mid}/remind", headers=world.h("secretary_a1")).json()
    assert again["reminded"] == 0  # at most hourly


def test_a_monthly_schedule_creates_each_month_once(client, world):
    r = client.post(
        API,
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": "Sinh hoạt chi bộ định kỳ",
            "starts_at": (utcnow() + dt.timedelta(days=2)).isoformat(),
            "place": "Nhà văn hóa thôn",
            "recurrence": {"lead_days": 14},
        },
    )
    assert r.status_code == 201, r.text
    first = r.json()
    later = utcnow() + dt.timedelta(days=25)
    with new_session() as s:
        assert recurrence.run_schedules(s, later) == 1
        assert recurrence.run_schedules(s, later) == 0
        s.commit()
        made = s.exec(
            select(Meeting)
            .where(Meeting.series_id == first["series_id"])
            .order_by(col(Meeting.starts_at))
        ).all()
    assert len(made) == 2
    assert made[1].period_key != made[0].period_key and made[1].published_at is None
    # Same local day and hour next month.
    assert made[1].starts_at.astimezone().hour == made[0].starts_at.astimezone().hour
    series = client.get(
        "/api/v1/meeting-series",
        headers=world.h("committee_a"),
        params={"cell_id": world.units["A1"]},
    ).json()
    assert series[0]["active"] is True
    # Next month's meeting is still a draft: the commune sees it planned and not held.
    local = made[1].starts_at.astimezone(VN_TZ).date()
    board = client.get(
        f"/api/v1/dashboards/units/{world.units['A1']}",
        headers=world.h("committee_a"),
        params={"from": str(local.replace(day=1)), "to": str(local)},
    ).json()
    assert (board["totals"]["meetings_planned"], board["totals"]["meetings_held"]) == (1, 0)


def test_minutes_and_their_assignments_are_one_step(client, world):
    mid = make_held(world)
    lead = world.h("secretary_a1")
    bad = client.put(
        f"{API}/{mid}/minutes",
        headers=lead,
        json={
            "content": "Nội dung",
            "assignments": [
                {"title": "Việc A", "due_at": (utcnow() + dt.timedelta(days=3)).isoformat(),
                 "assignee_ids": [world.users["member_a1"]]},
                {"title": "Việc B", "due_at": (utcnow() + dt.timedelta(days=3)).isoformat(),
                 "assignee_ids": [world.users["member_b1"]]},
            ],
        },
    )  # fmt: skip
    assert bad.status_code == 404
    assert bad.json()["errors"][0]["field"] == "assignments.1.assignee_ids.0"
    detail = client.get(f"{API}/{mid}", headers=lead).json()
    assert detail["minutes"] is None  # nothing of the failed step was kept
    assert client.get("/api/v1/assignments", headers=world.h("member_a1")).json()["items"] == []
    r = client.post(f"{API}/{mid}/minutes/approve", headers=lead)
    assert r.status_code == 409  # no minutes written yet


def test_ratings_are_anonymous_once_each_and_only_aggregated(client, world):
    present = ("member_a1", "member_a1b", "deputy_a1")
    mid = make_held(world, present=present)
    scores = {
        "member_a1": (5, "Rất thiết thực"),
        "member_a1b": (3, None),
        "deputy_a1": (4, "Cần ngắn hơn"),
    }
    for i, who in enumerate(present):
        score, comment = scores[who]
        r = client.post(
            f"{API}/{mid}/rating", headers=world.h(who), json={"score": score, "comment": comment}
        )
        assert r.status_code == 204, r.text
        summary = client.get(f"{API}/{mid}/ratings", headers=world.h("committee_a")).json()
        # Below three ratings nothing but the count: two people could read each other's.
        assert summary["count"] == i + 1 and summary["shown"] is (i + 1 >= 3)
    again = client.post(f"{API}/{mid}/rating", headers=world.h("member_a1"), json={"score": 1})
    assert again.status_code == 409
    absent = client.post(f"{API}/{mid}/rating", headers=world.h("secretary_a1"), json={"score": 1})
    assert absent.status_code == 403
    summary = client.get(f"{API}/{mid}/ratings", headers=world.h("secretary_a1")).json()
    assert summary["average"] == 4.0
    assert summary["distribution"] == {"1": 0, "2": 0, "3": 1, "4": 1, "5": 1}
    assert summary["comments"] == ["Cần ngắn hơn", "Rất thiết thực"]  # by text, not by entry
    assert client.get(f"{API}/{mid}/ratings", headers=world.h("member_a1")).status_code == 404
    with new_session() as s:
        assert len(s.exec(select(MeetingRater)).all()) == 3
        rows = s.exec(select(MeetingRating)).all()
    # The rating rows name no one and carry no time; their keys are random, not a sequence.
    assert set(MeetingRating.model_fields) == {"id", "meeting_id", "score", "comment"}
    assert all(len(r.id) == 32 for r in rows)
