"""The hot reads served by `in_one_thread` (caller, work and commit in one worker call)
answer as every other route does: who may call, what the answer carries, what errors say."""

from __future__ import annotations

import pytest

from tests.conftest import PASSWORD, member_with_temporary_password
from tests.documents.factory import make_document

API = "/api/v1"
HOT_READS = [
    f"{API}/notifications?limit=10",
    f"{API}/notifications/unread-count",
    f"{API}/documents?limit=20",
    f"{API}/documents?limit=20&q=chuy%E1%BB%83n%20%C4%91%E1%BB%95i",
    "DOCUMENT",
    f"{API}/assignments?scope=mine",
    f"{API}/sync",
]


def _url(url: str, doc_id: int) -> str:
    return f"{API}/documents/{doc_id}" if url == "DOCUMENT" else url


@pytest.mark.parametrize("url", HOT_READS)
def test_a_hot_read_needs_a_caller_with_a_password_of_their_own(client, world, url):
    doc_id = make_document(world)
    url = _url(url, doc_id)

    anonymous = client.get(url)
    assert anonymous.status_code == 401
    assert anonymous.headers["content-type"].startswith("application/problem+json")
    assert anonymous.headers["www-authenticate"] == "Bearer"
    assert anonymous.json()["type"] == "/problems/unauthorized"

    member_with_temporary_password(client, world, "77700002", "Tạm thời 2025 xyz")
    temporary = client.post(
        f"{API}/auth/token", data={"username": "77700002", "password": "Tạm thời 2025 xyz"}
    ).json()["access_token"]
    blocked = client.get(url, headers={"Authorization": f"Bearer {temporary}"})
    assert blocked.status_code == 403
    assert blocked.json()["type"] == "/problems/password-change-required"

    ok = client.get(url, headers=world.h("member_a1"))
    assert ok.status_code == 200, ok.text
    assert ok.headers["content-type"] == "application/json"
    assert ok.json()  # a body, not an empty answer


def test_the_pwa_cookie_signs_in_a_hot_read(client, world):
    doc_id = make_document(world)
    r = client.post(f"{API}/auth/login", json={"username": "10000000", "password": PASSWORD})
    assert r.status_code == 200
    page = client.get(f"{API}/documents?limit=20")
    assert page.status_code == 200
    assert [d["id"] for d in page.json()["items"]] == [doc_id]
    opened = client.get(f"{API}/documents/{doc_id}")
    assert opened.status_code == 200 and opened.json()["body_html"]
    client.post(f"{API}/auth/logout")
    client.cookies.clear()
    assert client.get(f"{API}/documents?limit=20").status_code == 401


def test_out_of_reach_and_bad_input_answer_as_problems(client, world):
    doc_id = make_document(world)  # commune A's: members of commune B do not see it
    r = client.get(f"{API}/documents/{doc_id}", headers=world.h("member_b1"))
    assert r.status_code == 404
    assert r.json()["type"] == "/problems/not-found"
    r = client.get(f"{API}/documents?limit=0", headers=world.h("member_a1"))
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("application/problem+json")
    r = client.get(f"{API}/sync?since=not-a-cursor", headers=world.h("member_a1"))
    assert r.status_code in (400, 422) and "problem" in r.headers["content-type"]
    r = client.get(f"{API}/assignments?scope=cell", headers=world.h("secretary_a1"))
    assert r.status_code == 422
    assert r.json()["errors"][0]["field"] == "cell_id"


def test_only_the_declared_fields_go_out(client, world):
    # A publisher sees the source of what they manage; a member sees the page only.
    doc_id = make_document(world)
    member = client.get(f"{API}/documents/{doc_id}", headers=world.h("member_a1")).json()
    publisher = client.get(f"{API}/documents/{doc_id}", headers=world.h("publisher_a")).json()
    assert member["body_source"] is None and member["can_manage"] is False
    assert publisher["body_source"] and publisher["can_manage"] is True
    from api.documents.schemas import DocumentPublic

    assert set(member) == set(publisher) == set(DocumentPublic.model_fields)
    assert "body_text" not in member and "symbol_key" not in member
