"""A study sets cursor that was not made by us answers 422, never 500."""

from __future__ import annotations

from api.pagination import encode_cursor


def test_a_malformed_study_set_cursor_is_a_422(client, world):
    for bad in (["abc"], [None], [1.5e400]):
        r = client.get(
            "/api/v1/study-sets",
            headers=world.h("member_a1"),
            params={"cursor": encode_cursor(bad)},
        )
        assert r.status_code == 422, r.text
        assert r.headers["content-type"].startswith("application/problem+json")
        assert [e["code"] for e in r.json()["errors"]] == ["field.bad_cursor"]
