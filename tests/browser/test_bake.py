"""A static bake served by a plain static server (Python's http.server, no app at all), in real Chromium:
addresses with query strings reach their baked files, the controls move between baked views, a setting the
bake lacks falls back with a notice, and the data link gives the CSV the live app gives."""

from __future__ import annotations

import socket
import subprocess
import sys
import time
from urllib.parse import urlsplit

import pytest

from tests.browser.helpers import wait_for_embed, wait_until


@pytest.fixture(scope="module")
def static_url(baked):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    server = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                               "--directory", str(baked)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
            break
        except OSError:
            time.sleep(0.1)
    yield f"http://127.0.0.1:{port}"
    server.terminate()
    server.wait(10)


@pytest.fixture
def static_page(browser, static_url):
    """A page on the static server that records every response; nothing may go elsewhere or fail."""
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors, responses, external = [], [], []
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("response", lambda r: responses.append((r.status, r.url)))

    def route(r):
        if urlsplit(r.request.url).netloc == urlsplit(static_url).netloc:
            return r.continue_()
        external.append(r.request.url)
        return r.abort()

    context.route("**/*", route)
    page.responses = responses
    yield page
    context.close()
    assert not external, f"requests left the static host: {external}"
    assert not errors, f"console errors: {errors}"
    failed = [(s, u) for s, u in responses if s >= 400]
    assert not failed, f"failed requests: {failed}"


def test_an_address_with_a_query_string_reaches_its_baked_view(static_page, static_url):
    # What an article already holds: the live app's address, with its query string.
    static_page.goto(f"{static_url}/embed/trends?scale=log&lang=ru")
    wait_for_embed(static_page)
    assert urlsplit(static_page.url).path == "/embed/trends/scale=log/lang=ru/"
    assert static_page.evaluate("document.documentElement.lang") == "ru"
    assert static_page.evaluate("document.getElementById('chart')._fullLayout.yaxis.type") == "log"
    assert static_page.locator("#kz-bake-notice").is_hidden()
    # The partial plotly.js bundle and the Russian locale, from the bake's own hashed files.
    scripts = [u for _s, u in static_page.responses if u.endswith(".js")]
    assert any(u.endswith("/plotly-kz.js") for u in scripts) and any("plotly-locale-ru" in u for u in scripts)
    assert not any("plotly.min.js" in u or "plotly-2" in u for u in scripts)


def test_the_controls_move_between_baked_views(static_page, static_url):
    static_page.goto(f"{static_url}/embed/destinations-map/")
    wait_for_embed(static_page)
    static_page.select_option("select[name=measure]", "flows")
    wait_until(static_page, "() => location.pathname === '/embed/destinations-map/measure=flows/'")
    wait_for_embed(static_page)
    assert static_page.locator("select[name=measure]").input_value() == "flows"
    assert static_page.locator("select[name=revision]").count() == 0  # no revision in the flows view
    traces = static_page.evaluate("document.getElementById('chart').data.map(t => t.type)")
    assert "scattergeo" in traces  # the flow lines, on map shapes from the bake's topojson
    assert any(u.endswith("/world_110m.json") for _s, u in static_page.responses)
    static_page.select_option("select[name=measure]", "stock")
    wait_until(static_page, "() => location.pathname === '/embed/destinations-map/'")
    wait_for_embed(static_page)


def test_a_setting_the_bake_has_no_file_for_falls_back_with_a_notice(static_page, static_url):
    static_page.goto(f"{static_url}/embed/trends?years=2010..2015&theme=dark")
    wait_for_embed(static_page)
    # Dark is baked, a year range is not: the dark view of every year, and the notice saying so.
    assert urlsplit(static_page.url).path == "/embed/trends/theme=dark/"
    assert urlsplit(static_page.url).fragment == "kz-lost"
    assert static_page.locator("#kz-bake-notice").is_visible()
    assert "static copy" in static_page.locator("#kz-bake-notice").inner_text()


def test_one_destination_per_country_and_its_csv(static_page, static_url, client):
    static_page.goto(f"{static_url}/embed/destination-series?country=DEU")
    wait_for_embed(static_page)
    assert urlsplit(static_page.url).path == "/embed/destination-series/country=DEU/"
    href = static_page.locator("a", has_text="Get the data").get_attribute("href")
    assert "?" not in href and href.endswith(".csv")
    reply = static_page.evaluate("""async (url) => { const r = await fetch(url);
        return {status: r.status, type: r.headers.get('content-type'), text: await r.text()}; }""", href)
    assert reply["status"] == 200 and reply["type"].startswith("text/csv")
    live = client.get("/data/migrant-stock.csv?countries=DEU")
    assert reply["text"].encode() == live.data
    assert "DEU" in reply["text"] and reply["text"].count("\n") > 2
