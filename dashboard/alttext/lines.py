"""Alt text of line and marker charts: each series' span, highest, lowest and latest figures, lone figures and gaps."""

from __future__ import annotations

import re

import plotly.graph_objects as go

from dashboard import formatting
from dashboard.figures.common import STATUS_SYMBOLS
from dashboard.i18n import _, ngettext
from dashboard.alttext.common import (Point, Series, _at, _head, _meta, _no_data, _plain, _series, _shown, _span, _style, _titles, _trace_points, _value, _whens)

MAX_SERIES = 4  # series described in full; the others are named ("and 2 more series: ...")
TOP = 3  # largest bars / countries named
STATUSES = ("final", "preliminary", "rounded")
# A hollow marker the chart draws for a status (the trends key: "○ preliminary", "◇ rounded").
_SYMBOL_STATUS = {symbol: status for status, symbol in STATUS_SYMBOLS.items() if status != "final"}
_TAG = re.compile(r"<[^>]+>")



def _line_series(fig: go.Figure, lang: str) -> tuple[list[Series], list[str]]:
    """Every series a reader sees, and the sentences about a claim's band (range and rank charts)."""
    legend_names = {t.legendgroup: t.name for t in fig.data
                    if _meta(t).get("role") == "legend" and t.legendgroup and t.name}
    title = _titles(fig)[0]
    out, extra = [], []
    outcome_traces = [t for t in fig.data if t.type == "scatter" and _shown(t) and _meta(t).get("outcome")]
    backbone = next((t for t in fig.data if t.type == "scatter" and _meta(t).get("role") == "line"), None)
    for i, trace in enumerate(fig.data):
        if trace.type != "scatter" or not _shown(trace) or trace is backbone or any(trace is t for t in outcome_traces):
            continue
        seq = _trace_points(trace, lang)
        values = [p.value for _pos, p in seq if p is not None]
        if not values:
            continue
        # The legend's name: a series drawn with its status markers has its legend entry in a trace of its own.
        legend = legend_names.get(trace.legendgroup) if trace.showlegend is False else None
        name = _plain(legend) or _plain(trace.name)
        lines = "lines" in (trace.mode or "lines") and trace.connectgaps is not True
        series = _series(name or title, seq, lines=lines, style=_style(fig, trace, values),
                         rank=trace.legendrank if trace.legendrank is not None else 1000 + i)
        if series:
            out.append(series)
    if outcome_traces or backbone is not None:
        series, sentence = _outcome_series(fig, backbone, outcome_traces, title, lang)
        if series:
            out.insert(0, series)
        extra += [sentence] if sentence else []
    out.sort(key=lambda s: s.rank)
    return out, extra


def _outcome_series(fig: go.Figure, backbone, markers: list, title: str, lang: str) -> tuple[Series | None, str]:
    """A claim's range chart: one series (the grey line and the markers on it), named by the chart's title,
    and how many years its markers put inside and outside the claimed band."""
    status_at: dict = {}
    found: dict[str, list[Point]] = {}
    for trace in markers:
        for _pos, p in _trace_points(trace, lang):
            if p is not None:
                status_at[p.position] = p.status
                found.setdefault(str(_meta(trace)["outcome"]), []).append(p)
    if backbone is not None:
        seq = [(pos, None if p is None else Point(p.position, p.value, p.when, p.year, p.period,
                                                  status_at.get(p.position, "final")))
               for pos, p in _trace_points(backbone, lang)]
        lines = True
    else:
        seq = [(p.position, p) for p in sorted((p for ps in found.values() for p in ps),
                                               key=lambda p: float(p.position))]
        lines = False
    values = [p.value for _pos, p in seq if p is not None]
    if not values:
        return None, ""
    series = _series(title, seq, lines=lines, style="signed" if min(values) < 0 else "number", rank=-1)
    if not found:
        return series, ""
    band = next((_plain(a.text) for a in fig.layout.annotations if a.name == "claim-band"), "") or _(
        "the claimed range", lang)

    def count(outcome: str) -> str:
        pts = sorted(found.get(outcome, []), key=lambda p: float(p.position))
        n = ngettext("{n} year", "{n} years", len(pts), lang)
        return _("{count} ({years})", lang, count=n, years=_whens(pts, lang)) if pts else n

    if found.get("borderline"):
        sentence = _("Against the shaded band “{band}”: inside in {inside}, outside in {outside}, too close "
                     "to call in {borderline}.", lang, band=band, inside=count("inside"), outside=count("outside"),
                     borderline=count("borderline"))
    else:
        sentence = _("Against the shaded band “{band}”: inside in {inside}, outside in {outside}.", lang, band=band,
                     inside=count("inside"), outside=count("outside"))
    return series, sentence


def _describe(series: Series, lang: str) -> list[str]:
    """A few sentences: span, highest and lowest (best and worst rank), latest; lone figures; gaps."""
    pts, style = series.points, series.style
    name, span = series.name, _span(pts, lang)
    out = []
    if len(pts) == 1:
        out.append(_("{name}: {point}.", lang, name=name, point=_at(pts, style, lang)))
    else:
        values = [p.value for p in pts]
        top, bottom = (min(values), max(values)) if style == "rank" else (max(values), min(values))
        high = [p for p in pts if p.value == top]
        low = [p for p in pts if p.value == bottom]
        first, latest = pts[0], pts[-1]
        fields = {"name": name, "span": span}
        if top == bottom:
            out.append(_("{name}, {span}: {value} throughout.", lang, value=_value(top, style, lang), **fields))
        elif style == "rank":
            best, worst, now = _at(high, style, lang), _at(low, style, lang), _at([latest], style, lang)
            if latest.value == bottom:
                out.append(_("{name}, {span}: best {best}; worst and latest {worst}.", lang, best=best, worst=worst,
                             **fields))
            elif latest.value == top:
                out.append(_("{name}, {span}: worst {worst}; best and latest {best}.", lang, best=best, worst=worst,
                             **fields))
            else:
                out.append(_("{name}, {span}: best {best}; worst {worst}; latest {latest}.", lang, best=best,
                             worst=worst, latest=now, **fields))
        elif first.value == top and latest.value == bottom:
            out.append(_("{name}, {span}: fell from {high} to {low}, the highest and lowest figures.", lang,
                         high=_at([first], style, lang), low=_at([latest], style, lang), **fields))
        elif first.value == bottom and latest.value == top:
            out.append(_("{name}, {span}: rose from {low} to {high}, the lowest and highest figures.", lang,
                         high=_at([latest], style, lang), low=_at([first], style, lang), **fields))
        else:
            highest, lowest = _at(high, style, lang), _at(low, style, lang)
            if latest.value == bottom:
                out.append(_("{name}, {span}: highest {high}; lowest and latest {low}.", lang, high=highest,
                             low=lowest, **fields))
            elif latest.value == top:
                out.append(_("{name}, {span}: lowest {low}; highest and latest {high}.", lang, high=highest,
                             low=lowest, **fields))
            else:
                out.append(_("{name}, {span}: highest {high}; lowest {low}; latest {latest}.", lang, high=highest,
                             low=lowest, latest=_at([latest], style, lang), **fields))
    if series.lone:
        out.append(ngettext("A lone figure, apart from the line: {points}.",
                            "{n} lone figures, apart from the line: {points}.", len(series.lone), lang,
                            points=formatting.join([_at([p], style, lang) for p in series.lone], lang)))
    if series.gaps:
        out.append(_("No figure for {years}.", lang, years=formatting.years(series.gaps, lang)))
    return out


def _bands(fig: go.Figure, lang: str) -> list[str]:
    """Shaded claims a reader sees: a band named in the legend, or labelled on the plot."""
    names = [_plain(s.name) for s in fig.layout.shapes if s.showlegend and s.name]
    names += [_plain(a.text) for a in fig.layout.annotations if a.name == "claim-band"]
    return [_("Shaded band: “{band}”.", lang, band=b) for b in dict.fromkeys(n for n in names if n)]


# --- maps and bars -----------------------------------------------------------------------------------------


def _lines(fig: go.Figure, lang: str) -> list[str]:
    series, extra = _line_series(fig, lang)
    out = [_head("line", _titles(fig)[0], "", lang)]
    if not series:
        return out + _no_data(fig)
    for s in series[:MAX_SERIES]:
        out += _describe(s, lang)
    rest = series[MAX_SERIES:]
    if rest:
        out.append(ngettext("And {n} more series: {names}.", "And {n} more series: {names}.", len(rest), lang,
                            names=formatting.join([s.name for s in rest], lang)))
    out += extra or _bands(fig, lang)
    return out
