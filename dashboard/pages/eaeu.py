"""EAEU comparison: the five members side by side (World Bank, UN DESA, Eurasian Economic Commission)."""

from __future__ import annotations

from typing import Any, Mapping

import dash
import plotly.graph_objects as go
from dash import Input, Output, State, dcc, html

from dashboard import components, datasets, provenance, urlstate
from dashboard.countries import EAEU, country_name
from dashboard.figures import eaeu as fig_eaeu
from dashboard.i18n import _

dash.register_page(__name__, path="/eaeu", name="EAEU comparison", title="EAEU comparison", order=3)

PAGE = "eaeu"
YEARS = (1990, 2024)
PARAMS = (
    urlstate.Param("countries", "codes", EAEU, EAEU, "EAEU members to show"),
    urlstate.Param("years", "years", YEARS, YEARS, "first..last year"),
    urlstate.Param("measure", "choice", "absolute", fig_eaeu.MEASURES, "net migration: people or per 1,000",
                   label="Net migration"),
    urlstate.Param("revision", "choice", 2020, fig_eaeu.REVISIONS, "UN DESA migrant stock revision",
                   label="UN DESA revision"),
)
DEFAULTS = {p.name: p.default for p in PARAMS}


def normalise(state: Mapping[str, Any] | None) -> dict[str, Any]:
    """A complete, valid state: defaults for what is missing or not allowed; countries in a fixed order."""
    out = dict(DEFAULTS)
    for param in PARAMS:
        raw = (state or {}).get(param.name)
        if raw is None:
            continue
        if param.name == "countries" and not isinstance(raw, str) and len(raw) == 0:
            out["countries"] = ()  # nothing ticked: the charts say "pick at least one country"
            continue
        try:
            out[param.name] = param.parse(raw if isinstance(raw, str) else param.encode(tuple(raw) if isinstance(
                raw, list) else raw))
        except (urlstate.BadParameter, TypeError, ValueError):
            continue
    out["countries"] = tuple(c for c in EAEU if c in out["countries"])
    return out


def _provs(name: str) -> dict[str, provenance.Provenance]:
    """Provenance of a dataset keyed by snapshot table, so each chart cites only what it draws."""
    return dict(zip(datasets.DATASETS[name].tables, datasets.provenance(name)))


def _sources(state: Mapping[str, Any], lang: str) -> dict[str, str]:
    provs, eec = _provs("eaeu"), datasets.provenance("eec")
    wdi = provenance.source_line([provs["wdi"]], lang)
    return {"net": wdi, "rank": wdi, "eec": provenance.source_line(eec, lang),
            "stock": provenance.source_line([provs["undesa_origin_totals"], provs["wdi"]], lang,
                                            revision=str(state["revision"]))}


def figure_for_net(state: Mapping[str, Any] | None = None, lang: str = "en") -> go.Figure:
    state = normalise(state)
    return fig_eaeu.net_figure(datasets.get("eaeu"), countries=state["countries"], years=state["years"],
                               measure=state["measure"], source=_sources(state, lang)["net"], lang=lang)


def figure_for_stock_share(state: Mapping[str, Any] | None = None, lang: str = "en") -> go.Figure:
    state = normalise(state)
    return fig_eaeu.stock_share_figure(datasets.get("eaeu"), countries=state["countries"], years=state["years"],
                                       revision=state["revision"], source=_sources(state, lang)["stock"], lang=lang)


def figure_for_rank(state: Mapping[str, Any] | None = None, lang: str = "en") -> go.Figure:
    """Kazakhstan's rank among all five members (independent of the country selection), in the year range."""
    state = normalise(state)
    return fig_eaeu.rank_figure(fig_eaeu.kaz_rank(datasets.get("eaeu")), years=state["years"],
                                source=_sources(state, lang)["rank"], lang=lang)


def figure_for_eec(state: Mapping[str, Any] | None = None, lang: str = "en") -> go.Figure:
    state = normalise(state)
    return fig_eaeu.eec_figure(datasets.get("eec"), countries=state["countries"], years=state["years"],
                               source=_sources(state, lang)["eec"], lang=lang)


figure_for = figure_for_net  # the page's headline chart, for a generic /embed/<page>


def rank_table(state: Mapping[str, Any] | None = None, lang: str = "en") -> html.Table:
    """The rank chart as a table (latest year first): year, rank of n, net migration per 1,000."""
    state = normalise(state)
    ranks = fig_eaeu.kaz_rank(datasets.get("eaeu"))
    ranks = ranks[ranks["year"].between(*state["years"])].sort_values("year", ascending=False)
    head = html.Thead(html.Tr([html.Th(_("Year", lang)), html.Th(_("Rank", lang)),
                               html.Th(_("Net migration per 1,000", lang))]))
    body = html.Tbody([html.Tr([html.Td(str(r.year)), html.Td(_("{rank} of {of}", lang, rank=r.rank, of=r.of)),
                                html.Td(f"{r.value:.2f}")]) for r in ranks.itertuples(index=False)])
    return html.Table([head, body], className="data-table")


def _caveats(prov: provenance.Provenance, lang: str, containing: str = "") -> list[html.P]:
    return [html.P(_(c, lang), className="note") for c in prov.caveats if containing in c]


def _control(label: str, control, control_id: str, **style) -> html.Div:
    label_id = f"{control_id}-label"
    return html.Div([html.Div(label, id=label_id, className="control-label"), control], className="control",
                    role="group", style=style or None, **{"aria-labelledby": label_id})


def layout(lang: str = "en", **query) -> html.Div:
    values, notices = urlstate.parse(query, PARAMS, strict=False, ignore=("lang",), lang=lang)
    values = normalise(values)
    provs, eec_prov = _provs("eaeu"), datasets.provenance("eec")[0]
    wdi, undesa = provs["wdi"], provs["undesa_origin_totals"]
    definitions = datasets.get("eaeu").drop_duplicates("measure").set_index("measure")["definition"]
    first, last = YEARS
    controls = html.Div([
        _control(_("Countries", lang), dcc.Checklist(
            id="eaeu-countries", options=[{"label": country_name(c, lang), "value": c} for c in EAEU],
            value=list(values["countries"]), inline=True, className="checklist"), "eaeu-countries", flex="2 1 24rem"),
        _control(_("Years", lang), dcc.RangeSlider(
            id="eaeu-years", min=first, max=last, step=1, value=list(values["years"]),
            marks={y: str(y) for y in (1990, 2000, 2010, 2024)}, allowCross=False,
            tooltip={"placement": "bottom", "always_visible": False}, updatemode="mouseup"), "eaeu-years"),
        _control(_("Net migration", lang), dcc.RadioItems(
            id="eaeu-measure", options=[{"label": _("people", lang), "value": "absolute"},
                                        {"label": _("per 1,000 residents", lang), "value": "per1000"}],
            value=values["measure"], inline=True), "eaeu-measure"),
        _control(_("UN DESA revision", lang), dcc.RadioItems(
            id="eaeu-revision", options=[{"label": str(r), "value": r} for r in fig_eaeu.REVISIONS],
            value=values["revision"], inline=True), "eaeu-revision"),
    ], className="controls", role="group", **{"aria-label": _("Chart settings", lang)})

    net = html.Section([
        html.H2(_("Net migration", lang)),
        html.Div([components.definition_badge(_("UN WPP model estimate", lang), _(wdi.definition, lang), lang),
                  components.definition_badge(_("per 1,000: World Bank population", lang),
                                              _(str(definitions.get("net_migration_per_1000", "")), lang), lang)]),
        components.chart_block("eaeu-net-graph", "eaeu-net-source", chart="eaeu-net",
                               height=f"{fig_eaeu.NET_HEIGHT}px"),
        *_caveats(wdi, lang, containing="SM.POP.NETM"),
    ])
    rank = html.Section([
        html.H2(_("Kazakhstan's rank", lang)),
        html.Div([components.definition_badge(
            _("rank computed here", lang),
            _("Rank among the members with a World Bank value that year by net migration per 1,000; 1 = largest "
              "net outflow (most negative); ties share the better rank.", lang), lang)]),
        components.chart_block("eaeu-rank-graph", "eaeu-rank-source", chart="eaeu-rank",
                               height=f"{fig_eaeu.RANK_HEIGHT}px", extra=[
            html.Details([html.Summary(_("Show the ranks as a table", lang)),
                          html.Div(id="eaeu-rank-table", className="table-scroll")])]),
        html.P(_("Ranked among all five members, whatever the country selection.", lang), className="note"),
    ])
    stock = html.Section([
        html.H2(_("Emigrant stock", lang)),
        html.Div([components.definition_badge(_("UN DESA emigrant stock", lang), _(undesa.definition, lang), lang),
                  components.definition_badge(
                      _("% of World Bank population", lang),
                      _(str(definitions.get(fig_eaeu.stock_share_measure(2020), "")), lang), lang)]),
        components.chart_block("eaeu-stock-graph", "eaeu-stock-source", chart="eaeu-stock-share",
                               height=f"{fig_eaeu.STOCK_HEIGHT}px"),
        html.P(_("One revision at a time: the 2020 and 2024 revisions are never drawn in one line.", lang),
               className="note"),
        *_caveats(undesa, lang),
    ])
    eec = html.Section([
        html.H2(_("Departures and arrivals (EEC)", lang)),
        html.Div([components.definition_badge(_("as each member reports to the EEC", lang),
                                              _(eec_prov.definition, lang), lang)]),
        components.chart_block("eaeu-eec-graph", "eaeu-eec-source", chart="eaeu-eec",
                               height=f"{fig_eaeu.EEC_HEIGHT}px"),
        html.P(_(eec_prov.definition, lang), className="note"),
        *_caveats(eec_prov, lang),
        html.P(_("Periods are shown as published: quarters, half-years and nine months are partial and are never "
                 "summed or compared with whole years.", lang), className="note"),
    ])
    return html.Div([
        components.page_header(_("EAEU comparison", lang), _(
            "Kazakhstan beside the other Eurasian Economic Union members: Armenia, Belarus, Kyrgyzstan and Russia. "
            "Each chart says what its numbers count; different definitions are never mixed.", lang)),
        components.notices(notices),
        controls,
        html.Div([net, rank], className="grid-2"),
        stock,
        eec,
        dcc.Store(id="eaeu-lang", data=lang),
        *components.url_sync(PAGE),
    ])


@dash.callback(
    Output("eaeu-net-graph", "figure"), Output("eaeu-net-source", "children"),
    Output("eaeu-rank-graph", "figure"), Output("eaeu-rank-source", "children"),
    Output("eaeu-rank-table", "children"),
    Output("eaeu-stock-graph", "figure"), Output("eaeu-stock-source", "children"),
    Output("eaeu-eec-graph", "figure"), Output("eaeu-eec-source", "children"),
    Output({"type": "url-query", "page": PAGE}, "data"),
    Input("eaeu-countries", "value"), Input("eaeu-years", "value"), Input("eaeu-measure", "value"),
    Input("eaeu-revision", "value"), State("eaeu-lang", "data"),
)
def update(countries, years, measure, revision, lang):
    lang = lang or "en"
    state = normalise({"countries": countries or (), "years": years, "measure": measure, "revision": revision})
    sources = _sources(state, lang)
    url_state = {**state, "countries": state["countries"] or DEFAULTS["countries"]}
    return (figure_for_net(state, lang), sources["net"],
            figure_for_rank(state, lang), sources["rank"], rank_table(state, lang),
            figure_for_stock_share(state, lang), sources["stock"],
            figure_for_eec(state, lang), sources["eec"],
            urlstate.encode(url_state, PARAMS))
