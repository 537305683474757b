"""Destinations page: layout and thin callbacks over :mod:`dashboard.views.destinations`."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from dashboard import components, context, replies, urlstate
from dashboard.i18n import N_, _, negotiate
from dashboard.views import destinations as view

PAGE = "destinations"
NAME = N_("Destinations")
# The map's figure leaves its height to the page: a phone gets a shorter box than a desktop.
MAP_HEIGHT = "clamp(360px, 44vw + 60px, 640px)"
ROW_LABEL = {"display": "inline-flex", "alignItems": "center", "gap": ".35rem", "marginRight": "1rem"}
LANG = State({"type": "page-lang", "page": PAGE}, "data")


def _control(label: str, child, control_id: str, lang: str, *, wide: bool = False,
             min_width: str | None = None) -> html.Div:
    style = {"flexBasis": "100%"} if wide else {"minWidth": min_width} if min_width else None
    return components.control(label, child, control_id, lang, style=style)


def _shown(visible: bool) -> dict:
    """Style of a group of controls: the stylesheet's display:flex would override the hidden attribute."""
    return {"margin": 0, "flex": "2 1 20rem", "display": "flex" if visible else "none"}


def layout(lang: str | None = None, **query) -> html.Div:
    lang = context.language(lang)
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
                     f"{PAGE}-measure", lang, wide=True),
            html.Div([
                _control(_("UN DESA revision", lang), dcc.RadioItems(
                    id=f"{PAGE}-revision", value=state["revision"], inline=True, labelStyle=ROW_LABEL,
                    options=[{"label": _("revision {revision}", lang, revision=r), "value": r}
                             for r in view.BY_NAME["revision"].choices]), f"{PAGE}-revision", lang,
                    min_width="16rem"),
                _control(_("Year (mid-year)", lang), dcc.Dropdown(
                    id=f"{PAGE}-year", options=view.year_options(snap, state["revision"]), value=state["year"],
                    clearable=False, searchable=False), f"{PAGE}-year", lang),
            ], id=f"{PAGE}-stock-controls", className="controls", style=_shown(state["measure"] == "stock")),
            html.Div([
                _control(_("Period as published", lang), dcc.Dropdown(
                    id=f"{PAGE}-period", options=view.period_options(snap, lang), value=state["period"],
                    clearable=False, searchable=False), f"{PAGE}-period", lang),
            ], id=f"{PAGE}-flows-controls", className="controls", style=_shown(state["measure"] == "flows")),
            _control(_("Flow lines", lang), dcc.Dropdown(
                id=f"{PAGE}-top", value=state["top"], clearable=False, searchable=False,
                options=view.top_options(state, snap, lang)), f"{PAGE}-top", lang),
            _control(_("Ranked bars", lang), dcc.Checklist(
                id=f"{PAGE}-no-russia", value=[view.RUSSIA] if state["no_russia"] else [], inline=True,
                options=[{"label": _("exclude Russia", lang), "value": view.RUSSIA}]), f"{PAGE}-no-russia", lang),
        ], className="controls"),
        html.Div([
            html.Div([
                components.chart_block(f"{PAGE}-map", f"{PAGE}-map-source", height=MAP_HEIGHT,
                                       chart="destinations-map", lang=lang),
                html.P(id=f"{PAGE}-map-note", className="note"),
            ], style={"minWidth": 0}),
            components.control(_("Choose a destination", lang), dcc.Dropdown(
                id=f"{PAGE}-picker", options=view.destination_options(state, snap, lang), value=state["country"],
                clearable=True, searchable=True, placeholder=_("Largest first; type to search", lang)),
                f"{PAGE}-picker", lang, className="control picker"),
            components.chart_block(f"{PAGE}-bar", f"{PAGE}-bar-source", height="560px", chart="top-destinations",
                                   lang=lang),
        ], className="map-row"),
        html.Section([
            html.H2(_("One destination over time", lang), id=f"{PAGE}-series-title", style={"fontSize": "1.2rem"},
                    tabIndex="-1"),
            html.P(_("Click a country on the map or the bars, or choose it in the list above, to see its series.",
                     lang), id=f"{PAGE}-series-prompt", className="note", hidden=state["country"] is not None),
            html.Div([
                components.chart_block(f"{PAGE}-series", f"{PAGE}-series-source", height="520px",
                                       chart="destination-series", lang=lang),
                html.Button(_("Clear the selected country", lang), id=f"{PAGE}-clear", n_clicks=0, className="button",
                            type="button"),
            ], id=f"{PAGE}-series-block", hidden=state["country"] is None),
        ], id=f"{PAGE}-series-section"),
        dcc.Store(id=f"{PAGE}-scroll"),
        *components.url_sync(PAGE, lang),
    ])


# --- callbacks (thin: controls -> state -> view functions) ---------------------------------------------------

def controls_state(measure, revision, year, period, top, no_russia, country=None) -> dict:
    d = view.DEFAULTS
    return {"measure": measure or d["measure"], "revision": revision or d["revision"], "year": year or d["year"],
            "period": period or None, "top": top or d["top"], "no_russia": view.RUSSIA in (no_russia or []),
            "country": country or None}


def update_charts(measure, revision, year, period, top, no_russia, country=None, lang="en", theme=None):
    lang, snap = negotiate(lang), context.snapshot()
    state, notes = view.resolve(controls_state(measure, revision, year, period, top, no_russia, country), snap, lang)
    # The notices quote what was asked (a year, a code), so they are the one output left out of the kept reply.
    return (*render_charts(state, lang, theme), [html.P(n, className="notice", role="status") for n in notes])


@replies.memoised("destinations-charts")
def render_charts(state: dict, lang: str, theme=None) -> tuple:
    """The map, the bars and their controls for a resolved state (kept by it, never by the raw values)."""
    snap = context.snapshot()
    map_fig, bar_fig = view.figure_map(state, snap, lang), view.figure_bar(state, snap, lang)
    tops = view.top_options(state, snap, lang)
    top_values = [o["value"] for o in tops]
    return (components.themed(map_fig, theme, lang), map_fig.layout.meta["source"], components.themed(bar_fig, theme, lang),
            bar_fig.layout.meta["source"], components.height_style(bar_fig),
            view.year_options(snap, state["revision"]), state["year"],
            _shown(state["measure"] == "stock"), _shown(state["measure"] == "flows"), view.map_note(state, snap, lang),
            tops, state["top"] if state["top"] in top_values else top_values[-1],
            view.destination_options(state, snap, lang))


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


def update_series(country, lang="en", theme=None):
    lang, snap = negotiate(lang), context.snapshot()
    fig = view.figure_series({"country": country or None}, snap, lang)
    selected = bool(country) and fig.layout.meta and fig.layout.meta.get("country") == country
    source = fig.layout.meta["source"] if selected else ""
    return components.themed(fig, theme, lang), source, components.height_style(fig), not selected, bool(selected)


# Bring the chosen destination's series into view (it sits under the map and the bars).
SCROLL_JS = """function(country) {
    if (!country) { return window.dash_clientside.no_update; }
    var tries = 0;
    (function bring() {  // once the series block is shown (its callback answers after this one)
        var block = document.getElementById('destinations-series-block');
        if (block && block.hidden && tries++ < 40) { return setTimeout(bring, 50); }
        if (window.kzCharts) { window.kzCharts.fitAll(); }
        var target = document.getElementById('destinations-series-section');
        if (target) { target.scrollIntoView({behavior: 'smooth', block: 'start'}); }
        var title = document.getElementById('destinations-series-title');
        if (title) { title.focus({preventScroll: true}); }
    })();
    return country;
}"""


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=view.PATH, name=NAME, title=NAME, order=1, layout=layout)
    controls = [Input(f"{PAGE}-{c}", "value") for c in ("measure", "revision", "year", "period", "top", "no-russia")]
    picker = Input(f"{PAGE}-picker", "value")
    app.callback(
        Output(f"{PAGE}-map", "figure"), Output(f"{PAGE}-map-source", "children"),
        Output(f"{PAGE}-bar", "figure"), Output(f"{PAGE}-bar-source", "children"), Output(f"{PAGE}-bar", "style"),
        Output(f"{PAGE}-year", "options"), Output(f"{PAGE}-year", "value"),
        Output(f"{PAGE}-stock-controls", "style"),
        Output(f"{PAGE}-flows-controls", "style"), Output(f"{PAGE}-map-note", "children"),
        Output(f"{PAGE}-top", "options"), Output(f"{PAGE}-top", "value"), Output(f"{PAGE}-picker", "options"),
        Output(f"{PAGE}-live-notices", "children"),  # last: update_charts adds it to the kept reply
        *controls, picker, LANG, Input(components.THEME, "data"),
    )(update_charts)
    app.callback(Output({"type": "url-query", "page": PAGE}, "data"), *controls, picker, LANG)(update_query)
    for source in ("map", "bar"):
        app.callback(Output(f"{PAGE}-picker", "value", allow_duplicate=True), Input(f"{PAGE}-{source}", "clickData"),
                     prevent_initial_call=True)(select)
    app.callback(Output(f"{PAGE}-picker", "value", allow_duplicate=True), Input(f"{PAGE}-clear", "n_clicks"),
                 prevent_initial_call=True)(lambda _n: None)
    app.callback(
        Output(f"{PAGE}-series", "figure"), Output(f"{PAGE}-series-source", "children"),
        Output(f"{PAGE}-series", "style"), Output(f"{PAGE}-series-block", "hidden"),
        Output(f"{PAGE}-series-prompt", "hidden"),
        picker, LANG, Input(components.THEME, "data"),
    )(replies.memoised("destinations-series")(update_series))
    app.clientside_callback(SCROLL_JS, Output(f"{PAGE}-scroll", "data"), Input(f"{PAGE}-picker", "value"),
                            prevent_initial_call=True)
