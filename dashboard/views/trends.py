"""The trends view, Dash-free: registered emigrants, immigrants and net migration by year with dated events,
and the BNS registered net beside the World Bank / UN model estimate (two definitions, two lines)."""

from __future__ import annotations

from typing import Any, Mapping

import plotly.graph_objects as go

from dashboard import claims, datasets, formatting, provenance, urlstate
from dashboard.events import EVENTS
from dashboard.figures import trends as fig_trends
from dashboard.i18n import N_, _
from dashboard.snapshots import Snapshot

PATH = "/trends"
MEASURES = fig_trends.MEASURES
YEAR_LIMITS = (1990, 2030)  # what a URL may ask for; the view is then clamped to the years with data

PARAMS = (
    urlstate.Param("measures", "names", MEASURES, MEASURES, help="measures to draw"),
    urlstate.Param("per1000", "flag", False, help="1: per 1,000 residents", label=N_("Per 1,000 residents")),
    urlstate.Param("scale", "choice", "linear", ("linear", "log"), help="y axis scale", label=N_("Scale"),
                   labels=(N_("Linear"), N_("Log"))),
    urlstate.Param("years", "years", None, YEAR_LIMITS, help="year range, e.g. 2010..2020 (default: all years)"),
)
DEFAULTS = {p.name: p.default for p in PARAMS}


def migration(snap: Snapshot):
    return datasets.built("kz-migration", snap)


def span(snap: Snapshot) -> tuple[int, int]:
    # Asked by every trends callback to check its years: once per snapshot.
    return snap.cached("misc", "trends-span", lambda: fig_trends.year_span(migration(snap)))


def clamp(years, data_span: tuple[int, int]) -> tuple[int, int] | None:
    """The asked range, kept as asked where it overlaps the years with data (years without a figure are
    shown as the gap they are, e.g. the 1990s); None if it holds none of them."""
    if years is None:
        return data_span
    first, last = int(years[0]), int(years[1])
    return (first, last) if first <= data_span[1] and last >= data_span[0] else None


def complete(state: Mapping[str, Any]) -> dict[str, Any]:
    return {**DEFAULTS, **{k: v for k, v in state.items() if k in DEFAULTS}}


def resolve(query: Mapping[str, str], snap: Snapshot, lang: str = "en") -> tuple[dict[str, Any], list[str]]:
    """A URL query -> the state to draw and the notices for what fell back (leniently: never an error)."""
    values, notices = urlstate.parse(query, PARAMS, strict=False, ignore=("lang",), lang=lang)
    data_span = span(snap)
    if values["years"] is not None and clamp(values["years"], data_span) is None:
        notices.append(_("'years={value}' has no data (data cover {first}..{last}); showing all years instead.",
                         lang, value=query.get("years", ""), first=data_span[0], last=data_span[1]))
        values["years"] = None
    return values, notices


def figure_main(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> go.Figure:
    """The main chart for a parsed URL state; the article's ranges shaded on emigrant counts."""
    state = complete(state)
    frame = migration(snap)
    data_span = span(snap)
    bands = []
    if "emigrants" in state["measures"] and not state["per1000"]:
        bands = [(low, high, _("Article's claim: {low}–{high} a year", lang, low=formatting.number(low, lang),
                                high=formatting.number(high, lang)))
                 for low, high in claims.range_bands(snap, "kz-migration", "emigrants")]
    return fig_trends.migration_lines(
        frame, measures=tuple(state["measures"]), per_1000=bool(state["per1000"]), log=state["scale"] == "log",
        years=clamp(state["years"], data_span) or data_span, events=EVENTS, bands=bands,
        source=provenance.source_line(datasets.provenance("kz-migration", snap), lang), lang=lang)


def compare_sources(snap: Snapshot) -> list[provenance.Provenance]:
    # kz-migration's tables (BNS net) and the table the World Bank net migration comes from (eaeu's "wdi");
    # eaeu's UN DESA table is not drawn in this chart, so it is not named.
    provs = list(datasets.provenance("kz-migration", snap))
    wdi = datasets.table_provenance("eaeu", "wdi", snap)
    return provs + ([wdi] if wdi not in provs else [])


def figure_compare(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> go.Figure:
    """The BNS vs World Bank / UN model net-migration chart for a parsed URL state (uses ``years``)."""
    state = complete(state)
    frame = migration(snap)
    data_span = span(snap)
    eaeu = datasets.built("eaeu", snap)
    model = eaeu[(eaeu["iso3"] == "KAZ") & (eaeu["measure"] == "net_migration")]
    return fig_trends.net_compare(
        frame[frame["measure"] == "net"], model, years=clamp(state["years"], data_span) or data_span,
        source=provenance.source_line(compare_sources(snap), lang), lang=lang)


def events(lang: str = "en") -> list[dict[str, str]]:
    """The dated events marked on the chart, in date order, in the reader's language."""
    return [{"date": fig_trends.event_date(e, lang), "label": _(e.label, lang), "note": _(e.note, lang),
             "source": _(e.source, lang)} for e in sorted(EVENTS, key=lambda e: e.x)]


def definitions(snap: Snapshot, lang: str = "en") -> list[tuple[str, str]]:
    """(label, definition) of the two net-migration series, from their provenance."""
    return [(fig_trends.bns_label(lang), _(datasets.table_provenance("kz-migration", "bns_net_migration",
                                                                     snap).definition, lang)),
            (fig_trends.model_label(lang), _(datasets.table_provenance("eaeu", "wdi", snap).definition, lang))]


def state_from_controls(measures, per1000, scale, years, data_span: tuple[int, int]) -> dict[str, Any]:
    """Control values -> URL state; the whole span is the default (None), so it stays out of the URL."""
    chosen = tuple(m for m in MEASURES if m in (measures or ()))
    rng = tuple(int(y) for y in years) if years and len(years) == 2 else data_span
    # The slider reaches no further than a URL may ask (YEAR_LIMITS); a range beyond them was not sent by it.
    low, high = YEAR_LIMITS
    rng = (max(low, min(rng)), min(high, max(rng)))
    rng = rng if rng[0] <= rng[1] else data_span
    return {"measures": chosen, "per1000": bool(per1000), "scale": scale if scale in ("linear", "log") else "linear",
            "years": None if rng == data_span else rng}


def data_for(state: Mapping[str, Any]) -> tuple[str, dict]:
    return "kz-migration", {"years": state.get("years")}


def data_for_compare(state: Mapping[str, Any]) -> tuple[str, dict]:
    return "eaeu", {"countries": ("KAZ",), "years": state.get("years")}
