"""The document lifecycle: draft → published → archived, versions, audience, replacements."""

from __future__ import annotations

from typing import Any

from sqlalchemy import delete, select
from sqlmodel import Session, col

from api.audit import service as audit
from api.authz import Principal, authorize
from api.db import utcnow
from api.documents import search
from api.documents.bodies import html_to_text, render_body
from api.documents.models import (
    READABLE_STATUSES,
    Document,
    DocumentAudience,
    DocumentReplacement,
    DocumentStatus,
    DocumentTopic,
    DocumentVersion,
)
from api.documents.schemas import DocumentCreate, DocumentUpdate
from api.documents.symbols import Symbol, parse_symbol
from api.documents.visibility import readable_clause
from api.errors import AppValueError, Conflict, Duplicate, FieldError, NotFound, ValidationFailed
from api.files import service as files
from api.i18n import t
from api.notifications import outbox
from api.org.models import OrgUnit
from api.sync.models import record_removal
from api.text import fold

AUDIT_FIELDS = [
    "kind", "symbol", "issuer_id", "issued_on", "effective_on", "title", "summary",
    "body_format", "topics", "status", "version",
]  # fmt: skip


def _symbol(raw: str, kind: str) -> Symbol:
    try:
        return parse_symbol(raw, kind)
    except AppValueError as exc:
        raise ValidationFailed(errors=[FieldError("symbol", exc.code)]) from None


def _check_unique(session: Session, doc: Document) -> None:
    stmt = select(col(Document.id)).where(
        col(Document.issuer_id) == doc.issuer_id,
        col(Document.symbol_key) == doc.symbol_key,
        col(Document.issued_year) == doc.issued_year,
    )
    if doc.id is not None:
        stmt = stmt.where(col(Document.id) != doc.id)
    if session.execute(stmt).first() is not None:
        raise Duplicate(errors=[FieldError("symbol", "field.symbol_taken")])


def _apply_symbol(doc: Document, symbol: Symbol) -> None:
    doc.symbol, doc.symbol_key = symbol.text, symbol.key
    doc.symbol_number, doc.symbol_code, doc.symbol_issuer = (
        symbol.number,
        symbol.code,
        symbol.issuer,
    )


def _apply_body(doc: Document, source: str, body_format: str) -> None:
    doc.body_source, doc.body_format = source, body_format
    doc.body_html = render_body(source, body_format)
    doc.body_text = html_to_text(doc.body_html)


def _check_dates(doc: Document) -> None:
    if doc.effective_on is not None and doc.effective_on < doc.issued_on:
        raise ValidationFailed(errors=[FieldError("effective_on", "field.effective_before_issued")])
    doc.issued_year = doc.issued_on.year


def _audience(session: Session, issuer: OrgUnit, unit_ids: list[int] | None) -> list[int]:
    """The audience's unit ids: the issuer by default, else chosen units of its subtree."""
    if not unit_ids:
        return [issuer.id]  # type: ignore[list-item]
    wanted = sorted(set(unit_ids))
    found = dict(
        session.execute(
            select(col(OrgUnit.id), col(OrgUnit.path)).where(col(OrgUnit.id).in_(wanted))
        ).all()
    )
    if len(found) != len(wanted):
        raise NotFound(errors=[FieldError("audience_unit_ids", "field.unit_not_found")])
    if not all(path.startswith(issuer.path) for path in found.values()):
        raise ValidationFailed(
            errors=[FieldError("audience_unit_ids", "field.audience_outside_issuer")]
        )
    return wanted


def _set_audience(session: Session, doc: Document, unit_ids: list[int]) -> None:
    session.execute(delete(DocumentAudience).where(col(DocumentAudience.document_id) == doc.id))
    for unit_id in unit_ids:
        session.add(DocumentAudience(document_id=doc.id, unit_id=unit_id))  # type: ignore[arg-type]


def _set_topics(session: Session, doc: Document, topics: list[str]) -> None:
    doc.topics = topics
    session.execute(delete(DocumentTopic).where(col(DocumentTopic.document_id) == doc.id))
    for key, label in {fold(x)[:80]: x for x in topics}.items():
        session.add(DocumentTopic(document_id=doc.id, topic_key=key, label=label))  # type: ignore[arg-type]


def _set_replaces(
    session: Session, principal: Principal, doc: Document, replaced_ids: list[int]
) -> None:
    """Link the older documents this one replaces: readable by the publisher, not drafts."""
    wanted = sorted(set(replaced_ids) - {doc.id})
    if wanted:
        found = session.execute(
            select(col(Document.id), col(Document.status)).where(
                col(Document.id).in_(wanted), readable_clause(principal)
            )
        ).all()
        if len(found) != len(wanted):
            raise NotFound(errors=[FieldError("replaces_ids", "field.document_not_found")])
        if any(status not in READABLE_STATUSES for _, status in found):
            raise ValidationFailed(errors=[FieldError("replaces_ids", "field.replaces_draft")])
    session.execute(
        delete(DocumentReplacement).where(col(DocumentReplacement.document_id) == doc.id)
    )
    for replaced_id in wanted:
        session.add(DocumentReplacement(document_id=doc.id, replaced_id=replaced_id))  # type: ignore[arg-type]


def issuer_for_create(session: Session, principal: Principal, issuer_id: int) -> OrgUnit:
    """The issuing unit, which the caller must publish for (404 out of sight, else 403)."""
    issuer = session.get(OrgUnit, issuer_id)
    if issuer is None or not principal.can_see_unit(issuer.path):
        raise NotFound(errors=[FieldError("issuer_id", "field.unit_not_found")])
    authorize(principal, "document.manage", issuer.path)
    return issuer


def create_document(session: Session, principal: Principal, data: DocumentCreate) -> Document:
    """A publisher of the issuing unit writes a draft."""
    issuer = issuer_for_create(session, principal, data.issuer_id)
    doc = Document(
        kind=data.kind,
        issuer_id=issuer.id,  # type: ignore[arg-type]
        issued_on=data.issued_on,
        effective_on=data.effective_on,
        title=data.title,
        summary=data.summary,
        created_by_id=principal.user_id,
        updated_by_id=principal.user_id,
    )
    _apply_symbol(doc, _symbol(data.symbol, data.kind))
    _apply_body(doc, data.body, data.body_format)
    _check_dates(doc)
    _check_unique(session, doc)
    audience = _audience(session, issuer, data.audience_unit_ids)
    session.add(doc)
    session.flush()
    _set_audience(session, doc, audience)
    _set_topics(session, doc, data.topics)
    _set_replaces(session, principal, doc, data.replaces_ids)
    _snapshot_version(session, doc, principal, None)
    search.index_document(session, doc)
    _audit(session, principal, "document.create", doc, issuer, None)
    return doc


def _snapshot_version(
    session: Session, doc: Document, principal: Principal, note: str | None
) -> DocumentVersion:
    """Write the current content into the current version's row (new or existing)."""
    row = session.execute(
        select(DocumentVersion).where(
            col(DocumentVersion.document_id) == doc.id, col(DocumentVersion.version) == doc.version
        )
    ).scalar_one_or_none()
    if row is None:
        row = DocumentVersion(
            document_id=doc.id,  # type: ignore[arg-type]
            version=doc.version,
            created_by_id=principal.user_id,
        )
    row.symbol, row.title, row.summary = doc.symbol, doc.title, doc.summary
    row.body_source, row.body_format, row.body_html = (
        doc.body_source,
        doc.body_format,
        doc.body_html,
    )
    row.published_at = doc.revised_at
    if note is not None:
        row.change_note = note
    session.add(row)
    return row


# What a member studies: a change to any of these is a new version when it is substantive.
CONTENT_FIELDS = ("kind", "symbol", "issued_on", "effective_on", "title", "summary", "body_html")


def _content(doc: Document) -> tuple[Any, ...]:
    return tuple(getattr(doc, f) for f in CONTENT_FIELDS)


def update_document(
    session: Session, principal: Principal, doc: Document, issuer: OrgUnit, data: DocumentUpdate
) -> Document:
    """Edit a draft or a published document; `substantive` on a published one makes a version."""
    if doc.status == DocumentStatus.archived:
        raise Conflict("document.archived_read_only")
    before = audit.snapshot(doc, AUDIT_FIELDS)
    content_before = _content(doc)
    changes: dict[str, Any] = data.model_dump(exclude_unset=True)
    for key in ("kind", "title", "summary", "issued_on"):
        if changes.get(key) is not None:
            setattr(doc, key, changes[key])
    if "effective_on" in changes:
        doc.effective_on = changes["effective_on"]
    if changes.get("symbol") is not None or changes.get("kind") is not None:
        _apply_symbol(doc, _symbol(changes.get("symbol") or doc.symbol, doc.kind))
    if changes.get("body") is not None or changes.get("body_format") is not None:
        source = changes["body"] if changes.get("body") is not None else doc.body_source
        _apply_body(doc, source, data.body_format or doc.body_format)
    _check_dates(doc)
    _check_unique(session, doc)
    if data.audience_unit_ids is not None:
        old_paths = audience_paths(session, doc)
        _set_audience(session, doc, _audience(session, issuer, data.audience_unit_ids))
        if doc.status != DocumentStatus.draft:
            # Members left out keep a copy on their phones until their next sync drops it.
            record_removal(session, "document", doc.id, old_paths)  # type: ignore[arg-type]
    if data.topics is not None:
        _set_topics(session, doc, data.topics)
    if data.replaces_ids is not None:
        _set_replaces(session, principal, doc, data.replaces_ids)
    # A "substantive" edit that changes no text would ask the whole audience to study it
    # again for nothing: it stays a correction.
    revised = (
        data.substantive
        and doc.status == DocumentStatus.published
        and _content(doc) != content_before
    )
    now = utcnow()
    if revised:
        doc.version += 1
        doc.revised_at = now
    doc.updated_at, doc.updated_by_id = now, principal.user_id
    session.add(doc)
    session.flush()
    _snapshot_version(session, doc, principal, data.change_note)
    search.index_document(session, doc)
    if revised:
        search.add_vocabulary(session, doc)
        _notify(session, principal, doc, "document.revised")
    action = "document.revise" if revised else "document.update"
    _audit(session, principal, action, doc, issuer, before)
    return doc


def publish(session: Session, principal: Principal, doc: Document, issuer: OrgUnit) -> Document:
    """Send a draft to its audience (they are notified through the outbox)."""
    if doc.status != DocumentStatus.draft:
        raise Conflict("document.not_draft")
    before = audit.snapshot(doc, AUDIT_FIELDS)
    now = utcnow()
    doc.status = DocumentStatus.published
    doc.published_at = doc.revised_at = doc.updated_at = now
    doc.updated_by_id = principal.user_id
    session.add(doc)
    session.flush()
    _snapshot_version(session, doc, principal, None)
    search.add_vocabulary(session, doc)
    _notify(session, principal, doc, "document.published")
    _audit(session, principal, "document.publish", doc, issuer, before)
    return doc


def archive(session: Session, principal: Principal, doc: Document, issuer: OrgUnit) -> Document:
    """Take a published document out of force: still readable, marked archived."""
    if doc.status != DocumentStatus.published:
        raise Conflict("document.not_published")
    before = audit.snapshot(doc, AUDIT_FIELDS)
    doc.status = DocumentStatus.archived
    doc.archived_at = doc.updated_at = utcnow()
    doc.updated_by_id = principal.user_id
    session.add(doc)
    session.flush()
    _audit(session, principal, "document.archive", doc, issuer, before)
    return doc


def delete_draft(session: Session, principal: Principal, doc: Document, issuer: OrgUnit) -> None:
    """Discard a draft that was never published (published ones are archived instead)."""
    if doc.status != DocumentStatus.draft:
        raise Conflict("document.not_draft")
    before = audit.snapshot(doc, AUDIT_FIELDS)
    doc_id: int = doc.id  # type: ignore[assignment]
    files.release_owned(session, "document", doc_id)
    search.unindex_document(session, doc_id)
    for model, column in (
        (DocumentAudience, DocumentAudience.document_id),
        (DocumentTopic, DocumentTopic.document_id),
        (DocumentReplacement, DocumentReplacement.document_id),
        (DocumentVersion, DocumentVersion.document_id),
    ):
        session.execute(delete(model).where(col(column) == doc_id))
    session.delete(doc)
    record_removal(session, "document", doc_id, [issuer.path])  # its publishers held it
    session.flush()
    _audit(session, principal, "document.delete", doc, issuer, before, after=False)


def audience_paths(session: Session, doc: Document) -> list[str]:
    """The materialized paths of the audience's units (for notifications)."""
    return list(
        session.execute(
            select(col(OrgUnit.path))
            .join(DocumentAudience, col(DocumentAudience.unit_id) == OrgUnit.id)
            .where(col(DocumentAudience.document_id) == doc.id)
            .order_by(col(OrgUnit.path))
        ).scalars()
    )


def _notify(session: Session, principal: Principal, doc: Document, kind: str) -> None:
    key = "document.notify.published" if kind == "document.published" else "document.notify.revised"
    outbox.enqueue(
        session,
        category="documents",
        kind=kind,
        object_type="document",
        object_id=doc.id,  # type: ignore[arg-type]
        title=t(key, "vi", symbol=doc.symbol),
        body=doc.title,
        url=f"/documents/{doc.id}",
        audience={"unit_paths": audience_paths(session, doc)},
        dedupe_key=f"document.published:{doc.id}:v{doc.version}",
        exclude_user_id=principal.user_id,
        topic=f"doc-{doc.id}",
    )


def _audit(
    session: Session,
    principal: Principal,
    action: str,
    doc: Document,
    issuer: OrgUnit,
    before: dict[str, Any] | None,
    *,
    after: bool = True,
) -> None:
    audit.record(
        session,
        actor_id=principal.user_id,
        action=action,
        object_type="document",
        object_id=doc.id,
        unit_path=issuer.path,
        before=before,
        after=audit.snapshot(doc, AUDIT_FIELDS) if after else None,
    )
