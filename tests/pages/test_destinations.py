"""The Destinations page: URL state in and out, lenient fallbacks with notices, and its callbacks."""

from __future__ import annotations

from urllib.parse import parse_qsl

import dash
import plotly.graph_objects as go
import pytest

from dashboard import datasets, urlstate
from dashboard.pages import destinations as page
from dashboard.views import destinations as view
from tests import dash_calls
from tests.pages.layout_tools import by_id, notice_texts


def controls(layout) -> dict:
    return {"measure": by_id(layout, "destinations-measure").value,
            "revision": by_id(layout, "destinations-revision").value,
            "year": by_id(layout, "destinations-year").value,
            "period": by_id(layout, "destinations-period").value,
            "top": by_id(layout, "destinations-top").value,
            "no_russia": by_id(layout, "destinations-no-russia").value,
            # The picker is the single source of the chosen country (map and bar clicks set it).
            "country": by_id(layout, "destinations-picker").value}


def map_values(fig) -> dict[str, int]:
    tr = next(t for t in fig.data if t.type == "choropleth")
    return {loc: row[0] for loc, row in zip(tr.locations, tr.customdata)}


CHARTS = ("stock", 2020, 2020, "2024", 10, [])
OUTPUTS = ("map", "map_source", "bar", "bar_source", "bar_style", "year_options", "year",
           "stock_style", "flows_style", "map_note", "top_options", "top", "picker_options", "live_notices")


def update_charts(measure="stock", revision=2020, year=2020, period="2024", top=10, no_russia=(), country=None,
                  lang="en", theme=None) -> dict:
    """The charts callback's outputs by name; its figures (themed JSON for dcc.Graph) as go.Figure again."""
    out = page.update_charts(measure, revision, year, period, top, list(no_russia), country, lang, theme)
    assert len(out) == len(OUTPUTS)
    named = dict(zip(OUTPUTS, out))
    assert isinstance(named["map"], dict) and isinstance(named["bar"], dict)
    named["map_json"], named["bar_json"] = named["map"], named["bar"]
    named["map"], named["bar"] = go.Figure(named["map"]), go.Figure(named["bar"])
    return named


# --- layout: the URL opens the same view ---------------------------------------------------------------------

def test_page_is_registered_at_destinations_and_every_control_is_a_url_param():
    registered = [p for p in dash.page_registry.values() if p["path"] == "/destinations"]
    assert registered and registered[0]["name"] == "Destinations" and registered[0]["order"] == 1
    assert [p.name for p in view.PARAMS] == ["measure", "revision", "year", "period", "country", "top",
                                             "no_russia"]


def test_default_view_is_the_2020_revision_in_2020_with_no_country():
    layout = page.layout()
    assert notice_texts(layout) == []
    assert controls(layout) == {"measure": "stock", "revision": 2020, "year": 2020, "period": "2024", "top": 10,
                                "no_russia": [], "country": None}
    assert by_id(layout, "destinations-series-block").hidden is True
    assert by_id(layout, "destinations-series-prompt").hidden is False
    assert by_id(layout, "destinations-flows-controls").style["display"] == "none"


def test_a_shared_link_reopens_the_same_view():
    layout = page.layout(measure="flows", revision="2024", year="2015", period="2023-Q1-Q3", country="deu",
                         top="5", no_russia="1", lang="en")
    assert notice_texts(layout) == []
    assert controls(layout) == {"measure": "flows", "revision": 2024, "year": 2015, "period": "2023-Q1-Q3",
                                "top": 5, "no_russia": ["RUS"], "country": "DEU"}
    assert by_id(layout, "destinations-series-block").hidden is False
    assert by_id(layout, "destinations-stock-controls").style["display"] == "none"


@pytest.mark.parametrize("query, name, default", [
    ({"measure": "migrants"}, "measure", "stock"),
    ({"revision": "2019"}, "revision", 2020),
    ({"year": "20x0"}, "year", 2020),
    ({"year": "1985"}, "year", 2020),  # a year no revision has
    ({"period": "2019-Q5"}, "period", "2024"),
    ({"period": "2030"}, "period", "2024"),  # well-formed but never published
    ({"country": "ZZZ"}, "country", None),
    ({"country": "CIS"}, "country", None),  # a group of countries, not a country on the map
    ({"country": "Germany"}, "country", None),
    ({"top": "7"}, "top", 10),
    ({"no_russia": "yes"}, "no_russia", []),
])
def test_a_bad_query_value_falls_back_to_the_default_with_a_notice(query, name, default):
    """A mistyped or stale link must still open the page, and say what it did instead."""
    layout = page.layout(**query)
    assert controls(layout)[name] == default
    assert len(notice_texts(layout)) == 1


def test_a_year_the_chosen_revision_lacks_falls_back_to_its_latest_year():
    """2024 exists only in the 2024 revision: revision=2020&year=2024 shows 2020 and says so."""
    layout = page.layout(revision="2020", year="2024")
    assert controls(layout)["year"] == 2020
    assert any("revision 2020" in n and "2024" in n for n in notice_texts(layout))
    assert [o["value"] for o in by_id(layout, "destinations-year").options] == list(range(1990, 2021, 5))
    rev2024 = page.layout(revision="2024", year="2024")
    assert notice_texts(rev2024) == [] and controls(rev2024)["year"] == 2024
    assert by_id(rev2024, "destinations-year").options[-1]["value"] == 2024


def test_unknown_settings_are_ignored_with_a_notice_and_lang_is_not_one():
    layout = page.layout(colour="red", lang="en")
    assert notice_texts(layout) == ["Ignored unknown setting 'colour'."]


def test_period_choices_are_the_published_periods_latest_first_with_partial_ones_labelled():
    options = by_id(page.layout(), "destinations-period").options
    values = [o["value"] for o in options]
    assert values[0] == "2025-Q1-Q3" and "2022-H1" in values and "2017" in values
    label = {o["value"]: o["label"] for o in options}
    assert label["2023-Q1-Q3"] == "January–September 2023 (nine months)"
    assert label["2022-H1"] == "first half of 2022"
    assert "CIS / non-CIS totals only" in label["2019"]


# --- callbacks -----------------------------------------------------------------------------------------------

def test_charts_callback_draws_the_dataset_values_with_a_derived_source_line():
    out = update_charts(*CHARTS)
    map_fig, map_source, bar_fig, bar_source = out["map"], out["map_source"], out["bar"], out["bar_source"]
    values = map_values(map_fig)
    assert values["DEU"] == 1128201 and values["RUS"] == 2558907 and values["MNG"] == 225
    assert map_source.startswith("Source: UN DESA (revision 2020). Data as of")
    assert bar_source == map_source
    assert bar_fig.data[0].y[0] == "Russia"
    assert map_fig.layout.geo.fitbounds is False


def test_switching_to_revision_2020_while_on_2024_moves_the_year_and_says_so():
    out = update_charts("stock", 2020, 2024, "2024", 10, [])
    year_options, year, live_notices = out["year_options"], out["year"], out["live_notices"]
    assert year == 2020 and 2024 not in [o["value"] for o in year_options]
    assert "has no figures for 2024" in live_notices[0].children
    assert map_values(out["map"])["RUS"] == 2558907  # revision 2020, year 2020


def test_exclude_russia_keeps_germany_first_in_the_bars():
    bar = update_charts("stock", 2020, 2020, "2024", 10, ["RUS"])["bar"]
    assert "Russia" not in bar.data[0].y and bar.data[0].y[0] == "Germany"


def test_flows_view_labels_the_partial_period_and_hides_the_stock_controls():
    out = update_charts("flows", 2020, 2020, "2023-Q1-Q3", 10, [])
    title = f"{out['map'].layout.title.text} {out['map'].layout.title.subtitle.text}"
    assert "nine months" in title
    assert "nine months" in out["bar"].layout.title.subtitle.text
    assert out["map_source"].startswith("Source: BNS releases.")
    assert out["stock_style"]["display"] == "none" and out["flows_style"]["display"] == "flex"
    assert "CIS" not in map_values(out["map"]) and "NON-CIS" not in map_values(out["map"])


def test_group_only_period_explains_the_group_totals_under_the_map():
    out = update_charts("flows", 2020, 2020, "2019", 10, [])
    assert map_values(out["map"]) == {}
    assert "CIS countries: 40,900 (rounded)" in out["map_note"]


def test_the_chosen_country_is_outlined_on_the_map():
    """Clicking a country seemed to do nothing: the map now marks it."""
    out = update_charts(*CHARTS, country="DEU")
    outlined = [t for t in out["map"].data if (t.meta or {}).get("role") == "selected"]
    assert len(outlined) == 1 and list(outlined[0].locations) == ["DEU"]
    assert not [t for t in update_charts(*CHARTS)["map"].data if (t.meta or {}).get("role") == "selected"]


def test_the_picker_offers_the_destinations_largest_first():
    """Readers pick the first items of a list: here the first are the largest, with their figure."""
    options = update_charts(*CHARTS)["picker_options"]
    assert [o["value"] for o in options[:3]] == ["RUS", "DEU", "UKR"]
    assert options[1]["label"] == "Germany — 1,128,201"
    assert "KAZ" not in [o["value"] for o in options]
    stock = view.stock(dash_snapshot())
    expected = stock[(stock["revision"] == 2020) & (stock["year"] == 2020) & (stock["destination"] != "KAZ")]
    assert len(options) == len(expected)
    assert [o["value"] for o in options] == list(expected.sort_values("value", ascending=False, kind="stable")
                                                 ["destination"])
    # The flows view lists that period's destinations.
    flows_options = update_charts("flows", 2020, 2020, "2023-Q1-Q3", 10, [])["picker_options"]
    assert [o["value"] for o in flows_options][:2] == ["RUS", "DEU"]


def test_a_country_chosen_in_another_view_stays_pickable():
    """Germany chosen, then a period without a breakdown: the picker keeps it (else its value would vanish)."""
    options = update_charts("flows", 2020, 2020, "2019", 10, [], country="DEU")["picker_options"]
    assert [o["value"] for o in options] == ["DEU"]


def test_the_flow_lines_choice_offers_only_top_n_that_make_sense():
    """A period listing 10 destinations: "top 15" and "top 20" would both draw 10 lines."""
    out = update_charts("flows", 2020, 2020, "2023-Q1-Q3", 20, [])
    assert [o["value"] for o in out["top_options"]] == [5, 10]
    assert out["top"] == 10, "a choice no longer offered moves to the one that covers every destination"
    assert out["top_options"][0]["label"] == "top 5 destinations"
    stock = update_charts(*CHARTS)
    assert [o["value"] for o in stock["top_options"]] == [5, 10, 15, 20] and stock["top"] == 10


def test_the_bar_box_takes_the_bar_figures_height():
    out = update_charts(*CHARTS)
    assert out["bar_style"] == {"height": f"{int(out['bar'].layout.height)}px"}


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_charts_are_drawn_in_the_readers_theme(scheme):
    from dashboard.figures import theme

    out = update_charts(*CHARTS, country="DEU", theme=scheme)
    for fig in (out["map_json"], out["bar_json"]):
        assert fig["layout"]["paper_bgcolor"] == theme.THEMES[scheme].background
    assert out["map_json"]["layout"]["geo"]["landcolor"] == theme.THEMES[scheme].land
    series = page.update_series("DEU", "en", scheme)[0]
    assert series["layout"]["paper_bgcolor"] == theme.THEMES[scheme].background


def test_query_string_leaves_out_defaults_and_round_trips():
    assert page.update_query("stock", 2020, 2020, "2024", 10, [], None, "en") == ""
    query = page.update_query("flows", 2024, 2015, "2023-Q1-Q3", 5, ["RUS"], "DEU", "en")
    pairs = dict(parse_qsl(query.lstrip("?")))
    # The flows view records no stock year or revision (they do not change what it shows).
    assert pairs == {"measure": "flows", "period": "2023-Q1-Q3", "country": "DEU", "top": "5", "no_russia": "1"}
    stock_query = page.update_query("stock", 2024, 2015, "2024", 5, [], "DEU", "en")
    assert dict(parse_qsl(stock_query.lstrip("?"))) == {"revision": "2024", "year": "2015", "country": "DEU",
                                                        "top": "5"}
    assert controls(page.layout(**pairs))["country"] == "DEU"
    assert page.update_query("stock", 2020, 2020, "2024", 10, [], None, "ru") == "?lang=ru"


def test_query_string_never_records_a_year_the_revision_lacks():
    assert page.update_query("stock", 2020, 2024, "2024", 10, [], None, "en") == ""


def test_switching_to_flows_drops_the_stock_views_year_and_revision():
    """A stale year= stayed in the URL after switching to flows (the flows view ignores it)."""
    query = dict(parse_qsl(page.update_query("flows", 2024, 2015, "2024", 10, [], None, "en").lstrip("?")))
    assert query == {"measure": "flows"}
    state = {**view.DEFAULTS, "measure": "flows", "year": 2015, "revision": 2024, "period": "2022-H1"}
    assert view.url_state(state, dash_snapshot()) == {**state, "year": 2020, "revision": 2020}
    assert page.update_query("stock", 2024, 2015, "2022-H1", 10, [], None, "en") == "?revision=2024&year=2015"


def test_clicking_a_country_or_a_flow_line_or_a_bar_selects_it():
    assert page.select({"points": [{"location": "DEU", "z": 6.05}]}) == "DEU"  # a country on the map
    assert page.select({"points": [{"customdata": "USA", "lon": 1, "lat": 2}]}) == "USA"  # a flow line
    assert page.select({"points": [{"customdata": "ISR", "y": "Israel"}]}) == "ISR"  # a bar
    assert page.select(None) is dash.no_update
    assert page.select({"points": []}) is dash.no_update


def test_the_clear_button_unselects_the_country(client):
    """Posted as the browser does: the Clear button's callback empties the selected country."""
    body = next(b for b in dash_calls.calls(client, "/destinations", "?country=DEU")
                if [i["id"] for i in b["inputs"]] == ["destinations-clear"])
    body["inputs"][0]["value"] = 1
    response = dash_calls.post(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    # The picker is the one place the chosen country lives: clearing empties it.
    assert response.get_json()["response"]["destinations-picker"]["value"] is None


def test_a_click_on_the_map_or_the_bars_sets_the_picker(client):
    """Map and bar clicks write the picker's value (one source of the chosen country, so the series, the
    outline, the URL and the picker always agree)."""
    bodies = [b for b in dash_calls.calls(client, "/destinations")
              if [i.get("id") if isinstance(i, dict) else None for i in b["inputs"]]
              in (["destinations-map"], ["destinations-bar"])]
    assert len(bodies) == 2
    for body in bodies:
        body["inputs"][0]["value"] = {"points": [{"location": "DEU"}]} if body["inputs"][0]["id"] == \
            "destinations-map" else {"points": [{"customdata": "ISR", "y": "Israel"}]}
        response = dash_calls.post(client, body)
        assert response.status_code == 200, response.get_data(as_text=True)[:300]
        assert response.get_json()["response"]["destinations-picker"]["value"] in ("DEU", "ISR")


def test_the_clear_button_is_styled_like_the_pages_buttons():
    button = by_id(page.layout(country="DEU"), "destinations-clear")
    assert "button" in button.className.split() and button.type == "button"


def test_the_series_section_can_be_scrolled_to_and_focused():
    """Choosing a country scrolls to #destinations-series-section and focuses its title (a heading that
    takes focus only by script: tabIndex -1)."""
    layout = page.layout()
    assert by_id(layout, "destinations-series-section")
    assert by_id(layout, "destinations-series-title").tabIndex == "-1"
    assert "destinations-series-section" in page.SCROLL_JS and "destinations-series-title" in page.SCROLL_JS


def test_series_callback_shows_one_trace_per_revision_and_the_bns_flows():
    fig, source, style, block_hidden, prompt_hidden = page.update_series("DEU", "en")
    fig = go.Figure(fig)
    names = [t.name for t in fig.data]
    assert names.count("UN DESA revision 2020") == 1 and names.count("UN DESA revision 2024") == 1
    assert any("BNS emigrants" in n for n in names)
    assert source.startswith("Source: UN DESA (revision 2020 and 2024); BNS releases.")
    assert block_hidden is False and prompt_hidden is True
    assert style["height"] == f"{fig.layout.height}px"


def test_series_without_a_country_shows_the_prompt():
    fig, source, style, block_hidden, prompt_hidden = page.update_series(None, "en")
    fig = go.Figure(fig)
    assert style == {"height": "200px"}, "a short prompt, not a tall blank box"
    assert block_hidden is True and prompt_hidden is False and source == ""
    assert any("Choose a destination" in (a.text or "") for a in fig.layout.annotations)
    assert page.update_series("ZZZ", "en")[3] is True


def dash_snapshot():
    from dashboard import context

    return context.snapshot()


# --- the view's figure functions (the /embed contract) -------------------------------------------------------

def test_figure_functions_render_a_strictly_parsed_state(snap):
    state, notes = urlstate.parse({"revision": "2024", "year": "2024", "country": "DEU", "no_russia": "1"},
                                  view.PARAMS, strict=True)
    assert notes == []
    assert map_values(view.figure_map(state, snap))["RUS"] == 1321004
    assert view.figure_bar(state, snap).data[0].y[0] == "Germany"
    assert "revision 2024" in view.figure_bar(state, snap).layout.title.subtitle.text
    series = view.figure_series(state, snap)
    assert series.layout.meta["country"] == "DEU"


def test_strict_parsing_refuses_malformed_values():
    with pytest.raises(urlstate.BadParameter):
        urlstate.parse({"period": "last year"}, view.PARAMS, strict=True)
    with pytest.raises(urlstate.BadParameter):
        urlstate.parse({"country": "DE"}, view.PARAMS, strict=True)


def test_every_published_year_and_period_renders(snap):
    """Each year of each revision and each BNS period is a view a reader can pick: none may fail."""
    stock, flows = datasets.get("migrant-stock", snap), datasets.get("kz-destinations", snap)
    for revision in (2020, 2024):
        for year in sorted(set(stock.loc[stock["revision"] == revision, "year"])):
            state = {**view.DEFAULTS, "revision": revision, "year": int(year)}
            assert view.figure_map(state, snap).data, (revision, year)
            assert view.figure_bar(state, snap).data, (revision, year)
    for period in sorted(set(flows["period"])):
        state = {**view.DEFAULTS, "measure": "flows", "period": period}
        view.figure_map(state, snap)
        view.figure_bar(state, snap)
