"""Attachments: storing uploads, who may download them, claiming uploads for an object.

Each domain that owns files registers how to decide who may read them:
`register_owner("document", can_read)`. An attachment with no owner yet (an upload waiting
to be attached to an assignment report) is readable by its uploader only.
"""

from __future__ import annotations

import datetime as dt
import re
import unicodedata
from collections.abc import Callable
from typing import Any, BinaryIO

from sqlalchemy import bindparam, delete, func, select
from sqlmodel import Session, col

from api.audit import service as audit
from api.authz import Principal
from api.config import get_settings
from api.db import any_of_param, prebuilt, utcnow
from api.errors import FieldError, NotFound, PayloadTooLarge, UnsupportedMediaType
from api.files.models import Attachment, AttachmentPublic
from api.files.sniff import EXTENSIONS, NotAllowed, detect
from api.files.storage import TooLarge, get_storage
from api.tasks import periodic

ReadCheck = Callable[[Session, Principal, int], bool]
_OWNERS: dict[str, ReadCheck] = {}
UNCLAIMED_TTL = dt.timedelta(hours=24)


def register_owner(kind: str, can_read: ReadCheck) -> None:
    """Declare the owner kind `kind` and how to decide who may read its attachments."""
    _OWNERS[kind] = can_read


def safe_filename(raw: str | None, content_type: str) -> str:
    """The client's file name without path parts, control characters or a misleading
    extension; the extension always matches the detected type."""
    name = unicodedata.normalize("NFC", raw or "")
    name = re.split(r"[\\/]", name)[-1]
    name = "".join(ch for ch in name if unicodedata.category(ch)[0] != "C")
    name = re.sub(r"[<>:\"|?*]", "_", name).strip(" .")
    stem = name.rsplit(".", 1)[0] if "." in name else name
    stem = stem[:200].strip(" .") or "tep-dinh-kem"
    return stem + EXTENSIONS[content_type]


def store_upload(
    session: Session,
    principal: Principal,
    stream: BinaryIO,
    filename: str | None,
    *,
    owner_kind: str | None = None,
    owner_id: int | None = None,
    unit_path: str | None = None,
) -> Attachment:
    """Store an upload (413 past the size limit, 415 for a type we refuse) and record it."""
    storage = get_storage()
    try:
        staged = storage.stage(stream, get_settings().max_upload_bytes)
    except TooLarge:
        raise PayloadTooLarge("file.too_large") from None
    try:
        if staged.size == 0:
            raise NotAllowed()
        content_type = detect(staged.path)
    except NotAllowed as refused:
        storage.discard(staged)
        raise UnsupportedMediaType(refused.key) from None
    storage.commit(staged)
    attachment = Attachment(
        owner_kind=owner_kind,
        owner_id=owner_id,
        sha256=staged.sha256,
        size=staged.size,
        content_type=content_type,
        filename=safe_filename(filename, content_type),
        uploaded_by_id=principal.user_id,
    )
    session.add(attachment)
    session.flush()
    audit.record(
        session,
        actor_id=principal.user_id,
        action="attachment.upload",
        object_type="attachment",
        object_id=attachment.id,
        unit_path=unit_path or principal.cell_path,
        after=audit.snapshot(attachment),
    )
    return attachment


def readable_attachment(session: Session, principal: Principal, attachment_id: int) -> Attachment:
    """The attachment if the caller may read its owner (or uploaded it, while unowned)."""
    attachment = session.get(Attachment, attachment_id)
    if attachment is None:
        raise NotFound()
    if attachment.owner_kind is None:
        if attachment.uploaded_by_id != principal.user_id:
            raise NotFound()
        return attachment
    check = _OWNERS.get(attachment.owner_kind)
    if check is None or attachment.owner_id is None:
        raise NotFound()
    if not check(session, principal, attachment.owner_id):
        raise NotFound()
    return attachment


def claim(
    session: Session,
    principal: Principal,
    attachment_ids: list[int],
    owner_kind: str,
    owner_id: int,
) -> list[Attachment]:
    """Attach the caller's own unowned uploads to an object; 404 for any other id."""
    wanted = list(dict.fromkeys(attachment_ids))
    if not wanted:
        return []
    rows = session.execute(
        select(Attachment).where(
            col(Attachment.id).in_(wanted),
            col(Attachment.uploaded_by_id) == principal.user_id,
            col(Attachment.owner_kind).is_(None),
        )
    ).scalars()
    found = {a.id: a for a in rows}
    if len(found) != len(wanted):
        raise NotFound(errors=[FieldError("attachment_ids", "field.attachment_not_found")])
    for attachment in found.values():
        attachment.owner_kind, attachment.owner_id = owner_kind, owner_id
        session.add(attachment)
        audit.record(
            session,
            actor_id=principal.user_id,
            action="attachment.claim",
            object_type="attachment",
            object_id=attachment.id,
            unit_path=principal.cell_path,
            after={"owner_kind": owner_kind, "owner_id": owner_id},
        )
    session.flush()
    return [found[i] for i in wanted]


def owned_by(session: Session, owner_kind: str, owner_id: int) -> list[Attachment]:
    """An object's attachments, oldest first."""
    return list(
        session.execute(
            select(Attachment)
            .where(col(Attachment.owner_kind) == owner_kind, col(Attachment.owner_id) == owner_id)
            .order_by(col(Attachment.id))
        ).scalars()
    )


def owned_by_many(session: Session, owner_kind: str, owner_ids: list[int]) -> list[Attachment]:
    """Attachments of several objects of one kind (one query for a page of them)."""
    if not owner_ids:
        return []
    params = {"owner_kind": owner_kind, "owner_ids": owner_ids}
    return list(session.execute(_owned_by_many(), params).scalars())


@prebuilt
def _owned_by_many() -> Any:
    return (
        select(Attachment)
        .where(
            col(Attachment.owner_kind) == bindparam("owner_kind"),
            any_of_param(col(Attachment.owner_id), "owner_ids"),
        )
        .order_by(col(Attachment.id))
    )


def remove(session: Session, attachment: Attachment, *, actor_id: int, unit_path: str) -> None:
    """Delete an attachment's record (its content goes when nothing else refers to it)."""
    audit.record(
        session,
        actor_id=actor_id,
        action="attachment.delete",
        object_type="attachment",
        object_id=attachment.id,
        unit_path=unit_path,
        before=audit.snapshot(attachment),
    )
    session.delete(attachment)
    session.flush()


def release_owned(session: Session, owner_kind: str, owner_id: int) -> None:
    """Delete every attachment record of an object that is being deleted."""
    session.execute(
        delete(Attachment).where(
            col(Attachment.owner_kind) == owner_kind, col(Attachment.owner_id) == owner_id
        )
    )


def to_public(attachment: Attachment) -> AttachmentPublic:
    """The attachment as clients see it, with its download URL."""
    return AttachmentPublic(
        id=attachment.id,  # type: ignore[arg-type]
        filename=attachment.filename,
        content_type=attachment.content_type,
        size=attachment.size,
        sha256=attachment.sha256,
        created_at=attachment.created_at,
        url=f"/api/v1/attachments/{attachment.id}",
    )


@periodic("files.purge_unclaimed", every_seconds=3600)
def purge_unclaimed(session: Session) -> None:
    """Forget uploads nobody claimed within a day, and contents no record refers to."""
    cutoff = utcnow() - UNCLAIMED_TTL
    stale = session.execute(
        select(Attachment).where(
            col(Attachment.owner_kind).is_(None), col(Attachment.created_at) < cutoff
        )
    ).scalars()
    hashes = set()
    for attachment in stale:
        hashes.add(attachment.sha256)
        session.delete(attachment)
    session.flush()
    purge_orphan_contents(session, hashes)


def purge_orphan_contents(session: Session, hashes: set[str]) -> None:
    """Delete stored contents among `hashes` that no attachment refers to any more."""
    if not hashes:
        return
    still = set(
        session.execute(
            select(col(Attachment.sha256))
            .where(col(Attachment.sha256).in_(sorted(hashes)))
            .group_by(col(Attachment.sha256))
            .having(func.count() > 0)
        ).scalars()
    )
    storage = get_storage()
    for sha in hashes - still:
        # Only contents untouched for an hour: an upload of the same bytes right now
        # reuses the file, and must not find it gone.
        storage.delete_idle(sha, idle_seconds=3600)
