"""The Trends page: URL state in and out, lenient parsing with notices, and the callback's outputs."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import dash
import plotly.graph_objects as go
import pytest
from dash import dcc

from dashboard import datasets, provenance, urlstate
from dashboard.figures import theme
from dashboard.pages import trends as page
from dashboard.views import trends as view
from tests import dash_calls
from tests.pages.layout_tools import by_id, notice_texts


def update(measures=("emigrants", "immigrants", "net"), per1000=(), scale="linear", years=(2000, 2025), lang="en",
           theme=None):
    """The page callback's outputs by name, in the JSON Dash sends (the reply is kept as such); the figures
    (themed plotly JSON, as a dcc.Graph gets them) as go.Figure again so tests read them like the view's."""
    keys = ("main", "source", "notes", "events", "compare", "compare_source", "note", "query")
    out = dict(zip(keys, page.update(list(measures), list(per1000), scale, list(years), lang, theme)))
    out["main_json"], out["compare_json"] = out["main"], out["compare"]
    out["main"], out["compare"] = go.Figure(out["main"]), go.Figure(out["compare"])
    return out


def test_page_is_registered_at_trends_in_second_place():
    entry = dash.page_registry["dashboard.pages.trends"]
    assert entry["path"] == "/trends" and entry["name"] == "Trends" and entry["order"] == 2


def test_default_layout_shows_every_measure_and_all_years_without_notices():
    layout = page.layout()
    assert by_id(layout, "trends-measures").value == ["emigrants", "immigrants", "net"]
    assert by_id(layout, "trends-per1000").value == []
    assert by_id(layout, "trends-scale").value == "linear"
    slider = by_id(layout, "trends-years")
    assert isinstance(slider, dcc.RangeSlider)
    assert (slider.min, slider.max) == (2000, 2025) and slider.value == [2000, 2025]
    assert notice_texts(layout) == []
    for ident in ("trends-graph", "trends-source", "trends-compare-graph", "trends-compare-source",
                  "trends-compare-note", "trends-notes", "trends-events", "trends-event-key"):
        by_id(layout, ident)
    assert isinstance(by_id(layout, {"type": "url-query", "page": "trends"}), dcc.Store)


def test_a_shared_link_reopens_the_same_view():
    layout = page.layout(measures="emigrants~net", per1000="1", scale="log", years="2010..2020")
    assert by_id(layout, "trends-measures").value == ["emigrants", "net"]
    assert by_id(layout, "trends-per1000").value == ["1"]
    assert by_id(layout, "trends-scale").value == "log"
    assert by_id(layout, "trends-years").value == [2010, 2020]
    assert notice_texts(layout) == []


@pytest.mark.parametrize("query, name", [
    ({"measures": "emigrants~refugees"}, "measures"),
    ({"per1000": "yes"}, "per1000"),
    ({"scale": "sqrt"}, "scale"),
    ({"years": "2020..2010"}, "years"),
    ({"years": "twenty"}, "years"),
    ({"colour": "red"}, "colour"),
])
def test_a_bad_link_falls_back_to_defaults_with_a_notice_never_an_error(query, name):
    layout = page.layout(**query)
    texts = notice_texts(layout)
    assert len(texts) == 1 and name in texts[0]
    assert by_id(layout, "trends-measures").value == ["emigrants", "immigrants", "net"]
    assert by_id(layout, "trends-scale").value == "linear"
    assert by_id(layout, "trends-years").value == [2000, 2025]


def test_years_without_data_stay_a_gap_or_fall_back_with_a_notice():
    """A link to 1991..2020 shows the 1990s as the gap they are; a range with no data at all falls back."""
    layout = page.layout(years="1995..2010")
    assert by_id(layout, "trends-years").value == [1995, 2010] and not notice_texts(layout)
    assert by_id(layout, "trends-years").min == 1995
    layout = page.layout(years="2027..2030")
    assert by_id(layout, "trends-years").value == [2000, 2025]
    assert any("2027..2030" in t for t in notice_texts(layout))


def test_measure_names_are_case_insensitive_and_kept_in_order():
    values, notices = urlstate.parse({"measures": "NET~Emigrants"}, view.PARAMS, strict=True)
    assert values["measures"] == ("emigrants", "net") and not notices
    with pytest.raises(urlstate.BadParameter):
        urlstate.parse({"measures": "net~people"}, view.PARAMS, strict=True)


def test_callback_returns_figures_sources_and_a_default_empty_query(snap):
    out = update()
    assert out["query"] == ""
    assert out["source"] == provenance.source_line(datasets.provenance("kz-migration", snap))
    assert out["main"].layout.meta["source"] == out["source"]
    em = [t for t in out["main"].data if (t.meta or {}).get("measure") == "emigrants"][0]
    assert em.y[list(em.x).index(2019)] == 45225
    assert out["notes"] == []
    assert "BNS" in out["compare_source"] and "World Bank" in out["compare_source"]
    assert "UN DESA" not in out["compare_source"], "UN DESA is not drawn in the comparison"
    assert "In 2024: World Bank" in out["note"]


def test_callback_encodes_the_view_in_the_url():
    out = update(measures=("net", "emigrants"), per1000=("1",), scale="log", years=(2010, 2020))
    query = parse_qs(urlparse(out["query"]).query)
    assert query == {"measures": ["emigrants~net"], "per1000": ["1"], "scale": ["log"], "years": ["2010..2020"]}
    again = page.layout(**{k: v[0] for k, v in query.items()})
    assert by_id(again, "trends-years").value == [2010, 2020]


def test_log_scale_notice_reaches_the_reader():
    out = update(scale="log")
    assert any("log scale" in p["props"]["children"] for p in out["notes"])
    assert not [t for t in out["main"].data if (t.meta or {}).get("measure") == "net"]


def test_per_1000_toggle_draws_rates_and_says_where_population_is_missing():
    out = update(per1000=("1",))
    em = [t for t in out["main"].data if (t.meta or {}).get("measure") == "emigrants"][0]
    assert em.y[list(em.x).index(2019)] == pytest.approx(2.35)
    assert any("2025" in p["props"]["children"] for p in out["notes"])
    assert out["query"] == "?per1000=1"


def test_unticking_every_measure_keeps_the_page_working():
    out = update(measures=())
    assert any("at least one measure" in p["props"]["children"] for p in out["notes"])
    assert out["query"] == "?measures="
    assert by_id(page.layout(measures=""), "trends-measures").value == []


def test_compare_chart_follows_the_year_range_and_keeps_definitions_apart():
    out = update(years=(2015, 2020))
    data = [t for t in out["compare"].data if (t.meta or {}).get("definition")]
    assert [t.name for t in data] == ["BNS: registered moves", "World Bank / UN WPP: model estimate"]
    assert list(data[0].x) == list(range(2015, 2021))
    assert "In 2019: World Bank +2,594 vs BNS −32,970." in out["note"]


def test_language_survives_in_the_url():
    assert update(lang="ru")["query"] == "?lang=ru"
    assert update(scale="log", lang="kk")["query"] == "?scale=log&lang=kk"
    assert update(lang="xx")["query"] == ""


def test_figure_functions_accept_a_parsed_state_and_a_partial_one(snap):
    values, _ = urlstate.parse({"years": "2013..2024", "measures": "emigrants"}, view.PARAMS, strict=True)
    fig = view.figure_main(values, snap)
    assert [t.meta["measure"] for t in fig.data if (t.meta or {}).get("measure")] == ["emigrants"]
    assert list(fig.data[0].x) == list(range(2013, 2025))
    assert view.figure_main({}, snap).layout.meta["notices"] == []
    compare = view.figure_compare({"years": (2019, 2019)}, snap)
    assert [list(t.y) for t in compare.data if (t.meta or {}).get("definition")] == [[-32970], [2594]]


def test_the_articles_30_50k_claim_is_shaded_on_the_emigrants_chart(snap):
    """The story page's claim appears on the chart it belongs to, as a labelled band from the ledger."""
    state, _ = urlstate.parse({"measures": "emigrants"}, view.PARAMS, strict=True)
    fig = view.figure_main(state, snap)
    bands = [s for s in fig.layout.shapes if s.legendgroup == "claim-band"]
    assert len(bands) == 1 and (bands[0].y0, bands[0].y1) == (30000, 50000)
    # Named in the legend (a label on the plot sat under the 2004 marker and "Arrivals from Russia").
    assert bands[0].showlegend is True and bands[0].name == "Article's claim: 30,000–50,000 a year"
    assert not [a for a in fig.layout.annotations if (a.name or "").startswith("claim-band")]


def test_no_claim_band_where_it_would_mislead(snap):
    """Per 1,000 residents the band in people would be on the wrong scale; without emigrants it has no line."""
    for query in ({"measures": "emigrants", "per1000": "1"}, {"measures": "net"}):
        state, _ = urlstate.parse(query, view.PARAMS, strict=True)
        assert not [s for s in view.figure_main(state, snap).layout.shapes if s.legendgroup == "claim-band"]


def test_the_page_renders_through_the_router_with_the_linked_state(client):
    """What Dash's Pages router sends the browser for a shared link is the same view."""
    tree = dash_calls.page(client, "/trends", "?measures=emigrants~net&years=2010..2020")
    found = {str(c["props"]["id"]): c["props"] for c in dash_calls.components(tree)}
    assert found["trends-measures"]["value"] == ["emigrants", "net"]
    assert found["trends-years"]["value"] == [2010, 2020]


def test_the_event_key_under_the_chart_numbers_the_events_on_it():
    """The chart shows numbers; the list under it says what each is (item N is number N)."""
    out = update()
    assert out["events"]["type"] == "Ol" and out["events"]["props"]["className"] == "event-key"
    items = [li["props"]["children"] for li in out["events"]["props"]["children"]]
    assert items == out["main"].layout.meta["events"]
    assert len(items) == len([a for a in out["main"].layout.annotations if (a.name or "").startswith("event")]) == 4
    assert update(years=(2000, 2010))["events"] is None, "no events in those years: no empty list"


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_callback_draws_in_the_readers_theme(scheme):
    """Every chart callback takes the theme store: a dark reader gets the dark figure (not black on #111)."""
    out = update(theme=scheme)
    colours = theme.THEMES[scheme]
    for fig in (out["main_json"], out["compare_json"]):
        assert isinstance(fig, dict)
        assert fig["layout"]["paper_bgcolor"] == fig["layout"]["plot_bgcolor"] == colours.background
        assert fig["layout"]["font"]["color"] == colours.ink
    net = [t for t in out["main_json"]["data"] if (t.get("meta") or {}).get("measure") == "net"][0]
    assert net["line"]["color"] == colours.net
    assert update(theme=None)["main_json"]["layout"]["paper_bgcolor"] == theme.LIGHT.background
    assert update(theme="purple")["main_json"]["layout"]["paper_bgcolor"] == theme.LIGHT.background
