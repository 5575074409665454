"""A synthetic commune with many members and push devices, bulk-inserted (bench, crash test).

Rows go in with executemany INSERTs of whole lists, not one ORM object at a time, so 50,000
members and devices take seconds. Every device points at `endpoint(i)` and shares one key
pair, so a test receiver can decrypt every message.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass

from sqlalchemy import insert
from sqlalchemy.engine import Engine

from api.db import utcnow
from api.members.models import User
from api.notifications.models import PushSubscription
from api.org.models import OrgUnit


@dataclass
class Audience:
    commune_path: str
    users: int
    devices: int


def create_audience(
    engine: Engine,
    *,
    cells: int,
    per_cell: int,
    endpoint: Callable[[int], str],
    p256dh: str,
    auth: str,
    second_device_every: int = 0,
) -> Audience:
    """Root → commune → `cells` cells of `per_cell` members, one device each (some two)."""
    now = utcnow()
    units = [
        {
            "id": 1,
            "parent_id": None,
            "code": "TW",
            "name": "Trung ương",
            "kind": "central",
            "path": "/1/",
            "depth": 0,
        },
        {
            "id": 2,
            "parent_id": 1,
            "code": "XA",
            "name": "Đảng bộ xã Thử Nghiệm",
            "kind": "commune",
            "path": "/1/2/",
            "depth": 1,
        },
    ]
    units += [
        {
            "id": 3 + c,
            "parent_id": 2,
            "code": f"CB{c:05d}",
            "name": f"Chi bộ thôn {c + 1}",
            "kind": "cell",
            "path": f"/1/2/{3 + c}/",
            "depth": 2,
        }
        for c in range(cells)
    ]
    for u in units:
        u |= {"is_active": True, "created_at": now}
    users = []
    for i in range(cells * per_cell):
        name = f"Đảng viên {i + 1}"
        users.append(
            {
                "id": i + 1,
                "full_name": name,
                "name_sort": name.lower(),
                "party_card_number": f"9{i:08d}",
                "cell_id": 3 + i // per_cell,
                "status": "official",
                "password_hash": "",
                "must_change_password": False,
                "is_active": True,
                "created_at": now,
                "updated_at": now,
            }
        )
    subs = []
    for i in range(len(users)):
        copies = 2 if second_device_every and i % second_device_every == 0 else 1
        for _ in range(copies):
            url = endpoint(len(subs))
            subs.append(
                {
                    "user_id": i + 1,
                    "kind": "webpush",
                    "device_key": hashlib.sha256(f"webpush\n{url}".encode()).hexdigest(),
                    "endpoint": url,
                    "p256dh": p256dh,
                    "auth": auth,
                    "platform": "web",
                    "created_at": now,
                    "updated_at": now,
                }
            )
    with engine.begin() as conn:
        conn.execute(insert(OrgUnit.__table__), units)  # type: ignore[attr-defined]
        for i in range(0, len(users), 5000):
            conn.execute(insert(User.__table__), users[i : i + 5000])  # type: ignore[attr-defined]
        for i in range(0, len(subs), 5000):
            conn.execute(insert(PushSubscription.__table__), subs[i : i + 5000])  # type: ignore[attr-defined]
    return Audience(commune_path="/1/2/", users=len(users), devices=len(subs))
