"""Document bodies: Markdown or HTML in, sanitized HTML and plain text out.

Readers' phones must never run a script or fetch anything a publisher (or an attacker who
got a publisher's password) chose: no scripts, no event handlers, no styles, no frames, and
images only from our own authenticated attachment URLs, so nobody can learn who read what
by planting a tracking pixel. Links open without leaking the referrer or `window.opener`.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt

FORMATS = ("markdown", "html")

ALLOWED_TAGS = {
    "p", "br", "hr", "h1", "h2", "h3", "h4", "h5", "h6",
    "strong", "b", "em", "i", "u", "s", "del", "ins", "mark", "sub", "sup", "small",
    "blockquote", "q", "cite", "abbr", "code", "pre",
    "ul", "ol", "li", "dl", "dt", "dd",
    "table", "thead", "tbody", "tfoot", "tr", "th", "td", "caption",
    "a", "img", "figure", "figcaption", "span", "div",
}  # fmt: skip
ALLOWED_ATTRIBUTES = {
    "a": {"href", "title"},
    "img": {"src", "alt", "title", "width", "height"},
    "abbr": {"title"},
    "ol": {"start", "type"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
}
# Our own attachment downloads: same origin and behind authorization, so not a tracker.
_LOCAL_IMAGE = re.compile(r"^/api/v1/attachments/\d{1,19}$")
_SIZE = re.compile(r"^\d{1,4}$")


def _attribute_filter(tag: str, attr: str, value: str) -> str | None:
    """Drop image sources that are not our attachments, and odd sizes."""
    if tag == "img" and attr == "src":
        return value if _LOCAL_IMAGE.match(value) else None
    if attr in ("width", "height", "colspan", "rowspan", "start"):
        return value if _SIZE.match(value) else None
    return value


@lru_cache
def _markdown() -> MarkdownIt:
    # Raw HTML inside Markdown is allowed here because everything is sanitized afterwards.
    return MarkdownIt("commonmark", {"html": True, "linkify": False}).enable(
        ["table", "strikethrough"]
    )


def sanitize_html(html: str) -> str:
    """The HTML with everything unsafe or tracking removed."""
    return nh3.clean(
        html,
        tags=ALLOWED_TAGS,
        attributes=ALLOWED_ATTRIBUTES,
        attribute_filter=_attribute_filter,
        url_schemes={"http", "https", "mailto", "tel"},
        link_rel="noopener noreferrer",
        strip_comments=True,
    ).strip()


def render_body(source: str, body_format: str) -> str:
    """Sanitized HTML for a body written in Markdown or HTML."""
    html = _markdown().render(source) if body_format == "markdown" else source
    return sanitize_html(html)


_BLOCKS = {"p", "br", "li", "tr", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "div"}


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in _BLOCKS:
            self.parts.append("\n")

    def handle_data(self, data: str) -> None:
        self.parts.append(data)


def html_to_text(html: str) -> str:
    """The readable text of (sanitized) HTML, one line per block, for search and snippets."""
    parser = _TextExtractor()
    parser.feed(html)
    parser.close()
    lines = (" ".join(line.split()) for line in "".join(parser.parts).splitlines())
    return "\n".join(line for line in lines if line)
