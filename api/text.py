"""Vietnamese text helpers: search folding and tokens, name sort keys, number and date formats."""

from __future__ import annotations

import re
import unicodedata
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from decimal import ROUND_HALF_UP, Context, Decimal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

__all__ = [
    "VN_TZ",
    "fold",
    "format_vn_date",
    "format_vn_datetime",
    "format_vn_number",
    "format_vn_percent",
    "search_document",
    "search_tokens",
    "vn_sort_key",
]


def _load_vn_tz() -> tzinfo:
    """Return the Asia/Ho_Chi_Minh zone, or a fixed +07:00 when no zone data is installed."""
    try:
        return ZoneInfo("Asia/Ho_Chi_Minh")
    except ZoneInfoNotFoundError:
        # Slim containers may lack both /usr/share/zoneinfo and the tzdata wheel; Vietnam has
        # had no DST and a constant +07:00 offset since 1975, so the fixed zone is exact for
        # every date the product shows.
        return timezone(timedelta(hours=7), "ICT")


VN_TZ: tzinfo = _load_vn_tz()

# đ does not decompose under NFD, so it needs an explicit map; ð/Ð (Icelandic eth) is what
# some keyboards and old fonts produce when people type Đ, so it folds the same way.
_D_TABLE = str.maketrans({"đ": "d", "ð": "d"})

# Unicode categories dropped by fold(): combining marks (the Vietnamese diacritics after
# decomposition) and invisible format characters (zero-width spaces, soft hyphens) that text
# pasted from Word or PDFs carries and that would otherwise split or glue words unpredictably.
_DROPPED_CATEGORIES = frozenset({"Mn", "Cf"})


def fold(s: str) -> str:
    """Lowercase, strip diacritics (đ→d), drop invisible characters and collapse whitespace."""
    # casefold before decomposing: lowercasing can itself produce combining marks (İ → i̇).
    lowered = s.casefold().translate(_D_TABLE)
    # NFKD rather than NFD so full-width digits/letters and ligatures typed on some phone
    # keyboards fold to the ASCII a user would type in a search box.
    decomposed = unicodedata.normalize("NFKD", lowered)
    kept = "".join(ch for ch in decomposed if unicodedata.category(ch) not in _DROPPED_CATEGORIES)
    return " ".join(kept.split())


# A "compound" is a run of letters/digits joined by symbol punctuation with no spaces, e.g.
# "57-nq/tw", "15/2024/nd-cp", "tp.hcm". Comma is deliberately not a joiner so that
# "1.234,5" and enumerations like "a,b" stay separate.
_JOINERS = r"\-/._\\\u2010-\u2015\u2044\u2212\u2215"
_COMPOUND_RE = re.compile(rf"[^\W_]+(?:[{_JOINERS}]+[^\W_]+)*")
# Inside a compound, split at punctuation and at letter/digit boundaries so "57NQ/TW" (a
# common typo for "57-NQ/TW") yields the same parts as the well-formed symbol.
_PART_RE = re.compile(r"\d+|[^\W\d_]+")
# Bounds on compact joins: real document symbols have at most ~5 parts; long compounds are
# URLs or identifiers where O(n²) joins would only bloat the index.
_MAX_JOIN_PARTS = 8
_MAX_JOIN_SPAN = 6


def search_tokens(s: str) -> list[str]:
    """Fold ``s`` and split it into index/query tokens, expanding document symbols.

    Tokenization, identical for documents and queries:

    1. ``fold(s)``: lowercase, no diacritics, ``đ`` → ``d``.
    2. Find compounds: runs of letters/digits joined without spaces by ``- / . _ \\`` or a
       Unicode dash/slash (``57-NQ/TW``, ``15/2024/NĐ-CP``, ``TP.HCM``).
    3. Split each compound into parts at punctuation and at letter↔digit boundaries and
       emit the parts in order: ``57-NQ/TW`` → ``57``, ``nq``, ``tw``; ``57NQ/TW`` and
       ``57 NQ TW`` give the same parts.
    4. For a compound of 2..8 parts also emit every contiguous concatenation of 2..6 parts:
       ``57nq``, ``57nqtw``, ``nqtw``. So a query ``57``, ``57-NQ``, ``57NQ``, ``57nqtw``,
       ``NQ/TW`` or ``57-NQ/TW`` finds the document ``57-NQ/TW`` when all query tokens must
       match (AND), and the compact forms keep symbol queries precise.

    Every token is a run of letters and digits only (pure ASCII for Vietnamese text), so
    ``" ".join(tokens)`` (see :func:`search_document`) is re-tokenized unchanged both by
    SQLite FTS5's ``unicode61``/``ascii`` tokenizers and by PostgreSQL's ``simple`` text
    search configuration; both backends therefore index exactly the same terms and the same
    query returns the same documents on either.

    Tokens keep their order and may repeat (term frequency matters for ranking); dedupe with
    ``dict.fromkeys`` when building a query.
    """
    tokens: list[str] = []
    for match in _COMPOUND_RE.finditer(fold(s)):
        parts = _PART_RE.findall(match.group())
        tokens.extend(parts)
        if 2 <= len(parts) <= _MAX_JOIN_PARTS:
            for start in range(len(parts) - 1):
                for end in range(start + 2, min(start + _MAX_JOIN_SPAN, len(parts)) + 1):
                    tokens.append("".join(parts[start:end]))
    return tokens


def search_document(s: str) -> str:
    """Return the space-joined search tokens of ``s``, ready to store in an FTS column."""
    return " ".join(search_tokens(s))


# --- Vietnamese name sorting -------------------------------------------------------------
#
# Key layout (printable ASCII, compare with binary / "C" collation):
#
#   for each word, in order given name, family name, middle names:
#       2 characters per letter   base letter + variant digit: a0 ă=a1 â=a2 d0 đ=d1 e0 ê=e1
#                                 o0 ô=o1 ơ=o2 u0 ư=u1, digits "00".."90"; any other
#                                 letter/digit is "~" + 6 hex digits of its code point
#       "."                       end of word's letters: sorts before any letter, so An < Anh
#       1 tone digit              0 none, 1 huyền, 2 hỏi, 3 ngã, 4 sắc, 5 nặng
#   "!"                           level separator, sorts before any letter: An < An Lê
#   1 case digit per letter       0 lower, 1 upper (tertiary, only to make ties stable)
#
# Letters are primary and the tone secondary *within each word* (a syllable): this is the
# order of Vietnamese dictionaries and of "sort by Tên, then Họ" lists, so every "Anh" comes
# before every "Ánh" whatever the family names, and "Án" < "Ăn" because a < ă outranks tones.
# Tone is taken per word, not per character, so "Hoà" and "Hòa" (old/new tone placement)
# get the same key.

_TONE_DIGITS = {
    "\u0300": "1",  # huyền (grave)
    "\u0309": "2",  # hỏi (hook above)
    "\u0303": "3",  # ngã (tilde)
    "\u0301": "4",  # sắc (acute)
    "\u0323": "5",  # nặng (dot below)
}
_VARIANT_DIGITS = {
    ("a", "\u0306"): "1",  # ă
    ("a", "\u0302"): "2",  # â
    ("e", "\u0302"): "1",  # ê
    ("o", "\u0302"): "1",  # ô
    ("o", "\u031b"): "2",  # ơ
    ("u", "\u031b"): "1",  # ư
}


def _word_sort_parts(word: str) -> tuple[str, str, str]:
    """Return (letter codes, tone digit, case digits) for one word of a name."""
    codes: list[str] = []
    cases: list[str] = []
    tone = "0"
    for ch in unicodedata.normalize("NFD", word):
        if unicodedata.category(ch) == "Mn":
            if ch in _TONE_DIGITS:
                # A syllable has one tone; keep the first if stray extra marks are present.
                if tone == "0":
                    tone = _TONE_DIGITS[ch]
            elif codes and codes[-1][1:] == "0":
                variant = _VARIANT_DIGITS.get((codes[-1][0], ch))
                if variant:
                    codes[-1] = codes[-1][0] + variant
            continue
        lower = ch.lower()
        if lower in ("đ", "ð"):
            code = "d1"
        elif ("a" <= lower <= "z" or "0" <= lower <= "9") and len(lower) == 1:
            code = lower + "0"
        elif lower.isalnum():
            # Letters outside the Vietnamese/Latin set sort after z, by code point.
            code = "~" + format(ord(lower[0]), "06x")
        else:
            # Apostrophes and hyphens (H'Hen, Ksor-…) do not affect the order.
            continue
        codes.append(code)
        cases.append("1" if lower != ch else "0")
    return "".join(codes), tone, "".join(cases)


def vn_sort_key(full_name: str) -> str:
    """Return a printable-ASCII key that sorts Vietnamese names by given name, family, middle.

    Compare keys with plain binary collation (Python ``str`` order, SQLite ``BINARY``,
    PostgreSQL ``COLLATE "C"``; a locale collation would ignore the punctuation in the key).
    Order: given name (last word), then family name (first word), then the middle names;
    letters in Vietnamese alphabet order a ă â b c d đ e ê g h i k l m n o ô ơ p q r s t u ư
    v x y (f j w z in their Latin places); within a word the tone (none, huyền, hỏi, ngã,
    sắc, nặng) is secondary to its letters. The key is about 3 characters per letter plus 2
    per word; NFC and NFD input give the same key. Recompute stored keys if this changes.
    """
    words = [w for w in (_word_sort_parts(w) for w in full_name.split()) if w[0]]
    if len(words) >= 2:
        words = [words[-1], words[0], *words[1:-1]]
    primary = "".join(f"{codes}.{tone}" for codes, tone, _ in words)
    return primary + "!" + "".join(cases for _, _, cases in words)


# --- Numbers and dates ---------------------------------------------------------------------


# en-US separators → Vietnamese ones, swapped in one pass.
_VN_SEPARATORS = str.maketrans(",.", ".,")


def format_vn_number(x: int | float | Decimal, decimals: int = 0) -> str:
    """Format ``x`` with Vietnamese separators: ``format_vn_number(1234.5, 1)`` → ``1.234,5``."""
    if decimals < 0:
        raise ValueError("decimals must be >= 0")
    # Decimal(str(x)) rounds the number as displayed (half up, like Excel, which reports are
    # checked against) instead of the binary float (2.675 → 2.68, not 2.67).
    value = x if isinstance(x, Decimal) else Decimal(str(x))
    if not value.is_finite():
        raise ValueError(f"cannot format non-finite number {x!r}")
    quantum = Decimal(1).scaleb(-decimals)
    # Enough precision for every integer digit; the default 28 digits fails on huge values.
    context = Context(prec=max(28, value.adjusted() + decimals + 2))
    rounded = value.quantize(quantum, rounding=ROUND_HALF_UP, context=context)
    if rounded.is_zero():
        rounded = abs(rounded)  # no "-0" after rounding a tiny negative
    text = f"{rounded:,.{decimals}f}"
    return text.translate(_VN_SEPARATORS)


def format_vn_percent(ratio: int | float | Decimal, decimals: int = 1) -> str:
    """Format a 0..1 ratio as a Vietnamese percentage: ``0.873`` → ``87,3%``."""
    value = ratio if isinstance(ratio, Decimal) else Decimal(str(ratio))
    return format_vn_number(value * 100, decimals) + "%"


def _to_vn(dt: datetime) -> datetime:
    """Convert ``dt`` to Vietnam time, reading a naive value as UTC."""
    if dt.tzinfo is None or dt.tzinfo.utcoffset(dt) is None:
        # SQLite hands back naive datetimes for values stored as UTC; treat them as UTC.
        dt = dt.replace(tzinfo=UTC)
    return dt.astimezone(VN_TZ)


def format_vn_date(d: date | datetime) -> str:
    """Format a date as ``dd/mm/yyyy``; a datetime is first converted to Vietnam time."""
    if isinstance(d, datetime):
        d = _to_vn(d).date()
    # Built by hand rather than strftime so the result never depends on the process locale.
    return f"{d.day:02d}/{d.month:02d}/{d.year:04d}"


def format_vn_datetime(dt: datetime) -> str:
    """Format a UTC (or naive-as-UTC) datetime as ``dd/mm/yyyy HH:MM`` in Vietnam time."""
    local = _to_vn(dt)
    return f"{format_vn_date(local.date())} {local.hour:02d}:{local.minute:02d}"
