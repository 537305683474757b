"""GET /data/<dataset>.csv|.meta.json|.zip: the contract analysts automate against."""

from __future__ import annotations

import csv
import io
import json
import re
import zipfile

import pandas as pd
import pytest

from dashboard import context, datasets, downloads, explorer_filters, urlstate

DATASETS = list(datasets.DATASETS)


def read_csv(response) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(response.data), dtype=str, keep_default_na=False)


@pytest.mark.parametrize("name", DATASETS)
def test_every_dataset_downloads_whole_with_source_and_status(client, snap, name):
    response = client.get(f"/data/{name}.csv")
    assert response.status_code == 200
    assert response.headers["Content-Type"] == "text/csv; charset=utf-8"
    df = read_csv(response)
    assert len(df) == len(datasets.get(name, snap))
    assert list(df.columns) == list(datasets.DATASETS[name].columns)
    assert "source" in df.columns and (df["source"] != "").all()


@pytest.mark.parametrize("name,query,check", [
    ("kz-migration", "years=2019..2024", lambda df: set(df["year"]) == {str(y) for y in range(2019, 2025)}),
    ("kz-destinations", "countries=RUS~DEU", lambda df: set(df["destination"]) == {"RUS", "DEU"}),
    ("kz-destinations", "countries=CIS&years=2017..2019", lambda df: set(df["period"]) == {"2017", "2018", "2019"}),
    ("migrant-stock", "countries=DEU&revision=2020&years=2020",
     lambda df: df[["destination", "year", "value"]].values.tolist() == [["DEU", "2020", "1128201"]]),
    ("migrant-stock", "revision=2024", lambda df: set(df["revision"]) == {"2024"}),
    ("migrant-stock", "origin=KAZ&countries=MNG", lambda df: set(df["origin"]) == {"KAZ"}
     and set(df["destination"]) == {"MNG"}),
    ("eaeu", "countries=KAZ~KGZ&years=2010..2020", lambda df: set(df["iso3"]) == {"KAZ", "KGZ"}
     and df["year"].astype(int).between(2010, 2020).all()),
    ("eec", "countries=ARM", lambda df: set(df["iso3"]) == {"ARM"} and len(df) > 0),
])
def test_filters_select_exactly_the_rows_asked_for(client, name, query, check):
    response = client.get(f"/data/{name}.csv?{query}")
    assert response.status_code == 200, response.data
    df = read_csv(response)
    assert len(df) > 0 and check(df)


def test_csv_equals_what_the_explorer_filter_selects(client, snap):
    """The page's Download button must give exactly the rows on screen."""
    values = {"countries": ("DEU", "UKR"), "years": (2000, 2020), "revision": 2020}
    on_screen = explorer_filters.apply(datasets.get("migrant-stock", snap), "migrant-stock", values)
    response = client.get("/data/migrant-stock.csv?countries=DEU~UKR&years=2000..2020&revision=2020")
    assert response.data.decode("utf-8") == downloads.csv_text(on_screen)


def test_an_empty_selection_is_a_header_not_an_error(client):
    response = client.get("/data/kz-destinations.csv?countries=FRA")
    assert response.status_code == 200
    assert response.data.decode() == ",".join(datasets.DATASETS["kz-destinations"].columns) + "\r\n"


@pytest.mark.parametrize("url,named", [
    ("/data/kz-migration.csv?years=2019-2024", "years"),
    ("/data/kz-migration.csv?years=1800..2020", "years"),
    ("/data/eaeu.csv?countries=KAZ~XXX", "countries"),
    ("/data/eaeu.csv?countries=DEU", "countries"),
    ("/data/migrant-stock.csv?revision=2019", "revision"),
    ("/data/migrant-stock.csv?origin=DEU", "origin"),
    ("/data/kz-migration.csv?countries=KAZ", "countries"),  # kz-migration has no country filter
    ("/data/kz-migration.csv?colour=red", "colour"),
    ("/data/kz-migration.csv?bom=yes", "bom"),
    ("/data/eaeu.csv?countries=KAZ&countries=RUS", "countries"),
])
def test_bad_parameters_answer_400_naming_the_parameter(client, url, named):
    response = client.get(url)
    assert response.status_code == 400
    assert response.mimetype == "text/plain"
    text = response.data.decode()
    assert f"'{named}'" in text and "allowed" in text


@pytest.mark.parametrize("url", ["/data/nope.csv", "/data/kz-migration.xlsx", "/data/kz-migration"])
def test_unknown_dataset_answers_404(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "kz-migration.csv" in response.data.decode()


def test_bom_for_excel(client):
    plain = client.get("/data/eaeu.csv?countries=KAZ").data
    with_bom = client.get("/data/eaeu.csv?countries=KAZ&bom=1").data
    assert with_bom == "\ufeff".encode("utf-8") + plain


def test_formula_injection_is_neutralised_numbers_stay_numbers():
    df = pd.DataFrame({"note": pd.array(["=HYPERLINK(\"x\")", "+1", "-21.4% on 2021", "@SUM(A1)", "\tx", "\rx", "ok",
                                         None], dtype="string"),
                       "value": pd.array([-5, 1, -2, 3, 4, 5, 6, 7], dtype="Int64")})
    rows = list(csv.reader(io.StringIO(downloads.csv_text(df), newline="")))
    notes = [r[0] for r in rows[1:]]
    assert notes[:6] == ["'=HYPERLINK(\"x\")", "'+1", "'-21.4% on 2021", "'@SUM(A1)", "'\tx", "'\rx"]
    assert notes[6:] == ["ok", ""]
    assert [r[1] for r in rows[1:]][:3] == ["-5", "1", "-2"]


def test_real_notes_starting_with_a_sign_are_neutralised(client):
    """BNS notes such as "-21.4% on Jan-Sep 2021" would run as a formula in a spreadsheet."""
    text = client.get("/data/kz-destinations.csv?countries=RUS").data.decode()
    assert "'-21.4% on Jan-Sep 2021" in text
    assert ",-" not in text.replace(",-21.4", "")  # no bare cell starting with "-" (values here are positive)


def test_etag_and_conditional_get(client):
    first = client.get("/data/eaeu.csv?countries=KAZ")
    etag = first.headers["ETag"]
    assert "max-age" in first.headers["Cache-Control"]
    again = client.get("/data/eaeu.csv?countries=KAZ", headers={"If-None-Match": etag})
    assert again.status_code == 304 and again.data == b""
    other = client.get("/data/eaeu.csv?countries=RUS", headers={"If-None-Match": etag})
    assert other.status_code == 200


@pytest.mark.parametrize("name", DATASETS)
def test_metadata_lists_columns_units_sources_licence(client, name):
    meta = client.get(f"/data/{name}.meta.json").get_json()
    assert [c["name"] for c in meta["columns"]] == list(datasets.DATASETS[name].columns)
    assert all(c["description"] for c in meta["columns"])
    assert meta["sources"] and all(s["url"].startswith("https://") and s["licence"] for s in meta["sources"])
    assert meta["data_as_of"] and meta["licence"] and meta["citation"]


def test_zip_holds_csv_metadata_and_readme_with_citation(client):
    response = client.get("/data/migrant-stock.zip?countries=MNG~USA&revision=2020")
    assert response.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    assert sorted(archive.namelist()) == ["README.txt", "migrant-stock.csv", "migrant-stock.meta.json"]
    csv_text = archive.read("migrant-stock.csv").decode()
    assert csv_text == client.get("/data/migrant-stock.csv?countries=MNG~USA&revision=2020").data.decode()
    meta = json.loads(archive.read("migrant-stock.meta.json"))
    readme = archive.read("README.txt").decode()
    assert meta["citation"] in readme and "CC BY 3.0 IGO" in readme
    # the same content gives the same bytes, so the ETag is stable
    assert client.get("/data/migrant-stock.zip?countries=MNG~USA&revision=2020").data == response.data


def test_the_same_filters_written_differently_are_built_once_and_a_bad_one_never(app, client):
    """Downloads are cached per snapshot by the parsed filters: case and defaults do not make new entries,
    and a 400 leaves nothing behind (junk queries cannot push real downloads out)."""
    with app.server.test_request_context("/"):
        cache = context.snapshot().caches["download"]
    before = len(cache)
    first = client.get("/data/eaeu.csv?countries=KAZ~RUS&years=2000..2010")
    for same in ("countries=kaz~rus&years=2000..2010", "years=2000..2010&countries=KAZ~RUS&bom=0"):
        again = client.get(f"/data/eaeu.csv?{same}")
        assert again.status_code == 200 and again.data == first.data, same
    assert len(cache) == before + 1
    for junk in ("countries=XXX", "years=soon", "colour=red"):
        assert client.get(f"/data/eaeu.csv?{junk}").status_code == 400
    assert len(cache) == before + 1


def test_body_is_one_object_per_snapshot_and_canonical_query(snap):
    values = urlstate.parse({"countries": "KAZ"}, downloads.params("eaeu"), strict=True)[0]
    same = urlstate.parse({"countries": "kaz", "bom": "0"}, downloads.params("eaeu"), strict=True)[0]
    assert downloads.body("eaeu", ".csv", values, snap) is downloads.body("eaeu", ".csv", same, snap)


# --- the row order and the file name follow the explorer's view -------------------------------------------------

def test_sort_gives_the_rows_in_that_order(client, snap):
    """The grid's sort is in its Download CSV link: the file has the rows in the order the reader sees."""
    response = client.get("/data/migrant-stock.csv?countries=DEU~UKR&years=2000..2020&revision=2020&sort=-value~year")
    assert response.status_code == 200
    df = read_csv(response)
    values = df["value"].astype(int).tolist()
    assert values == sorted(values, reverse=True) and values[0] == 1128201
    expected = explorer_filters.apply(datasets.get("migrant-stock", snap), "migrant-stock", {
        "countries": ("DEU", "UKR"), "years": (2000, 2020), "revision": 2020,
        "sort": (("value", True), ("year", False))})
    assert response.data.decode("utf-8") == downloads.csv_text(expected)
    unsorted = read_csv(client.get("/data/migrant-stock.csv?countries=DEU~UKR&years=2000..2020&revision=2020"))
    assert sorted(map(tuple, unsorted.values.tolist())) == sorted(map(tuple, df.values.tolist())), "same rows"


@pytest.mark.parametrize("query", ["sort=nope", "sort=-value~value", "sort=", "sort=year&sort=value"])
def test_a_bad_sort_is_a_400(client, query):
    response = client.get(f"/data/kz-migration.csv?{query}")
    assert response.status_code == 400 and "'sort'" in response.data.decode()


def test_the_file_name_names_the_filters(client):
    """Three downloads of migrant-stock used to be three files called migrant-stock.csv."""
    assert downloads.filename("migrant-stock", {"countries": ("DEU", "UKR"), "years": (2000, 2020),
                                                "revision": 2020}, ".csv") == \
        "migrant-stock_countries-DEU-UKR_years-2000-2020_revision-2020.csv"
    response = client.get("/data/migrant-stock.csv?countries=DEU~UKR&years=2000..2020&revision=2020")
    assert response.headers["Content-Disposition"] == \
        'attachment; filename="migrant-stock_countries-DEU-UKR_years-2000-2020_revision-2020.csv"'
    assert client.get("/data/eaeu.csv").headers["Content-Disposition"] == 'attachment; filename="eaeu.csv"'
    # The Excel BOM changes no rows: it is not in the name.
    assert client.get("/data/eaeu.csv?bom=1").headers["Content-Disposition"] == 'attachment; filename="eaeu.csv"'
    assert client.get("/data/eaeu.zip?countries=KAZ").headers["Content-Disposition"] == \
        'attachment; filename="eaeu_countries-KAZ.zip"'
    assert "sort-" in client.get("/data/kz-migration.csv?sort=-value").headers["Content-Disposition"]


def test_file_names_are_safe_and_bounded():
    name = downloads.filename("kz-destinations", {"countries": ("CIS", "NON-CIS", "RUS", "DEU", "USA", "ISR", "UKR",
                                                                "BLR", "POL", "TUR", "CAN", "CHN", "KGZ", "UZB")},
                              ".csv")
    assert re.fullmatch(r"[A-Za-z0-9_.-]+", name), name
    assert all(len(part) <= 60 for part in name.removesuffix(".csv").split("_"))
