"""Destinations page: layout and thin callbacks over :mod:`dashboard.views.destinations`."""

from __future__ import annotations

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboard import components, context, urlstate
from dashboard.i18n import N_, _, negotiate
from dashboard.views import destinations as view

PAGE = "destinations"
NAME = N_("Destinations")
# The map's figure leaves its height to the page: a phone gets a shorter box than a desktop.
MAP_HEIGHT = "clamp(340px, 32vw + 230px, 500px)"
ROW_LABEL = {"display": "inline-flex", "alignItems": "center", "gap": ".35rem", "marginRight": "1rem"}
LANG = State({"type": "page-lang", "page": PAGE}, "data")


def _control(label: str, child, *, control_id: str | None = None, wide: bool = False,
             min_width: str | None = None) -> html.Div:
    style = {"flexBasis": "100%"} if wide else {"minWidth": min_width} if min_width else None
    return html.Div([html.Label(label, htmlFor=control_id) if control_id else
                     html.Span(label, className="control-label"), child], className="control", style=style)


def _shown(visible: bool) -> dict:
    """Style of a group of controls: the stylesheet's display:flex would override the hidden attribute."""
    return {"margin": 0, "flex": "2 1 20rem", "display": "flex" if visible else "none"}


def layout(lang: str = "en", **query) -> html.Div:
    lang = negotiate(lang)
    snap = context.snapshot()
    values, notices = urlstate.parse(query, view.PARAMS, strict=False, ignore=("lang",), lang=lang)
    state, more = view.resolve(values, snap, lang)
    notices += more
    measure_options = [{"label": _("People living abroad (UN DESA stock)", lang), "value": "stock"},
                       {"label": _("Emigrants by period (BNS flows)", lang), "value": "flows"}]
    return html.Div([
        components.page_header(_("From Mongolia to the US: where people from Kazakhstan go", lang),
                               _("Where people born in Kazakhstan live (UN DESA migrant stock) and where registered "
                                 "emigrants went (BNS), country by country. Click a country to see its series.",
                                 lang)),
        components.notices(notices),
        html.Div(id=f"{PAGE}-live-notices", className="notices"),
        html.Div([
            _control(_("Measure", lang), dcc.RadioItems(id=f"{PAGE}-measure", options=measure_options,
                                                        value=state["measure"], inline=True, labelStyle=ROW_LABEL),
                     wide=True),
            html.Div([
                _control(_("UN DESA revision", lang), min_width="16rem", child=dcc.RadioItems(
                    id=f"{PAGE}-revision", value=state["revision"], inline=True, labelStyle=ROW_LABEL,
                    options=[{"label": _("revision {revision}", lang, revision=r), "value": r}
                             for r in view.BY_NAME["revision"].choices])),
                _control(_("Year (mid-year)", lang), dcc.Dropdown(
                    id=f"{PAGE}-year", options=view.year_options(snap, state["revision"]), value=state["year"],
                    clearable=False, searchable=False), control_id=f"{PAGE}-year"),
            ], id=f"{PAGE}-stock-controls", className="controls", style=_shown(state["measure"] == "stock")),
            html.Div([
                _control(_("Period as published", lang), dcc.Dropdown(
                    id=f"{PAGE}-period", options=view.period_options(snap, lang), value=state["period"],
                    clearable=False, searchable=False), control_id=f"{PAGE}-period"),
            ], id=f"{PAGE}-flows-controls", className="controls", style=_shown(state["measure"] == "flows")),
            _control(_("Flow lines", lang), dcc.Dropdown(
                id=f"{PAGE}-top", value=state["top"], clearable=False, searchable=False,
                options=[{"label": _("top {n} destinations", lang, n=n), "value": n}
                         for n in view.BY_NAME["top"].choices]),
                control_id=f"{PAGE}-top"),
            _control(_("Ranked bars", lang), dcc.Checklist(
                id=f"{PAGE}-no-russia", value=[view.RUSSIA] if state["no_russia"] else [], inline=True,
                options=[{"label": _("exclude Russia", lang), "value": view.RUSSIA}])),
        ], className="controls"),
        html.Div([
            html.Div([
                components.chart_block(f"{PAGE}-map", f"{PAGE}-map-source", height=MAP_HEIGHT,
                                       chart="destinations-map", lang=lang),
                html.P(id=f"{PAGE}-map-note", className="note"),
            ], style={"minWidth": 0}),
            components.chart_block(f"{PAGE}-bar", f"{PAGE}-bar-source", height="560px", chart="top-destinations",
                                   lang=lang),
        ], className="grid-2"),
        html.Section([
            html.H2(_("One destination over time", lang), style={"fontSize": "1.2rem"}),
            html.P(_("Click a country on the map to see its series", lang) + ".", id=f"{PAGE}-series-prompt",
                   className="note", hidden=state["country"] is not None),
            html.Div([
                components.chart_block(f"{PAGE}-series", f"{PAGE}-series-source", height="520px",
                                       chart="destination-series", lang=lang),
                html.Button(_("Clear the selected country", lang), id=f"{PAGE}-clear", n_clicks=0),
            ], id=f"{PAGE}-series-block", hidden=state["country"] is None),
        ]),
        dcc.Store(id=f"{PAGE}-country", data=state["country"]),
        *components.url_sync(PAGE, lang),
    ])


# --- callbacks (thin: controls -> state -> view functions) ---------------------------------------------------

def controls_state(measure, revision, year, period, top, no_russia, country=None) -> dict:
    d = view.DEFAULTS
    return {"measure": measure or d["measure"], "revision": revision or d["revision"], "year": year or d["year"],
            "period": period or None, "top": top or d["top"], "no_russia": view.RUSSIA in (no_russia or []),
            "country": country or None}


def _height(fig: go.Figure) -> dict:
    """The graph box fits the figure's own height (the graph config is responsive: the box wins)."""
    return {"height": f"{int(fig.layout.height or 440)}px"}


def update_charts(measure, revision, year, period, top, no_russia, lang="en"):
    lang, snap = negotiate(lang), context.snapshot()
    state, notes = view.resolve(controls_state(measure, revision, year, period, top, no_russia), snap, lang)
    map_fig, bar_fig = view.figure_map(state, snap, lang), view.figure_bar(state, snap, lang)
    return (map_fig, map_fig.layout.meta["source"], bar_fig, bar_fig.layout.meta["source"], _height(bar_fig),
            view.year_options(snap, state["revision"]), state["year"],
            [html.P(n, className="notice", role="status") for n in notes],
            _shown(state["measure"] == "stock"), _shown(state["measure"] == "flows"), view.map_note(state, snap, lang))


def update_query(measure, revision, year, period, top, no_russia, country, lang="en"):
    lang, snap = negotiate(lang), context.snapshot()
    state, _notes = view.resolve(controls_state(measure, revision, year, period, top, no_russia, country), snap)
    return urlstate.with_lang(urlstate.encode(view.url_state(state, snap), view.PARAMS), lang)


def clicked(click_data) -> str | None:
    """ISO3 from a click on the map (a country or a flow line) or on a bar."""
    try:
        point = click_data["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    code = point.get("location") or point.get("customdata")
    return code if isinstance(code, str) else None


def select(click_data):
    code = clicked(click_data)
    return code if code else dash.no_update


def update_series(country, lang="en"):
    lang, snap = negotiate(lang), context.snapshot()
    fig = view.figure_series({"country": country or None}, snap, lang)
    selected = bool(country) and fig.layout.meta and fig.layout.meta.get("country") == country
    source = fig.layout.meta["source"] if selected else ""
    return fig, source, _height(fig), not selected, bool(selected)


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=view.PATH, name=NAME, title=NAME, order=1, layout=layout)
    controls = [Input(f"{PAGE}-{c}", "value") for c in ("measure", "revision", "year", "period", "top", "no-russia")]
    app.callback(
        Output(f"{PAGE}-map", "figure"), Output(f"{PAGE}-map-source", "children"),
        Output(f"{PAGE}-bar", "figure"), Output(f"{PAGE}-bar-source", "children"), Output(f"{PAGE}-bar", "style"),
        Output(f"{PAGE}-year", "options"), Output(f"{PAGE}-year", "value"),
        Output(f"{PAGE}-live-notices", "children"), Output(f"{PAGE}-stock-controls", "style"),
        Output(f"{PAGE}-flows-controls", "style"), Output(f"{PAGE}-map-note", "children"),
        *controls, LANG,
    )(update_charts)
    app.callback(Output({"type": "url-query", "page": PAGE}, "data"), *controls,
                 Input(f"{PAGE}-country", "data"), LANG)(update_query)
    for source in ("map", "bar"):
        app.callback(Output(f"{PAGE}-country", "data", allow_duplicate=True), Input(f"{PAGE}-{source}", "clickData"),
                     prevent_initial_call=True)(select)
    app.callback(Output(f"{PAGE}-country", "data", allow_duplicate=True), Input(f"{PAGE}-clear", "n_clicks"),
                 prevent_initial_call=True)(lambda _n: None)
    app.callback(
        Output(f"{PAGE}-series", "figure"), Output(f"{PAGE}-series-source", "children"),
        Output(f"{PAGE}-series", "style"), Output(f"{PAGE}-series-block", "hidden"),
        Output(f"{PAGE}-series-prompt", "hidden"),
        Input(f"{PAGE}-country", "data"), LANG,
    )(update_series)
