"""What a file really is, from its bytes (never from its name or the client's header).

Accepted: PDF, PNG, JPEG, WebP, and Office Open XML (docx, xlsx, pptx). An OOXML file is a
zip; a zip can be a bomb (a few KB expanding to gigabytes), so the declared uncompressed
sizes and the compression ratio are checked before anyone opens it.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
WEBP = "image/webp"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
PPTX = "application/vnd.openxmlformats-officedocument.presentationml.presentation"

EXTENSIONS = {PDF: ".pdf", PNG: ".png", JPEG: ".jpg", WEBP: ".webp", DOCX: ".docx",
              XLSX: ".xlsx", PPTX: ".pptx"}  # fmt: skip
INLINE = {PDF, PNG, JPEG, WEBP}  # shown in the browser; Office files are downloaded

MAX_ZIP_ENTRIES = 2000
MAX_UNCOMPRESSED = 200 * 1024 * 1024
MAX_RATIO = 100  # real Office files compress 2–20×; bombs ~1000×


class NotAllowed(Exception):
    """Not a type we accept, or a dangerous archive."""


def _ooxml(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if not infos or len(infos) > MAX_ZIP_ENTRIES:
                raise NotAllowed()
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(packed, 1):
                raise NotAllowed()
            if any(i.file_size > MAX_RATIO * max(i.compress_size, 1) + 4096 for i in infos):
                raise NotAllowed()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError):
        raise NotAllowed() from None
    if "[Content_Types].xml" not in names:
        raise NotAllowed()
    if any(n.startswith("word/") for n in names):
        return DOCX
    if any(n.startswith("xl/") for n in names):
        return XLSX
    if any(n.startswith("ppt/") for n in names):
        return PPTX
    raise NotAllowed()


def detect(path: Path) -> str:
    """The content type of the file at `path`, or NotAllowed."""
    with path.open("rb") as f:
        head = f.read(16)
    if head.startswith(b"%PDF-"):
        return PDF
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if head.startswith(b"\xff\xd8\xff"):
        return JPEG
    if head[:4] == b"RIFF" and head[8:12] == b"WEBP":
        return WEBP
    if head.startswith(b"PK\x03\x04"):
        return _ooxml(path)
    raise NotAllowed()
