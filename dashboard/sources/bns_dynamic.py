"""Bureau of National Statistics of Kazakhstan (stat.gov.kz) dynamic tables: net migration by year."""

from __future__ import annotations

import csv
import io
import re

import pandas as pd
import requests

from dashboard import settings
from dashboard.sources import _http
from dashboard.sources._http import SourceError

SOURCE = "bns"
NET_MIGRATION_ELEMENT = 6567  # "Сальдо миграции по всем потокам"
INDICATOR_TEXT = "Сальдо миграции"
NATIONAL = "РЕСПУБЛИКА КАЗАХСТАН"
TOTAL = "Всего"
COLUMNS = ("year", "territory", "national", "value")

# The export's header names are not documented (and not needed): the layout is read by position.
# A data row has 12 fields, names followed by their codes:
#   0 indicator (with unit), 1 period label "2019 год", 2 period code "201912",
#   3 territory, 4 its code, 5/7/9 three breakdowns ("Всего" = total), 6/8/10 their codes, 11 value.
N_FIELDS = 12
INDICATOR, PERIOD_LABEL, PERIOD_CODE, TERRITORY = 0, 1, 2, 3
BREAKDOWNS = (5, 7, 9)
VALUE = 11

# Thousands separators seen in BNS numbers: space, no-break space, narrow no-break space, thin space.
_SEPARATORS = str.maketrans("", "", " \u00a0\u202f\u2009")
_INTEGER = re.compile(r"^-?\d+$")
_YEAR_LABEL = re.compile(r"^(\d{4})\s*(?:год|г\.?)?$")
_PERIOD_CODE = re.compile(r"^(\d{4})\d{0,2}$")


# The export is CSV text (text/csv, or text/plain as many servers label it); an HTML, JSON or XML reply is an
# error page or the API's answer for an unknown table, never the export.
CSV_TYPES = ("text/csv", "text/plain", "application/csv", "text/tab-separated-values")


def url(element: int = NET_MIGRATION_ELEMENT) -> str:
    """The CSV export URL (Russian labels) of dynamic table ``element`` (under ``KZ_BNS_URL``)."""
    return f"{settings.get('KZ_BNS_URL').rstrip('/')}/api/iblock/element/{element}/csv/file/ru/"


def fetch(session: requests.Session, element: int = NET_MIGRATION_ELEMENT) -> str:
    """The export as text (UTF-8; a leading byte-order mark is dropped)."""
    response = _http.get(session, url(element), source=SOURCE, accept=CSV_TYPES)
    try:
        return response.content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise SourceError(SOURCE, f"export is not UTF-8: {exc} ({url(element)})") from exc


def parse(text: str, indicator_contains: str = INDICATOR_TEXT) -> pd.DataFrame:
    """Totals per year and territory: ``year, territory, national, value`` (value nullable Int64).

    Only rows whose three breakdowns are all "Всего" are kept. Regional rows are all-flows net
    migration, internal moves between regions included; only the national row is external net.
    """
    # Every field is double-quoted and tab-separated; csv handles the quoting. Blank lines are
    # skipped, and each row keeps its line number in the file for error messages.
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")), delimiter="\t", quotechar='"')
    try:
        rows = [(reader.line_num, row) for row in reader if any(field.strip() for field in row)]
    except csv.Error as exc:
        raise SourceError(SOURCE, f"malformed export: {exc}") from exc
    if not rows:
        raise SourceError(SOURCE, "the export is empty")
    (_, header), data = rows[0], rows[1:]
    if len(header) != N_FIELDS:
        raise SourceError(SOURCE, f"header has {len(header)} columns, expected {N_FIELDS}: "
                                  "the table layout changed")
    if _looks_like_data(header, indicator_contains):
        raise SourceError(SOURCE, "the first line is a data row, expected a header line")
    if not data:
        raise SourceError(SOURCE, "the export has a header but no data rows")

    records: list[tuple[int, str, bool, object]] = []
    for line_number, row in data:
        if len(row) != N_FIELDS:
            raise SourceError(SOURCE, f"line {line_number} has {len(row)} columns, expected {N_FIELDS}")
        fields = [field.strip() for field in row]
        if indicator_contains.casefold() not in fields[INDICATOR].casefold():
            raise SourceError(SOURCE, f"line {line_number}: indicator {fields[INDICATOR]!r} does not "
                                      f"contain {indicator_contains!r} (wrong table?)")
        if any(fields[i].casefold() != TOTAL.casefold() for i in BREAKDOWNS):
            continue  # a breakdown (sex, age, flow ...) rather than the total
        territory = " ".join(fields[TERRITORY].split())
        if not territory:
            raise SourceError(SOURCE, f"line {line_number}: empty territory")
        year = _year(fields[PERIOD_LABEL], fields[PERIOD_CODE], line_number)
        value = _integer(fields[VALUE], line_number)
        records.append((year, territory, territory.casefold() == NATIONAL.casefold(), value))

    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    if not frame["national"].any():
        raise SourceError(SOURCE, f"no {NATIONAL!r} rows with all breakdowns {TOTAL!r}")
    duplicated = frame.duplicated(["year", "territory"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise SourceError(SOURCE, f"two total rows for {first.territory} {first.year}")
    frame = frame.astype({"year": "int64", "territory": "str", "national": "bool", "value": "Int64"})
    # The national row first in each year, then the regions in BNS order.
    return frame.sort_values(["year", "national"], ascending=[True, False], kind="stable",
                             ignore_index=True)


def _looks_like_data(row: list[str], indicator_contains: str) -> bool:
    return (indicator_contains.casefold() in row[INDICATOR].casefold()
            and bool(_INTEGER.match(row[VALUE].strip().translate(_SEPARATORS))))


def _year(label: str, code: str, line_number: int) -> int:
    # The label reads "2019 год"; the period code "201912" starts with the year too. A label that
    # is not a whole year (e.g. "январь-июнь 2020") must not pass as one.
    from_label = from_code = None
    if label:
        match = _YEAR_LABEL.match(label)
        if not match:
            raise SourceError(SOURCE, f"line {line_number}: period {label!r} is not a whole year")
        from_label = int(match.group(1))
    if code:
        match = _PERIOD_CODE.match(code)
        if match:
            from_code = int(match.group(1))
    if from_label is not None and from_code is not None and from_label != from_code:
        raise SourceError(SOURCE, f"line {line_number}: period {label!r} disagrees with code {code!r}")
    year = from_label if from_label is not None else from_code
    if year is None:
        raise SourceError(SOURCE, f"line {line_number}: no year in period {label!r} / {code!r}")
    return year


def _integer(text: str, line_number: int) -> object:
    # An empty cell is a gap and stays missing; "-32 970" / "-32\u00a0970" are -32970.
    if not text:
        return pd.NA
    # Some exports write the minus as U+2212.
    cleaned = text.translate(_SEPARATORS).replace("\u2212", "-")
    if not _INTEGER.match(cleaned):
        raise SourceError(SOURCE, f"line {line_number}: value {text!r} is not an integer")
    return int(cleaned)
