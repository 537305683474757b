"""Where people from Kazakhstan live and go: rows of one revision or period, ranked bars, one country's series.

Pure functions: a dataset frame (migrant-stock or kz-destinations) and options in, a figure out.
A bar chart shows ONE UN DESA revision and year, or ONE published BNS period; the series chart keeps
each revision in its own trace and the BNS flows (a different definition) in their own panel.
(The world map is in :mod:`dashboard.figures.world_map`.)
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Iterable

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from dashboard import formatting, periods
from dashboard.countries import GROUPS, country_name
from dashboard.figures.common import STATUS_SYMBOLS, base_layout, no_data, status_label
from dashboard.figures.theme import LIGHT, TRANSPARENT
from dashboard.i18n import _

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

ORIGIN = "KAZ"
REVISION_STYLE = {2020: {"color": LIGHT.revision_2020, "dash": "solid", "symbol": "circle"},
                  2024: {"color": LIGHT.revision_2024, "dash": "dash", "symbol": "square"}}


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
    import pandas as pd

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
            title: str, subtitle: str = "") -> go.Figure:
    """Top destinations as horizontal bars, largest on top, value labels on the bars.

    ``frame`` holds ONE revision and year (migrant-stock) or ONE period (kz-destinations); group rows
    (CIS / NON-CIS) are dropped; ``exclude`` removes countries (e.g. RUS) so the long tail is readable.
    """
    import pandas as pd

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
        insidetextanchor="end", insidetextfont={"color": LIGHT.bar_text, "size": 12},
        outsidetextfont={"size": 12, "color": LIGHT.ink}, customdata=list(rows["destination"]), hovertext=hover,
        hovertemplate="%{hovertext}<extra></extra>", marker={"color": LIGHT.bar},
        name=title,
    ))
    notes = [subtitle] if subtitle else []
    if exclude:
        notes.append(_("Not shown: {names}", lang, names=formatting.join([country_name(c, lang) for c in exclude], lang)))
    if (statuses == "rounded").any():
        notes.append(_("≈ rounded as published", lang))
    subtitle = " · ".join(notes)
    height = max(260, 90 + 26 * len(rows))
    fig = base_layout(fig, title, source, height=height, subtitle=subtitle, legend=False, lang=lang)
    top_value = float(rows["value"].max()) if not rows.empty else 1.0
    fig.update_layout(margin={"l": 8, "r": 12, "b": 16}, bargap=0.25, meta={"source": source, "exclude": list(exclude)})
    fig.update_yaxes(autorange="reversed", gridcolor=TRANSPARENT, ticks="", ticklabelstandoff=6)
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
    import pandas as pd

    name = country_name(iso3, lang)
    mine = stock[stock["destination"] == iso3]
    flow = flow_rows_for(flows, iso3) if flows is not None else pd.DataFrame()
    has_flows = not flow.empty
    order = sorted(flow["period"], key=periods.sort_key, reverse=True) if has_flows else []
    stock_px, flow_px = 230, 34 + 26 * len(order)
    top, bottom = 110, 40
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
        style = REVISION_STYLE.get(int(revision), {"color": LIGHT.muted, "dash": "dot", "symbol": "diamond"})
        # Every year of the revision, with a gap (None) where it has no figure for this destination.
        years = sorted(stock.loc[stock["revision"] == revision, "year"].unique())
        by_year = dict(zip(rows["year"], rows["value"]))
        values = [int(by_year[y]) if y in by_year and pd.notna(by_year[y]) else None for y in years]
        fig.add_trace(go.Scatter(
            x=[int(y) for y in years], y=values, mode="lines+markers", name=label, connectgaps=False,
            line={"color": style["color"], "dash": style["dash"], "width": 2.5},
            marker={"symbol": style["symbol"], "size": 7, "color": style["color"]}, legendgroup=f"rev{int(revision)}",
            cliponaxis=False,
            hovertemplate=f"{label}<br>" + _("mid-%{x}: %{y:,} people", lang) + "<extra></extra>",
            meta={"revision": int(revision)},
        ), row=1, col=1)
    rounded = False
    if has_flows:
        for partial, trace_label, colour in (
                (False, _("BNS emigrants, calendar year", lang), LIGHT.blr),
                (True, _("BNS emigrants, part of a year", lang), LIGHT.kgz)):
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
                cliponaxis=False,
            ), row=2, col=1)
        fig.update_yaxes(type="category", categoryorder="array", autorange="reversed",
                         categoryarray=[periods.short(p, lang) for p in order], row=2, col=1)
        fig.update_xaxes(rangemode="tozero", separatethousands=True, tickformat=",d", showgrid=True,
                         gridcolor=LIGHT.grid, row=2, col=1)
    fig = base_layout(fig, _("{name}: people from Kazakhstan", lang, name=name), source, height=height, lang=lang)
    fig.update_yaxes(rangemode="tozero", separatethousands=True, tickformat=",d", row=1, col=1)
    fig.update_xaxes(dtick=10, tickangle=0, row=1, col=1)
    notes = []
    if missing:
        notes.append(_("Not listed in {revisions}: absent, not zero.", lang, revisions=", ".join(missing)))
    if not has_flows:
        notes.append(_("No BNS emigrant figures by destination were published for {name}.", lang, name=name))
    if rounded:
        notes.append(_("Open diamond: rounded as published.", lang))
    fig.update_layout(title={"subtitle": {"text": "<br>".join(notes)}}, meta={"source": source, "country": iso3})
    fig.layout.height = height + 16 * len(notes)
    for annotation in fig.layout.annotations:  # the two panels' titles, at the left like the chart's own
        annotation.update(font={"size": 13, "color": LIGHT.ink}, x=0, xanchor="left")
    return fig


def flow_rows_for(flows: pd.DataFrame, iso3: str) -> pd.DataFrame:
    """BNS rows for one destination country (group rows never match a country)."""
    import pandas as pd

    if flows is None or flows.empty:
        return pd.DataFrame(columns=["period", "value", "status"])
    return flows[(flows["destination"] == iso3) & flows["value"].notna()].reset_index(drop=True)


def prompt_figure(message: str, source: str = "") -> go.Figure:
    """An empty chart carrying a message (e.g. "Click a country on the map to see its series")."""
    fig = base_layout(go.Figure(), "", source, height=200, legend=False)
    return no_data(fig, message)
