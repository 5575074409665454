"""QR check-in codes: short-lived, bound to one meeting and its cell, unforgeable.

code = 6 digits of HMAC-SHA256(secret, "meeting:<id>:cell:<cell_id>:window:<n>") with
n = unix time // ROTATE_SECONDS (dynamic truncation as in RFC 4226). The secret is generated
once into the data folder (api.config.Settings.secret), so every API process agrees and no
code can be computed outside the server. A code is accepted for its own window and the one
before (GRACE_WINDOWS), i.e. for 30–60 s after it was shown: a picture forwarded after that
fails, a code from another meeting or cell fails (different message), and members type the
six digits when their camera cannot read the QR. Guessing is bounded per member
(MAX_FAILURES wrong codes per meeting), so 10^6 codes cannot be tried.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import io
import re

import segno

from api.config import get_settings

ROTATE_SECONDS = 30
GRACE_WINDOWS = 1
MAX_FAILURES = 10
PAYLOAD_PREFIX = "SOTAY-MEET"
# Check-in opens this long before the start and closes this long after the end.
OPENS_BEFORE = dt.timedelta(minutes=60)
CLOSES_AFTER = dt.timedelta(hours=2)
# Arriving later than this after the start counts as late.
LATE_AFTER = dt.timedelta(minutes=15)
_SECRET_NAME = "meeting_checkin_key"  # noqa: S105 - the file name, not the secret


def _key() -> bytes:
    return get_settings().secret(_SECRET_NAME).encode()


def window_of(at: dt.datetime) -> int:
    """The rotation window an instant falls in."""
    return int(at.timestamp()) // ROTATE_SECONDS


def code_for(meeting_id: int, cell_id: int, window: int) -> str:
    """The six digits of one meeting's window."""
    msg = f"meeting:{meeting_id}:cell:{cell_id}:window:{window}".encode()
    digest = hmac.new(_key(), msg, hashlib.sha256).digest()
    offset = digest[-1] & 0x0F
    value = int.from_bytes(digest[offset : offset + 4], "big") & 0x7FFFFFFF
    return f"{value % 1_000_000:06d}"


def current(meeting_id: int, cell_id: int, now: dt.datetime) -> tuple[str, dt.datetime]:
    """The code shown now and when the next one replaces it."""
    window = window_of(now)
    expires = dt.datetime.fromtimestamp((window + 1) * ROTATE_SECONDS, dt.UTC)
    return code_for(meeting_id, cell_id, window), expires


def payload(meeting_id: int, code: str) -> str:
    """What the QR carries: short, so it can also be read out and typed."""
    return f"{PAYLOAD_PREFIX}:{meeting_id}:{code}"


def parse(raw: str, meeting_id: int) -> str | None:
    """The six digits from a typed code or a scanned payload; None when it names another
    meeting or is not a code at all."""
    raw = raw.strip()
    if re.fullmatch(r"\d{6}", raw):
        return raw
    m = re.fullmatch(rf"{PAYLOAD_PREFIX}:(\d+):(\d{{6}})", raw)
    if m is None or int(m.group(1)) != meeting_id:
        return None
    return m.group(2)


def verify(meeting_id: int, cell_id: int, digits: str, now: dt.datetime) -> bool:
    """Whether `digits` is this meeting's code for the current or the previous window."""
    window = window_of(now)
    return any(
        hmac.compare_digest(code_for(meeting_id, cell_id, window - k), digits)
        for k in range(GRACE_WINDOWS + 1)
    )


def qr_svg(data: str) -> str:
    """The QR as an inline SVG (no XML declaration), scalable, dark on white."""
    buffer = io.BytesIO()
    segno.make(data, error="m", micro=False).save(
        buffer, kind="svg", scale=8, border=2, xmldecl=False, svgns=True, omitsize=True, title="QR"
    )
    return buffer.getvalue().decode()
