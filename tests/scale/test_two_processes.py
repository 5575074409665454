"""The scaled-out shape: nothing a process keeps is needed by another.

Two API processes on different ports, one database: a session made on one works on the
other, a sign-in rate limit counts across both, and an Idempotency-Key replayed on the
other process changes nothing.
"""

from __future__ import annotations

import httpx

from tests.conftest import PASSWORD
from tests.serving import served


def test_two_api_processes_share_sessions_limits_and_idempotency(world):
    with served(2) as (a, b):
        tok = httpx.post(
            f"{a}/api/v1/auth/token", data={"username": "10000000", "password": PASSWORD}
        ).json()
        h = {"Authorization": f"Bearer {tok['access_token']}"}
        assert httpx.get(f"{b}/api/v1/me", headers=h).json()["id"] == world.users["member_a1"]

        # A cookie session from A is honoured by B.
        with httpx.Client(base_url=a) as ca:
            assert (
                ca.post(
                    "/api/v1/auth/login", json={"username": "10000000", "password": PASSWORD}
                ).status_code
                == 200
            )
            cookie = ca.cookies.get("sotay_session")
        assert cookie, "the PWA session cookie was not set"
        r = httpx.get(f"{b}/api/v1/me", cookies={"sotay_session": cookie})
        assert r.status_code == 200, r.text

        # Ten failures split across both processes lock the account on both.
        for i in range(10):
            url = a if i % 2 else b
            r = httpx.post(
                f"{url}/api/v1/auth/token",
                data={"username": "10000001", "password": "sai mật khẩu"},
            )
            assert r.status_code == 401
        for url in (a, b):
            r = httpx.post(
                f"{url}/api/v1/auth/token", data={"username": "10000001", "password": PASSWORD}
            )
            assert r.status_code == 429 and "retry-after" in r.headers

        # An Idempotency-Key first used on A replays on B without a second write.
        admin = world.h("admin_a") | {"Idempotency-Key": "two-proc-1"}
        body = {
            "parent_id": world.units["A"],
            "name": "Chi bộ thôn Tây",
            "code": "A7",
            "kind": "cell",
        }
        first = httpx.post(f"{a}/api/v1/units", headers=admin, json=body)
        again = httpx.post(f"{b}/api/v1/units", headers=admin, json=body)
        assert first.status_code == again.status_code == 201
        assert again.headers["idempotent-replayed"] == "true"
        assert again.json()["id"] == first.json()["id"]
        kids = httpx.get(
            f"{b}/api/v1/units/{world.units['A']}/children", headers=world.h("admin_a")
        ).json()
        assert [k["code"] for k in kids].count("A7") == 1

        # Signing out on B ends the session for A as well.
        assert httpx.post(f"{b}/api/v1/auth/logout", headers=h).status_code == 204
        assert httpx.get(f"{a}/api/v1/me", headers=h).status_code == 401
