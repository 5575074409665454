"""Push devices: Web Push subscriptions and FCM tokens, one row per device, SSRF-checked."""

from __future__ import annotations

import base64
import binascii
import hashlib
import ipaddress
from typing import Annotated, Literal
from urllib.parse import urlsplit

from cryptography.hazmat.primitives.asymmetric import ec
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from sqlalchemy import delete, select
from sqlmodel import Session, col

from api.audit import service as audit
from api.auth.models import AuthSession
from api.authz import Principal
from api.config import get_settings
from api.db import utcnow
from api.errors import FieldError, NotFound, ValidationFailed
from api.notifications.models import PushSubscription

LOOPBACK_NAMES = {"localhost"}


class WebPushKeys(BaseModel):
    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    p256dh: str = Field(min_length=80, max_length=100)
    auth: str = Field(min_length=16, max_length=50)


class WebPushIn(BaseModel):
    """What `PushSubscription.toJSON()` gives in the browser."""

    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    kind: Literal["webpush"]
    endpoint: str = Field(min_length=10, max_length=2048)
    keys: WebPushKeys
    expiration_time: int | None = None


class FcmIn(BaseModel):
    """A native app's FCM registration token."""

    model_config = ConfigDict(strict=True)  # 0 is not false, "1" is not 1

    kind: Literal["fcm"]
    token: Annotated[str, StringConstraints(pattern=r"^[A-Za-z0-9:_\-.]{20,4096}$")]
    platform: Literal["android", "ios", "web"]


class DeviceOut(BaseModel):
    id: int
    kind: str
    platform: str | None
    endpoint_origin: str | None
    created_at: str
    updated_at: str
    this_session: bool


def _allowed_hosts() -> list[str]:
    raw = get_settings().push_allowed_hosts
    return [h.strip().lower().rstrip(".") for h in raw.split(",") if h.strip()]


def _is_loopback(host: str) -> bool:
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


def endpoint_allowed(endpoint: str) -> bool:
    """Only https to a listed push service (suffix on a dot boundary); http for loopback.

    The server POSTs to this URL, so anything else could aim it at internal addresses.
    """
    try:
        parts = urlsplit(endpoint)
        port = parts.port
    except ValueError:
        return False
    host = (parts.hostname or "").lower().rstrip(".")
    if not host or parts.username or parts.password or parts.fragment:
        return False
    loopback = _is_loopback(host)
    if parts.scheme != "https" and not (parts.scheme == "http" and loopback):
        return False
    for allowed in _allowed_hosts():
        if _is_ip(allowed) or allowed in LOOPBACK_NAMES or _is_ip(host):
            match = host == allowed  # addresses and loopback names only match exactly
        else:
            match = host == allowed or host.endswith("." + allowed)
        if match:
            # Public push services listen on 443; only a listed loopback host may use a port.
            return loopback or port in (None, 443)
    return False


def _b64(value: str) -> bytes:
    return base64.urlsafe_b64decode(value + "=" * (-len(value) % 4))


def _check_keys(keys: WebPushKeys) -> None:
    """p256dh must be a P-256 point and auth 16 bytes, or every push would fail later."""
    try:
        ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), _b64(keys.p256dh))
        ok = len(_b64(keys.auth)) == 16
    except (ValueError, binascii.Error):
        ok = False
    if not ok:
        raise ValidationFailed(errors=[FieldError("keys", "field.push_bad_key")])


def device_key(kind: str, address: str) -> str:
    """The identity of a device: whoever subscribes the same endpoint/token gets the same row."""
    return hashlib.sha256(f"{kind}\n{address}".encode()).hexdigest()


def subscribe(
    session: Session,
    principal: Principal,
    body: WebPushIn | FcmIn,
    user_agent: str | None,
) -> tuple[PushSubscription, bool]:
    """Register (or refresh) the caller's device; returns it and whether it is new."""
    if isinstance(body, WebPushIn):
        if not endpoint_allowed(body.endpoint):
            raise ValidationFailed(
                errors=[FieldError("endpoint", "field.push_endpoint_not_allowed")]
            )
        _check_keys(body.keys)
        key = device_key("webpush", body.endpoint)
    else:
        key = device_key("fcm", body.token)
    sub = session.execute(
        select(PushSubscription).where(col(PushSubscription.device_key) == key)
    ).scalar_one_or_none()
    created = sub is None
    before = None if sub is None else {"user_id": sub.user_id}
    if sub is None:
        sub = PushSubscription(user_id=principal.user_id, kind=body.kind, device_key=key)
    # A shared phone signed in by someone else now belongs to them: the device moves.
    sub.user_id = principal.user_id
    sub.auth_session_id = principal.session_id
    sub.user_agent = (user_agent or "")[:300] or None
    sub.updated_at = utcnow()
    if isinstance(body, WebPushIn):
        sub.endpoint, sub.p256dh, sub.auth = body.endpoint, body.keys.p256dh, body.keys.auth
        sub.platform = "web"
    else:
        sub.fcm_token, sub.platform = body.token, body.platform
    session.add(sub)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user_id,
        action="push.subscribe" if created else "push.resubscribe",
        object_type="push_subscription",
        object_id=sub.id,
        unit_path=principal.cell_path,
        before=before,
        after={"user_id": sub.user_id, "kind": sub.kind, "platform": sub.platform},
    )
    return sub, created


def own_device(session: Session, principal: Principal, sub_id: int) -> PushSubscription:
    """One of the caller's devices, or 404 (another member's device does not exist for them)."""
    sub = session.get(PushSubscription, sub_id)
    if sub is None or sub.user_id != principal.user_id:
        raise NotFound()
    return sub


def unsubscribe(session: Session, principal: Principal, sub_id: int) -> None:
    """The member removes one of their devices."""
    sub = own_device(session, principal, sub_id)
    audit.record(
        session,
        actor_id=principal.user_id,
        action="push.unsubscribe",
        object_type="push_subscription",
        object_id=sub.id,
        unit_path=principal.cell_path,
        before={"kind": sub.kind, "platform": sub.platform},
    )
    session.delete(sub)
    session.flush()


def list_devices(session: Session, principal: Principal) -> list[DeviceOut]:
    """The caller's devices, newest first (no keys or tokens leave the server)."""
    rows = session.execute(
        select(PushSubscription)
        .where(col(PushSubscription.user_id) == principal.user_id)
        .order_by(col(PushSubscription.id).desc())
    ).scalars()
    return [
        DeviceOut(
            id=s.id,
            kind=s.kind,
            platform=s.platform,
            endpoint_origin=origin_of(s.endpoint),
            created_at=s.created_at.isoformat(),
            updated_at=s.updated_at.isoformat(),
            this_session=s.auth_session_id is not None
            and s.auth_session_id == principal.session_id,
        )
        for s in rows
    ]


def origin_of(endpoint: str | None) -> str | None:
    """The push service a device uses (scheme and host), never the device's own address."""
    if not endpoint:
        return None
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


def forget_session_devices(session: Session, auth_session_id: int | None) -> int:
    """Sign-out on a device removes the devices that sign-in registered."""
    if auth_session_id is None:
        return 0
    result = session.execute(
        delete(PushSubscription).where(col(PushSubscription.auth_session_id) == auth_session_id)
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def prune_signed_out(session: Session) -> int:
    """Devices whose sign-in was revoked elsewhere (password change, deactivation) go too."""
    revoked = select(col(AuthSession.id)).where(col(AuthSession.revoked_at).is_not(None))
    result = session.execute(
        delete(PushSubscription).where(col(PushSubscription.auth_session_id).in_(revoked))
    )
    return int(result.rowcount or 0)  # type: ignore[attr-defined]


def remove_gone(session: Session, sub_ids: list[int], reason: str) -> None:
    """Devices their push service says no longer exist (404/410, FCM UNREGISTERED)."""
    if not sub_ids:
        return
    session.execute(delete(PushSubscription).where(col(PushSubscription.id).in_(sub_ids)))
    for sid in sub_ids:
        audit.record(
            session,
            actor_id=None,
            action="push.device_removed",
            object_type="push_subscription",
            object_id=sid,
            after={"reason": reason},
        )
