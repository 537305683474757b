"""Destinations: where people born in Kazakhstan live (UN DESA stock) and where emigrants go (BNS flows)."""

from __future__ import annotations

import re
from typing import Any, Callable
from urllib.parse import urlencode

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboard import components, datasets, geo, provenance, urlstate
from dashboard.figures import destinations as figs
from dashboard.i18n import _

dash.register_page(__name__, path="/destinations", name="Destinations", title="Destinations", order=1)

PAGE = "destinations"
BAR_TOP = 15
RUSSIA = "RUS"
# The map's figure leaves its height to the page: a phone gets a shorter box than a desktop.
MAP_HEIGHT = "clamp(340px, 32vw + 230px, 500px)"


class PatternParam(urlstate.Param):
    """A parameter checked by its shape here; whether the value exists is checked against the data
    when the page is built (periods and destinations come from the snapshot, never from import time)."""

    def __init__(self, name: str, default: Any, *, pattern: str, cast: Callable[[str], Any] = str, help: str = ""):
        super().__init__(name, "pattern", default, (), help)
        object.__setattr__(self, "pattern", pattern)
        object.__setattr__(self, "cast", cast)

    def parse(self, raw: str) -> Any:
        raw = raw.strip()
        if not re.fullmatch(self.pattern, raw, flags=re.IGNORECASE):
            raise urlstate.BadParameter(self.name, raw, self.allowed())
        return self.cast(raw)

    def allowed(self) -> str:
        return self.help


PARAMS = (
    urlstate.Param("measure", "choice", "stock", ("stock", "flows"),
                   help="stock: people born in Kazakhstan living abroad (UN DESA); "
                        "flows: emigrants by destination (BNS)", label="Measure"),
    urlstate.Param("revision", "choice", 2020, (2020, 2024), help="UN DESA revision (never mixed)",
                   label="UN DESA revision"),
    PatternParam("year", 2020, pattern=r"\d{4}", cast=int,
                 help="a mid-year of the chosen UN DESA revision (1990, 1995, ... 2020; 2024 in revision 2024)"),
    PatternParam("period", None, pattern=r"\d{4}(-H[12]|-Q[1-4](-Q[1-4])?)?", cast=str.upper,
                 help="a period BNS published, like 2024, 2022-H1, 2022-Q1 or 2023-Q1-Q3"),
    PatternParam("country", None, pattern=r"[A-Za-z]{3}", cast=str.upper,
                 help="the ISO3 code of a destination on the map, like DEU"),
    urlstate.Param("top", "choice", 10, (5, 10, 15, 20), help="flow lines to the top N destinations",
                   label="Flow lines"),
    urlstate.Param("no_russia", "flag", False, help="1 leaves Russia out of the ranked bars",
                   label="Leave out Russia"),
)
DEFAULTS = {p.name: p.default for p in PARAMS}
BY_NAME = {p.name: p for p in PARAMS}


# --- state against the data ----------------------------------------------------------------------------------

def _stock() -> pd.DataFrame:
    return datasets.get("migrant-stock")


def _flows() -> pd.DataFrame:
    return datasets.get("kz-destinations")


def revision_years(stock: pd.DataFrame, revision: int) -> list[int]:
    return sorted(int(y) for y in stock.loc[stock["revision"] == revision, "year"].unique())


def published_periods(flows: pd.DataFrame) -> list[str]:
    """Every published period, most recent first."""
    return sorted(flows["period"].unique(), key=figs.period_sort_key, reverse=True)


def default_period(flows: pd.DataFrame) -> str:
    """The latest whole year with a country breakdown (else the latest period with one)."""
    countries = flows[~flows["destination"].isin(figs.GROUPS)]
    with_countries = published_periods(countries)
    whole = [p for p in with_countries if not figs.is_partial(p)]
    return (whole or with_countries or published_periods(flows))[0]


def destinations_present(stock: pd.DataFrame, flows: pd.DataFrame) -> set[str]:
    return set(stock["destination"]) | set(flows.loc[~flows["destination"].isin(figs.GROUPS), "destination"])


def resolve(state: dict, stock: pd.DataFrame, flows: pd.DataFrame, lang: str = "en") -> tuple[dict, list[str]]:
    """State checked against the data: a year the revision lacks, a period never published or an
    unknown destination falls back (to the revision's latest year, the default period, no country)
    with a notice saying so."""
    state = {**DEFAULTS, **{k: v for k, v in state.items() if k in DEFAULTS}}
    notes: list[str] = []
    years = revision_years(stock, state["revision"])
    if years and state["year"] not in years:
        notes.append(_("UN DESA revision {revision} has no figures for {year}; showing its latest year, {latest}.",
                       lang, revision=state["revision"], year=state["year"], latest=years[-1]))
        state["year"] = years[-1]
    periods = published_periods(flows)
    if state["period"] is None:
        state["period"] = default_period(flows)
    elif state["period"] not in periods:
        fallback = default_period(flows)
        notes.append(_("BNS published no destinations for the period {period}; showing {fallback}.", lang,
                       period=state["period"], fallback=figs.period_label(fallback, lang)))
        state["period"] = fallback
    if state["country"] is not None and state["country"] not in destinations_present(stock, flows):
        notes.append(_("'{code}' is not a destination in these data; no country is selected.", lang,
                       code=state["country"]))
        state["country"] = None
    return state, notes


def _stock_source(lang: str, revision) -> str:
    return provenance.source_line(datasets.provenance("migrant-stock"), lang, revision=str(revision))


def _flows_source(lang: str) -> str:
    return provenance.source_line(datasets.provenance("kz-destinations"), lang)


def _centroids() -> pd.DataFrame:
    return geo.countries()[["lon", "lat"]]


# --- figures for the page and for /embed ---------------------------------------------------------------------

def figure_for_map(state: dict, lang: str = "en") -> go.Figure:
    """The world map for a state (as urlstate.parse returns it): stock of one revision and year, or
    BNS flows of one period, with flow lines to the top N destinations."""
    stock, flows = _stock(), _flows()
    state, _notes = resolve(state, stock, flows, lang)
    if state["measure"] == "flows":
        return figs.flows_map(flows, period=state["period"], centroids=_centroids(), top_n=state["top"],
                              source=_flows_source(lang), lang=lang)
    return figs.stock_map(stock, year=state["year"], revision=state["revision"], centroids=_centroids(),
                          top_n=state["top"], source=_stock_source(lang, state["revision"]), lang=lang)


def _small(text: str) -> str:
    return f"<br><span style='font-size:13px;color:#444'>{text}</span>"


def figure_for_bar(state: dict, lang: str = "en") -> go.Figure:
    """The top-15 destinations as ranked bars, optionally without Russia (``no_russia``)."""
    stock, flows = _stock(), _flows()
    state, _notes = resolve(state, stock, flows, lang)
    exclude = (RUSSIA,) if state["no_russia"] else ()
    if state["measure"] == "flows":
        rows = figs.flow_rows(flows, period=state["period"])
        title = _("Destinations listed by BNS", lang)
        title += _small(figs.period_label(state["period"], lang))
        return figs.top_bar(rows, exclude=exclude, top=BAR_TOP, source=_flows_source(lang), lang=lang, title=title)
    rows = figs.stock_rows(stock, revision=state["revision"], year=state["year"])
    title = _("Top {n} destinations", lang, n=BAR_TOP)
    title += _small(_("UN DESA revision {revision}, mid-{year}", lang, revision=state["revision"],
                      year=state["year"]))
    return figs.top_bar(rows, exclude=exclude, top=BAR_TOP, source=_stock_source(lang, state["revision"]),
                        lang=lang, title=title)


def _series_source(stock: pd.DataFrame, flows: pd.DataFrame, iso3: str, lang: str) -> str:
    revisions = sorted(int(r) for r in stock.loc[stock["destination"] == iso3, "revision"].unique())
    provs = list(datasets.provenance("migrant-stock"))
    if not figs.flow_rows_for(flows, iso3).empty:
        provs += datasets.provenance("kz-destinations")
    return provenance.source_line(provs, lang, revision=_(" and ", lang).join(str(r) for r in revisions) or None)


def figure_for_series(state: dict, lang: str = "en") -> go.Figure:
    """One destination over time (``country``): stock per revision, BNS flows per period; a prompt if none."""
    stock, flows = _stock(), _flows()
    state, _notes = resolve(state, stock, flows, lang)
    if state["country"] is None:
        return figs.prompt_figure(_("Click a country on the map to see its series", lang))
    iso3 = state["country"]
    return figs.country_series(stock, flows, iso3, source=_series_source(stock, flows, iso3, lang), lang=lang)


# --- layout --------------------------------------------------------------------------------------------------

def _year_options(stock: pd.DataFrame, revision: int) -> list[dict]:
    return [{"label": str(y), "value": y} for y in revision_years(stock, revision)]


def _period_options(flows: pd.DataFrame, lang: str) -> list[dict]:
    with_countries = set(flows.loc[~flows["destination"].isin(figs.GROUPS), "period"])
    options = []
    for period in published_periods(flows):
        label = figs.period_label(period, lang)
        if period not in with_countries:
            label += " — " + _("CIS / non-CIS totals only", lang)
        options.append({"label": label, "value": period})
    return options


ROW_LABEL = {"display": "inline-flex", "alignItems": "center", "gap": ".35rem", "marginRight": "1rem"}


def _control(label: str, child, *, control_id: str | None = None, wide: bool = False,
             min_width: str | None = None) -> html.Div:
    style = {"flexBasis": "100%"} if wide else {"minWidth": min_width} if min_width else None
    return html.Div([html.Label(label, htmlFor=control_id) if control_id else
                     html.Span(label, className="control-label"), child], className="control", style=style)


def _shown(visible: bool) -> dict:
    """Style of a group of controls: the stylesheet's display:flex would override the hidden attribute."""
    return {"margin": 0, "flex": "2 1 20rem", "display": "flex" if visible else "none"}


def _map_note(state: dict, flows: pd.DataFrame, lang: str) -> str:
    parts = [_("Grey: no figure published for that country (absent, not zero). Lines run from Kazakhstan to the "
               "top {n} destinations; the wider the line, the more people.", lang, n=state["top"])]
    if state["measure"] == "flows":
        parts.append(_("Shares are of the destinations BNS listed for the period, not of all emigrants.", lang))
        note = figs.group_note(flows, period=state["period"], lang=lang)
        if note:
            parts.append(note)
    else:
        parts.append(_("Migrant stock counts everyone born in Kazakhstan living in a country, including those "
                       "who left in Soviet times; it is not a yearly flow.", lang))
    return " ".join(parts)


def layout(lang: str = "en", **query) -> html.Div:
    values, notices = urlstate.parse(query, PARAMS, strict=False, ignore=("lang",), lang=lang)
    stock, flows = _stock(), _flows()
    state, more = resolve(values, stock, flows, lang)
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
                             for r in BY_NAME["revision"].choices])),
                _control(_("Year (mid-year)", lang), dcc.Dropdown(
                    id=f"{PAGE}-year", options=_year_options(stock, state["revision"]), value=state["year"],
                    clearable=False, searchable=False), control_id=f"{PAGE}-year"),
            ], id=f"{PAGE}-stock-controls", className="controls", style=_shown(state["measure"] == "stock")),
            html.Div([
                _control(_("Period as published", lang), dcc.Dropdown(
                    id=f"{PAGE}-period", options=_period_options(flows, lang), value=state["period"],
                    clearable=False, searchable=False), control_id=f"{PAGE}-period"),
            ], id=f"{PAGE}-flows-controls", className="controls", style=_shown(state["measure"] == "flows")),
            _control(_("Flow lines", lang), dcc.Dropdown(
                id=f"{PAGE}-top", value=state["top"], clearable=False, searchable=False,
                options=[{"label": _("top {n} destinations", lang, n=n), "value": n} for n in BY_NAME["top"].choices]),
                control_id=f"{PAGE}-top"),
            _control(_("Ranked bars", lang), dcc.Checklist(
                id=f"{PAGE}-no-russia", value=[RUSSIA] if state["no_russia"] else [], inline=True,
                options=[{"label": _("exclude Russia", lang), "value": RUSSIA}])),
        ], className="controls"),
        html.Div([
            html.Div([
                components.chart_block(f"{PAGE}-map", f"{PAGE}-map-source", height=MAP_HEIGHT, chart="destinations-map"),
                html.P(id=f"{PAGE}-map-note", className="note"),
            ], style={"minWidth": 0}),
            components.chart_block(f"{PAGE}-bar", f"{PAGE}-bar-source", height="560px", chart="top-destinations"),
        ], className="grid-2"),
        html.Section([
            html.H2(_("One destination over time", lang), style={"fontSize": "1.2rem"}),
            html.P(_("Click a country on the map to see its series", lang) + ".", id=f"{PAGE}-series-prompt",
                   className="note", hidden=state["country"] is not None),
            html.Div([
                components.chart_block(f"{PAGE}-series", f"{PAGE}-series-source", height="520px",
                                       chart="destination-series"),
                html.Button(_("Clear the selected country", lang), id=f"{PAGE}-clear", n_clicks=0),
            ], id=f"{PAGE}-series-block", hidden=state["country"] is None),
        ]),
        dcc.Store(id=f"{PAGE}-country", data=state["country"]),
        dcc.Store(id=f"{PAGE}-lang", data=lang),
        *components.url_sync(PAGE),
    ])


# --- callbacks (thin: controls -> state -> figure functions) -------------------------------------------------

def _state(measure, revision, year, period, top, no_russia, country=None) -> dict:
    return {"measure": measure or DEFAULTS["measure"], "revision": revision or DEFAULTS["revision"],
            "year": year or DEFAULTS["year"], "period": period or None, "top": top or DEFAULTS["top"],
            "no_russia": RUSSIA in (no_russia or []), "country": country or None}


def _height(fig: go.Figure) -> dict:
    """The graph box fits the figure's own height (the graph config is responsive: the box wins)."""
    return {"height": f"{int(fig.layout.height or 440)}px"}


@dash.callback(
    Output(f"{PAGE}-map", "figure"), Output(f"{PAGE}-map-source", "children"),
    Output(f"{PAGE}-bar", "figure"), Output(f"{PAGE}-bar-source", "children"), Output(f"{PAGE}-bar", "style"),
    Output(f"{PAGE}-year", "options"), Output(f"{PAGE}-year", "value"),
    Output(f"{PAGE}-live-notices", "children"), Output(f"{PAGE}-stock-controls", "style"),
    Output(f"{PAGE}-flows-controls", "style"), Output(f"{PAGE}-map-note", "children"),
    Input(f"{PAGE}-measure", "value"), Input(f"{PAGE}-revision", "value"), Input(f"{PAGE}-year", "value"),
    Input(f"{PAGE}-period", "value"), Input(f"{PAGE}-top", "value"), Input(f"{PAGE}-no-russia", "value"),
    State(f"{PAGE}-lang", "data"),
)
def update_charts(measure, revision, year, period, top, no_russia, lang="en"):
    lang = lang or "en"
    stock, flows = _stock(), _flows()
    state, notes = resolve(_state(measure, revision, year, period, top, no_russia), stock, flows, lang)
    map_fig, bar_fig = figure_for_map(state, lang), figure_for_bar(state, lang)
    return (map_fig, map_fig.layout.meta["source"], bar_fig, bar_fig.layout.meta["source"], _height(bar_fig),
            _year_options(stock, state["revision"]), state["year"],
            [html.P(n, className="notice", role="status") for n in notes],
            _shown(state["measure"] == "stock"), _shown(state["measure"] == "flows"), _map_note(state, flows, lang))


@dash.callback(
    Output({"type": "url-query", "page": PAGE}, "data"),
    Input(f"{PAGE}-measure", "value"), Input(f"{PAGE}-revision", "value"), Input(f"{PAGE}-year", "value"),
    Input(f"{PAGE}-period", "value"), Input(f"{PAGE}-top", "value"), Input(f"{PAGE}-no-russia", "value"),
    Input(f"{PAGE}-country", "data"), State(f"{PAGE}-lang", "data"),
)
def update_query(measure, revision, year, period, top, no_russia, country, lang="en"):
    stock, flows = _stock(), _flows()
    state, _notes = resolve(_state(measure, revision, year, period, top, no_russia, country), stock, flows)
    if state["period"] == default_period(flows) or state["measure"] != "flows":
        state["period"] = None  # the default period, or a period the stock view does not use
    query = urlstate.encode(state, PARAMS)
    if lang and lang != "en":
        query += ("&" if query else "?") + urlencode({"lang": lang})
    return query


def _clicked(click_data) -> str | None:
    """ISO3 from a click on the map (a country or a flow line) or on a bar."""
    try:
        point = click_data["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    code = point.get("location") or point.get("customdata")
    return code if isinstance(code, str) else None


@dash.callback(Output(f"{PAGE}-country", "data", allow_duplicate=True), Input(f"{PAGE}-map", "clickData"),
               prevent_initial_call=True)
def select_from_map(click_data):
    code = _clicked(click_data)
    return code if code else dash.no_update


@dash.callback(Output(f"{PAGE}-country", "data", allow_duplicate=True), Input(f"{PAGE}-bar", "clickData"),
               prevent_initial_call=True)
def select_from_bar(click_data):
    code = _clicked(click_data)
    return code if code else dash.no_update


@dash.callback(Output(f"{PAGE}-country", "data", allow_duplicate=True), Input(f"{PAGE}-clear", "n_clicks"),
               prevent_initial_call=True)
def clear_country(_n_clicks):
    return None


@dash.callback(
    Output(f"{PAGE}-series", "figure"), Output(f"{PAGE}-series-source", "children"),
    Output(f"{PAGE}-series", "style"), Output(f"{PAGE}-series-block", "hidden"),
    Output(f"{PAGE}-series-prompt", "hidden"),
    Input(f"{PAGE}-country", "data"), State(f"{PAGE}-lang", "data"),
)
def update_series(country, lang="en"):
    lang = lang or "en"
    fig = figure_for_series({"country": country or None}, lang)
    selected = bool(country) and fig.layout.meta and fig.layout.meta.get("country") == country
    source = fig.layout.meta["source"] if selected else ""
    return fig, source, _height(fig), not selected, bool(selected)
