"""World Bank loader: the paged JSON reply becomes a tidy frame, and every malformed reply is refused."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses
from responses import matchers

from dashboard.sources import worldbank
from dashboard.sources._http import SourceError, SourceNotFound, SourceUnavailable, make_session

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
COUNTRIES = ("KAZ", "RUS")
BASE = "https://api.worldbank.org/v2/country/KAZ;RUS/indicator/SM.POP.NETM"


@pytest.fixture
def pages() -> list:
    """Two pages of SM.POP.NETM for KAZ and RUS, 2022-2024, shaped like the API (per_page=4, newest first)."""
    return [json.loads((FIXTURES / f"worldbank_netm_page{n}.json").read_text(encoding="utf-8"))
            for n in (1, 2)]


@pytest.fixture
def session() -> requests.Session:
    return make_session(retries=0)


def page_params(page: int) -> dict:
    return {"format": "json", "per_page": "1000", "date": "2022:2024", "page": str(page)}


# --------------------------------------------------------------------------------------- url

def test_url_matches_the_documented_api_form():
    """A wrong URL would silently query another indicator, country set or period."""
    assert worldbank.url("SM.POP.NETM", ("KAZ", "RUS", "BLR", "ARM", "KGZ"), 1990, 2024, 1) == (
        "https://api.worldbank.org/v2/country/KAZ;RUS;BLR;ARM;KGZ/indicator/SM.POP.NETM"
        "?format=json&per_page=1000&date=1990:2024&page=1")
    assert worldbank.url("SP.POP.TOTL", "KAZ", page=3).endswith("date=1990:2024&page=3")
    assert worldbank.INDICATORS == ("SM.POP.NETM", "SP.POP.TOTL", "SM.POP.TOTL")


# ------------------------------------------------------------------------------------- parse

def test_parse_gives_a_tidy_sorted_frame_with_exact_columns_and_types(pages):
    """The figures must come out typed and in a stable order, or charts and joins break."""
    frame, updated = worldbank.parse(pages)
    assert list(frame.columns) == ["indicator", "iso3", "year", "value"]
    assert frame["indicator"].dtype == "str"
    assert frame["iso3"].dtype == "str"
    assert frame["year"].dtype == "int64"
    assert frame["value"].dtype == "Int64"
    assert updated == "2026-07-13"
    # The API lists newest year first; the frame is sorted oldest first.
    assert list(zip(frame.iso3, frame.year)) == [
        ("KAZ", 2022), ("KAZ", 2023), ("KAZ", 2024), ("RUS", 2022), ("RUS", 2023), ("RUS", 2024)]
    kaz = frame[frame.iso3 == "KAZ"].set_index("year")["value"]
    assert kaz.to_dict() == {2022: 45755, 2023: -4822, 2024: -7368}


def test_null_value_stays_missing_not_zero(pages):
    """A year the World Bank has no estimate for must show as a gap, not as zero net migration."""
    frame, _ = worldbank.parse(pages)
    rus_2022 = frame[(frame.iso3 == "RUS") & (frame.year == 2022)]["value"]
    assert len(rus_2022) == 1
    assert rus_2022.isna().all()
    assert (frame["value"] == 0).sum() == 0


def test_truncated_reply_with_fewer_rows_than_total_is_refused(pages):
    """If a page is cut short, the user would see a year silently missing from the chart."""
    pages[1][1].pop()
    with pytest.raises(SourceError, match="announces 6 rows but 5"):
        worldbank.parse(pages)


def test_missing_second_page_is_refused(pages):
    """Forgetting to follow paging would drop a whole country without any warning."""
    with pytest.raises(SourceError, match="announces 6 rows but 4"):
        worldbank.parse(pages[:1])


def test_missing_lastupdated_is_refused(pages):
    """Without the vintage date the dashboard cannot say how current its figures are."""
    del pages[0][0]["lastupdated"]
    with pytest.raises(SourceError, match="lastupdated"):
        worldbank.parse(pages)


def test_pages_with_different_lastupdated_are_refused(pages):
    """Pages from two database vintages would mix old and revised figures in one series."""
    pages[1][0]["lastupdated"] = "2026-08-01"
    with pytest.raises(SourceError, match="disagree on 'lastupdated'"):
        worldbank.parse(pages)


def test_api_error_message_is_refused_with_its_reason():
    """The API answers a bad query with HTTP 200 and a message; it must not read as 'no data'."""
    reply = [{"message": [{"id": "120", "key": "Invalid value",
                           "value": "The provided parameter value is not valid"}]}]
    with pytest.raises(SourceError, match="Invalid value"):
        worldbank.parse([reply])


def test_renamed_field_is_refused(pages):
    """If the API renames countryiso3code, countries must not silently disappear."""
    row = pages[0][1][0]
    row["countryIso3Code"] = row.pop("countryiso3code")
    with pytest.raises(SourceError, match="countryiso3code"):
        worldbank.parse(pages)


@pytest.mark.parametrize("value", [12.5, "12", True])
def test_non_integer_value_is_refused(pages, value):
    """A head count that is not an integer means the reply is not what the dashboard assumes."""
    pages[0][1][0]["value"] = value
    with pytest.raises(SourceError, match="not an integer|not a number"):
        worldbank.parse(pages)


def test_integral_float_is_accepted(pages):
    """JSON may spell a count as 123.0; that is still the integer 123, not an error."""
    pages[0][1][0]["value"] = -7368.0
    frame, _ = worldbank.parse(pages)
    assert frame[(frame.iso3 == "KAZ") & (frame.year == 2024)]["value"].item() == -7368


def test_non_annual_date_is_refused(pages):
    """A monthly or quarterly date must not be read as a whole year."""
    pages[0][1][0]["date"] = "2024M01"
    with pytest.raises(SourceError, match="not a year"):
        worldbank.parse(pages)


def test_overlapping_pages_are_refused(pages):
    """The same observation twice would double-count when summed."""
    doubled = copy.deepcopy(pages)
    doubled[1][1][0] = copy.deepcopy(pages[0][1][0])
    with pytest.raises(SourceError, match="duplicate"):
        worldbank.parse(doubled)


def test_reply_without_any_observation_is_refused():
    """An empty reply (rows null) must not render as an empty but 'successful' chart."""
    reply = [{"page": 1, "pages": 0, "per_page": 1000, "total": 0, "sourceid": "2",
              "lastupdated": "2026-07-13"}, None]
    with pytest.raises(SourceError, match="no observations"):
        worldbank.parse([reply])


def test_parse_of_nothing_is_refused():
    with pytest.raises(SourceError):
        worldbank.parse([])


# ------------------------------------------------------------------------------------- fetch

@responses.activate
def test_fetch_follows_pages(pages, session):
    """With only the first page the user would miss every country on later pages."""
    for n in (1, 2):
        responses.add(responses.GET, BASE, json=pages[n - 1],
                      match=[matchers.query_param_matcher(page_params(n))])
    replies = worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)
    assert replies == pages
    assert len(responses.calls) == 2
    frame, _ = worldbank.parse(replies)
    assert len(frame) == 6


@responses.activate
def test_fetch_404_is_source_not_found(session):
    responses.add(responses.GET, BASE, status=404)
    with pytest.raises(SourceNotFound):
        worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)


@responses.activate
def test_fetch_500_is_source_unavailable(session):
    responses.add(responses.GET, BASE, status=500)
    with pytest.raises(SourceUnavailable):
        worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)


@responses.activate
def test_fetch_timeout_is_source_unavailable(session):
    responses.add(responses.GET, BASE, body=requests.exceptions.ReadTimeout("read timed out"))
    with pytest.raises(SourceUnavailable, match="timed out"):
        worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)


@responses.activate
def test_fetch_truncated_json_is_source_error(pages, session):
    """A reply cut off mid-transfer must fail loudly rather than parse as partial data."""
    text = json.dumps(pages[0])
    responses.add(responses.GET, BASE, body=text[: len(text) // 2],
                  content_type="application/json")
    with pytest.raises(SourceError, match="not valid JSON"):
        worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)


@responses.activate
def test_fetch_api_error_message_is_source_error(session):
    """An invalid query (HTTP 200 with a message) must not pass as an empty result."""
    responses.add(responses.GET, BASE, json=[{"message": [
        {"id": "120", "key": "Invalid value", "value": "The provided parameter value is not valid"}]}])
    with pytest.raises(SourceError, match="120 Invalid value"):
        worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)


@responses.activate
def test_fetch_missing_later_page_is_source_not_found(pages, session):
    """A later page that fails must fail the whole fetch, not return the first page alone."""
    responses.add(responses.GET, BASE, json=pages[0],
                  match=[matchers.query_param_matcher(page_params(1))])
    responses.add(responses.GET, BASE, status=404,
                  match=[matchers.query_param_matcher(page_params(2))])
    with pytest.raises(SourceNotFound):
        worldbank.fetch(session, "SM.POP.NETM", COUNTRIES, 2022, 2024)


def test_parse_result_has_no_object_columns(pages):
    frame, _ = worldbank.parse(pages)
    assert not any(dtype == object for dtype in frame.dtypes)
    assert isinstance(frame, pd.DataFrame)
