"""What a reader's browser downloads, seen from Chromium: the partial plotly.js bundle and never the full one,
every text response compressed, static files kept for a year, and the scripts a page does not load
(plotly.js on the data explorer, the grid elsewhere) never missing when the reader moves between pages.

Sizes and times are benchmarks (``python -m bench``), not tests."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import open_dash, open_embed, wait_until

PAGES = ["/", "/destinations", "/trends?lang=ru", "/eaeu?lang=kk", "/data"]
EMBEDS = ["/embed/trends", "/embed/destinations-map?lang=kk", "/embed/eaeu-net?lang=ru",
          "/embed/claim/leave-30-50k"]
FULL_BUNDLE = re.compile(r"/plotly(\.min)?\.js$|/plotly/package_data/|cdn\.plot\.ly")
TEXT = ("text/", "application/javascript", "application/json")


class Traffic:
    """Every response a page got, with its headers."""

    def __init__(self, page):
        self.responses = []
        page.on("response", lambda response: self.responses.append(response))

    def urls(self) -> list[str]:
        return [r.url for r in self.responses]

    def full_bundle(self) -> list[str]:
        return [u for u in self.urls() if FULL_BUNDLE.search(urlsplit(u).path)]


def _open(page, app_url, path):
    if path.startswith("/embed/"):
        open_embed(page, app_url + path)
    elif path.startswith("/data"):
        page.goto(app_url + path)
        page.wait_for_selector("#explorer-table .ag-row[row-index]")
    else:
        open_dash(page, app_url + path)


@pytest.mark.parametrize("path", PAGES + EMBEDS)
def test_the_full_plotly_bundle_is_never_requested(browse, app_url, path):
    page = browse(1280, 900)
    traffic = Traffic(page)
    _open(page, app_url, path)
    assert not traffic.full_bundle(), traffic.full_bundle()
    if path.startswith("/data"):
        assert page.evaluate("() => typeof window.Plotly") == "undefined", "the explorer draws no chart"
        return
    # The plotly.js on the page is the partial bundle: the four trace types, and not e.g. heatmap.
    types = page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces)")
    assert sorted(types) == ["bar", "choropleth", "scatter", "scattergeo"], types
    assert any(re.search(r"/_static/[0-9a-f]{16}/plotly-kz\.js$", u) for u in traffic.urls())


def test_every_text_response_is_compressed_and_every_static_file_kept_for_a_year(browse, app_url):
    page = browse(1280, 900)
    traffic = Traffic(page)
    for path in ("/destinations?lang=ru", "/embed/destinations-map?lang=kk"):
        _open(page, app_url, path)
    checked = 0
    for response in traffic.responses:
        if response.status != 200:
            continue
        headers = response.headers
        kind = headers.get("content-type", "")
        size = int(headers.get("content-length") or len(response.body()))
        if kind.startswith(TEXT) and size >= 500:
            assert headers.get("content-encoding") in ("br", "gzip"), (response.url, headers)
            checked += 1
        path = urlsplit(response.url).path
        if path.startswith("/_static/") or re.search(r"\.v\d+_\d+_\d+m\d+\.", path):  # ours and Dash's versioned
            assert headers.get("cache-control") == "public, max-age=31536000, immutable", (response.url, headers)
        elif path.startswith("/_dash-component-suites/"):  # the chunks dcc loads by fixed names
            assert headers.get("cache-control") == "public, no-cache" and headers.get("etag"), (response.url, headers)
    assert checked >= 10, "pages, scripts, map shapes and callback replies all seen"


def test_moving_between_pages_with_and_without_charts_keeps_every_chart_drawn(browse, app_url):
    """/data loads the grid and no plotly.js; the other pages plotly.js and no grid.  A reader going from
    one to the other by the menu gets a full load (never a page whose scripts are missing); between pages
    with charts, the menu moves in place."""
    page = browse(1280, 900)
    traffic = Traffic(page)
    _open(page, app_url, "/data")
    page.click("#nav-links a[href^='/trends']")
    wait_until(page, "() => location.pathname === '/trends'")
    page.wait_for_selector("#trends-graph .main-svg")
    assert page.evaluate("() => Object.keys(Plotly.PlotSchema.get().traces).length") == 4
    marker = page.evaluate("() => (window.kzStayed = 'yes')")
    page.click("#nav-links a[href^='/destinations']")
    page.wait_for_selector("#destinations-map .geo .choroplethlocation")
    assert page.evaluate("() => window.kzStayed") == marker, "between chart pages the menu moves in place"
    page.click("#nav-links a[href^='/data']")
    page.wait_for_selector("#explorer-table .ag-row[row-index]")
    assert page.evaluate("() => window.kzStayed") is None, "the explorer came with a full load (its grid)"
    assert not traffic.full_bundle(), traffic.full_bundle()
