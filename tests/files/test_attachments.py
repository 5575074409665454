"""Attachments: type by content, size limit, nothing half-stored, streaming with Range."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest

from tests.documents.factory import PDF, make_document

API = "/api/v1"
BIG_PDF = PDF + b"%" + b"x" * 5000 + b"\n"


def _files_dir() -> Path:
    from api.config import get_settings

    return get_settings().data_dir / "files"


def _stored() -> set[str]:
    root = _files_dir()
    return {p.name for p in root.rglob("*") if p.is_file()} if root.exists() else set()


def _ooxml(extra: dict[str, bytes] | None = None, ratio_bomb: bool = False) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document>Nội dung</w:document>")
        if ratio_bomb:
            z.writestr("word/media/bomb.bin", b"\0" * (20 * 1024 * 1024))
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return buf.getvalue()


def _upload(client, world, who, name, data, ctype="application/octet-stream"):
    return client.post(f"{API}/uploads", files={"file": (name, data, ctype)}, headers=world.h(who))


def test_upload_and_download_with_caching_headers(client, world):
    r = _upload(client, world, "member_a1", "../../etc/Báo cáo tháng 9.exe", BIG_PDF)
    assert r.status_code == 201, r.text
    att = r.json()
    assert att["content_type"] == "application/pdf" and att["size"] == len(BIG_PDF)
    assert att["filename"] == "Báo cáo tháng 9.pdf"  # no path, the extension of what it is
    d = client.get(att["url"], headers=world.h("member_a1"))
    assert d.status_code == 200 and d.content == BIG_PDF
    assert d.headers["etag"] == f'"{att["sha256"]}"'
    assert d.headers["cache-control"].startswith("private")
    assert d.headers["x-content-type-options"] == "nosniff"
    assert d.headers["content-type"] == "application/pdf"
    disposition = d.headers["content-disposition"]
    assert (
        disposition.startswith("inline;") and "filename*=UTF-8''B%C3%A1o%20c%C3%A1o" in disposition
    )
    again = client.get(
        att["url"], headers={**world.h("member_a1"), "If-None-Match": d.headers["etag"]}
    )
    assert again.status_code == 304
    # An unclaimed upload is its uploader's alone.
    assert client.get(att["url"], headers=world.h("member_a1b")).status_code == 404


def test_ranges_for_pdf_viewers(client, world):
    att = _upload(client, world, "member_a1", "a.pdf", BIG_PDF).json()
    h = world.h("member_a1")
    size = len(BIG_PDF)
    for header, start, end in (
        ("bytes=0-9", 0, 9),
        ("bytes=100-", 100, size - 1),
        ("bytes=-20", size - 20, size - 1),
        ("bytes=10-999999", 10, size - 1),
    ):
        r = client.get(att["url"], headers={**h, "Range": header})
        assert r.status_code == 206, header
        assert r.content == BIG_PDF[start : end + 1]
        assert r.headers["content-range"] == f"bytes {start}-{end}/{size}"
    r = client.get(att["url"], headers={**h, "Range": f"bytes={size}-"})
    assert r.status_code == 416 and r.headers["content-type"].startswith("application/problem+json")
    assert r.headers["content-range"] == f"bytes */{size}"
    stale = client.get(att["url"], headers={**h, "Range": "bytes=0-9", "If-Range": '"other"'})
    assert stale.status_code == 200 and stale.content == BIG_PDF


@pytest.mark.parametrize(
    ("name", "data"),
    [
        ("virus.pdf", b"MZ\x90\x00 this is an executable"),
        ("page.pdf", b"<html><script>alert(1)</script></html>"),
        ("empty.pdf", b""),
        ("icon.svg", b"<svg xmlns='http://www.w3.org/2000/svg'/>"),
        ("archive.docx", b"PK\x03\x04 not really a zip"),
        ("plain.zip", None),
        # Zip bombs and other dangerous Office files: tests/files/test_hostile_uploads.py
    ],
)
def test_refused_types_get_415_and_nothing_is_kept(client, world, name, data):
    if data is None:
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as z:
            z.writestr("hello.txt", "xin chào")
        data = buf.getvalue()
    before = _stored()
    r = _upload(client, world, "member_a1", name, data, "application/pdf")
    assert r.status_code == 415, r.text
    assert r.headers["content-type"].startswith("application/problem+json")
    assert r.json()["detail"].startswith("Chỉ nhận tệp PDF")
    assert _stored() == before


def test_office_and_image_files_are_recognised_by_content(client, world):
    r = _upload(client, world, "member_a1", "bao-cao", _ooxml())
    assert r.status_code == 201 and r.json()["filename"] == "bao-cao.docx"
    assert r.json()["content_type"].endswith("wordprocessingml.document")
    png = b"\x89PNG\r\n\x1a\n" + b"\0" * 32
    r = _upload(client, world, "member_a1", "anh.jpg", png, "image/jpeg")
    assert r.status_code == 201 and r.json()["content_type"] == "image/png"
    assert r.json()["filename"] == "anh.png"


def test_oversized_uploads_get_413_and_nothing_is_kept(client, world, monkeypatch):
    from api.config import get_settings

    monkeypatch.setenv("SOTAY_MAX_UPLOAD_BYTES", "1000")
    get_settings.cache_clear()
    try:
        before = _stored()
        r = _upload(client, world, "member_a1", "lon.pdf", BIG_PDF)
        assert r.status_code == 413 and r.headers["content-type"].startswith(
            "application/problem+json"
        )
        assert _stored() == before
        assert not any((_files_dir() / "tmp").iterdir())
    finally:
        monkeypatch.delenv("SOTAY_MAX_UPLOAD_BYTES")
        get_settings.cache_clear()


def test_document_attachments_follow_the_document(client, world):
    doc = make_document(world)
    r = client.post(
        f"{API}/documents/{doc}/attachments",
        files={"file": ("Nghị quyết 10.pdf", PDF, "application/pdf")},
        headers=world.h("publisher_a"),
    )
    assert r.status_code == 201, r.text
    url = r.json()["url"]
    shown = client.get(f"{API}/documents/{doc}", headers=world.h("member_a1")).json()
    assert [a["url"] for a in shown["attachments"]] == [url]
    assert client.get(url, headers=world.h("member_a1")).content == PDF
    assert client.get(url, headers=world.h("member_b1")).status_code == 404
    # The same bytes uploaded twice are stored once.
    assert _upload(client, world, "member_b1", "x.pdf", PDF).json()["sha256"] == r.json()["sha256"]
    assert len([n for n in _stored() if n == r.json()["sha256"]]) == 1


def test_claim_attaches_only_the_callers_own_unowned_uploads(client, world):
    from api.auth.service import principal_for
    from api.db import new_session
    from api.errors import NotFound
    from api.files import service as files
    from api.members.models import User

    mine = _upload(client, world, "member_a1", "a.pdf", PDF).json()["id"]
    theirs = _upload(client, world, "member_a1b", "b.pdf", PDF).json()["id"]
    with new_session() as s:
        p = principal_for(s, s.get(User, world.users["member_a1"]))
        with pytest.raises(NotFound) as exc:
            files.claim(s, p, [mine, theirs], "assignment_report", 7)
        assert exc.value.errors[0].field == "attachment_ids"
        s.rollback()
        claimed = files.claim(s, p, [mine, mine], "assignment_report", 7)
        assert [(a.id, a.owner_kind, a.owner_id) for a in claimed] == [
            (mine, "assignment_report", 7)
        ]
        s.commit()
        with pytest.raises(NotFound):
            files.claim(s, p, [mine], "assignment_report", 8)  # already owned
    # An owner kind nobody registered: nobody may read it.
    assert client.get(f"{API}/attachments/{mine}", headers=world.h("member_a1")).status_code == 404


def test_unclaimed_uploads_are_forgotten_after_a_day(client, world):
    import datetime as dt

    from sqlalchemy import update

    from api.db import new_session
    from api.files.models import Attachment
    from api.files.service import purge_unclaimed

    att = _upload(client, world, "member_a1", "a.pdf", BIG_PDF).json()
    with new_session() as s:
        old = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)
        s.execute(update(Attachment).where(Attachment.id == att["id"]).values(created_at=old))
        s.commit()
        purge_unclaimed(s)
        s.commit()
        assert s.get(Attachment, att["id"]) is None
