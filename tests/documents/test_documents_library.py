"""The member's library: filters, pages, what is new, bookmarks, private notes, study sets."""

from __future__ import annotations

import datetime as dt

from tests.documents.factory import make_document, make_study_set

API = "/api/v1"


def _library(client, world, who="member_a1", **params):
    r = client.get(f"{API}/documents", params=params, headers=world.h(who))
    assert r.status_code == 200, r.text
    return r.json()


def _three(world):
    a = make_document(world, symbol="10-NQ/ĐU", issued_on=dt.date(2025, 6, 1))
    b = make_document(
        world,
        symbol="04-KH/TU",
        kind="plan",
        issuer="P",
        publisher="publisher_p",
        issued_on=dt.date(2026, 2, 1),
        title="Kế hoạch của Tỉnh ủy về học tập",
        topics=["Học tập và làm theo Bác"],
    )
    c = make_document(
        world, symbol="03-TB/ĐU", kind="notice", issued_on=dt.date(2026, 9, 1), title="Thông báo"
    )
    return a, b, c


def test_newest_first_pages_and_filters(client, world):
    a, b, c = _three(world)
    assert [d["id"] for d in _library(client, world)["items"]] == [c, b, a]
    first = _library(client, world, limit=2)
    second = _library(client, world, limit=2, cursor=first["next_cursor"])
    assert [d["id"] for d in first["items"] + second["items"]] == [c, b, a]
    assert second["next_cursor"] is None
    assert [d["id"] for d in _library(client, world, kind="plan")["items"]] == [b]
    assert [d["id"] for d in _library(client, world, level="province")["items"]] == [b]
    assert [d["id"] for d in _library(client, world, level="commune")["items"]] == [c, a]
    assert [d["id"] for d in _library(client, world, issuer_id=world.units["A"])["items"]] == [c, a]
    assert [d["id"] for d in _library(client, world, year=2025)["items"]] == [a]
    assert [d["id"] for d in _library(client, world, topic="hoc tap va lam theo bac")["items"]] == [
        b
    ]
    item = _library(client, world, kind="plan")["items"][0]
    assert item["issuer"]["level"] == "Tỉnh ủy, Thành ủy" and item["kind_label"] == "Kế hoạch"


def test_a_page_larger_than_the_cap_is_cut_to_it(client, world, monkeypatch):
    from api.config import get_settings

    c, b, a = reversed(_three(world))
    monkeypatch.setattr(get_settings(), "page_limit_max", 2)
    page = _library(client, world, limit=1000)  # capped, not an error
    assert [d["id"] for d in page["items"]] == [c, b] and page["next_cursor"]


def test_drafts_are_listed_for_their_publishers_only(client, world):
    draft = make_document(world, symbol="30-NQ/ĐU", publish=False)
    assert [d["id"] for d in _library(client, world, "publisher_a", status="draft")["items"]] == [
        draft
    ]
    assert _library(client, world, "member_a1", status="draft")["items"] == []
    assert draft not in [d["id"] for d in _library(client, world, "publisher_a")["items"]]


def test_what_is_new_since_the_member_last_looked(client, world):
    a = make_document(world)
    assert _library(client, world)["items"][0]["is_new"] is True
    r = client.post(f"{API}/library/seen", headers=world.h("member_a1"))
    assert r.status_code == 200 and r.json()["last_seen_at"]
    assert _library(client, world)["items"][0]["is_new"] is False
    assert _library(client, world, "member_a1b")["items"][0]["is_new"] is True
    b = make_document(world, symbol="11-NQ/ĐU")
    news = {d["id"]: d["is_new"] for d in _library(client, world)["items"]}
    assert news == {a: False, b: True}
    client.post(f"{API}/documents/{b}/read", headers=world.h("member_a1"))
    assert {d["id"]: d["is_new"] for d in _library(client, world)["items"]}[b] is False


def test_bookmarks_and_private_notes(client, world):
    doc = make_document(world)
    url = f"{API}/documents/{doc}"
    h = world.h("member_a1")
    r = client.put(f"{url}/bookmark", headers=h)
    assert r.status_code == 200 and r.json()["receipt"]["bookmarked"] is True
    assert client.put(f"{url}/bookmark", headers=h).json()["receipt"]["bookmarked"] is True
    assert [d["id"] for d in _library(client, world, bookmarked=True)["items"]] == [doc]
    assert _library(client, world, "member_a1b", bookmarked=True)["items"] == []
    note = "Liên hệ bản thân: giúp bà con thôn Đông cài ứng dụng."
    r = client.put(f"{url}/note", json={"note": note}, headers=h)
    assert r.status_code == 200 and r.json()["receipt"]["note"] == note
    assert client.get(url, headers=h).json()["receipt"]["note"] == note
    for other in ("member_a1b", "secretary_a1", "committee_a", "publisher_p"):
        assert client.get(url, headers=world.h(other)).json()["receipt"]["note"] is None
    assert client.delete(f"{url}/note", headers=h).json()["receipt"]["note"] is None
    assert client.delete(f"{url}/bookmark", headers=h).json()["receipt"]["bookmarked"] is False
    r = client.put(f"{url}/note", json={"note": "x" * 10_001}, headers=h)
    assert r.status_code == 422 and r.headers["content-type"].startswith("application/problem+json")

    from sqlalchemy import select

    from api.audit.models import AuditEvent
    from api.db import new_session

    with new_session() as s:
        trail = list(
            s.execute(select(AuditEvent).where(AuditEvent.action == "document.note")).scalars()
        )
    assert trail and all(note not in str(e.after) for e in trail)  # the text stays private


def test_receipts_need_a_published_document(client, world):
    draft = make_document(world, symbol="31-NQ/ĐU", publish=False)
    r = client.post(f"{API}/documents/{draft}/acknowledge", headers=world.h("publisher_a"))
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    doc = make_document(world)
    r = client.post(
        f"{API}/documents/{doc}/acknowledge", json={"version": 9}, headers=world.h("member_a1")
    )
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "version"


def test_a_study_set_shows_each_members_progress(client, world):
    a = make_document(world, symbol="10-NQ/ĐU")
    b = make_document(world, symbol="11-NQ/ĐU")
    c = make_document(world, symbol="05-TB/ĐU", kind="notice", audience=["A1"])
    set_id = make_study_set(world, [c, a, b])
    client.post(f"{API}/documents/{a}/acknowledge", headers=world.h("member_a1"))
    mine = client.get(f"{API}/study-sets/{set_id}", headers=world.h("member_a1")).json()
    assert [i["document"]["id"] for i in mine["items"]] == [c, a, b]
    assert mine["progress"] == {"acknowledged": 1, "total": 3, "rate": 0.3333, "rate_text": "33,3%"}
    # member_a2 is not in cell A1's audience: two documents, none studied.
    theirs = client.get(f"{API}/study-sets/{set_id}", headers=world.h("member_a2")).json()
    assert theirs["progress"]["total"] == 2 and theirs["progress"]["acknowledged"] == 0
    listed = client.get(f"{API}/study-sets", headers=world.h("member_a1")).json()["items"]
    assert [(s["id"], s["progress"]["acknowledged"]) for s in listed] == [(set_id, 1)]
    r = client.patch(
        f"{API}/study-sets/{set_id}", json={"document_ids": [b, a]}, headers=world.h("publisher_a")
    )
    assert r.status_code == 200 and [i["document"]["id"] for i in r.json()["items"]] == [b, a]
    draft = make_document(world, symbol="40-NQ/ĐU", publish=False)
    r = client.patch(
        f"{API}/study-sets/{set_id}", json={"document_ids": [draft]}, headers=world.h("publisher_a")
    )
    assert r.status_code == 404 and r.json()["errors"][0]["field"] == "document_ids"
    assert client.get(f"{API}/study-sets/{set_id}", headers=world.h("member_b1")).status_code == 404
