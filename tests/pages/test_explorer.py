"""The data explorer page: the table shows exactly the rows the Download link returns, for every dataset;
bad links fall back with a notice; empty results say "0 rows"."""

from __future__ import annotations

from urllib.parse import parse_qsl, urlsplit

import dash
import dash_ag_grid as dag
import pytest

from dashboard import datasets, explorer_filters, provenance, urlstate
from dashboard.pages import explorer as page
from dashboard.views import explorer as view
from tests import dash_calls
from tests.pages.layout_tools import by_id, notice_texts

ALL = tuple(datasets.DATASETS)


def expected_rows(snap, name, query):
    values = urlstate.parse(query, explorer_filters.PARAMS_FOR(name), strict=True)[0]
    return explorer_filters.apply(datasets.get(name, snap), name, values)


def test_page_is_registered_at_data():
    entry = [p for p in dash.page_registry.values() if p["path"] == "/data"]
    assert len(entry) == 1 and entry[0]["name"] == "Data" and entry[0]["order"] == 4


def test_default_layout_shows_the_first_dataset_whole(snap):
    layout = page.layout()
    assert notice_texts(layout) == []
    assert by_id(layout, "explorer-dataset").value == "kz-migration"
    table = by_id(layout, "explorer-table")
    assert isinstance(table, dag.AgGrid)
    options = table.dashGridOptions
    assert options["pagination"] is True and options["paginationPageSize"] == 25
    assert table.defaultColDef["sortable"] is True and all(c["sortable"] for c in table.columnDefs)
    assert len(table.rowData) == len(datasets.get("kz-migration", snap))
    assert by_id(layout, "explorer-count").children == f"{len(table.rowData)} rows"
    assert by_id(layout, "explorer-download").href == "/data/kz-migration.csv"
    assert by_id(layout, "explorer-source").children == provenance.source_line(
        datasets.provenance("kz-migration", snap))
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
def test_filters_are_honoured_and_download_href_is_the_same_query(snap, name, query):
    """What is on screen is what /data/<dataset>.csv?<same query> returns."""
    layout = page.layout(dataset=name, **query)
    assert notice_texts(layout) == []
    rows = expected_rows(snap, name, query)
    table = by_id(layout, "explorer-table")
    assert len(table.rowData) == len(rows) > 0
    assert [r["year"] for r in table.rowData] == rows["year"].tolist()
    values = urlstate.parse(query, explorer_filters.PARAMS_FOR(name), strict=True)[0]
    href = by_id(layout, "explorer-download").href
    assert href == f"/data/{name}.csv" + urlstate.encode(values, explorer_filters.PARAMS_FOR(name))
    assert dict(parse_qsl(urlsplit(href).query)) == query
    assert by_id(layout, "explorer-count").children == view.row_count(len(rows))


def test_download_href_for_the_example_link():
    layout = page.layout(dataset="migrant-stock", countries="RUS~DEU", years="2010..2020", revision="2020")
    assert by_id(layout, "explorer-download").href == \
        "/data/migrant-stock.csv?countries=RUS~DEU&years=2010..2020&revision=2020"
    assert by_id(layout, "explorer-count").children == "6 rows"
    assert "revision 2020" in by_id(layout, "explorer-source").children


@pytest.mark.parametrize("name", ALL)
def test_every_dataset_opens_with_all_rows(snap, name):
    layout = page.layout(dataset=name)
    assert notice_texts(layout) == []
    assert len(by_id(layout, "explorer-table").rowData) == len(datasets.get(name, snap))
    assert by_id(layout, "explorer-download").href == f"/data/{name}.csv"
    assert by_id(layout, "explorer-source").children == provenance.source_line(datasets.provenance(name, snap))


def test_empty_result_shows_0_rows_not_an_error():
    layout = page.layout(dataset="eec", years="1990..2000")
    assert notice_texts(layout) == []
    assert by_id(layout, "explorer-table").rowData == []
    assert by_id(layout, "explorer-count").children == "0 rows"
    assert by_id(layout, "explorer-download").href == "/data/eec.csv?years=1990..2000"


@pytest.mark.parametrize("query, name", [
    ({"dataset": "secret-table"}, "dataset"),
    ({"dataset": "eaeu", "countries": "DEU"}, "countries"),  # not a member
    ({"dataset": "migrant-stock", "revision": "2019"}, "revision"),
    ({"dataset": "eaeu", "years": "2020..2010"}, "years"),
    ({"dataset": "kz-migration", "years": "abc"}, "years"),
])
def test_bad_values_fall_back_to_defaults_with_a_notice(snap, query, name):
    layout = page.layout(**query)
    notes = notice_texts(layout)
    assert len(notes) == 1 and f"'{name}=" in notes[0]
    shown = by_id(layout, "explorer-dataset").value
    assert len(by_id(layout, "explorer-table").rowData) == len(datasets.get(shown, snap))


def test_a_filter_the_dataset_does_not_have_is_named_and_ignored(snap):
    layout = page.layout(dataset="kz-migration", countries="KAZ", lang="en")
    assert notice_texts(layout) == ["Ignored unknown setting 'countries'."]
    assert len(by_id(layout, "explorer-table").rowData) == len(datasets.get("kz-migration", snap))


def test_gaps_are_empty_cells_never_numbers(snap):
    layout = page.layout(dataset="kz-migration")
    rows = by_id(layout, "explorer-table").rowData
    df = datasets.get("kz-migration", snap)
    assert sum(r["per_1000"] is None for r in rows) == int(df["per_1000"].isna().sum())


def test_callback_filters_and_writes_the_query(snap):
    data, columns, source, count, href, zip_href, meta_href, query = page.update(
        "migrant-stock", ["RUS", "DEU"], [2010, 2020], 2020, [], "en")
    assert zip_href == "/data/migrant-stock.zip?countries=RUS~DEU&years=2010..2020&revision=2020"
    assert meta_href == "/data/migrant-stock.meta.json?countries=RUS~DEU&years=2010..2020&revision=2020"
    assert len(data) == 6 and count == "6 rows"
    assert query == "?dataset=migrant-stock&countries=RUS~DEU&years=2010..2020&revision=2020"
    assert href == "/data/migrant-stock.csv?countries=RUS~DEU&years=2010..2020&revision=2020"
    assert "revision 2020" in source
    assert [c["field"] for c in columns] == list(datasets.get("migrant-stock", snap).columns)


def test_every_header_explains_its_column_and_quantities_get_separators_not_codes():
    """A header's tooltip is the dataset's description; 2,558,907 people read with separators, 2020 never."""
    columns = {c["field"]: c for c in page.update("migrant-stock", [], None, "all", [], "en")[1]}
    described = datasets.DATASETS["migrant-stock"].columns
    assert {f: c["headerTooltip"] for f, c in columns.items()} == described
    assert columns["value"]["type"] == "numericColumn" and "valueFormatter" in columns["value"]
    for code in ("year", "revision"):
        assert columns[code]["type"] == "numericColumn" and "valueFormatter" not in columns[code]
    assert "type" not in columns["destination"]


def test_full_year_span_and_no_countries_mean_no_filter(snap):
    """Dragging the slider back to the ends must give a clean link, not years=1990..2024."""
    span = view.year_span(datasets.get("eaeu", snap))
    *_rest, href, _zip, _meta, query = page.update("eaeu", [], list(span), "all", None, "en")
    assert query == "?dataset=eaeu" and href == "/data/eaeu.csv"


def test_callback_with_garbage_controls_falls_back(snap):
    data, *_rest, href, _zip, _meta, query = page.update("nope", ["ZZZ"], ["x"], "what", ["XXX"], "en")
    assert href == "/data/kz-migration.csv" and query == ""
    assert len(data) == len(datasets.get("kz-migration", snap))


def test_switching_dataset_keeps_valid_countries_and_resets_years():
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
def test_download_route_returns_the_rows_on_screen(client, name, query):
    """Where the CSV route exists, its rows are the table's rows (same filter function)."""
    layout = page.layout(dataset=name, **query)
    response = client.get(by_id(layout, "explorer-download").href)
    assert response.status_code == 200
    lines = response.data.decode("utf-8").lstrip("\ufeff").splitlines()
    assert len(lines) - 1 == len(by_id(layout, "explorer-table").rowData)


def test_country_of_birth_filter_matches_the_csv_route():
    """migrant-stock's origin filter is on screen too, so the Download link still gives the rows shown."""
    data, *_rest, count, href, _zip, _meta, query = page.update("migrant-stock", ["MNG"], None, "all", ["KAZ"], "en")
    assert query == "?dataset=migrant-stock&countries=MNG&origin=KAZ"
    assert href == "/data/migrant-stock.csv?countries=MNG&origin=KAZ"
    assert {row["origin"] for row in data} == {"KAZ"} and count == f"{len(data)} rows"
    layout = page.layout(dataset="migrant-stock", origin="KAZ")
    assert by_id(layout, "explorer-origin").value == ["KAZ"]


def test_the_router_renders_the_grid_with_the_linked_rows(client):
    """What Dash's Pages router sends the browser for a shared link: the grid holds the filtered rows."""
    tree = dash_calls.page(client, "/data", "?dataset=migrant-stock&countries=RUS~DEU&years=2010..2020&revision=2020")
    grid = next(c for c in dash_calls.components(tree) if c["props"]["id"] == "explorer-table")
    assert grid["type"] == "AgGrid" and len(grid["props"]["rowData"]) == 6
    assert {r["destination"] for r in grid["props"]["rowData"]} == {"RUS", "DEU"}


# --- sorting: on the server, in the URL and in the Download link ----------------------------------------------

SORTED = [{"colId": "value", "sort": "desc", "sortIndex": 0}, {"colId": "year", "sort": "asc", "sortIndex": 1},
          {"colId": "measure", "sort": None}]


def test_a_sorted_column_resorts_the_rows_and_writes_sort_into_the_url_and_the_link(snap):
    """Sorting was the grid's alone: not in the URL, not in the CSV's order."""
    data, columns, _source, _count, href, _zip, _meta, query = page.update("kz-migration", [], None, "all", [], "en", SORTED)
    assert query == "?sort=-value~year" and href == "/data/kz-migration.csv?sort=-value~year"
    expected = expected_rows(snap, "kz-migration", {"sort": "-value~year"})
    assert [r["value"] for r in data] == [None if v != v else v for v in expected["value"].tolist()]
    shown = {c["field"]: c for c in columns}
    assert (shown["value"]["sort"], shown["value"]["sortIndex"]) == ("desc", 0)
    assert (shown["year"]["sort"], shown["year"]["sortIndex"]) == ("asc", 1)
    assert "sort" not in shown["measure"]


def test_the_grid_never_reorders_rows_itself():
    """The rows come sorted from the server (the CSV's order); the grid's comparator leaves them as they are."""
    columns = page.update("kz-migration", [], None, "all", [], "en")[1]
    assert all(c["comparator"] == {"function": "0"} for c in columns)


def test_a_sorted_link_reopens_the_sorted_view(snap):
    layout = page.layout(dataset="migrant-stock", countries="DEU~UKR", sort="-value~year")
    assert notice_texts(layout) == []
    table = by_id(layout, "explorer-table")
    values = [r["value"] for r in table.rowData]
    assert values == sorted(values, reverse=True)
    value_column = next(c for c in table.columnDefs if c["field"] == "value")
    assert (value_column["sort"], value_column["sortIndex"]) == ("desc", 0)
    assert by_id(layout, "explorer-download").href == "/data/migrant-stock.csv?countries=DEU~UKR&sort=-value~year"


def test_a_bad_sort_in_a_link_falls_back_with_a_notice(snap):
    layout = page.layout(dataset="kz-migration", sort="nope")
    notes = notice_texts(layout)
    assert len(notes) == 1 and "'sort=" in notes[0]
    assert by_id(layout, "explorer-download").href == "/data/kz-migration.csv"


def test_the_grid_state_becomes_the_sort_value():
    columns = tuple(datasets.DATASETS["kz-migration"].columns)
    assert view.sort_from_columns(SORTED, columns) == (("value", True), ("year", False))
    assert view.sort_from_columns([], columns) is None and view.sort_from_columns(None, columns) is None
    # Before the grid reports, the column definitions (field, not colId) hold the page's sort.
    assert view.sort_from_columns([{"field": "year", "sort": "desc"}], columns) == (("year", True),)
    assert view.sort_from_columns([{"colId": "bogus", "sort": "asc"}], columns) is None


def test_sorting_keeps_the_grids_page_and_columns(client):
    """A sort from the grid answers with the rows only (columnDefs untouched: the reader's widths stay)."""
    body = next(b for b in dash_calls.calls(client, "/data")
                if any(isinstance(i, dict) and i.get("id") == "explorer-table" for i in b["inputs"]))
    for item in body["inputs"]:
        if isinstance(item, dict) and item["id"] == "explorer-table":
            item["value"] = SORTED
    body["changedPropIds"] = ["explorer-table.columnState"]
    response = dash_calls.post(client, body)
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    answer = response.get_json()["response"]
    assert "columnDefs" not in answer.get("explorer-table", {})
    assert answer["explorer-download"]["href"] == "/data/kz-migration.csv?sort=-value~year"


def test_zip_and_metadata_links_carry_the_readers_language(snap):
    """The CSV is the same in every language; the ZIP's README and the metadata are described in the reader's."""
    *_rest, href, zip_href, meta_href, query = page.update("kz-migration", [], None, "all", [], "ru")
    assert href == "/data/kz-migration.csv"
    assert zip_href == "/data/kz-migration.zip?lang=ru" and meta_href == "/data/kz-migration.meta.json?lang=ru"
    assert query == "?lang=ru"
