"""What a reader's browser downloads: the partial plotly.js bundle (never the full one), every static file at
a content-hashed address kept for a year, every text response compressed, each page only its own scripts."""

from __future__ import annotations

import gzip
import hashlib
import json
import re
import time
from pathlib import Path

import brotli
import pytest

from dashboard import static_files
from tests import dash_calls

BROWSER = {"Accept-Encoding": "gzip, deflate, br, zstd"}
VENDOR = Path(static_files.__file__).parent / "static" / "vendor"
HASHED = re.compile(r'(?:src|href)="(/_static/([0-9a-f]{16})/([^"]+))"')


def scripts_of(html: str) -> list[str]:
    return re.findall(r'<script[^>]* src="([^"]+)"', html)


def test_the_partial_bundle_holds_the_four_trace_types_and_its_provenance_matches():
    bundle = (VENDOR / "plotly-kz.min.js").read_bytes()
    meta = json.loads((VENDOR / "plotly-kz.min.js.provenance.json").read_text())
    assert meta["checksum"] == "sha256:" + hashlib.sha256(bundle).hexdigest()
    assert meta["traces"] == ["scatter", "bar", "choropleth", "scattergeo"]
    assert bundle.startswith(b"/**") and b"plotly.js" in bundle[:400], "the licence header comes first"
    assert (VENDOR / "LICENSE.plotly.js").read_text().startswith("MIT License")
    assert len(bundle) < 0.3 * 4_830_000, "a third of the full bundle at most"


def test_pre_compressed_copies_hold_exactly_the_bundle():
    bundle = (VENDOR / "plotly-kz.min.js").read_bytes()
    assert brotli.decompress((VENDOR / "plotly-kz.min.js.br").read_bytes()) == bundle
    assert gzip.decompress((VENDOR / "plotly-kz.min.js.gz").read_bytes()) == bundle


@pytest.mark.parametrize("path", ["/", "/destinations", "/trends?lang=ru", "/eaeu?lang=kk", "/data"])
def test_pages_never_link_the_full_plotly_bundle(client, path):
    html = client.get(path).get_data(as_text=True)
    assert "plotly.min.js" not in html and "package_data/plotly" not in html
    assert "cdn.plot.ly" not in html


def test_each_page_links_only_the_libraries_it_uses(client, app):
    bundle = static_files.of(app.server).url("plotly-kz.js")
    for path in ("/", "/destinations", "/trends", "/eaeu"):
        srcs = scripts_of(client.get(path).get_data(as_text=True))
        assert bundle in srcs, path
        assert not [s for s in srcs if "dash_ag_grid" in s or "dash_table" in s], (path, srcs)
    # The data explorer: the grid's library, and no plotly.js (it draws no chart).
    srcs = scripts_of(client.get("/data").get_data(as_text=True))
    assert any("dash_ag_grid" in s for s in srcs) and bundle not in srcs
    assert not any("plotly-locale" in s for s in scripts_of(client.get("/data?lang=ru").get_data(as_text=True)))


@pytest.mark.parametrize("path", ["/trends?lang=ru", "/embed/trends?lang=kk", "/embed/destinations-map"])
def test_a_page_loads_its_own_languages_plotly_locale_only(client, path):
    lang = re.search(r"lang=(\w+)", path)
    srcs = scripts_of(client.get(path).get_data(as_text=True))
    locales = [s for s in srcs if "plotly-locale" in s]
    assert locales == ([] if lang is None else [next(s for s in locales if f"locale-{lang[1]}" in s)])


def test_static_files_are_hashed_immutable_and_conditional(client):
    html = client.get("/embed/destinations-map?lang=ru").get_data(as_text=True)
    hashed = HASHED.findall(html) + [(f"/_static/{digest}/topojson/world_110m.json", digest, "topojson/world_110m.json")
                                     for digest in re.findall(r'data-topojson="/_static/([0-9a-f]{16})/topojson/"', html)]
    names = {name for _url, _digest, name in hashed}
    assert {"plotly-kz.js", "plotly-locale-ru.js", "chart-tools.js", "embed.js", "topojson/world_110m.json"} <= names
    for url, digest, name in hashed:
        first = client.get(url, headers=BROWSER)
        assert first.status_code == 200, url
        assert first.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        assert first.headers["Content-Encoding"] == "br", url
        raw = brotli.decompress(first.data)
        assert hashlib.sha256(raw).hexdigest()[:16] == digest, f"{url}: the address does not name the content"
        again = client.get(url, headers={**BROWSER, "If-None-Match": first.headers["ETag"]})
        assert again.status_code == 304 and not again.data, url
        plain = client.get(url, headers={"Accept-Encoding": "gzip"})
        assert plain.headers["Content-Encoding"] == "gzip" and gzip.decompress(plain.data) == raw
        identity = client.get(url, headers={"Accept-Encoding": "identity"})
        assert "Content-Encoding" not in identity.headers and identity.data == raw


def test_a_stale_hash_gets_todays_file_briefly_and_an_unknown_name_a_404(client, app):
    url = static_files.of(app.server).url("plotly-kz.js")
    stale = client.get(re.sub(r"/[0-9a-f]{16}/", "/0000000000000000/", url), headers=BROWSER)
    assert stale.status_code == 200 and stale.headers["Cache-Control"] == "public, max-age=600"
    missing = client.get("/_static/0000000000000000/../../settings.py")
    assert missing.status_code == 404
    assert client.get("/_static/0000000000000000/nothing.js").status_code == 404


def test_files_are_read_once_per_process_not_per_request(app, monkeypatch):
    static = static_files.of(app.server)
    client = app.server.test_client()
    url = static.url("chart-tools.js")
    assert client.get(url, headers=BROWSER).status_code == 200
    reads = []
    real = Path.read_bytes
    monkeypatch.setattr(Path, "read_bytes", lambda self: reads.append(self) or real(self))
    for _ in range(3):
        assert client.get(url, headers=BROWSER).status_code == 200
    assert reads == []


@pytest.mark.parametrize("path,kind", [
    ("/", "text/html"), ("/embed/trends", "text/html"), ("/data/migrant-stock.csv", "text/csv"),
    ("/data/migrant-stock.meta.json", "application/json"), ("/_dash-layout", "application/json"),
    ("/healthz", "application/json"), ("/embed-resize.js", "text/javascript"),
])
def test_every_text_response_is_compressed(client, path, kind):
    response = client.get(path, headers=BROWSER)
    assert response.status_code == 200 and response.mimetype == kind
    identity = client.get(path, headers={"Accept-Encoding": "identity"})
    assert "Content-Encoding" not in identity.headers
    if len(identity.data) >= 500:  # below that, compressing costs more than it saves
        assert response.headers["Content-Encoding"] == "br"
        # (A page's HTML differs between two requests in one token Dash writes into it, not in length.)
        assert len(brotli.decompress(response.data)) == len(identity.data)
    assert "Accept-Encoding" in response.headers["Vary"]
    assert client.get(path, headers={"Accept-Encoding": "gzip"}).headers.get("Content-Encoding") in ("gzip", None)


def test_callback_replies_are_compressed(client):
    """The page router's reply (the page's whole layout, tens of kB of JSON) and a chart callback's."""
    router = {"output": dash_calls.ROUTER, "outputs": [{"id": "_pages_content", "property": "children"},
                                                       {"id": "_pages_store", "property": "data"}],
              "inputs": [{"id": "_pages_location", "property": "pathname", "value": "/destinations"},
                         {"id": "_pages_location", "property": "search", "value": ""}],
              "changedPropIds": ["_pages_location.pathname"], "state": []}
    chart = next(b for b in dash_calls.calls(client, "/trends") if b["output"].startswith("..trends-graph.figure"))
    for body in (router, chart):
        response = client.post(dash_calls.ENDPOINT, json=body, headers=BROWSER)
        assert response.status_code == 200, body["output"]
        assert response.headers["Content-Encoding"] == "br", body["output"]
        assert json.loads(brotli.decompress(response.data))["response"]


def test_dash_scripts_are_kept_for_a_year(client):
    html = client.get("/trends").get_data(as_text=True)
    suites = [s for s in scripts_of(html) if s.startswith("/_dash-component-suites/")]
    assert suites
    for url in suites:
        response = client.get(url, headers=BROWSER)
        assert response.status_code == 200, url
        assert response.headers["Cache-Control"] == "public, max-age=31536000, immutable", url
        assert response.headers["Content-Encoding"] == "br", url


@pytest.mark.parametrize("old,name", [("/embed-static/plotly.min.js", "plotly-kz.js"), ("/embed.js", "embed.js"),
                                      ("/vendor/plotly-locale-kk.js", "plotly-locale-kk.js")])
def test_addresses_of_earlier_releases_lead_to_todays_files(client, app, old, name):
    response = client.get(old)
    assert response.status_code == 301
    assert response.headers["Location"].endswith(static_files.of(app.server).url(name))


def test_dash_scripts_are_recompressed_at_the_best_level_after_their_first_request(client):
    html = client.get("/data").get_data(as_text=True)
    url = next(s for s in scripts_of(html) if "dash_ag_grid" in s)
    first = client.get(url, headers=BROWSER)
    raw = brotli.decompress(first.data)
    deadline = time.monotonic() + 60
    later = first
    while len(later.data) >= len(first.data) and time.monotonic() < deadline:
        time.sleep(0.2)
        later = client.get(url, headers=BROWSER)
    assert len(later.data) < len(first.data) * 0.95, (len(first.data), len(later.data))
    assert brotli.decompress(later.data) == raw and later.headers["Content-Encoding"] == "br"
    assert len(later.data) <= len(brotli.compress(raw, quality=11)) * 1.01
    plain = client.get(url, headers={"Accept-Encoding": "gzip"})  # gzip is kept as first made
    assert gzip.decompress(plain.data) == raw


def test_the_favicon_is_the_apps_own_small_one(client):
    html = client.get("/trends").get_data(as_text=True)
    links = re.findall(r'<link rel="icon"[^>]* href="([^"]+)"', html)
    assert len(links) == 1 and HASHED.match(f'href="{links[0]}"'), links
    response = client.get(links[0])
    assert response.status_code == 200 and "immutable" in response.headers["Cache-Control"] and response.data.startswith(b"\x00\x00\x01\x00")
    assert len(response.data) < 500
    assert response.data[22:30] == b"\x89PNG\r\n\x1a\n"
