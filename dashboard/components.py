"""Small layout pieces every page uses (chart blocks with their source line, notices, URL sync) and the
callbacks they share (each chart's Download CSV link and Embed panel follow the view on screen)."""

from __future__ import annotations

import json
from urllib.parse import parse_qsl

import dash
import flask
from dash import ALL, MATCH, Input, Output, State, dcc, html

from dashboard import alttext, context, embeds, static_files, urlstate
from dashboard.figures import theme as themes
from dashboard.i18n import _, negotiate
from dashboard.views import charts


THEME = "kz-theme"  # the store holding the reader's colour scheme (set in the browser from prefers-color-scheme)


def graph_config(**extra) -> dict:
    """plotly.js config: map shapes from our own assets (never a CDN); no modebar (it covered titles and
    added six tab stops per chart: the chart's own Download PNG button replaces it), nothing sent to a cloud."""
    return {"topojsonURL": static_files.of().folder_url("topojson/world_110m.json"), "displaylogo": False,
            "responsive": True,
            "displayModeBar": False, "showSendToCloud": False, **extra}


def themed(fig, theme: str | None, lang: str = "en") -> dict:
    """A figure in the reader's theme, for a dcc.Graph (light unless the store says dark), carrying its text
    alternative in ``layout.meta.alt`` (the embed's alt text; chart-tools.js shows it under the chart and
    gives it to screen readers)."""
    out = themes.apply(fig, themes.name_of(theme))
    if not isinstance(fig, dict):
        meta = out["layout"].get("meta")
        out["layout"]["meta"] = {**(meta if isinstance(meta, dict) else {}), "alt": alttext.alt_text(fig, lang)}
    return out


def height_style(fig) -> dict:
    """The graph box gets the figure's own height (the graph config is responsive: the box wins)."""
    value = fig["layout"].get("height") if isinstance(fig, dict) else fig.layout.height
    return {"height": f"{int(value or 440)}px"}


def dom_id(component_id: str | dict) -> str:
    """The id attribute Dash gives a component in the page (a dict id becomes its sorted, compact JSON)."""
    return component_id if isinstance(component_id, str) else json.dumps(component_id, sort_keys=True,
                                                                         separators=(",", ":"))


def control(label: str, child, control_id: str, lang: str = "en", **attrs) -> html.Div:
    """One labelled control: the label names the group (``aria-labelledby``), and ``assets/a11y.js`` gives
    the label to what Dash 4 leaves unnamed inside it (option lists, a dropdown's focus target, a range
    slider's number boxes, whose names come from the ``data-from-label`` / ``data-to-label`` here)."""
    label_id = f"{control_id}-label"
    extra = {"data-from-label": _("{label}: from", lang, label=label),
             "data-to-label": _("{label}: to", lang, label=label)}
    attrs = {"className": "control", "role": "group", "aria-labelledby": label_id, **extra, **attrs}
    return html.Div([html.Div(label, id=label_id, className="control-label"), child], **attrs)


def chart_block(graph_id: str | dict, source_id: str, *, height: str = "440px", extra=None, chart: str | None = None,
                lang: str = "en") -> html.Figure:
    """A chart and, under it, its source line (filled by the page's callback from provenance), and for an
    embeddable ``chart`` (an id of ``views.charts``) its Download CSV link and Embed button."""
    tools = []
    table = []
    if chart:
        spec = charts.registry(context.snapshot())[chart]
        table = [html.A(_("Open the data as a table", lang), id={"type": "chart-table", "chart": chart},
                        href=urlstate.with_lang(spec.table_url(spec.defaults()), lang))]
        panel = f"embed-panel-{chart.replace('/', '-')}"
        tools = [html.Div([
            html.A(_("Download CSV", lang), id={"type": "chart-data", "chart": chart},
                   href=spec.data_url(spec.defaults()), className="tool", **{"data-chart": chart}),
            html.Button(_("Download PNG", lang), type="button", className="tool",
                        **{"data-png-for": dom_id(graph_id), "data-png-name": chart.replace("/", "-")}),
            html.Button(_("Embed", lang), id={"type": "embed-open", "chart": chart}, n_clicks=0, className="tool",
                        **{"aria-controls": panel, "aria-expanded": "false"}),
        ], className="chart-tools"),
            html.Div(html.Div(id={"type": "embed-panel", "chart": chart}, hidden=True), id=panel,
                     className="embed-panel")]
    return html.Figure([
        dcc.Loading(dcc.Graph(id=graph_id, config=graph_config(locale=lang), style={"height": height}), type="dot",
                    delay_show=300),
        html.Figcaption(id=source_id, className="source-line"),
        *tools,
        *(extra or []),
        # The chart in words (filled from the figure's meta.alt by chart-tools.js) and its rows as a table.
        html.Details([html.Summary(_("The chart in words", lang)), html.P(className="chart-alt"), *table],
                     className="chart-text"),
    ], className="chart-block")


def _page_query(queries: list) -> dict[str, str]:
    """The current page's query, as its url-query store holds it (empty before the first write)."""
    return dict(parse_qsl(next((q for q in queries if q), "").lstrip("?")))


def _page_lang(langs) -> str:
    """The language of the page on screen, from its page-lang store (an ALL pattern gives a list)."""
    return negotiate(next((v for v in langs or () if v), None) if isinstance(langs, list) else langs)


def _views(queries, ids):
    """(chart, its values) for each chart id, in the view the page's query describes."""
    registry = charts.registry(context.snapshot())
    query = _page_query(queries)
    for ident in ids:
        chart = registry[ident["chart"]]
        yield chart, urlstate.parse(query, chart.params, strict=False)[0]


def update_data_links(queries, ids):
    """Each chart's Download CSV link follows the view on screen."""
    return [chart.data_url(values) for chart, values in _views(queries, ids)]


def update_table_links(queries, ids, langs=()):
    """Each chart's "as a table" link opens the data explorer on the rows the chart draws."""
    lang = _page_lang(list(langs or ()))
    return [urlstate.with_lang(chart.table_url(values), lang) for chart, values in _views(queries, ids)]


def open_embed(n_clicks, queries, ident, lang="en"):
    """The snippet for the view on screen: iframe, resize script, and alt text from the data (a second click
    closes the panel)."""
    if not n_clicks or n_clicks % 2 == 0:
        return dash.no_update, True, "false"
    lang = _page_lang(lang)
    snap = context.snapshot()
    chart, values = next(_views(queries, [ident]))
    # The embed in the reader's language: an editor on the Russian page gets a Russian chart and alt text.
    query = urlstate.encode(values, chart.params)
    alt = alttext.alt_text(chart.figure(values, snap, lang), lang)
    base = flask.request.host_url.rstrip("/")
    code = embeds.snippet(base, chart, query, alt, lang)
    preview = f"/embed/{chart.id}{urlstate.with_lang(query, lang)}"
    return [
        html.Label(_("Paste into your article (the script once per page):", lang), htmlFor=f"embed-code-{chart.id}"),
        dcc.Textarea(id=f"embed-code-{chart.id}", value=code, readOnly=True, className="embed-code",
                     style={"width": "100%", "height": "7.5rem"}),
        html.P([html.Strong(_("Alt text: ", lang)), alt], className="embed-alt"),
        html.P([_("Preview: ", lang), html.A(preview, href=preview, target="_blank", rel="noopener")],
               className="note"),
    ], False, "true"


# history.replaceState changes the URL without telling Dash's router, so writing the query never
# re-renders the page; a copied link reopens the same view through the page's layout(**query).
URL_SYNC_JS = """function(search) {
    if (search === undefined || search === null) { return window.dash_clientside.no_update; }
    const url = window.location.pathname + search + window.location.hash;
    if (url !== window.location.pathname + window.location.search + window.location.hash) {
        window.history.replaceState(window.history.state, '', url);
    }
    return search;
}"""


def register(app: dash.Dash) -> None:
    """The callbacks every page shares, on this app."""
    app.callback(
        Output({"type": "chart-data", "chart": ALL}, "href"),
        Input({"type": "url-query", "page": ALL}, "data"),
        State({"type": "chart-data", "chart": ALL}, "id"),
    )(update_data_links)
    app.callback(
        Output({"type": "chart-table", "chart": ALL}, "href"),
        Input({"type": "url-query", "page": ALL}, "data"),
        State({"type": "chart-table", "chart": ALL}, "id"),
        State({"type": "page-lang", "page": ALL}, "data"),
    )(update_table_links)
    app.callback(
        Output({"type": "embed-panel", "chart": MATCH}, "children"),
        Output({"type": "embed-panel", "chart": MATCH}, "hidden"),
        Output({"type": "embed-open", "chart": MATCH}, "aria-expanded"),
        Input({"type": "embed-open", "chart": MATCH}, "n_clicks"),
        State({"type": "url-query", "page": ALL}, "data"),
        State({"type": "embed-open", "chart": MATCH}, "id"),
        State({"type": "page-lang", "page": ALL}, "data"),
        prevent_initial_call=True,
    )(lambda n, queries, ident, langs: open_embed(n, queries, ident, next(iter(langs or []), "en")))
    app.clientside_callback(URL_SYNC_JS, Output({"type": "url-sync", "page": MATCH}, "data"),
                            Input({"type": "url-query", "page": MATCH}, "data"))
    # The reader's colour scheme, once, when the app starts: every chart callback takes it as an input.
    app.clientside_callback(
        """function(_id) { return (window.matchMedia && window.matchMedia('(prefers-color-scheme: dark)').matches)
                             ? 'dark' : 'light'; }""",
        Output(THEME, "data"), Input(THEME, "id"))


def notices(messages: list[str]) -> html.Div:
    """Visible notes for query values that fell back to defaults (never an error page)."""
    return html.Div([html.P(m, className="notice", role="status") for m in messages], className="notices",
                    hidden=not messages)


def url_sync(page: str, lang: str = "en") -> list:
    """Stores whose query string a clientside callback writes into the address bar, and the page's language."""
    return [dcc.Store(id={"type": "url-query", "page": page}), dcc.Store(id={"type": "url-sync", "page": page}),
            dcc.Store(id={"type": "page-lang", "page": page}, data=lang)]


def page_header(title: str, lede: str) -> html.Header:
    return html.Header([html.H1(title), html.P(lede, className="lede")], className="page-header")


def definition_badge(text: str, definition: str, lang: str = "en") -> html.Span:
    """A small label naming what a series counts; the full definition in its tooltip."""
    return html.Span(text, title=definition, className="badge", **{"aria-label": _("Definition: {d}", lang,
                                                                                    d=definition)})
