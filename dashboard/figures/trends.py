"""Trends: Kazakhstan's registered emigrants, immigrants and net migration by year, with dated events;
and BNS registered net migration beside the World Bank / UN WPP model estimate (never one trace).

Pure functions: frames and options in, ``go.Figure`` out.  Notices a reader must see (a hidden
series, years without a per-1,000 value) travel in ``fig.layout.meta["notices"]``; the note under
the comparison chart in ``fig.layout.meta["note"]``.
"""

from __future__ import annotations

import math
import textwrap
from typing import Iterable, Sequence

import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.events import Event
from dashboard.figures.common import MEASURE_COLOURS, PALETTE, STATUS_SYMBOLS, base_layout, status_label
from dashboard.i18n import _

MEASURES = ("emigrants", "immigrants", "net")
_LEVELS = 4  # event labels are staggered over this many rows so neighbours never overprint
_HEADROOM = 0.5  # share of the data's height added above it for the event labels


def measure_label(measure: str, lang: str = "en") -> str:
    return {"emigrants": _("Emigrants", lang), "immigrants": _("Immigrants", lang),
            "net": _("Net migration", lang)}.get(measure, measure)


def bns_label(lang: str = "en") -> str:
    return _("BNS: registered moves", lang)


def model_label(lang: str = "en") -> str:
    return _("World Bank / UN WPP: model estimate", lang)


def year_span(frame: pd.DataFrame) -> tuple[int, int]:
    """First and last year with a row in ``frame``."""
    years = frame["year"].dropna().astype(int)
    return int(years.min()), int(years.max())


def _dtick(first: int, last: int) -> int:
    span = last - first
    return 1 if span <= 5 else 2 if span <= 10 else 5  # at most ~7 labels: readable on a 375 px phone


def _fit_bottom(fig: go.Figure, bottom: int) -> None:
    """Room under the plot for a legend that wraps on a phone, then the source line on two lines.

    base_layout's legend (y=-0.18) and source line (78 px under the plot) overlap once the legend wraps,
    and the one-line source is wider than a 375 px screen; here the legend sits right under the tick
    labels and the source line breaks before "Data as of".  ``bottom`` leaves room for four legend rows.
    """
    layout = fig.layout
    plot_height = layout.height - layout.margin.t - bottom
    fig.update_layout(margin={"b": bottom}, legend={"y": -30 / plot_height, "yanchor": "top", "x": 0})
    for note in layout.annotations:
        if note.name == "source":
            head, sep, tail = note.text.partition(". ")
            note.update(text=head + "." + "<br>" + tail if sep and tail else note.text, yshift=-(bottom - 6),
                        x=0, xshift=-layout.margin.l + 6)


_KEY_GLYPHS = {"preliminary": "○", "rounded": "◇"}  # drawn as STATUS_SYMBOLS circle-open / diamond-open


def _status_key(fig: go.Figure, statuses: set, bottom: int, lang: str) -> None:
    """A one-line note under the legend: "Hollow markers: ○ preliminary  ◇ rounded" (only those shown)."""
    shown = [s for s in _KEY_GLYPHS if s in statuses]
    if not shown:
        return
    text = _("Hollow markers: {key}", lang, key="   ".join(f"{_KEY_GLYPHS[s]} {status_label(s, lang)}"
                                                           for s in shown))
    fig.add_annotation(text=text, showarrow=False, xref="paper", yref="paper", x=0, y=0, yshift=-(bottom - 38),
                       xshift=-fig.layout.margin.l + 6, xanchor="left", yanchor="bottom", align="left",
                       font={"size": 12, "color": "#333"}, name="status-key")


def _year_axis(fig: go.Figure, first: int, last: int, extra: Iterable[float] = ()) -> None:
    lo, hi = min([first, *extra]), max([last, *extra])
    fig.update_xaxes(range=[lo - 0.4, hi + 0.4], tickformat="d", tick0=first - first % _dtick(first, last),
                     dtick=_dtick(first, last), title=None)


def event_date(event: Event, lang: str) -> str:
    if not event.month:
        return str(event.year)
    return f"{periods.month_name(event.month, lang, 'abbreviated')} {event.year}"


def _wrap(text: str, width: int = 48) -> str:
    """Hover text in short lines, so it fits a phone screen (plotly does not wrap hover labels)."""
    return "<br>".join(textwrap.wrap(text, width)) or text


def _one_per_year(rows: pd.DataFrame, what: str) -> pd.DataFrame:
    if rows["year"].duplicated().any():
        raise ValueError(f"{what}: more than one row for a year; pick one release before drawing")
    return rows.set_index("year")


def _extent(values: list, log: bool) -> tuple[float, float, float] | None:
    """(lowest, highest, top): top leaves room above the data for the event labels; None without data."""
    finite = [v for v in values if v is not None and not (isinstance(v, float) and math.isnan(v))]
    finite = [v for v in finite if v > 0] if log else finite
    if not finite:
        return None
    lo, hi = min(finite), max(finite)
    if log:
        return lo, hi, 10 ** (math.log10(hi) + _HEADROOM * max(math.log10(hi) - math.log10(lo), 0.5))
    low, high = min(lo, 0), max(hi, 0)
    return lo, hi, high + _HEADROOM * ((high - low) or abs(high) or 1)


def _log_ticks(values: list) -> list[float]:
    """1-2-5 ticks from the lowest positive value up to the label headroom (log axis)."""
    extent = _extent(values, log=True)
    if extent is None:
        return []
    lo, _hi, top = extent
    ticks = [m * 10 ** k for k in range(math.floor(math.log10(lo)) - 1, math.ceil(math.log10(top)) + 1)
             for m in (1, 2, 5)]
    return [round(t, 6) for t in ticks if lo / 2.5 <= t <= top]


def _tick_text(value: float, lang: str) -> str:
    return formatting.number(value, lang, max_decimals=0 if value >= 1 else 3)


def _headroom(fig: go.Figure, values: list, log: bool) -> None:
    """Extend the y autorange upwards so the event labels sit above the data, not on it."""
    extent = _extent(values, log)
    if extent is not None:
        fig.update_yaxes(autorangeoptions={"include": [extent[2]]})


def _add_events(fig: go.Figure, events: Sequence[Event], first: int, last: int, lang: str) -> list[float]:
    """Dotted vertical lines with short staggered labels; the note and source on hover."""
    shown = sorted((e for e in events if first <= e.year <= last), key=lambda e: e.x)
    xs = [e.x for e in shown]
    lo, hi = min([first, *xs]), max([last, *xs])
    for i, event in enumerate(shown):
        fig.add_shape(type="line", x0=event.x, x1=event.x, xref="x", y0=0, y1=1, yref="paper",
                      line={"color": PALETTE["grey"], "width": 1, "dash": "dot"}, layer="below",
                      name=f"event {event.date}")
        right_half = event.x > (lo + hi) / 2
        fig.add_annotation(
            x=event.x, xref="x", y=1 - (i % _LEVELS) * 0.075, yref="paper", yanchor="top",
            xanchor="right" if right_half else "left", xshift=-3 if right_half else 3,
            text=_(event.label, lang), showarrow=False, align="right" if right_half else "left",
            font={"size": 11, "color": "#333"}, bgcolor="rgba(255,255,255,0.85)",
            hovertext=_wrap(f"{event_date(event, lang)}: {_(event.note, lang)}") + "<br>"
                      + _wrap(_("Source: {source}", lang, source=event.source)),
            name=f"event {event.date}")
    return xs


def _legend_entry(fig: go.Figure, name: str, line: dict, size: int, group: str) -> None:
    """The legend entry of a series whose markers vary by status, drawn with the plain (final) marker.

    plotly draws a legend symbol from a trace's first marker, which may be hollow; this entry carries no
    data (x=y=[None]) and shares the series' legendgroup, so clicking it still hides the series.
    """
    fig.add_trace(go.Scatter(x=[None], y=[None], name=name, mode="lines+markers", line=line,
                             marker={"symbol": STATUS_SYMBOLS["final"], "size": size, "color": line["color"]},
                             legendgroup=group, hoverinfo="skip", meta={"role": "legend", "group": group}))


def migration_lines(frame: pd.DataFrame, *, measures: Sequence[str], per_1000: bool = False, log: bool = False,
                    years: tuple[int, int] | None = None, events: Sequence[Event] = (), source: str,
                    lang: str = "en") -> go.Figure:
    """One line per measure over every year of ``years`` (None where there is no figure, so lines break).

    ``frame`` is the kz-migration dataset (year, measure, value, per_1000, status, source, citation).
    ``per_1000`` draws the per_1000 column (a year without population is a gap, with a notice);
    ``log`` uses a log y axis and hides net migration, which can be negative (with a notice).
    Markers of preliminary and rounded values use ``STATUS_SYMBOLS`` and say so on hover.
    """
    first, last = years or year_span(frame)
    axis_years = list(range(first, last + 1))
    column = "per_1000" if per_1000 else "value"
    notices: list[str] = []
    shown = [m for m in MEASURES if m in measures]
    if log and "net" in shown:
        shown.remove("net")
        notices.append(_("Net migration is hidden on the log scale: it can be negative, and a log axis shows "
                         "only positive values. Switch to the linear scale to see it.", lang))
    if not measures:
        notices.append(_("Choose at least one measure to draw.", lang))

    fig = go.Figure()
    statuses, plotted, no_population = set(), [], set()
    for measure in shown:
        rows = _one_per_year(frame[(frame["measure"] == measure) & frame["year"].between(first, last)], measure)
        ys, symbols, marks, hover = [], [], [], []
        for year in axis_years:
            row = rows.loc[year] if year in rows.index else None
            value = None if row is None or pd.isna(row[column]) else row[column]
            if row is not None and value is None and per_1000 and not pd.isna(row["value"]):
                no_population.add(year)
            if value is None:  # a gap: None breaks the line
                ys.append(None)
                symbols.append(STATUS_SYMBOLS["final"])
                marks.append(None)
                hover.append("")
                continue
            status = str(row["status"])
            statuses.add(status)
            number = (_("{value} per 1,000 residents ({people} people)", lang, value=formatting.number(value, lang, decimals=2),
                        people=formatting.number(row["value"], lang)) if per_1000 else _("{people} people", lang,
                                                                           people=formatting.number(value, lang)))
            if status != "final":
                number += f" ({status_label(status, lang)})"
            citation = "" if pd.isna(row.get("citation")) else str(row["citation"])
            cited = _("Source: {source}", lang, source=str(row["source"]) + (f" — {citation}" if citation else ""))
            hover.append(f"<b>{measure_label(measure, lang)}, {year}</b><br>{number}<br>{cited}")
            ys.append(float(value) if per_1000 else int(value))
            symbols.append(STATUS_SYMBOLS.get(status, STATUS_SYMBOLS["final"]))
            marks.append(status)
        plotted += ys
        line = {"color": MEASURE_COLOURS[measure], "width": 2}
        fig.add_trace(go.Scatter(
            x=axis_years, y=ys, name=measure_label(measure, lang), mode="lines+markers", connectgaps=False,
            line=line, marker={"symbol": symbols, "size": 8, "color": MEASURE_COLOURS[measure],
                               "line": {"width": 2, "color": MEASURE_COLOURS[measure]}},
            customdata=marks, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
            showlegend=False, legendgroup=measure, meta={"measure": measure, "column": column}))
        _legend_entry(fig, measure_label(measure, lang), line, 8, measure)

    if no_population:
        notices.append(_("No per-1,000 value for {years}: the population figure is not available yet, so "
                         "the point is left as a gap.", lang, years=", ".join(str(y) for y in sorted(no_population))))

    title = _("Migration per 1,000 residents", lang) if per_1000 else _("Registered migration, Kazakhstan", lang)
    base_layout(fig, title, source, height=480)
    fig.update_layout(meta={"source": source, "notices": notices}, hovermode="closest")
    _fit_bottom(fig, 156)
    _status_key(fig, statuses, 156, lang)
    fig.update_yaxes(title=_("per 1,000 residents", lang) if per_1000 else _("people", lang),
                     type="log" if log else "linear")
    if log:
        ticks = _log_ticks(plotted)
        fig.update_yaxes(tickvals=ticks, ticktext=[_tick_text(v, lang) for v in ticks])
    else:
        fig.update_yaxes(rangemode="tozero")
    event_xs = _add_events(fig, events, first, last, lang)
    _year_axis(fig, first, last, event_xs)
    _headroom(fig, plotted, log)
    return fig


def _series(frame: pd.DataFrame, what: str, first: int, last: int) -> pd.DataFrame:
    return _one_per_year(frame[frame["year"].between(first, last)].dropna(subset=["value"]), what)


def compare_year(bns_net: pd.DataFrame, model_net: pd.DataFrame, years: tuple[int, int]) -> int | None:
    """The year the note quotes: the latest year in range where both exist and disagree in sign, else the
    latest year where both exist; None if they share no year."""
    first, last = years
    bns, model = _series(bns_net, "BNS net", first, last), _series(model_net, "model net", first, last)
    common = sorted(set(bns.index) & set(model.index))
    if not common:
        return None
    opposite = [y for y in common if (bns.loc[y, "value"] > 0) != (model.loc[y, "value"] > 0)]
    return (opposite or common)[-1]


def compare_note(bns_net: pd.DataFrame, model_net: pd.DataFrame, years: tuple[int, int], lang: str = "en") -> str:
    """Why the two lines differ, with one year's pair of numbers taken from the data."""
    note = _("Two definitions, never combined. BNS counts moves registered for permanent residence; people "
             "who leave without deregistering are not counted. The World Bank figure is a UN World Population "
             "Prospects model estimate of everyone who moves.", lang)
    year = compare_year(bns_net, model_net, years)
    if year is None:
        return note
    bns = _series(bns_net, "BNS net", year, year).loc[year, "value"]
    model = _series(model_net, "model net", year, year).loc[year, "value"]
    return note + " " + _("In {year}: World Bank {model} vs BNS {bns}.", lang, year=year, model=formatting.signed(model, lang),
                          bns=formatting.signed(bns, lang))


def net_compare(bns_net: pd.DataFrame, model_net: pd.DataFrame, *, years: tuple[int, int] | None = None,
                source: str, lang: str = "en") -> go.Figure:
    """BNS registered net migration and the World Bank (UN WPP) model estimate as two separate traces.

    ``bns_net``: kz-migration rows of measure "net" (year, value, status, source, citation).
    ``model_net``: eaeu rows of KAZ net_migration (year, value).  ``years`` defaults to the BNS span.
    """
    for frame, what, column, allowed in ((bns_net, "bns_net", "measure", {"net"}),
                                         (model_net, "model_net", "measure", {"net_migration"}),
                                         (model_net, "model_net", "iso3", {"KAZ"})):
        if column in frame.columns and not set(frame[column].dropna()) <= allowed:
            raise ValueError(f"{what} must hold only {column} {sorted(allowed)}")
    first, last = years or year_span(bns_net)
    axis_years = list(range(first, last + 1))
    bns, model = _series(bns_net, "BNS net", first, last), _series(model_net, "model net", first, last)

    fig = go.Figure()
    ys, symbols, marks, hover = [], [], [], []
    for year in axis_years:
        if year not in bns.index:  # a gap: None breaks the line
            ys.append(None)
            symbols.append(STATUS_SYMBOLS["final"])
            marks.append(None)
            hover.append("")
            continue
        row = bns.loc[year]
        status = str(row["status"]) if "status" in row else "final"
        flag = "" if status == "final" else f" ({status_label(status, lang)})"
        ys.append(int(row["value"]))
        symbols.append(STATUS_SYMBOLS.get(status, STATUS_SYMBOLS["final"]))
        marks.append(status)
        hover.append(f"<b>{bns_label(lang)}</b><br>{formatting.signed(row['value'], lang)}{flag}")
    line = {"color": MEASURE_COLOURS["net"], "width": 2, "dash": "solid"}
    fig.add_trace(go.Scatter(
        x=axis_years, y=ys, name=bns_label(lang), mode="lines+markers", connectgaps=False, line=line,
        marker={"symbol": symbols, "size": 7, "color": MEASURE_COLOURS["net"],
                "line": {"width": 2, "color": MEASURE_COLOURS["net"]}},
        customdata=marks, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>",
        showlegend=False, legendgroup="bns", meta={"definition": "bns-registered"}))
    _legend_entry(fig, bns_label(lang), line, 7, "bns")

    my = [int(model.loc[y, "value"]) if y in model.index else None for y in axis_years]
    fig.add_trace(go.Scatter(
        x=axis_years, y=my, name=model_label(lang), mode="lines+markers", connectgaps=False,
        line={"color": PALETTE["orange"], "width": 2.5, "dash": "dash"},
        marker={"symbol": "square", "size": 6, "color": PALETTE["orange"]},
        hovertext=[f"<b>{model_label(lang)}</b><br>{formatting.signed(v, lang)}" if v is not None else "" for v in my],
        hovertemplate="%{hovertext}<extra></extra>", meta={"definition": "un-wpp-model"}))

    base_layout(fig, _("Net migration: two definitions", lang), source, height=460)
    fig.update_layout(meta={"source": source, "note": compare_note(bns_net, model_net, (first, last), lang)},
                      hovermode="x unified")
    _fit_bottom(fig, 140)
    _status_key(fig, set(marks), 140, lang)
    fig.update_yaxes(title=_("people", lang), zeroline=True, zerolinewidth=1.5)
    _year_axis(fig, first, last)
    return fig


def claim_band(fig: go.Figure, *, low: float, high: float, label: str) -> go.Figure:
    """Shade a claimed range (e.g. the article's "30 to 50 thousand leave every year") behind the lines."""
    fig.add_hrect(y0=low, y1=high, fillcolor=PALETTE["orange"], opacity=0.15, line_width=0, layer="below",
                  name="claim-band")
    fig.add_annotation(text=label, xref="paper", x=0.01, xanchor="left", y=high, yanchor="bottom",
                       showarrow=False, font={"size": 11, "color": "#7a5200"}, name="claim-band-label")
    return fig
