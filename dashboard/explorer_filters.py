"""The data explorer's filters, shared by the /data page and the /data/<dataset>.csv download.

One place decides which rows a query selects, so the table on screen and the downloaded file are the
same rows: ``PARAMS_FOR(dataset)`` is the URL contract of a dataset's filters (the ``dataset``
parameter itself excluded) and ``apply(df, dataset, values)`` is a pure filter.

- ``countries``: ISO3 codes joined with ``~``, matched against the dataset's country column
  (``country_column``); absent or empty = every country.  Datasets without a country column
  (``kz-migration``) have no such parameter.
- ``years``: ``2010..2020`` or ``2015``, inclusive on the ``year`` column; absent = every year.
- ``revision``: ``2020`` | ``2024`` | ``all`` (default), only for ``migrant-stock``.
- ``sort``: ``-value~year`` (a column per key, ``-`` for descending); absent = the dataset's own order.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any, Mapping

from dashboard import datasets
from dashboard.countries import EAEU, GROUPS
from dashboard.urlstate import Param

if TYPE_CHECKING:
    import pandas as pd  # annotations only: the app starts without pandas (see snapshots)

# Bounds a ``years`` value may take: World Bank WDI series start in 1960; nothing is dated after 2030.
FIRST_YEAR, LAST_YEAR = 1960, 2030
REVISIONS = ("all", 2020, 2024)

_COUNTRY_COLUMNS: dict[str, str | None] = {
    "kz-migration": None,  # Kazakhstan only
    "kz-destinations": "destination",
    "migrant-stock": "destination",  # origin is always KAZ
    "eaeu": "iso3",
    "eec": "iso3",
}

DATASET = Param("dataset", "choice", "kz-migration", tuple(datasets.DATASETS), "which table")
YEARS = Param("years", "years", None, (FIRST_YEAR, LAST_YEAR), "first..last year, inclusive; absent = all years")
REVISION = Param("revision", "choice", "all", REVISIONS, "UN DESA revision (migrant-stock only); all = both")
# Country of birth (migrant-stock only).  The shipped snapshot has Kazakhstan-born only; a refresh
# brings the other EAEU members' corridors too.
ORIGIN = Param("origin", "codes", None, EAEU, "ISO3 of the country of birth (migrant-stock only); absent = all")


def _check(dataset_name: str) -> str:
    if dataset_name not in datasets.DATASETS:
        raise KeyError(f"unknown dataset {dataset_name!r}; available: {', '.join(datasets.DATASETS)}")
    return dataset_name


def country_column(dataset_name: str) -> str | None:
    """The column the ``countries`` filter matches (iso3 / destination), or None if the dataset has none."""
    return _COUNTRY_COLUMNS.get(_check(dataset_name))


@functools.cache
def _iso3_codes() -> tuple[str, ...]:
    """Every ISO 3166 alpha-3 code, plus Kosovo's XKX (read from pycountry on first use, not at import)."""
    import pycountry

    return tuple(sorted({c.alpha_3 for c in pycountry.countries} | {"XKX"}))


def country_codes(dataset_name: str) -> tuple[str, ...]:
    """The codes the ``countries`` filter accepts for a dataset (a valid code may still match no row)."""
    column = country_column(dataset_name)
    if column is None:
        return ()
    if column == "iso3":  # eaeu, eec: the five members
        return EAEU
    if dataset_name == "kz-destinations":
        return (*_iso3_codes(), *GROUPS)
    return _iso3_codes()


@functools.cache
def PARAMS_FOR(dataset_name: str) -> tuple[Param, ...]:  # noqa: N802 (a constant-like lookup)
    """The filter parameters of a dataset, in URL order (the ``dataset`` parameter excluded)."""
    params: list[Param] = []
    if country_column(dataset_name) is not None:
        params.append(Param("countries", "codes", None, country_codes(dataset_name),
                            f"ISO3 codes joined with '~', matched on the {country_column(dataset_name)} column; "
                            "absent = all"))
    params.append(YEARS)
    if dataset_name == "migrant-stock":
        params.append(REVISION)
        params.append(ORIGIN)
    params.append(Param("sort", "sort", None, tuple(datasets.DATASETS[dataset_name].columns),
                        "the row order: columns joined with '~', '-' before one for descending; absent = as published"))
    return tuple(params)


def apply(df: pd.DataFrame, dataset_name: str, values: Mapping[str, Any]) -> pd.DataFrame:
    """The rows of ``df`` (the dataset ``dataset_name``) that the filter ``values`` select, in dataset order.

    Pure: ``df`` is not changed.  Values for parameters the dataset does not have are ignored; a
    missing or empty value selects everything.  An empty result is a valid answer (0 rows).
    """
    out = df
    column = country_column(dataset_name)
    countries = values.get("countries")
    if column is not None and countries:
        out = out[out[column].isin(list(countries))]
    years = values.get("years")
    if years is not None:
        first, last = years
        out = out[out["year"].between(int(first), int(last))]
    origin = values.get("origin")
    if dataset_name == "migrant-stock" and origin:
        out = out[out["origin"].isin(list(origin))]
    revision = values.get("revision")
    if dataset_name == "migrant-stock" and revision not in (None, "all"):
        out = out[out["revision"] == int(revision)]
    order = values.get("sort")
    if order:
        # A stable sort, gaps last: what the grid shows when its columns are sorted the same way.
        out = out.sort_values([c for c, _d in order], ascending=[not d for _c, d in order], kind="stable",
                              na_position="last")
    return out.reset_index(drop=True)
