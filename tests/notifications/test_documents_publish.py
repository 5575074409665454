"""Done means: publishing a document to a commune pushes once to each member's devices
(decrypted to the right Vietnamese title) and puts one row in each inbox."""

from __future__ import annotations

from api.notifications import tasks
from tests.notifications.conftest import rows, subscribe

API = "/api/v1"
COMMUNE_A = [
    "member_a1",
    "member_a1b",
    "member_a2",
    "secretary_a1",
    "deputy_a1",
    "committee_a",
    "admin_a",
]


def test_publish_through_the_documents_api(client, world, receiver):
    for who in COMMUNE_A + ["publisher_a", "member_b1"]:
        subscribe(client, world, who, receiver, who)
    body = {
        "kind": "resolution",
        "symbol": "12-NQ/ĐU",
        "title": "Nghị quyết về xây dựng chi bộ “bốn tốt” năm 2026",
        "summary": "Mỗi chi bộ sinh hoạt đúng quy định.",
        "body": "Mỗi **đảng viên** nêu gương.",
        "issuer_id": world.units["A"],
        "issued_on": "2026-05-04",
    }
    doc = client.post(f"{API}/documents", json=body, headers=world.h("publisher_a")).json()
    r = client.post(f"{API}/documents/{doc['id']}/publish", headers=world.h("publisher_a"))
    assert r.status_code == 200, r.text
    assert tasks.drain()
    assert receiver.errors == []
    # Every member of the commune's cells, once; not the publisher who acted; not commune B.
    assert sorted(x.device for x in receiver.received) == sorted(COMMUNE_A)
    assert {x.payload["title"] for x in receiver.received} == {"Văn bản mới: 12-NQ/ĐU"}
    assert {x.payload["url"] for x in receiver.received} == {f"/documents/{doc['id']}"}
    inbox = rows("SELECT user_id, count(*) FROM notifications GROUP BY user_id")
    assert sorted(u for u, _ in inbox) == sorted(world.users[w] for w in COMMUNE_A)
    assert all(n == 1 for _, n in inbox)
    first = client.get(f"{API}/notifications", headers=world.h("member_a2")).json()["items"][0]
    assert first["title"] == "Văn bản mới: 12-NQ/ĐU" and first["object_id"] == doc["id"]
