"""Every embeddable chart: its page, URL parameters, figure, and the dataset rows behind it.

The figure functions are the pages' own, so /embed/<chart> shows exactly the view a reader has
on the page with the same query string.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import plotly.graph_objects as go

from dashboard import urlstate
from dashboard.i18n import _


@dataclass(frozen=True)
class Chart:
    id: str
    title: str  # English message id, through _() when shown
    page: str  # page path holding the chart
    params: tuple[urlstate.Param, ...]
    figure: Callable[[Mapping[str, Any], str], go.Figure]
    data: Callable[[Mapping[str, Any]], tuple[str, dict]]  # state -> (dataset, explorer filter values)
    required: tuple[str, ...] = ()  # parameters an embed must be given (no useful default view)
    caption: Callable[[str], str] | None = None  # lang -> a sentence shown above the chart (claims: the verdict)

    def data_url(self, state: Mapping[str, Any]) -> str:
        from dashboard import downloads

        dataset, values = self.data(state)
        return f"/data/{dataset}.csv" + urlstate.encode(values, downloads.params(dataset))


def _years(state, key="years"):
    return state.get(key)


@functools.lru_cache(maxsize=1)
def registry() -> Mapping[str, Chart]:
    """Built on first use (after the app has imported its pages), never at import."""
    from dashboard.pages import destinations, eaeu, trends

    def stock_or_flows(state):
        if state.get("measure") == "flows":
            period = state.get("period")
            year = int(str(period)[:4]) if period else None
            return "kz-destinations", {"years": (year, year) if year else None}
        year = state.get("year")
        return "migrant-stock", {"revision": state.get("revision", 2020),
                                 "years": (int(year), int(year)) if year else None}

    def series(state):
        country = state.get("country")
        return "migrant-stock", {"countries": (country,) if country else None}

    charts = (
        Chart("destinations-map", "Where people born in Kazakhstan live", "/destinations", destinations.PARAMS,
              destinations.figure_for_map, stock_or_flows),
        Chart("top-destinations", "Top destinations", "/destinations", destinations.PARAMS,
              destinations.figure_for_bar, stock_or_flows),
        Chart("destination-series", "One destination over time", "/destinations", destinations.PARAMS,
              destinations.figure_for_series, series, required=("country",)),
        Chart("trends", "Emigrants, immigrants and net migration of Kazakhstan", "/trends", trends.PARAMS,
              trends.figure_for, lambda s: ("kz-migration", {"years": _years(s)})),
        Chart("trends-compare", "Net migration: registered moves vs model estimate", "/trends", trends.PARAMS,
              trends.figure_for_compare, lambda s: ("eaeu", {"countries": ("KAZ",), "years": _years(s)})),
        Chart("eaeu-net", "Net migration of the EAEU members", "/eaeu", eaeu.PARAMS, eaeu.figure_for_net,
              lambda s: ("eaeu", {"countries": s.get("countries"), "years": _years(s)})),
        Chart("eaeu-stock-share", "Emigrant stock as a share of population", "/eaeu", eaeu.PARAMS,
              eaeu.figure_for_stock_share, lambda s: ("eaeu", {"countries": s.get("countries"), "years": _years(s)})),
        Chart("eaeu-rank", "Kazakhstan's rank among EAEU members", "/eaeu", eaeu.PARAMS, eaeu.figure_for_rank,
              lambda s: ("eaeu", {"years": _years(s)})),
        Chart("eaeu-eec", "Departures and arrivals reported to the Eurasian Economic Commission", "/eaeu",
              eaeu.PARAMS, eaeu.figure_for_eec, lambda s: ("eec", {"countries": s.get("countries"), "years": _years(s)})),
    )
    return {c.id: c for c in (*charts, *_claim_charts())}


def _claim_charts() -> tuple[Chart, ...]:
    """Each claim of the story page with a chart: /embed/claim/<id>, a fact-check to drop into an article."""
    from dashboard import claims, story_charts

    out = []
    for claim in claims.ledger():
        if not story_charts.has_chart(claim):
            continue
        dataset = claim.query.dataset or "kz-migration"
        out.append(Chart(f"claim/{claim.id}", claim.paraphrase, claim.chart.href, (),
                         functools.partial(_claim_figure, claim.id), lambda s, d=dataset: (d, {}),
                         caption=functools.partial(_claim_caption, claim.id)))
    return tuple(out)


def _claim_caption(claim_id: str, lang: str = "en") -> str:
    from dashboard import claims

    verdict = claims.evaluate_all(lang=lang)[claim_id]
    return _("Verdict: {verdict}. {summary}", lang, verdict=_(verdict.verdict, lang), summary=verdict.summary)


def _claim_figure(claim_id: str, state, lang: str = "en") -> go.Figure:
    from dashboard import story_charts

    return story_charts.figure_for_claim(claim_id, lang)


def title(chart: Chart, lang: str = "en") -> str:
    return _(chart.title, lang)
