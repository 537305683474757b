"""The shared layout (dashboard.figures.common): one assignment that means what plotly's update_* calls mean."""

from __future__ import annotations

import plotly.graph_objects as go

from dashboard.figures import common, trends


def test_merged_lays_nested_settings_over_and_none_resets_a_key():
    into = {"title": {"text": "a", "font": {"size": 12}}, "height": 400, "xaxis": {"title": {"text": "x"}}}
    out = common.merged(into, {"title": {"font": {"color": "red"}}, "height": 300, "xaxis": {"title": None}})
    assert out == {"title": {"text": "a", "font": {"size": 12, "color": "red"}}, "height": 300, "xaxis": {}}
    assert into["title"]["font"] == {"size": 12}  # the input is left as it was


def _by_update_calls(title: str, source: str) -> go.Figure:
    """What base_layout did before it became one assignment: plotly's own update_layout / update_*axes."""
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout={"xaxis2": {"domain": [0.6, 1]}})
    layout = common.layout_dict(title, source)
    axes = {k: layout.pop(k) for k in [k for k in layout if k.startswith(("xaxis", "yaxis"))]}
    fig.update_layout(**layout)
    fig.update_xaxes(**axes["xaxis"])
    fig.update_yaxes(**axes["yaxis"])
    return fig


def test_base_layout_equals_the_same_settings_applied_through_plotly():
    fig = go.Figure(go.Scatter(x=[1, 2], y=[3, 4]), layout={"xaxis2": {"domain": [0.6, 1]}})
    fast = common.base_layout(fig, "Title", "Source: x").to_plotly_json()
    slow = _by_update_calls("Title", "Source: x").to_plotly_json()
    assert fast == slow
    # every numbered axis the layout holds gets the axis settings, as update_xaxes gives them
    assert fast["layout"]["xaxis2"]["ticks"] == "outside" and fast["layout"]["xaxis2"]["domain"] == [0.6, 1]
    assert fast["layout"]["meta"] == {"source": "Source: x"}


def test_a_charts_own_meta_replaces_the_source_only_meta():
    layout = common.layout_dict("t", "Source: x", layout={"meta": {"source": "Source: x", "note": "n"}})
    assert go.Figure(layout=layout).layout.meta == {"source": "Source: x", "note": "n"}


def test_the_claim_band_is_the_shape_plotly_draws_for_an_hrect():
    label = "Article's claim: 30,000–50,000 a year"
    fig = go.Figure(go.Scatter(x=[2010, 2020], y=[1, 60000]))
    fig.add_hrect(y0=30000, y1=50000, fillcolor=trends.LIGHT.band_fill, layer="below", name=label, showlegend=True,
                  line={"width": 1, "color": trends.LIGHT.band_edge, "dash": "dot"}, legendgroup="claim-band",
                  legendrank=1000)
    band = go.layout.Shape(trends.band_shape(low=30000, high=50000, label=label)).to_plotly_json()
    assert band == fig.layout.shapes[0].to_plotly_json()
