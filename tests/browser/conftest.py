"""Real headless Chromium (Debian's /usr/bin/chromium) driven by Playwright against the app on localhost.

Every request to a host other than the app's own is blocked and recorded; a test that caused one
fails.  Console errors fail the test too.
"""

from __future__ import annotations

import os
import shutil
import socket
import threading
from pathlib import Path
from urllib.parse import urlparse

import pytest
from werkzeug.serving import make_server

ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "docs" / "screenshots"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
                 "--disable-sync", "--no-first-run", "--disable-quic"]

pytestmark = pytest.mark.browser


@pytest.fixture(scope="session")
def app_url():
    """The dashboard on a free localhost port, in a thread, for the whole session."""
    from dashboard.app import create_app
    from tests.conftest import FIXTURE_DATA

    server = make_server("127.0.0.1", 0, create_app(FIXTURE_DATA).server, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()


@pytest.fixture(scope="session")
def browser():
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.fail("Debian's chromium is required for browser tests: apt-get install chromium chromium-driver")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """Collects console errors and requests that left the app's origin."""

    def __init__(self, origin: str):
        self.origin = origin
        self.console_errors: list[str] = []
        self.external: list[str] = []

    def route(self, route):
        url = route.request.url
        host = urlparse(url).netloc
        if url.startswith(("data:", "blob:")) or host == urlparse(self.origin).netloc:
            return route.continue_()
        self.external.append(url)
        return route.abort()

    def assert_clean(self):
        assert not self.external, f"requests left the app: {self.external}"
        assert not self.console_errors, f"console errors: {self.console_errors}"


def _new_page(browser, app_url, width, height):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1)
    page = context.new_page()
    watch = PageWatch(app_url)
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))
    context.route("**/*", watch.route)
    return context, page, watch


def _watched_page(browser, app_url, width, height):
    context, page, watch = _new_page(browser, app_url, width, height)
    page.watch = watch
    yield page
    context.close()
    watch.assert_clean()


@pytest.fixture
def page(browser, app_url):
    """A fresh desktop-sized page; fails the test on console errors or external requests."""
    yield from _watched_page(browser, app_url, 1280, 900)


@pytest.fixture
def phone_page(browser, app_url):
    """The same at a 375 px phone width."""
    yield from _watched_page(browser, app_url, 375, 800)


def screenshot(page, name: str) -> Path:
    """Save a full-page screenshot; into docs/screenshots/ when KZ_UPDATE_SCREENSHOTS=1 (for the README)."""
    folder = SCREENSHOTS if os.environ.get("KZ_UPDATE_SCREENSHOTS") == "1" else Path(os.environ.get(
        "KZ_SCREENSHOT_DIR", "/tmp/kz-screenshots"))
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def wait_for_dash(page):
    """Wait until Dash has rendered and finished its callbacks."""
    page.wait_for_selector("#react-entry-point .shell", timeout=20000)
    page.wait_for_function("() => !document.querySelector('[data-dash-is-loading=\"true\"]')", timeout=20000)


# --- fast pages: shared contexts, blocked by a dead proxy instead of request routing ----------------------------
# Routing turns Chromium's HTTP cache off, so plotly.js would be fetched and compiled for every page; these
# contexts are shared by the session (one per size and colour scheme), and nothing can leave the machine: the
# proxy is a local port that refuses connections, bypassed only for 127.0.0.1.  Every request, console error
# and page error is still recorded and fails the test.

@pytest.fixture(scope="session")
def refusing_proxy():
    """A bound but never listening local port: connecting to it is refused at once."""
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    sock.bind(("127.0.0.1", 0))
    yield f"http://127.0.0.1:{sock.getsockname()[1]}"
    sock.close()


@pytest.fixture(scope="session")
def contexts(browser, refusing_proxy):
    made = {}

    def get(width: int, height: int, scheme: str = "light", locale: str = "en-US"):
        key = (width, height, scheme, locale)
        if key not in made:
            # ``locale`` also sets the Accept-Language header the browser sends.
            made[key] = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                            color_scheme=scheme, locale=locale,
                                            proxy={"server": refusing_proxy, "bypass": "127.0.0.1"})
            made[key].set_default_timeout(20000)
        return made[key]

    yield get
    for context in made.values():
        context.close()


@pytest.fixture
def browse(contexts, app_url):
    """``browse(width=1280, height=900, scheme="light", locale="en-US")``: a fresh watched page in a shared context; the test
    fails on any console error, page error or request that left the app's origin (frames included)."""
    opened = []
    host = urlparse(app_url).netloc

    fresh = set()

    def open_page(width: int = 1280, height: int = 900, scheme: str = "light", locale: str = "en-US"):
        context = contexts(width, height, scheme, locale)
        if id(context) not in fresh:  # each test starts a new visit: no language remembered from another test
            context.clear_cookies()
            fresh.add(id(context))
        page = context.new_page()
        watch = PageWatch(app_url)

        def on_request(request):
            if not request.url.startswith(("data:", "blob:", "about:")) and urlparse(request.url).netloc != host:
                watch.external.append(request.url)

        page.on("request", on_request)
        page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
        page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))
        page.watch = watch
        opened.append((page, watch))
        return page

    yield open_page
    for page, _watch in opened:
        page.close()
    for _page, watch in opened:
        watch.assert_clean()
