"""The EAEU comparison view, Dash-free: the five members side by side (World Bank, UN DESA, Eurasian Economic
Commission), each chart citing only what it draws."""

from __future__ import annotations

from typing import Any, Mapping

import plotly.graph_objects as go

from dashboard import datasets, formatting, provenance, urlstate
from dashboard.countries import EAEU
from dashboard.figures import eaeu as fig_eaeu
from dashboard.i18n import N_, _
from dashboard.snapshots import Snapshot

PATH = "/eaeu"
YEARS = (1990, 2024)
PARAMS = (
    urlstate.Param("countries", "codes", EAEU, EAEU, "EAEU members to show (empty: none)", allow_empty=True),
    urlstate.Param("years", "years", YEARS, YEARS, "first..last year"),
    urlstate.Param("measure", "choice", "absolute", fig_eaeu.MEASURES, "net migration: people or per 1,000",
                   label=N_("Net migration"), labels=(N_("people"), N_("per 1,000 residents"))),
    urlstate.Param("revision", "choice", 2020, fig_eaeu.REVISIONS, "UN DESA migrant stock revision",
                   label=N_("UN DESA revision"), labels=(N_("revision {value}"), N_("revision {value}"))),
)
DEFAULTS = {p.name: p.default for p in PARAMS}


def normalise(state: Mapping[str, Any] | None) -> dict[str, Any]:
    """A complete, valid state: defaults for what is missing or not allowed; countries in a fixed order.

    Accepts parsed values (tuples) and control values (lists, strings) alike; garbage falls back."""
    out = dict(DEFAULTS)
    for param in PARAMS:
        raw = (state or {}).get(param.name)
        if raw is None:
            continue
        if param.name == "countries" and len(raw) == 0:
            out["countries"] = ()  # nothing ticked: the charts say "pick at least one country"
            continue
        try:
            text = raw if isinstance(raw, str) else param.encode(tuple(raw) if isinstance(raw, list) else raw)
            out[param.name] = param.parse(text)
        except (urlstate.BadParameter, TypeError, ValueError):
            continue
    out["countries"] = tuple(c for c in EAEU if c in out["countries"])
    return out


def resolve(query: Mapping[str, str], snap: Snapshot, lang: str = "en") -> tuple[dict[str, Any], list[str]]:
    values, notices = urlstate.parse(query, PARAMS, strict=False, ignore=("lang",), lang=lang)
    return normalise(values), notices


def sources(state: Mapping[str, Any], snap: Snapshot, lang: str) -> dict[str, str]:
    """The source line of each chart, from the provenance of the tables it draws."""
    wdi = datasets.table_provenance("eaeu", "wdi", snap)
    undesa = datasets.table_provenance("eaeu", "undesa_origin_totals", snap)
    wdi_line = provenance.source_line([wdi], lang)
    return {"net": wdi_line, "rank": wdi_line, "eec": provenance.source_line(datasets.provenance("eec", snap), lang),
            "stock": provenance.source_line([undesa, wdi], lang, revision=str(state["revision"]))}


def figure_net(state: Mapping[str, Any] | None, snap: Snapshot, lang: str = "en") -> go.Figure:
    state = normalise(state)
    return fig_eaeu.net_figure(datasets.built("eaeu", snap), countries=state["countries"], years=state["years"],
                               measure=state["measure"], source=sources(state, snap, lang)["net"], lang=lang)


def figure_stock_share(state: Mapping[str, Any] | None, snap: Snapshot, lang: str = "en") -> go.Figure:
    state = normalise(state)
    return fig_eaeu.stock_share_figure(datasets.built("eaeu", snap), countries=state["countries"],
                                       years=state["years"], revision=state["revision"],
                                       source=sources(state, snap, lang)["stock"], lang=lang)


def ranks(snap: Snapshot):
    return snap.cached("misc", "eaeu-kaz-rank", lambda: fig_eaeu.kaz_rank(datasets.built("eaeu", snap)))


def figure_rank(state: Mapping[str, Any] | None, snap: Snapshot, lang: str = "en") -> go.Figure:
    """Kazakhstan's rank among all five members (independent of the country selection), in the year range."""
    state = normalise(state)
    return fig_eaeu.rank_figure(ranks(snap), years=state["years"], source=sources(state, snap, lang)["rank"],
                                lang=lang)


def figure_eec(state: Mapping[str, Any] | None, snap: Snapshot, lang: str = "en") -> go.Figure:
    state = normalise(state)
    return fig_eaeu.eec_figure(datasets.built("eec", snap), countries=state["countries"], years=state["years"],
                               source=sources(state, snap, lang)["eec"], lang=lang)


def rank_rows(state: Mapping[str, Any] | None, snap: Snapshot, lang: str = "en") -> list[dict[str, str]]:
    """The rank chart as table rows (latest year first): year, rank of n, net migration per 1,000."""
    state = normalise(state)
    frame = ranks(snap)
    frame = frame[frame["year"].between(*state["years"])].sort_values("year", ascending=False)
    return [{"year": str(r.year), "rank": _("{rank} of {of}", lang, rank=r.rank, of=r.of),
             "value": formatting.number(r.value, lang, decimals=2)} for r in frame.itertuples(index=False)]


def url_state(state: Mapping[str, Any]) -> dict[str, Any]:
    """What a link records: the state as it is, nothing ticked included (``countries=``), so a copied link
    reopens exactly that view."""
    return dict(state)


def definitions(snap: Snapshot) -> Mapping[str, str]:
    """measure -> what it counts, from the eaeu dataset's own definition column."""
    frame = datasets.built("eaeu", snap)
    return frame.drop_duplicates("measure").set_index("measure")["definition"].to_dict()


def data_for(state: Mapping[str, Any]) -> tuple[str, dict]:
    return "eaeu", {"countries": state.get("countries"), "years": state.get("years")}


def data_for_rank(state: Mapping[str, Any]) -> tuple[str, dict]:
    return "eaeu", {"years": state.get("years")}


def data_for_eec(state: Mapping[str, Any]) -> tuple[str, dict]:
    return "eec", {"countries": state.get("countries"), "years": state.get("years")}
