"""EAEU comparison page: layout and thin callbacks over :mod:`dashboard.views.eaeu`."""

from __future__ import annotations

import dash
from dash import Input, Output, State, dcc, html

from dashboard import components, context, datasets, replies, urlstate
from dashboard.countries import EAEU, country_name
from dashboard.figures import eaeu as fig_eaeu
from dashboard.i18n import N_, _, negotiate
from dashboard.views import eaeu as view

PAGE = "eaeu"
NAME = N_("EAEU comparison")


def rank_table(rows: list[dict[str, str]], lang: str) -> html.Table:
    head = html.Thead(html.Tr([html.Th(_("Year", lang)), html.Th(_("Rank", lang)),
                               html.Th(_("Net migration per 1,000", lang))]))
    body = html.Tbody([html.Tr([html.Td(r["year"]), html.Td(r["rank"]), html.Td(r["value"])]) for r in rows])
    return html.Table([head, body], className="data-table")


def _caveats(prov, lang: str, containing: str = "") -> list[html.P]:
    return [html.P(_(c, lang), className="note") for c in prov.caveats if containing in c]


def layout(lang: str | None = None, **query) -> html.Div:
    lang = context.language(lang)
    snap = context.snapshot()
    values, notices = view.resolve(query, snap, lang)
    wdi = datasets.table_provenance("eaeu", "wdi", snap)
    undesa = datasets.table_provenance("eaeu", "undesa_origin_totals", snap)
    eec_prov = datasets.provenance("eec", snap)[0]
    definitions = view.definitions(snap)
    first, last = view.YEARS
    controls = html.Div([
        components.control(_("Countries", lang), dcc.Checklist(
            id="eaeu-countries", options=[{"label": country_name(c, lang), "value": c} for c in EAEU],
            value=list(values["countries"]), inline=True, className="checklist"), "eaeu-countries", lang, style={"flex": "2 1 24rem"}),
        components.control(_("Years", lang), dcc.RangeSlider(
            id="eaeu-years", min=first, max=last, step=1, value=list(values["years"]),
            marks={y: str(y) for y in (1990, 2000, 2010, 2024)}, allowCross=False,
            tooltip={"placement": "bottom", "always_visible": False}, updatemode="mouseup"), "eaeu-years", lang),
        components.control(_("Net migration", lang), dcc.RadioItems(
            id="eaeu-measure", options=[{"label": _("people", lang), "value": "absolute"},
                                        {"label": _("per 1,000 residents", lang), "value": "per1000"}],
            value=values["measure"], inline=True), "eaeu-measure", lang),
        components.control(_("UN DESA revision", lang), dcc.RadioItems(
            id="eaeu-revision", options=[{"label": str(r), "value": r} for r in fig_eaeu.REVISIONS],
            value=values["revision"], inline=True), "eaeu-revision", lang),
    ], className="controls", role="group", **{"aria-label": _("Chart settings", lang)})

    def block(chart: str, graph: str, height: int, extra=None):
        return components.chart_block(f"eaeu-{graph}-graph", f"eaeu-{graph}-source", chart=chart, lang=lang,
                                      height=f"{height}px", extra=extra)

    net = html.Section([
        html.H2(_("Net migration", lang)),
        html.Div([components.definition_badge(_("UN WPP model estimate", lang), _(wdi.definition, lang), lang),
                  components.definition_badge(_("per 1,000: World Bank population", lang),
                                              _(str(definitions.get("net_migration_per_1000", "")), lang), lang)]),
        block("eaeu-net", "net", fig_eaeu.NET_HEIGHT),
        *_caveats(wdi, lang, containing="SM.POP.NETM"),
    ])
    rank = html.Section([
        html.H2(_("Kazakhstan's rank", lang)),
        html.Div([components.definition_badge(
            _("rank computed here", lang),
            _("Rank among the members with a World Bank value that year by net migration per 1,000; 1 = largest "
              "net outflow (most negative); ties share the better rank.", lang), lang)]),
        block("eaeu-rank", "rank", fig_eaeu.RANK_HEIGHT, extra=[
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
        block("eaeu-stock-share", "stock", fig_eaeu.STOCK_HEIGHT),
        html.P(_("One revision at a time: the 2020 and 2024 revisions are never drawn in one line.", lang),
               className="note"),
        *_caveats(undesa, lang),
    ])
    eec = html.Section([
        html.H2(_("Departures and arrivals (EEC)", lang)),
        html.Div([components.definition_badge(_("as each member reports to the EEC", lang),
                                              _(eec_prov.definition, lang), lang)]),
        block("eaeu-eec", "eec", fig_eaeu.EEC_HEIGHT),
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
        *components.url_sync(PAGE, lang),
    ])


def update(countries, years, measure, revision, lang, theme=None):
    state = view.normalise({"countries": countries or (), "years": years, "measure": measure, "revision": revision})
    return render(state, negotiate(lang), theme)


@replies.memoised("eaeu")
def render(state: dict, lang: str, theme=None) -> tuple:
    """The charts' reply for a normalised state (kept by it, never by the raw control values)."""
    snap = context.snapshot()
    sources = view.sources(state, snap, lang)
    figures = [view.figure_net(state, snap, lang), view.figure_rank(state, snap, lang),
               view.figure_stock_share(state, snap, lang), view.figure_eec(state, snap, lang)]
    net, rank, stock, eec = (components.themed(f, theme, lang) for f in figures)
    # Each box takes its figure's height: an empty chart ("pick a country") is short, never 800 px of blank.
    styles = [components.height_style(f) for f in figures]
    return (net, sources["net"], rank, sources["rank"], rank_table(view.rank_rows(state, snap, lang), lang),
            stock, sources["stock"], eec, sources["eec"], *styles,
            urlstate.with_lang(urlstate.encode(view.url_state(state), view.PARAMS), lang))


def register(app: dash.Dash) -> None:
    dash.register_page(__name__, path=view.PATH, name=NAME, title=NAME, order=3, layout=layout)
    app.callback(
        Output("eaeu-net-graph", "figure"), Output("eaeu-net-source", "children"),
        Output("eaeu-rank-graph", "figure"), Output("eaeu-rank-source", "children"),
        Output("eaeu-rank-table", "children"),
        Output("eaeu-stock-graph", "figure"), Output("eaeu-stock-source", "children"),
        Output("eaeu-eec-graph", "figure"), Output("eaeu-eec-source", "children"),
        *(Output(f"eaeu-{g}-graph", "style") for g in ("net", "rank", "stock", "eec")),
        Output({"type": "url-query", "page": PAGE}, "data"),
        Input("eaeu-countries", "value"), Input("eaeu-years", "value"), Input("eaeu-measure", "value"),
        Input("eaeu-revision", "value"), State({"type": "page-lang", "page": PAGE}, "data"),
        Input(components.THEME, "data"),
    )(update)
