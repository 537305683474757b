"""The Destinations page: URL state in and out, lenient fallbacks with notices, and its callbacks."""

from __future__ import annotations

from urllib.parse import parse_qsl

import dash
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
            "country": by_id(layout, "destinations-country").data}


def map_values(fig) -> dict[str, int]:
    tr = next(t for t in fig.data if t.type == "choropleth")
    return {loc: row[0] for loc, row in zip(tr.locations, tr.customdata)}


CHARTS = ("stock", 2020, 2020, "2024", 10, [])


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
    out = page.update_charts(*CHARTS, "en")
    map_fig, map_source, bar_fig, bar_source = out[0], out[1], out[2], out[3]
    values = map_values(map_fig)
    assert values["DEU"] == 1128201 and values["RUS"] == 2558907 and values["MNG"] == 225
    assert map_source.startswith("Source: UN DESA (revision 2020). Data as of")
    assert bar_source == map_source
    assert bar_fig.data[0].y[0] == "Russia"
    assert map_fig.layout.geo.fitbounds is False


def test_switching_to_revision_2020_while_on_2024_moves_the_year_and_says_so():
    out = page.update_charts("stock", 2020, 2024, "2024", 10, [], "en")
    year_options, year, live_notices = out[5], out[6], out[7]
    assert year == 2020 and 2024 not in [o["value"] for o in year_options]
    assert "has no figures for 2024" in live_notices[0].children
    assert map_values(out[0])["RUS"] == 2558907  # revision 2020, year 2020


def test_exclude_russia_keeps_germany_first_in_the_bars():
    bar = page.update_charts("stock", 2020, 2020, "2024", 10, ["RUS"], "en")[2]
    assert "Russia" not in bar.data[0].y and bar.data[0].y[0] == "Germany"


def test_flows_view_labels_the_partial_period_and_hides_the_stock_controls():
    out = page.update_charts("flows", 2020, 2020, "2023-Q1-Q3", 10, [], "en")
    title = f"{out[0].layout.title.text} {out[0].layout.title.subtitle.text}"
    assert "nine months" in title
    assert "nine months" in out[2].layout.title.text
    assert out[1].startswith("Source: BNS releases.")
    assert out[8]["display"] == "none" and out[9]["display"] == "flex"
    assert "CIS" not in map_values(out[0]) and "NON-CIS" not in map_values(out[0])


def test_group_only_period_explains_the_group_totals_under_the_map():
    out = page.update_charts("flows", 2020, 2020, "2019", 10, [], "en")
    assert map_values(out[0]) == {}
    assert "CIS countries: 40,900 (rounded)" in out[10]


def test_query_string_leaves_out_defaults_and_round_trips():
    assert page.update_query("stock", 2020, 2020, "2024", 10, [], None, "en") == ""
    query = page.update_query("flows", 2024, 2015, "2023-Q1-Q3", 5, ["RUS"], "DEU", "en")
    pairs = dict(parse_qsl(query.lstrip("?")))
    assert pairs == {"measure": "flows", "revision": "2024", "year": "2015", "period": "2023-Q1-Q3",
                     "country": "DEU", "top": "5", "no_russia": "1"}
    assert controls(page.layout(**pairs))["country"] == "DEU"
    assert page.update_query("stock", 2020, 2020, "2024", 10, [], None, "ru") == "?lang=ru"


def test_query_string_never_records_a_year_the_revision_lacks():
    assert page.update_query("stock", 2020, 2024, "2024", 10, [], None, "en") == ""


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
    assert response.get_json()["response"]["destinations-country"]["data"] is None


def test_series_callback_shows_one_trace_per_revision_and_the_bns_flows():
    fig, source, style, block_hidden, prompt_hidden = page.update_series("DEU", "en")
    names = [t.name for t in fig.data]
    assert names.count("UN DESA revision 2020") == 1 and names.count("UN DESA revision 2024") == 1
    assert any("BNS emigrants" in n for n in names)
    assert source.startswith("Source: UN DESA (revision 2020 and 2024); BNS releases.")
    assert block_hidden is False and prompt_hidden is True
    assert style["height"] == f"{fig.layout.height}px"


def test_series_without_a_country_shows_the_prompt():
    fig, source, _style, block_hidden, prompt_hidden = page.update_series(None, "en")
    assert block_hidden is True and prompt_hidden is False and source == ""
    assert any("Click a country on the map" in (a.text or "") for a in fig.layout.annotations)
    assert page.update_series("ZZZ", "en")[3] is True


# --- the view's figure functions (the /embed contract) -------------------------------------------------------

def test_figure_functions_render_a_strictly_parsed_state(snap):
    state, notes = urlstate.parse({"revision": "2024", "year": "2024", "country": "DEU", "no_russia": "1"},
                                  view.PARAMS, strict=True)
    assert notes == []
    assert map_values(view.figure_map(state, snap))["RUS"] == 1321004
    assert view.figure_bar(state, snap).data[0].y[0] == "Germany"
    assert "revision 2024" in view.figure_bar(state, snap).layout.title.text
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
