"""Shared look of every chart: colour-blind-safe palette, base layout, source line and status marks."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.i18n import _

# Okabe-Ito: distinguishable under the common colour-vision deficiencies.
PALETTE = {
    "black": "#000000", "orange": "#E69F00", "sky": "#56B4E9", "green": "#009E73",
    "yellow": "#F0E442", "blue": "#0072B2", "vermillion": "#D55E00", "purple": "#CC79A7", "grey": "#7F7F7F",
}
MEASURE_COLOURS = {"emigrants": PALETTE["vermillion"], "immigrants": PALETTE["blue"], "net": PALETTE["black"]}
COUNTRY_COLOURS = {"KAZ": PALETTE["vermillion"], "RUS": PALETTE["blue"], "BLR": PALETTE["green"],
                   "ARM": PALETTE["orange"], "KGZ": PALETTE["purple"]}
# Sequential scale for the map (light to dark blue; readable for all common colour-vision types).
SEQUENTIAL = ["#f7fbff", "#c6dbef", "#6baed6", "#2171b5", "#08306b"]
# Marker symbols for a value's status, so the difference never rests on colour alone.
STATUS_SYMBOLS = {"final": "circle", "preliminary": "circle-open", "rounded": "diamond-open"}
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Noto Sans', sans-serif"


def base_layout(fig: go.Figure, title: str, source: str, *, height: int = 420) -> go.Figure:
    """Title on top, the derived source line under the plot, margins that fit a 375 px phone."""
    fig.update_layout(
        title={"text": title, "x": 0, "xanchor": "left", "font": {"size": 17}},
        font={"family": FONT, "size": 13, "color": "#1a1a1a"},
        height=height, margin={"l": 48, "r": 16, "t": 56, "b": 84},
        paper_bgcolor="white", plot_bgcolor="white",
        legend={"orientation": "h", "y": -0.18, "x": 0, "yanchor": "top"},
        hoverlabel={"font": {"family": FONT}},
        meta={"source": source},
    )
    fig.add_annotation(text=source, showarrow=False, xref="paper", yref="paper", x=0, y=0, yshift=-78,
                       xanchor="left", yanchor="bottom", align="left",
                       font={"size": 11, "color": "#555"}, name="source")
    fig.update_xaxes(showgrid=False, linecolor="#999", ticks="outside")
    fig.update_yaxes(gridcolor="#e5e5e5", zerolinecolor="#999", separatethousands=True)
    return fig


def status_label(status: str, lang: str = "en") -> str:
    return {"final": _("final", lang), "preliminary": _("preliminary", lang), "rounded": _("rounded", lang)}.get(
        status, status)
