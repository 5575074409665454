"""The demo's assignments: several states, some overdue, histories that lead to each state."""

from __future__ import annotations

from collections import Counter

from sqlmodel import col, select

from api.assignments.models import AssignmentEvent, AssignmentRecord
from api.auth.service import start_bearer_session
from api.db import new_session
from api.members.models import User
from api.org.models import OrgUnit


def test_demo_assignments_through_the_api(client):
    from seed.demo import seed_demo

    seed_demo()
    with new_session() as s:
        secretary = s.exec(select(User).where(User.party_card_number == "10000002")).one()
        member = s.exec(select(User).where(User.party_card_number == "10000001")).one()
        cell = s.get(OrgUnit, secretary.cell_id)
        tokens = {
            who: start_bearer_session(s, u, "pytest", None)[0]
            for who, u in (("secretary", secretary), ("member", member))
        }
        s.commit()
        # Every record's last state change ends in its current state.
        last: dict[int, str] = {}
        for ev in s.exec(
            select(AssignmentEvent)
            .where(
                col(AssignmentEvent.to_state).is_not(None),
                col(AssignmentEvent.record_id).is_not(None),
            )
            .order_by(col(AssignmentEvent.id))
        ):
            last[ev.record_id] = ev.to_state  # type: ignore[index]
        records = list(s.exec(select(AssignmentRecord)))
        assert all(last.get(r.id, "assigned") == r.state for r in records)
        assert set(Counter(r.state for r in records)) == {
            "assigned",
            "in_progress",
            "submitted",
            "approved",
            "returned",
            "cancelled",
        }

    lead = {"Authorization": f"Bearer {tokens['secretary']}"}
    page = client.get(
        "/api/v1/assignments",
        params={"scope": "cell", "cell_id": cell.id, "limit": 100},  # type: ignore[union-attr]
        headers=lead,
    ).json()
    items = page["items"]
    assert len(items) >= 6
    assert any(a["kind"] == "regular" and a["period_label"] for a in items)
    assert any(a["counts"]["overdue"] for a in items)
    assert any(d["symbol"] == "57-NQ/TW" for a in items for d in a["documents"])
    mine = client.get(
        "/api/v1/assignments", headers={"Authorization": f"Bearer {tokens['member']}"}
    ).json()["items"]
    assert mine and all(len(a["records"]) == 1 for a in mine)
