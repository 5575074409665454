"""The demo: the secretary's cell has a planned meeting with materials to publish, and the
commune's cells held last month's meeting with attendance that the dashboard counts."""

from __future__ import annotations

from sqlmodel import select

from api.auth.service import start_bearer_session
from api.db import new_session
from api.members.models import User

API = "/api/v1"


def test_demo_meeting_is_ready_to_publish(client):
    from seed.demo import seed_demo

    seed_demo()
    with new_session() as s:
        secretary = s.exec(select(User).where(User.party_card_number == "10000002")).one()
        member = s.exec(select(User).where(User.party_card_number == "10000001")).one()
        lead = {"Authorization": "Bearer " + start_bearer_session(s, secretary, "t", None)[0]}
        me = {"Authorization": "Bearer " + start_bearer_session(s, member, "t", None)[0]}
        same_cell = member.cell_id == secretary.cell_id
        s.commit()
    found = client.get(f"{API}/meetings", headers=lead, params={"upcoming": "true"}).json()["items"]
    planned = [m for m in found if not m["published"]]
    assert planned and planned[0]["state"] == "planned"
    meeting = planned[0]
    assert len(meeting["materials"]) >= 1 and all(m["title"] for m in meeting["materials"])
    r = client.post(f"{API}/meetings/{meeting['id']}/publish", headers=lead)
    assert r.status_code == 200, r.text
    assert r.json()["counts"]["invited"] >= 3
    if same_cell:
        mine = client.get(f"{API}/meetings", headers=me, params={"upcoming": "true"}).json()
        assert meeting["id"] in [m["id"] for m in mine["items"]]
    history = client.get(f"{API}/meetings", headers=lead).json()["items"]
    held = [m for m in history if m["state"] == "held"]
    assert held and held[0]["counts"]["present"] > 0
