"""PDF files for the demo documents, generated at seed time (nothing binary is committed).

With a Unicode TrueType font on the machine (DejaVu Sans ships with Debian's base image
and most Linux desktops) the PDF is written by fpdf2 with every Vietnamese diacritic. On a
machine without one, a small valid PDF is written by hand with the text folded to ASCII
(PDF's built-in Helvetica has no Vietnamese letters) — readable, and still a real PDF.
"""

from __future__ import annotations

from pathlib import Path

from seed.demo_data import ascii_fold

FONT_CANDIDATES = (
    "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/dejavu/DejaVuSans.ttf",
    "/usr/share/fonts/TTF/DejaVuSans.ttf",
    "/usr/share/fonts/truetype/noto/NotoSans-Regular.ttf",
    "/usr/share/fonts/noto/NotoSans-Regular.ttf",
    "/Library/Fonts/Arial Unicode.ttf",
)


def unicode_font() -> Path | None:
    """A TrueType font with Vietnamese letters, if the machine has one."""
    return next((Path(p) for p in FONT_CANDIDATES if Path(p).is_file()), None)


def document_pdf(heading: str, title: str, lines: list[str]) -> bytes:
    """A one-document PDF: issuer and symbol, the title, then the text's paragraphs."""
    font = unicode_font()
    if font is not None:
        return _fpdf(font, heading, title, lines)
    return _plain([heading.upper(), "", title.upper(), "", *lines])


def _fpdf(font: Path, heading: str, title: str, lines: list[str]) -> bytes:
    from fpdf import FPDF

    pdf = FPDF(format="A4")
    pdf.set_margins(20, 20, 20)
    pdf.add_font("Body", fname=str(font))
    pdf.add_page()
    pdf.set_font("Body", size=11)
    pdf.multi_cell(0, 6, heading, align="C")
    pdf.ln(4)
    pdf.set_font("Body", size=14)
    pdf.multi_cell(0, 8, title, align="C")
    pdf.ln(4)
    pdf.set_font("Body", size=11)
    for line in lines:
        pdf.multi_cell(0, 6, line)
        pdf.ln(1)
    return bytes(pdf.output())


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")


def _wrap(text: str, width: int = 90) -> list[str]:
    out, line = [], ""
    for word in text.split():
        if line and len(line) + 1 + len(word) > width:
            out.append(line)
            line = word
        else:
            line = f"{line} {word}".strip()
    out.append(line)
    return out


def _plain(lines: list[str]) -> bytes:
    """A minimal PDF 1.4 (one page per 60 lines, Helvetica, ASCII) with a correct xref."""
    ascii_lines = [ascii_fold(x).encode("ascii", "replace").decode() for x in lines]
    rows = [r for x in ascii_lines for r in _wrap(x)]
    pages = [rows[i : i + 60] for i in range(0, len(rows), 60)] or [[""]]
    objects: list[bytes] = []
    page_ids = [4 + 2 * i for i in range(len(pages))]
    objects.append(b"<< /Type /Catalog /Pages 2 0 R >>")
    kids = " ".join(f"{i} 0 R" for i in page_ids)
    objects.append(f"<< /Type /Pages /Kids [{kids}] /Count {len(pages)} >>".encode())
    objects.append(b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")
    for n, page in enumerate(pages):
        text = "BT /F1 10 Tf 56 800 Td 13 TL " + " ".join(f"({_escape(r)}) '" for r in page) + " ET"
        stream = text.encode()
        objects.append(
            f"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
            f"/Resources << /Font << /F1 3 0 R >> >> /Contents {page_ids[n] + 1} 0 R >>".encode()
        )
        objects.append(b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream")
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for i, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % i + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % o for o in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)
