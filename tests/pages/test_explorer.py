"""The data explorer page: the table shows exactly the rows the Download link returns, for every dataset;
bad links fall back with a notice; empty results say "0 rows"."""

from __future__ import annotations

import importlib
from urllib.parse import parse_qsl, urlsplit

import pytest
from dash import dash_table

from dashboard import datasets, explorer_filters, provenance, urlstate
from tests.pages.layout_tools import by_id, notice_texts

ALL = tuple(datasets.DATASETS)


@pytest.fixture(scope="module")
def page():
    from dashboard.app import default_app

    default_app()  # pages register only once an app exists
    return importlib.import_module("dashboard.pages.explorer")


@pytest.fixture(scope="module")
def client():
    from dashboard.app import default_app

    return default_app().server.test_client()


def expected_rows(name, query):
    values = urlstate.parse(query, explorer_filters.PARAMS_FOR(name), strict=True)[0]
    return explorer_filters.apply(datasets.get(name), name, values)


def test_page_is_registered_at_data():
    import dash

    entry = [p for p in dash.page_registry.values() if p["path"] == "/data"]
    assert len(entry) == 1 and entry[0]["name"] == "Data" and entry[0]["order"] == 4


def test_default_layout_shows_the_first_dataset_whole(page):
    layout = page.layout()
    assert notice_texts(layout) == []
    assert by_id(layout, "explorer-dataset").value == "kz-migration"
    table = by_id(layout, "explorer-table")
    assert isinstance(table, dash_table.DataTable)
    assert table.page_size == 25 and table.sort_action == "native" and table.page_action == "native"
    assert len(table.data) == len(datasets.get("kz-migration"))
    assert by_id(layout, "explorer-count").children == f"{len(table.data)} rows"
    assert by_id(layout, "explorer-download").href == "/data/kz-migration.csv"
    assert by_id(layout, "explorer-source").children == provenance.source_line(datasets.provenance("kz-migration"))
    assert by_id(layout, "explorer-countries-control").hidden is True  # kz-migration has no country column
    assert by_id(layout, "explorer-revision-control").hidden is True


@pytest.mark.parametrize("name, query", [
    ("kz-migration", {"years": "2013..2020"}),
    ("kz-destinations", {"countries": "RUS~DEU~CIS", "years": "2018..2023"}),
    ("migrant-stock", {"countries": "RUS~DEU", "years": "2010..2020", "revision": "2020"}),
    ("migrant-stock", {"revision": "2024"}),
    ("eaeu", {"countries": "KAZ~KGZ", "years": "2000..2010"}),
    ("eec", {"countries": "KAZ", "years": "2020..2021"}),
])
def test_filters_are_honoured_and_download_href_is_the_same_query(page, name, query):
    """What is on screen is what /data/<dataset>.csv?<same query> returns."""
    layout = page.layout(dataset=name, **query)
    assert notice_texts(layout) == []
    rows = expected_rows(name, query)
    table = by_id(layout, "explorer-table")
    assert len(table.data) == len(rows) > 0
    assert [r["year"] for r in table.data] == rows["year"].tolist()
    values = urlstate.parse(query, explorer_filters.PARAMS_FOR(name), strict=True)[0]
    href = by_id(layout, "explorer-download").href
    assert href == f"/data/{name}.csv" + urlstate.encode(values, explorer_filters.PARAMS_FOR(name))
    assert dict(parse_qsl(urlsplit(href).query)) == query
    assert by_id(layout, "explorer-count").children == page.row_count(len(rows))


def test_download_href_for_the_example_link(page):
    layout = page.layout(dataset="migrant-stock", countries="RUS~DEU", years="2010..2020", revision="2020")
    assert by_id(layout, "explorer-download").href == \
        "/data/migrant-stock.csv?countries=RUS~DEU&years=2010..2020&revision=2020"
    assert by_id(layout, "explorer-count").children == "6 rows"
    assert "revision 2020" in by_id(layout, "explorer-source").children


@pytest.mark.parametrize("name", ALL)
def test_every_dataset_opens_with_all_rows(page, name):
    layout = page.layout(dataset=name)
    assert notice_texts(layout) == []
    assert len(by_id(layout, "explorer-table").data) == len(datasets.get(name))
    assert by_id(layout, "explorer-download").href == f"/data/{name}.csv"
    assert by_id(layout, "explorer-source").children == provenance.source_line(datasets.provenance(name))


def test_empty_result_shows_0_rows_not_an_error(page):
    layout = page.layout(dataset="eec", years="1990..2000")
    assert notice_texts(layout) == []
    assert by_id(layout, "explorer-table").data == []
    assert by_id(layout, "explorer-count").children == "0 rows"
    assert by_id(layout, "explorer-download").href == "/data/eec.csv?years=1990..2000"


@pytest.mark.parametrize("query, name", [
    ({"dataset": "secret-table"}, "dataset"),
    ({"dataset": "eaeu", "countries": "DEU"}, "countries"),  # not a member
    ({"dataset": "migrant-stock", "revision": "2019"}, "revision"),
    ({"dataset": "eaeu", "years": "2020..2010"}, "years"),
    ({"dataset": "kz-migration", "years": "abc"}, "years"),
])
def test_bad_values_fall_back_to_defaults_with_a_notice(page, query, name):
    layout = page.layout(**query)
    notes = notice_texts(layout)
    assert len(notes) == 1 and f"'{name}=" in notes[0]
    shown = by_id(layout, "explorer-dataset").value
    assert len(by_id(layout, "explorer-table").data) == len(datasets.get(shown))


def test_a_filter_the_dataset_does_not_have_is_named_and_ignored(page):
    layout = page.layout(dataset="kz-migration", countries="KAZ", lang="en")
    assert notice_texts(layout) == ["Ignored unknown setting 'countries'."]
    assert len(by_id(layout, "explorer-table").data) == len(datasets.get("kz-migration"))


def test_gaps_are_empty_cells_never_numbers(page):
    layout = page.layout(dataset="kz-migration")
    rows = by_id(layout, "explorer-table").data
    df = datasets.get("kz-migration")
    assert sum(r["per_1000"] is None for r in rows) == int(df["per_1000"].isna().sum())


def test_callback_filters_and_writes_the_query(page):
    data, columns, page_current, _tips, source, count, href, query = page.update(
        "migrant-stock", ["RUS", "DEU"], [2010, 2020], 2020, [], "en")
    assert len(data) == 6 and count == "6 rows" and page_current == 0
    assert query == "?dataset=migrant-stock&countries=RUS~DEU&years=2010..2020&revision=2020"
    assert href == "/data/migrant-stock.csv?countries=RUS~DEU&years=2010..2020&revision=2020"
    assert "revision 2020" in source
    assert {c["id"] for c in columns} == set(datasets.get("migrant-stock").columns)


def test_full_year_span_and_no_countries_mean_no_filter(page):
    """Dragging the slider back to the ends must give a clean link, not years=1990..2024."""
    span = page.year_span(datasets.get("eaeu"))
    *_rest, href, query = page.update("eaeu", [], list(span), "all", None, "en")
    assert query == "?dataset=eaeu" and href == "/data/eaeu.csv"


def test_callback_with_garbage_controls_falls_back(page):
    data, *_rest, href, query = page.update("nope", ["ZZZ"], ["x"], "what", ["XXX"], "en")
    assert href == "/data/kz-migration.csv" and query == ""
    assert len(data) == len(datasets.get("kz-migration"))


def test_switching_dataset_keeps_valid_countries_and_resets_years(page):
    options, value, hidden, lo, hi, marks, years, revision_hidden, _desc, origin_hidden = page.on_dataset(
        "eaeu", ["RUS", "DEU"], "en")
    assert value == ["RUS"] and hidden is False and revision_hidden is True and origin_hidden is True
    assert years == [lo, hi] == [1990, 2024]
    assert {o["value"] for o in options} == {"ARM", "BLR", "KAZ", "KGZ", "RUS"}
    *_rest, revision_hidden, _desc, origin_hidden = page.on_dataset("migrant-stock", [], "en")
    assert revision_hidden is False and origin_hidden is False
    _o, value, hidden, *_rest = page.on_dataset("kz-migration", ["RUS"], "en")
    assert value == [] and hidden is True


@pytest.mark.parametrize("name, query", [
    ("migrant-stock", {"countries": "RUS~DEU", "years": "2010..2020", "revision": "2020"}),
    ("kz-destinations", {"countries": "CIS"}),
    ("eec", {"years": "1990..2000"}),
])
def test_download_route_returns_the_rows_on_screen(page, client, name, query):
    """Where the CSV route exists, its rows are the table's rows (same filter function)."""
    layout = page.layout(dataset=name, **query)
    response = client.get(by_id(layout, "explorer-download").href)
    if response.status_code == 404 and b"unknown dataset" not in response.data:
        pytest.skip("the /data/<dataset>.csv route is not built yet")
    assert response.status_code == 200
    lines = response.data.decode("utf-8").lstrip("\ufeff").splitlines()
    assert len(lines) - 1 == len(by_id(layout, "explorer-table").data)


def test_country_of_birth_filter_matches_the_csv_route(page):
    """migrant-stock's origin filter is on screen too, so the Download link still gives the rows shown."""
    data, *_rest, count, href, query = page.update("migrant-stock", ["MNG"], None, "all", ["KAZ"], "en")
    assert query == "?dataset=migrant-stock&countries=MNG&origin=KAZ"
    assert href == "/data/migrant-stock.csv?countries=MNG&origin=KAZ"
    assert {row["origin"] for row in data} == {"KAZ"} and count == f"{len(data)} rows"
    layout = page.layout(dataset="migrant-stock", origin="KAZ")
    assert by_id(layout, "explorer-origin").value == ["KAZ"]
