"""Role-by-route cases for the document library, attachments and study sets.

The world's commune A issues a resolution to its whole subtree (cells A1, A2). Readers are
everyone standing inside A (members of A1/A2, A's committee and admin who sit in A2) and
the province's publisher; the commune's drafts are seen by its publishers only; people of
commune B and the province's admin (who holds no cell in A) get 404 for all of it.
"""

from __future__ import annotations

from tests.authz.matrix import SIGNED_IN, case
from tests.documents.factory import (
    PDF,
    make_attachment,
    make_document,
    make_study_set,
    make_upload,
)

PUBLISHERS_A = {"publisher_p"}  # publisher_a is not among the matrix callers
READERS_A = {
    "member_a1",
    "member_a2",
    "secretary_a1",
    "deputy_a1",
    "committee_a",
    "admin_a",
    "publisher_p",
}
READ_ONLY_A = READERS_A - PUBLISHERS_A
# Callers who see commune A itself (to whom a refusal on it is a 403, not a 404).
SEES_UNIT_A = {"member_a1", "secretary_a1", "deputy_a1", "committee_a", "publisher_p", "admin_p"}
SEES_UNIT_A |= {"admin_a", "member_a2"}


def _doc(w):
    return {"doc": make_document(w)}


def _draft(w):
    return {"doc": make_document(w, symbol="11-NQ/ĐU", publish=False)}


def _doc_for_a1(w):
    return {"doc": make_document(w, symbol="05-TB/ĐU", kind="notice", audience=["A1"])}


def _attachment(w):
    doc = make_document(w)
    return {"doc": doc, "att": make_attachment(w, doc)}


def _upload(w):
    return {"att": make_upload(w, "member_a1")}


def _study_set(w):
    return {"set": make_study_set(w, [make_document(w)])}


def _new_document(w):
    return {
        "kind": "plan",
        "symbol": "21-KH/ĐU",
        "title": "Kế hoạch học tập Nghị quyết năm 2026",
        "summary": "Các chi bộ tổ chức học tập trong quý II.",
        "body": "Nội dung kế hoạch.",
        "issuer_id": w.units["A"],
        "issued_on": "2026-04-01",
    }


def _pdf(w):
    return {"file": ("van-ban.pdf", PDF, "application/pdf")}


D = "/documents/{doc}"
R = "/documents/{document_id}"

# --- the library and documents ----------------------------------------------------------------
case("GET", "/documents", ok=SIGNED_IN)
case("GET", "/documents?q=chuyen+doi+so&kind=resolution", route="/documents", ok=SIGNED_IN)
case(
    "POST",
    "/documents",
    ok=PUBLISHERS_A,
    forbidden=SEES_UNIT_A - PUBLISHERS_A,
    json=_new_document,
)
case("POST", "/library/seen", ok=SIGNED_IN)
case("GET", D, route=R, ok=READERS_A, setup=_doc)
case("GET", D, route=R, ok=PUBLISHERS_A, setup=_draft)  # drafts: 404 to everyone else
case(
    "GET",
    D,
    route=R,
    ok={"member_a1", "secretary_a1", "deputy_a1", "committee_a", "publisher_p"},
    setup=_doc_for_a1,
)
case(
    "PATCH",
    D,
    route=R,
    ok=PUBLISHERS_A,
    forbidden=READ_ONLY_A,
    setup=_doc,
    json=lambda w: {"title": "Nghị quyết về chuyển đổi số (đính chính)"},
)
case("DELETE", D, route=R, ok=PUBLISHERS_A, setup=_draft)
case("POST", D + "/publish", route=R + "/publish", ok=PUBLISHERS_A, setup=_draft)
case(
    "POST", D + "/archive", route=R + "/archive", ok=PUBLISHERS_A, forbidden=READ_ONLY_A, setup=_doc
)
case("GET", D + "/versions", route=R + "/versions", ok=READERS_A, setup=_doc)
case("GET", D + "/versions/1", route=R + "/versions/{version}", ok=READERS_A, setup=_doc)

# --- attachments --------------------------------------------------------------------------------
case(
    "POST",
    D + "/attachments",
    route=R + "/attachments",
    ok=PUBLISHERS_A,
    forbidden=READ_ONLY_A,
    setup=_doc,
    files=_pdf,
)
case(
    "DELETE",
    D + "/attachments/{att}",
    route=R + "/attachments/{attachment_id}",
    ok=PUBLISHERS_A,
    forbidden=READ_ONLY_A,
    setup=_attachment,
)
case(
    "GET",
    "/attachments/{att}",
    route="/attachments/{attachment_id}",
    ok=READERS_A,
    setup=_attachment,
)
case(
    "GET",
    "/attachments/{att}",
    route="/attachments/{attachment_id}",
    ok={"member_a1"},
    setup=_upload,
)
case("POST", "/uploads", ok=SIGNED_IN, files=_pdf)

# --- a member's own receipts ----------------------------------------------------------------------
for method, action in (
    ("POST", "read"),
    ("POST", "acknowledge"),
    ("PUT", "bookmark"),
    ("DELETE", "bookmark"),
):
    case(method, f"{D}/{action}", route=f"{R}/{action}", ok=READERS_A, setup=_doc)
case(
    "PUT",
    D + "/note",
    route=R + "/note",
    ok=READERS_A,
    setup=_doc,
    json=lambda w: {"note": "Liên hệ: hướng dẫn bố mẹ dùng dịch vụ công trực tuyến."},
)
case("DELETE", D + "/note", route=R + "/note", ok=READERS_A, setup=_doc)

# --- study sets ---------------------------------------------------------------------------
S, SR = "/study-sets/{set}", "/study-sets/{set_id}"
case("GET", "/study-sets", ok=SIGNED_IN)
case(
    "POST",
    "/study-sets",
    ok=PUBLISHERS_A,
    forbidden=SEES_UNIT_A - PUBLISHERS_A,
    setup=_doc,
    json=lambda w: {
        "issuer_id": w.units["A"],
        "title": "Chuyên đề học tập và làm theo Bác",
        "document_ids": [make_document(w)],
    },
)
case("GET", S, route=SR, ok=READERS_A, setup=_study_set)
case(
    "PATCH",
    S,
    route=SR,
    ok=PUBLISHERS_A,
    forbidden=READ_ONLY_A,
    setup=_study_set,
    json=lambda w: {"title": "Chuyên đề chuyển đổi số năm 2026"},
)
case("DELETE", S, route=SR, ok=PUBLISHERS_A, forbidden=READ_ONLY_A, setup=_study_set)
