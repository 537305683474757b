"""The destinations view, Dash-free: its URL contract, the state checked against the data, state -> figures.

The page, its embeds (``destinations-map``, ``top-destinations``, ``destination-series``) and the CSV links
all read this module, so a copied link, an embed and a download show the same view.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

import plotly.graph_objects as go

from dashboard import datasets, formatting, geo, periods, provenance, urlstate
from dashboard.countries import GROUPS, country_name
from dashboard.figures import destinations as figs
from dashboard.figures import world_map
from dashboard.i18n import N_, _, ngettext
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)

PATH = "/destinations"
BAR_TOP = 15
RUSSIA = "RUS"

PARAMS = (
    urlstate.Param("measure", "choice", "stock", ("stock", "flows"),
                   help="stock: people born in Kazakhstan living abroad (UN DESA); "
                        "flows: emigrants by destination (BNS)", label=N_("Measure"),
                   labels=(N_("People living abroad (UN DESA stock)"), N_("Emigrants by period (BNS flows)"))),
    urlstate.Param("revision", "choice", 2020, (2020, 2024), help="UN DESA revision (never mixed)",
                   label=N_("UN DESA revision"), labels=(N_("revision {value}"), N_("revision {value}"))),
    urlstate.Param("year", "pattern", 2020, pattern=r"\d{4}", cast=int,
                   help="a mid-year of the chosen UN DESA revision (1990, 1995, ... 2020; 2024 in revision 2024)"),
    urlstate.Param("period", "pattern", None, pattern=r"\d{4}(-H[12]|-Q[1-4](-Q[1-4])?)?", cast=str.upper,
                   help="a period BNS published, like 2024, 2022-H1, 2022-Q1 or 2023-Q1-Q3"),
    urlstate.Param("country", "pattern", None, pattern=r"[A-Za-z]{3}", cast=str.upper,
                   help="the ISO3 code of a destination on the map, like DEU"),
    urlstate.Param("top", "choice", 10, (5, 10, 15, 20), help="flow lines to the top N destinations",
                   label=N_("Flow lines"), labels=(N_("top {value} destinations"),) * 4),
    urlstate.Param("no_russia", "flag", False, help="1 leaves Russia out of the ranked bars",
                   label=N_("Leave out Russia")),
)
DEFAULTS = {p.name: p.default for p in PARAMS}
BY_NAME = {p.name: p for p in PARAMS}


def stock(snap: Snapshot) -> pd.DataFrame:
    return datasets.built("migrant-stock", snap)


def flows(snap: Snapshot) -> pd.DataFrame:
    return datasets.built("kz-destinations", snap)


# What the data hold, asked by every callback to check its state: worked out once per snapshot (each is a
# pass over a table, ~0.1-5 ms) and kept immutable on it.

def revision_years(snap: Snapshot, revision: int) -> tuple[int, ...]:
    def build():
        frame = stock(snap)
        return tuple(sorted(int(y) for y in frame.loc[frame["revision"] == revision, "year"].unique()))
    return snap.cached("misc", ("destinations-revision-years", revision), build)


def published_periods(snap: Snapshot) -> tuple[str, ...]:
    """Every published period, most recent first."""
    return snap.cached("misc", "destinations-periods", lambda: tuple(
        sorted(flows(snap)["period"].unique(), key=periods.sort_key, reverse=True)))


def periods_with_countries(snap: Snapshot) -> frozenset[str]:
    def build():
        frame = flows(snap)
        return frozenset(frame.loc[~frame["destination"].isin(list(GROUPS)), "period"])
    return snap.cached("misc", "destinations-periods-with-countries", build)


def default_period(snap: Snapshot) -> str:
    """The latest whole year with a country breakdown (else the latest period with one)."""
    def build():
        with_countries = [p for p in published_periods(snap) if p in periods_with_countries(snap)]
        whole = [p for p in with_countries if not periods.is_partial(p)]
        return (whole or with_countries or list(published_periods(snap)))[0]
    return snap.cached("misc", "destinations-default-period", build)


def destinations_present(snap: Snapshot) -> frozenset[str]:
    def build():
        frame = flows(snap)
        return frozenset(set(stock(snap)["destination"])
                         | set(frame.loc[~frame["destination"].isin(list(GROUPS)), "destination"]))
    return snap.cached("misc", "destinations-present", build)


def resolve(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> tuple[dict, list[str]]:
    """State checked against the data: a year the revision lacks, a period never published or an unknown
    destination falls back (to the revision's latest year, the default period, no country) with a notice."""
    state = {**DEFAULTS, **{k: v for k, v in state.items() if k in DEFAULTS}}
    # A URL's values arrive parsed; a callback's as the controls sent them, and no control sends a choice it
    # does not offer (an unknown measure, revision or number of lines is not a reader's: the default).
    for param in PARAMS:
        if param.kind == "choice" and state[param.name] not in param.choices:
            state[param.name] = param.default
    notes: list[str] = []
    years = revision_years(snap, state["revision"])
    if years and state["year"] not in years:
        notes.append(_("UN DESA revision {revision} has no figures for {year}; showing its latest year, {latest}.",
                       lang, revision=state["revision"], year=state["year"], latest=years[-1]))
        state["year"] = years[-1]
    if state["period"] is None:
        state["period"] = default_period(snap)
    elif state["period"] not in published_periods(snap):
        fallback = default_period(snap)
        notes.append(_("BNS published no destinations for the period {period}; showing {fallback}.", lang,
                       period=state["period"], fallback=periods.label(fallback, lang)))
        state["period"] = fallback
    if state["country"] is not None and state["country"] not in destinations_present(snap):
        notes.append(_("'{code}' is not a destination in these data; no country is selected.", lang,
                       code=state["country"]))
        state["country"] = None
    return state, notes


def url_state(state: Mapping[str, Any], snap: Snapshot) -> dict:
    """The state as a link should record it: what the other measure uses stays out (the period in the stock
    view, the year and revision in the flows view), and so does the default period."""
    out = dict(state)
    if out.get("period") == default_period(snap) or out.get("measure") != "flows":
        out["period"] = None
    if out.get("measure") == "flows":
        out["year"], out["revision"] = DEFAULTS["year"], DEFAULTS["revision"]
    return out


def destination_count(state: Mapping[str, Any], snap: Snapshot) -> int:
    """How many destination countries the map has figures for in this state (lines can go to no more)."""
    state, _notes = resolve(state, snap)
    if state["measure"] == "flows":
        rows = figs.flow_rows(flows(snap), period=state["period"])
    else:
        rows = figs.stock_rows(stock(snap), revision=state["revision"], year=state["year"])
    return int((rows["destination"] != figs.ORIGIN).sum())


def top_choices(state: Mapping[str, Any], snap: Snapshot) -> tuple[int, ...]:
    """The "top N" values that mean something here: those under the number of destinations, and the first
    that covers them all (shown as "all 6 destinations", never as "top 10" when six are listed)."""
    count = destination_count(state, snap)
    allowed = BY_NAME["top"].choices
    return tuple(n for n in allowed if n < count) + tuple(n for n in allowed if n >= count)[:1]


def top_options(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> list[dict]:
    """The Flow lines choices, labelled with what they draw."""
    count = destination_count(state, snap)
    return [{"label": _("top {n} destinations", lang, n=n) if n <= count else
             ngettext("the {n} destination", "all {n} destinations", count, lang, n=count), "value": n}
            for n in top_choices(state, snap)]


def options(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> dict[str, list[dict]]:
    """The data-dependent choices of this page's controls (the page's dropdowns and the embeds' selects)."""
    return {"top": top_options(state, snap, lang)}


def controls_for(names: tuple[str, ...]):
    """An embed's controls in a state: the UN DESA revision means nothing in the flows view."""
    def shown(state: Mapping[str, Any]) -> tuple[str, ...]:
        return tuple(n for n in names if not (n == "revision" and state.get("measure") == "flows"))
    return shown


def stock_source(snap: Snapshot, lang: str, revision) -> str:
    return provenance.source_line(datasets.provenance("migrant-stock", snap), lang, revision=str(revision))


def flows_source(snap: Snapshot, lang: str) -> str:
    return provenance.source_line(datasets.provenance("kz-destinations", snap), lang)


def _centroids() -> pd.DataFrame:
    return geo.countries()[["lon", "lat"]]


def figure_map(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> go.Figure:
    """The world map: stock of one revision and year, or BNS flows of one period, with flow lines; the chosen
    destination (``country``) outlined."""
    state, _notes = resolve(state, snap, lang)
    if state["measure"] == "flows":
        return world_map.flows_map(flows(snap), period=state["period"], centroids=_centroids(), top_n=state["top"],
                                   source=flows_source(snap, lang), lang=lang, selected=state["country"])
    return world_map.stock_map(stock(snap), year=state["year"], revision=state["revision"], centroids=_centroids(),
                               top_n=state["top"], source=stock_source(snap, lang, state["revision"]), lang=lang,
                               selected=state["country"])


def destination_options(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> list[dict]:
    """Every destination with a figure in this state, largest first ("Germany — 1,128,201"): the keyboard's
    way to choose one (readers pick the first items of alphabetical lists; here the first are the largest)."""
    state, _notes = resolve(state, snap, lang)
    if state["measure"] == "flows":
        rows = figs.flow_rows(flows(snap), period=state["period"])
    else:
        rows = figs.stock_rows(stock(snap), revision=state["revision"], year=state["year"])
    rows = rows[rows["destination"] != figs.ORIGIN]
    options = [{"label": _("{name} — {value}", lang, name=country_name(r.destination, lang),
                           value=figs.value_with_status(r.value, getattr(r, "status", None), lang)),
                "value": r.destination} for r in rows.itertuples()]
    chosen = state["country"]
    if chosen and chosen not in {o["value"] for o in options}:  # chosen in another view: keep it pickable
        options.append({"label": country_name(chosen, lang), "value": chosen})
    return options


def figure_bar(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> go.Figure:
    """The top destinations as ranked bars, optionally without Russia (``no_russia``)."""
    state, _notes = resolve(state, snap, lang)
    exclude = (RUSSIA,) if state["no_russia"] else ()
    if state["measure"] == "flows":
        rows = figs.flow_rows(flows(snap), period=state["period"])
        return figs.top_bar(rows, exclude=exclude, top=BAR_TOP, source=flows_source(snap, lang), lang=lang,
                            title=_("Destinations listed by BNS", lang), subtitle=periods.label(state["period"], lang))
    rows = figs.stock_rows(stock(snap), revision=state["revision"], year=state["year"])
    return figs.top_bar(rows, exclude=exclude, top=BAR_TOP, source=stock_source(snap, lang, state["revision"]),
                        lang=lang, title=_("Top {n} destinations", lang, n=BAR_TOP),
                        subtitle=_("UN DESA revision {revision}, mid-{year}", lang, revision=state["revision"],
                                   year=state["year"]))


def series_source(snap: Snapshot, iso3: str, lang: str) -> str:
    frame = stock(snap)
    revisions = sorted(int(r) for r in frame.loc[frame["destination"] == iso3, "revision"].unique())
    provs = list(datasets.provenance("migrant-stock", snap))
    if not figs.flow_rows_for(flows(snap), iso3).empty:
        provs += datasets.provenance("kz-destinations", snap)
    return provenance.source_line(provs, lang, revision=formatting.join([str(r) for r in revisions], lang) or None)


def figure_series(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> go.Figure:
    """One destination over time (``country``): stock per revision, BNS flows per period; a prompt if none."""
    state, _notes = resolve(state, snap, lang)
    if state["country"] is None:
        return figs.prompt_figure(_("Choose a destination to see its series.", lang))
    iso3 = state["country"]
    return figs.country_series(stock(snap), flows(snap), iso3, source=series_source(snap, iso3, lang), lang=lang)


def map_note(state: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> str:
    """The sentences under the map: what grey means, what the lines are, what the measure counts."""
    parts = [_("Grey: no figure published for that country (absent, not zero); a country outlined with no fill: "
               "published as 0. Lines run from Kazakhstan (★) to the top {n} destinations; the wider the line, "
               "the more people.", lang, n=state["top"])]
    if state["measure"] == "flows":
        parts.append(_("Shares are of the destinations BNS listed for the period, not of all emigrants.", lang))
        note = figs.group_note(flows(snap), period=state["period"], lang=lang)
        if note:
            parts.append(note)
    else:
        parts.append(_("Migrant stock counts everyone born in Kazakhstan living in a country, including those "
                       "who left in Soviet times; it is not a yearly flow.", lang))
    return " ".join(parts)


def year_options(snap: Snapshot, revision: int) -> list[dict]:
    return [{"label": str(y), "value": y} for y in revision_years(snap, revision)]


def period_options(snap: Snapshot, lang: str) -> list[dict]:
    with_countries = periods_with_countries(snap)
    options = []
    for period in published_periods(snap):
        label = periods.label(period, lang)
        if period not in with_countries:
            label += " — " + _("CIS / non-CIS totals only", lang)
        options.append({"label": label, "value": period})
    return options


def data_for(state: Mapping[str, Any]) -> tuple[str, dict]:
    """The dataset and filters behind the map and the bars: one year of one revision, or one period's year."""
    if state.get("measure") == "flows":
        period = state.get("period")
        year = periods.months(period)[0] if period else None
        return "kz-destinations", {"years": (year, year) if year else None}
    year = state.get("year")
    return "migrant-stock", {"revision": state.get("revision", 2020),
                             "years": (int(year), int(year)) if year else None}


def data_for_series(state: Mapping[str, Any]) -> tuple[str, dict]:
    country = state.get("country")
    return "migrant-stock", {"countries": (country,) if country else None}
