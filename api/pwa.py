"""Serving the PWA: the server-rendered shell, the service worker, the manifest, static files."""

from __future__ import annotations

import gzip
import hashlib
import json
from functools import lru_cache
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.middleware.gzip import GZipMiddleware
from starlette.types import Scope

from api.i18n import LANGS, catalogue

PWA_DIR = Path(__file__).resolve().parent.parent / "pwa"
STATIC_DIR = PWA_DIR / "static"
# First path segments the PWA's router owns; the server answers each with the shell so a
# deep link (or a push notification's URL) opens the right screen on the first load.
SECTIONS = (
    "sign-in",
    "password",
    "documents",
    "search",
    "study-sets",
    "assignments",
    "cell",
    "notifications",
    "me",
    "dashboards",
    "meetings",
)
THEME_COLOR = "#b0102a"
# Files never precached: the generator and source maps are not part of the app.
_SKIP_SUFFIXES = (".py", ".map", ".md")


def _pwa_strings() -> dict[str, dict[str, str]]:
    """The PWA's part of the catalogue, per language: {"vi": {key: text}, "en": {...}}."""
    cat = catalogue()
    keys = [k for k in cat if k.startswith("pwa.") or k == "app.name"]
    return {lang: {k: cat[k].get(lang) or cat[k]["vi"] for k in keys} for lang in LANGS}


@lru_cache
def static_files() -> tuple[str, ...]:
    """Every static file's URL, the list the service worker precaches."""
    out = []
    for path in sorted(STATIC_DIR.rglob("*")):
        if path.is_file() and not path.name.startswith(".") and path.suffix not in _SKIP_SUFFIXES:
            out.append("/static/" + path.relative_to(STATIC_DIR).as_posix())
    return tuple(out)


@lru_cache
def app_version() -> str:
    """A hash of everything the PWA is made of: a new deploy means a new service worker."""
    digest = hashlib.sha256()
    for url in static_files():
        digest.update(url.encode())
        digest.update((STATIC_DIR / url.removeprefix("/static/")).read_bytes())
    for path in sorted((PWA_DIR / "templates").glob("*")):
        digest.update(path.read_bytes())
    digest.update((PWA_DIR / "sw.js").read_bytes())
    digest.update(json.dumps(_pwa_strings(), sort_keys=True).encode())
    return digest.hexdigest()[:12]


def manifest() -> dict[str, Any]:
    """The web app manifest: Vietnamese name, standalone, icons incl. maskable."""
    strings = _pwa_strings()["vi"]
    icons = [
        {"src": f"/static/icons/icon-{n}.png", "sizes": f"{n}x{n}", "type": "image/png"}
        for n in (192, 512)
    ] + [
        {
            "src": f"/static/icons/maskable-{n}.png",
            "sizes": f"{n}x{n}",
            "type": "image/png",
            "purpose": "maskable",
        }
        for n in (192, 512)
    ]
    return {
        "id": "/",
        "name": strings["pwa.manifest.name"],
        "short_name": strings["pwa.manifest.short_name"],
        "description": strings["pwa.manifest.description"],
        "lang": "vi",
        "dir": "ltr",
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "orientation": "portrait",
        "background_color": "#ffffff",
        "theme_color": THEME_COLOR,
        "categories": ["education", "productivity"],
        "icons": icons,
    }


class _RevalidatedStatic(StaticFiles):
    """Static files that browsers revalidate (ETag) instead of guessing freshness.

    Outside the service worker a stale module after a deploy would mix two app versions;
    inside it, the versioned caches make the revalidation free.
    """

    async def get_response(self, path: str, scope: Scope) -> Response:
        response = await super().get_response(path, scope)
        response.headers.setdefault("Cache-Control", "no-cache")
        return response


@lru_cache
def _shell_bytes(version: str) -> tuple[bytes, bytes]:
    """The shell rendered once per app version (it holds no member data), plain and gzip."""
    env = Jinja2Templates(directory=str(PWA_DIR / "templates")).env
    strings = _pwa_strings()

    def msg(key: str) -> str:
        return strings["vi"].get(key, key)

    html = env.get_template("index.html").render(
        t=msg, strings=strings, version=version, theme=THEME_COLOR
    )
    raw = html.encode("utf-8")
    return raw, gzip.compress(raw, 9)


def _accepts_gzip(request: Request) -> bool:
    return "gzip" in request.headers.get("accept-encoding", "").lower()


def mount_pwa(app: FastAPI) -> None:
    """Mount /static, the service worker, the manifest and the shell at / and its sections."""
    # Compressed on the way out: weak 3G links pay for every byte (a proxy may do it too).
    static = GZipMiddleware(_RevalidatedStatic(directory=str(STATIC_DIR)), minimum_size=1024)
    app.mount("/static", static, name="static")

    def shell(request: Request) -> Response:
        raw, packed = _shell_bytes(app_version())
        # The shell carries no member data, but it must follow new deploys promptly.
        headers = {"Cache-Control": "no-cache", "Vary": "Accept-Encoding"}
        if _accepts_gzip(request):
            headers["Content-Encoding"] = "gzip"
            return Response(packed, media_type="text/html; charset=utf-8", headers=headers)
        return Response(raw, media_type="text/html; charset=utf-8", headers=headers)

    @app.get("/", response_class=HTMLResponse, include_in_schema=False)
    def index(request: Request) -> Response:
        return shell(request)

    @app.get("/sw.js", include_in_schema=False)
    def service_worker() -> Response:
        head = (
            f"const VERSION = {json.dumps(app_version())};\n"
            f"const PRECACHE = {json.dumps(['/', '/manifest.webmanifest', *static_files()])};\n"
            f"const SECTIONS = {json.dumps(SECTIONS)};\n"
        )
        body = head + (PWA_DIR / "sw.js").read_text(encoding="utf-8")
        return Response(
            body,
            media_type="text/javascript; charset=utf-8",
            headers={"Cache-Control": "no-cache", "Service-Worker-Allowed": "/"},
        )

    @app.get("/manifest.webmanifest", include_in_schema=False)
    def web_manifest() -> Response:
        return Response(
            json.dumps(manifest(), ensure_ascii=False),
            media_type="application/manifest+json",
            headers={"Cache-Control": "no-cache"},
        )

    # One pair of routes per section (not a catch-all), so unknown API paths still
    # answer 404/405 from the API and never the shell.
    for section in sorted(SECTIONS):
        app.add_api_route(
            f"/{section}",
            shell,
            methods=["GET"],
            include_in_schema=False,
            response_class=HTMLResponse,
        )
        app.add_api_route(
            f"/{section}/{{rest:path}}",
            shell,
            methods=["GET"],
            include_in_schema=False,
            response_class=HTMLResponse,
        )
