"""Uploads by any member (claimed later by an object) and downloads of every attachment."""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Request, UploadFile
from fastapi.responses import Response, StreamingResponse

from api.deps import CurrentPrincipal, SessionDep
from api.errors import AppError
from api.files import service
from api.files.models import Attachment, AttachmentPublic
from api.files.sniff import INLINE, PDF
from api.files.storage import CHUNK, get_storage
from api.text import fold
from api.types import IdPath

router = APIRouter(tags=["attachments"])
CACHE_CONTROL = "private, max-age=86400"
_RANGE = re.compile(r"^bytes=(\d*)-(\d*)$")


class RangeNotSatisfiable(AppError):
    status, slug = 416, "range_not_satisfiable"


@router.post("/uploads", response_model=AttachmentPublic, status_code=201)
def upload(
    session: SessionDep, principal: CurrentPrincipal, file: Annotated[UploadFile, File()]
) -> AttachmentPublic:
    """Any member uploads a file to attach later (e.g. to an assignment report)."""
    attachment = service.store_upload(session, principal, file.file, file.filename)
    return service.to_public(attachment)


def _byte_range(header: str | None, size: int) -> tuple[int, int] | None:
    """The one range asked for, inclusive; None for the whole file (absent, odd or multiple
    ranges are answered with the whole file, as RFC 9110 allows)."""
    match = _RANGE.match(header.strip()) if header else None
    if match is None:
        return None
    first, last = match.groups()
    if not first and not last:
        return None
    if not first:  # the last N bytes
        length = int(last)
        if length == 0 or size == 0:
            raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
        return max(0, size - length), size - 1
    start = int(first)
    end = min(int(last), size - 1) if last else size - 1
    if last and int(last) < start:
        return None
    if start >= size:
        raise RangeNotSatisfiable(headers={"Content-Range": f"bytes */{size}"})
    return start, end


def _chunks(path: Path, start: int, length: int) -> Iterator[bytes]:
    with path.open("rb") as f:
        f.seek(start)
        while length > 0:
            chunk = f.read(min(CHUNK, length))
            if not chunk:
                return
            length -= len(chunk)
            yield chunk


def _disposition(attachment: Attachment) -> str:
    kind = "inline" if attachment.content_type in INLINE else "attachment"
    ascii_name = re.sub(r"[^A-Za-z0-9._ -]", "_", fold(attachment.filename)) or "tep"
    return f"{kind}; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(attachment.filename)}"


# An uploaded image or Office file never runs as a page of ours: no scripts, no requests,
# no framing, and a sandbox (a unique origin) even if a browser rendered it as a page.
# PDFs keep the site's CSP (Chromium's PDF viewer does not render in a sandboxed document);
# they are served as application/pdf with nosniff, so a PDF/HTML polyglot stays a PDF.
FILE_CSP = (
    "default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; frame-ancestors 'none'; sandbox"
)


@router.get("/attachments/{attachment_id}", response_class=Response)
def download(
    request: Request, session: SessionDep, principal: CurrentPrincipal, attachment_id: IdPath
) -> Response:
    """The file, streamed, for whoever may read the object it belongs to; supports Range."""
    attachment = service.readable_attachment(session, principal, attachment_id)
    etag = f'"{attachment.sha256}"'
    headers = {
        "ETag": etag,
        "Cache-Control": CACHE_CONTROL,
        "Accept-Ranges": "bytes",
        "X-Content-Type-Options": "nosniff",
        "Content-Disposition": _disposition(attachment),
    }
    if attachment.content_type != PDF:
        headers["Content-Security-Policy"] = FILE_CSP
    if request.headers.get("if-none-match") in (etag, f"W/{etag}"):
        return Response(status_code=304, headers=headers)
    size = attachment.size
    if_range = request.headers.get("if-range")
    wanted = None if if_range not in (None, etag) else request.headers.get("range")
    byte_range = _byte_range(wanted, size)
    path = get_storage().path(attachment.sha256)
    if byte_range is None:
        headers["Content-Length"] = str(size)
        return StreamingResponse(
            _chunks(path, 0, size), media_type=attachment.content_type, headers=headers
        )
    start, end = byte_range
    headers["Content-Range"] = f"bytes {start}-{end}/{size}"
    headers["Content-Length"] = str(end - start + 1)
    return StreamingResponse(
        _chunks(path, start, end - start + 1),
        status_code=206,
        media_type=attachment.content_type,
        headers=headers,
    )
