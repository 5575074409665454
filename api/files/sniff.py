"""What a file really is, from its bytes (never from its name or the client's header).

Accepted: PDF, PNG, JPEG, WebP, and Office Open XML (docx, xlsx, pptx). An OOXML file is a
zip; a zip can be a bomb (a few KB expanding to gigabytes), so the declared uncompressed
sizes and the compression ratio are checked before anyone opens it.
"""

from __future__ import annotations

import struct
import zipfile
import zlib
from pathlib import Path
from typing import BinaryIO

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
CHUNK = 64 * 1024


class NotAllowed(Exception):
    """Not a type we accept, or a dangerous archive; `key` is the message to answer with."""

    def __init__(self, key: str = "file.unsupported_type") -> None:
        super().__init__(key)
        self.key = key


ARCHIVE = "file.dangerous_archive"  # a zip bomb, a lying or macro-carrying Office file


def _ooxml(path: Path) -> str:
    try:
        with zipfile.ZipFile(path) as archive:
            infos = archive.infolist()
            if not infos:
                raise NotAllowed()
            if len(infos) > MAX_ZIP_ENTRIES:
                raise NotAllowed(ARCHIVE)
            names = {i.filename for i in infos}
            total = sum(i.file_size for i in infos)
            packed = sum(i.compress_size for i in infos)
            if total > MAX_UNCOMPRESSED or total > MAX_RATIO * max(packed, 1):
                raise NotAllowed(ARCHIVE)
            if any(i.file_size > MAX_RATIO * max(i.compress_size, 1) + 4096 for i in infos):
                raise NotAllowed(ARCHIVE)
            if packed > path.stat().st_size:
                raise NotAllowed(ARCHIVE)  # claims more data than the file holds
            # Macros never belong in docx/xlsx/pptx (only in .docm & co.).
            if any(n.lower().endswith("vbaproject.bin") for n in names):
                raise NotAllowed(ARCHIVE)
        with path.open("rb") as raw:
            for info in infos:
                _inflates_as_declared(raw, info)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, zlib.error):
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


def _inflates_as_declared(raw: BinaryIO, info: zipfile.ZipInfo) -> None:
    """Inflate one entry, never past its declared size: a bomb whose headers understate
    what its data expands to is refused without being expanded (declared sizes were
    bounded above, so this costs at most MAX_UNCOMPRESSED bytes of work, in chunks)."""
    if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
        raise NotAllowed(ARCHIVE)
    raw.seek(info.header_offset)
    header = raw.read(30)
    if len(header) < 30 or header[:4] != b"PK\x03\x04":
        raise NotAllowed(ARCHIVE)
    name_len, extra_len = struct.unpack("<HH", header[26:30])
    raw.seek(info.header_offset + 30 + name_len + extra_len)
    left = info.compress_size
    if info.compress_type == zipfile.ZIP_STORED:
        if info.file_size != left:
            raise NotAllowed(ARCHIVE)
        return
    inflater = zlib.decompressobj(-15)
    produced = 0
    while left > 0:
        chunk = raw.read(min(CHUNK, left))
        if not chunk:
            raise NotAllowed(ARCHIVE)  # truncated
        left -= len(chunk)
        data = inflater.decompress(chunk, info.file_size - produced + 1)
        produced += len(data)
        while inflater.unconsumed_tail and produced <= info.file_size:
            data = inflater.decompress(inflater.unconsumed_tail, info.file_size - produced + 1)
            produced += len(data)
        if produced > info.file_size:
            raise NotAllowed(ARCHIVE)  # expands past what it declared
    produced += len(inflater.flush())
    if produced != info.file_size or not inflater.eof:
        raise NotAllowed(ARCHIVE)


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
