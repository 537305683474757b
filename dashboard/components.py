"""Small layout pieces every page uses: chart blocks with their source line, notices, URL sync."""

from __future__ import annotations

import dash
from dash import MATCH, Input, Output, dcc, html

from dashboard.i18n import _


def graph_config(**extra) -> dict:
    """plotly.js config: map shapes from our own assets (never a CDN), no plotly logo."""
    return {"topojsonURL": dash.get_asset_url("topojson/"), "displaylogo": False, "responsive": True,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"], **extra}


def chart_block(graph_id: str, source_id: str, *, height: str = "440px", extra=None) -> html.Figure:
    """A chart and, under it, its source line (filled by the page's callback from provenance)."""
    return html.Figure([
        dcc.Loading(dcc.Graph(id=graph_id, config=graph_config(), style={"height": height}), type="dot",
                    delay_show=300),
        html.Figcaption(id=source_id, className="source-line"),
        *(extra or []),
    ], className="chart-block")


def notices(messages: list[str]) -> html.Div:
    """Visible notes for query values that fell back to defaults (never an error page)."""
    return html.Div([html.P(m, className="notice", role="status") for m in messages], className="notices",
                    hidden=not messages)


def url_sync(page: str) -> list:
    """Stores whose query string a clientside callback writes into the address bar.

    ``history.replaceState`` changes the URL without telling Dash's router, so writing the query
    never re-renders the page; a copied link reopens the same view through the page's layout(**query).
    """
    return [dcc.Store(id={"type": "url-query", "page": page}), dcc.Store(id={"type": "url-sync", "page": page})]


dash.clientside_callback(
    """function(search) {
        if (search === undefined || search === null) { return window.dash_clientside.no_update; }
        const url = window.location.pathname + search + window.location.hash;
        if (url !== window.location.pathname + window.location.search + window.location.hash) {
            window.history.replaceState(window.history.state, '', url);
        }
        return search;
    }""",
    Output({"type": "url-sync", "page": MATCH}, "data"),
    Input({"type": "url-query", "page": MATCH}, "data"),
)


def page_header(title: str, lede: str) -> html.Header:
    return html.Header([html.H1(title), html.P(lede, className="lede")], className="page-header")


def definition_badge(text: str, definition: str, lang: str = "en") -> html.Span:
    """A small label naming what a series counts; the full definition in its tooltip."""
    return html.Span(text, title=definition, className="badge", **{"aria-label": _("Definition: {d}", lang,
                                                                                    d=definition)})
