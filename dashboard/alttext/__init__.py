"""Alt text derived from a figure's own data: what a sighted reader sees, in words, for screen readers.

Lines: per series (by its legend name) the years or periods covered, the highest and lowest figure with
their years, the latest, lone figures a gap separates from the line, and the gaps; rank charts (1st at the
top) the best and worst rank instead.  Maps and bars: the three largest and how many there are.  A figure's
status is named where the chart marks it (hollow markers, "≈"): "65,000 in 2004 (rounded)".  Partial
periods are named as periods ("January–September 2020"), never as years.
"""

from __future__ import annotations

import re

import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.countries import country_name
from dashboard.figures.common import STATUS_SYMBOLS
from dashboard.i18n import _, ngettext
from dashboard.alttext.common import (_head, _item, _list, _meta, _no_data, _plain, _positions, _shown, _statuses, _titles)
from dashboard.alttext.lines import _lines

MAX_SERIES = 4  # series described in full; the others are named ("and 2 more series: ...")
TOP = 3  # largest bars / countries named
STATUSES = ("final", "preliminary", "rounded")
# A hollow marker the chart draws for a status (the trends key: "○ preliminary", "◇ rounded").
_SYMBOL_STATUS = {symbol: status for status, symbol in STATUS_SYMBOLS.items() if status != "final"}
_TAG = re.compile(r"<[^>]+>")



def _map(fig: go.Figure, lang: str) -> list[str]:
    """The largest destinations and how many countries have a figure (the outlined selection is not one)."""
    pairs: dict[str, float] = {}
    for trace in fig.data:
        if trace.type != "choropleth" or not _shown(trace) or _meta(trace).get("role") == "selected":
            continue
        custom = _list(trace.customdata)
        # Colour may be a class or a log: the real value is the first customdata column when present.
        values = ([row[0] if _list(row) else row for row in custom] if custom else _list(trace.z))
        for code, value in zip(_list(trace.locations), values):
            if formatting.is_number(value):
                pairs[str(code)] = float(value)
    title, second, subtitle = _titles(fig)
    out = [_head("map", title, subtitle or second, lang)]
    if not pairs:
        return out + _no_data(fig)
    top = sorted(pairs.items(), key=lambda kv: -kv[1])[:TOP]
    out.append(_("Largest: {top}.", lang, top=formatting.join([_item(country_name(c, lang), v, "final", lang)
                                                                 for c, v in top], lang)))
    out.append(ngettext("{n} country has a figure.", "{n} countries have a figure.", len(pairs), lang,
                        n=formatting.number(len(pairs), lang)))
    zeros = sum(1 for v in pairs.values() if v == 0)
    if zeros:
        out.append(ngettext("{n} of them is published as 0.", "{n} of them are published as 0.", zeros, lang))
    return out


def _panel(measure: str, lang: str) -> str:
    return {"departures": _("departures", lang), "arrivals": _("arrivals", lang),
            "net": _("net migration", lang)}.get(measure, measure)


def _coverage(fig: go.Figure, lang: str) -> list[str]:
    """A coverage strip: for each row, the years with a figure (``meta.row``, ``meta.covered``)."""
    rows: dict[str, dict[bool, list[int]]] = {}
    for trace in fig.data:
        meta = _meta(trace)
        if trace.type == "bar" and "covered" in meta and _shown(trace):
            rows.setdefault(str(meta.get("row")), {}).setdefault(bool(meta["covered"]), []).extend(
                int(y) for y in _list(meta.get("years")))
    out = []
    for row, parts in rows.items():
        have, total = sorted(parts.get(True, [])), len(parts.get(True, [])) + len(parts.get(False, []))
        if have and len(have) < total:
            out.append(ngettext("{label}: a figure in {n} of {total} year ({years}).",
                                "{label}: a figure in {n} of {total} years ({years}).", total, lang,
                                label=_plain(row), n=len(have), total=total, years=formatting.years(have, lang)))
        else:
            out.append(ngettext("{label}: a figure in {n} of {total} year.", "{label}: a figure in {n} of {total} years.",
                                total, lang, label=_plain(row), n=len(have), total=total))
    return out


def _bars(fig: go.Figure, lang: str) -> list[str]:
    """The largest bars and how many; the bars a claim names (highlighted); countries left out."""
    traces = [t for t in fig.data if t.type == "bar" and _shown(t)]
    entries, highlighted = [], []
    categories = [c for t in traces for c in _positions(t)[0]]
    unique = len(set(map(str, categories))) == len(categories)
    for trace in traces:
        positions, values, _horizontal = _positions(trace)
        statuses = _statuses(trace, len(values))
        meta = _meta(trace)
        codes = _list(meta.get("periods"))
        for i, (position, value) in enumerate(zip(positions, values)):
            if not formatting.is_number(value):
                continue
            series = _plain(trace.name)
            if len(codes) == len(values):
                when = periods.in_sentence(str(codes[i]), lang)
                label = (_("{series}, {panel} in {period}", lang, series=series, period=when,
                           panel=_panel(str(meta["measure"]), lang)) if meta.get("measure")
                         else _("{series} in {period}", lang, series=series, period=when))
            elif unique or not series:
                label = _plain(position)
            else:
                label = _("{series}, {category}", lang, series=series, category=_plain(position))
            entry = (label, float(value), statuses[i] if i < len(statuses) else "final")
            entries.append(entry)
            if meta.get("highlight"):
                highlighted.append(entry)
    title, second, subtitle = _titles(fig)
    # Which revision and year (or period) the bars show: the title's second line, or the subtitle's first part
    # ("UN DESA revision 2020, mid-2020 · ≈ rounded as published"); a claim chart's subtitle is a key.
    context = second or ("" if "kind" in _meta(fig.layout) else subtitle.split(" · ")[0])
    out = [_head("bar", title, context, lang)]
    if not entries:
        return out + _no_data(fig)
    top = sorted(entries, key=lambda e: -abs(e[1]))[:TOP]
    out.append(_("Largest: {top}.", lang, top=formatting.join([_item(*e, lang) for e in top], lang)))
    out.append(ngettext("{n} bar in all.", "{n} bars in all.", len(entries), lang,
                        n=formatting.number(len(entries), lang)))
    if highlighted:
        out.append(_("Named in the claim: {items}.", lang,
                     items=formatting.join([_item(*e, lang) for e in highlighted], lang)))
    excluded = [country_name(str(c), lang) for c in _list(_meta(fig.layout).get("exclude"))]
    if excluded and not all(name in context for name in excluded):
        out.append(_("Not shown: {names}.", lang, names=formatting.join(excluded, lang)))
    return out


def alt_text(fig: go.Figure, lang: str = "en") -> str:
    """What the chart shows, e.g. "Line chart: Registered migration, Kazakhstan. Net migration, 2010–2025:
    highest +16,550 in 2024; lowest −32,970 in 2019; latest +16,153 in 2025 (preliminary).\""""
    kinds = {t.type for t in fig.data if _shown(t)}
    if "choropleth" in kinds:
        parts = _map(fig, lang)
    elif any(t.type == "bar" and "covered" in _meta(t) for t in fig.data):
        parts = [_head("chart", _titles(fig)[0], "", lang), *_coverage(fig, lang)]
    elif "bar" in kinds:
        parts = _bars(fig, lang)
    elif "scatter" in kinds:
        parts = _lines(fig, lang)
    else:
        parts = [_head("chart", _titles(fig)[0], "", lang), *_no_data(fig)]
    return " ".join(p for p in parts if p).strip()
