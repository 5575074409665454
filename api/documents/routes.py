"""Document library endpoints: the library and search, documents' lifecycle, attachments,
a member's receipts, bookmarks and notes; study sets are in `study_routes`."""

from __future__ import annotations

from typing import Annotated, Literal

from fastapi import APIRouter, File, Path, Query, Response, UploadFile
from sqlmodel import Session

from api.authz import Principal
from api.deps import CurrentPrincipal, CursorQuery, LimitDep, SessionDep, in_one_thread
from api.documents import (
    library,
    personal,  # noqa: F401  (registers its privacy export and erasure)
    receipts,
    service,
)
from api.documents.present import detail
from api.documents.schemas import (
    AcknowledgeBody,
    DocumentCreate,
    DocumentPublic,
    DocumentSummary,
    DocumentUpdate,
    Kind,
    LibrarySeen,
    NoteBody,
    VersionBrief,
    VersionPublic,
)
from api.documents.study_routes import router as study_router
from api.documents.versions import get_version, list_versions
from api.documents.visibility import managed_document, readable_document
from api.errors import NotFound
from api.files import service as files
from api.files.models import Attachment, AttachmentPublic
from api.ops.limits import limit, limit_check, searching
from api.org.models import KIND_PATTERN
from api.pagination import Page
from api.types import MAX_ID, IdPath

router = APIRouter(tags=["documents"])
router.include_router(study_router)


class LibraryPage(Page[DocumentSummary]):
    # The search found nothing as typed and shows near matches ("quyeet" → "quyet").
    corrected: bool = False


@router.get("/documents", response_model=LibraryPage)
@in_one_thread(before=[limit_check("search", when=searching)])  # rate limit: searches only
def list_documents(
    session: Session,
    principal: Principal,
    limit: LimitDep,
    cursor: CursorQuery = None,
    q: Annotated[str | None, Query(max_length=200)] = None,
    kind: Kind | None = None,
    level: Annotated[str | None, Query(pattern=KIND_PATTERN)] = None,
    issuer_id: Annotated[int | None, Query(ge=1, le=MAX_ID)] = None,
    topic: Annotated[str | None, Query(max_length=80)] = None,
    year: Annotated[int | None, Query(ge=1930, le=2100)] = None,
    status: Literal["draft", "published", "archived"] | None = None,
    bookmarked: bool = False,
) -> LibraryPage:
    """What the caller may read, newest first; with `q`, searched and ranked."""
    filters = library.Filters(
        q=q,
        kind=kind,
        level=level,
        issuer_id=issuer_id,
        topic=topic,
        year=year,
        status=status,
        bookmarked=bookmarked,
    )
    result = library.list_documents(session, principal, filters, cursor=cursor, limit=limit)
    return LibraryPage(
        items=result.items, next_cursor=result.next_cursor, corrected=result.corrected
    )


@router.post("/documents", response_model=DocumentPublic, status_code=201)
def create_document(
    session: SessionDep, principal: CurrentPrincipal, body: DocumentCreate
) -> DocumentPublic:
    """A publisher of the issuing unit writes a draft."""
    return detail(session, principal, service.create_document(session, principal, body))


@router.post("/library/seen", response_model=LibrarySeen)
def library_seen(session: SessionDep, principal: CurrentPrincipal) -> LibrarySeen:
    """The member looked at the library: later documents are the new ones."""
    return LibrarySeen(last_seen_at=receipts.mark_library_seen(session, principal))


@router.get("/documents/{document_id}", response_model=DocumentPublic)
@in_one_thread
def get_document(session: Session, principal: Principal, document_id: IdPath) -> DocumentPublic:
    """The document with its body, attachments and the caller's own receipt."""
    return detail(session, principal, readable_document(session, principal, document_id))


@router.patch(
    "/documents/{document_id}",
    response_model=DocumentPublic,
    dependencies=[limit("publish")],  # revising fans out again, as publishing does
)
def update_document(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath, body: DocumentUpdate
) -> DocumentPublic:
    """Edit; on a published document `substantive: true` makes a version to acknowledge again."""
    doc, issuer = managed_document(session, principal, document_id)
    doc = service.update_document(session, principal, doc, issuer, body)
    return detail(session, principal, doc)


@router.delete("/documents/{document_id}", status_code=204)
def delete_document(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> Response:
    """Discard a draft (a published document is archived instead)."""
    doc, issuer = managed_document(session, principal, document_id)
    service.delete_draft(session, principal, doc, issuer)
    return Response(status_code=204)


@router.post(
    "/documents/{document_id}/publish",
    response_model=DocumentPublic,
    dependencies=[limit("publish")],
)
def publish(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> DocumentPublic:
    """Send the draft to its audience."""
    doc, issuer = managed_document(session, principal, document_id)
    return detail(session, principal, service.publish(session, principal, doc, issuer))


@router.post("/documents/{document_id}/archive", response_model=DocumentPublic)
def archive(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> DocumentPublic:
    """Take the document out of force; it stays readable, marked archived."""
    doc, issuer = managed_document(session, principal, document_id)
    return detail(session, principal, service.archive(session, principal, doc, issuer))


@router.get("/documents/{document_id}/versions", response_model=list[VersionBrief])
def versions(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> list[VersionBrief]:
    """Every version of the document, newest first."""
    doc = readable_document(session, principal, document_id)
    return list_versions(session, doc)


@router.get("/documents/{document_id}/versions/{version}", response_model=VersionPublic)
def version(
    session: SessionDep,
    principal: CurrentPrincipal,
    document_id: IdPath,
    version: Annotated[int, Path(ge=1, le=1_000_000)],
) -> VersionPublic:
    """One version's content (older versions stay readable)."""
    doc = readable_document(session, principal, document_id)
    return get_version(session, doc, version)


@router.post(
    "/documents/{document_id}/attachments", response_model=AttachmentPublic, status_code=201
)
def add_attachment(
    session: SessionDep,
    principal: CurrentPrincipal,
    document_id: IdPath,
    file: Annotated[UploadFile, File()],
) -> AttachmentPublic:
    """A publisher attaches a file (PDF, image, Office document) to the document."""
    doc, issuer = managed_document(session, principal, document_id)
    attachment = files.store_upload(
        session,
        principal,
        file.file,
        file.filename,
        owner_kind="document",
        owner_id=doc.id,
        unit_path=issuer.path,
    )
    return files.to_public(attachment)


@router.delete("/documents/{document_id}/attachments/{attachment_id}", status_code=204)
def remove_attachment(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath, attachment_id: IdPath
) -> Response:
    """A publisher removes a wrongly attached file."""
    doc, issuer = managed_document(session, principal, document_id)
    attachment = session.get(Attachment, attachment_id)
    if attachment is None or (attachment.owner_kind, attachment.owner_id) != ("document", doc.id):
        raise NotFound()
    files.remove(session, attachment, actor_id=principal.user_id, unit_path=issuer.path)
    return Response(status_code=204)


@router.post("/documents/{document_id}/read", response_model=DocumentPublic)
def read(session: SessionDep, principal: CurrentPrincipal, document_id: IdPath) -> DocumentPublic:
    """The member opened the document (first and last opening are kept)."""
    doc = readable_document(session, principal, document_id)
    receipts.record_read(session, principal, doc)
    return detail(session, principal, doc)


@router.post("/documents/{document_id}/acknowledge", response_model=DocumentPublic)
def acknowledge(
    session: SessionDep,
    principal: CurrentPrincipal,
    document_id: IdPath,
    body: AcknowledgeBody | None = None,
) -> DocumentPublic:
    """The member has studied the document ("đã học tập, quán triệt"); idempotent."""
    doc = readable_document(session, principal, document_id)
    receipts.acknowledge(session, principal, doc, body.version if body else None)
    return detail(session, principal, doc)


@router.put("/documents/{document_id}/bookmark", response_model=DocumentPublic)
def bookmark(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> DocumentPublic:
    """Save the document in the member's bookmarks."""
    doc = readable_document(session, principal, document_id)
    receipts.set_bookmark(session, principal, doc, True)
    return detail(session, principal, doc)


@router.delete("/documents/{document_id}/bookmark", response_model=DocumentPublic)
def unbookmark(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> DocumentPublic:
    """Remove the document from the member's bookmarks."""
    doc = readable_document(session, principal, document_id)
    receipts.set_bookmark(session, principal, doc, False)
    return detail(session, principal, doc)


@router.put("/documents/{document_id}/note", response_model=DocumentPublic)
def put_note(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath, body: NoteBody
) -> DocumentPublic:
    """The member's private note on the document (only they ever see it)."""
    doc = readable_document(session, principal, document_id)
    receipts.set_note(session, principal, doc, body.note)
    return detail(session, principal, doc)


@router.delete("/documents/{document_id}/note", response_model=DocumentPublic)
def delete_note(
    session: SessionDep, principal: CurrentPrincipal, document_id: IdPath
) -> DocumentPublic:
    """Clear the member's private note."""
    doc = readable_document(session, principal, document_id)
    receipts.set_note(session, principal, doc, None)
    return detail(session, principal, doc)
