"""The world map of where people born in Kazakhstan live (UN DESA stock) or where emigrants went (BNS flows).

Pure functions: a dataset frame and options in, a figure out.  A map shows ONE UN DESA revision and year,
or ONE published BNS period; lines run from Kazakhstan to the top destinations.  Shapes come from the
app's own topojson (``config.topojsonURL``), never a CDN; the map never zooms to the data (``fitbounds``).
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING

import plotly.graph_objects as go

from dashboard import formatting, periods
from dashboard.countries import country_name
from dashboard.figures.common import base_layout
from dashboard.figures.theme import LIGHT, TRANSPARENT
from dashboard.figures.destinations import ORIGIN, flow_rows, stock_rows, value_with_status
from dashboard.i18n import _

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

# Classes of a count, by powers of ten: the convention for counts this skewed (Russia has millions,
# Brazil thirty), so a class says "tens" or "millions" and no one reads 30 people as a real destination.
CLASS_BOUNDS = (1, 100, 1_000, 10_000, 100_000, 1_000_000)  # lower bound of each class; the last is open


def count_class(value: float) -> int:
    """The class of a positive count: 0 for 1-99, 1 for 100-999, ..., 5 for a million or more."""
    return max(i for i, bound in enumerate(CLASS_BOUNDS) if value >= bound)


def class_labels(lang: str = "en") -> list[str]:
    """"1–99", "100–999", "1k–10k", ... "1m+" in the reader's language (short: they sit under a phone's map)."""
    out = []
    for i, low in enumerate(CLASS_BOUNDS):
        if i == len(CLASS_BOUNDS) - 1:
            out.append(_("{low}+", lang, low=formatting.compact(low, lang)))
        elif low < 1000:
            out.append(_("{low}–{high}", lang, low=formatting.number(low, lang),
                         high=formatting.number(CLASS_BOUNDS[i + 1] - 1, lang)))
        else:
            out.append(_("{low}–{high}", lang, low=formatting.compact(low, lang),
                         high=formatting.compact(CLASS_BOUNDS[i + 1], lang)))
    return out


def _classed_scale() -> list[list]:
    """A stepped colour scale: each class one flat colour (z is the class number)."""
    n = len(LIGHT.map_classes)
    scale = []
    for i, colour in enumerate(LIGHT.map_classes):
        scale += [[i / n, colour], [(i + 1) / n, colour]]
    return scale


def _great_circle(start: tuple[float, float], end: tuple[float, float], steps: int = 24):
    """Points along the shortest path between two (lon, lat) points, so the whole line answers hover."""
    import numpy as np

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
    import pandas as pd

    if isinstance(centroids, pd.DataFrame):
        if iso3 not in centroids.index:
            return None
        row = centroids.loc[iso3]
        return float(row["lon"]), float(row["lat"])
    point = centroids.get(iso3) if centroids is not None else None
    return (float(point[0]), float(point[1])) if point is not None else None


def _world_map(rows: pd.DataFrame, *, hover: list[str], title: str, subtitle: str, colour_title: str,
               trace_name: str, line_hover: list[str], centroids, top_n: int, source: str, lang: str,
               empty_message: str, selected: str | None = None) -> go.Figure:
    fig = go.Figure()
    labels = class_labels(lang)
    if rows.empty:
        fig.add_trace(go.Choropleth(locations=[], z=[], customdata=[], locationmode="ISO-3", showscale=False,
                                    name=trace_name))
        fig.add_annotation(text=empty_message, showarrow=False, xref="paper", yref="paper", x=0.5, y=0.5,
                           font={"size": 14, "color": LIGHT.ink}, bgcolor=LIGHT.label_background)
    else:
        # UN DESA publishes some corridors as 0 (e.g. Luxembourg before 2020): a published zero is data, not
        # a gap, and not the smallest class either, so zeros get a trace of their own (named in the legend).
        positive = (rows["value"].astype(float) > 0).to_list()
        zeros = rows[[not p for p in positive]]
        rows = rows[positive]
        positive_hover = [h for h, p in zip(hover, positive) if p]
        values = rows["value"].astype(float)
        n = len(LIGHT.map_classes)
        fig.add_trace(go.Choropleth(
            locations=list(rows["destination"]), z=[count_class(v) + 0.5 for v in values], locationmode="ISO-3",
            zmin=0, zmax=n, colorscale=_classed_scale(), marker={"line": {"color": LIGHT.border, "width": 0.5}},
            customdata=[[int(v)] for v in values], text=positive_hover, hovertemplate="%{text}<extra></extra>",
            name=trace_name, meta={"role": "classes"},
            colorbar={"orientation": "h", "x": 0, "xanchor": "left", "y": 0, "yanchor": "top", "len": 1,
                      "lenmode": "fraction", "thickness": 12, "tickvals": [i + 0.5 for i in range(n)],
                      "ticktext": labels, "tickfont": {"size": 11, "color": LIGHT.ink}, "outlinewidth": 0,
                      "title": {"text": colour_title, "side": "top", "font": {"size": 12, "color": LIGHT.ink}}},
        ))
        if not zeros.empty:
            fig.add_trace(go.Choropleth(
                locations=list(zeros["destination"]), z=[0] * len(zeros), locationmode="ISO-3",
                colorscale=[[0, LIGHT.zero_fill], [1, LIGHT.zero_fill]], showscale=False,
                marker={"line": {"color": LIGHT.ink, "width": 0.8}}, customdata=[[0]] * len(zeros),
                text=[h for h, p in zip(hover, positive) if not p], hovertemplate="%{text}<extra></extra>",
                name=_("published as 0", lang), meta={"role": "published-zero"}))
        origin = _centroid(centroids, ORIGIN)
        top = rows[rows["destination"] != ORIGIN].head(top_n)
        biggest = float(top["value"].max()) if not top.empty else 1.0
        if origin is not None:
            for row, text in zip(top.itertuples(), line_hover):
                end = _centroid(centroids, row.destination)
                if end is None:
                    continue
                lons, lats = _great_circle(origin, end)
                # Thin, half-transparent lines: they show direction and size without hiding the countries.
                fig.add_trace(go.Scattergeo(
                    lon=lons, lat=lats, mode="lines", name=country_name(row.destination, lang),
                    line={"width": 0.8 + 3.2 * math.sqrt(float(row.value) / biggest), "color": LIGHT.flow},
                    opacity=0.85, text=[text] * len(lons), customdata=[row.destination] * len(lons),
                    hovertemplate="%{text}<extra></extra>", showlegend=False, meta={"role": "flow-line"},
                ))
            fig.add_trace(go.Scattergeo(
                lon=[origin[0]], lat=[origin[1]], mode="markers", name=country_name(ORIGIN, lang),
                marker={"symbol": "star", "size": 14, "color": LIGHT.origin, "line": {"color": LIGHT.background, "width": 1}},
                hovertext=[_("Kazakhstan, where the lines start", lang)], hovertemplate="%{hovertext}<extra></extra>",
                showlegend=False, meta={"role": "origin"}))
    if selected:
        # The chosen destination outlined (no fill: its class colour stays readable).
        fig.add_trace(go.Choropleth(locations=[selected], z=[0], locationmode="ISO-3", showscale=False,
                                    colorscale=[[0, TRANSPARENT], [1, TRANSPARENT]],
                                    marker={"line": {"color": LIGHT.selected, "width": 2.5}}, hoverinfo="skip",
                                    name=country_name(selected, lang), meta={"role": "selected"}))
    # No legend on the map (at 375 px any legend covers countries): the note under it says what grey, white
    # and the star mean.  No fixed height: the page's box decides.
    fig = base_layout(fig, title, source, subtitle=subtitle, legend=False, lang=lang)
    fig.layout.height = None
    fig.update_layout(
        margin={"l": 8, "r": 28, "t": 8, "b": 56}, dragmode="pan", uirevision="destinations-map",
        geo={"scope": "world", "projection": {"type": "natural earth"}, "fitbounds": False, "resolution": 110,
             "showcountries": True, "countrycolor": LIGHT.border, "showland": True, "landcolor": LIGHT.land,
             "showcoastlines": False, "showframe": False, "showocean": False, "showlakes": False,
             "bgcolor": LIGHT.background,
             # The whole inhabited world (Antarctica left out, so the map is larger on a phone).
             "lataxis": {"range": [-57, 84]}, "lonaxis": {"range": [-180, 180]}},
    )
    return fig


def stock_map(frame: pd.DataFrame, *, year: int, revision: int, centroids, top_n: int = 10, source: str,
              lang: str = "en", selected: str | None = None) -> go.Figure:
    """Kazakhstan-born people by country of residence for ONE revision and year, classed colours, flow lines;
    ``selected`` outlines the chosen destination.

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
        colour_title=_("People born in Kazakhstan", lang),
        trace_name=_("{revision}, {year}", lang, revision=rev, year=year),
        line_hover=[line_hover[i] for i in keep], centroids=centroids, top_n=top_n, source=source, lang=lang,
        empty_message=_("No figures for {year} in {revision}.", lang, year=year, revision=rev), selected=selected)
    fig.update_layout(meta={"source": source, "revision": revision, "year": year, "measure": "stock"})
    return fig


def flows_map(frame: pd.DataFrame, *, period: str, centroids, top_n: int = 10, source: str,
              lang: str = "en", selected: str | None = None) -> go.Figure:
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
        colour_title=_("Emigrants, {period}", lang, period=periods.short(period, lang)),
        trace_name=_("BNS emigrants, {period}", lang, period=label),
        line_hover=[line_hover[i] for i in keep], centroids=centroids, top_n=top_n, source=source, lang=lang,
        empty_message=_("BNS published no country breakdown for {period}.", lang, period=label), selected=selected)
    fig.update_layout(meta={"source": source, "period": period, "partial": periods.is_partial(period),
                            "measure": "flows"})
    return fig


