"""UN DESA migrant stock loader: the origin-by-destination workbook becomes a long, country-only frame."""

from __future__ import annotations

import io

import openpyxl
import pandas as pd
import pytest
import requests
import responses

from dashboard.sources import undesa
from dashboard.sources._http import SourceError, SourceNotFound, SourceUnavailable, make_session

HEADER = [
    "Index",
    # The real header cells carry line breaks and padding.
    "Region, development group,\ncountry or area of destination ",
    "Notes of destination",
    " Location code of destination",
    "Type of data of destination",
    "Region, development group, country or area of origin",
    "Location code\nof origin",
]
YEARS = {2020: [1990, 2000, 2020], 2024: [1990, 2000, 2020, 2024]}
HEADER_ROW = {2020: 10, 2024: 11}  # 1-based, as in Excel

# (destination name, destination M49, origin name, origin M49, both-sexes values per year)
# Values of the Kazakhstan-born rows are those of the 2024 revision.
ROWS = {
    2024: [
        ("WORLD", 900, "Kazakhstan", 398, [3690000, 3800000, 3900000, 3700000]),
        ("Europe", 908, "Kazakhstan", 398, [2900000, 3000000, 2800000, 2600000]),
        ("Russian Federation", 643, "WORLD", 900, [11500000, 11900000, 11600000, 11600000]),
        ("Russian Federation", 643, "Kazakhstan", 398, [2349697, 2571681, 1635008, 1321004]),
        ("Germany*", 276, "Kazakhstan", 398, [215522, "..", 872932, 896268]),
        ("Ukraine", 804, "Kazakhstan", 398, [330947, 254065, None, 0]),
        ("Kazakhstan", 398, "Russian Federation", 643, [2900000, 2400000, 2000000, 1900000]),
        ("Kazakhstan", 398, "Uzbekistan", 860, [330000, 300000, 280000, 270000]),
    ],
    2020: [
        ("WORLD", 900, "Kazakhstan", 398, [3690000, 3800000, 4100000]),
        ("Russian Federation", 643, "Kazakhstan", 398, [2349697, 2571681, 2558907]),
        ("Germany*", 276, "Kazakhstan", 398, [10199, 487090, 1128201]),
    ],
}


def both_sexes(values):
    return values


def males(values):
    # Different numbers in each block, so a test can prove the both-sexes block is the one read.
    return [v // 2 + 1 if isinstance(v, int) and v else v for v in values]


def females(values):
    return [v // 2 - 1 if isinstance(v, int) and v else v for v in values]


def build_workbook(revision: int, *, header=None, rows=None, header_row=None, sheet="Table 1",
                   years=None) -> bytes:
    """An XLSX laid out like the UN DESA file: title rows, an "Index" header, three year blocks."""
    header = list(HEADER if header is None else header)
    rows = ROWS[revision] if rows is None else rows
    header_row = HEADER_ROW[revision] if header_row is None else header_row
    years = YEARS[revision] if years is None else years

    book = openpyxl.Workbook()
    book.active.title = "Contents"
    book.active["A1"] = "International Migrant Stock"
    ws = book.create_sheet(sheet)
    ws["A1"] = "United Nations"
    ws["A2"] = "Population Division"
    ws["A4"] = f"International Migrant Stock {revision}"
    ws["A6"] = "Table 1. International migrant stock at mid-year by sex and by region, country or " \
               "area of destination and origin, 1990-{}".format(years[-1])
    ws.cell(row=header_row - 1, column=len(header) + 1, value="Both sexes")
    ws.cell(row=header_row - 1, column=len(header) + len(years) + 1, value="Males")
    ws.cell(row=header_row - 1, column=len(header) + 2 * len(years) + 1, value="Females")
    for col, text in enumerate(header + years * 3, start=1):
        ws.cell(row=header_row, column=col, value=text)
    for index, (dest, dest_code, origin, origin_code, values) in enumerate(rows, start=1):
        cells = [index, dest, None, dest_code, "B", origin, origin_code]
        cells += both_sexes(values) + males(values) + females(values)
        for col, value in enumerate(cells, start=1):
            ws.cell(row=header_row + index, column=col, value=value)
    ws.cell(row=header_row + len(rows) + 2, column=1, value="Note: * footnote text under the table.")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


@pytest.fixture
def session() -> requests.Session:
    return make_session(retries=0)


def value(frame, origin, destination, year):
    hit = frame[(frame.origin == origin) & (frame.destination == destination) & (frame.year == year)]
    assert len(hit) <= 1
    return hit["value"].item() if len(hit) else None


# ------------------------------------------------------------------------------------- parse

def test_parse_2024_has_exact_columns_and_types():
    """Downstream code selects these columns by name and expects integer years and nullable counts."""
    frame = undesa.parse(build_workbook(2024), 2024)
    assert list(frame.columns) == ["revision", "origin", "destination", "destination_name", "year",
                                   "value"]
    assert frame["revision"].dtype == "int64"
    assert frame["year"].dtype == "int64"
    assert frame["value"].dtype == "Int64"
    for column in ("origin", "destination", "destination_name"):
        assert frame[column].dtype == "str"
    assert set(frame["revision"]) == {2024}


def test_header_row_is_found_not_assumed():
    """The title block differs per revision (row 10 in 2020, 11 in 2024); both must be read."""
    for revision in (2020, 2024):
        frame = undesa.parse(build_workbook(revision), revision)
        assert value(frame, "KAZ", "RUS", 1990) == 2349697
    # Even a header moved further down is still found.
    moved = undesa.parse(build_workbook(2024, header_row=15), 2024)
    assert value(moved, "KAZ", "RUS", 2024) == 1321004


def test_both_sexes_block_is_taken_not_males_or_females():
    """Reading the males or females block would halve every stock on the map."""
    frame = undesa.parse(build_workbook(2024), 2024)
    assert value(frame, "KAZ", "RUS", 2024) == 1321004
    assert value(frame, "KAZ", "DEU", 2020) == 872932
    assert sorted(frame["year"].unique()) == [1990, 2000, 2020, 2024]


def test_aggregates_and_regions_are_dropped():
    """WORLD and regional rows would double-count if summed with countries."""
    frame = undesa.parse(build_workbook(2024), 2024)
    assert set(frame["destination"]) == {"RUS", "DEU", "UKR", "KAZ"}
    # Rows with an aggregate origin ("WORLD" living in Russia) are not an origin country either.
    assert set(frame["origin"]) == {"KAZ", "RUS"}


def test_origins_filter_keeps_only_requested_origins():
    """Uzbekistan-born in Kazakhstan is not an EAEU origin and must not enter EAEU totals."""
    frame = undesa.parse(build_workbook(2024), 2024)
    assert "UZB" not in set(frame["origin"])
    only_kaz = undesa.parse(build_workbook(2024), 2024, origins=("KAZ",))
    assert set(only_kaz["origin"]) == {"KAZ"}
    with_uzb = undesa.parse(build_workbook(2024), 2024, origins=("KAZ", "UZB"))
    assert value(with_uzb, "UZB", "KAZ", 2024) == 270000


def test_footnote_star_is_stripped_from_destination_name():
    """A "*" in a country label would show up in the dashboard's legend and tooltips."""
    frame = undesa.parse(build_workbook(2024), 2024)
    names = dict(zip(frame.destination, frame.destination_name))
    assert names["DEU"] == "Germany"
    assert names["RUS"] == "Russian Federation"


def test_dotdot_and_empty_cells_are_gaps_but_published_zero_stays_zero():
    """'..' or an empty cell means 'not available': showing 0 there would invent a fact."""
    frame = undesa.parse(build_workbook(2024), 2024)
    assert value(frame, "KAZ", "DEU", 2000) is None  # ".."
    assert value(frame, "KAZ", "UKR", 2020) is None  # empty cell
    assert value(frame, "KAZ", "UKR", 2024) == 0     # published 0
    assert not frame["value"].isna().any()


def test_sorted_by_origin_destination_year():
    frame = undesa.parse(build_workbook(2024), 2024)
    keys = list(zip(frame.origin, frame.destination, frame.year))
    assert keys == sorted(keys)


def test_renamed_header_is_refused():
    """If the UN renames a column, the loader must stop rather than read the wrong column."""
    header = list(HEADER)
    header[3] = "Location ID of destination"
    with pytest.raises(SourceError, match="Location code of destination"):
        undesa.parse(build_workbook(2024, header=header), 2024)


def test_missing_header_row_is_refused():
    """Without the "Index" header row there is no safe way to tell which column is which."""
    header = list(HEADER)
    header[0] = "No."
    with pytest.raises(SourceError, match="no header row"):
        undesa.parse(build_workbook(2024, header=header), 2024)


def test_no_year_columns_is_refused():
    with pytest.raises(SourceError, match="no year columns"):
        undesa.parse(build_workbook(2024, years=["a", "b", "c", "d"]), 2024)


def test_no_kazakhstan_rows_is_refused():
    """A file without Kazakhstan as an origin would leave the dashboard's main chart empty."""
    rows = [r for r in ROWS[2024] if r[3] != 398]
    with pytest.raises(SourceError, match="Kazakhstan"):
        undesa.parse(build_workbook(2024, rows=rows), 2024)


@pytest.mark.parametrize("bad", [12.5, "12,500", "n/a"])
def test_non_integer_value_is_refused(bad):
    """A stock that is not a whole number means the layout is not what the loader assumes."""
    rows = list(ROWS[2024])
    dest, dest_code, origin, origin_code, values = rows[3]
    rows[3] = (dest, dest_code, origin, origin_code, [bad] + values[1:])
    with pytest.raises(SourceError, match="not an integer"):
        undesa.parse(build_workbook(2024, rows=rows), 2024)


def test_missing_sheet_is_refused():
    with pytest.raises(SourceError, match="Table 1"):
        undesa.parse(build_workbook(2024, sheet="Table 2"), 2024)


def test_non_xlsx_reply_is_refused():
    """An HTML error page served with status 200 must not crash with an obscure zip error."""
    with pytest.raises(SourceError, match="XLSX"):
        undesa.parse(b"<html><body>Access denied</body></html>", 2024)


# ------------------------------------------------------------------------------ origin_totals

def test_origin_totals_sum_destination_countries_only():
    """Totals must add countries only; adding WORLD or regions would inflate them several times."""
    stock = undesa.parse(build_workbook(2024), 2024)
    totals = undesa.origin_totals(stock)
    assert list(totals.columns) == ["revision", "origin", "year", "value"]
    assert totals["value"].dtype == "Int64"
    assert totals["year"].dtype == "int64"
    kaz = totals[totals.origin == "KAZ"].set_index("year")["value"].to_dict()
    assert kaz == {
        1990: 2349697 + 215522 + 330947,
        2000: 2571681 + 254065,            # Germany ".." adds nothing: not like-for-like
        2020: 1635008 + 872932,            # Ukraine empty
        2024: 1321004 + 896268 + 0,
    }


# ------------------------------------------------------------------------------------- fetch

@responses.activate
def test_fetch_returns_the_workbook_bytes(session):
    body = build_workbook(2024)
    responses.add(responses.GET, undesa.URLS[2024], body=body)
    assert undesa.fetch(session, 2024) == body
    # un.org refuses some default client user agents.
    assert "Mozilla" in responses.calls[0].request.headers["User-Agent"]


def test_urls_follow_the_un_pattern():
    for revision, address in undesa.URLS.items():
        assert address == (
            "https://www.un.org/development/desa/pd/sites/www.un.org.development.desa.pd/files/"
            f"undesa_pd_{revision}_ims_stock_by_sex_destination_and_origin.xlsx")


@responses.activate
def test_fetch_404_is_source_not_found(session):
    """A moved file must be reported as moved, so the maintainer updates the URL."""
    responses.add(responses.GET, undesa.URLS[2020], status=404)
    with pytest.raises(SourceNotFound):
        undesa.fetch(session, 2020)


@responses.activate
def test_fetch_500_and_timeout_are_source_unavailable(session):
    responses.add(responses.GET, undesa.URLS[2024], status=503)
    with pytest.raises(SourceUnavailable):
        undesa.fetch(session, 2024)
    responses.replace(responses.GET, undesa.URLS[2024],
                      body=requests.exceptions.ConnectTimeout("connect timed out"))
    with pytest.raises(SourceUnavailable):
        undesa.fetch(session, 2024)


def test_fetch_unknown_revision_is_a_caller_error(session):
    with pytest.raises(ValueError, match="2019"):
        undesa.fetch(session, 2019)


def test_parse_accepts_text_year_headers():
    """Year headers stored as text ("1990") are still years."""
    frame = undesa.parse(build_workbook(2024, years=["1990", "2000", "2020", "2024"]), 2024)
    assert value(frame, "KAZ", "RUS", 2024) == 1321004
    assert isinstance(frame, pd.DataFrame)
