"""Highlighted titles and snippets for search results: HTML-escaped, matches in <mark>."""

from __future__ import annotations

import html
import re
from functools import lru_cache

from api.text import fold

_WORD = re.compile(r"[^\W_]+")
_PART = re.compile(r"\d+|[^\W\d_]+")
SNIPPET_CHARS = 180


# Vietnamese is written in syllables, a few thousand of them: each is folded once per process,
# not once per word of every result (folding was a third of a search's CPU).
@lru_cache(maxsize=16384)
def _parts(word: str) -> tuple[str, ...]:
    return tuple(_PART.findall(fold(word)))


def _matches(word: str, terms: set[str], prefix: str | None) -> bool:
    for part in _parts(word):
        if part in terms or (prefix is not None and part.startswith(prefix)):
            return True
    return False


def _spans(textv: str, terms: set[str], prefix: str | None) -> list[tuple[int, int]]:
    return [
        (m.start(), m.end()) for m in _WORD.finditer(textv) if _matches(m.group(), terms, prefix)
    ]


def _render(textv: str, spans: list[tuple[int, int]], start: int, end: int) -> str:
    out: list[str] = []
    pos = start
    for s, e in spans:
        if e <= start or s >= end:
            continue
        out.append(html.escape(textv[pos:s]))
        out.append(f"<mark>{html.escape(textv[s:e])}</mark>")
        pos = e
    out.append(html.escape(textv[pos:end]))
    return "".join(out)


def highlight(textv: str, words: list[str], prefix: str | None) -> str:
    """The whole text, escaped, with every matching word marked."""
    terms = {fold(w) for w in words}
    return _render(textv, _spans(textv, terms, prefix), 0, len(textv))


def snippet(texts: list[str], words: list[str], prefix: str | None) -> str | None:
    """A short escaped excerpt around the first match in the first text that has one."""
    terms = {fold(w) for w in words}
    for textv in texts:
        spans = _spans(textv, terms, prefix)
        if not spans:
            continue
        first = spans[0][0]
        start = max(0, first - SNIPPET_CHARS // 3)
        if start > 0:  # begin at a word boundary
            space = textv.find(" ", start)
            start = space + 1 if 0 <= space < first else start
        end = min(len(textv), start + SNIPPET_CHARS)
        if end < len(textv):
            space = textv.rfind(" ", start, end)
            end = space if space > first else end
        body = _render(textv, spans, start, end).replace("\n", " ")
        return ("…" if start > 0 else "") + body + ("…" if end < len(textv) else "")
    return None
