"""The pieces every chart block and page shares: no modebar, a Download PNG button, an Embed button whose
aria-controls names a panel that exists, and the one-line phone navbar with its Menu button."""

from __future__ import annotations

import re

from dash import dcc, html

from dashboard import components
from dashboard.shell import NAV_JS, navbar
from tests.pages.layout_tools import walk


def test_graphs_have_no_modebar_and_send_nothing_to_a_cloud():
    """The modebar's icons covered chart titles and added six tab stops per chart."""
    config = components.graph_config()
    assert config["displayModeBar"] is False and config["showSendToCloud"] is False
    # Map shapes from the app's own trimmed topojson, at a content-hashed address (never a CDN).
    assert config["displaylogo"] is False and re.fullmatch(r"/_static/[0-9a-f]{16}/topojson/", config["topojsonURL"])


def test_a_chart_block_has_csv_png_and_embed_tools():
    block = components.chart_block("trends-graph", "trends-source", chart="trends")
    parts = list(walk(block))
    graph = next(p for p in parts if isinstance(p, dcc.Graph))
    assert graph.config["displayModeBar"] is False
    png = [p for p in parts if isinstance(p, html.Button) and "data-png-for" in p.to_plotly_json()["props"]]
    assert len(png) == 1
    props = png[0].to_plotly_json()["props"]
    assert props["data-png-for"] == "trends-graph" and props["data-png-name"] == "trends"
    assert png[0].children == "Download PNG" and png[0].type == "button"
    csv = next(p for p in parts if isinstance(p, html.A) and getattr(p, "id", None) == {"type": "chart-data",
                                                                                        "chart": "trends"})
    assert csv.href == "/data/kz-migration.csv"
    # The caption holds the one source line under the chart.
    assert next(p for p in parts if isinstance(p, html.Figcaption)).id == "trends-source"


def test_the_embed_button_controls_a_panel_that_exists():
    """aria-controls pointed at no element; aria-expanded never changed."""
    block = components.chart_block("eaeu-net-graph", "eaeu-net-source", chart="eaeu-net")
    button = next(p for p in walk(block) if getattr(p, "id", None) == {"type": "embed-open", "chart": "eaeu-net"})
    props = button.to_plotly_json()["props"]
    panel_ids = [getattr(p, "id", None) for p in walk(block)]
    assert props["aria-controls"] in panel_ids
    assert props["aria-expanded"] == "false"
    claim = components.chart_block({"type": "claim-graph", "claim": "leave-30-50k"}, "s", chart="claim/leave-30-50k")
    button = next(p for p in walk(claim) if isinstance(getattr(p, "id", None), dict)
                  and p.id.get("type") == "embed-open")
    assert button.to_plotly_json()["props"]["aria-controls"] in [getattr(p, "id", None) for p in walk(claim)]
    png = next(p for p in walk(claim) if isinstance(p, html.Button) and "data-png-for" in p.to_plotly_json()["props"])
    assert png.to_plotly_json()["props"]["data-png-for"] == '{"claim":"leave-30-50k","type":"claim-graph"}'


def test_opening_the_embed_panel_sets_aria_expanded():
    children, hidden, expanded = components.open_embed(1, [""], {"type": "embed-open", "chart": "trends"})
    assert hidden is False and expanded == "true" and children
    assert components.open_embed(2, [""], {"type": "embed-open", "chart": "trends"})[1:] == (True, "false")


def test_the_navbar_is_a_brand_a_menu_button_and_the_links():
    nav = navbar()
    toggle = next(p for p in walk(nav) if getattr(p, "id", None) == "nav-toggle")
    links = next(p for p in walk(nav) if getattr(p, "id", None) == "nav-links")
    props = toggle.to_plotly_json()["props"]
    assert props["aria-controls"] == "nav-links" and props["aria-expanded"] == "false"
    assert toggle.type == "button" and "Menu" in str(toggle.children)
    assert [c.children for c in links.children][:1] and all(c.className == "nav-link" for c in links.children)
    assert nav.to_plotly_json()["props"]["aria-label"] == "Pages"
    assert "nav-links open" in NAV_JS and "'true'" in NAV_JS


def test_the_height_style_follows_the_figure():
    assert components.height_style({"layout": {"height": 200}}) == {"height": "200px"}
    assert components.height_style({"layout": {}}) == {"height": "440px"}
