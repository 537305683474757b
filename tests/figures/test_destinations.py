"""The Destinations figures: world map (stock or BNS flows) with flow lines, ranked bars, one country's series."""

from __future__ import annotations


import pandas as pd
import pytest

from dashboard import datasets
from dashboard.countries import GROUPS
from dashboard.figures import destinations as figs
from dashboard.figures import world_map

SOURCE = "Source: test. Data as of 2026-01."
# Label points (lon, lat) for the flow lines; real ones come from dashboard.geo in the page.
CENTROIDS = {"KAZ": (67.3, 48.2), "RUS": (99.0, 60.0), "DEU": (10.4, 51.1), "UKR": (31.3, 49.0),
             "BLR": (28.0, 53.5), "USA": (-98.0, 39.5), "GRC": (22.0, 39.0), "TKM": (59.5, 39.0),
             "CAN": (-105.0, 60.0), "ISR": (34.9, 31.0), "UZB": (64.5, 41.5), "KGZ": (74.5, 41.4),
             "POL": (19.4, 52.1), "TUR": (35.0, 39.0), "CHN": (103.0, 35.0), "MNG": (103.0, 46.8)}


@pytest.fixture(scope="module")
def stock(snap) -> pd.DataFrame:
    return datasets.get("migrant-stock", snap)


@pytest.fixture(scope="module")
def flows(snap) -> pd.DataFrame:
    return datasets.get("kz-destinations", snap)


def stock_map(stock, **options):
    kwargs = {"year": 2020, "revision": 2020, "centroids": CENTROIDS, "top_n": 10, "source": SOURCE, "lang": "en"}
    return world_map.stock_map(stock, **{**kwargs, **options})


def flows_map(flows, **options):
    kwargs = {"period": "2024", "centroids": CENTROIDS, "top_n": 10, "source": SOURCE, "lang": "en"}
    return world_map.flows_map(flows, **{**kwargs, **options})


def choropleth(fig):
    """The classed choropleth (published zeros and the chosen country's outline are traces of their own)."""
    found = [t for t in fig.data if t.type == "choropleth" and (t.meta or {}).get("role") == "classes"]
    if not found:  # an empty map: one empty choropleth and a message
        found = [t for t in fig.data if t.type == "choropleth"]
    assert len(found) == 1
    return found[0]


def map_values(fig) -> dict[str, int]:
    tr = choropleth(fig)
    return {loc: row[0] for loc, row in zip(tr.locations, tr.customdata)}


def flow_lines(fig):
    return [t for t in fig.data if t.type == "scattergeo" and (t.meta or {}).get("role") == "flow-line"]


def by_role(fig, role):
    return [t for t in fig.data if (t.meta or {}).get("role") == role]


def title_text(fig) -> str:
    return f"{fig.layout.title.text} {fig.layout.title.subtitle.text or ''}"


# --- the map: stock -----------------------------------------------------------------------------------------

def test_stock_map_shows_the_published_values_of_the_chosen_revision_and_year(stock):
    """A reader checking a country against the UN DESA table must find the same number."""
    values = map_values(stock_map(stock))
    assert values["DEU"] == 1128201
    assert values["RUS"] == 2558907
    assert values["USA"] == 36353
    assert values["MNG"] == 225  # small destinations are on the map too
    expected = stock[(stock["revision"] == 2020) & (stock["year"] == 2020)]
    assert values == {d: int(v) for d, v in zip(expected["destination"], expected["value"])}


def test_stock_map_never_mixes_revisions(stock):
    """Revision 2024 changes corridors sharply: a 2024-revision map must show only 2024-revision numbers."""
    values = map_values(stock_map(stock, revision=2024, year=2020))
    assert values["RUS"] == 1635008  # not the 2020 revision's 2,558,907
    assert "USA" not in values  # absent in revision 2024: no colour, not a zero or a 2020-revision value
    expected = stock[(stock["revision"] == 2024) & (stock["year"] == 2020)]
    assert values == {d: int(v) for d, v in zip(expected["destination"], expected["value"])}
    assert map_values(stock_map(stock, revision=2024, year=2024))["RUS"] == 1321004


def test_the_revision_is_named_in_title_colour_legend_and_hover(stock):
    """Two revisions disagree; a screenshot or a hover must say which one it is."""
    fig = stock_map(stock, revision=2024, year=2024)
    assert "revision 2024" in title_text(fig)
    # The classed legend is titled by what it counts; the subtitle above it and the trace name say which revision.
    assert choropleth(fig).colorbar.title.text == "People born in Kazakhstan"
    assert "revision 2024" in choropleth(fig).name
    assert all("Rev.2024" in text for text in choropleth(fig).text)
    assert flow_lines(fig) and all("revision 2024" in line.text[0] for line in flow_lines(fig))


def test_colour_is_classed_by_powers_of_ten_with_labelled_bins(stock):
    """Russia (2.5 million) would wash out Mongolia (225) on a linear scale, and on a log scale Brazil (30)
    read like a real destination: each country gets the colour of its class ("100–999"), and the legend
    names the classes; the real number stays in customdata and the hover."""
    tr = choropleth(stock_map(stock))
    z = dict(zip(tr.locations, tr.z))
    values = map_values(stock_map(stock))
    assert z["MNG"] == world_map.count_class(225) + 0.5 == 1.5
    assert z["RUS"] == world_map.count_class(2558907) + 0.5 == 5.5
    assert z["DEU"] == 5.5 and z["USA"] == 3.5
    assert all(z[c] == world_map.count_class(v) + 0.5 for c, v in values.items())
    assert (tr.zmin, tr.zmax) == (0, len(world_map.CLASS_BOUNDS))
    assert list(tr.colorbar.tickvals) == [i + 0.5 for i in range(6)]
    assert list(tr.colorbar.ticktext) == world_map.class_labels("en")
    assert list(tr.colorbar.ticktext)[:3] == ["1–99", "100–999", "1k–10k"]
    assert tr.showlegend is not True and stock_map(stock).layout.showlegend is False  # no legend over countries
    # A stepped scale: each class one flat colour, the lightest not white (white is "published as 0").
    stops = [c for _pos, c in tr.colorscale]
    assert len(set(stops)) == 6 and "#ffffff" not in stops and "#f7fbff" not in stops


def test_count_classes_and_their_bounds():
    assert [world_map.count_class(v) for v in (1, 30, 99, 100, 999, 1000, 99_999, 100_000, 2_558_907)] == \
        [0, 0, 0, 1, 1, 2, 3, 4, 5]
    labels = world_map.class_labels("en")
    assert len(labels) == len(world_map.CLASS_BOUNDS) and len(set(labels)) == len(labels)
    assert labels[-1] != labels[-2] and "1" in labels[-1]


def test_kazakhstan_the_origin_is_marked(stock, flows):
    for fig in (stock_map(stock), flows_map(flows)):
        (origin,) = by_role(fig, "origin")
        assert (origin.lon[0], origin.lat[0]) == pytest.approx(CENTROIDS["KAZ"])
        assert origin.marker.symbol == "star" and origin.showlegend is False


def test_flow_lines_are_thin_and_let_the_countries_show(stock):
    """Lines to Europe buried the countries they point at: thin (at most 4 px) and a little transparent, yet
    still 3:1 against the page (tests/test_theme.py checks the contrast as seen)."""
    lines = flow_lines(stock_map(stock))
    assert lines and all(line.opacity < 1 for line in lines)
    assert max(line.line.width for line in lines) <= 4.0


def test_the_chosen_destination_is_outlined(stock, flows):
    """Clicking a country seemed to do nothing: it is now outlined on the map (no fill: its class stays)."""
    fig = stock_map(stock, selected="DEU")
    (outline,) = by_role(fig, "selected")
    assert list(outline.locations) == ["DEU"] and outline.marker.line.width >= 2
    assert {c for _pos, c in outline.colorscale} == {"rgba(0,0,0,0)"}
    assert outline.showscale is False
    assert map_values(fig)["DEU"] == 1128201, "the classed trace still draws Germany"
    assert by_role(flows_map(flows, selected="RUS"), "selected")[0].locations == ("RUS",)
    assert not by_role(stock_map(stock), "selected")


def test_hover_names_value_share_and_source(stock):
    tr = choropleth(stock_map(stock))
    hover = dict(zip(tr.locations, tr.text))["DEU"]
    assert "Germany" in hover and "1,128,201" in hover
    assert "26.8% of the total abroad" in hover
    assert "UN DESA Rev.2020" in hover
    assert "0.005%" in dict(zip(tr.locations, tr.text))["MNG"]


def test_the_map_shows_the_whole_world_and_does_not_zoom_to_the_data(stock):
    """plotly.js fits geo views to the data unless fitbounds is False: Mongolia-to-US needs the world."""
    geo = stock_map(stock).layout.geo
    assert geo.fitbounds is False
    assert geo.scope == "world" and geo.projection.type == "natural earth"
    assert geo.resolution == 110 and geo.showcountries and geo.showland
    assert list(geo.lonaxis.range) == [-180, 180]
    assert choropleth(stock_map(stock)).locationmode == "ISO-3"


def test_flow_lines_run_from_kazakhstan_to_the_top_n_destinations_with_width_by_size(stock):
    fig = stock_map(stock, top_n=5)
    lines = flow_lines(fig)
    expected = stock[(stock["revision"] == 2020) & (stock["year"] == 2020)].nlargest(5, "value")["destination"]
    assert [line.customdata[0] for line in lines] == list(expected)
    for line in lines:
        assert (line.lon[0], line.lat[0]) == pytest.approx(CENTROIDS["KAZ"], abs=1e-6)
        assert (line.lon[-1], line.lat[-1]) == pytest.approx(CENTROIDS[line.customdata[0]], abs=1e-6)
        assert line.mode == "lines"
    widths = [line.line.width for line in lines]
    assert widths == sorted(widths, reverse=True) and widths[0] > widths[-1]
    germany = next(line for line in lines if line.customdata[0] == "DEU")
    assert "Germany" in germany.text[0] and "1,128,201" in germany.text[0]
    assert len(flow_lines(stock_map(stock, top_n=10))) == 10


def test_a_destination_without_a_label_point_gets_no_line_but_stays_on_the_map(stock):
    fig = stock_map(stock, centroids={k: v for k, v in CENTROIDS.items() if k != "DEU"})
    assert "DEU" not in [line.customdata[0] for line in flow_lines(fig)]
    assert map_values(fig)["DEU"] == 1128201


def test_a_year_the_revision_lacks_draws_an_empty_map_with_a_message_not_another_year(stock):
    fig = stock_map(stock, revision=2020, year=2024)
    assert list(choropleth(fig).locations) == []
    assert any("No figures for 2024" in (a.text or "") for a in fig.layout.annotations)


def test_every_map_carries_its_source_line(stock, flows):
    """In meta (the caption under the chart and the PNG export print it), never a second time inside the map."""
    for fig in (stock_map(stock), flows_map(flows)):
        assert fig.layout.meta["source"] == SOURCE
        assert not [a for a in fig.layout.annotations if a.name == "source" or "Source:" in (a.text or "")]


# --- the map: BNS flows -------------------------------------------------------------------------------------

def test_a_partial_period_is_labelled_as_such_in_the_title(flows):
    """Nine months are not a year: the title must say January-September (nine months)."""
    text = title_text(flows_map(flows, period="2023-Q1-Q3"))
    assert "January–September 2023 (nine months)" in text
    assert "first half of 2022" in title_text(flows_map(flows, period="2022-H1"))
    assert "January–March 2022" in title_text(flows_map(flows, period="2022-Q1"))
    assert "2024" in title_text(flows_map(flows, period="2024"))
    assert flows_map(flows, period="2023-Q1-Q3").layout.meta["partial"] is True


def test_flows_map_values_equal_the_published_period(flows):
    values = map_values(flows_map(flows, period="2023-Q1-Q3"))
    assert values == {"RUS": 9428, "DEU": 1795, "USA": 314, "POL": 228, "BLR": 158, "CAN": 94, "TUR": 52,
                      "UKR": 45, "ISR": 32, "CHN": 18}


def test_cis_and_non_cis_groups_are_never_drawn_as_countries():
    """A group total on the map would colour no country, or the wrong one."""
    frame = pd.DataFrame({
        "period": ["2017", "2017", "2017"], "period_type": ["year"] * 3, "year": [2017] * 3,
        "destination": ["CIS", "NON-CIS", "DEU"], "destination_name": ["CIS countries", "Non-CIS countries", "Germany"],
        "value": pd.array([33704, 4000, 1500], dtype="Int64"), "status": ["final", "rounded", "final"],
        "source": ["BNS releases"] * 3, "citation": ["x"] * 3, "note": [pd.NA] * 3})
    fig = flows_map(frame, period="2017")
    assert list(choropleth(fig).locations) == ["DEU"]
    assert all(line.customdata[0] not in list(GROUPS) for line in flow_lines(fig))
    note = figs.group_note(frame, period="2017")
    assert "CIS countries: 33,704" in note and "4,000 (rounded)" in note


def test_a_period_with_only_group_totals_shows_an_empty_map_with_a_message(flows):
    fig = flows_map(flows, period="2019")
    assert list(choropleth(fig).locations) == []
    assert any("no country breakdown" in (a.text or "") for a in fig.layout.annotations)
    assert "40,900 (rounded)" in figs.group_note(flows, period="2019")


def test_flows_hover_shows_rounded_status_and_share_of_the_listed_destinations(flows):
    tr = choropleth(flows_map(flows, period="2024"))
    hover = dict(zip(tr.locations, tr.text))
    assert "8,800 (rounded)" in hover["RUS"]
    assert "317" in hover["KGZ"] and "(rounded)" not in hover["KGZ"]
    assert "of the listed destinations" in hover["RUS"]
    listed = flows[(flows["period"] == "2024") & ~flows["destination"].isin(list(GROUPS))]
    share = 8800 * 100 / listed["value"].sum()
    assert f"{share:.1f}%" in hover["RUS"]
    assert "BNS releases" in hover["RUS"]


# --- ranked bars --------------------------------------------------------------------------------------------

def test_excluding_russia_removes_it_and_puts_germany_first(stock):
    """Without Russia, the long tail (Germany, Ukraine, USA, Israel ...) becomes readable."""
    rows = figs.stock_rows(stock, revision=2020, year=2020)
    bar = figs.top_bar(rows, exclude=("RUS",), top=15, source=SOURCE, lang="en", title="Top")
    tr = bar.data[0]
    assert "Russia" not in tr.y and "RUS" not in tr.customdata
    assert tr.y[0] == "Germany" and tr.x[0] == 1128201
    assert len(tr.y) == 15
    assert "Russia" in bar.layout.title.subtitle.text  # says what is left out
    with_russia = figs.top_bar(rows, top=15, source=SOURCE, lang="en", title="Top").data[0]
    assert with_russia.y[0] == "Russia" and with_russia.x[0] == 2558907


def test_bars_are_ranked_with_value_labels(stock):
    rows = figs.stock_rows(stock, revision=2020, year=2020)
    tr = figs.top_bar(rows, top=15, source=SOURCE, lang="en", title="Top").data[0]
    assert list(tr.x) == sorted(tr.x, reverse=True)
    assert tr.text[1] == "1,128,201" and tr.orientation == "h"


def test_bars_drop_group_rows_and_mark_rounded_values(flows):
    rows = flows[flows["period"] == "2017"]
    assert figs.top_bar(rows, source=SOURCE, lang="en", title="Top").data[0].y == ()
    tr = figs.top_bar(figs.flow_rows(flows, period="2024"), source=SOURCE, lang="en", title="Top").data[0]
    assert tr.text[0] == "≈8,800" and "(rounded)" in tr.hovertext[0]


def test_bars_refuse_a_frame_mixing_revisions_or_periods(stock, flows):
    """One bar chart shows one revision-year or one period; a mixed frame is a bug, not a chart."""
    with pytest.raises(ValueError):
        figs.top_bar(stock[stock["year"] == 2020], source=SOURCE, lang="en", title="Top")
    with pytest.raises(ValueError):
        figs.top_bar(flows, source=SOURCE, lang="en", title="Top")


# --- one destination's series -------------------------------------------------------------------------------

def test_series_has_one_trace_per_revision_never_joined(stock, flows):
    fig = figs.country_series(stock, flows, "DEU", source=SOURCE, lang="en")
    stock_traces = [t for t in fig.data if (t.meta or {}).get("revision")]
    assert [t.name for t in stock_traces] == ["UN DESA revision 2020", "UN DESA revision 2024"]
    for tr in stock_traces:
        rev = tr.meta["revision"]
        expected = stock[(stock["revision"] == rev) & (stock["destination"] == "DEU")]
        assert dict(zip(tr.x, tr.y)) == {int(y): int(v) for y, v in zip(expected["year"], expected["value"])}
        assert tr.connectgaps is False
    assert 2024 in stock_traces[1].x and 2024 not in stock_traces[0].x


def test_series_shows_bns_flows_on_their_own_axis_with_partial_periods_labelled(stock, flows):
    """BNS counts registered moves, UN DESA counts residents: never on one axis or in one trace."""
    fig = figs.country_series(stock, flows, "DEU", source=SOURCE, lang="en")
    bns = [t for t in fig.data if (t.meta or {}).get("definition") == "bns-flows"]
    assert {t.name for t in bns} == {"BNS emigrants, calendar year", "BNS emigrants, part of a year"}
    stock_axes = {t.yaxis for t in fig.data if (t.meta or {}).get("revision")}
    assert stock_axes.isdisjoint({t.xaxis for t in bns} | {t.yaxis for t in bns})
    partial = next(t for t in bns if t.name.endswith("part of a year"))
    hover = dict(zip(partial.y, partial.text))
    assert "January–September 2023 (nine months)" in hover["2023 Jan–Sept"] and "1,795" in hover["2023 Jan–Sept"]
    year = next(t for t in bns if t.name.endswith("calendar year"))
    assert dict(zip(year.y, year.x)) == {"2024": 2000}
    assert "(rounded)" in year.text[0]


def test_series_says_when_a_revision_does_not_list_the_country(stock, flows):
    """The 2024 revision does not break out Kazakhstan-born people in the USA: absent, not zero."""
    fig = figs.country_series(stock, flows, "USA", source=SOURCE, lang="en")
    names = [t.name for t in fig.data]
    assert "UN DESA revision 2020" in names and "UN DESA revision 2024" not in names
    assert "Not listed in UN DESA revision 2024" in fig.layout.title.subtitle.text


def test_series_breaks_the_line_at_a_missing_year():
    frame = pd.DataFrame({"revision": [2020, 2020, 2020, 2020], "origin": ["KAZ"] * 4,
                          "destination": ["DEU", "DEU", "RUS", "RUS"],
                          "destination_name": ["Germany"] * 2 + ["Russia"] * 2,
                          "year": [1990, 2000, 1990, 1995], "value": pd.array([10, 20, 30, 40], dtype="Int64"),
                          "share_pct": [1.0] * 4, "source": ["UN DESA Rev.2020"] * 4})
    fig = figs.country_series(frame, None, "DEU", source=SOURCE, lang="en")
    tr = fig.data[0]
    assert list(tr.x) == [1990, 1995, 2000] and list(tr.y) == [10, None, 20]


# --- periods ------------------------------------------------------------------------------------------------

def test_published_zeros_are_drawn_apart_from_the_classes(snap):
    """UN DESA publishes some corridors as 0 (Luxembourg, Romania in 2000): data, not a gap ("no figure"),
    and not the smallest class either."""
    from dashboard import geo

    stock = datasets.get("migrant-stock", snap)
    fig = world_map.stock_map(stock, year=2000, revision=2020, centroids=geo.countries(), source="Source: test", lang="en")
    main, zeros = [t for t in fig.data if t.type == "choropleth"]
    assert (main.meta["role"], zeros.meta["role"]) == ("classes", "published-zero")
    zero_fill = {c for _pos, c in zeros.colorscale}
    assert len(zero_fill) == 1 and zero_fill.isdisjoint({c for _pos, c in main.colorscale})
    assert zero_fill != {fig.layout.geo.landcolor}, "a published 0 is not the grey of 'no figure'"
    assert "LUX" in zeros.locations and "LUX" not in main.locations
    assert [row[0] for row in zeros.customdata] == [0] * len(zeros.locations)
    assert min(row[0] for row in main.customdata) > 0
    assert dict(zip(main.locations, (row[0] for row in main.customdata)))["DEU"] == 487090


def test_the_series_prompt_is_a_short_box(stock):
    """Before a country is chosen the series chart says so in 200 px, not a tall blank box."""
    fig = figs.prompt_figure("Click a country", SOURCE)
    assert fig.layout.height == 200 and len(fig.data) == 0
    assert [a.text for a in fig.layout.annotations] == ["Click a country"]
    assert fig.layout.xaxis.visible is False and fig.layout.showlegend is False
