"""A page's first view: its first chart, drawn by plain plotly.js from the page's HTML before Dash starts.

A Dash page shows nothing until Dash's ~1 MB of scripts have run, the layout and the page's router and
chart callbacks have answered (three round trips, one after the other) and dcc.Graph has loaded: ~1.0 s on
loopback where a plain HTML file with the same figure draws in ~0.5 s, and a bare Dash app with the figure
already in its layout in ~0.73 s (the bench's floors).  So the page's HTML carries, before the scripts
Dash runs, the figure of the page's first chart for the state in its address, drawn as the embed draws it
(the embed's figure, theme and locale), in a layer over the page that the reader sees until the page has
drawn its own chart; chart-tools.js then takes the layer away (``dropFirstView``), or after 15 s at the
latest.  The layer is ``inert``: nothing in it takes focus or reaches a screen reader twice.

A first view is served only once it is built (kept per snapshot, state and language, like an embed): the
warm-up builds each page's default view, and an address asked for before its view exists gets the plain
page while one background thread builds it for the next reader.  So the first request after a start reads
no data (the cold start).  ``KZ_FIRST_VIEW=0`` serves the pages as Dash renders them (the tests, but for
those of the first view).
"""

from __future__ import annotations

import html
import json
import logging
import re
import threading
import urllib.parse
from concurrent.futures import ThreadPoolExecutor
from typing import Any, Callable, Hashable, Mapping

import flask
from markupsafe import Markup

from dashboard import (context, embeds, i18n, settings, static_files, static_render, shell, urlstate,
                       warm_up)
from dashboard.figures import theme as themes
from dashboard.snapshots import Snapshot
from dashboard.static_files import StaticFiles
from dashboard.views import charts

LOG = logging.getLogger(__name__)
EXTENSION = "kz-first-view"  # the app's Builder
ENTRY = '<div id="react-entry-point">'
# Scripts the first view runs before Dash's: they move from the page's footer to just before the layer.
MOVED_SCRIPTS = ("plotly-kz.js", "chart-tools.js")
DROP_AFTER_MS = 15_000  # the layer goes at the latest then, whatever the page did
FOOTER = "<footer>"  # Dash's index: its config, scripts and start, after the entry point
FOOTER_SCRIPT = re.compile(r'<script src="([^"]+)"></script>\s*')
RENDERER = '<script id="_dash-renderer" type="application/javascript">var renderer = new DashRenderer();</script>'


def enabled() -> bool:
    return settings.enabled("KZ_FIRST_VIEW")


def key(path: str, query: Mapping[str, Any], lang: str, snap: Snapshot) -> tuple | None:
    """The cache key of a page's first view: the page, the state its address asks for (canonical: a bad
    value falls back, as in an embed, and the page itself shows the notice once Dash has started) and the
    language.  None for a page that draws no chart."""
    page = shell.page_at(path)
    if page is None or not shell.scripts(page)[1]:
        return None
    chart = charts.for_page(snap, path)
    params = chart.params if chart else ()  # the story page: its charts do not change with its address
    values, _notices = urlstate.parse(query, params, strict=False, ignore=("lang",), lang=lang)
    return ("first-view", path, urlstate.encode(values, params), lang)


def build(path: str, query: Mapping[str, Any], lang: str, snap: Snapshot, server: flask.Flask) -> str | None:
    """The first view's HTML (the layer and the script that draws it), kept on the snapshot; None for a
    page without a chart."""
    found = key(path, query, lang, snap)
    if found is None:
        return None
    canonical = dict(urllib.parse.parse_qsl(found[2].lstrip("?")))  # encode() gives "?a=1&b=2"
    return snap.cached("page", found, lambda: _render(path, canonical, lang, snap, server))


def _render(path: str, query: dict, lang: str, snap: Snapshot, server: flask.Flask) -> str:
    """The shell and the page's layout for ``query`` as plain HTML, its first graph drawn with the figure
    the page's callback will give it (the page's first chart, as its embed draws it), the others empty
    boxes of their height."""
    static = static_files.of(server)
    chart = charts.for_page(snap, path)
    values = urlstate.parse(query, chart.params, strict=False, ignore=("lang",), lang=lang)[0] if chart else {}
    drawn: list[dict] = []
    # What chart-tools.js draws the chart with (its figure is in a JSON block beside it: no inline script).
    options = static_render.attributes({"data-topojson": static.folder_url("topojson/world_110m.json"),
                                        "data-locale": lang})

    def graph(props: dict) -> str:
        style = static_render.attributes({"style": props.get("style")})
        if drawn:
            return f'<div class="kz-fv-graph"{style}></div>'
        if props.get("figure"):  # the story page's claims: the layout has their figures and source lines
            drawn.append(props["figure"])
            return f'<div id="kz-first-view-chart"{style}{options}></div>'
        fig = chart.figure(values, snap, lang)
        drawn.append(fig)
        # The page's callback fills the source line under the chart; the view has it at once.
        source = embeds.source_of(chart, values, fig.layout.meta if isinstance(fig.layout.meta, dict) else {}, snap,
                                  lang)
        return (f'<div id="kz-first-view-chart"{style}{options}></div>'
                f'<p class="source-line">{html.escape(str(source))}</p>')

    with server.test_request_context(path, query_string={**query, "lang": lang}):
        flask.g.kz_snapshot_id, flask.g.kz_snapshot = snap.id, snap  # the snapshot this view is built from
        page = shell.page_at(path)
        content = page["layout"](**{**query, "lang": lang})
        body = static_render.to_html(shell.layout(), graph, replace={"_pages_content": content})
    if not drawn:
        raise ValueError(f"{path}: the page's layout has no graph")
    light, dark = embeds.box_themes(drawn[0])  # the chart fills its box, as the page's does
    return embeds.environment().get_template("first_view.html").render(
        body=Markup(body), figure_json=embeds.script_json(light),
        dark_patch=embeds.script_json(themes.patch(light, dark)),
        drop_after_ms=DROP_AFTER_MS, scripts=[static.url(name) for name in MOVED_SCRIPTS])


class Builder:
    """One background thread per process building first views asked for before they existed; at most
    ``max_pending`` waiting (a burst of new addresses is not queued without bound: the rest get plain pages
    until a reader asks again)."""

    def __init__(self, max_pending: int = 16):
        self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="kz-first-view")
        self._pending: set[Hashable] = set()
        self._lock = threading.Lock()
        self._max = max_pending

    def submit(self, key: Hashable, build: Callable[[], Any]) -> bool:
        with self._lock:
            if key in self._pending or len(self._pending) >= self._max:
                return False
            self._pending.add(key)
        self._pool.submit(self._run, key, build)
        return True

    def _run(self, key: Hashable, build: Callable[[], Any]) -> None:
        try:
            build()
        except Exception:  # a background thread: the page is served without its first view, never broken
            LOG.exception("first view %s not built", key)
        finally:
            with self._lock:
                self._pending.discard(key)


def install(server: flask.Flask) -> None:
    server.extensions[EXTENSION] = Builder()
    warm_up.add_step(server, "first_views", lambda snap: warm(server, snap))


def add(page_html: str, path: str, lang: str, static: StaticFiles) -> str:
    """The page's index HTML with its first view, if it is built; otherwise the page as it was, and the
    view built in a background thread for the next reader.  Never fails a page: whatever goes wrong, the
    page is served as Dash renders it."""
    if not enabled():
        return page_html
    try:
        if f'<script src="{static.url("plotly-kz.js")}"></script>' not in page_html:
            return page_html  # a page that draws no chart (the explorer) loads no plotly.js
        snap = context.loaded_snapshot()
        if snap is None:  # no request has read data yet (the cold start): the page goes out as it is, at once
            return page_html
        query = flask.request.args.to_dict()
        server = flask.current_app._get_current_object()
        found = key(path, query, lang, snap)
        if found is None:
            return page_html
        fragment = snap.caches["page"].peek(found)
        if fragment is not None:
            return insert(page_html, fragment, static)
        server.extensions[EXTENSION].submit((snap.id, found), lambda: build(path, query, lang, snap, server))
        return page_html
    except Exception:
        LOG.exception("first view of %s not added", path)
        return page_html


def insert(page_html: str, fragment: str, static: StaticFiles) -> str:
    """``fragment`` before Dash's entry point, the scripts it runs taken out of the footer, and Dash's own
    started once it has been painted (``deferred_boot``)."""
    if ENTRY not in page_html:
        return page_html
    for name in MOVED_SCRIPTS:
        page_html = page_html.replace(f'<script src="{static.url(name)}"></script>', "", 1)
    return deferred_boot(page_html.replace(ENTRY, fragment + ENTRY, 1), static)


def deferred_boot(page_html: str, static: StaticFiles) -> str:
    """The footer's scripts and Dash's inline start replaced by dash-renderer-start.js, which runs them after
    the first view's chart has been painted (in the footer they would hold the paint back: the bench's time
    to chart), and preload links where they were, so their downloads start as before.  The inline scripts
    that only define the clientside callbacks stay (they need nothing loaded)."""
    start = page_html.find(FOOTER)
    if start < 0 or RENDERER not in page_html[start:]:
        return page_html
    footer = page_html[start:]
    urls = FOOTER_SCRIPT.findall(footer)
    preloads = "".join(f'<link rel="preload" as="script" href="{html.escape(url)}">\n' for url in urls)
    boot = (f'<script id="_dash-renderer" src="{static.url("dash-renderer-start.js")}" '
            f'data-scripts="{html.escape(json.dumps(urls))}"></script>')
    footer = FOOTER_SCRIPT.sub("", footer).replace(FOOTER, FOOTER + "\n" + preloads, 1)
    return page_html[:start] + footer.replace(RENDERER, boot, 1)


def warm(server: flask.Flask, snap: Snapshot) -> int:
    """Every page's default first view in every language (the warm-up's first step); how many were built."""
    if not enabled():
        return 0
    done = 0
    for page in shell.pages():
        for lang in i18n.LANGUAGES:
            try:
                done += build(page["path"], {}, lang, snap, server) is not None
            except Exception:  # that page is served as Dash renders it; the others still get theirs
                LOG.exception("first view of %s (%s) not built", page["path"], lang)
    return done
