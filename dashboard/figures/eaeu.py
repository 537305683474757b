"""EAEU comparison charts: net migration, emigrant stock share, Kazakhstan's rank, EEC flows.

Pure functions: the tidy ``eaeu`` / ``eec`` datasets + options + the derived source line -> figure.
Gaps stay gaps (``None`` in the trace, ``connectgaps=False``); UN DESA revisions are never put in one
trace; partial EEC periods (quarter, half-year, nine months) are labelled as partial.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable, Sequence

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import formatting, periods
from dashboard.countries import EAEU, country_name
from dashboard.figures.common import COUNTRY_COLOURS, base_layout, no_data
from dashboard.figures.theme import LIGHT
from dashboard.i18n import _

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

MEASURES = ("absolute", "per1000")
NET_MEASURE = {"absolute": "net_migration", "per1000": "net_migration_per_1000"}
REVISIONS = (2020, 2024)
EEC_MEASURES = ("departures", "arrivals", "net")
EMPHASISED = "KAZ"
LINE_WIDTH, EMPHASIS_WIDTH = 2, 4.5
NET_HEIGHT, STOCK_HEIGHT, RANK_HEIGHT, EEC_HEIGHT = 460, 460, 360, 820


def stock_share_measure(revision: int | str) -> str:
    """The ``eaeu`` measure holding the emigrant stock share of one UN DESA revision."""
    return f"emigrant_stock_pct_of_population_rev{int(revision)}"


def _names(lang: str) -> dict[str, str]:
    return {iso3: country_name(iso3, lang) for iso3 in EAEU}


def _legend_rank(iso3: str) -> int:
    """Kazakhstan first in every legend, then the others in a fixed order."""
    return 0 if iso3 == EMPHASISED else 1 + EAEU.index(iso3)


def _ordered(countries: Iterable[str]) -> list[str]:
    """Selected members in a stable order, Kazakhstan last so its thicker line is drawn on top."""
    chosen = set(countries)
    return [c for c in EAEU if c in chosen and c != EMPHASISED] + ([EMPHASISED] if EMPHASISED in chosen else [])


def _empty(fig: go.Figure, chosen: Sequence[str], lang: str) -> go.Figure:
    """No row for the selection: a short chart saying why (never a tall blank box)."""
    return no_data(fig, _("Pick at least one country.", lang) if not chosen else _("No data for this selection.", lang))


def _line(x: Sequence[int], y: Sequence, iso3: str, lang: str, hover: str) -> go.Scatter:
    emphasised = iso3 == EMPHASISED
    return go.Scatter(
        x=list(x), y=list(y), name=country_name(iso3, lang), legendgroup=iso3, mode="lines+markers",
        connectgaps=False, line={"color": COUNTRY_COLOURS[iso3], "width": EMPHASIS_WIDTH if emphasised else LINE_WIDTH},
        marker={"size": 7 if emphasised else 5, "color": COUNTRY_COLOURS[iso3]}, hovertemplate=hover,
        legendrank=_legend_rank(iso3), meta={"iso3": iso3},
    )


def _series(rows: pd.DataFrame, grid: Sequence[int]) -> list:
    """Values on the year grid; a year without a value is ``None`` so plotly breaks the line there."""
    import pandas as pd

    by_year = {int(y): v for y, v in zip(rows["year"], rows["value"]) if pd.notna(v)}
    return [float(by_year[y]) if y in by_year else None for y in grid]


def net_figure(df: pd.DataFrame, *, countries: Sequence[str], years: tuple[int, int], measure: str,
               source: str, lang: str = "en") -> go.Figure:
    """World Bank SM.POP.NETM (a UN WPP model estimate), absolute or per 1,000 residents, one line per member.

    ``df`` is the whole ``eaeu`` dataset.  The year grid is every calendar year in range, so a
    missing year is a gap in the line, never a straight line across it.
    """
    per1000 = measure == "per1000"
    title = _("Net migration per 1,000 residents", lang) if per1000 else _("Net migration, people", lang)
    fig = go.Figure()
    base_layout(fig, title, source, height=NET_HEIGHT, lang=lang)
    rows = df[(df["measure"] == NET_MEASURE["per1000" if per1000 else "absolute"])
              & df["year"].between(years[0], years[1])]
    chosen = _ordered(countries)
    rows = rows[rows["iso3"].isin(chosen)]
    if rows.empty:
        return _empty(fig, chosen, lang)
    grid = list(range(max(years[0], int(rows["year"].min())), min(years[1], int(rows["year"].max())) + 1))
    value_fmt = "%{y:.2f}" if per1000 else "%{y:,.0f}"
    for iso3 in chosen:
        hover = f"{country_name(iso3, lang)} %{{x}}: {value_fmt}<extra></extra>"
        fig.add_trace(_line(grid, _series(rows[rows["iso3"] == iso3], grid), iso3, lang, hover))
    fig.update_yaxes(title_text=_("per 1,000 residents", lang) if per1000 else _("people per year", lang),
                     zeroline=True, zerolinewidth=1.5)
    fig.update_xaxes(title_text=None)
    return fig


def stock_share_figure(df: pd.DataFrame, *, countries: Sequence[str], years: tuple[int, int], revision: int,
                       source: str, lang: str = "en") -> go.Figure:
    """Emigrant stock (UN DESA, one revision only) as a percent of the resident population.

    The year grid is every year the revision has for any member (1990, 1995, ... 2020, and 2024 in the
    2024 revision), so a member the revision does not cover in a year shows a gap there.
    """
    revision = int(revision)
    fig = go.Figure()
    base_layout(fig, _("Emigrant stock, % of population", lang), source, height=STOCK_HEIGHT,
                subtitle=_("UN DESA, revision {revision}", lang, revision=revision), lang=lang)
    revision_rows = df[df["measure"] == stock_share_measure(revision)]
    rows = revision_rows[revision_rows["year"].between(years[0], years[1])]
    grid = sorted(int(y) for y in rows["year"].unique())
    chosen = _ordered(countries)
    rows = rows[rows["iso3"].isin(chosen)]
    if rows.empty:
        return _empty(fig, chosen, lang)
    label = _("Rev. {revision}", lang, revision=revision)
    for iso3 in chosen:
        hover = f"{country_name(iso3, lang)} %{{x}}: %{{y:.1f}}% ({label})<extra></extra>"
        trace = _line(grid, _series(rows[rows["iso3"] == iso3], grid), iso3, lang, hover)
        # Five-yearly points, some isolated by gaps: markers a little larger so each stays visible.
        trace.update(meta={"iso3": iso3, "revision": revision}, marker_size=9 if iso3 == EMPHASISED else 7)
        fig.add_trace(trace)
    fig.update_yaxes(title_text=_("% of population", lang), rangemode="tozero")
    return fig


def kaz_rank(df: pd.DataFrame, iso3: str = EMPHASISED) -> pd.DataFrame:
    """Kazakhstan's rank among the EAEU members by net migration per 1,000, per year.

    Rank 1 = largest net outflow per 1,000 (the most negative value).  Ranked on the published
    (rounded) per-1,000 values of the ``eaeu`` dataset; among the members *with a value* that year
    (``of`` says how many); ties share the better rank (1, 1, 3: "min" ranking).  Years in which
    Kazakhstan has no value have no row.  Returns columns year, rank, of, value, sorted by year.
    """
    rows = df[(df["measure"] == NET_MEASURE["per1000"]) & df["iso3"].isin(EAEU)].dropna(subset=["value"])
    rows = rows[["iso3", "year", "value"]].astype({"value": "float64"})
    rows["rank"] = rows.groupby("year")["value"].rank(method="min", ascending=True)
    rows["of"] = rows.groupby("year")["value"].transform("count")
    out = rows[rows["iso3"] == iso3][["year", "rank", "of", "value"]]
    return out.astype({"year": "int64", "rank": "int64", "of": "int64"}).sort_values("year", ignore_index=True)


def rank_figure(ranks: pd.DataFrame, *, years: tuple[int, int], source: str, lang: str = "en") -> go.Figure:
    """Kazakhstan's rank per year (the output of :func:`kaz_rank`); 1 at the top."""
    fig = go.Figure()
    base_layout(fig, _("Kazakhstan's rank in the EAEU", lang), source, height=RANK_HEIGHT, legend=False, lang=lang)
    ranks = ranks[ranks["year"].between(years[0], years[1])]
    if ranks.empty:
        return no_data(fig, _("No data for this selection.", lang))
    grid = list(range(int(ranks["year"].min()), int(ranks["year"].max()) + 1))
    by_year = ranks.set_index("year")
    y = [int(by_year.at[yr, "rank"]) if yr in by_year.index else None for yr in grid]
    custom = [[int(by_year.at[yr, "of"]), float(by_year.at[yr, "value"])] if yr in by_year.index else [None, None]
              for yr in grid]
    hover = _("%{x}: rank %{y} of %{customdata[0]} (%{customdata[1]:.2f} per 1,000)", lang) + "<extra></extra>"
    fig.add_trace(go.Scatter(
        x=grid, y=y, customdata=custom, name=country_name(EMPHASISED, lang), mode="lines+markers",
        connectgaps=False, line={"color": COUNTRY_COLOURS[EMPHASISED], "width": 2, "shape": "hv"},
        marker={"size": 8, "color": COUNTRY_COLOURS[EMPHASISED]}, hovertemplate=hover, showlegend=False,
        cliponaxis=False))
    most = int(ranks["of"].max())
    fig.update_yaxes(title_text=_("rank (1 = largest outflow)", lang), range=[most + 0.5, 0.5], tickvals=list(
        range(1, most + 1)), zeroline=False, separatethousands=False)
    return fig


def bar_slots(present: Sequence[str], order: Sequence[str], width: float = 0.8) -> dict[str, tuple[float, float]]:
    """Offset and width of each member's bar inside one period's slot: only the members with a figure there
    share it, centred on the period's tick (plotly's grouped bars keep an empty place for every member, so
    a period with one member would sit off its tick)."""
    members = [c for c in order if c in set(present)]
    each = width / max(len(members), 1)
    return {c: (-width / 2 + each * (i + 0.5), each * 0.92) for i, c in enumerate(members)}


def eec_figure(df: pd.DataFrame, *, countries: Sequence[str], years: tuple[int, int], source: str,
               lang: str = "en") -> go.Figure:
    """EEC departures, arrivals and net as published: one panel per measure, bars per period.

    Periods are placed in order, labelled as published (partial ones say so on the axis and in the hover);
    nothing is summed or scaled to a year.  Only members with a published figure for a period get a bar
    there, and those bars are centred on the period.  Bars carry a short value label because Russia's
    figures dwarf the others.
    """
    import pandas as pd

    title = _("EEC: departures, arrivals, net", lang)
    rows = df[df["year"].between(years[0], years[1]) & df["iso3"].isin(list(countries))]
    rows = rows.dropna(subset=["value"])
    measures = [m for m in EEC_MEASURES if m in set(rows["measure"])]
    titles = {"departures": _("Departures", lang), "arrivals": _("Arrivals", lang), "net": _("Net", lang)}
    if rows.empty:
        fig = go.Figure()
        base_layout(fig, title, source, height=EEC_HEIGHT, lang=lang)
        return _empty(fig, countries, lang)
    fig = make_subplots(rows=len(measures), cols=1, shared_xaxes=True, vertical_spacing=0.24 / len(measures),
                        subplot_titles=[titles[m] for m in measures])
    base_layout(fig, title, source, height=EEC_HEIGHT, lang=lang)
    shown = sorted(rows["period"].unique(), key=periods.sort_key)
    place = {p: i for i, p in enumerate(shown)}
    labels = {p: periods.label(p, lang) for p in shown}
    order = _ordered(countries)
    shown_in_legend: set[str] = set()
    for row, measure in enumerate(measures, start=1):
        part = rows[rows["measure"] == measure]
        slots = {p: bar_slots(list(part.loc[part["period"] == p, "iso3"]), order) for p in shown}
        for iso3 in order:
            sel = part[part["iso3"] == iso3]
            if sel.empty:
                continue
            sel = sel.assign(_key=sel["period"].map(periods.sort_key)).sort_values("_key")
            notes = [str(n) if pd.notna(n) else "" for n in sel["note"]]
            emphasised = iso3 == EMPHASISED
            fig.add_trace(go.Bar(
                x=[place[p] + slots[p][iso3][0] for p in sel["period"]], y=[int(v) for v in sel["value"]],
                width=[slots[p][iso3][1] for p in sel["period"]],
                customdata=[[labels[p], n] for p, n in zip(sel["period"], notes)], name=country_name(iso3, lang),
                legendgroup=iso3, showlegend=iso3 not in shown_in_legend, legendrank=_legend_rank(iso3),
                marker={"color": COUNTRY_COLOURS[iso3], "line": {"color": LIGHT.ink, "width": 2 if emphasised else 0}},
                # "45.2K" / "45,2 тыс." / "45,2 мың": CLDR's short forms, as the language abbreviates.
                text=[formatting.compact(v, lang) for v in sel["value"]], texttemplate="%{text}", textposition="outside", textfont={"size": 10, "color": LIGHT.ink},
                cliponaxis=False,
                hovertemplate=(f"{country_name(iso3, lang)}, {titles[measure].lower()}<br>%{{customdata[0]}}: "
                               "%{y:,}<br>%{customdata[1]}<extra></extra>"),
                meta={"iso3": iso3, "measure": measure, "periods": list(sel["period"])}), row=row, col=1)
            shown_in_legend.add(iso3)
    fig.update_xaxes(tickmode="array", tickvals=list(range(len(shown))), ticktext=[periods.tick(p, lang) for p in shown],
                     range=[-0.6, len(shown) - 0.4], tickangle=0, showgrid=False, tickfont={"size": 11})
    fig.update_yaxes(title_text=None, zeroline=True)
    fig.update_layout(barmode="overlay", uniformtext={"minsize": 9, "mode": "hide"})
    for annotation in fig.layout.annotations:
        annotation.update(x=0, xanchor="left", font={"size": 13, "color": LIGHT.ink})
    return fig
