"""Small layout pieces every page uses: chart blocks with their source line, notices, URL sync."""

from __future__ import annotations

import dash
from dash import ALL, MATCH, Input, Output, State, dcc, html

from dashboard.i18n import _


def graph_config(**extra) -> dict:
    """plotly.js config: map shapes from our own assets (never a CDN), no plotly logo."""
    return {"topojsonURL": dash.get_asset_url("topojson/"), "displaylogo": False, "responsive": True,
            "modeBarButtonsToRemove": ["lasso2d", "select2d"], **extra}


def chart_block(graph_id: str, source_id: str, *, height: str = "440px", extra=None, chart: str | None = None,
                lang: str = "en") -> html.Figure:
    """A chart and, under it, its source line (filled by the page's callback from provenance), and
    for an embeddable ``chart`` (an id of ``dashboard.charts``) its Download CSV link and Embed button."""
    tools = []
    if chart:
        tools = [html.Div([
            html.A(_("Download CSV", lang), id={"type": "chart-data", "chart": chart}, href=_default_data_url(chart),
                   className="tool", **{"data-chart": chart}),
            html.Button(_("Embed", lang), id={"type": "embed-open", "chart": chart}, n_clicks=0, className="tool",
                        **{"aria-controls": f"embed-{chart}"}),
        ], className="chart-tools"),
            html.Div(id={"type": "embed-panel", "chart": chart}, hidden=True, className="embed-panel")]
    return html.Figure([
        dcc.Loading(dcc.Graph(id=graph_id, config=graph_config(), style={"height": height}), type="dot",
                    delay_show=300),
        html.Figcaption(id=source_id, className="source-line"),
        *tools,
        *(extra or []),
    ], className="chart-block")


def _default_data_url(chart: str) -> str:
    """The CSV behind a chart's default view (the page's callback then follows the controls)."""
    from dashboard import charts

    spec = charts.registry()[chart]
    return spec.data_url({p.name: p.default for p in spec.params})


def _page_query(queries: list) -> str:
    """The current page's query string, as its url-query store holds it ("" before the first write)."""
    return next((q for q in queries if q), "")


@dash.callback(
    Output({"type": "chart-data", "chart": ALL}, "href"),
    Input({"type": "url-query", "page": ALL}, "data"),
    State({"type": "chart-data", "chart": ALL}, "id"),
)
def update_data_links(queries, ids):
    """Each chart's Download CSV link follows the view on screen."""
    from dashboard import charts, urlstate
    from urllib.parse import parse_qsl

    query = dict(parse_qsl(_page_query(queries).lstrip("?")))
    hrefs = []
    for ident in ids:
        chart = charts.registry()[ident["chart"]]
        values, _n = urlstate.parse(query, chart.params, strict=False)
        hrefs.append(chart.data_url(values))
    return hrefs


@dash.callback(
    Output({"type": "embed-panel", "chart": MATCH}, "children"),
    Output({"type": "embed-panel", "chart": MATCH}, "hidden"),
    Input({"type": "embed-open", "chart": MATCH}, "n_clicks"),
    State({"type": "url-query", "page": ALL}, "data"),
    State({"type": "embed-open", "chart": MATCH}, "id"),
    prevent_initial_call=True,
)
def open_embed(n_clicks, queries, ident):
    """The snippet for the view on screen: iframe, resize script, and alt text from the data."""
    import flask
    from urllib.parse import parse_qsl

    from dashboard import alttext, charts, embed, urlstate

    if not n_clicks or n_clicks % 2 == 0:
        return dash.no_update, True
    chart = charts.registry()[ident["chart"]]
    values, _n = urlstate.parse(dict(parse_qsl(_page_query(queries).lstrip("?"))), chart.params, strict=False)
    query = urlstate.encode(values, chart.params)
    alt = alttext.alt_text(chart.figure(values, "en"))
    base = flask.request.host_url.rstrip("/")
    code = embed.snippet(base, chart, query, alt)
    return [
        html.Label(_("Paste into your article (the script once per page):"), htmlFor=f"embed-code-{chart.id}"),
        dcc.Textarea(id=f"embed-code-{chart.id}", value=code, readOnly=True, className="embed-code",
                     style={"width": "100%", "height": "7.5rem"}),
        html.P([html.Strong(_("Alt text: ")), alt], className="embed-alt"),
        html.P([_("Preview: "), html.A(f"/embed/{chart.id}{query}", href=f"/embed/{chart.id}{query}",
                                        target="_blank", rel="noopener")], className="note"),
    ], False


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
