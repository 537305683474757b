"""A page's first view (dashboard/first_view.py): the page's HTML carries its first chart, drawn before
Dash starts, once the view is built; never a broken page, never the request's text reflected."""

from __future__ import annotations

import json
import re
import time
from html import unescape

import pytest
from dash import dcc, html

from dashboard import context, first_view, i18n, static_render
from dashboard.app import create_app
from dashboard.figures import theme as themes
from dashboard.views import charts
from tests.conftest import FIXTURE_DATA

LAYER = re.compile(r'<div id="kz-first-view" class="kz-first-view" inert aria-hidden="true"[^>]*>(.*?)</div>\n<script',
                   re.S)
FIGURE = re.compile(r'<script type="application/json" id="kz-first-view-chart-figure">(.*?)</script>')


@pytest.fixture
def server(monkeypatch):
    monkeypatch.setenv("KZ_FIRST_VIEW", "1")
    return create_app(FIXTURE_DATA).server


def _snapshot(server):
    with server.test_request_context("/"):
        return context.snapshot()


def _page(server, url: str) -> str:
    response = server.test_client().get(url)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def _wait_built(server, path: str, query: dict, lang: str = "en") -> None:
    snap = _snapshot(server)
    found = first_view.key(path, query, lang, snap)
    for _ in range(200):
        if snap.caches["page"].peek(found) is not None:
            return
        time.sleep(0.1)
    raise AssertionError(f"first view of {path} {query} never built")


def test_the_first_view_comes_once_built_with_the_page_and_its_chart(server):
    assert "kz-first-view" not in _page(server, "/trends")  # no data read yet: the plain page, at once
    built = first_view.warm(server, _snapshot(server))
    assert built == 4 * 3  # story, destinations, trends, EAEU (the explorer draws no chart) x 3 languages
    page = _page(server, "/trends")
    layer = LAYER.search(page)[1]
    assert "<h1>Trends</h1>" in layer and 'id="kz-first-view-chart" style="height: 480px"' in layer
    assert "Source: " in layer
    # A copy beside the page's own elements: none of the page's ids, nothing Dash would take for its own.
    assert 'id="trends-graph"' not in layer and 'id="react-entry-point"' not in layer
    # plotly.js and chart-tools.js (which draws the chart from its JSON block) follow the figure's data, once
    # only (moved from the footer); the view adds no inline script (the Content-Security-Policy allows none).
    for name in first_view.MOVED_SCRIPTS:
        tags = re.findall(rf'<script src="[^"]*/{re.escape(name)}"></script>', page)
        assert len(tags) == 1, (name, tags)
        assert (page.index('id="kz-first-view-chart-figure"') < page.index(tags[0])
                < page.index('<div id="react-entry-point">'))
    fragment = page[page.index('<div id="kz-first-view"'):page.index('<div id="react-entry-point">')]
    assert re.findall(r"<script(?![^>]*(?:src=|application/json))[^>]*>", fragment) == []
    assert "<script" not in layer
    assert "_dash-renderer" not in page[:page.index('<div id="react-entry-point">')]


def test_dash_starts_after_the_first_view_with_its_scripts_in_their_order(server):
    plain = _page(server, "/trends")  # no data read yet: the page as Dash renders it
    footer_scripts = re.findall(r'<script src="([^"]+)"></script>', plain[plain.index("<footer>"):])
    moved = [u for u in footer_scripts if any(u.endswith("/" + name) for name in first_view.MOVED_SCRIPTS)]
    first_view.warm(server, _snapshot(server))
    page = _page(server, "/trends")
    footer = page[page.index("<footer>"):]
    # No script of the footer runs as the parser reaches it; one starts them all, in the footer's order, and
    # then the renderer (Dash's own inline start is gone); their downloads start from preload links.
    assert re.findall(r'<script src="[^"]+"></script>', footer) == []
    assert "new DashRenderer" not in footer
    start = re.search(r'<script id="_dash-renderer" src="([^"]+)" data-scripts="([^"]+)"></script>', footer)
    assert start and start[1].endswith("/dash-renderer-start.js")
    deferred = json.loads(unescape(start[2]))
    assert deferred == [u for u in footer_scripts if u not in moved] and len(deferred) >= 5
    assert re.findall(r'<link rel="preload" as="script" href="([^"]+)">', footer) == deferred
    # The clientside callbacks' inline definitions are still there (they need nothing loaded).
    assert footer.count("_dashprivate_clientside_funcs") == plain[plain.index("<footer>"):].count(
        "_dashprivate_clientside_funcs") > 0
    assert server.test_client().get(start[1]).status_code == 200


def test_the_chart_is_the_pages_chart_in_its_address_state_and_language(server):
    snap = _snapshot(server)
    first_view.warm(server, snap)
    server.test_client().get("/trends?scale=log&lang=ru")
    _wait_built(server, "/trends", {"scale": "log"}, "ru")
    page = _page(server, "/trends?scale=log&lang=ru")
    figure = json.loads(FIGURE.search(page)[1])
    chart = charts.registry(snap)["trends"]
    values = {**chart.defaults(), "scale": "log"}
    expected = themes.apply(chart.figure(values, snap, "ru"), "light")
    assert [t.get("name") for t in figure["data"]] == [t.get("name") for t in expected["data"]]
    assert figure["layout"]["yaxis"]["type"] == "log"
    assert "height" not in figure["layout"]  # the chart fills its box
    assert f"<h1>{i18n._('Trends', 'ru')}</h1>" in LAYER.search(page)[1]


def test_a_bad_address_gets_the_default_view_and_nothing_of_it_back(server):
    first_view.warm(server, _snapshot(server))
    payload = "<script>alert(1)</script>"
    page = _page(server, f"/trends?years={payload}&measures={payload}")
    layer = LAYER.search(page)[1]
    assert payload not in page and "alert(1)" not in layer
    # The default view: the notice naming the bad value is the page's own, once Dash has started.
    assert 'class="notices" hidden' in layer


def test_the_explorer_has_no_first_view(server):
    first_view.warm(server, _snapshot(server))
    assert "kz-first-view" not in _page(server, "/data")


def test_switched_off_the_pages_are_as_dash_renders_them(server, monkeypatch):
    first_view.warm(server, _snapshot(server))
    monkeypatch.setenv("KZ_FIRST_VIEW", "0")
    page = _page(server, "/trends")
    assert "kz-first-view" not in page
    assert first_view.warm(server, _snapshot(server)) == 0


def test_a_view_that_fails_to_build_leaves_the_page_plain(server, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("figure failed")

    monkeypatch.setattr(static_render, "to_html", broken)
    assert first_view.warm(server, _snapshot(server)) == 0
    assert "kz-first-view" not in _page(server, "/eaeu")
    assert "kz-first-view" not in _page(server, "/eaeu")  # the background build failed too: still plain


def test_the_warm_up_builds_the_first_views_first(server, monkeypatch):
    from dashboard import warm_up

    progress = warm_up.Progress(_snapshot(server).id)
    monkeypatch.setattr(warm_up, "bodies", lambda client: iter(()))  # the steps alone, not the ~3,500 replies
    warm_up.run(server, progress)
    assert progress.done and progress.steps == {"first_views": 12}, progress.status()
    assert progress.status()["steps"] == {"first_views": 12}
    assert "kz-first-view" in _page(server, "/destinations")


def test_the_builder_bounds_what_waits():
    builder = first_view.Builder(max_pending=2)
    gate = __import__("threading").Event()
    assert builder.submit("a", gate.wait)
    assert not builder.submit("a", gate.wait)  # already waiting
    assert builder.submit("b", gate.wait)
    assert not builder.submit("c", gate.wait)  # two waiting: the third reader gets the plain page
    gate.set()


# --- static_render: components as plain HTML -------------------------------------------------------------------

def _plain(node, **kwargs) -> str:
    return static_render.to_html(node, lambda props: f"<graph {props.get('style', {}).get('height')}>", **kwargs)


def test_html_components_keep_their_text_classes_style_and_aria():
    out = _plain(html.Div([html.H1("a < b & c"), html.P("x", className="lede", hidden=True)], id="kept-out",
                          className="k", style={"maxWidth": "60rem", "flex": "2 1 24rem"},
                          **{"aria-label": 'say "hi"', "data-chart": "trends"}))
    opening, rest = out.split(">", 1)
    assert sorted(re.findall(r'[a-z-]+(?:="[^"]*")?', opening[len("<div "):])) == [
        'aria-label="say &quot;hi&quot;"', 'class="k"', 'data-chart="trends"',
        'style="max-width: 60rem; flex: 2 1 24rem"']
    assert rest == '<h1>a &lt; b &amp; c</h1><p class="lede" hidden>x</p></div>'


def test_core_components_are_drawn_as_set_and_stores_write_nothing():
    out = _plain([
        dcc.Checklist(options=[{"label": "<b>A</b>", "value": "a"}, "b"], value=["a"], inline=True),
        dcc.RadioItems(options=["x", "y"], value="y"),
        dcc.Dropdown(options=[{"label": "2020", "value": 2020}, {"label": "2024", "value": 2024}], value=2024),
        dcc.Store(id="s", data={"secret": "<script>"}),
        dcc.Loading(dcc.Graph(style={"height": "300px"})),
        dcc.Link("Trends", href="/trends", className="nav-link"),
        html.Br(),
    ])
    assert '<input type="checkbox" checked> &lt;b&gt;A&lt;/b&gt;</label>' in out
    assert '<input type="checkbox"> b</label>' in out and "kz-fv-inline" in out
    assert '<input type="radio"> x' in out and '<input type="radio" checked> y' in out
    assert '<div class="kz-fv-select">2024</div>' in out
    assert "secret" not in out and "<script>" not in out
    assert "<graph 300px>" in out
    assert '<a href="/trends" class="nav-link">Trends</a>' in out and out.endswith("<br>")


def test_replaced_children_and_unknown_libraries():
    out = _plain(html.Div(html.Div("router's", id="_pages_content"), className="outer"),
                 replace={"_pages_content": html.H1("the page")})
    assert out == '<div class="outer"><div><h1>the page</h1></div></div>'
    assert _plain({"type": "AgGrid", "namespace": "dash_ag_grid", "props": {"rowData": [1]}}) == ""
