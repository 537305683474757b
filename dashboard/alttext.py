"""Alt text derived from a figure's own data: what an editor pastes beside an embed for screen readers."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard import formatting
from dashboard.countries import country_name
from dashboard.i18n import _


def _valid(x, y):
    return [(a, b) for a, b in zip(x, y) if formatting.is_number(b)]


def _x_label(x) -> str:
    if isinstance(x, float) and x.is_integer():
        return str(int(x))
    return str(x)


def _line_sentence(trace, lang: str) -> str | None:
    points = _valid(list(trace.x or ()), list(trace.y or ()))
    if len(points) < 2:
        return None
    (x0, y0), (x1, y1) = points[0], points[-1]
    if y1 < y0:
        verb = _("fell from {a} in {x0} to {b} in {x1}", lang, a=formatting.number(y0, lang), x0=_x_label(x0), b=formatting.number(y1, lang), x1=_x_label(x1))
    elif y1 > y0:
        verb = _("rose from {a} in {x0} to {b} in {x1}", lang, a=formatting.number(y0, lang), x0=_x_label(x0), b=formatting.number(y1, lang), x1=_x_label(x1))
    else:
        verb = _("was {a} in {x0} and in {x1}", lang, a=formatting.number(y0, lang), x0=_x_label(x0), x1=_x_label(x1))
    return f"{trace.name}: {verb}" if trace.name else verb


def _top(pairs, lang: str, n: int = 3) -> str:
    pairs = sorted(pairs, key=lambda p: -abs(p[1]))[:n]
    return ", ".join(f"{label} {formatting.number(v, lang)}" for label, v in pairs)


def alt_text(fig: go.Figure, lang: str = "en") -> str:
    """e.g. "Line chart: Emigrants: fell from 45,225 in 2019 to 12,732 in 2024." """
    title = fig.layout.title.text or ""
    title = title.split("<br>")[0]
    parts = []
    kinds = {t.type for t in fig.data if t.visible is not False}
    if "choropleth" in kinds:
        for trace in fig.data:
            if trace.type == "choropleth":
                names = [country_name(code, lang) for code in (trace.locations or ())]
                # Colour may be on a log scale: the real value is the first customdata column when present.
                custom = trace.customdata
                values = ([row[0] for row in custom] if custom is not None and len(custom) and
                          not isinstance(custom[0], (str, bytes)) and hasattr(custom[0], "__len__")
                          else list(trace.z or ()))
                pairs = [(n, v) for n, v in zip(names, values) if formatting.is_number(v)]
                if pairs:
                    parts.append(_("Map: {title}. Largest: {top}.", lang, title=title, top=_top(pairs, lang)))
                break
    elif "bar" in kinds:
        pairs = []
        for trace in fig.data:
            if trace.type != "bar":
                continue
            horizontal = trace.orientation == "h"
            labels, values = (trace.y, trace.x) if horizontal else (trace.x, trace.y)
            pairs += [(str(label) if len(fig.data) == 1 else f"{trace.name} {label}", v)
                      for label, v in zip(labels or (), values or ()) if formatting.is_number(v)]
        parts.append(_("Bar chart: {title}. Largest: {top}.", lang, title=title, top=_top(pairs, lang)))
    else:
        sentences = [s for t in fig.data if t.type == "scatter" and t.visible is not False and t.mode != "text"
                     and (s := _line_sentence(t, lang))]
        parts.append(_("Line chart: {title}.", lang, title=title) + (" " + "; ".join(sentences[:5]) + "." if
                                                                      sentences else ""))
    return " ".join(parts).strip()
