"""Content for the browser tests, made through the public API as publishers and leaders do."""

from __future__ import annotations

import datetime as dt
from typing import Any

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


def publish_document(
    client: Any,
    world: Any,
    *,
    symbol: str = "12-NQ/ĐU",
    kind: str = "resolution",
    title: str = "Nghị quyết về chuyển đổi số trong Đảng bộ xã",
    with_pdf: bool = False,
) -> int:
    """A document of commune A, published to its cells; returns its id."""
    h = world.h("publisher_a")
    r = client.post(
        "/api/v1/documents",
        headers=h,
        json={
            "kind": kind,
            "symbol": symbol,
            "title": title,
            "summary": "Đảng bộ xã đưa Sổ tay đảng viên điện tử đến mọi chi bộ.",
            "body": "## Nội dung\n\nMỗi đảng viên đọc văn bản và **xác nhận đã học tập**.",
            "issuer_id": world.units["A"],
            "issued_on": "2026-03-01",
            "topics": ["Chuyển đổi số"],
        },
    )
    assert r.status_code == 201, r.text
    doc_id = int(r.json()["id"])
    if with_pdf:
        files = {"file": ("nghi-quyet.pdf", PDF, "application/pdf")}
        r = client.post(f"/api/v1/documents/{doc_id}/attachments", headers=h, files=files)
        assert r.status_code in (200, 201), r.text
    r = client.post(f"/api/v1/documents/{doc_id}/publish", headers=h)
    assert r.status_code == 200, r.text
    return doc_id


def give_task(
    client: Any,
    world: Any,
    *,
    title: str = "Vận động hộ gia đình cài ứng dụng",
    to: str = "member_a1",
) -> int:
    """The A1 secretary gives a task to one member; returns the assignment id."""
    due = (dt.datetime.now(dt.UTC) + dt.timedelta(days=5)).isoformat()
    r = client.post(
        "/api/v1/assignments",
        headers=world.h("secretary_a1"),
        json={
            "cell_id": world.units["A1"],
            "title": title,
            "description": "Mỗi đảng viên vận động ít nhất 5 hộ.",
            "due_at": due,
            "assignee_ids": [world.users[to]],
        },
    )
    assert r.status_code == 201, r.text
    return int(r.json()["id"])


def record_of(client: Any, world: Any, assignment_id: int, who: str) -> dict[str, Any]:
    """`who`'s record of the assignment, as its secretary sees it."""
    r = client.get(f"/api/v1/assignments/{assignment_id}", headers=world.h("secretary_a1"))
    assert r.status_code == 200, r.text
    return next(x for x in r.json()["records"] if x["user_id"] == world.users[who])


def receipt(client: Any, world: Any, doc_id: int, who: str) -> dict[str, Any]:
    """`who`'s own receipt of the document."""
    r = client.get(f"/api/v1/documents/{doc_id}", headers=world.h(who))
    assert r.status_code == 200, r.text
    return r.json()["receipt"]


def audit_count(action: str, actor_id: int, object_id: int) -> int:
    """How many times the server recorded `action` by the actor on the object."""
    from sqlmodel import func, select

    from api.audit.models import AuditEvent
    from api.db import new_session

    with new_session() as s:
        return int(
            s.exec(
                select(func.count())
                .select_from(AuditEvent)
                .where(
                    AuditEvent.action == action,
                    AuditEvent.actor_id == actor_id,
                    AuditEvent.object_id == str(object_id),
                )
            ).one()
        )
