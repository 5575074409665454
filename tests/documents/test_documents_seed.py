"""The demo seed publishes the demo documents with real PDFs, a study set and receipts."""

from __future__ import annotations

from sqlalchemy import func, select


def test_demo_documents_are_published_with_pdfs(client):
    from api.db import new_session
    from api.documents.models import Document, DocumentReceipt, StudySet
    from api.files.models import Attachment
    from api.files.storage import get_storage
    from seed.demo import seed_demo
    from seed.demo_documents import DOCUMENTS

    assert seed_demo() is True
    with new_session() as s:
        statuses = s.execute(select(Document.status, func.count()).group_by(Document.status)).all()
        assert statuses == [("published", len(DOCUMENTS))]
        pdfs = list(s.execute(select(Attachment)).scalars())
        assert len(pdfs) == sum(d.has_pdf for d in DOCUMENTS) >= 1
        for pdf in pdfs:
            data = get_storage().path(pdf.sha256).read_bytes()
            assert data.startswith(b"%PDF-") and data.rstrip().endswith(b"%%EOF")
        assert s.execute(select(func.count()).select_from(StudySet)).scalar() == 1
        assert s.execute(select(func.count()).select_from(DocumentReceipt)).scalar() > 0
        replaced = s.execute(select(Document).where(Document.symbol == "12-HD/TU")).scalar_one()
        assert replaced.status == "published"


def test_the_fallback_pdf_is_a_valid_pdf():
    import re

    from seed.demo_pdf import _plain

    data = _plain(["ĐẢNG BỘ TỈNH HƯNG YÊN", "Nghị quyết (số 57) về chuyển đổi số"] * 50)
    assert data.startswith(b"%PDF-1.4") and data.endswith(b"%%EOF\n")
    xref = int(re.search(rb"startxref\n(\d+)", data).group(1))
    assert data[xref : xref + 4] == b"xref"
    assert b"Nghi quyet \\(so 57\\) ve chuyen doi so" in data
    for match in re.finditer(rb"\n(\d{10}) 00000 n ", data):
        offset = int(match.group(1))
        assert re.match(rb"\d+ 0 obj", data[offset : offset + 12])
