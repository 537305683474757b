"""World Bank API v2 (WDI): net migration, population and immigrant stock as a tidy frame."""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import pandas as pd
import requests

from dashboard import settings
from dashboard.sources import _http
from dashboard.sources._http import SourceError

SOURCE = "worldbank"
# SM.POP.NETM: net migration (a UN WPP model estimate, not a register count);
# SP.POP.TOTL: total population; SM.POP.TOTL: immigrant stock (UN DESA, only every 5 years).
INDICATORS = ("SM.POP.NETM", "SP.POP.TOTL", "SM.POP.TOTL")
# The API's default page is only 50 rows; ask for large pages but still follow `pages`.
PER_PAGE = 1000
COLUMNS = ("indicator", "iso3", "year", "value")
# With format=json the API answers application/json; without it (a proxy that drops the query) XML.
JSON_TYPES = ("application/json", "text/json")


def url(indicator: str, countries: str | Iterable[str], start: int = 1990, end: int = 2024,
        page: int = 1) -> str:
    """The API URL for one page of ``indicator`` for ``countries`` (ISO3 codes), years ``start``..``end``
    (under ``KZ_WORLDBANK_URL``, https://api.worldbank.org/v2 unless set)."""
    codes = countries if isinstance(countries, str) else ";".join(countries)
    return (f"{settings.get('KZ_WORLDBANK_URL').rstrip('/')}/country/{codes}/indicator/{indicator}"
            f"?format=json&per_page={PER_PAGE}&date={start}:{end}&page={page}")


def fetch(session: requests.Session, indicator: str, countries: str | Iterable[str],
          start: int = 1990, end: int = 2024) -> list:
    """Every page of the reply, each the decoded ``[meta, rows]`` list, following ``pages`` in the meta."""
    countries = countries if isinstance(countries, str) else tuple(countries)
    replies: list = []
    page, pages = 1, 1
    while page <= pages:
        page_url = url(indicator, countries, start, end, page)
        response = _http.get(session, page_url, source=SOURCE, accept=JSON_TYPES)
        try:
            reply = response.json()
        except ValueError as exc:  # requests' JSONDecodeError is a ValueError
            raise SourceError(SOURCE, f"reply is not valid JSON ({_http.describe(response, response.content)}): "
                                      f"{exc} ({page_url})") from exc
        meta, _rows = _split(reply, page_url)
        if page == 1:
            # A query with no data answers pages=0 and rows=null: one reply is still all there is.
            pages = max(_meta_int(meta, "pages", page_url), 1)
        replies.append(reply)
        page += 1
    return replies


def parse(pages: Sequence) -> tuple[pd.DataFrame, str]:
    """A tidy frame ``indicator, iso3, year, value`` (value nullable Int64) and the ``lastupdated`` date."""
    if not pages:
        raise SourceError(SOURCE, "no pages to parse")
    records: list[tuple[str, str, int, object]] = []
    totals: set[int] = set()
    updated: set[str] = set()
    for number, reply in enumerate(pages, start=1):
        where = f"page {number}"
        meta, rows = _split(reply, where)
        totals.add(_meta_int(meta, "total", where))
        last = meta.get("lastupdated")
        if not isinstance(last, str) or not last.strip():
            raise SourceError(SOURCE, f"{where}: meta has no 'lastupdated'")
        updated.add(last.strip())
        for row in rows:
            records.append(_record(row, where))
    if len(updated) > 1:
        raise SourceError(SOURCE, f"pages disagree on 'lastupdated': {sorted(updated)}")
    if len(totals) > 1:
        raise SourceError(SOURCE, f"pages disagree on 'total': {sorted(totals)}")
    (total,) = totals
    # `total` is the row count of the whole query: fewer rows means a page was cut short or lost.
    if total != len(records):
        raise SourceError(SOURCE, f"meta announces {total} rows but {len(records)} were received "
                                  "(truncated reply or missing page)")
    if not records:
        raise SourceError(SOURCE, "the reply holds no observations")

    frame = pd.DataFrame.from_records(records, columns=list(COLUMNS))
    duplicated = frame.duplicated(["indicator", "iso3", "year"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise SourceError(SOURCE, f"duplicate observation {first.indicator} {first.iso3} {first.year} "
                                  "(pages overlap?)")
    frame = frame.astype({"indicator": "str", "iso3": "str", "year": "int64", "value": "Int64"})
    frame = frame.sort_values(["indicator", "iso3", "year"], ignore_index=True)
    return frame, updated.pop()


def _split(reply: object, where: str) -> tuple[dict, list]:
    """The meta dict and the row list of one reply, or a SourceError for the API's error form."""
    # Errors come back with HTTP 200 as a one-element list: [{"message": [{"id", "key", "value"}]}].
    if isinstance(reply, list) and len(reply) == 1 and isinstance(reply[0], dict) \
            and "message" in reply[0]:
        raise SourceError(SOURCE, f"API error: {_message(reply[0]['message'])} ({where})")
    if not (isinstance(reply, list) and len(reply) == 2 and isinstance(reply[0], dict)):
        raise SourceError(SOURCE, f"reply is not the expected [meta, rows] list ({where})")
    meta, rows = reply
    # A query without any data answers rows=null rather than [].
    if rows is None:
        rows = []
    if not isinstance(rows, list):
        raise SourceError(SOURCE, f"rows are not a list ({where})")
    return meta, rows


def _message(message: object) -> str:
    if isinstance(message, list):
        parts = []
        for item in message:
            if isinstance(item, dict):
                parts.append(" ".join(str(item[k]) for k in ("id", "key", "value") if item.get(k)))
            else:
                parts.append(str(item))
        return "; ".join(parts) or "no detail"
    return str(message)


def _meta_int(meta: dict, key: str, where: str) -> int:
    # `page`, `pages` and `total` are ints, but `per_page` has been seen as a string: accept both.
    value = meta.get(key)
    if isinstance(value, bool):
        value = None
    try:
        return int(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise SourceError(SOURCE, f"meta field '{key}' is missing or not an integer: {value!r} ({where})") \
            from None


def _record(row: object, where: str) -> tuple[str, str, int, object]:
    if not isinstance(row, dict):
        raise SourceError(SOURCE, f"{where}: row is not an object: {row!r}")
    try:
        indicator = row["indicator"]["id"]
        iso3 = row["countryiso3code"]
        date = row["date"]
        value = row["value"]
    except (KeyError, TypeError) as exc:
        raise SourceError(SOURCE, f"{where}: row lacks field {exc}: {row!r}") from None
    if not isinstance(indicator, str) or not indicator:
        raise SourceError(SOURCE, f"{where}: row without an indicator id: {row!r}")
    if not isinstance(iso3, str) or len(iso3) != 3:
        raise SourceError(SOURCE, f"{where}: row without a 3-letter countryiso3code: {row!r}")
    # `date` is a string; annual series give "2024", monthly/quarterly ones "2024M01"/"2024Q1".
    if not isinstance(date, str) or not (len(date) == 4 and date.isdigit()):
        raise SourceError(SOURCE, f"{where}: date {date!r} is not a year ({indicator} {iso3})")
    return indicator, iso3, int(date), _integer(value, f"{where}: {indicator} {iso3} {date}")


def _integer(value: object, what: str) -> object:
    # null is a gap the API publishes as such: it stays missing, never 0.
    if value is None:
        return pd.NA
    if isinstance(value, bool):
        raise SourceError(SOURCE, f"{what}: value {value!r} is not a number")
    if isinstance(value, int):
        return value
    # These indicators are head counts; JSON may still spell them as 123.0.
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    raise SourceError(SOURCE, f"{what}: value {value!r} is not an integer")
