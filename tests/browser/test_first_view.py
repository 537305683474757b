"""A page's first view in Chromium: the page's first chart drawn from its HTML before Dash starts, shown
until the page has drawn its own, then gone; never a frame with neither; dark for a dark reader."""

from __future__ import annotations

import time
import urllib.request

import pytest

from tests.browser.helpers import wait_until

# Every frame: is the layer's chart drawn, is a chart of the page's own drawn, is the layer still there.
WATCH_FRAMES = """(() => {
    window.__kzFrames = [];
    const drawn = (scope) => !!(scope && scope.querySelector('.js-plotly-plot .main-svg')
        && scope.querySelector('.js-plotly-plot .trace, .js-plotly-plot .choroplethlocation'));
    const frame = () => {
        const layer = document.getElementById('kz-first-view');
        const gd = document.getElementById('kz-first-view-chart');
        window.__kzFrames.push({t: performance.now(), layer: !!layer, first: drawn(layer),
                                own: drawn(document.getElementById('react-entry-point')),
                                bg: gd && gd._fullLayout ? gd._fullLayout.paper_bgcolor : null});
        requestAnimationFrame(frame);
    };
    requestAnimationFrame(frame);
})();"""


def _built(app_url: str, path: str) -> None:
    """Ask for the page until its HTML carries the first view (the first asks load the data and build it in
    the background)."""
    for _ in range(100):
        with urllib.request.urlopen(app_url + path) as response:
            if b'id="kz-first-view"' in response.read():
                return
        urllib.request.urlopen(app_url + "/healthz").read()  # reads the data, as a page's callbacks do
        time.sleep(0.2)
    raise AssertionError(f"{path}: no first view built")


@pytest.fixture
def first_views(monkeypatch):
    monkeypatch.setenv("KZ_FIRST_VIEW", "1")  # the app in this process reads it on each request


@pytest.mark.parametrize("path, own_chart", [("/trends", "#trends-graph"), ("/destinations", "#destinations-map"),
                                             ("/eaeu", "#eaeu-net-graph"), ("/", ".callout")])
def test_the_first_chart_shows_before_dash_and_gives_way_to_the_pages_own(first_views, browse, app_url, path,
                                                                          own_chart):
    _built(app_url, path)
    page = browse()
    requests: list[str] = []
    page.on("request", lambda r: requests.append(r.url))
    page.add_init_script(WATCH_FRAMES)
    page.goto(app_url + path, wait_until="commit")
    wait_until(page, f"""() => !document.getElementById('kz-first-view')
        && !!document.querySelector('{own_chart} .js-plotly-plot .main-svg, {own_chart}.js-plotly-plot .main-svg')
        && window.__kzFrames.slice(-1)[0].own""")
    frames = page.evaluate("() => window.__kzFrames")
    first = next(i for i, f in enumerate(frames) if f["first"])
    own = next(i for i, f in enumerate(frames) if f["own"])
    assert first < own, (path, frames[:5])  # the reader saw the chart before Dash had drawn anything
    # From the first view's chart on, every frame shows a chart: the layer goes only once the page has one.
    assert all(f["first"] or f["own"] for f in frames[first:]), path
    assert not any(f["layer"] for f in frames[own + 30:]), "the layer stayed over the page"
    assert sum("/plotly-kz.js" in url for url in requests) == 1, requests
    # Dash's scripts, started after the first view, are fetched once: the script takes its preload's reply.
    for script in ("dash_renderer", "react-dom@", "dash_core_components."):
        assert sum(script in url for url in requests) == 1, (script, requests)
    # The page is the page: its own chart answers, the layer's copy is gone with its ids.
    assert page.locator("#kz-first-view-chart").count() == 0
    assert page.evaluate("() => document.querySelectorAll('h1').length") == 1


def test_a_dark_reader_gets_the_first_view_dark(first_views, browse, app_url):
    _built(app_url, "/trends")
    page = browse(scheme="dark")
    page.add_init_script(WATCH_FRAMES)
    page.goto(app_url + "/trends", wait_until="commit")
    wait_until(page, "() => window.__kzFrames && window.__kzFrames.some(f => f.bg)")
    backgrounds = {f["bg"] for f in page.evaluate("() => window.__kzFrames") if f["bg"]}
    assert backgrounds and all(b.lower() not in ("#fff", "#ffffff", "white", "rgb(255, 255, 255)")
                               for b in backgrounds), backgrounds


def test_nothing_in_the_layer_takes_focus(first_views, browse, app_url):
    _built(app_url, "/eaeu")
    page = browse()
    page.route("**/dash_renderer*.js", lambda route: route.abort())  # Dash never starts: the layer stays
    page.goto(app_url + "/eaeu", wait_until="commit")
    page.wait_for_selector("#kz-first-view-chart .main-svg")
    page.keyboard.press("Tab")
    assert page.evaluate("() => !document.activeElement.closest('#kz-first-view')")
    assert page.evaluate("() => document.getElementById('kz-first-view').inert === true")
    page.watch.console_errors.clear()  # the aborted script's load error is this test's own doing
