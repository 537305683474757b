"""BNS dynamic-table loader: the quoted, tab-separated export becomes yearly totals per territory."""

from __future__ import annotations

from pathlib import Path

import pytest
import requests
import responses

from dashboard.sources import bns_dynamic
from dashboard.sources._http import SourceError, SourceNotFound, SourceUnavailable, make_session

FIXTURE = Path(__file__).resolve().parent.parent / "fixtures" / "bns_6567.csv"
INDICATOR = "Сальдо миграции по всем потокам(Человек)"
TOTALS = ("0", "Всего", "0", "Всего", "0", "Всего", "0")


@pytest.fixture
def text() -> str:
    """Export of table 6567 shaped like stat.gov.kz's: header line, quoted fields, CRLF, mixed spaces.

    The header names are placeholders: the loader reads the layout by position.
    """
    return FIXTURE.read_text(encoding="utf-8")


@pytest.fixture
def session() -> requests.Session:
    return make_session(retries=0)


def line(*fields: str) -> str:
    return "\t".join(f'"{field}"' for field in fields)


def with_line(text: str, *fields: str) -> str:
    return text + line(*fields) + "\r\n"


def national(frame):
    return frame[frame.national].set_index("year")["value"].to_dict()


# ------------------------------------------------------------------------------------- parse

def test_parse_has_exact_columns_and_types(text):
    """Charts select these columns by name and expect integer years and nullable counts."""
    frame = bns_dynamic.parse(text)
    assert list(frame.columns) == ["year", "territory", "national", "value"]
    assert frame["year"].dtype == "int64"
    assert frame["territory"].dtype == "str"
    assert frame["national"].dtype == "bool"
    assert frame["value"].dtype == "Int64"


def test_thousands_separators_and_minus_signs_are_read(text):
    """'-32 970' with a space, no-break space or narrow no-break space is -32970, not an error or 0."""
    assert national(bns_dynamic.parse(text)) == {2019: -32970, 2020: -17718, 2024: 16550}


def test_regional_rows_are_kept_and_not_national(text):
    frame = bns_dynamic.parse(text)
    regions = frame[~frame.national]
    assert set(regions["territory"]) == {"АКМОЛИНСКАЯ ОБЛАСТЬ", "Г.АЛМАТЫ"}
    almaty = regions[regions.territory == "Г.АЛМАТЫ"].set_index("year")["value"].to_dict()
    assert almaty == {2019: 12345, 2020: 987}
    akmola = regions[regions.territory == "АКМОЛИНСКАЯ ОБЛАСТЬ"].set_index("year")["value"]
    assert akmola.to_dict() == {2019: -4512, 2020: -3001}
    # Exactly one national row per year.
    assert frame[frame.national].groupby("year").size().eq(1).all()
    assert set(frame[frame.national]["territory"]) == {"РЕСПУБЛИКА КАЗАХСТАН"}


def test_breakdown_rows_are_not_taken_for_totals(text):
    """A sex or flow breakdown (men only: -15 001) must never replace the total (-32 970)."""
    frame = bns_dynamic.parse(text)
    assert -15001 not in set(frame["value"])
    assert len(frame) == 7


def test_national_row_comes_first_within_each_year(text):
    frame = bns_dynamic.parse(text)
    assert list(frame.year) == sorted(frame.year)
    for _, group in frame.groupby("year"):
        assert group["national"].iloc[0]


def test_year_falls_back_to_period_code(text):
    """If the label is blank, the first four digits of the period code give the year."""
    frame = bns_dynamic.parse(with_line(text, INDICATOR, "", "202112", "РЕСПУБЛИКА КАЗАХСТАН",
                                        *TOTALS, "-21 217"))
    assert national(frame)[2021] == -21217


def test_partial_year_period_is_refused(text):
    """A half-year figure must never be drawn as a whole year."""
    bad = with_line(text, INDICATOR, "январь-июнь 2025 года", "202506", "РЕСПУБЛИКА КАЗАХСТАН",
                    *TOTALS, "5 000")
    with pytest.raises(SourceError, match="not a whole year"):
        bns_dynamic.parse(bad)


def test_empty_value_stays_missing_not_zero(text):
    """A blank cell is a gap: a chart must not show zero net migration for that year."""
    frame = bns_dynamic.parse(with_line(text, INDICATOR, "2021 год", "202112",
                                        "РЕСПУБЛИКА КАЗАХСТАН", *TOTALS, ""))
    row = frame[frame.national & (frame.year == 2021)]["value"]
    assert len(row) == 1 and row.isna().all()


@pytest.mark.parametrize("bad", ["-32,970.5", "x", "…", "32 970 чел."])
def test_unparsable_number_is_refused(text, bad):
    """A value that is not an integer must stop the refresh, not become 0 or vanish."""
    broken = with_line(text, INDICATOR, "2021 год", "202112", "РЕСПУБЛИКА КАЗАХСТАН", *TOTALS, bad)
    with pytest.raises(SourceError, match="not an integer"):
        bns_dynamic.parse(broken)


def test_no_national_rows_is_refused(text):
    """Without the РЕСПУБЛИКА КАЗАХСТАН total the headline series would be empty."""
    regional_only = "\r\n".join(l for l in text.splitlines() if "РЕСПУБЛИКА" not in l)
    with pytest.raises(SourceError, match="РЕСПУБЛИКА КАЗАХСТАН"):
        bns_dynamic.parse(regional_only)


def test_changed_column_count_is_refused(text):
    """A new dimension in the export shifts every column: reading by position would be wrong."""
    lines = text.splitlines()
    widened = "\r\n".join(l + '\t"extra"' for l in lines)
    with pytest.raises(SourceError, match="13 columns, expected 12"):
        bns_dynamic.parse(widened)


def test_short_data_row_is_refused(text):
    """A row cut off (truncated download) must not be read with shifted columns."""
    with pytest.raises(SourceError, match="expected 12"):
        bns_dynamic.parse(text + '"' + INDICATOR + '"\t"2021 год"\t"2021')


def test_other_table_is_refused(text):
    """Asking for the wrong element ID must not pass population figures off as net migration."""
    other = text.replace("Сальдо миграции по всем потокам", "Численность населения")
    with pytest.raises(SourceError, match="Сальдо миграции"):
        bns_dynamic.parse(other)


def test_indicator_text_can_be_changed(text):
    other = text.replace("Сальдо миграции по всем потокам", "Число выбывших")
    assert national(bns_dynamic.parse(other, indicator_contains="Число выбывших"))[2019] == -32970


def test_missing_header_line_is_refused(text):
    """If the header vanished, the first data row would otherwise be silently skipped."""
    headless = "\r\n".join(text.splitlines()[1:])
    with pytest.raises(SourceError, match="header"):
        bns_dynamic.parse(headless)


def test_duplicate_total_rows_are_refused(text):
    """Two totals for the same year and territory would be ambiguous (and double in sums)."""
    twice = with_line(text, INDICATOR, "2019 год", "201912", "РЕСПУБЛИКА КАЗАХСТАН", *TOTALS, "-1")
    with pytest.raises(SourceError, match="two total rows"):
        bns_dynamic.parse(twice)


def test_empty_export_is_refused():
    with pytest.raises(SourceError, match="empty"):
        bns_dynamic.parse("")


def test_bom_in_text_is_tolerated(text):
    assert national(bns_dynamic.parse("\ufeff" + text))[2019] == -32970


# ------------------------------------------------------------------------------------- fetch

def test_url_is_the_csv_export():
    assert bns_dynamic.url() == "https://stat.gov.kz/api/iblock/element/6567/csv/file/ru/"
    assert bns_dynamic.url(6584) == "https://stat.gov.kz/api/iblock/element/6584/csv/file/ru/"


@responses.activate
def test_fetch_decodes_utf8_and_drops_bom(text, session):
    """A byte-order mark left in place would glue itself to the first header field."""
    responses.add(responses.GET, bns_dynamic.url(), body=b"\xef\xbb\xbf" + text.encode("utf-8"))
    fetched = bns_dynamic.fetch(session)
    assert fetched == text
    assert national(bns_dynamic.parse(fetched))[2020] == -17718


@responses.activate
def test_fetch_non_utf8_is_source_error(session):
    responses.add(responses.GET, bns_dynamic.url(), body=INDICATOR.encode("cp1251"))
    with pytest.raises(SourceError, match="UTF-8"):
        bns_dynamic.fetch(session)


@responses.activate
def test_fetch_404_is_source_not_found(session):
    """A withdrawn table ID must be reported as such, so the maintainer looks for the new one."""
    responses.add(responses.GET, bns_dynamic.url(1), status=404)
    with pytest.raises(SourceNotFound):
        bns_dynamic.fetch(session, 1)


@responses.activate
def test_fetch_500_is_source_unavailable(session):
    responses.add(responses.GET, bns_dynamic.url(), status=500)
    with pytest.raises(SourceUnavailable):
        bns_dynamic.fetch(session)


@responses.activate
def test_fetch_timeout_is_source_unavailable(session):
    responses.add(responses.GET, bns_dynamic.url(), body=requests.exceptions.ReadTimeout("slow"))
    with pytest.raises(SourceUnavailable, match="timed out"):
        bns_dynamic.fetch(session)
