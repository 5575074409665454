"""Browser tests of the PWA: a real uvicorn server on 127.0.0.1 and Debian's Chromium.

Service workers need a real origin (localhost counts as secure), so the app is served over
HTTP by uvicorn in a thread of the test process, on the same test database. One browser per
session; each test gets a fresh context (empty storage, no service worker) at phone size.
"""

from __future__ import annotations

import json
import os
import re
import socket
import threading
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import expect

CHROMIUM = "/usr/bin/chromium"
PHONE = {"width": 360, "height": 740}
# The browser, the server and pytest share two cores: give assertions room on a busy machine.
expect.set_options(timeout=10_000)
SHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class _Server:
    """uvicorn serving create_app() in a background thread."""

    def __init__(self) -> None:
        import uvicorn

        from api.main import create_app

        self.port = _free_port()
        config = uvicorn.Config(
            create_app(), host="127.0.0.1", port=self.port, log_level="warning", lifespan="on"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("uvicorn did not start")
            time.sleep(0.05)

    def wait_idle(self, timeout: float = 10.0) -> None:
        """Until no request is in flight: the next test's TRUNCATE must not meet one."""
        deadline = time.monotonic() + timeout
        while self.server.server_state.tasks and time.monotonic() < deadline:
            time.sleep(0.05)

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=10)


@pytest.fixture(scope="package")
def live_server(database: str) -> Iterator[_Server]:
    server = _Server()
    server.start()
    yield server
    server.stop()


# Package scope: Playwright's event loop and the server end with the PWA tests, so tests
# collected after them can start event loops of their own.
@pytest.fixture(scope="package")
def browser() -> Iterator[Any]:
    if not os.path.exists(CHROMIUM):
        pytest.skip(f"browser tests need Debian's chromium at {CHROMIUM} (make test installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--disable-dev-shm-usage",
                "--lang=vi-VN",  # a Vietnamese phone: native pickers in Vietnamese
            ],
        )
        yield b
        b.close()


@pytest.fixture
def context(browser: Any, live_server: _Server) -> Iterator[Any]:
    ctx = browser.new_context(
        base_url=live_server.url,
        viewport=PHONE,
        device_scale_factor=1,
        is_mobile=True,
        has_touch=True,
        locale="vi-VN",
        timezone_id="Asia/Ho_Chi_Minh",
        service_workers="allow",
    )
    ctx.set_default_timeout(15_000)
    yield ctx
    ctx.close()
    # The page's background syncs may still be answered; PostgreSQL's TRUNCATE before the
    # next test would deadlock with them.
    live_server.wait_idle()


@pytest.fixture
def page(context: Any) -> Iterator[Any]:
    p = context.new_page()
    errors: list[str] = []
    p.on("pageerror", lambda e: errors.append(str(e)))
    if os.environ.get("PWA_DEBUG"):
        p.on("console", lambda m: print("CONSOLE", m.type, m.text))
        p.on("response", lambda r: r.status >= 400 and print("RESPONSE", r.status, r.url))
        p.on("framenavigated", lambda f: print("NAV", f.url))
    p.js_errors = errors  # type: ignore[attr-defined]
    yield p
    assert not errors, f"JavaScript errors on the page: {errors}"


def shot(page: Any, name: str) -> None:
    """Save a phone-size screenshot to look at (test-output/ is git-ignored)."""
    SHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SHOTS / f"{name}.png"), full_page=True)


def card_number(world: Any, who: str) -> str:
    """The party card number build_world gave `who`."""
    from tests.conftest import PEOPLE

    return str(10000000 + list(PEOPLE).index(who))


def sign_in(page: Any, world: Any, who: str) -> None:
    """Sign in through the form, as a member would, and wait for the home screen."""
    from tests.conftest import PASSWORD

    page.goto("/sign-in")
    page.get_by_label("Số thẻ đảng viên, số điện thoại hoặc email").fill(card_number(world, who))
    page.get_by_label("Mật khẩu", exact=True).fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập").click()
    page.wait_for_url(lambda url: "/sign-in" not in url)
    expect(page.locator("main h1")).not_to_have_text("Đăng nhập")


def run_js(page: Any, js: str, arg: Any = None, timeout: float = 10.0) -> Any:
    """page.evaluate with a time limit: a promise that never settles fails the test, not CI.

    `js` is an expression or a function source; the limit is raced inside the page (an
    eval there would break our own CSP, so the source is composed here).
    """
    is_function = re.match(r"\s*(async\s*)?(\([^)]*\)|\w+)\s*=>", js)
    call = f"({js})({json.dumps(arg)})" if is_function else f"({js})"
    ms = int(timeout * 1000)
    wrapped = (
        f"Promise.race([Promise.resolve().then(() => {call}), new Promise((_, reject) => "
        f"setTimeout(() => reject(new Error('no answer in {ms} ms')), {ms}))])"
    )
    return page.evaluate(wrapped)


def wait_until(page: Any, js: str, timeout: float = 15.0) -> Any:
    """Poll a JS expression until truthy (wait_for_function evals strings, which our CSP bans)."""
    deadline = time.monotonic() + timeout
    while True:
        value = run_js(page, js, timeout=timeout)
        if value:
            return value
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for: {js}")
        page.wait_for_timeout(100)


def wait_for_worker(page: Any) -> None:
    """Until the service worker controls the page and the member's copy is on the device."""
    wait_until(page, "navigator.serviceWorker.controller !== null")
    wait_until(page, "caches.match('/api/v1/me').then(Boolean)")
