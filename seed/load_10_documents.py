"""Demo documents: the 14 texts of seed.demo_documents, published, with PDFs generated here,
a study set, and a few receipts of the demo members."""

from __future__ import annotations

import io

from sqlalchemy import select
from sqlmodel import Session

from api.auth.service import principal_for
from api.authz import Grant, Principal
from api.documents import receipts, service, study_sets
from api.documents.bodies import html_to_text, render_body
from api.documents.models import Document
from api.documents.schemas import DocumentCreate, StudySetCreate
from api.documents.visibility import can_read, issuer_of
from api.files import service as files
from api.members.models import User
from api.org.models import OrgUnit, Role
from seed import demo_data as data
from seed.demo_documents import DOCUMENTS, DocumentSeed
from seed.demo_pdf import document_pdf

STUDY_SET = (
    "HY",
    "Chuyên đề: Chuyển đổi số trong sinh hoạt chi bộ năm 2026",
    "Bốn văn bản từ Trung ương đến Đảng bộ xã; đảng viên học lần lượt và bấm "
    "“Đã học tập, quán triệt” sau mỗi văn bản.",
    ("57-NQ/TW", "04-KH/TU", "12-HD/TU", "18-KH/ĐU"),
)
# (party card, symbols opened, symbols acknowledged)
RECEIPTS = (
    ("10000001", ("57-NQ/TW", "05-TB/CB", "18-KH/ĐU"), ("57-NQ/TW",)),
    ("10000002", ("57-NQ/TW", "04-KH/TU", "05-TB/CB"), ("57-NQ/TW", "04-KH/TU", "05-TB/CB")),
    ("10000003", ("05-TB/CB",), ()),
)


def _publisher(
    session: Session, units: dict[str, OrgUnit], users: dict[str, User], issuer: OrgUnit
) -> Principal:
    """A demo publisher of the issuer if there is one, else the demo administrator acting
    for the issuer (the central and cell documents have no publisher account)."""
    for grant in data.ROLES:
        unit = units[grant.unit_code]
        if grant.role == Role.publisher and issuer.path.startswith(unit.path):
            return principal_for(session, users[grant.party_card_number])
    admin = next(a for a in data.DEMO_ACCOUNTS if "Quản trị" in a.role_description)
    user = users[admin.party_card_number]
    return Principal(
        user_id=user.id,  # type: ignore[arg-type]
        full_name=user.full_name,
        cell_id=None,
        cell_path=None,
        grants=[Grant(id=0, unit_id=issuer.id, unit_path=issuer.path, role=Role.publisher)],  # type: ignore[arg-type]
    )


def _pdf(seed: DocumentSeed, issuer: OrgUnit) -> bytes:
    text = html_to_text(render_body(seed.body_markdown, "markdown"))
    heading = f"{issuer.name.upper()}\nSố {seed.symbol}, ngày {seed.issued_on:%d/%m/%Y}"
    return document_pdf(heading, seed.title, [seed.summary, *text.splitlines()])


def _load_document(
    session: Session,
    units: dict[str, OrgUnit],
    users: dict[str, User],
    seed: DocumentSeed,
    ids: dict[str, int],
) -> None:
    issuer = units[seed.issuer_code]
    publisher = _publisher(session, units, users, issuer)
    body = DocumentCreate(
        kind=seed.kind,
        symbol=seed.symbol,
        title=seed.title,
        summary=seed.summary,
        body=seed.body_markdown,
        issuer_id=issuer.id,  # type: ignore[arg-type]
        issued_on=seed.issued_on,
        effective_on=seed.effective_on,
        topics=list(seed.topics),
        audience_unit_ids=[units[c].id for c in seed.audience_codes]  # type: ignore[misc]
        if seed.audience_codes
        else None,
        replaces_ids=[ids[seed.replaces_symbol]] if seed.replaces_symbol else [],
    )
    doc = service.create_document(session, publisher, body)
    if seed.has_pdf:
        name = seed.symbol.replace("/", "-") + ".pdf"
        files.store_upload(
            session,
            publisher,
            io.BytesIO(_pdf(seed, issuer)),
            name,
            owner_kind="document",
            owner_id=doc.id,
            unit_path=issuer.path,
        )
    service.publish(session, publisher, doc, issuer_of(session, doc))
    ids[seed.symbol] = doc.id  # type: ignore[assignment]


def load(session: Session, units: dict[str, OrgUnit], users: dict[str, User]) -> None:
    """Publish the demo documents (older first, so replacements resolve), then the rest."""
    if session.execute(select(Document.id).limit(1)).first() is not None:
        return
    ids: dict[str, int] = {}
    for seed in sorted(DOCUMENTS, key=lambda d: (d.issued_on, d.symbol)):
        _load_document(session, units, users, seed, ids)
    session.flush()
    issuer_code, title, description, symbols = STUDY_SET
    issuer = units[issuer_code]
    study_sets.create(
        session,
        _publisher(session, units, users, issuer),
        StudySetCreate(
            issuer_id=issuer.id,  # type: ignore[arg-type]
            title=title,
            description=description,
            document_ids=[ids[s] for s in symbols],
        ),
    )
    for card, opened, acknowledged in RECEIPTS:
        member = principal_for(session, users[card])
        for symbol in opened:
            if can_read(session, member, ids[symbol]):
                doc = session.get(Document, ids[symbol])
                assert doc is not None
                receipts.record_read(session, member, doc)
                if symbol in acknowledged:
                    receipts.acknowledge(session, member, doc, None)
