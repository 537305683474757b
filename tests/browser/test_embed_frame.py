"""Embeds framed by another site: a page on a SECOND local origin (another port) frames /embed/<chart>
and gets its height by postMessage; a normal page refuses to be framed (CSP frame-ancestors 'self').

The conftest's ``page`` fixture lets only the app's origin through, so these tests open their own
browser context whose route guard allows both local origins and aborts (and records) anything else.
"""

from __future__ import annotations

import http.server
import threading
from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.browser

TIMEOUT = 20000  # ms

HOST_PAGE = """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>An article on another site</title>
<script>
  // What the parent receives: every {{"datawrapper-height": {{"<id>": px}}}} message, in order.
  window.heights = [];
  window.addEventListener("message", function (event) {{
    var heights = event.data && event.data["datawrapper-height"];
    if (!heights) {{ return; }}
    for (var key in heights) {{ window.heights.push({{id: key, height: heights[key], origin: event.origin}}); }}
  }});
</script>
<script src="{app_url}/embed-resize.js"></script>
</head>
<body>
<h1>Article</h1>
<p>Some text before the chart.</p>
<iframe id="embed" src="{frame_url}" title="Embedded chart" style="width:100%;height:123px;border:none"
        scrolling="no" frameborder="0" loading="lazy"></iframe>
<p>Some text after the chart.</p>
</body>
</html>
"""


class SecondOrigin:
    """A tiny HTTP server on another port: a different origin from the app's, serving host pages."""

    def __init__(self):
        self.pages: dict[str, str] = {}
        pages = self.pages

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self):  # noqa: N802 (http.server's name)
                body = pages.get(self.path.split("?")[0])
                status = 200 if body is not None else 404
                raw = (body if body is not None else "not found\n").encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "text/html; charset=utf-8" if status == 200 else "text/plain")
                self.send_header("Content-Length", str(len(raw)))
                self.end_headers()
                self.wfile.write(raw)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.origin = f"http://127.0.0.1:{self.server.server_port}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture(scope="module")
def second_origin(app_url):
    with SecondOrigin() as site:
        assert urlparse(site.origin).netloc != urlparse(app_url).netloc
        yield site


class FramingWatch:
    """Route guard for two origins: the app and the framing site; everything else is aborted and recorded."""

    def __init__(self, *origins: str):
        self.hosts = {urlparse(o).netloc for o in origins}
        self.external: list[str] = []
        self.console: list[tuple[str, str]] = []  # (type, text) of every console message, frames included
        self.responses: dict[str, dict[str, str]] = {}  # url -> headers, for the app's answers

    def route(self, route):
        url = route.request.url
        if url.startswith(("data:", "blob:")) or urlparse(url).netloc in self.hosts:
            return route.continue_()
        self.external.append(url)
        return route.abort()

    def errors(self) -> list[str]:
        return [text for kind, text in self.console if kind == "error"]


@pytest.fixture
def framing_page(browser, app_url, second_origin):
    """A fresh page in its own context that may talk to the app and to the second origin, nothing else."""
    context = browser.new_context(viewport={"width": 1000, "height": 900}, device_scale_factor=1)
    context.set_default_timeout(TIMEOUT)
    watch = FramingWatch(app_url, second_origin.origin)
    context.route("**/*", watch.route)
    page = context.new_page()
    page.on("console", lambda msg: watch.console.append((msg.type, msg.text)))
    page.on("pageerror", lambda exc: watch.console.append(("error", str(exc))))
    page.on("response", lambda r: watch.responses.__setitem__(r.url, r.headers))
    page.watch = watch
    yield page
    context.close()
    assert not watch.external, f"requests left the two local origins: {watch.external}"


def host(second_origin, app_url, path: str, frame_path: str) -> str:
    second_origin.pages[path] = HOST_PAGE.format(app_url=app_url, frame_url=app_url + frame_path)
    return second_origin.origin + path


# --- 11. an embed framed by another origin: renders, and its height reaches the parent ---------------------------

def test_embed_in_foreign_page_posts_its_height(framing_page, app_url, second_origin):
    page = framing_page
    page.goto(host(second_origin, app_url, "/article-embed.html", "/embed/trends"))

    # The chart rendered inside the frame.
    frame = page.frame_locator("iframe#embed")
    frame.locator(".js-plotly-plot").wait_for(state="visible")
    assert frame.locator(".js-plotly-plot .main-svg").count() > 0
    assert frame.locator("h1").inner_text().strip()
    assert "Source:" in frame.locator(".source").inner_text()

    # The height message arrived from the app's origin, keyed by the embed's own id ...
    page.wait_for_function("() => window.heights.length > 0 && window.heights[window.heights.length - 1].height > 0")
    embed_id = frame.locator("[data-embed-id]").get_attribute("data-embed-id")
    heights = page.evaluate("() => window.heights")
    assert all(h["origin"] == app_url for h in heights), heights
    assert all(h["id"] == embed_id for h in heights), (heights, embed_id)
    last = heights[-1]["height"]
    assert isinstance(last, (int, float)) and last > 150, heights

    # ... and embed-resize.js sized the iframe to it (it was 123px in the host page's markup).
    page.wait_for_function("""() => document.getElementById('embed').style.height
                                    === window.heights[window.heights.length - 1].height + 'px'""")
    box = page.locator("iframe#embed").bounding_box()
    assert box and abs(box["height"] - page.evaluate("() => window.heights[window.heights.length - 1].height")) <= 1

    # The embed may be framed by anyone; the framing was not refused.
    headers = page.watch.responses.get(app_url + "/embed/trends", {})
    assert "frame-ancestors *" in headers.get("content-security-policy", ""), headers
    assert not page.watch.errors(), page.watch.console


# --- 12. a normal page refuses to be framed by another origin ----------------------------------------------------

def test_page_refuses_to_be_framed_by_another_origin(framing_page, app_url, second_origin):
    page = framing_page
    with page.expect_console_message(lambda m: m.type == "error" and "frame-ancestors" in m.text, timeout=TIMEOUT):
        page.goto(host(second_origin, app_url, "/article-page.html", "/trends"))
    page.wait_for_load_state("load")

    # The app did answer (so the block is the browser enforcing the policy, not a network failure) ...
    headers = page.watch.responses.get(app_url + "/trends", {})
    assert headers.get("content-security-policy", "").endswith("; frame-ancestors 'self'"), headers
    assert headers.get("x-frame-options", "").upper() == "SAMEORIGIN", headers

    # ... and Chromium put an error page in the frame instead of the dashboard.
    frame = page.locator("iframe#embed").element_handle().content_frame()
    frame.wait_for_url(lambda url: not url.startswith(app_url), timeout=TIMEOUT)
    assert frame.url in ("chrome-error://chromewebdata/", "about:blank"), frame.url
    content = frame.content()
    for marker in ("react-entry-point", "_dash-app-content", "Trends", "class=\"shell\""):
        assert marker not in content, f"the framed /trends rendered ({marker!r} in the frame)"
    assert page.frame_locator("iframe#embed").locator("#react-entry-point, .shell, .js-plotly-plot").count() == 0

    # The refusal is the specific CSP one, and it is the only console error.
    refusals = [e for e in page.watch.errors() if "frame-ancestors 'self'" in e]
    assert refusals, page.watch.console
    assert all("frame-ancestors" in e for e in page.watch.errors()), page.watch.console
    # No height was posted, and the host page's iframe kept its own size.
    assert page.evaluate("() => window.heights") == []
    assert page.evaluate("() => document.getElementById('embed').style.height") == "123px"
