"""Small charts for the story page: one per kind of claim, each showing what the verdict rests on.

Pure functions: frames and options (+ the derived source line and ``lang``) in, ``go.Figure`` out; no
I/O, no dataset reads (each rule of ``dashboard.claims.rules`` reads the data and calls these).

* :func:`range_figure` -- a yearly series with the claimed range drawn as a labelled band; each year's
  marker says whether the figure is inside, outside or too close to call (symbol, not colour alone).
* :func:`rank_figure` -- a member's rank per year / published period, 1st at the top, the claimed rank
  shaded; each source is its own trace (model estimates and partial EEC periods never share one).
* :func:`stock_bar` -- people born in the origin country living in the largest destinations, the
  claim's countries highlighted (colour, hatching and bold name) and ranked.
* :func:`coverage_strip` -- which years of a span have an official figure, beside a model estimate.

Figures carry ``layout.meta["source"]`` (the derived source line) and ``layout.meta["kind"]``.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Sequence

import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.countries import country_name
from dashboard.figures.common import base_layout, no_data, status_label
from dashboard.figures.theme import LIGHT, TRANSPARENT
from dashboard.i18n import _, ngettext

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

SMALL_HEIGHT = 330
STRIP_HEIGHT = 250
BAND_COLOUR = LIGHT.band_fill  # the claimed range / rank
BAND_EDGE = LIGHT.band_edge
# Outcome of a year against the claim: marker symbol (shape carries the meaning) and colour.
OUTCOME_STYLE = {
    "inside": ("circle", LIGHT.inside),
    "outside": ("x", LIGHT.outside),
    "borderline": ("diamond", LIGHT.borderline),
}
HOLLOW = ("preliminary", "rounded")  # statuses drawn with hollow markers (as on the trends page)
HIGHLIGHT = LIGHT.highlight
OTHER = LIGHT.bar


def _fit(fig: go.Figure, *, legend_rows: int = 1, ticks: int = 28, entry_fraction: float | None = None) -> go.Figure:
    """The small charts' legend: shown when the chart has one, each entry ``entry_fraction`` of the width
    (plotly otherwise gives a wrapped legend one entry per row).  Placement is base_layout's: above the
    plot, with room made for as many rows as the width needs, so nothing prints over it."""
    fig.update_layout(showlegend=legend_rows > 0, margin={"r": 12, "b": ticks + 8})
    if entry_fraction:
        fig.update_layout(legend={"entrywidth": entry_fraction, "entrywidthmode": "fraction"})
    return fig


def _start(title: str, source: str, kind: str, height: int, lang: str) -> go.Figure:
    fig = go.Figure()
    base_layout(fig, title, source, height=height, lang=lang)
    fig.update_layout(meta={"source": source, "kind": kind}, title={"font": {"size": 15}})
    return fig


def _no_data(fig: go.Figure, lang: str) -> go.Figure:
    return no_data(fig, _("No data for this claim.", lang))


def _band(fig: go.Figure, y0: float, y1: float, label: str, *, reversed_axis: bool = False) -> None:
    """The claim, shaded across the plot and labelled.

    The label sits just above the band's top-left corner (on a reversed axis, e.g. ranks with 1st on top,
    the band's top is its lower value), so the markers inside the band never cover the words.
    """
    fig.add_shape(type="rect", xref="paper", x0=0, x1=1, yref="y", y0=y0, y1=y1, fillcolor=BAND_COLOUR,
                  line={"width": 1, "color": BAND_EDGE, "dash": "dot"}, layer="below", name="claim-band")
    fig.add_annotation(text=label, xref="paper", x=0.01, yref="y", y=y0 if reversed_axis else y1, xanchor="left",
                       yanchor="bottom", showarrow=False,
                       font={"size": 12, "color": LIGHT.band_ink}, name="claim-band", bgcolor=LIGHT.label_background)


def _article_line(fig: go.Figure, year: int, lang: str) -> None:
    """A dotted vertical line between the last year the article could know and the article's year."""
    fig.add_vline(x=year - 0.5, line={"width": 1, "dash": "dot", "color": LIGHT.axis}, name="article")
    fig.add_annotation(text=_("article ({year})", lang, year=year), x=year - 0.5, xref="x", y=1, yref="paper",
                       xanchor="left", yanchor="top", xshift=3, showarrow=False, font={"size": 11, "color": LIGHT.muted},
                       name="article")


def _year_ticks(first: int, last: int) -> dict:
    span = last - first
    step = 1 if span <= 6 else 2 if span <= 12 else 5 if span <= 30 else 10
    start = first - first % step
    return {"tickmode": "array", "tickvals": list(range(start, last + 1, step)), "tickformat": "d"}


# --- a yearly figure against a claimed range --------------------------------------------------------------

def range_figure(rows: pd.DataFrame, *, low: float, high: float, label: str, title: str, source: str,
                 article_year: int | None = None, lang: str = "en") -> go.Figure:
    """A yearly series and the claimed range ``low``..``high`` as a band labelled ``label``.

    ``rows``: one row per year from the first to the last year of the series -- columns year, value
    (None where there is no figure: a gap, drawn as a break), status (final | preliminary | rounded) and
    outcome (inside | outside | borderline | no data), as the verdict decided it.  One marker trace per
    outcome (symbol + colour); hollow markers for preliminary and rounded figures.
    """
    import pandas as pd

    fig = _start(title, source, "range", SMALL_HEIGHT, lang)
    fig.update_layout(margin={"l": 52})
    rows = rows.sort_values("year")
    known = rows[rows["value"].notna()]
    if known.empty:
        return _no_data(fig, lang)
    first, last = int(rows["year"].min()), int(rows["year"].max())
    grid = list(range(first, last + 1))
    by_year = {int(r.year): r for r in rows.itertuples(index=False)}
    values = [float(by_year[y].value) if y in by_year and pd.notna(by_year[y].value) else None for y in grid]
    _band(fig, low, high, label)
    fig.add_trace(go.Scatter(x=grid, y=values, mode="lines", connectgaps=False, hoverinfo="skip", showlegend=False,
                             line={"color": LIGHT.axis, "width": 1.5}, name=_("series", lang), meta={"role": "line"},
                             cliponaxis=False))
    names = {"inside": _("inside", lang), "outside": _("outside", lang),
             "borderline": _("too close to call", lang)}
    for outcome, (symbol, colour) in OUTCOME_STYLE.items():
        part = known[known["outcome"] == outcome]
        if part.empty:
            continue
        statuses = [str(s) for s in part["status"]]
        hover = [_("{year}: {value} ({status})", lang, year=int(r.year), value=formatting.number(r.value, lang),
                   status=status_label(str(r.status), lang)) + "<br>" + names[outcome]
                 for r in part.itertuples(index=False)]
        fig.add_trace(go.Scatter(
            x=[int(y) for y in part["year"]], y=[float(v) for v in part["value"]], mode="markers",
            name=names[outcome], hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            marker={"symbol": [symbol + ("-open" if s in HOLLOW else "") for s in statuses],
                    "size": 10 if symbol != "x" else 9, "color": colour,
                    "line": {"width": 2, "color": colour}},
            meta={"outcome": outcome, "status": statuses}))
    if article_year is not None and first < article_year <= last + 1:
        _article_line(fig, article_year, lang)
    top = max(float(known["value"].max()), high) * 1.12
    fig.update_yaxes(range=[0, top], title=None)
    fig.update_xaxes(range=[first - 0.6, last + 0.6], **_year_ticks(first, last))
    if known["status"].isin(HOLLOW).any():
        fig.update_layout(title={"subtitle": {"text": _("Hollow marker: preliminary or rounded figure", lang),
                                              "font": {"size": 11, "color": LIGHT.muted}}})
    return _fit(fig, legend_rows=2, entry_fraction=0.5)


# --- a rank per year / period ------------------------------------------------------------------------------

def rank_figure(rows: pd.DataFrame, *, target: str, rank: int = 1, label: str, title: str, source: str,
                period_labels: dict[str, str] | None = None, series_labels: dict[str, str] | None = None,
                lang: str = "en") -> go.Figure:
    """``target``'s rank per year or published period, 1st at the top, the claimed ``rank`` shaded.

    ``rows``: columns series, period, year, rank, of, value (per 1,000); rows without a rank are left
    out (a gap).  One trace per series, never merged: a yearly series as a stepped line with markers; a
    series with partial periods as markers only, each tagged with its part of the year ("Q1", "Q1–Q3",
    "H1") and placed at its middle month (a quarter is never drawn as a year).  The hover names a period
    in words (``periods.label``: "January–September 2020 (nine months)") unless ``period_labels`` maps it;
    ``series_labels`` maps a series to a short legend name.
    """
    fig = _start(title, source, "rank", SMALL_HEIGHT, lang)
    fig.update_layout(margin={"l": 44})
    rows = rows[rows["rank"].notna()]
    if rows.empty:
        return _no_data(fig, lang)
    period_labels, series_labels = period_labels or {}, series_labels or {}
    most = int(rows["of"].max())
    _band(fig, rank - 0.5, rank + 0.5, label, reversed_axis=True)
    symbols = ("circle", "diamond", "square", "triangle-up")
    colours = (LIGHT.kaz, LIGHT.rus, LIGHT.blr, LIGHT.kgz)
    for i, series in enumerate(dict.fromkeys(rows["series"])):
        colour = colours[i % len(colours)]
        part = rows[rows["series"] == series].copy()
        part["x"] = [periods.axis_x(str(p)) for p in part["period"]]
        part = part.sort_values("x")
        yearly = all("-" not in str(p) for p in part["period"])
        hover = [_("{period}: {rank} of {of} ({value} per 1,000)", lang,
                   period=period_labels.get(str(r.period)) or periods.label(str(r.period), lang),
                   rank=formatting.ordinal(int(r.rank), lang), of=int(r.of), value=formatting.number(r.value, lang))
                 for r in part.itertuples(index=False)]
        common = dict(name=series_labels.get(series, series), legendrank=i,
                      hovertemplate="%{hovertext}<extra></extra>",
                      meta={"series": series, "periods": [str(p) for p in part["period"]]})
        marker = {"symbol": symbols[i % len(symbols)], "size": 8 if yearly else 11, "color": colour,
                  "line": {"width": 1, "color": LIGHT.background}}
        if yearly:
            grid = list(range(int(part["year"].min()), int(part["year"].max()) + 1))
            by_year = dict(zip(part["year"].astype(int), part["rank"].astype(int)))
            hover_by = dict(zip(part["year"].astype(int), hover))
            fig.add_trace(go.Scatter(
                x=grid, y=[by_year.get(y) for y in grid], mode="lines+markers", connectgaps=False,
                line={"shape": "hv", "width": 1.5, "color": colour}, marker=marker,
                hovertext=[hover_by.get(y, "") for y in grid], **common))
        else:
            # Neighbouring periods are close on a yearly axis: their tags alternate below and above.
            positions = ["bottom center" if k % 2 == 0 else "top center" for k in range(len(part))]
            fig.add_trace(go.Scatter(
                x=list(part["x"]), y=[int(r) for r in part["rank"]], mode="markers+text", hovertext=hover,
                text=[periods.tag(str(p), lang) for p in part["period"]], textposition=positions, cliponaxis=False,
                textfont={"size": 11, "color": colour}, marker=marker, **common))
    first, last = int(rows["year"].min()), int(rows["year"].max())
    fig.update_yaxes(range=[most + 0.7, 0.0], tickvals=list(range(1, most + 1)),
                     ticktext=[formatting.place(n, lang) for n in range(1, most + 1)], zeroline=False, title=None,
                     separatethousands=False, showgrid=True)
    fig.update_xaxes(range=[first - 0.6, last + 1], **_year_ticks(first, last))
    return _fit(fig, legend_rows=rows["series"].nunique())


# --- destinations ranked by migrant stock ------------------------------------------------------------------

def stock_bar(rows: pd.DataFrame, *, highlight: Sequence[str], top: int, title: str, source: str,
              top_line: int | None = None, top_label: str | None = None, log: bool = False,
              lang: str = "en") -> go.Figure:
    """The ``top`` destinations by people living there, plus every ``highlight`` country outside them.

    ``rows``: migrant-stock rows of ONE revision and ONE year (destination, value); ranks are among
    all destinations with a value.  Highlighted countries get their own trace (vermillion, hatched,
    bold name with rank); the others one blue trace.  ``top_line`` draws a dashed line under that rank
    labelled ``top_label`` (default "top 3"); ``log`` uses a log scale so a few hundred people still show
    beside millions.
    """
    for column in ("revision", "year"):
        if column in rows.columns and rows[column].nunique() > 1:
            raise ValueError(f"stock_bar: rows hold more than one {column}; pick one")
    fig = _start(title, source, "stock", SMALL_HEIGHT, lang)
    rows = rows[rows["value"].notna()].astype({"value": "float64"})
    if rows.empty:
        return _no_data(fig, lang)
    rows = rows.assign(rank=rows["value"].rank(method="min", ascending=False).astype(int))
    rows = rows.sort_values(["rank", "destination"])
    highlight = [h for h in highlight if h in set(rows["destination"])]
    shown = rows[(rows["rank"] <= top) | rows["destination"].isin(highlight)]
    labels = []
    for r in shown.itertuples(index=False):
        name = country_name(r.destination, lang)
        name = f"{int(r.rank)}. {name}"  # a numbered list reads the same in every language
        labels.append(f"<b>{name}</b>" if r.destination in highlight else name)
    shown = shown.assign(label=labels)
    longest = max(len(country_name(d, lang)) + 5 for d in shown["destination"])
    left = 14 + int(7.2 * longest)
    vmax, vmin = float(shown["value"].max()), float(shown["value"].min())
    if log:
        lo = 10 ** math.floor(math.log10(max(vmin, 1)))
        hi = 10 ** (math.log10(vmax) + 0.35)
        span = (math.log10(lo), math.log10(hi))

        def share(v: float) -> float:
            return (math.log10(v) - span[0]) / (span[1] - span[0])
    else:
        span = (0.0, vmax * 1.3)

        def share(v: float) -> float:
            return v / span[1]
    for is_claim in (False, True):
        part = shown[shown["destination"].isin(highlight) == is_claim]
        if part.empty:
            continue
        hover = [ngettext("{name}: {value} person ({rank} of {of})", "{name}: {value} people ({rank} of {of})",
                          int(r.value), lang, name=country_name(r.destination, lang),
                   value=formatting.number(r.value, lang), rank=formatting.ordinal(int(r.rank), lang),
                   of=len(rows))
                 for r in part.itertuples(index=False)]
        # Long bars carry their figure inside (white), short ones just outside: nothing runs off a phone.
        fig.add_trace(go.Bar(
            x=[float(v) for v in part["value"]], y=list(part["label"]), orientation="h",
            text=[formatting.number(v, lang) for v in part["value"]], cliponaxis=False,
            textposition=["inside" if share(float(v)) >= 0.6 else "outside" for v in part["value"]],
            insidetextanchor="end", insidetextfont={"size": 12, "color": LIGHT.bar_text},
            outsidetextfont={"size": 12, "color": HIGHLIGHT if is_claim else LIGHT.ink},
            marker={"color": HIGHLIGHT if is_claim else OTHER,
                    "pattern": {"shape": "/" if is_claim else "", "fgcolor": LIGHT.bar_text, "size": 6}},
            name=_("in the claim", lang) if is_claim else _("others", lang),
            hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            meta={"highlight": is_claim, "destinations": list(part["destination"])},
        ))
    order = list(shown["label"])
    height = max(SMALL_HEIGHT, 110 + 30 * len(order))
    subtitle = _("Hatched, in bold: named in the claim", lang)
    if log:
        subtitle += " · " + _("log scale", lang)
    fig.update_layout(height=height, margin={"l": left, "r": 12, "t": 52}, barmode="overlay", bargap=0.25,
                      title={"subtitle": {"text": subtitle, "font": {"size": 11, "color": LIGHT.muted}}})
    fig.update_yaxes(categoryorder="array", categoryarray=order, autorange="reversed", ticks="",
                     gridcolor=TRANSPARENT, ticklabelstandoff=4)
    if log:
        ticks = [10 ** k for k in range(round(span[0]), math.floor(span[1]) + 1)]
        fig.update_xaxes(type="log", range=list(span), tickvals=ticks,
                         ticktext=[formatting.compact(t, lang) for t in ticks], gridcolor=LIGHT.grid, showgrid=True)
    else:
        fig.update_xaxes(range=list(span), showticklabels=False, showline=False, ticks="")
    if top_line is not None and top_line < len(order):
        fig.add_hline(y=top_line - 0.5, line={"width": 1.5, "dash": "dash", "color": LIGHT.ink}, name="top-line")
        fig.add_annotation(text=top_label or _("top {n}", lang, n=top_line), xref="paper", x=1, y=top_line - 0.5,
                           yref="y",
                           xanchor="right", yanchor="bottom", showarrow=False, font={"size": 11, "color": LIGHT.ink},
                           name="top-line")
    return _fit(fig, ticks=24 if log else 6, legend_rows=0)


# --- which years have an official figure -------------------------------------------------------------------

def coverage_strip(official: pd.DataFrame, *, first: int, last: int, official_label: str, title: str,
                   source: str, alternative: pd.DataFrame | None = None, alternative_label: str = "",
                   lang: str = "en") -> go.Figure:
    """One cell per year ``first``..``last``: filled where the official series has a figure, hatched
    grey where it has none; a second row for ``alternative`` (a model estimate, never mixed in).

    ``official`` / ``alternative``: columns year, value (a missing value is a gap, not a zero).
    """
    fig = _start(title, source, "coverage", STRIP_HEIGHT, lang)
    years = list(range(first, last + 1))

    def covered(frame: pd.DataFrame | None) -> set[int]:
        if frame is None:
            return set()
        frame = frame[frame["value"].notna()]
        return {int(y) for y in frame["year"] if first <= int(y) <= last}

    rows = [(official_label, covered(official), LIGHT.immigrants, "")]
    if alternative is not None:
        rows.append((alternative_label, covered(alternative), LIGHT.model, "."))
    height = 0.62
    gap_name = _("no official figure", lang)
    gap_shown = False
    for i, (label, have, colour, pattern) in enumerate(rows):
        base = len(rows) - 1 - i  # first row on top
        yes = [y for y in years if y in have]
        no = [y for y in years if y not in have]
        if yes:
            fig.add_trace(go.Bar(
                x=yes, y=[height] * len(yes), base=[base] * len(yes), width=0.86, name=label, showlegend=False,
                marker={"color": colour, "line": {"width": 0}, "pattern": {"shape": pattern, "fgcolor": LIGHT.ink,
                                                                           "size": 5}},
                hovertext=[_("{year}: {label}", lang, year=y, label=label) for y in yes],
                hovertemplate="%{hovertext}<extra></extra>", meta={"row": label, "covered": True, "years": yes}))
        if no:
            fig.add_trace(go.Bar(
                x=no, y=[height] * len(no), base=[base] * len(no), width=0.86, name=gap_name,
                showlegend=not gap_shown, legendgroup="gap",
                marker={"color": LIGHT.gap_fill, "line": {"width": 1, "color": LIGHT.gap_edge},
                        "pattern": {"shape": "x", "fgcolor": LIGHT.gap_edge, "size": 6}},
                hovertext=[_("{year}: {label}", lang, year=y, label=gap_name) for y in no],
                hovertemplate="%{hovertext}<extra></extra>", meta={"row": label, "covered": False, "years": no}))
            gap_shown = True
        fig.add_annotation(text=ngettext("{label}: {n} of {total} year", "{label}: {n} of {total} years", len(years),
                                         lang, label=label, n=len(yes), total=len(years)),
                           xref="paper", x=0, y=base + height, yref="y", xanchor="left", yanchor="bottom",
                           showarrow=False, font={"size": 12}, name="row-label")
    fig.update_layout(barmode="overlay", margin={"l": 12, "t": 40})
    fig.update_yaxes(range=[-0.05, len(rows) - 1 + height + 0.4], visible=False)
    fig.update_xaxes(range=[first - 0.6, last + 0.6], **_year_ticks(first, last), showline=False)
    return _fit(fig, legend_rows=1)


def years_covered(frame: pd.DataFrame, first: int, last: int) -> list[int]:
    """The years of ``first``..``last`` with a value in ``frame`` (for captions and tests)."""
    frame = frame[frame["value"].notna()]
    return sorted(int(y) for y in frame["year"] if first <= int(y) <= last)
