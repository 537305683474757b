"""Every embeddable chart: its page, URL parameters, figure, and the dataset rows behind it.

The figure functions are the views' own, so ``/embed/<chart>`` shows exactly the view a reader has on the
page with the same query string, and a chart's CSV link gives the rows it draws.  The claim charts come
from the snapshot's claims ledger, so the registry is built per snapshot (and cached on it).
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import plotly.graph_objects as go

from dashboard import claims, explorer_filters, urlstate
from dashboard.i18n import N_, _
from dashboard.snapshots import Snapshot
from dashboard.views import destinations, eaeu, trends

State = Mapping[str, Any]


@dataclass(frozen=True)
class Chart:
    id: str
    title: str  # English message id, through _() when shown
    page: str  # page path holding the chart
    params: tuple[urlstate.Param, ...]
    figure: Callable[[State, Snapshot, str], go.Figure]
    data: Callable[[State], tuple[str, dict]]  # state -> (dataset, explorer filter values)
    required: tuple[str, ...] = ()  # parameters an embed must be given (no useful default view)
    caption: Callable[[Snapshot, str], str] | None = None  # a sentence shown above the chart (claims: verdict)
    page_query: str = ""  # a fixed page state (a claim's chart opens its page in the claimed state)
    # The parameters an embed offers as controls (those that change this chart), or a function of the state.
    controls: tuple[str, ...] | Callable[[State], tuple[str, ...]] = ()
    options: Callable[[State, Snapshot, str], Mapping[str, list[dict]]] | None = None  # data-dependent choices

    def data_url(self, state: State) -> str:
        dataset, values = self.data(state)
        return f"/data/{dataset}.csv" + urlstate.encode(values, (*explorer_filters.PARAMS_FOR(dataset),))

    def table_url(self, state: State) -> str:
        """The same rows in the data explorer (/data), as a sortable table: the chart's data one click away."""
        dataset, values = self.data(state)
        query = urlstate.encode(values, (*explorer_filters.PARAMS_FOR(dataset),))
        return f"/data?dataset={dataset}" + ("&" + query[1:] if query else "")

    def page_url(self, state: State) -> str:
        """The full chart on its page, in the same state."""
        return self.page + (self.page_query or urlstate.encode(state, self.params))

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def title_in(self, lang: str = "en") -> str:
        return _(self.title, lang)

    def controls_in(self, state: State) -> tuple[str, ...]:
        return self.controls(state) if callable(self.controls) else self.controls


CLAIM_PREFIX = "claim/"  # a claim's chart id: claim/<claim id> (its embed: /embed/claim/<claim id>)
STATIC = (
    Chart("destinations-map", N_("Where people born in Kazakhstan live"), destinations.PATH, destinations.PARAMS,
          destinations.figure_map, destinations.data_for,
          controls=destinations.controls_for(("measure", "revision", "top")), options=destinations.options),
    Chart("top-destinations", N_("Top destinations"), destinations.PATH, destinations.PARAMS,
          destinations.figure_bar, destinations.data_for,
          controls=destinations.controls_for(("measure", "revision", "no_russia"))),
    Chart("destination-series", N_("One destination over time"), destinations.PATH, destinations.PARAMS,
          destinations.figure_series, destinations.data_for_series, required=("country",)),
    Chart("trends", N_("Emigrants, immigrants and net migration of Kazakhstan"), trends.PATH, trends.PARAMS,
          trends.figure_main, trends.data_for, controls=("per1000", "scale")),
    Chart("trends-compare", N_("Net migration: registered moves vs model estimate"), trends.PATH, trends.PARAMS,
          trends.figure_compare, trends.data_for_compare),
    Chart("eaeu-net", N_("Net migration of the EAEU members"), eaeu.PATH, eaeu.PARAMS, eaeu.figure_net,
          eaeu.data_for, controls=("measure",)),
    Chart("eaeu-stock-share", N_("Emigrant stock as a share of population"), eaeu.PATH, eaeu.PARAMS,
          eaeu.figure_stock_share, eaeu.data_for, controls=("revision",)),
    Chart("eaeu-rank", N_("Kazakhstan's rank among EAEU members"), eaeu.PATH, eaeu.PARAMS, eaeu.figure_rank,
          eaeu.data_for_rank),
    Chart("eaeu-eec", N_("Departures and arrivals reported to the Eurasian Economic Commission"), eaeu.PATH,
          eaeu.PARAMS, eaeu.figure_eec, eaeu.data_for_eec),
)


def registry(snap: Snapshot) -> Mapping[str, Chart]:
    """Every chart id -> Chart: the static charts and one per claim of the snapshot's ledger with a chart."""
    return snap.cached("misc", "chart-registry", lambda: {c.id: c for c in (*STATIC, *_claim_charts(snap))})


def _claim_charts(snap: Snapshot) -> tuple[Chart, ...]:
    """Each claim of the story page with a chart: /embed/claim/<id>, a fact-check to drop into an article."""
    out = []
    for claim in claims.ledger(snap):
        if not claims.has_chart(claim):
            continue
        dataset = claim.query.dataset or "kz-migration"
        out.append(Chart(f"{CLAIM_PREFIX}{claim.id}", claim.paraphrase, claim.chart.path, (),
                         functools.partial(_claim_figure, claim.id), lambda s, d=dataset: (d, {}),
                         caption=functools.partial(_claim_caption, claim.id), page_query=claim.chart.query))
    return tuple(out)


def _claim_caption(claim_id: str, snap: Snapshot, lang: str = "en") -> str:
    verdict = claims.evaluate_all(snap, lang)[claim_id]
    return _("Verdict: {verdict}. {summary}", lang, verdict=_(verdict.verdict, lang), summary=verdict.summary)


def _claim_figure(claim_id: str, state: State, snap: Snapshot, lang: str = "en") -> go.Figure:
    claim = next(c for c in claims.ledger(snap) if c.id == claim_id)
    return claims.figure(claim, snap, lang)


def for_page(snap: Snapshot, path: str) -> Chart | None:
    """A page path's first chart (oEmbed of a page URL)."""
    return next((c for c in registry(snap).values() if c.page == (path.rstrip("/") or "/")), None)
