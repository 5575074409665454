"""Documents from draft to archive, as publishers and members experience them."""

from __future__ import annotations

from sqlalchemy import func, select

from tests.documents.factory import make_document

API = "/api/v1"


def _new(w, **over):
    body = {
        "kind": "resolution",
        "symbol": "12-NQ/ĐU",
        "title": "Nghị quyết về xây dựng chi bộ “bốn tốt” năm 2026",
        "summary": "Đảng bộ xã Vĩnh An đặt mục tiêu 100% chi bộ sinh hoạt đúng quy định.",
        "body": "## Mục tiêu\n\nMỗi **đảng viên** nêu gương.<script>alert(1)</script>"
        '<img src="https://tracker.example/p.gif">'
        '<a href="https://vinhan.gov.vn" onclick="x()">Cổng</a>',
        "issuer_id": w.units["A"],
        "issued_on": "2026-05-04",
        "topics": ["Xây dựng Đảng", "Sinh hoạt chi bộ"],
    }
    body.update(over)
    return body


def _ids(r):
    assert r.status_code == 200, r.text
    return [d["id"] for d in r.json()["items"]]


def _outbox():
    from api.db import new_session
    from api.notifications.models import NotificationEvent

    with new_session() as s:
        return list(s.execute(select(NotificationEvent).order_by(NotificationEvent.id)).scalars())


def test_a_commune_publication_reaches_its_members_and_nobody_else(client, world):
    r = client.post(f"{API}/documents", json=_new(world), headers=world.h("publisher_a"))
    assert r.status_code == 201, r.text
    doc = r.json()
    assert doc["status"] == "draft" and doc["symbol_parts"] == {
        "number": 12,
        "code": "NQ",
        "issuer": "ĐU",
    }
    # Sanitized: no script, no tracking image, links cannot reach back to the opener.
    html = doc["body_html"]
    assert "<script" not in html and "tracker.example" not in html and "onclick" not in html
    assert 'rel="noopener noreferrer"' in html and "<strong>đảng viên</strong>" in html
    url = f"{API}/documents/{doc['id']}"
    assert client.get(url, headers=world.h("member_a1")).status_code == 404  # a draft
    assert doc["id"] not in _ids(client.get(f"{API}/documents", headers=world.h("member_a1")))

    r = client.post(f"{url}/publish", headers=world.h("publisher_a"))
    assert r.status_code == 200 and r.json()["status"] == "published"

    for who in ("member_a1", "member_a2", "secretary_a1"):
        assert doc["id"] in _ids(client.get(f"{API}/documents", headers=world.h(who)))
        found = client.get(f"{API}/documents", params={"q": "chi bo bon tot"}, headers=world.h(who))
        assert _ids(found) == [doc["id"]]
        assert client.get(url, headers=world.h(who)).json()["receipt"]["needs_acknowledgement"]
    for who in ("member_b1", "secretary_b1", "committee_b"):
        assert doc["id"] not in _ids(client.get(f"{API}/documents", headers=world.h(who)))
        found = client.get(f"{API}/documents", params={"q": "chi bo bon tot"}, headers=world.h(who))
        assert _ids(found) == []
        assert client.get(url, headers=world.h(who)).status_code == 404

    events = _outbox()
    assert [(e.kind, e.dedupe_key, e.title) for e in events] == [
        ("document.published", f"document.published:{doc['id']}:v1", "Văn bản mới: 12-NQ/ĐU")
    ]
    assert events[0].audience == {"unit_paths": [f"/1/2/{world.units['A']}/"]}
    assert events[0].url == f"/documents/{doc['id']}" and events[0].topic == f"doc-{doc['id']}"


def test_acknowledging_twice_changes_nothing(client, world):
    doc = make_document(world)
    url = f"{API}/documents/{doc}/acknowledge"
    first = client.post(url, headers=world.h("member_a1"))
    second = client.post(url, headers=world.h("member_a1"))
    assert first.status_code == second.status_code == 200
    assert first.json()["receipt"] == second.json()["receipt"]
    receipt = first.json()["receipt"]
    assert receipt["acknowledged"] and receipt["read"] and not receipt["needs_acknowledgement"]

    from api.audit.models import AuditEvent
    from api.db import new_session

    with new_session() as s:
        n = s.execute(
            select(func.count()).where(AuditEvent.action == "document.acknowledge")
        ).scalar()
    assert n == 1
    # Another member's receipt is untouched and never visible to them.
    other = client.get(f"{API}/documents/{doc}", headers=world.h("member_a1b")).json()
    assert other["receipt"]["acknowledged"] is False


def test_a_replayed_acknowledgement_is_answered_from_the_first(client, world):
    doc = make_document(world)
    url = f"{API}/documents/{doc}/acknowledge"
    headers = {**world.h("member_a1"), "Idempotency-Key": "ack-offline-1"}
    first = client.post(url, headers=headers)
    again = client.post(url, headers=headers)
    assert again.status_code == 200 and again.headers.get("idempotent-replayed") == "true"
    assert again.json() == first.json()
    other = client.post(url, headers=headers, json={"version": 1})
    assert other.status_code == 422  # same key, another body


def test_a_substantive_revision_asks_again_and_keeps_the_old_version(client, world):
    doc = make_document(world)
    url = f"{API}/documents/{doc}"
    client.post(f"{url}/acknowledge", headers=world.h("member_a1"))

    minor = client.patch(url, json={"summary": "Sửa lỗi chính tả."}, headers=world.h("publisher_a"))
    assert minor.status_code == 200 and minor.json()["version"] == 1
    assert client.get(url, headers=world.h("member_a1")).json()["receipt"]["acknowledged"]
    assert len(_outbox()) == 1

    revised = client.patch(
        url,
        json={
            "title": "Nghị quyết về chuyển đổi số (sửa đổi, bổ sung)",
            "body": "Nội dung mới: thêm chỉ tiêu 100% đảng viên dùng Sổ tay.",
            "substantive": True,
            "change_note": "Bổ sung chỉ tiêu",
        },
        headers=world.h("publisher_a"),
    )
    assert revised.status_code == 200 and revised.json()["version"] == 2
    mine = client.get(url, headers=world.h("member_a1")).json()
    assert mine["receipt"]["acknowledged"] is False
    assert mine["receipt"]["needs_acknowledgement"] is True
    assert mine["receipt"]["acknowledged_versions"] == [1]
    assert mine["is_new"] is True

    versions = client.get(f"{url}/versions", headers=world.h("member_a1")).json()
    assert [(v["version"], v["current"]) for v in versions] == [(2, True), (1, False)]
    old = client.get(f"{url}/versions/1", headers=world.h("member_a1")).json()
    assert old["title"] == "Nghị quyết về chuyển đổi số trong Đảng bộ xã"
    assert client.get(f"{url}/versions/3", headers=world.h("member_a1")).status_code == 404

    events = _outbox()
    assert [e.kind for e in events] == ["document.published", "document.revised"]
    assert events[1].dedupe_key == f"document.published:{doc}:v2"

    again = client.post(f"{url}/acknowledge", headers=world.h("member_a1")).json()
    assert again["receipt"]["acknowledged_versions"] == [1, 2]


def test_a_substantive_edit_that_changes_no_text_does_not_ask_again(client, world):
    doc = make_document(world)
    url = f"{API}/documents/{doc}"
    client.post(f"{url}/acknowledge", headers=world.h("member_a1"))
    current = client.get(url, headers=world.h("publisher_a")).json()
    same = client.patch(
        url,
        json={"title": current["title"], "topics": ["Chuyển đổi số"], "substantive": True},
        headers=world.h("publisher_a"),
    )
    assert same.status_code == 200 and same.json()["version"] == 1
    mine = client.get(url, headers=world.h("member_a1")).json()
    assert mine["receipt"]["acknowledged"] is True
    assert [e.kind for e in _outbox()] == ["document.published"]  # nobody is told again


def test_archived_documents_are_marked_and_read_only(client, world):
    doc = make_document(world)
    url = f"{API}/documents/{doc}"
    r = client.post(f"{url}/archive", headers=world.h("publisher_a"))
    assert r.status_code == 200 and r.json()["archived"] is True
    listed = client.get(f"{API}/documents", headers=world.h("member_a1")).json()["items"]
    assert [(d["id"], d["archived"]) for d in listed] == [(doc, True)]
    r = client.patch(url, json={"title": "Không sửa được"}, headers=world.h("publisher_a"))
    assert r.status_code == 409 and r.headers["content-type"].startswith("application/problem+json")
    assert client.post(f"{url}/archive", headers=world.h("publisher_a")).status_code == 409
    assert client.post(f"{url}/publish", headers=world.h("publisher_a")).status_code == 409
    assert client.delete(url, headers=world.h("publisher_a")).status_code == 409


def test_a_replaced_document_shows_what_replaced_it(client, world):
    old = make_document(world, symbol="07-HD/ĐU", kind="guidance", title="Hướng dẫn cũ")
    new = make_document(
        world, symbol="12-HD/ĐU", kind="guidance", title="Hướng dẫn mới", replaces=[old]
    )
    seen = client.get(f"{API}/documents/{old}", headers=world.h("member_a1")).json()
    assert seen["replaced"] is True
    assert [(d["id"], d["symbol"]) for d in seen["replaced_by"]] == [(new, "12-HD/ĐU")]
    newer = client.get(f"{API}/documents/{new}", headers=world.h("member_a1")).json()
    assert [d["id"] for d in newer["replaces"]] == [old] and newer["replaced"] is False


def test_bad_input_gets_problem_json(client, world):
    h = world.h("publisher_a")
    cases = [
        (_new(world, symbol="NQ 12"), 422, "symbol", "field.bad_symbol"),
        (_new(world, symbol="12-CT/ĐU"), 422, "symbol", "field.symbol_kind_mismatch"),
        (_new(world, kind="edict"), 422, "kind", "field.bad_choice"),
        (_new(world, effective_on="2026-01-01"), 422, "effective_on",
         "field.effective_before_issued"),
        (_new(world, issued_on="1800-01-01"), 422, "issued_on", "field.date_out_of_range"),
        (_new(world, issued_on="31/02/2026"), 422, "issued_on", "field.not_date"),
        (_new(world, audience_unit_ids=[world.units["B1"]]), 422, "audience_unit_ids",
         "field.audience_outside_issuer"),
        (_new(world, audience_unit_ids=[2**50]), 404, "audience_unit_ids", "field.unit_not_found"),
        (_new(world, issuer_id=2**60), 422, "issuer_id", "field.too_big"),
        (_new(world, issuer_id=world.units["B"]), 404, "issuer_id", "field.unit_not_found"),
        (_new(world, replaces_ids=[999999]), 404, "replaces_ids", "field.document_not_found"),
        (_new(world, title=""), 422, "title", "field.too_short"),
        (_new(world, body="x" * 500_001), 422, "body", "field.too_long"),
        (_new(world, colour="red"), 422, "colour", "field.extra"),
        (_new(world, topics=["a"] * 11), 422, "topics", "field.too_long"),
    ]  # fmt: skip
    for body, status, field, code in cases:
        r = client.post(f"{API}/documents", json=body, headers=h)
        assert r.status_code == status, (field, r.text)
        assert r.headers["content-type"].startswith("application/problem+json")
        assert r.json()["title"] and r.json()["title_en"]
        assert {"field": field, "code": code} in [
            {"field": e["field"], "code": e["code"]} for e in r.json()["errors"]
        ], r.text
    assert client.post(f"{API}/documents", json=_new(world), headers=h).status_code == 201
    r = client.post(f"{API}/documents", json=_new(world, symbol="12-nq/du"), headers=h)
    assert r.status_code == 409 and r.json()["errors"][0]["code"] == "field.symbol_taken"
    for url in ("/documents/0", "/documents/99999999999999999999", "/documents/abc"):
        r = client.get(API + url, headers=h)
        assert r.status_code in (404, 422) and "problem+json" in r.headers["content-type"]
    # Query checks FastAPI makes name the parameter's place; the cursor is read by the app.
    for params, field in (
        ({"limit": 10**9}, "query.limit"),
        ({"year": 10**12}, "query.year"),
        ({"cursor": "not-a-cursor"}, "cursor"),
        ({"q": "x" * 201}, "query.q"),
    ):
        r = client.get(f"{API}/documents", params=params, headers=h)
        assert r.status_code == 422 and "problem+json" in r.headers["content-type"], params
        assert [e["field"] for e in r.json()["errors"]] == [field], r.text


def test_drafts_can_be_discarded_and_nothing_remains(client, world):
    doc = make_document(world, publish=False)
    url = f"{API}/documents/{doc}"
    assert client.delete(url, headers=world.h("publisher_a")).status_code == 204
    assert client.get(url, headers=world.h("publisher_a")).status_code == 404
    r = client.get(
        f"{API}/documents", params={"q": "chuyen doi so"}, headers=world.h("publisher_a")
    )
    assert _ids(r) == []


def test_a_member_moved_to_another_cell_reads_what_the_new_cell_reads(client, world):
    doc = make_document(world, symbol="05-TB/ĐU", kind="notice", audience=["A1"])
    url = f"{API}/documents/{doc}"
    assert client.get(url, headers=world.h("member_a2")).status_code == 404
    r = client.patch(
        f"{API}/members/{world.users['member_a2']}",
        json={"cell_id": world.units["A1"]},
        headers=world.h("admin_a"),
    )
    assert r.status_code == 200, r.text
    assert client.get(url, headers=world.h("member_a2")).status_code == 200
