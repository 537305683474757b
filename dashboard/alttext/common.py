"""Alt text, the shared pieces: points and series read from a figure's traces, figures and dates in words."""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any, Sequence

import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.figures.common import STATUS_SYMBOLS, status_label
from dashboard.i18n import _

MAX_SERIES = 4  # series described in full; the others are named ("and 2 more series: ...")
TOP = 3  # largest bars / countries named
STATUSES = ("final", "preliminary", "rounded")
# A hollow marker the chart draws for a status (the trends key: "○ preliminary", "◇ rounded").
_SYMBOL_STATUS = {symbol: status for status, symbol in STATUS_SYMBOLS.items() if status != "final"}
_TAG = re.compile(r"<[^>]+>")



@dataclass(frozen=True)
class Point:
    position: Any  # where it sits on its axis: a year, a period's place, a category
    value: float
    when: str  # the year or period as a sentence names it
    year: int | None = None  # a whole calendar year, for spans ("2005–2012")
    period: str | None = None  # a published period code (2019-Q1), when known
    status: str = "final"


@dataclass
class Series:
    name: str
    points: list[Point]  # in axis order
    lone: list[Point] = field(default_factory=list)  # single figures a gap separates from the line
    gaps: list[int] = field(default_factory=list)  # years (ints) without a figure inside the span
    style: str = "number"  # number | signed | percent | rank
    rank: float = 1000  # the legend's order (legendrank), so the emphasised series comes first


def _plain(text: Any) -> str:
    """Chart text without its HTML: tags dropped, entities decoded, whitespace collapsed."""
    return re.sub(r"\s+", " ", html.unescape(_TAG.sub(" ", str(text or "")))).strip()


def _list(values: Any) -> list:
    if values is None or isinstance(values, (str, bytes, dict)):
        return []
    try:
        return list(values)
    except TypeError:
        return []


def _meta(obj: Any) -> dict:
    meta = getattr(obj, "meta", None)
    return meta if isinstance(meta, dict) else {}


def _shown(trace) -> bool:
    """Drawn with data: not hidden, not a legend-only key (``meta.role == "legend"``), not text only."""
    if trace.visible in (False, "legendonly") or _meta(trace).get("role") == "legend":
        return False
    return getattr(trace, "mode", None) != "text"


def _is_year(value: Any) -> bool:
    return formatting.is_number(value) and float(value).is_integer()


# --- periods and years ---------------------------------------------------------------------------------------

def _candidates(year: int):
    """Every published period code of a year (2019, 2019-H1, 2019-Q1, 2019-Q1-Q3, ...)."""
    yield str(year)
    yield f"{year}-H1"
    yield f"{year}-H2"
    for first in range(1, 5):
        for last in range(first, 5):
            yield f"{year}-Q{first}" if first == last else f"{year}-Q{first}-Q{last}"


def _period_of_label(label: str, lang: str) -> str | None:
    """The period an axis category names ("2022 H1", "2025 Jan–Sept"), in the chart's own wording."""
    match = re.search(r"\d{4}", label)
    if not match:
        return None
    for code in _candidates(int(match.group())):
        if label in (periods.short(code, lang), periods.label(code, lang)):
            return code
    return None


def _period_at(position: float) -> str | None:
    """The one period placed at ``position`` on a yearly axis (``periods.axis_x``), if only one is."""
    codes = {periods.months(c)[1:]: c for c in _candidates(int(position)) if periods.axis_x(c) == position}
    return next(iter(codes.values())) if len(codes) == 1 else None


def _point(position: Any, value: float, status: str, period: str | None, lang: str) -> Point:
    if period is None and isinstance(position, str):
        period = _period_of_label(_plain(position), lang)
    elif period is None and formatting.is_number(position) and not _is_year(position):
        period = _period_at(float(position))
    if period is not None and periods.is_period(period):
        year = None if periods.is_partial(period) else periods.months(period)[0]
        return Point(position, value, periods.in_sentence(period, lang), year, period, status)
    if _is_year(position):
        return Point(position, value, str(int(position)), int(position), None, status)
    return Point(position, value, _plain(position), None, None, status)


def _whens(points: Sequence[Point], lang: str) -> str:
    """"2019", "1995–1998 and 2002", "the first quarter of 2019 and January–September 2020"."""
    if all(p.year is not None for p in points):
        return formatting.years([p.year for p in points], lang)
    return formatting.join(dict.fromkeys(p.when for p in points), lang)


def _span(points: Sequence[Point], lang: str) -> str:
    first, last = points[0], points[-1]
    if first.when == last.when:
        return first.when
    if first.year is not None and last.year is not None:
        return f"{first.year}–{last.year}"
    return _("{first} to {last}", lang, first=first.when, last=last.when)


# --- figures ---------------------------------------------------------------------------------------------------

def _value(value: float, style: str, lang: str) -> str:
    if style == "rank":
        return formatting.place(int(value), lang)
    if style == "percent":
        return formatting.percent(value, lang)
    if style == "signed":
        return formatting.signed(value, lang)
    return formatting.number(value, lang)


def _with_status(text: str, status: str, lang: str) -> str:
    return text if status == "final" else _("{value} ({status})", lang, value=text, status=status_label(status, lang))


def _at(points: Sequence[Point], style: str, lang: str) -> str:
    """A figure and when: "45,225 in 2019", "65,000 in 2004 (rounded)", "1st in 1995–1998"."""
    text = _("{value} in {when}", lang, value=_value(points[0].value, style, lang), when=_whens(points, lang))
    statuses = {p.status for p in points}
    return _with_status(text, statuses.pop(), lang) if len(statuses) == 1 else text


def _statuses(trace, n: int) -> list[str]:
    """Each point's status, as the figure marks it: its customdata, its meta, or its hollow marker."""
    custom = _list(trace.customdata)
    if len(custom) == n and any(c in STATUSES[1:] for c in custom if isinstance(c, str)):
        return [c if isinstance(c, str) and c in STATUSES else "final" for c in custom]
    meta = _list(_meta(trace).get("status"))
    if len(meta) == n:
        return [str(s) if s in STATUSES else "final" for s in meta]
    marker = getattr(trace, "marker", None)
    symbols = _list(getattr(marker, "symbol", None)) if marker is not None else []
    if len(symbols) == n:
        return [_SYMBOL_STATUS.get(s, "final") for s in symbols]
    texts = _list(getattr(trace, "text", None))
    if len(texts) == n:  # bar labels: "≈30,000" is a rounded figure
        return ["rounded" if isinstance(t, str) and t.startswith("≈") else "final" for t in texts]
    return ["final"] * n


def _axis(fig: go.Figure, ref: str | None):
    """The layout axis a trace refers to ("x", "y2" -> layout.xaxis, layout.yaxis2)."""
    ref = ref or ""
    name = (ref[0] + "axis" + ref[1:]) if ref else None
    return fig.layout[name] if name and name in fig.layout else None


def _reversed(axis) -> bool:
    if axis is None:
        return False
    rng = _list(axis.range)
    return axis.autorange == "reversed" or (len(rng) == 2 and all(formatting.is_number(r) for r in rng)
                                            and rng[0] > rng[1])


def _positions(trace) -> tuple[list, list, bool]:
    """(positions, values, horizontal): the values are on x when the categories are on y."""
    xs, ys = _list(trace.x), _list(trace.y)
    horizontal = (getattr(trace, "orientation", None) == "h" if trace.type == "bar"
                  else any(isinstance(y, str) for y in ys) and any(formatting.is_number(x) for x in xs))
    return (ys, xs, True) if horizontal else (xs, ys, False)


def _trace_points(trace, lang: str) -> list[tuple[Any, Point | None]]:
    """(position, point) in the trace's own order; the point is None where the trace has a position but no
    figure: a gap, which plotly draws as a break in the line."""
    positions, values, _horizontal = _positions(trace)
    n = min(len(positions), len(values))
    statuses = _statuses(trace, len(values))
    codes = _list(_meta(trace).get("periods"))
    codes = codes if len(codes) == n else [None] * n
    out: list[tuple[Any, Point | None]] = []
    for i in range(n):
        if positions[i] is None:
            continue
        point = None
        if formatting.is_number(values[i]):
            point = _point(positions[i], float(values[i]), statuses[i] if i < len(statuses) else "final",
                           str(codes[i]) if codes[i] is not None else None, lang)
        out.append((positions[i], point))
    return out


def _series(name: str, seq: list[tuple[Any, Point | None]], *, lines: bool, style: str,
            rank: float = 1000) -> Series | None:
    """One series from its points in trace order: runs split at gaps, lone figures, interior gap years."""
    known = [i for i, (_pos, p) in enumerate(seq) if p is not None]
    if not known:
        return None
    inner = seq[known[0]:known[-1] + 1]  # leading and trailing gaps are outside the series' span
    points = [p for _pos, p in inner if p is not None]
    runs: list[list[Point]] = [[]]
    for _pos, p in inner:
        if p is None:
            runs.append([])
        else:
            runs[-1].append(p)
    lone: list[Point] = []
    if lines and any(len(r) > 1 for r in runs):
        # A lone figure is not part of the line a reader follows: named apart, so an isolated rounded
        # value cannot stand in for the line's peak.  The latest figure always counts as the line's.
        lone = [r[0] for r in runs if len(r) == 1 and r[0] is not points[-1]]
    main = [p for p in points if not any(p is q for q in lone)]
    if all(p.period is not None for p in main):
        main.sort(key=lambda p: periods.sort_key(p.period))
    elif all(formatting.is_number(p.position) for p in main):
        main.sort(key=lambda p: float(p.position))
    gaps = [int(pos) for pos, p in inner if p is None and _is_year(pos)]
    return Series(name, main, lone, gaps, style, rank)


def _style(fig: go.Figure, trace, values: Sequence[float]) -> str:
    """How a series' figures are written: ranks as ordinals (a reversed axis of whole numbers), shares in
    percent (the axis says "%"), figures that go below zero with their sign (+16,550, −32,970)."""
    horizontal = _positions(trace)[2]
    value_axis = _axis(fig, trace.xaxis if horizontal else trace.yaxis) or (
        fig.layout.xaxis if horizontal else fig.layout.yaxis)
    if _reversed(value_axis) and all(float(v).is_integer() for v in values):
        return "rank"
    if "%" in _plain(value_axis.title.text if value_axis is not None else ""):
        return "percent"
    return "signed" if any(v < 0 for v in values) else "number"


def _titles(fig: go.Figure) -> tuple[str, str, str]:
    """(title, its second line, subtitle): a bar chart's second title line says which revision and year, a
    map's subtitle which revision and year or period (the line charts' subtitles are keys to markers)."""
    head, _sep, rest = str(fig.layout.title.text or "").partition("<br>")
    subtitle = fig.layout.title.subtitle.text if fig.layout.title.subtitle else ""
    return _plain(head), _plain(rest), _plain(subtitle)


def _head(kind: str, title: str, context: str, lang: str) -> str:
    """"Line chart: {title}." (the one sentence naming the kind of chart), with what it shows if given."""
    if context:
        title = _("{title} — {context}", lang, title=title, context=context)
    if not title:
        return _("Chart.", lang)
    return {"map": _("Map: {title}.", lang, title=title), "bar": _("Bar chart: {title}.", lang, title=title),
            "line": _("Line chart: {title}.", lang, title=title)}.get(kind) or _("Chart: {title}.", lang, title=title)


def _item(label: str, value: float, status: str, lang: str) -> str:
    number = formatting.signed(value, lang) if value < 0 else formatting.number(value, lang)
    if status != "final":
        return _("{name} ({value}, {status})", lang, name=label, value=number, status=status_label(status, lang))
    return _("{name} ({value})", lang, name=label, value=number)


def _no_data(fig: go.Figure) -> list[str]:
    """The message an empty chart shows ("Pick at least one country.")."""
    notes = [a for a in fig.layout.annotations
             if a.name == "no-data" or (a.xref == "paper" and a.yref == "paper" and a.x == 0.5 and a.y == 0.5)]
    return [_plain(notes[0].text)] if notes else []
