"""Study dashboards: who of a document's audience read and acknowledged its current version."""

from __future__ import annotations

from sqlmodel import select

from api.audit.models import AuditEvent
from api.db import new_session
from tests.documents.factory import make_document

API = "/api/v1"
A1_MEMBERS = ("member_a1", "member_a1b", "secretary_a1", "deputy_a1")
A2_MEMBERS = ("member_a2", "committee_a", "publisher_a", "admin_a")


def _study(client, w, who, unit, **params):
    r = client.get(
        f"{API}/dashboards/units/{w.units[unit]}/documents", headers=w.h(who), params=params
    )
    assert r.status_code == 200, r.text
    return r.json()


def _ack(client, w, who, doc):
    r = client.post(f"{API}/documents/{doc}/acknowledge", headers=w.h(who), json={})
    assert r.status_code == 200, r.text


def _read(client, w, who, doc):
    r = client.post(f"{API}/documents/{doc}/read", headers=w.h(who))
    assert r.status_code == 200, r.text


def test_commune_rates_by_cell_for_the_current_version(client, world):
    w = world
    doc = make_document(w)  # the commune's resolution, to its whole subtree
    _ack(client, w, "member_a1", doc)
    _ack(client, w, "member_a2", doc)
    _read(client, w, "member_a1b", doc)
    board = _study(client, w, "committee_a", "A")
    (item,) = board["items"]
    assert item["document"]["id"] == doc
    assert item["totals"] == {
        "audience": 8,
        "read": 3,
        "acknowledged": 2,
        "read_rate": round(3 / 8, 4),
        "acknowledgement_rate": 0.25,
    }
    kids = {c["unit"]["code"]: c["totals"] for c in item["children"]}
    assert kids["A1"]["audience"] == 4 and kids["A1"]["acknowledged"] == 1
    assert kids["A1"]["read"] == 2
    assert kids["A2"]["audience"] == 4 and kids["A2"]["acknowledged"] == 1
    assert item["not_acknowledged"] is None  # names only at a cell or through the drill-down

    # A substantive revision asks everyone again.
    r = client.patch(
        f"{API}/documents/{doc}",
        headers=w.h("publisher_a"),
        json={"summary": "Bổ sung chỉ tiêu năm 2027.", "substantive": True},
    )
    assert r.status_code == 200, r.text
    item = _study(client, w, "committee_a", "A")["items"][0]
    assert item["document"]["version"] == 2
    assert item["totals"]["acknowledged"] == 0 and item["totals"]["audience"] == 8


def test_cell_lists_who_has_not_acknowledged(client, world):
    w = world
    doc = make_document(w)
    _ack(client, w, "member_a1", doc)
    _read(client, w, "member_a1b", doc)
    board = _study(client, w, "secretary_a1", "A1")
    (item,) = board["items"]
    pending = {m["id"]: m for m in item["not_acknowledged"]}
    assert set(pending) == {w.users[n] for n in ("member_a1b", "secretary_a1", "deputy_a1")}
    assert pending[w.users["member_a1b"]]["read"] is True
    assert pending[w.users["deputy_a1"]]["read"] is False
    assert item["totals"]["audience"] == 4 and item["children"] == []
    with new_session() as s:
        actions = set(s.exec(select(AuditEvent.action)))
    assert "dashboard.study_members_viewed" in actions


def test_documents_of_other_units_are_not_counted(client, world):
    w = world
    mine = make_document(w)
    # The province to commune B only: not studied anywhere under A.
    theirs = make_document(
        w, symbol="05-KH/TU", kind="plan", issuer="P", publisher="publisher_p", audience=["B"]
    )
    ids = [i["document"]["id"] for i in _study(client, w, "committee_a", "A")["items"]]
    assert ids == [mine]
    url = f"{API}/dashboards/units/{w.units['A']}/documents/{theirs}"
    assert client.get(url, headers=w.h("committee_a")).status_code == 404
    # A province-wide document reaches A from above.
    wide = make_document(
        w, symbol="06-KH/TU", kind="plan", issuer="P", publisher="publisher_p", audience=["P"]
    )
    ids = [i["document"]["id"] for i in _study(client, w, "committee_a", "A")["items"]]
    assert set(ids) == {mine, wide}


def test_overlapping_audiences_count_each_member_once(client, world):
    w = world
    doc = make_document(w, audience=["A", "A1"])
    item = _study(client, w, "committee_a", "A")["items"][0]
    assert item["document"]["id"] == doc
    assert item["totals"]["audience"] == 8


def test_drill_down_pages_through_members_yet_to_study(client, world):
    w = world
    doc = make_document(w)
    _ack(client, w, "member_a2", doc)
    url = f"{API}/dashboards/units/{w.units['A']}/documents/{doc}"
    seen, cursor = [], None
    while True:
        params = {"limit": 3} | ({"cursor": cursor} if cursor else {})
        r = client.get(url, headers=w.h("committee_a"), params=params)
        assert r.status_code == 200, r.text
        body = r.json()
        assert len(body["items"]) <= 3
        seen += body["items"]
        cursor = body["next_cursor"]
        if cursor is None:
            break
    expected = {w.users[n] for n in A1_MEMBERS + A2_MEMBERS} - {w.users["member_a2"]}
    assert [m["id"] for m in seen] and {m["id"] for m in seen} == expected
    assert len(seen) == len(expected)
    # Grouped by cell (path order), each cell's members in Vietnamese name order.
    cells = [m["cell"]["code"] for m in seen]
    assert cells == sorted(cells, key=lambda c: w.units[c])
    assert body["document"]["totals"]["acknowledged"] == 1
    bad = client.get(url, headers=w.h("committee_a"), params={"cursor": "không-phải"})
    assert bad.status_code == 422
