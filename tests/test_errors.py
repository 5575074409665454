"""Bad input gets a clear problem+json answer in Vietnamese and English, never a 500."""

from __future__ import annotations

import pytest


def _is_problem(r, status):
    assert r.status_code == status, r.text
    assert r.headers["content-type"] == "application/problem+json"
    body = r.json()
    assert body["status"] == status and body["type"].startswith("/problems/")
    assert body["title"] and body["title_en"] and body["detail"] and body["detail_en"]
    assert "Traceback" not in r.text
    return body


def test_unknown_route_and_method(client):
    body = _is_problem(client.get("/api/v1/khong-co"), 404)
    assert body["title"] == "Không tìm thấy"
    _is_problem(client.put("/api/v1/auth/token"), 405)


@pytest.mark.parametrize(
    "raw",
    [
        b"{",
        b"[]",
        b"null",
        b'{"username": 5}',
        b"\xff\xfe\x00",
        b'{"username": "a\\u0000b", "password": "x"}',
    ],
)
def test_malformed_json_bodies(client, world, raw):
    r = client.post("/api/v1/auth/login", content=raw, headers={"content-type": "application/json"})
    assert r.status_code in (400, 401, 422)
    assert r.headers["content-type"] == "application/problem+json"


def test_deeply_nested_json_is_refused_cleanly(client, world):
    raw = b'{"name":' + b"[" * 5000 + b"]" * 5000 + b"}"
    r = client.post(
        "/api/v1/units",
        content=raw,
        headers=world.h("admin_p") | {"content-type": "application/json"},
    )
    assert r.status_code in (400, 422)
    assert r.headers["content-type"] == "application/problem+json"


def test_oversized_body_is_413(client, world):
    big = b'{"name": "' + b"a" * (3 * 1024 * 1024) + b'"}'
    r = client.post(
        "/api/v1/units",
        content=big,
        headers=world.h("admin_p") | {"content-type": "application/json"},
    )
    body = _is_problem(r, 413)
    assert body["title"] == "Dữ liệu quá lớn"


def test_validation_lists_fields_with_both_languages(client, world):
    r = client.post("/api/v1/members", headers=world.h("admin_a"), json={})
    body = _is_problem(r, 422)
    fields = {e["field"] for e in body["errors"]}
    assert {"full_name", "party_card_number", "cell_id", "password"} <= fields
    assert body["errors"][0]["message"] == "Trường này là bắt buộc."
    assert body["errors"][0]["message_en"] == "This field is required."


def test_ids_out_of_range_and_wrong_types(client, world):
    h = world.h("admin_p")
    _is_problem(client.get("/api/v1/units/99999999999999999999999", headers=h), 422)
    _is_problem(client.get("/api/v1/units/abc", headers=h), 422)
    _is_problem(client.get("/api/v1/units/-1", headers=h), 422)
    _is_problem(client.get(f"/api/v1/units/{2**53 - 1}", headers=h), 404)
    _is_problem(client.get(f"/api/v1/units/{2**62}", headers=h), 422)


def test_injection_strings_are_just_data(client, world):
    h = world.h("admin_a")
    name = "Chi bộ'); DROP TABLE users; -- <script>alert(1)</script>"
    r = client.post(
        "/api/v1/units",
        headers=h,
        json={"parent_id": world.units["A"], "name": name, "code": "A7", "kind": "cell"},
    )
    assert r.status_code == 201
    assert client.get(f"/api/v1/units/{r.json()['id']}", headers=h).json()["name"] == name
    assert client.get("/api/v1/me", headers=h).status_code == 200


def test_security_headers_on_every_response(client):
    r = client.get("/healthz")
    assert r.headers["x-content-type-options"] == "nosniff"
    assert "frame-ancestors 'none'" in r.headers["content-security-policy"]
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["referrer-policy"] == "same-origin"
    assert "strict-transport-security" not in r.headers
    r = client.get("/healthz", headers={"x-forwarded-proto": "https"})
    assert r.headers["strict-transport-security"].startswith("max-age=")


def test_cors_is_closed_by_default(client):
    r = client.options(
        "/api/v1/me",
        headers={"Origin": "https://evil.example", "Access-Control-Request-Method": "GET"},
    )
    assert "access-control-allow-origin" not in r.headers


def test_request_id_is_echoed_and_in_problems(client):
    r = client.get("/api/v1/khong-co", headers={"x-request-id": "abc-123"})
    assert r.headers["x-request-id"] == "abc-123"
    assert r.json()["request_id"] == "abc-123"
    r = client.get("/api/v1/khong-co", headers={"x-request-id": "bad id\n"})
    assert r.headers["x-request-id"] != "bad id\n"
