"""Where people from Kazakhstan live and go: rows of one revision or period, ranked bars, one country's series.

Pure functions: a dataset frame (migrant-stock or kz-destinations) and options in, a figure out.
A bar chart shows ONE UN DESA revision and year, or ONE published BNS period; the series chart keeps
each revision in its own trace and the BNS flows (a different definition) in their own panel.
(The world map is in :mod:`dashboard.figures.world_map`.)
"""

from __future__ import annotations

import re
from typing import Iterable

import pandas as pd
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import formatting, periods
from dashboard.countries import GROUPS, country_name
from dashboard.figures.common import PALETTE, STATUS_SYMBOLS, base_layout, status_label
from dashboard.i18n import _

ORIGIN = "KAZ"
REVISION_STYLE = {2020: {"color": PALETTE["blue"], "dash": "solid", "symbol": "circle"},
                  2024: {"color": PALETTE["orange"], "dash": "dash", "symbol": "square"}}


def value_with_status(value, status, lang: str) -> str:
    """"12,732" or "≈30,000 (rounded)": a figure and, unless final, its status."""
    text = formatting.number(value, lang)
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
    rows = frame[(frame["period"] == period) & ~frame["destination"].isin(list(GROUPS)) & frame["value"].notna()].copy()
    total = rows["value"].astype("Float64").sum()
    rows["share_listed_pct"] = (rows["value"].astype("Float64") * 100 / total).round(3) if total else pd.NA
    return rows.sort_values("value", ascending=False, ignore_index=True)


def group_rows(frame: pd.DataFrame, *, period: str) -> pd.DataFrame:
    return frame[(frame["period"] == period) & frame["destination"].isin(list(GROUPS))].reset_index(drop=True)


def group_note(frame: pd.DataFrame, *, period: str, lang: str = "en") -> str:
    """A sentence naming the CIS / non-CIS group totals of a period (they are not countries), or ""."""
    groups = group_rows(frame, period=period)
    if groups.empty:
        return ""
    parts = "; ".join(f"{country_name(r.destination, lang)}: {value_with_status(r.value, r.status, lang)}"
                      for r in groups.itertuples())
    return _("BNS also published group totals for {period}, which are not countries and are not on the map: "
             "{parts}.", lang, period=periods.label(period, lang), parts=parts)


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
    rows = frame[~frame["destination"].isin([*GROUPS, *exclude]) & frame["value"].notna()]
    rows = rows.sort_values("value", ascending=False).head(top)
    statuses = rows["status"] if "status" in rows.columns else pd.Series([None] * len(rows), index=rows.index)
    names = [country_name(d, lang) for d in rows["destination"]]
    labels = [("≈" if s == "rounded" else "") + formatting.number(v, lang) for v, s in zip(rows["value"], statuses)]
    hover = ["<br>".join([f"<b>{n}</b>", value_with_status(v, s, lang), _("Source: {source}", lang, source=src)])
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
    order = sorted(flow["period"], key=periods.sort_key, reverse=True) if has_flows else []
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
            part = flow[flow["period"].map(periods.is_partial) == partial]
            if part.empty:
                continue
            rounded = rounded or bool((part["status"] == "rounded").any())
            fig.add_trace(go.Scatter(
                y=[periods.short(p, lang) for p in part["period"]], x=[int(v) for v in part["value"]],
                mode="markers", name=trace_label, legendgroup="bns", orientation="h",
                marker={"color": colour, "size": 11, "line": {"width": 2, "color": colour},
                        "symbol": [STATUS_SYMBOLS.get(s, "circle") for s in part["status"]]},
                text=["<br>".join([periods.label(p, lang), value_with_status(v, s, lang)])
                      for p, v, s in zip(part["period"], part["value"], part["status"])],
                hovertemplate="%{text}<extra>" + _("BNS", lang) + "</extra>", meta={"definition": "bns-flows"},
            ), row=2, col=1)
        fig.update_yaxes(type="category", categoryorder="array", autorange="reversed",
                         categoryarray=[periods.short(p, lang) for p in order], row=2, col=1)
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
    labels = [periods.short(p, lang) for p in order] + [f"{int(v):,}" for v in mine["value"].dropna()]
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
