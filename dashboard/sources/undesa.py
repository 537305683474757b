"""UN DESA International Migrant Stock: people born in an origin country living in each destination."""

from __future__ import annotations

import io
import math
import re
import zipfile
import zlib
from collections.abc import Iterable
from types import MappingProxyType

import pandas as pd
import requests
from openpyxl.utils.exceptions import InvalidFileException

from dashboard import settings
from dashboard.countries import EAEU, m49_to_iso3
from dashboard.sources import _http
from dashboard.sources._http import SourceError

SOURCE = "undesa"
# The workbook of each revision, in the folder KZ_UNDESA_URL names (un.org's unless set).
FILES = MappingProxyType({
    2020: "undesa_pd_2020_ims_stock_by_sex_destination_and_origin.xlsx",
    2024: "undesa_pd_2024_ims_stock_by_sex_destination_and_origin.xlsx",
})
_UN = next(s.default for s in settings.SETTINGS if s.name == "KZ_UNDESA_URL")
URLS = MappingProxyType({revision: f"{_UN}/{name}" for revision, name in FILES.items()})  # un.org's own
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
SHEET = "Table 1"
COLUMNS = ("revision", "origin", "destination", "destination_name", "year", "value")
TOTAL_COLUMNS = ("revision", "origin", "year", "value")

# Header texts as printed in the header row, compared after collapsing whitespace and case
# (the cells carry line breaks and stray spaces that differ between revisions).
DEST_NAME = "Region, development group, country or area of destination"
DEST_CODE = "Location code of destination"
ORIGIN_NAME = "Region, development group, country or area of origin"
ORIGIN_CODE = "Location code of origin"
_REQUIRED = (DEST_NAME, DEST_CODE, ORIGIN_NAME, ORIGIN_CODE)

_MISSING_MARKS = {"", ".."}  # ".." is the UN's "not available"; both are gaps, never 0
_INTEGER_TEXT = re.compile(r"^\d+$")


def url(revision: int) -> str:
    """The workbook's address for ``revision``, under ``KZ_UNDESA_URL``; ValueError for an unknown revision."""
    if revision not in FILES:
        raise ValueError(f"no UN DESA migrant stock URL for revision {revision!r}; known: {sorted(FILES)}")
    return f"{settings.get('KZ_UNDESA_URL').rstrip('/')}/{FILES[revision]}"


def fetch(session: requests.Session, revision: int) -> bytes:
    """The raw XLSX of one revision (about 6 MB); ValueError for a revision without a known URL."""
    address = url(revision)
    response = _http.get(session, address, source=SOURCE, accept=(XLSX_TYPE,))
    raw = response.content
    # un.org answers a moved file or a refused client with an HTML page and status 200; whatever the label
    # says, a workbook is a zip archive and starts with its signature.
    if not raw.startswith(b"PK\x03\x04"):
        raise SourceError(SOURCE, f"reply is not an XLSX workbook ({_http.describe(response, raw)}) ({address})")
    return raw


def parse(raw: bytes, revision: int, origins: Iterable[str] = EAEU) -> pd.DataFrame:
    """Long frame ``revision, origin, destination, destination_name, year, value`` for the given origins.

    Only country-to-country cells of the both-sexes block are kept; aggregates and regions are
    dropped, and cells the UN left empty or ".." are gaps (no row), not zeros.
    """
    sheet = _read_sheet(raw)
    header_at = _find_header_row(sheet)
    header = sheet.iloc[header_at]
    positions = _required_positions(header)
    years = _first_year_block(header, start=max(positions.values()) + 1)

    body = sheet.iloc[header_at + 1:]
    iso3_of: dict[int, str | None] = {}  # each M49 code is looked up once
    records: list[tuple] = []
    for row_number, row in zip(body.index, body.itertuples(index=False, name=None)):
        excel_row = row_number + 1  # header=None keeps a 0-based sheet row index
        dest_code = _code(row[positions[DEST_CODE]], excel_row)
        origin_code = _code(row[positions[ORIGIN_CODE]], excel_row)
        if dest_code is None and origin_code is None:
            continue  # blank line or footnote text under the table
        if dest_code is None or origin_code is None:
            raise SourceError(SOURCE, f"sheet row {excel_row}: a location code is missing")
        for code in (dest_code, origin_code):
            if code not in iso3_of:
                iso3_of[code] = m49_to_iso3(code)
        destination, origin = iso3_of[dest_code], iso3_of[origin_code]
        # WORLD, continents, income groups, "Other" ...: aggregates have no ISO3, drop them.
        if destination is None or origin is None:
            continue
        name = _name(row[positions[DEST_NAME]], excel_row)
        for year, column in years:
            value = _value(row[column], excel_row, year)
            if value is not None:
                records.append((destination, name, origin, year, value))

    frame = pd.DataFrame.from_records(
        records, columns=["destination", "destination_name", "origin", "year", "value"])
    if not (frame["origin"] == "KAZ").any():
        raise SourceError(SOURCE, "no country rows with Kazakhstan (M49 398) as origin: "
                                  "the table layout or codes changed")
    frame = frame[frame["origin"].isin(set(origins))]
    duplicated = frame.duplicated(["origin", "destination", "year"], keep=False)
    if duplicated.any():
        first = frame[duplicated].iloc[0]
        raise SourceError(SOURCE, f"duplicate cell {first.origin} -> {first.destination} {first.year}")
    frame.insert(0, "revision", revision)
    frame = frame[list(COLUMNS)].astype({
        "revision": "int64", "origin": "str", "destination": "str", "destination_name": "str",
        "year": "int64", "value": "Int64"})
    return frame.sort_values(["revision", "origin", "destination", "year"], ignore_index=True)


def origin_totals(stock: pd.DataFrame) -> pd.DataFrame:
    """Emigrant stock per ``revision, origin, year``: the sum over destination countries."""
    # This is the sum over the destinations that publish a value for that origin and year. Where a
    # destination does not break out the origin (e.g. the USA for Kazakhstan in the 2024 revision)
    # it adds nothing, so totals are not like-for-like across origins, years or revisions.
    missing = [c for c in COLUMNS if c not in stock.columns]
    if missing:
        raise ValueError(f"stock frame lacks columns {missing}")
    totals = (stock.groupby(["revision", "origin", "year"], sort=True)["value"]
              .sum(min_count=1).reset_index())
    return totals[list(TOTAL_COLUMNS)].astype(
        {"revision": "int64", "origin": "str", "year": "int64", "value": "Int64"})


def _read_sheet(raw: bytes) -> pd.DataFrame:
    try:
        # header=None and dtype=object: the header row must be found, and codes/values stay as
        # stored. No NA guessing: pandas would otherwise turn text such as "NA" or "n/a" into NaN
        # silently; empty cells come back as "" and are judged below.
        return pd.read_excel(io.BytesIO(raw), sheet_name=SHEET, header=None, engine="openpyxl",
                             dtype=object, keep_default_na=False, na_values=[])
    except (zipfile.BadZipFile, zlib.error, EOFError, SyntaxError, InvalidFileException, OSError, KeyError) as exc:
        # A damaged archive fails in the zip layer (BadZipFile, or zlib.error for a corrupt member, EOFError
        # for one cut short); a damaged XML part in the XML parser (ParseError, lxml's XMLSyntaxError: both
        # SyntaxError); a missing part with KeyError.
        raise SourceError(SOURCE, f"not a readable XLSX workbook: {type(exc).__name__}: {exc}") from exc
    except ValueError as exc:  # e.g. "Worksheet named 'Table 1' not found"
        raise SourceError(SOURCE, f"cannot read sheet {SHEET!r}: {exc}") from exc


def _norm(cell: object) -> str:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return ""
    return " ".join(str(cell).split()).casefold()


def _find_header_row(sheet: pd.DataFrame) -> int:
    # Title and notes rows sit above the table, a different number per revision (the header is
    # row 10 in 2020 and row 11 in 2024): the header is the first row whose first cell is "Index".
    if sheet.shape[1] == 0:
        raise SourceError(SOURCE, f"sheet {SHEET!r} is empty")
    for position, cell in enumerate(sheet.iloc[:, 0]):
        if _norm(cell) == "index":
            return position
    raise SourceError(SOURCE, f"no header row (first cell 'Index') in sheet {SHEET!r}")


def _required_positions(header: pd.Series) -> dict[str, int]:
    texts = [_norm(cell) for cell in header]
    positions = {}
    for wanted in _REQUIRED:
        hits = [i for i, text in enumerate(texts) if text == _norm(wanted)]
        if not hits:
            raise SourceError(SOURCE, f"header {wanted!r} not found in sheet {SHEET!r} "
                                      "(renamed column?)")
        if len(hits) > 1:
            raise SourceError(SOURCE, f"header {wanted!r} appears {len(hits)} times")
        positions[wanted] = hits[0]
    return positions


def _header_year(cell: object) -> int | None:
    # openpyxl gives year headers as int, occasionally float (1990.0) or text ("1990").
    if isinstance(cell, bool):
        return None
    if isinstance(cell, int):
        number = cell
    elif isinstance(cell, float) and math.isfinite(cell) and cell.is_integer():
        number = int(cell)
    elif isinstance(cell, str) and re.fullmatch(r"\s*\d{4}\s*", cell):
        number = int(cell)
    else:
        return None
    return number if 1900 <= number <= 2100 else None


def _first_year_block(header: pd.Series, start: int) -> list[tuple[int, int]]:
    # The year columns come three times: both sexes, then males, then females. The first block
    # ends where a year repeats; only that block (both sexes) is wanted.
    block: list[tuple[int, int]] = []
    seen: set[int] = set()
    for column in range(start, len(header)):
        year = _header_year(header.iloc[column])
        if year is None:
            if block:
                break  # a non-year header after the block (e.g. a notes column) also ends it
            continue
        if year in seen:
            break
        seen.add(year)
        block.append((year, column))
    if not block:
        raise SourceError(SOURCE, "no year columns found after the location code columns")
    return block


def _code(cell: object, excel_row: int) -> int | None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, bool):
        raise SourceError(SOURCE, f"sheet row {excel_row}: location code {cell!r} is not a number")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str):
        text = cell.strip()
        if not text:
            return None
        if _INTEGER_TEXT.match(text):
            return int(text)
    raise SourceError(SOURCE, f"sheet row {excel_row}: location code {cell!r} is not a number")


def _name(cell: object, excel_row: int) -> str:
    # A trailing "*" marks a footnote on the UN's name; it is not part of the name.
    name = " ".join(str(cell).split()).rstrip("*").strip() if cell is not None else ""
    if not name or name.casefold() == "nan":
        raise SourceError(SOURCE, f"sheet row {excel_row}: destination without a name")
    return name


def _value(cell: object, excel_row: int, year: int) -> int | None:
    if cell is None or (isinstance(cell, float) and math.isnan(cell)):
        return None
    if isinstance(cell, bool):
        raise SourceError(SOURCE, f"sheet row {excel_row}, {year}: value {cell!r} is not a number")
    if isinstance(cell, int):
        return cell
    if isinstance(cell, float) and math.isfinite(cell) and cell.is_integer():
        return int(cell)
    if isinstance(cell, str):
        text = cell.strip()
        if text in _MISSING_MARKS:
            return None
        if _INTEGER_TEXT.match(text):
            return int(text)
    # Stocks are head counts: a fraction or stray text means the layout is not what we think.
    raise SourceError(SOURCE, f"sheet row {excel_row}, {year}: value {cell!r} is not an integer")
