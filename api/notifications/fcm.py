"""FCM for native apps through firebase-admin; off (and said once) when not configured."""

from __future__ import annotations

import contextlib
import datetime as dt
import logging
import threading
from dataclasses import dataclass
from typing import Any

from api.config import get_settings
from api.i18n import t
from api.notifications.webpush import PushResult, parse_retry_after

log = logging.getLogger("sotay.push")
BATCH = 500  # send_each's own limit
_lock = threading.Lock()
_state: dict[str, Any] = {"app": None, "checked": False}


@dataclass(frozen=True)
class FcmMessage:
    token: str
    title: str
    body: str | None
    data: dict[str, str]
    ttl: int
    urgent: bool
    collapse_key: str | None


def configure(credential: Any, project_id: str) -> None:
    """Use this credential (tests: one that signs nothing) instead of the configured file."""
    import firebase_admin

    with _lock:
        _forget(_state.get("app"))
        _state["app"] = firebase_admin.initialize_app(
            credential, {"projectId": project_id, "httpTimeout": 10}, name="sotay-fcm-custom"
        )
        _state["checked"] = True


def reset() -> None:
    """Forget the app (tests, reconfiguration)."""
    with _lock:
        _forget(_state.get("app"))
        _state.update(app=None, checked=False)


def _forget(old: Any) -> None:
    """Delete a firebase app we made (tolerating one that is already gone)."""
    import firebase_admin

    if old is None:
        return
    with contextlib.suppress(ValueError):
        firebase_admin.delete_app(old)


def app() -> Any | None:
    """The firebase app, or None when FCM is off (logged once per process)."""
    with _lock:
        if _state["checked"]:
            return _state["app"]
        _state["checked"] = True
        path = get_settings().fcm_credentials
        if path is None:
            log.warning(t("notifications.fcm_off", "en"), extra={"fcm": "off"})
            return None
        import firebase_admin
        from firebase_admin import credentials

        timeout = get_settings().push_timeout_seconds
        _state["app"] = firebase_admin.initialize_app(
            credentials.Certificate(str(path)), {"httpTimeout": timeout}, name="sotay-fcm"
        )
        log.info("FCM is on", extra={"fcm": "on"})
        return _state["app"]


def _message(m: FcmMessage) -> Any:
    from firebase_admin import messaging

    return messaging.Message(
        token=m.token,
        data=m.data,
        notification=messaging.Notification(title=m.title, body=m.body),
        android=messaging.AndroidConfig(
            ttl=dt.timedelta(seconds=m.ttl),
            priority="high" if m.urgent else "normal",
            collapse_key=m.collapse_key,
        ),
        apns=messaging.APNSConfig(
            headers={"apns-priority": "10" if m.urgent else "5"}
            | ({"apns-collapse-id": m.collapse_key} if m.collapse_key else {})
        ),
    )


def _result(resp: Any) -> PushResult:
    from firebase_admin import exceptions, messaging

    if resp.success:
        return PushResult("sent", 200)
    exc = resp.exception
    http = getattr(exc, "http_response", None)
    status = getattr(http, "status_code", None)
    retry_after = parse_retry_after(http.headers.get("Retry-After")) if http is not None else None
    name = type(exc).__name__
    if isinstance(exc, messaging.UnregisteredError | messaging.SenderIdMismatchError):
        return PushResult("gone", status, error=f"FCM {name}")
    retryable = (
        messaging.QuotaExceededError,
        exceptions.UnavailableError,
        exceptions.InternalError,
        exceptions.DeadlineExceededError,
    )
    if isinstance(exc, retryable) or (status is not None and status >= 500):
        return PushResult("retry", status, retry_after, f"FCM {name}")
    return PushResult("failed", status, error=f"FCM {name}: {exc}"[:300])


def send(messages: list[FcmMessage]) -> list[PushResult]:
    """Send through FCM in batches of at most 500; one result per message, in order."""
    fcm = app()
    if fcm is None:
        return [PushResult("failed", error="FCM is not configured")] * len(messages)
    from firebase_admin import exceptions, messaging

    out: list[PushResult] = []
    for i in range(0, len(messages), BATCH):
        chunk = messages[i : i + BATCH]
        try:
            batch = messaging.send_each([_message(m) for m in chunk], app=fcm)
        except (exceptions.FirebaseError, ValueError) as exc:
            out.extend([PushResult("retry", error=f"FCM {type(exc).__name__}")] * len(chunk))
            continue
        out.extend(_result(r) for r in batch.responses)
    return out
