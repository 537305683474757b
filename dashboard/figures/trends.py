"""Trends: Kazakhstan's registered emigrants, immigrants and net migration by year, with dated events;
and BNS registered net migration beside the World Bank / UN WPP model estimate (never one trace).

Pure functions: frames and options in, ``go.Figure`` out.  Notices a reader must see (a hidden
series, years without a per-1,000 value) travel in ``fig.layout.meta["notices"]``; the note under
the comparison chart in ``fig.layout.meta["note"]``.
"""

from __future__ import annotations

import math
import textwrap
from typing import TYPE_CHECKING, Iterable, Sequence

import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.events import Event
from dashboard.figures.common import MEASURE_COLOURS, STATUS_SYMBOLS, layout_dict, status_label
from dashboard.figures.theme import LIGHT
from dashboard.i18n import _

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

MEASURES = ("emigrants", "immigrants", "net")
_LEVELS = 2  # event numbers are staggered over two rows so close events never overprint
_HEADROOM = 0.12  # share of the data's height added above it for the event numbers


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


_KEY = {"preliminary": STATUS_SYMBOLS["preliminary"], "rounded": STATUS_SYMBOLS["rounded"]}


def _status_key(statuses: set, lang: str) -> list[dict]:
    """Legend entries explaining the hollow markers ("○ preliminary", "◇ rounded"), only those shown: in the
    legend, which plotly lays out at any width, never as a loose note that can print over it."""
    return [_scatter(x=[None], y=[None], mode="markers", name=status_label(status, lang),
                     marker={"symbol": symbol, "size": 9, "color": LIGHT.ink, "line": {"width": 2, "color": LIGHT.ink}},
                     hoverinfo="skip", legendgroup=f"status-{status}", showlegend=True,
                     meta={"role": "legend", "group": "status"})
            for status, symbol in _KEY.items() if status in statuses]


def _scatter(**props) -> dict:
    # Traces are plain dicts until the figure is made once, from all of them (plotly validates a trace
    # again, and copies it, each time one is added to a figure).
    return {"type": "scatter", **props}


def _year_axis(first: int, last: int, extra: Iterable[float] = ()) -> dict:
    """Whole years only; plotly picks how many fit the width (a phone gets fewer), never "2 ... 2025"."""
    lo, hi = min([first, *extra]), max([last, *extra])
    ticks = {"dtick": 1} if last - first <= 6 else {"nticks": 8}
    return {"range": [lo - 0.6, hi + 0.6], "tickformat": "d", "title": None, **ticks}


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


def _headroom(values: list, log: bool) -> dict:
    """Extend the y autorange upwards so the event labels sit above the data, not on it."""
    extent = _extent(values, log)
    return {} if extent is None else {"autorangeoptions": {"include": [extent[2]]}}


def shown_events(events: Sequence[Event], first: int, last: int) -> list[Event]:
    """The events inside the chart's years, in date order (their numbers on the chart are 1, 2, ...)."""
    return sorted((e for e in events if first <= e.year <= last), key=lambda e: e.x)


def _events(events: Sequence[Event], first: int, last: int, lang: str) -> tuple[list[dict], list[dict]]:
    """Dotted vertical lines (shapes), each with its number at the top of the plot (annotations; the key
    lists them under the chart: a number never collides with its neighbour the way a sentence does at
    375 px); the date, note and source on hover."""
    shapes, labels = [], []
    for i, event in enumerate(shown_events(events, first, last)):
        shapes.append({"type": "line", "x0": event.x, "x1": event.x, "xref": "x", "y0": 0, "y1": 1, "yref": "paper",
                       "line": {"color": LIGHT.axis, "width": 1, "dash": "dot"}, "layer": "below",
                       "name": f"event {event.date}"})
        labels.append({
            "x": event.x, "xref": "x", "y": 1 - (i % _LEVELS) * 0.07, "yref": "paper", "yanchor": "top",
            "xanchor": "center", "text": f"<b>{i + 1}</b>", "showarrow": False,
            "font": {"size": 11, "color": LIGHT.ink}, "bgcolor": LIGHT.label_background, "bordercolor": LIGHT.axis,
            "borderwidth": 1, "borderpad": 2,
            "hovertext": _wrap(f"{i + 1}. {event_date(event, lang)}: {_(event.label, lang)}") + "<br>"
                         + _wrap(_(event.note, lang)) + "<br>" + _wrap(_("Source: {source}", lang, source=event.source)),
            "name": f"event {event.date}"})
    return shapes, labels


def event_key(events: Sequence[Event], first: int, last: int, lang: str = "en") -> list[str]:
    """The key to the numbers on the chart, in date order (item N is number N): "Couple leaves for Kyiv (2014)"."""
    return [_("{label} ({date})", lang, label=_(e.label, lang), date=event_date(e, lang))
            for e in shown_events(events, first, last)]


def _legend_entry(name: str, line: dict, size: int, group: str) -> dict:
    """The legend entry of a series whose markers vary by status, drawn with the plain (final) marker.

    plotly draws a legend symbol from a trace's first marker, which may be hollow; this entry carries no
    data (x=y=[None]) and shares the series' legendgroup, so clicking it still hides the series.
    """
    return _scatter(x=[None], y=[None], name=name, mode="lines+markers", line=line,
                    marker={"symbol": STATUS_SYMBOLS["final"], "size": size, "color": line["color"]},
                    legendgroup=group, hoverinfo="skip", meta={"role": "legend", "group": group})


def migration_lines(frame: pd.DataFrame, *, measures: Sequence[str], per_1000: bool = False, log: bool = False,
                    years: tuple[int, int] | None = None, events: Sequence[Event] = (), source: str,
                    bands: Sequence[tuple[float, float, str]] = (), lang: str = "en") -> go.Figure:
    """One line per measure over every year of ``years`` (None where there is no figure, so lines break).

    ``frame`` is the kz-migration dataset (year, measure, value, per_1000, status, source, citation).
    ``per_1000`` draws the per_1000 column (a year without population is a gap, with a notice);
    ``log`` uses a log y axis and hides net migration, which can be negative (with a notice).
    ``bands``: (low, high, label) of claimed ranges shaded behind the lines (:func:`band_shape`).
    Markers of preliminary and rounded values use ``STATUS_SYMBOLS`` and say so on hover.
    """
    import pandas as pd

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

    traces = []
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
        traces.append(_scatter(
            x=axis_years, y=ys, name=measure_label(measure, lang), mode="lines+markers", connectgaps=False,
            line=line, marker={"symbol": symbols, "size": 8, "color": MEASURE_COLOURS[measure],
                               "line": {"width": 2, "color": MEASURE_COLOURS[measure]}},
            customdata=marks, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", cliponaxis=False,
            showlegend=False, legendgroup=measure, meta={"measure": measure, "column": column}))
        traces.append(_legend_entry(measure_label(measure, lang), line, 8, measure))

    if no_population:
        notices.append(_("No per-1,000 value for {years}: the population figure is not available yet, so "
                         "the point is left as a gap.", lang, years=", ".join(str(y) for y in sorted(no_population))))

    title = _("Migration per 1,000 residents", lang) if per_1000 else _("Registered migration, Kazakhstan", lang)
    yaxis = {"title": {"text": _("per 1,000 residents", lang) if per_1000 else _("people", lang)},
             "type": "log" if log else "linear"}
    if log:
        ticks = _log_ticks(plotted)
        yaxis.update(tickvals=ticks, ticktext=[_tick_text(v, lang) for v in ticks])
    else:
        yaxis["rangemode"] = "tozero"
    shapes, labels = _events(events, first, last, lang)
    # The figure is made once, from plain traces and layout: plotly validates (and copies) a figure again
    # on every add_trace and re-applies every update_* edit through path strings (~4x the time).
    return go.Figure(data=traces + _status_key(statuses, lang), layout=layout_dict(
        title, source, height=480, lang=lang,
        layout={"meta": {"source": source, "notices": notices, "events": event_key(events, first, last, lang)},
                "hovermode": "closest", "annotations": labels,
                "shapes": shapes + [band_shape(low=low, high=high, label=label) for low, high, label in bands]},
        xaxis=_year_axis(first, last, [shape["x0"] for shape in shapes]), yaxis={**yaxis, **_headroom(plotted, log)}))


def _series(frame: pd.DataFrame, what: str, first: int, last: int) -> pd.DataFrame:
    return _one_per_year(frame[frame["year"].between(first, last)].dropna(subset=["value"]), what)


def _values(frame: pd.DataFrame, what: str, first: int, last: int) -> dict:
    rows = _series(frame, what, first, last)
    return dict(zip(rows.index, rows["value"].tolist()))


def _compare_pair(bns_net: pd.DataFrame, model_net: pd.DataFrame, years: tuple[int, int]) -> tuple | None:
    """(year, BNS value, model value) for the year the note quotes: the latest year in range where both
    exist and disagree in sign, else the latest year where both exist; None if they share no year."""
    first, last = years
    bns, model = _values(bns_net, "BNS net", first, last), _values(model_net, "model net", first, last)
    common = sorted(set(bns) & set(model))
    if not common:
        return None
    opposite = [y for y in common if (bns[y] > 0) != (model[y] > 0)]
    year = (opposite or common)[-1]
    return year, bns[year], model[year]


def compare_note(bns_net: pd.DataFrame, model_net: pd.DataFrame, years: tuple[int, int], lang: str = "en") -> str:
    """Why the two lines differ, with one year's pair of numbers taken from the data."""
    note = _("Two definitions, never combined. BNS counts moves registered for permanent residence; people "
             "who leave without deregistering are not counted. The World Bank figure is a UN World Population "
             "Prospects model estimate of everyone who moves.", lang)
    pair = _compare_pair(bns_net, model_net, years)
    if pair is None:
        return note
    year, bns, model = pair
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
    bns_trace = _scatter(
        x=axis_years, y=ys, name=bns_label(lang), mode="lines+markers", connectgaps=False, line=line,
        marker={"symbol": symbols, "size": 7, "color": MEASURE_COLOURS["net"],
                "line": {"width": 2, "color": MEASURE_COLOURS["net"]}},
        customdata=marks, hovertext=hover, hovertemplate="%{hovertext}<extra></extra>", cliponaxis=False,
        showlegend=False, legendgroup="bns", meta={"definition": "bns-registered"})

    my = [int(model.loc[y, "value"]) if y in model.index else None for y in axis_years]
    model_trace = _scatter(
        x=axis_years, y=my, name=model_label(lang), mode="lines+markers", connectgaps=False,
        line={"color": LIGHT.model, "width": 2.5, "dash": "dash"},
        marker={"symbol": "square", "size": 6, "color": LIGHT.model}, cliponaxis=False,
        hovertext=[f"<b>{model_label(lang)}</b><br>{formatting.signed(v, lang)}" if v is not None else "" for v in my],
        hovertemplate="%{hovertext}<extra></extra>", meta={"definition": "un-wpp-model"})

    traces = [bns_trace, _legend_entry(bns_label(lang), line, 7, "bns"), model_trace, *_status_key(set(marks), lang)]
    return go.Figure(data=traces, layout=layout_dict(
        _("Net migration: two definitions", lang), source, height=460, lang=lang,
        layout={"meta": {"source": source, "note": compare_note(bns_net, model_net, (first, last), lang)},
                "hovermode": "x unified"},
        xaxis=_year_axis(first, last), yaxis={"title": {"text": _("people", lang)}, "zeroline": True,
                                              "zerolinewidth": 1.5}))


def band_shape(*, low: float, high: float, label: str) -> dict:
    """A claimed range (e.g. the article's "30 to 50 thousand leave every year") shaded behind the lines
    across the plot's width, named in the legend (a label on the plot would sit under the markers and the
    event numbers)."""
    return {"type": "rect", "xref": "x domain", "x0": 0, "x1": 1, "yref": "y", "y0": low, "y1": high,
            "fillcolor": LIGHT.band_fill, "line": {"width": 1, "color": LIGHT.band_edge, "dash": "dot"},
            "layer": "below", "name": label, "showlegend": True, "legendgroup": "claim-band", "legendrank": 1000}

