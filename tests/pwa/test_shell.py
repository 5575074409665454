"""The PWA as the server delivers it: shell, service worker, manifest, strings, size budget."""

from __future__ import annotations

import gzip
import json
import re
import struct
from html.parser import HTMLParser

import pytest

from api.pwa import PWA_DIR, SECTIONS, STATIC_DIR

BUDGET = 100 * 1024  # JS+CSS of any first screen, gzip-compressed


class _Scripts(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.scripts: list[dict[str, str | None]] = []
        self.styled: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = dict(attrs)
        if tag == "script":
            self.scripts.append(a)
        if "style" in a or any(k.startswith("on") for k in a):
            self.styled.append(tag)


def test_shell_is_server_rendered_vietnamese_and_csp_clean(client):
    r = client.get("/")
    assert r.status_code == 200
    assert "script-src 'self'" in r.headers["content-security-policy"]
    assert r.headers["cache-control"] == "no-cache"
    html = r.text
    assert '<html lang="vi"' in html
    assert '<link rel="manifest" href="/manifest.webmanifest">' in html
    assert 'name="apple-mobile-web-app-capable"' in html and "apple-touch-icon" in html
    # The bottom navigation and its labels are in the HTML itself, before any script runs.
    for label in ("Trang chủ", "Văn bản", "Nhiệm vụ", "Thông báo", "Cá nhân"):
        assert f">{label}<" in html
    parser = _Scripts()
    parser.feed(html)
    # No inline script or style: every script is a file, or a JSON data block (never run).
    for s in parser.scripts:
        assert s.get("src") or s.get("type") == "application/json", s
    assert parser.styled == []


@pytest.mark.parametrize(
    "path", ["/sign-in", "/documents/12", "/assignments/new", "/me", "/search"]
)
def test_every_screen_url_opens_the_shell(client, path):
    r = client.get(path)
    assert r.status_code == 200 and "text/html" in r.headers["content-type"]
    assert 'id="main"' in r.text


def test_unknown_paths_are_not_the_shell(client):
    assert client.get("/no-such-screen").status_code == 404
    r = client.get("/api/v1/no-such-route")
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/problem+json")


def test_service_worker_is_served_for_the_whole_origin(client):
    r = client.get("/sw.js")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/javascript")
    assert r.headers["service-worker-allowed"] == "/"
    assert r.headers["cache-control"] == "no-cache"
    version = re.search(r'const VERSION = "([0-9a-f]{12})";', r.text)
    assert version
    precache = json.loads(re.search(r"const PRECACHE = (\[.*?\]);", r.text).group(1))  # type: ignore[union-attr]
    assert {"/", "/manifest.webmanifest", "/static/app.js", "/static/app.css"} <= set(precache)
    assert all(client.get(url).status_code == 200 for url in precache)
    # The version follows the shell: the page and the worker agree on it.
    assert f'data-version="{version.group(1)}"' in client.get("/").text


def _png_size(data: bytes) -> tuple[int, int]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", data[16:24])


def test_manifest_makes_the_app_installable(client):
    r = client.get("/manifest.webmanifest")
    assert r.headers["content-type"].startswith("application/manifest+json")
    m = r.json()
    assert m["name"] == "Sổ tay đảng viên" and m["short_name"]
    assert m["lang"] == "vi" and m["display"] == "standalone"
    assert m["start_url"] == "/" and m["scope"] == "/" and m["theme_color"].startswith("#")
    sizes = {(i["sizes"], i.get("purpose", "any")) for i in m["icons"]}
    assert {
        ("192x192", "any"),
        ("512x512", "any"),
        ("192x192", "maskable"),
        ("512x512", "maskable"),
    } <= sizes
    for icon in m["icons"]:
        data = client.get(icon["src"]).content
        w, h = _png_size(data)
        assert f"{w}x{h}" == icon["sizes"]


def _used_keys() -> set[str]:
    text = "".join(p.read_text() for p in (PWA_DIR / "static").rglob("*.js"))
    text += (PWA_DIR / "templates" / "index.html").read_text()
    return set(re.findall(r"[\"'](pwa\.[a-z0-9_.]+)[\"']", text))


def test_every_pwa_string_exists_in_both_languages():
    from api.i18n import catalogue

    cat = catalogue()
    own = json.loads((PWA_DIR.parent / "api/i18n/pwa.json").read_text(encoding="utf-8"))
    assert all(k.startswith("pwa.") for k in own)
    missing = sorted(k for k in _used_keys() if k not in cat)
    assert not missing, missing
    for key, entry in own.items():
        assert entry["vi"].strip() and entry["en"].strip(), key
    # Dynamic keys: the kinds the library filters by, text sizes, task states.
    from api.documents.symbols import KINDS

    library = (STATIC_DIR / "screens" / "library.js").read_text()
    for kind in re.findall(r'"([a-z_]+)"', library.split("const KINDS = [")[1].split("]")[0]):
        assert kind in KINDS and f"pwa.kind.{kind}" in cat
    for n in (1, 2, 3, 4):
        assert f"pwa.me.text_{n}" in cat
    for state in ("assigned", "in_progress", "submitted", "approved", "returned", "cancelled"):
        assert f"pwa.task.state.{state}" in cat


_IMPORT = re.compile(r"""(?:import|export)\s[^'"]*?from\s*["'](\.{1,2}/[^"']+)["']""")


def first_load(screen: str) -> dict[str, int]:
    """Files (and their gzip size) a first visit to `screen` loads: shell, CSS, JS graph."""
    files = {"app.css", "boot.js"}
    todo = ["app.js", f"screens/{screen}.js"]
    while todo:
        rel = todo.pop()
        if rel in files:
            continue
        files.add(rel)
        base = (STATIC_DIR / rel).parent
        for dep in _IMPORT.findall((STATIC_DIR / rel).read_text()):
            todo.append((base / dep).resolve().relative_to(STATIC_DIR).as_posix())
    return {f: len(gzip.compress((STATIC_DIR / f).read_bytes(), 9)) for f in sorted(files)}


SCREENS = [
    "auth",
    "home",
    "library",
    "reader",
    "tasks",
    "cell",
    "notifications",
    "me",
    "dashboards",
    "meetings",
    "study",
]


@pytest.mark.parametrize("screen", SCREENS)
def test_first_screen_js_and_css_stay_under_100_kb_compressed(screen):
    sizes = first_load(screen)
    assert sum(sizes.values()) < BUDGET, sizes


def test_sections_match_the_router():
    app_js = (STATIC_DIR / "app.js").read_text()
    routed = {m for m in re.findall(r"\^\\/([a-z-]+)", app_js)}
    assert routed == set(SECTIONS)
