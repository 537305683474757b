"""The world map of where people born in Kazakhstan live (UN DESA stock) or where emigrants went (BNS flows).

Pure functions: a dataset frame and options in, a figure out.  A map shows ONE UN DESA revision and year,
or ONE published BNS period; lines run from Kazakhstan to the top destinations.  Shapes come from the
app's own topojson (``config.topojsonURL``), never a CDN; the map never zooms to the data (``fitbounds``).
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.countries import country_name
from dashboard.figures.common import PALETTE, SEQUENTIAL, base_layout
from dashboard.figures.destinations import ORIGIN, flow_rows, stock_rows, value_with_status
from dashboard.i18n import _

# Start the colour scale one step above white, so the smallest destination still differs from "no figure".
MAP_COLOURS = SEQUENTIAL[1:]
LAND = "#eeeeee"
LINE_COLOUR = PALETTE["vermillion"]


def _log_ticks(values: pd.Series, lang: str = "en") -> tuple[float, float, list[float], list[str]]:
    """Colour range and ticks for log10 colouring: ticks at powers of ten, labelled in real numbers."""
    lo = math.floor(math.log10(max(float(values.min()), 1)))
    hi = math.log10(max(float(values.max()), 10))
    hi = max(hi, lo + 1)
    powers = range(lo, math.floor(hi) + 1)
    text = [formatting.compact(10 ** p, lang) for p in powers]
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
            _("{value} people born in Kazakhstan", lang, value=formatting.number(r.value, lang)),
            _("{share} of the total abroad", lang, share=formatting.percent(r.share_pct, lang)),
            _("Source: {source}, mid-{year}", lang, source=r.source, year=year),
        ]))
        line_hover.append("<br>".join([
            _("Kazakhstan → {name}", lang, name=name), formatting.number(r.value, lang),
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
    label = periods.label(period, lang)
    hover, line_hover = [], []
    for r in rows.itertuples():
        name = country_name(r.destination, lang)
        hover.append("<br>".join([
            f"<b>{name}</b>",
            _("{value} emigrants", lang, value=value_with_status(r.value, r.status, lang)),
            _("Period: {period}", lang, period=label),
            _("{share} of the listed destinations", lang, share=formatting.percent(r.share_listed_pct, lang)),
            _("Source: {source}", lang, source=r.source),
        ]))
        line_hover.append("<br>".join([_("Kazakhstan → {name}", lang, name=name),
                                       value_with_status(r.value, r.status, lang), label]))
    keep = [i for i, d in enumerate(rows["destination"]) if d != ORIGIN][:top_n]
    subtitle = label  # the partial-period label, e.g. "January-September 2023 (nine months)"
    fig = _world_map(
        rows, hover=hover, title=_("Emigrants by destination (BNS)", lang), subtitle=subtitle,
        colour_title=_("Emigrants (log scale, {period})", lang, period=periods.short(period, lang)),
        trace_name=_("BNS emigrants, {period}", lang, period=label),
        line_hover=[line_hover[i] for i in keep], centroids=centroids, top_n=top_n, source=source, lang=lang,
        empty_message=_("BNS published no country breakdown for {period}.", lang, period=label))
    fig.update_layout(meta={"source": source, "period": period, "partial": periods.is_partial(period),
                            "measure": "flows"})
    return fig


