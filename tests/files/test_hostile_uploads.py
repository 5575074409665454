"""Hostile attachments: zip bombs and polyglot files, on both ways files come in — a
publisher's document attachment and a member's upload for an assignment report.

Each is either refused with a clear problem+json and leaves nothing behind (no stored
content, no staged temporary file, no row, no audit event), or stored under the type its
bytes really are and served so a browser cannot run it as a page of ours.
"""

from __future__ import annotations

import io
import struct
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from api.db import new_session
from api.files.models import Attachment
from tests.documents.factory import make_document

API = "/api/v1"
BIG = 5 * 1024 * 1024


def _ooxml(entries: dict[str, bytes], part: str = "word/document.xml", **kw: int) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", kw.get("method", zipfile.ZIP_DEFLATED)) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr(part, "<w:document>Nội dung</w:document>")
        for name, data in entries.items():
            z.writestr(name, data)
    return buf.getvalue()


def ratio_bomb_docx() -> bytes:
    """5 MB of zeros squeezed into a few KB (≈1000×)."""
    return _ooxml({"word/media/image1.bin": b"\0" * BIG})


def ratio_bomb_xlsx() -> bytes:
    return _ooxml({"xl/worksheets/sheet2.xml": b"<row/>" * (BIG // 6)}, part="xl/workbook.xml")


def lying_bomb_xlsx() -> bytes:
    """Headers claim 100 KB (an honest 20× ratio) for an entry that inflates to 5 MB."""
    data = bytearray(_ooxml({"xl/worksheets/sheet1.xml": b"\0" * BIG}, part="xl/workbook.xml"))
    claimed = 100 * 1024
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:
        info = z.getinfo("xl/worksheets/sheet1.xml")
    struct.pack_into("<I", data, info.header_offset + 22, claimed)  # local header
    name = b"xl/worksheets/sheet1.xml"
    central = data.find(b"PK\x01\x02")
    while central != -1:  # the central-directory record of that entry
        name_len = struct.unpack_from("<H", data, central + 28)[0]
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, claimed)
            break
        central = data.find(b"PK\x01\x02", central + 4)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as z:  # the lie is in place
        assert z.getinfo("xl/worksheets/sheet1.xml").file_size == claimed
    return bytes(data)


def many_entries_docx() -> bytes:
    return _ooxml({f"word/media/{i}.xml": b"<x/>" for i in range(2100)})


def macro_docx() -> bytes:
    return _ooxml({"word/vbaProject.bin": b'Attribute VB_Name = "AutoOpen"\n' * 50})


def bzip2_docx() -> bytes:
    return _ooxml({"word/styles.xml": b"<styles/>"}, method=zipfile.ZIP_BZIP2)


UNSUPPORTED = "Chỉ nhận tệp PDF"
ARCHIVE = "Tệp Word, Excel hoặc PowerPoint này không an toàn"

REFUSED: list[tuple[str, str, Callable[[], bytes], str, str]] = [
    # (case, file name, bytes, declared type, start of the Vietnamese detail)
    ("docx ratio bomb", "bao-cao.docx", ratio_bomb_docx, "application/msword", ARCHIVE),
    ("xlsx ratio bomb", "so-lieu.xlsx", ratio_bomb_xlsx, "application/vnd.ms-excel", ARCHIVE),
    ("xlsx lying sizes", "so-lieu.xlsx", lying_bomb_xlsx, "application/vnd.ms-excel", ARCHIVE),
    ("2100 entries", "nhieu.docx", many_entries_docx, "application/msword", ARCHIVE),
    ("docx with macros", "macro.docx", macro_docx, "application/msword", ARCHIVE),
    ("odd compression", "nen.docx", bzip2_docx, "application/msword", ARCHIVE),
    (
        "GIF/JS polyglot",
        "anh.gif",
        lambda: b"GIF89a/*\x01\x00\x01\x00\x00\xff\x00,*/=alert(document.cookie);//;",
        "image/gif",
        UNSUPPORTED,
    ),
    (
        "SVG with script",
        "logo.svg",
        lambda: b'<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>',
        "image/svg+xml",
        UNSUPPORTED,
    ),
    (
        "HTML named .png",
        "anh.png",
        lambda: b"<!doctype html><script>fetch('/api/v1/me')</script>",
        "image/png",
        UNSUPPORTED,
    ),
    (
        "JS named .pdf",
        "van-ban.pdf",
        lambda: b"alert(document.domain) // %PDF-1.4",
        "application/pdf",
        UNSUPPORTED,
    ),
]


def _stored() -> set[Path]:
    from api.config import get_settings

    root = get_settings().data_dir / "files"
    return {p for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _rows() -> tuple[int, int]:
    from api.audit.models import AuditEvent

    with new_session() as s:
        files = s.execute(select(func.count()).select_from(Attachment)).scalar_one()
        audits = s.execute(
            select(func.count())
            .select_from(AuditEvent)
            .where(AuditEvent.action == "attachment.upload")  # type: ignore[arg-type]
        ).scalar_one()
    return int(files), int(audits)


def _send(client, world, way: str, name: str, data: bytes, ctype: str):
    files = {"file": (name, data, ctype)}
    if way == "assignment report":  # a member uploads, then claims it in the report
        return client.post(f"{API}/uploads", files=files, headers=world.h("member_a1"))
    doc = make_document(world)
    return client.post(
        f"{API}/documents/{doc}/attachments", files=files, headers=world.h("publisher_p")
    )


WAYS = ["document attachment", "assignment report"]


@pytest.mark.parametrize("way", WAYS)
@pytest.mark.parametrize(("case", "name", "make", "ctype", "detail"), REFUSED, ids=lambda v: v)
def test_hostile_files_are_refused_and_leave_nothing(
    client, world, way, case, name, make, ctype, detail
):
    data = make()
    _send(client, world, way, "ok.pdf", b"%PDF-1.4\n%%EOF\n", "application/pdf")  # warm
    before_files, before_rows = _stored(), _rows()
    r = _send(client, world, way, name, data, ctype)
    assert r.status_code == 415, f"{case}: {r.status_code} {r.text[:200]}"
    assert r.headers["content-type"].startswith("application/problem+json")
    body = r.json()
    assert body["detail"].startswith(detail) and body["detail_en"], body
    assert _stored() == before_files, "no stored content and no staged temporary file"
    assert _rows() == before_rows, "no attachment row and no audit event"


def test_a_bomb_is_refused_without_being_expanded(tmp_path):
    """The lying bomb is refused after inflating at most what it declared (+1 byte per
    chunk), i.e. quickly and in little memory."""
    import time
    import tracemalloc

    from api.files.sniff import NotAllowed, detect

    path = tmp_path / "bomb.xlsx"
    path.write_bytes(lying_bomb_xlsx())
    tracemalloc.start()
    t0 = time.perf_counter()
    with pytest.raises(NotAllowed):
        detect(path)
    elapsed = time.perf_counter() - t0
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 2 and peak < 2 * 1024 * 1024, (elapsed, peak)


def _download(client, world, who, att):
    return client.get(att["url"], headers=world.h(who))


def test_pdf_html_polyglot_is_kept_a_pdf(client, world):
    polyglot = (
        b"%PDF-1.4\n<html><body><script>fetch('/api/v1/me/export')</script></body></html>\n"
        b"1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
    )
    for way in WAYS:
        r = _send(client, world, way, "trang.html", polyglot, "text/html")
        assert r.status_code == 201, r.text
        att = r.json()
        assert att["content_type"] == "application/pdf" and att["filename"] == "trang.pdf"
        d = _download(client, world, "member_a1", att)  # the uploader / a reader
        assert d.status_code == 200 and d.content == polyglot
        assert d.headers["content-type"] == "application/pdf"  # never text/html
        assert d.headers["x-content-type-options"] == "nosniff"  # no sniffing it into HTML
        csp = d.headers["content-security-policy"]
        assert "script-src 'self'" in csp and "frame-ancestors 'none'" in csp


def test_image_html_polyglot_is_served_sandboxed(client, world):
    polyglot = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00<html><script>alert(1)</script></html>"
    r = _send(client, world, "assignment report", "anh.html", polyglot, "text/html")
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["content_type"] == "image/jpeg" and att["filename"] == "anh.jpg"
    d = _download(client, world, "member_a1", att)
    assert d.headers["content-type"] == "image/jpeg"
    assert d.headers["x-content-type-options"] == "nosniff"
    csp = d.headers["content-security-policy"]
    assert "sandbox" in csp and "default-src 'none'" in csp, csp


def test_office_files_are_downloads_never_pages(client, world):
    doc = make_document(world)
    docx = _ooxml({"word/styles.xml": b"<w:styles/>" * 100})
    r = client.post(
        f"{API}/documents/{doc}/attachments",
        files={"file": ("ke-hoach.html", docx, "text/html")},
        headers=world.h("publisher_p"),
    )
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["filename"] == "ke-hoach.docx"
    d = _download(client, world, "member_a1", att)
    assert d.status_code == 200
    assert d.headers["content-disposition"].startswith("attachment;")
    assert "sandbox" in d.headers["content-security-policy"]
    assert d.headers["x-content-type-options"] == "nosniff"


def test_a_report_cannot_claim_a_refused_upload(client, world):
    """The assignment-report path end to end: a refused upload leaves no id to claim, a
    harmless polyglot claimed by the report is served safely to the secretary."""
    from tests.assignments.factory import make_assignment

    asg = make_assignment(world)
    h = world.h("member_a1")
    refused = _send(client, world, "assignment report", "bom.docx", ratio_bomb_docx(), "")
    assert refused.status_code == 415
    polyglot = b"\x89PNG\r\n\x1a\n" + b"<script>alert(1)</script>"
    up = _send(client, world, "assignment report", "bao-cao.png", polyglot, "image/png").json()
    r = client.post(
        f"{API}/assignments/{asg}/submit",
        json={"report": "Đã hoàn thành.", "attachment_ids": [up["id"]]},
        headers=h,
    )
    assert r.status_code == 200, r.text
    d = client.get(up["url"], headers=world.h("secretary_a1"))
    assert d.status_code == 200 and d.headers["content-type"] == "image/png"
    assert "sandbox" in d.headers["content-security-policy"]
    assert client.get(up["url"], headers=world.h("secretary_b1")).status_code == 404
