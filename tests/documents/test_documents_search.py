"""The shared search table: the same queries give the same documents on SQLite and PostgreSQL.

The demo texts (seed.demo_documents) are published into the test world, their issuers
mapped onto it: Trung ương → TW, the province → P, commune Vĩnh An → A, its cells → A1/A2,
the other commune's unit → B. Searches run as member_a1 (cell A1), who may read everything
but the document of commune B.
"""

from __future__ import annotations

import pytest

from api.authz import Grant, Principal
from seed.demo_documents import DOCUMENTS

API = "/api/v1"
UNIT_OF = {"TW": "TW", "HY": "P", "HY-VA": "A", "HY-VA-01": "A1", "HY-VA-02": "A2", "HY-SN-CT": "B"}

# query → the symbols member_a1 must get (as a set: ranking may differ between databases).
SEARCH_TABLE: list[tuple[str, set[str]]] = [
    # symbols, typed every way (18-KH/ĐU and 04-KH/TU cite 57-NQ/TW and 204-QĐ/TW)
    ("57-NQ/TW", {"57-NQ/TW", "18-KH/ĐU"}),
    ("57-nq/tw", {"57-NQ/TW", "18-KH/ĐU"}),
    ("57-NQ", {"57-NQ/TW", "18-KH/ĐU"}),
    ("57NQ", {"57-NQ/TW", "18-KH/ĐU"}),
    ("NQ 57", {"57-NQ/TW", "18-KH/ĐU"}),
    ("204-QĐ/TW", {"204-QĐ/TW", "04-KH/TU"}),
    ("204-QD/TW", {"204-QĐ/TW", "04-KH/TU"}),
    ("204", {"204-QĐ/TW", "04-KH/TU"}),
    ("03-QĐi/ĐU", {"03-QĐi/ĐU"}),
    ("03-qdi/du", {"03-QĐi/ĐU"}),
    # words: with or without diacritics, any order, any case, đ typed as d
    ("đổi mới sáng tạo", {"57-NQ/TW", "18-KH/ĐU"}),
    ("doi moi sang tao", {"57-NQ/TW", "18-KH/ĐU"}),
    ("sang tao doi moi", {"57-NQ/TW", "18-KH/ĐU"}),
    ("DOI MOI SANG TAO", {"57-NQ/TW", "18-KH/ĐU"}),
    ("tiết kiệm chống lãng phí", {"09-TL/TU", "05-TB/CB"}),
    ("tiet kiem chong lang phi", {"09-TL/TU", "05-TB/CB"}),
    ("ho chi minh", {"05-CT/TW", "09-TL/TU", "112-CV/ĐU", "07-HD/TU", "05-TB/CB", "18-KH/ĐU"}),
    ("Hồ Chí Minh", {"05-CT/TW", "09-TL/TU", "112-CV/ĐU", "07-HD/TU", "05-TB/CB", "18-KH/ĐU"}),
    ("đảng viên cao tuổi", {"112-CV/ĐU", "05-TB/CB", "07-HD/TU", "18-KH/ĐU", "12-HD/TU"}),
    ("dang vien cao tuoi", {"112-CV/ĐU", "05-TB/CB", "07-HD/TU", "18-KH/ĐU", "12-HD/TU"}),
    ("nha van hoa thon dong", {"05-TB/CB", "09-TL/TU", "18-KH/ĐU", "31-KL/TU"}),
    ("sinh hoat chi bo dinh ky thang 10", {"05-TB/CB", "03-QĐi/ĐU"}),
    ("kinh doanh nam 2026", {"31-KL/TU", "03-QĐi/ĐU"}),  # not 07-NQ/ĐU: another commune's
    # the last word as typed so far
    ("chong lang ph", {"09-TL/TU", "05-TB/CB", "31-KL/TU"}),
    # near misses
    ("sang taoo doi moi", {"57-NQ/TW", "18-KH/ĐU"}),
    # nothing
    ("xyzzy quux", set()),
    ("!!!", set()),
]


def _publisher_for(unit_id: int, path: str, user_id: int) -> Principal:
    return Principal(
        user_id=user_id,
        full_name="Văn phòng",
        cell_id=None,
        cell_path=None,
        grants=[Grant(id=0, unit_id=unit_id, unit_path=path, role="publisher")],
    )


@pytest.fixture
def library(world):
    """The demo documents published into the world; symbol → id."""
    from api.db import new_session
    from api.documents import service
    from api.documents.schemas import DocumentCreate
    from api.org.models import OrgUnit

    ids: dict[str, int] = {}
    with new_session() as s:
        for seed in sorted(DOCUMENTS, key=lambda d: (d.issued_on, d.symbol)):
            unit = s.get(OrgUnit, world.units[UNIT_OF[seed.issuer_code]])
            p = _publisher_for(unit.id, unit.path, world.users["publisher_a"])
            audience = None
            if seed.audience_codes:
                audience = [world.units[UNIT_OF[c]] for c in seed.audience_codes]
            doc = service.create_document(
                s,
                p,
                DocumentCreate(
                    kind=seed.kind,
                    symbol=seed.symbol,
                    title=seed.title,
                    summary=seed.summary,
                    body=seed.body_markdown,
                    issuer_id=unit.id,
                    issued_on=seed.issued_on,
                    effective_on=seed.effective_on,
                    topics=list(seed.topics),
                    audience_unit_ids=audience,
                    replaces_ids=[ids[seed.replaces_symbol]] if seed.replaces_symbol else [],
                ),
            )
            service.publish(s, p, doc, unit)
            ids[seed.symbol] = doc.id
        s.commit()
    return ids


def _search(client, world, q, who="member_a1", **params):
    r = client.get(f"{API}/documents", params={"q": q, "limit": 50, **params}, headers=world.h(who))
    assert r.status_code == 200, r.text
    return r.json()


def test_the_search_table(client, world, library):
    failures = []
    for query, expected in SEARCH_TABLE:
        got = {d["symbol"] for d in _search(client, world, query)["items"]}
        if got != expected:
            failures.append(f"{query!r}: want {sorted(expected)}, got {sorted(got)}")
    assert not failures, "\n".join(failures)


def test_a_symbol_ranks_its_document_first(client, world, library):
    for query, symbol in (("57", "57-NQ/TW"), ("chuyen doi so 57", "57-NQ/TW")):
        items = _search(client, world, query)["items"]
        assert items and items[0]["symbol"] == symbol, (query, [d["symbol"] for d in items])


def test_search_respects_the_audience(client, world, library):
    def found(q, who):
        return {d["symbol"] for d in _search(client, world, q, who=who)["items"]}

    # The other commune's company resolution, and the province guidance everyone gets.
    assert found("may pho hien", "member_b1") == {"07-NQ/ĐU", "12-HD/TU"}
    assert found("may pho hien", "member_a1") == {"12-HD/TU"}
    # A letter addressed to two cells of Vĩnh An is not found outside them.
    assert "112-CV/ĐU" in found("ho tro dang vien cao tuoi", "member_a1")
    assert "112-CV/ĐU" not in found("ho tro dang vien cao tuoi", "committee_b")


def test_near_misses_are_corrected_the_same_way(client, world, library):
    page = _search(client, world, "sang taoo doi moi")
    assert page["corrected"] is True
    assert {d["symbol"] for d in page["items"]} == {"57-NQ/TW", "18-KH/ĐU"}
    assert _search(client, world, "doi moi sang tao")["corrected"] is False


def test_results_carry_an_escaped_highlighted_snippet(client, world, library):
    item = _search(client, world, "doi moi sang tao")["items"][0]
    assert (
        "<mark>đổi</mark> <mark>mới</mark> <mark>sáng</mark> <mark>tạo</mark>"
        in item["title_highlight"]
    )
    assert "<mark>" in item["snippet"] and "<script" not in item["snippet"]
    from tests.documents.factory import make_document

    make_document(
        world,
        symbol="99-TB/ĐU",
        kind="notice",
        title="Thông báo <b>thử</b> & kiểm tra",
        summary="Nội dung <script>alert('x')</script> kiểm tra",
    )
    item = _search(client, world, "kiem tra")["items"][0]
    assert (
        item["title_highlight"]
        == "Thông báo &lt;b&gt;thử&lt;/b&gt; &amp; <mark>kiểm</mark> <mark>tra</mark>"
    )
    assert "&lt;script&gt;" in item["snippet"]


def test_search_pages_and_filters_combine(client, world, library):
    first = _search(client, world, "chuyen doi so", limit=2)
    assert len(first["items"]) == 2 and first["next_cursor"]
    seen = [d["id"] for d in first["items"]]
    cursor = first["next_cursor"]
    while cursor:
        page = _search(client, world, "chuyen doi so", limit=2, cursor=cursor)
        seen += [d["id"] for d in page["items"]]
        cursor = page["next_cursor"]
    everything = [d["id"] for d in _search(client, world, "chuyen doi so")["items"]]
    assert sorted(seen) == sorted(everything) and len(set(seen)) == len(seen)
    central = _search(client, world, "chuyen doi so", level="central")["items"]
    assert {d["symbol"] for d in central} == {"57-NQ/TW", "204-QĐ/TW", "05-CT/TW"}
    assert {d["kind"] for d in _search(client, world, "chuyen doi so", kind="plan")["items"]} == {
        "plan"
    }
