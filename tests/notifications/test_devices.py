"""Push devices: subscribe once per device, SSRF refusal, removal on sign-out, VAPID key."""

from __future__ import annotations

import base64
import os
import stat

import pytest

from api.config import get_settings
from api.notifications import devices
from tests.notifications.conftest import rows, subscribe

API = "/api/v1"


def test_subscribing_again_updates_never_duplicates(client, world, receiver):
    h = world.h("member_a1")
    body = receiver.subscription("phone")
    first = client.post(f"{API}/push/subscriptions", json=body, headers=h)
    assert first.status_code == 201
    again = client.post(f"{API}/push/subscriptions", json=body, headers=h)
    assert again.status_code == 200 and again.json()["id"] == first.json()["id"]
    laptop = client.post(
        f"{API}/push/subscriptions", json=receiver.subscription("laptop"), headers=h
    )
    assert laptop.status_code == 201
    listed = client.get(f"{API}/push/subscriptions", headers=h).json()
    assert sorted(d["id"] for d in listed) == sorted([first.json()["id"], laptop.json()["id"]])
    assert all("p256dh" not in d and "endpoint" not in d for d in listed)  # no secrets back
    # The same phone signed in by another member now belongs to them.
    moved = client.post(f"{API}/push/subscriptions", json=body, headers=world.h("member_a1b"))
    assert moved.status_code == 200 and moved.json()["id"] == first.json()["id"]
    assert len(client.get(f"{API}/push/subscriptions", headers=h).json()) == 1
    assert rows("SELECT count(*) FROM push_subscriptions")[0][0] == 2


def test_fcm_tokens(client, world):
    h = world.h("member_a1")
    body = {"kind": "fcm", "token": "fcm-token-" + "x" * 140, "platform": "android"}
    assert client.post(f"{API}/push/subscriptions", json=body, headers=h).status_code == 201
    assert client.post(f"{API}/push/subscriptions", json=body, headers=h).status_code == 200
    bad = dict(body, platform="symbian")
    assert client.post(f"{API}/push/subscriptions", json=bad, headers=h).status_code == 422
    bad = dict(body, token="has spaces and <tags>")
    assert client.post(f"{API}/push/subscriptions", json=bad, headers=h).status_code == 422


def test_delete_own_device_only(client, world, receiver):
    sub = subscribe(client, world, "member_a1", receiver, "phone")
    assert (
        client.delete(f"{API}/push/subscriptions/{sub}", headers=world.h("member_a2")).status_code
        == 404
    )
    assert (
        client.delete(f"{API}/push/subscriptions/{sub}", headers=world.h("member_a1")).status_code
        == 204
    )
    assert (
        client.delete(f"{API}/push/subscriptions/{sub}", headers=world.h("member_a1")).status_code
        == 404
    )


@pytest.mark.parametrize(
    "endpoint",
    [
        "http://fcm.googleapis.com/fcm/send/x",  # http to a public service
        "https://evil.example/push",  # not a push service
        "https://169.254.169.254/latest/meta-data",  # cloud metadata
        "http://10.0.0.1/push",
        "https://fcm.googleapis.com.evil.example/x",  # suffix not on a dot boundary
        "https://evilfcm.googleapis.com.example/x",
        "https://user:pw@fcm.googleapis.com/fcm/send/x",
        "https://fcm.googleapis.com:8443/fcm/send/x",  # public service on another port
        "ftp://127.0.0.1/push",
        "http://127.0.0.2/push",  # a loopback address not listed
        "http://[::1]/push",
        "javascript:alert(1)",
    ],
)
def test_endpoints_outside_the_push_services_are_refused(client, world, receiver, endpoint):
    body = receiver.subscription("x") | {"endpoint": endpoint}
    r = client.post(f"{API}/push/subscriptions", json=body, headers=world.h("member_a1"))
    assert r.status_code == 422, r.text
    assert r.headers["content-type"].startswith("application/problem+json")


def test_default_hosts_allow_the_public_push_services(monkeypatch):
    from api.config import DEFAULT_PUSH_HOSTS

    monkeypatch.setattr(get_settings(), "push_allowed_hosts", DEFAULT_PUSH_HOSTS)
    for ok in (
        "https://fcm.googleapis.com/fcm/send/abc:def",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAA",
        "https://web.push.apple.com/QGuQyavXutnMH",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAA",
        "https://db5p.notify.windows.com/w/?token=x",  # a sub-domain of a listed host
    ):
        assert devices.endpoint_allowed(ok), ok
    for bad in ("http://127.0.0.1:8000/push", "http://localhost/push", "https://push.example"):
        assert not devices.endpoint_allowed(bad), bad


def test_bad_keys_are_refused(client, world, receiver):
    body = receiver.subscription("x")
    body["keys"]["p256dh"] = base64.urlsafe_b64encode(b"\x04" + b"\x01" * 64).decode().rstrip("=")
    r = client.post(f"{API}/push/subscriptions", json=body, headers=world.h("member_a1"))
    assert r.status_code == 422 and r.json()["errors"][0]["field"] == "keys"
    body = receiver.subscription("x")
    body["keys"]["auth"] = base64.urlsafe_b64encode(os.urandom(12)).decode()
    assert (
        client.post(
            f"{API}/push/subscriptions", json=body, headers=world.h("member_a1")
        ).status_code
        == 422
    )


def test_sign_out_removes_the_device_registered_there(client, world, receiver):
    token = client.post(
        f"{API}/auth/token", data={"username": "10000000", "password": _password()}
    ).json()["access_token"]
    other = {"Authorization": f"Bearer {token}"}
    kept = subscribe(client, world, "member_a1", receiver, "kept")  # the fixture's session
    r = client.post(f"{API}/push/subscriptions", json=receiver.subscription("gone"), headers=other)
    gone = r.json()["id"]
    assert client.post(f"{API}/auth/logout", headers=other).status_code == 204
    left = [
        d["id"]
        for d in client.get(f"{API}/push/subscriptions", headers=world.h("member_a1")).json()
    ]
    assert left == [kept] and gone not in left


def _password() -> str:
    from tests.conftest import PASSWORD

    return PASSWORD


def test_devices_of_sessions_revoked_elsewhere_are_pruned(client, world, receiver):
    from api.db import new_session
    from api.notifications import tasks

    subscribe(client, world, "member_a1", receiver, "phone")
    rows_before = rows("SELECT count(*) FROM push_subscriptions")[0][0]
    from sqlalchemy import text

    from api.db import get_engine

    with get_engine().begin() as conn:
        conn.execute(text("UPDATE auth_sessions SET revoked_at = created_at"))
    with new_session() as s:
        tasks.prune_devices(s)
        s.commit()
    assert rows_before == 1 and rows("SELECT count(*) FROM push_subscriptions")[0][0] == 0


def test_idempotency_key_replays_the_first_answer(client, world, receiver):
    h = world.h("member_a1") | {"Idempotency-Key": "sub-1"}
    body = receiver.subscription("phone")
    first = client.post(f"{API}/push/subscriptions", json=body, headers=h)
    again = client.post(f"{API}/push/subscriptions", json=body, headers=h)
    assert first.status_code == again.status_code == 201 and first.json() == again.json()
    other = client.post(f"{API}/push/subscriptions", json=receiver.subscription("x"), headers=h)
    assert other.status_code == 422


def test_vapid_public_key_is_generated_once_and_kept_secret(client):
    from api.notifications import webpush

    a = client.get(f"{API}/push/vapid-public-key").json()["public_key"]
    b = client.get(f"{API}/push/vapid-public-key").json()["public_key"]
    raw = base64.urlsafe_b64decode(a + "=" * (-len(a) % 4))
    assert a == b and len(raw) == 65 and raw[0] == 4
    path = webpush.vapid_key_path()
    assert path.is_relative_to(get_settings().data_dir)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert b"PRIVATE KEY" in path.read_bytes()
