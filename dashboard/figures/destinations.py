"""Where people from Kazakhstan live and go: world map with flow lines, ranked bars, one country's series.

Pure functions: a dataset frame (migrant-stock or kz-destinations) and options in, a figure out.
A map or bar shows ONE UN DESA revision and year, or ONE published BNS period; the series chart keeps
each revision in its own trace and the BNS flows (a different definition) in their own panel.
"""

from __future__ import annotations

import math
import re
from typing import Iterable

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard.countries import country_name
# The period parser, re-exported for the page and tests that read figs.period_months / figs.is_partial.
from dashboard.periods import is_partial, months as period_months  # noqa: F401
from dashboard.figures.common import PALETTE, SEQUENTIAL, STATUS_SYMBOLS, base_layout, status_label
from dashboard.i18n import _

ORIGIN = "KAZ"
# BNS group rows in kz-destinations: totals over several countries, never drawn as a country.
GROUPS = ("CIS", "NON-CIS")
# Start the colour scale one step above white, so the smallest destination still differs from "no figure".
MAP_COLOURS = SEQUENTIAL[1:]
LAND = "#eeeeee"
LINE_COLOUR = PALETTE["vermillion"]
REVISION_STYLE = {2020: {"color": PALETTE["blue"], "dash": "solid", "symbol": "circle"},
                  2024: {"color": PALETTE["orange"], "dash": "dash", "symbol": "square"}}

_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
_MONTHS_SHORT = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
_COUNT_WORDS = {3: "three", 6: "six", 9: "nine"}
_ORDINALS = {1: "first", 2: "second", 3: "third", 4: "fourth"}


# --- periods as BNS publishes them: 2024, 2022-H1, 2022-Q1, 2023-Q1-Q3 --------------------------------------

def period_sort_key(period: str) -> tuple[int, int, int]:
    """Chronological order: by year, then by the month the period ends (Q1 < H1 < Q1-Q3 < year)."""
    year, first, last = period_months(period)
    return year, last, first


def period_label(period: str, lang: str = "en") -> str:
    """"2024", "first half of 2022", "January-September 2023 (nine months)"."""
    year, first, last = period_months(period)
    months = last - first + 1
    if months == 12:
        return str(year)
    if months == 6 and first in (1, 7):
        return _("first half of {year}", lang, year=year) if first == 1 else _("second half of {year}", lang,
                                                                                year=year)
    span = _("{first}-{last}", lang, first=_(_MONTHS[first - 1], lang), last=_(_MONTHS[last - 1], lang))
    if months == 3:
        return _("{span} {year} ({ordinal} quarter)", lang, span=span, year=year,
                 ordinal=_(_ORDINALS[last // 3], lang))
    count = _(_COUNT_WORDS[months], lang) if months in _COUNT_WORDS else str(months)
    return _("{span} {year} ({count} months)", lang, span=span, year=year, count=count)


def period_short(period: str, lang: str = "en") -> str:
    """Compact axis label: "2024", "2022 H1", "2022 Q1", "2023 Jan-Sep"."""
    year, first, last = period_months(period)
    months = last - first + 1
    if months == 12:
        return str(year)
    if months == 6 and first in (1, 7):
        return _("{year} H{half}", lang, year=year, half=1 if first == 1 else 2)
    if months == 3:
        return _("{year} Q{quarter}", lang, year=year, quarter=last // 3)
    return _("{year} {first}-{last}", lang, year=year, first=_(_MONTHS_SHORT[first - 1], lang),
             last=_(_MONTHS_SHORT[last - 1], lang))


# --- small formatting helpers --------------------------------------------------------------------------------

def _num(value) -> str:
    return f"{int(value):,}"


def _pct(value) -> str:
    if value is None or pd.isna(value):
        return "–"
    value = float(value)
    if value == 0:
        return "<0.001%"
    if value < 0.1:
        return f"{value:.3f}".rstrip("0") + "%"
    return f"{value:.1f}%"


def _value_with_status(value, status, lang: str) -> str:
    text = _num(value)
    if isinstance(status, str) and status and status != "final":
        text += " (" + status_label(status, lang) + ")"
    return text


def _one(frame: pd.DataFrame, column: str, what: str) -> None:
    if column in frame.columns and frame[column].nunique(dropna=True) > 1:
        raise ValueError(f"{what}: one {column} at a time, got {sorted(frame[column].dropna().unique())}")


def stock_rows(frame: pd.DataFrame, *, revision: int, year: int) -> pd.DataFrame:
    """The rows of one revision and year with a value, largest first."""
    rows = frame[(frame["revision"] == revision) & (frame["year"] == year) & frame["value"].notna()]
    return rows.sort_values("value", ascending=False, ignore_index=True)


def flow_rows(frame: pd.DataFrame, *, period: str) -> pd.DataFrame:
    """Country rows of one published period (CIS / NON-CIS group rows left out), with their share
    of the period's total over the listed countries, largest first."""
    rows = frame[(frame["period"] == period) & ~frame["destination"].isin(GROUPS) & frame["value"].notna()].copy()
    total = rows["value"].astype("Float64").sum()
    rows["share_listed_pct"] = (rows["value"].astype("Float64") * 100 / total).round(3) if total else pd.NA
    return rows.sort_values("value", ascending=False, ignore_index=True)


def group_rows(frame: pd.DataFrame, *, period: str) -> pd.DataFrame:
    return frame[(frame["period"] == period) & frame["destination"].isin(GROUPS)].reset_index(drop=True)


def group_note(frame: pd.DataFrame, *, period: str, lang: str = "en") -> str:
    """A sentence naming the CIS / non-CIS group totals of a period (they are not countries), or ""."""
    groups = group_rows(frame, period=period)
    if groups.empty:
        return ""
    parts = "; ".join(f"{country_name(r.destination, lang)}: {_value_with_status(r.value, r.status, lang)}"
                      for r in groups.itertuples())
    return _("BNS also published group totals for {period}, which are not countries and are not on the map: "
             "{parts}.", lang, period=period_label(period, lang), parts=parts)


# --- the map -------------------------------------------------------------------------------------------------

def _log_ticks(values: pd.Series, lang: str = "en") -> tuple[float, float, list[float], list[str]]:
    """Colour range and ticks for log10 colouring: ticks at powers of ten, labelled in real numbers."""
    lo = math.floor(math.log10(max(float(values.min()), 1)))
    hi = math.log10(max(float(values.max()), 10))
    hi = max(hi, lo + 1)
    powers = range(lo, math.floor(hi) + 1)
    text = []
    for p in powers:
        n = 10 ** p
        text.append(_("{n}M", lang, n=n // 10**6) if n >= 10**6 else _("{n}k", lang, n=n // 1000) if n >= 10**4
                    else f"{n:,}")
    return float(lo), float(hi), [float(p) for p in powers], text


def _great_circle(start: tuple[float, float], end: tuple[float, float], steps: int = 24):
    """Points along the shortest path between two (lon, lat) points, so the whole line answers hover."""
    def vec(lon, lat):
        lon, lat = math.radians(lon), math.radians(lat)
        return np.array([math.cos(lat) * math.cos(lon), math.cos(lat) * math.sin(lon), math.sin(lat)])

    a, b = vec(*start), vec(*end)
    omega = math.acos(max(-1.0, min(1.0, float(a @ b))))
    if omega < 1e-9:
        return [start[0], end[0]], [start[1], end[1]]
    lons, lats = [], []
    for t in np.linspace(0, 1, steps):
        p = (math.sin((1 - t) * omega) * a + math.sin(t * omega) * b) / math.sin(omega)
        lons.append(math.degrees(math.atan2(p[1], p[0])))
        lats.append(math.degrees(math.asin(max(-1.0, min(1.0, p[2])))))
    return lons, lats


def _centroid(centroids, iso3: str):
    if isinstance(centroids, pd.DataFrame):
        if iso3 not in centroids.index:
            return None
        row = centroids.loc[iso3]
        return float(row["lon"]), float(row["lat"])
    point = centroids.get(iso3) if centroids is not None else None
    return (float(point[0]), float(point[1])) if point is not None else None


def _world_map(rows: pd.DataFrame, *, hover: list[str], title: str, subtitle: str, colour_title: str,
               trace_name: str, line_hover: list[str], centroids, top_n: int, source: str, lang: str,
               empty_message: str) -> go.Figure:
    fig = go.Figure()
    if rows.empty:
        fig.add_trace(go.Choropleth(locations=[], z=[], customdata=[], locationmode="ISO-3", showscale=False,
                                    name=trace_name))
        fig.add_annotation(text=empty_message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                           font={"size": 14, "color": "#333"}, bgcolor="rgba(255,255,255,0.85)")
    else:
        # UN DESA publishes some corridors as 0 (e.g. Luxembourg before 2020): a published zero is data,
        # not a gap, but it has no place on a log scale, so zeros get a trace of their own in white.
        positive = (rows["value"].astype(float) > 0).to_list()
        zeros = rows[[not p for p in positive]]
        zero_trace = None
        if not zeros.empty:
            zero_trace = go.Choropleth(
                locations=list(zeros["destination"]), z=[0] * len(zeros), locationmode="ISO-3",
                colorscale=[[0, "#ffffff"], [1, "#ffffff"]], showscale=False,
                marker={"line": {"color": "#555", "width": 0.6}}, customdata=[[0]] * len(zeros),
                text=[h for h, p in zip(hover, positive) if not p], hovertemplate="%{text}<extra></extra>",
                name=_("published as 0", lang), meta={"role": "published-zero"})
        rows = rows[positive]
        hover = [h for h, p in zip(hover, positive) if p]
        values = rows["value"].astype(float)
        zmin, zmax, tickvals, ticktext = _log_ticks(values, lang)
        fig.add_trace(go.Choropleth(
            locations=list(rows["destination"]), z=[math.log10(v) for v in values], locationmode="ISO-3",
            zmin=zmin, zmax=zmax, colorscale=MAP_COLOURS, marker={"line": {"color": "#777", "width": 0.4}},
            customdata=[[int(v)] for v in values], text=hover, hovertemplate="%{text}<extra></extra>",
            name=trace_name,
            colorbar={"orientation": "h", "x": 0, "xanchor": "left", "y": -0.01, "yanchor": "top",
                      "len": 0.75, "lenmode": "fraction", "thickness": 10, "tickvals": tickvals,
                      "ticktext": ticktext, "tickfont": {"size": 11},
                      "title": {"text": colour_title, "side": "top", "font": {"size": 12}}},
        ))
        if zero_trace is not None:
            fig.add_trace(zero_trace)
            subtitle = subtitle + " · " + _("white: published as 0", lang)
        origin = _centroid(centroids, ORIGIN)
        top = rows[rows["destination"] != ORIGIN].head(top_n)
        biggest = float(top["value"].max()) if not top.empty else 1.0
        if origin is not None:
            for (row, text) in zip(top.itertuples(), line_hover):
                end = _centroid(centroids, row.destination)
                if end is None:
                    continue
                lons, lats = _great_circle(origin, end)
                fig.add_trace(go.Scattergeo(
                    lon=lons, lat=lats, mode="lines", name=country_name(row.destination, lang),
                    line={"width": 1 + 7 * math.sqrt(float(row.value) / biggest), "color": LINE_COLOUR},
                    opacity=0.75, text=[text] * len(lons), customdata=[row.destination] * len(lons),
                    hovertemplate="%{text}<extra></extra>", showlegend=False, meta={"role": "flow-line"},
                ))
    fig = base_layout(fig, title, source)
    # No fixed height: the page's box decides (shorter on a phone, where the world is only ~170 px tall).
    fig.layout.height = None
    fig.update_layout(
        title={"subtitle": {"text": subtitle, "font": {"size": 13, "color": "#444"}}},
        margin={"l": 8, "r": 8, "t": 64, "b": 96}, showlegend=False, dragmode="pan", uirevision="destinations-map",
        geo={"scope": "world", "projection": {"type": "natural earth"}, "fitbounds": False, "resolution": 110,
             "showcountries": True, "countrycolor": "#aaa", "showland": True, "landcolor": LAND,
             "showcoastlines": False, "showframe": False, "showocean": False, "showlakes": False,
             "bgcolor": "white",
             # The whole inhabited world (Antarctica left out, so the map is larger on a phone).
             "lataxis": {"range": [-57, 84]}, "lonaxis": {"range": [-180, 180]}},
    )
    return fig


def stock_map(frame: pd.DataFrame, *, year: int, revision: int, centroids, top_n: int = 10, source: str,
              lang: str = "en") -> go.Figure:
    """Kazakhstan-born people by country of residence for ONE revision and year, log colour, flow lines.

    ``frame`` is the migrant-stock dataset (any rows: only this revision and year are drawn);
    ``centroids`` maps ISO3 to a (lon, lat) label point, or is a frame with lon/lat indexed by ISO3.
    """
    rows = stock_rows(frame, revision=revision, year=year)
    rev = _("UN DESA revision {revision}", lang, revision=revision)
    hover, line_hover = [], []
    for r in rows.itertuples():
        name = country_name(r.destination, lang)
        hover.append("<br>".join([
            f"<b>{name}</b>",
            _("{value} people born in Kazakhstan", lang, value=_num(r.value)),
            _("{share} of the total abroad", lang, share=_pct(r.share_pct)),
            _("Source: {source}, mid-{year}", lang, source=r.source, year=year),
        ]))
        line_hover.append("<br>".join([
            _("Kazakhstan → {name}", lang, name=name), _num(r.value),
            _("{revision}, mid-{year}", lang, revision=rev, year=year)]))
    # Lines go to the first top_n rows that are not Kazakhstan itself.
    keep = [i for i, d in enumerate(rows["destination"]) if d != ORIGIN][:top_n]
    fig = _world_map(
        rows, hover=hover, title=_("Born in Kazakhstan, living abroad", lang),
        subtitle=_("{revision}, mid-{year}", lang, revision=rev, year=year),
        colour_title=_("People (log scale, revision {revision})", lang, revision=revision),
        trace_name=_("{revision}, {year}", lang, revision=rev, year=year),
        line_hover=[line_hover[i] for i in keep], centroids=centroids, top_n=top_n, source=source, lang=lang,
        empty_message=_("No figures for {year} in {revision}.", lang, year=year, revision=rev))
    fig.update_layout(meta={"source": source, "revision": revision, "year": year, "measure": "stock"})
    return fig


def flows_map(frame: pd.DataFrame, *, period: str, centroids, top_n: int = 10, source: str,
              lang: str = "en") -> go.Figure:
    """Emigrants registered by BNS by destination for ONE published period; partial periods labelled.

    CIS / NON-CIS group rows are not countries and are left off the map (see :func:`group_note`).
    """
    rows = flow_rows(frame, period=period)
    label = period_label(period, lang)
    hover, line_hover = [], []
    for r in rows.itertuples():
        name = country_name(r.destination, lang)
        hover.append("<br>".join([
            f"<b>{name}</b>",
            _("{value} emigrants", lang, value=_value_with_status(r.value, r.status, lang)),
            _("Period: {period}", lang, period=label),
            _("{share} of the listed destinations", lang, share=_pct(r.share_listed_pct)),
            _("Source: {source}", lang, source=r.source),
        ]))
        line_hover.append("<br>".join([_("Kazakhstan → {name}", lang, name=name),
                                       _value_with_status(r.value, r.status, lang), label]))
    keep = [i for i, d in enumerate(rows["destination"]) if d != ORIGIN][:top_n]
    subtitle = label  # the partial-period label, e.g. "January-September 2023 (nine months)"
    fig = _world_map(
        rows, hover=hover, title=_("Emigrants by destination (BNS)", lang), subtitle=subtitle,
        colour_title=_("Emigrants (log scale, {period})", lang, period=period_short(period, lang)),
        trace_name=_("BNS emigrants, {period}", lang, period=label),
        line_hover=[line_hover[i] for i in keep], centroids=centroids, top_n=top_n, source=source, lang=lang,
        empty_message=_("BNS published no country breakdown for {period}.", lang, period=label))
    fig.update_layout(meta={"source": source, "period": period, "partial": is_partial(period),
                            "measure": "flows"})
    return fig


# --- ranked bars ---------------------------------------------------------------------------------------------

def top_bar(frame: pd.DataFrame, *, exclude: Iterable[str] = (), top: int = 15, source: str, lang: str = "en",
            title: str) -> go.Figure:
    """Top destinations as horizontal bars, largest on top, value labels on the bars.

    ``frame`` holds ONE revision and year (migrant-stock) or ONE period (kz-destinations); group rows
    (CIS / NON-CIS) are dropped; ``exclude`` removes countries (e.g. RUS) so the long tail is readable.
    """
    for column in ("revision", "year", "period"):
        _one(frame, column, "top_bar")
    exclude = tuple(exclude)
    rows = frame[~frame["destination"].isin(GROUPS + exclude) & frame["value"].notna()]
    rows = rows.sort_values("value", ascending=False).head(top)
    statuses = rows["status"] if "status" in rows.columns else pd.Series([None] * len(rows), index=rows.index)
    names = [country_name(d, lang) for d in rows["destination"]]
    labels = [("≈" if s == "rounded" else "") + _num(v) for v, s in zip(rows["value"], statuses)]
    hover = ["<br>".join([f"<b>{n}</b>", _value_with_status(v, s, lang), _("Source: {source}", lang, source=src)])
             for n, v, s, src in zip(names, rows["value"], statuses, rows["source"])]
    fig = go.Figure(go.Bar(
        x=[int(v) for v in rows["value"]], y=names, orientation="h", text=labels, cliponaxis=False,
        # Long bars carry their label inside (white), short ones just outside: nothing runs off a phone.
        textposition=["inside" if v >= 0.5 * float(rows["value"].max()) else "outside" for v in rows["value"]],
        insidetextanchor="end", insidetextfont={"color": "white", "size": 12}, outsidetextfont={"size": 12},
        customdata=list(rows["destination"]), hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", marker={"color": PALETTE["blue"]},
        name=re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", title)).strip(),
    ))
    subtitle = ""
    if exclude:
        subtitle = _("Not shown: {names}", lang, names=", ".join(country_name(c, lang) for c in exclude))
    if (statuses == "rounded").any():
        subtitle = (subtitle + " · " if subtitle else "") + _("≈ rounded as published", lang)
    height = max(300, 110 + 26 * len(rows) + 84)
    fig = base_layout(fig, title, source, height=height)
    top_value = float(rows["value"].max()) if not rows.empty else 1.0
    # A left margin that fits the longest name, and the source line moved back to the figure's left edge.
    left = 18 + int(7.4 * max((len(n) for n in names), default=4))
    fig.update_layout(title={"subtitle": {"text": subtitle, "font": {"size": 12, "color": "#444"}}},
                      margin={"l": left, "r": 12, "t": 48 + 20 * (title.count("<br>") + 1 + bool(subtitle)), "b": 84},
                      bargap=0.25,
                      showlegend=False, meta={"source": source, "exclude": list(exclude)})
    _source_to_left_edge(fig, left)
    fig.update_yaxes(autorange="reversed", automargin=False, gridcolor="rgba(0,0,0,0)", ticks="",
                     ticklabelstandoff=6)
    fig.update_xaxes(range=[0, top_value * 1.04], showticklabels=False, showline=False, ticks="")
    return fig


# --- one destination's series --------------------------------------------------------------------------------

def country_series(stock: pd.DataFrame, flows: pd.DataFrame | None, iso3: str, *, source: str,
                   lang: str = "en") -> go.Figure:
    """UN DESA stock for one destination, one trace per revision (never joined), and, in a panel of its
    own, the BNS emigrants to it by published period (a different definition; partial periods labelled).

    The flows panel lists periods down the side (latest on top), so a nine-month or half-year figure
    never sits on a calendar-year axis next to whole years.
    """
    name = country_name(iso3, lang)
    mine = stock[stock["destination"] == iso3]
    flow = flow_rows_for(flows, iso3) if flows is not None else pd.DataFrame()
    has_flows = not flow.empty
    order = sorted(flow["period"], key=period_sort_key, reverse=True) if has_flows else []
    stock_px, flow_px = 230, 34 + 26 * len(order)
    top, bottom = 92, 176
    height = top + stock_px + (70 + flow_px if has_flows else 0) + bottom
    stock_title = _("Residents born in Kazakhstan (UN DESA)", lang)
    flow_title = _("Emigrants registered by BNS, by period", lang)
    if has_flows:
        fig = make_subplots(rows=2, cols=1, row_heights=[stock_px, flow_px],
                            vertical_spacing=70 / (height - top - bottom),
                            subplot_titles=(stock_title, flow_title))
    else:
        fig = make_subplots(rows=1, cols=1, subplot_titles=(stock_title,))
    missing = []
    for revision in sorted(stock["revision"].dropna().unique()):
        rows = mine[mine["revision"] == revision].sort_values("year")
        label = _("UN DESA revision {revision}", lang, revision=int(revision))
        if rows.empty:
            missing.append(label)
            continue
        style = REVISION_STYLE.get(int(revision), {"color": PALETTE["grey"], "dash": "dot", "symbol": "diamond"})
        # Every year of the revision, with a gap (None) where it has no figure for this destination.
        years = sorted(stock.loc[stock["revision"] == revision, "year"].unique())
        by_year = dict(zip(rows["year"], rows["value"]))
        values = [int(by_year[y]) if y in by_year and pd.notna(by_year[y]) else None for y in years]
        fig.add_trace(go.Scatter(
            x=[int(y) for y in years], y=values, mode="lines+markers", name=label, connectgaps=False,
            line={"color": style["color"], "dash": style["dash"], "width": 2.5},
            marker={"symbol": style["symbol"], "size": 7}, legendgroup=f"rev{int(revision)}",
            hovertemplate=f"{label}<br>" + _("mid-%{x}: %{y:,} people", lang) + "<extra></extra>",
            meta={"revision": int(revision)},
        ), row=1, col=1)
    rounded = False
    if has_flows:
        for partial, trace_label, colour in (
                (False, _("BNS emigrants, calendar year", lang), PALETTE["green"]),
                (True, _("BNS emigrants, part of a year", lang), PALETTE["purple"])):
            part = flow[flow["period"].map(is_partial) == partial]
            if part.empty:
                continue
            rounded = rounded or bool((part["status"] == "rounded").any())
            fig.add_trace(go.Scatter(
                y=[period_short(p, lang) for p in part["period"]], x=[int(v) for v in part["value"]],
                mode="markers", name=trace_label, legendgroup="bns", orientation="h",
                marker={"color": colour, "size": 11, "line": {"width": 2, "color": colour},
                        "symbol": [STATUS_SYMBOLS.get(s, "circle") for s in part["status"]]},
                text=["<br>".join([period_label(p, lang), _value_with_status(v, s, lang)])
                      for p, v, s in zip(part["period"], part["value"], part["status"])],
                hovertemplate="%{text}<extra>" + _("BNS", lang) + "</extra>", meta={"definition": "bns-flows"},
            ), row=2, col=1)
        fig.update_yaxes(type="category", categoryorder="array", autorange="reversed",
                         categoryarray=[period_short(p, lang) for p in order], row=2, col=1)
        fig.update_xaxes(rangemode="tozero", separatethousands=True, tickformat=",d", showgrid=True,
                         gridcolor="#e5e5e5", row=2, col=1)
    fig = base_layout(fig, _("{name}: people from Kazakhstan", lang, name=name), source, height=height)
    fig.update_yaxes(rangemode="tozero", separatethousands=True, tickformat=",d", row=1, col=1)
    fig.update_xaxes(dtick=10, tickangle=0, row=1, col=1)
    notes = []
    if missing:
        notes.append(_("Not listed in {revisions}: absent, not zero.", lang, revisions=", ".join(missing)))
    if not has_flows:
        notes.append(_("No BNS emigrant figures by destination were published for {name}.", lang, name=name))
    if rounded:
        notes.append(_("Open diamond: rounded as published.", lang))
    # A left margin that fits the widest tick label (automargin would push the titles off their place).
    labels = [period_short(p, lang) for p in order] + [f"{int(v):,}" for v in mine["value"].dropna()]
    left = max(56, 14 + int(7.2 * max((len(t) for t in labels), default=6)))
    fig.update_yaxes(automargin=False)
    fig.update_layout(
        title={"subtitle": {"text": "<br>".join(notes), "font": {"size": 12, "color": "#444"}}},
        margin={"l": left, "r": 16, "t": top + 16 * len(notes), "b": bottom},
        # Legend under the plot, above the source line (pixels from the bottom, so it never meets the ticks).
        legend={"orientation": "h", "yref": "container", "y": 64 / height, "x": 0, "xref": "container",
                "yanchor": "bottom", "font": {"size": 12}, "tracegroupgap": 0},
        meta={"source": source, "country": iso3},
    )
    fig.layout.height = height + 16 * len(notes)
    for annotation in fig.layout.annotations:
        if annotation.name != "source":
            annotation.update(font={"size": 13}, x=0, xanchor="left", xshift=8 - left)
    _source_to_left_edge(fig, left, bottom_margin=bottom)
    return fig


def _source_to_left_edge(fig: go.Figure, left_margin: int, *, bottom_margin: int | None = None,
                         wrap_over: int = 56) -> None:
    """Move base_layout's source line to the figure's left edge (and its bottom), and break a long one
    after its first sentence so it fits a 375 px phone; the text itself stays the derived one."""
    for annotation in fig.layout.annotations:
        if annotation.name != "source":
            continue
        annotation.xshift = 8 - left_margin
        if bottom_margin is not None:
            annotation.yshift = 6 - bottom_margin
        text = annotation.text or ""
        if len(text) > wrap_over and ". " in text:
            first, rest = text.split(". ", 1)
            if len(first) > wrap_over and "; " in first:
                first = first.replace("; ", ";<br>", 1)
            annotation.text = f"{first}.<br>{rest}"


def flow_rows_for(flows: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """BNS rows for one destination country (group rows never match a country)."""
    if flows is None or flows.empty:
        return pd.DataFrame(columns=["period", "value", "status"])
    return flows[(flows["destination"] == iso3) & flows["value"].notna()].reset_index(drop=True)


def prompt_figure(message: str, source: str = "") -> go.Figure:
    """An empty chart carrying a message (e.g. "Click a country on the map to see its series")."""
    fig = go.Figure()
    fig.add_annotation(text=message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                       font={"size": 14, "color": "#333"})
    fig = base_layout(fig, "", source, height=260)
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return fig
