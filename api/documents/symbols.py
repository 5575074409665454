"""Document kinds and their symbols (số, ký hiệu): `57-NQ/TW` → number 57, kind NQ, issuer TW."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from api.errors import AppValueError
from api.text import fold

# kind → the abbreviation in its symbol (Quy định 399-QĐ/TW); None: no fixed abbreviation.
KIND_CODES: dict[str, str | None] = {
    "resolution": "NQ",
    "directive": "CT",
    "conclusion": "KL",
    "decision": "QĐ",
    "regulation": "QĐi",
    "statute": "QC",
    "guidance": "HD",
    "plan": "KH",
    "notice": "TB",
    "letter": "CV",
    "circular": "TT",
    "report": "BC",
    "programme": "CTr",
    "project": "ĐA",
    "communique": None,
    "declaration": None,
    "appeal": None,
    "study_material": "TL",
}
KINDS = tuple(KIND_CODES)

# Issuer suffixes people type without the Đ; the canonical spelling is stored.
_KNOWN_ISSUERS = {fold(s).upper(): s for s in ("TW", "TU", "ĐU", "CB", "ĐUK", "BCS", "ĐĐ")}

_SYMBOL_RE = re.compile(
    r"^(?P<number>\d{1,5})\s*[-‐–]\s*(?P<code>[^\W\d_]{1,6})\s*/\s*"
    r"(?P<issuer>[^\W_][^\W_]{0,15}(?:-[^\W_]{1,16})?)$"
)


@dataclass(frozen=True)
class Symbol:
    """A parsed symbol in its canonical spelling."""

    text: str  # "57-NQ/TW"
    number: int  # 57
    code: str  # "NQ"
    issuer: str  # "TW"

    @property
    def key(self) -> str:
        """The comparison key: folded, so `57-nq/tw` and `57-NQ/TW` are the same document."""
        return fold(self.text)


def _canonical_code(kind: str, typed: str) -> str:
    expected = KIND_CODES.get(kind)
    if expected is None:
        return typed.upper()
    if fold(typed) != fold(expected):
        raise AppValueError("field.symbol_kind_mismatch")
    return expected


def _canonical_issuer(typed: str) -> str:
    upper = typed.upper()
    return _KNOWN_ISSUERS.get(fold(upper).upper(), upper)


def parse_symbol(raw: str, kind: str) -> Symbol:
    """Validate and normalise a symbol for a document of `kind` (AppValueError if wrong)."""
    text = unicodedata.normalize("NFC", " ".join(raw.split()))
    match = _SYMBOL_RE.match(text)
    if match is None:
        raise AppValueError("field.bad_symbol")
    number = int(match["number"])
    if number < 1:
        raise AppValueError("field.bad_symbol")
    code = _canonical_code(kind, match["code"])
    issuer = _canonical_issuer(match["issuer"])
    return Symbol(
        text=f"{match['number']}-{code}/{issuer}", number=number, code=code, issuer=issuer
    )
