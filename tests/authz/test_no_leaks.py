"""No field of another unit leaks into any list, search, sync, export or error.

Unique marker strings are planted, through the API, in commune B's objects (a document's
title, summary, body and attachment name, an assignment's title and description, a comment,
a report and its file, a member's name, a private note) and in one member's private note in
cell A1. Then every GET route of the app (from its OpenAPI document), with ids of the
caller's own side and of the other side in path and query, plus writes that name the other
side's ids in their bodies, is called by every person who must not see them, and each
answer (body and headers; spreadsheets unzipped) is searched for the markers.
"""

from __future__ import annotations

import io
import random
import re
import string
import zipfile
from typing import Any

import pytest

from tests.documents.factory import PDF, make_attachment, make_document, make_study_set

API = "/api/v1"
# Letters only (names must look like names); random so nothing else can contain them.
_rng = random.Random()  # noqa: S311
MARK_B = "Zqx" + "".join(_rng.choices(string.ascii_lowercase, k=9))
MARK_NOTE = "Vqk" + "".join(_rng.choices(string.ascii_lowercase, k=9))

# Everyone of commune A: none of them may see anything of commune B.
OUTSIDERS_OF_B = [
    "member_a1",
    "member_a1b",
    "member_a2",
    "secretary_a1",
    "deputy_a1",
    "committee_a",
    "admin_a",
    "publisher_a",
]
EVERYONE = [
    "member_a1",
    "member_a1b",
    "member_a2",
    "member_b1",
    "secretary_a1",
    "deputy_a1",
    "secretary_b1",
    "committee_a",
    "committee_b",
    "publisher_p",
    "publisher_a",
    "admin_p",
    "admin_a",
]


def _ok(r: Any) -> dict[str, Any]:
    assert r.status_code < 300, r.text
    return r.json() if r.content else {}


def _plant(client: Any, world: Any) -> dict[str, int]:
    """Commune B's objects carrying MARK_B, and member_a1b's private note (MARK_NOTE)."""
    h = world.h
    doc_b = make_document(
        world,
        symbol="77-NQ/ĐU",
        issuer="B",
        publisher="publisher_p",
        title=f"Nghị quyết {MARK_B} về nông thôn mới",
        summary=f"Tóm tắt {MARK_B}.",
        body=f"Nội dung {MARK_B}.",
    )
    att_b = _ok(
        client.post(
            f"{API}/documents/{doc_b}/attachments",
            files={"file": (f"Phụ lục {MARK_B}.pdf", PDF, "application/pdf")},
            headers=h("publisher_p"),
        )
    )["id"]
    asg_b = _ok(
        client.post(
            f"{API}/assignments",
            json={
                "cell_id": world.units["B1"],
                "title": f"Nhiệm vụ {MARK_B}",
                "description": f"Chi tiết {MARK_B}.",
                "due_at": "2099-01-01T00:00:00Z",
                "assignee_ids": [world.users["member_b1"]],
            },
            headers=h("secretary_b1"),
        )
    )["id"]
    _ok(
        client.post(
            f"{API}/assignments/{asg_b}/comments",
            json={"text": f"Bình luận {MARK_B}"},
            headers=h("secretary_b1"),
        )
    )
    upload = _ok(
        client.post(
            f"{API}/uploads",
            files={"file": (f"Ảnh {MARK_B}.pdf", PDF, "application/pdf")},
            headers=h("member_b1"),
        )
    )["id"]
    _ok(
        client.post(
            f"{API}/assignments/{asg_b}/submit",
            json={"report": f"Báo cáo {MARK_B}", "attachment_ids": [upload]},
            headers=h("member_b1"),
        )
    )
    _ok(
        client.patch(
            f"{API}/members/{world.users['member_b1']}",
            json={"full_name": f"Trần Văn {MARK_B}"},
            headers=h("admin_p"),
        )
    )
    _ok(
        client.put(
            f"{API}/documents/{doc_b}/note",
            json={"note": f"Ghi chú {MARK_B}"},
            headers=h("member_b1"),
        )
    )
    # A private note inside cell A1: no one but its writer may ever read it.
    doc_a = make_document(world)
    _ok(
        client.put(
            f"{API}/documents/{doc_a}/note",
            json={"note": f"Ghi chú riêng {MARK_NOTE}"},
            headers=h("member_a1b"),
        )
    )
    from tests.assignments.factory import make_assignment

    return {
        "doc_a": doc_a,
        "doc_b": doc_b,
        "att_a": make_attachment(world, doc_a),
        "att_b": att_b,
        "asg_a": make_assignment(world),
        "asg_b": asg_b,
        "set_a": make_study_set(world, [doc_a]),
        "upload_b": upload,
    }


def _urls(app: Any, world: Any, ids: dict[str, int]) -> list[str]:
    """Every GET route, with the caller's-side ids and with the other side's."""
    u, w = world.units, world.users
    own = {
        "unit_id": [u["A1"], u["A"]],
        "user_id": [w["member_a1"]],
        "assignment_id": [ids["asg_a"]],
        "document_id": [ids["doc_a"]],
        "attachment_id": [ids["att_a"]],
        "set_id": [ids["set_a"]],
        "version": [1],
    }
    other = {
        "unit_id": [u["B1"], u["B"]],
        "user_id": [w["member_b1"]],
        "assignment_id": [ids["asg_b"]],
        "document_id": [ids["doc_b"]],
        "attachment_id": [ids["att_b"], ids["upload_b"]],
        "set_id": [ids["set_a"] + 1000],
        "version": [1, 2],
    }
    urls: set[str] = set()
    for path, ops in app.openapi()["paths"].items():
        if "get" not in ops or not path.startswith(API):
            continue
        names = re.findall(r"\{(\w+)\}", path)
        for side in (own, other):
            for k in range(max((len(side.get(n, [1])) for n in names), default=1)):
                filled = path
                for n in names:
                    values = side.get(n, [1, 999_999])
                    filled = filled.replace("{" + n + "}", str(values[k % len(values)]))
                urls.add(filled + "?limit=100")
        # Mixed: our unit, their member or document (dashboards' drill-downs).
        if "{unit_id}" in path and len(names) == 2:
            mixed = path.replace("{unit_id}", str(u["A"]))
            for n in names[1:]:
                mixed = mixed.replace("{" + n + "}", str(other[n][0]))
            urls.add(mixed)
    words = MARK_B.lower()
    urls |= {
        f"{API}/documents?q={words}",
        f"{API}/documents?q=nong+thon+moi",
        f"{API}/documents?issuer_id={u['B']}",
        f"{API}/documents?bookmarked=true",
        f"{API}/documents?status=draft",
        f"{API}/assignments?scope=cell&cell_id={u['B1']}",
        f"{API}/assignments?scope=cell&cell_id={u['A1']}",
        f"{API}/assignment-series?cell_id={u['B1']}",
        f"{API}/audit-events?unit_id={u['B']}&limit=100",
        f"{API}/audit-events?unit_id={u['A']}&limit=100",
        f"{API}/audit-events?unit_id={u['P']}&limit=100",
        f"{API}/dashboards/units/{u['A']}/export?format=csv",
        f"{API}/dashboards/units/{u['A']}/export?format=xlsx",
        f"{API}/dashboards/units/{u['B']}/export?format=csv",
        f"{API}/units/{u['A']}/members?q={words}&limit=100",
        f"{API}/units/{u['P']}/members?limit=100",
        f"{API}/sync",
        f"{API}/me/export",
    }
    return sorted(urls)


def _writes(world: Any, ids: dict[str, int]) -> list[tuple[str, str, dict[str, Any] | None]]:
    """Writes that name the other side's objects in path or body: their errors must not
    echo anything of those objects."""
    u, w = world.units, world.users
    return [
        ("PUT", f"/documents/{ids['doc_b']}/note", {"note": "x"}),
        ("POST", f"/documents/{ids['doc_b']}/acknowledge", None),
        ("PATCH", f"/documents/{ids['doc_b']}", {"title": "Sửa"}),
        ("POST", f"/assignments/{ids['asg_b']}/comments", {"text": "x"}),
        ("POST", f"/assignments/{ids['asg_b']}/submit", {"report": "x"}),
        ("PATCH", f"/members/{w['member_b1']}", {"full_name": "Tên Mới"}),
        ("POST", "/role-grants", {"user_id": w["member_b1"], "unit_id": u["A1"], "role": "deputy"}),
        (
            "POST",
            "/study-sets",
            {"issuer_id": u["A"], "title": "Chuyên đề", "document_ids": [ids["doc_b"]]},
        ),
        (
            "POST",
            "/assignments",
            {"cell_id": u["B1"], "title": "x", "due_at": "2099-01-01T00:00:00Z"},
        ),
    ]


def _text(r: Any) -> str:
    parts = [f"{k}: {v}" for k, v in r.headers.items()]
    if r.content[:2] == b"PK":  # a spreadsheet: search its XML, not the compressed bytes
        with zipfile.ZipFile(io.BytesIO(r.content)) as z:
            parts += [z.read(n).decode("utf-8", "replace") for n in z.namelist()]
    else:
        parts.append(r.content.decode("utf-8", "replace"))
    return "\n".join(parts).lower()


# member_a1b wrote the note and is inside commune A: nothing of it is out of their reach.
@pytest.mark.parametrize("caller", [c for c in EVERYONE if c != "member_a1b"])
def test_no_field_of_another_unit_leaks(client, app, world, caller):
    ids = _plant(client, world)
    markers = [MARK_NOTE.lower()]
    if caller in OUTSIDERS_OF_B:
        markers.append(MARK_B.lower())
    h = world.h(caller)
    urls = _urls(app, world, ids)
    leaks, checked = [], 0
    for url in urls:
        r = client.get(url, headers=h)
        assert r.status_code < 500, (url, r.text)
        body = _text(r)
        leaks += [f"GET {url} → {r.status_code}: {m}" for m in markers if m in body]
        checked += 1
    for method, path, payload in _writes(world, ids):
        r = client.request(method, API + path, json=payload, headers=h)
        body = _text(r)
        leaks += [f"{method} {path} → {r.status_code}: {m}" for m in markers if m in body]
        checked += 1
    assert checked > 60
    assert not leaks, "\n".join(leaks)


def test_the_markers_are_there_for_those_who_may_see_them(client, app, world):
    """The search above could not fail if the markers never reached the responses."""
    ids = _plant(client, world)
    seen = {
        ("member_b1", f"{API}/documents/{ids['doc_b']}"): MARK_B,
        ("member_b1", f"{API}/assignments/{ids['asg_b']}/history"): MARK_B,
        ("secretary_b1", f"{API}/assignments/{ids['asg_b']}"): MARK_B,
        ("committee_b", f"{API}/units/{world.units['B1']}/members?limit=100"): MARK_B,
        ("member_b1", f"{API}/documents?q={MARK_B.lower()}"): MARK_B,
        ("member_b1", f"{API}/me/export"): MARK_B,
        ("member_a1b", f"{API}/documents/{ids['doc_a']}"): MARK_NOTE,
    }
    for (who, url), marker in seen.items():
        r = client.get(url, headers=world.h(who))
        assert r.status_code == 200, (url, r.text)
        assert marker.lower() in _text(r), (who, url)
