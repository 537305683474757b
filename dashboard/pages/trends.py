"""Trends: registered emigrants, immigrants and net migration by year, with dated events, and the BNS
registered net beside the World Bank / UN model estimate (two definitions, two lines)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Mapping
from urllib.parse import urlencode

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboard import claims, components, datasets, provenance, urlstate
from dashboard.events import EVENTS
from dashboard.figures import trends as fig_trends
from dashboard.i18n import LANGUAGES, _

dash.register_page(__name__, path="/trends", name="Trends", title="Trends: emigration from Kazakhstan", order=2)

PAGE = "trends"
MEASURES = fig_trends.MEASURES
YEAR_LIMITS = (1990, 2030)  # what a URL may ask for; the view is then clamped to the years with data


@dataclass(frozen=True)
class MeasuresParam(urlstate.Param):
    """Lower-case names joined with ``~`` (``emigrants~net``), kept in the canonical order.

    (``urlstate``'s "codes" kind upper-cases ISO3 codes, which these names are not.)  An empty value
    is a valid choice of no measure: the chart then asks for one.
    """

    def parse(self, raw: str) -> tuple[str, ...]:
        names = [n.strip().lower() for n in raw.strip().split(urlstate.SEP) if n.strip()]
        bad = [n for n in names if n not in self.choices]
        if bad:
            raise urlstate.BadParameter(self.name, raw, self.allowed())
        return tuple(m for m in self.choices if m in names)

    def allowed(self) -> str:
        return f"names joined with '{urlstate.SEP}' from {urlstate.SEP.join(self.choices)}"


PARAMS = (
    MeasuresParam("measures", "codes", MEASURES, MEASURES, help="measures to draw"),
    urlstate.Param("per1000", "flag", False, help="1: per 1,000 residents", label="Per 1,000 residents"),
    urlstate.Param("scale", "choice", "linear", ("linear", "log"), help="y axis scale", label="Scale"),
    urlstate.Param("years", "years", None, YEAR_LIMITS, help="year range, e.g. 2010..2020 (default: all years)"),
)
_DEFAULTS = {p.name: p.default for p in PARAMS}


def _lang(lang: Any) -> str:
    return lang if lang in LANGUAGES else "en"


def _clamp(years, span: tuple[int, int]) -> tuple[int, int] | None:
    """The asked range, kept as asked where it overlaps the years with data (years without a figure
    are shown as the gap they are, e.g. the 1990s); None if it holds none of them."""
    if years is None:
        return span
    first, last = int(years[0]), int(years[1])
    return (first, last) if first <= span[1] and last >= span[0] else None


def _state(state: Mapping[str, Any]) -> dict[str, Any]:
    return {**_DEFAULTS, **{k: v for k, v in state.items() if k in _DEFAULTS}}


def figure_for(state: Mapping[str, Any], lang: str = "en") -> go.Figure:
    """The main chart for a parsed URL state (``urlstate.parse(query, PARAMS, ...)[0]``)."""
    lang, state = _lang(lang), _state(state)
    frame = datasets.get("kz-migration")
    span = fig_trends.year_span(frame)
    fig = fig_trends.migration_lines(
        frame, measures=tuple(state["measures"]), per_1000=bool(state["per1000"]), log=state["scale"] == "log",
        years=_clamp(state["years"], span) or span, events=EVENTS,
        source=provenance.source_line(datasets.provenance("kz-migration"), lang), lang=lang)
    # The article's ranges on emigrant counts, from the claims ledger (people, not per 1,000).
    if "emigrants" in state["measures"] and not state["per1000"]:
        for claim in claims.ledger():
            rule = claim.query.rule
            if rule.name == "range" and claim.query.dataset == "kz-migration" and claim.query.measure == "emigrants":
                fig_trends.claim_band(fig, low=rule.params["low"], high=rule.params["high"],
                                      label=_("Article's claim: {low}–{high} a year", lang,
                                              low=f"{rule.params['low']:,}", high=f"{rule.params['high']:,}"))
    return fig


def _table_provenance(dataset: str, table: str) -> provenance.Provenance:
    """The provenance of one of a dataset's tables (``datasets.provenance`` lists them in table order)."""
    return dict(zip(datasets.DATASETS[dataset].tables, datasets.provenance(dataset)))[table]


def _compare_sources() -> list[provenance.Provenance]:
    # kz-migration's tables (BNS net) and the table the World Bank net migration comes from (eaeu's "wdi");
    # eaeu's UN DESA table is not drawn in this chart, so it is not named.
    provs = list(datasets.provenance("kz-migration"))
    wdi = _table_provenance("eaeu", "wdi")
    return provs + ([wdi] if wdi not in provs else [])


def figure_for_compare(state: Mapping[str, Any], lang: str = "en") -> go.Figure:
    """The BNS vs World Bank / UN model net-migration chart for a parsed URL state (uses ``years``)."""
    lang, state = _lang(lang), _state(state)
    frame = datasets.get("kz-migration")
    span = fig_trends.year_span(frame)
    eaeu = datasets.get("eaeu")
    model = eaeu[(eaeu["iso3"] == "KAZ") & (eaeu["measure"] == "net_migration")]
    return fig_trends.net_compare(
        frame[frame["measure"] == "net"], model, years=_clamp(state["years"], span) or span,
        source=provenance.source_line(_compare_sources(), lang), lang=lang)


def _paragraphs(texts, class_name: str) -> list:
    return [html.P(t, className=class_name, role="status") for t in texts]


def _events_list(lang: str) -> html.Details:
    items = [html.Li([html.Strong(fig_trends.event_date(e, lang) + " — " + _(e.label, lang)), ": ",
                      _(e.note, lang), " ", html.Span(_("Source: {source}", lang, source=e.source),
                                                        className="source-line")])
             for e in sorted(EVENTS, key=lambda e: e.x)]
    return html.Details([html.Summary(_("Events marked on the chart", lang)), html.Ul(items)], id="trends-events",
                        className="note")


def layout(lang: str = "en", **query) -> html.Div:
    lang = _lang(lang)
    values, notices = urlstate.parse(query, PARAMS, strict=False, ignore=("lang",), lang=lang)
    span = fig_trends.year_span(datasets.get("kz-migration"))
    years = _clamp(values["years"], span)
    if years is None:
        notices.append(_("'years={value}' has no data (data cover {first}..{last}); showing all years instead.",
                         lang, value=query.get("years", ""), first=span[0], last=span[1]))
        years = span
    # The slider reaches back to an asked-for first year without data (a link to the 1990s shows the gap).
    low, high = min(span[0], years[0]), max(span[1], years[1])
    marks = {y: str(y) for y in range(low, high + 1) if y % 5 == 0 or y in (low, high)}
    return html.Div([
        components.page_header(_("Trends", lang), _(
            "How many people Kazakhstan registers as leaving and arriving each year, with dated events. "
            "Hollow markers are preliminary or rounded figures; a gap means no published figure.", lang)),
        components.notices(notices),
        html.Div([
            html.Div([html.Label(_("Measures", lang), htmlFor="trends-measures"),
                      dcc.Checklist(id="trends-measures", inline=True, value=list(values["measures"]),
                                    options=[{"label": fig_trends.measure_label(m, lang), "value": m}
                                             for m in MEASURES])], className="control"),
            html.Div([html.Label(_("Units", lang), htmlFor="trends-per1000"),
                      dcc.Checklist(id="trends-per1000", inline=True, value=["1"] if values["per1000"] else [],
                                    options=[{"label": _("per 1,000 residents", lang), "value": "1"}])],
                     className="control"),
            html.Div([html.Label(_("Scale", lang), htmlFor="trends-scale"),
                      dcc.RadioItems(id="trends-scale", inline=True, value=values["scale"],
                                     options=[{"label": _("Linear", lang), "value": "linear"},
                                              {"label": _("Log", lang), "value": "log"}])], className="control"),
            html.Div([html.Label(_("Years", lang), htmlFor="trends-years"),
                      dcc.RangeSlider(id="trends-years", min=low, max=high, step=1, value=list(years),
                                      marks=marks, allowCross=False, updatemode="mouseup")],
                     className="control"),
        ], className="controls"),
        components.chart_block("trends-graph", "trends-source", chart="trends", height="480px",
                               extra=[html.Div(id="trends-notes"), _events_list(lang)]),
        html.H2(_("Two definitions of net migration", lang)),
        html.Div([components.definition_badge(fig_trends.bns_label(lang), _(
                      _table_provenance("kz-migration", "bns_net_migration").definition, lang), lang),
                  components.definition_badge(fig_trends.model_label(lang), _(
                      _table_provenance("eaeu", "wdi").definition, lang), lang)]),
        components.chart_block("trends-compare-graph", "trends-compare-source", chart="trends-compare", height="460px",
                               extra=[html.P(id="trends-compare-note", className="note")]),
        dcc.Store(id="trends-lang", data=lang),
        *components.url_sync(PAGE),
    ])


def state_from_controls(measures, per1000, scale, years, span: tuple[int, int]) -> dict[str, Any]:
    """Control values -> URL state; the whole span is the default (None), so it stays out of the URL."""
    chosen = tuple(m for m in MEASURES if m in (measures or ()))
    rng = tuple(int(y) for y in years) if years and len(years) == 2 else span
    return {"measures": chosen, "per1000": bool(per1000), "scale": scale if scale in ("linear", "log") else "linear",
            "years": None if rng == span else rng}


def query_for(state: Mapping[str, Any], lang: str = "en") -> str:
    query = urlstate.encode(state, PARAMS)
    if lang != "en":
        query += ("&" if query else "?") + urlencode({"lang": lang})
    return query


@dash.callback(
    Output("trends-graph", "figure"), Output("trends-source", "children"), Output("trends-notes", "children"),
    Output("trends-compare-graph", "figure"), Output("trends-compare-source", "children"),
    Output("trends-compare-note", "children"), Output({"type": "url-query", "page": PAGE}, "data"),
    Input("trends-measures", "value"), Input("trends-per1000", "value"), Input("trends-scale", "value"),
    Input("trends-years", "value"), State("trends-lang", "data"))
def update(measures, per1000, scale, years, lang):
    lang = _lang(lang)
    span = fig_trends.year_span(datasets.get("kz-migration"))
    state = state_from_controls(measures, per1000, scale, years, span)
    main, compare = figure_for(state, lang), figure_for_compare(state, lang)
    return (main, main.layout.meta["source"], _paragraphs(main.layout.meta["notices"], "notice"),
            compare, compare.layout.meta["source"], compare.layout.meta["note"], query_for(state, lang))
