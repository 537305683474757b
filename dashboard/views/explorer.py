"""The data explorer view, Dash-free: the tidy tables behind every chart, filtered exactly as the CSV route
filters them, so the rows on screen are the rows of the Download CSV link."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Mapping

from dashboard import datasets, explorer_filters, formatting, provenance, urlstate
from dashboard.countries import country_name
from dashboard.i18n import _, ngettext
from dashboard.snapshots import Snapshot
from dashboard.views import explorer_labels

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

PATH = "/data"
PAGE_SIZE = 25
# The URL contract: ``dataset`` first, then that dataset's own filters (countries, years, revision, origin)
# from ``explorer_filters.PARAMS_FOR(dataset)``.
PARAMS = (explorer_filters.DATASET,)


def params_for(dataset_name: str) -> tuple[urlstate.Param, ...]:
    """Every parameter of the page for one dataset: ``dataset`` plus the dataset's filters."""
    return (explorer_filters.DATASET, *explorer_filters.PARAMS_FOR(dataset_name))


def resolve(query: Mapping[str, str], snap: Snapshot | None = None,
            lang: str = "en") -> tuple[dict[str, Any], list[str]]:
    """Lenient parse: the dataset first, then its filters; bad values fall back with a notice."""
    chosen, notices = urlstate.parse({k: v for k, v in query.items() if k == "dataset"}, PARAMS, strict=False,
                                     lang=lang)
    rest, more = urlstate.parse({k: v for k, v in query.items() if k != "dataset"},
                                explorer_filters.PARAMS_FOR(chosen["dataset"]), strict=False, ignore=("lang",),
                                lang=lang)
    return {**chosen, **rest}, notices + more


def download_href(values: Mapping[str, Any]) -> str:
    """``/data/<dataset>.csv`` + the filters as the page encodes them: the CSV route returns these rows."""
    name = values["dataset"]
    return f"/data/{name}.csv" + urlstate.encode(values, explorer_filters.PARAMS_FOR(name))


def bundle_href(csv_href: str, suffix: str, lang: str) -> str:
    """The same rows as ``.zip`` (CSV, metadata and a README) or ``.meta.json``, described in ``lang``."""
    path, _sep, query = csv_href.partition("?")
    return urlstate.with_lang(path.removesuffix(".csv") + suffix + (f"?{query}" if query else ""), lang)


def page_query(values: Mapping[str, Any]) -> str:
    return urlstate.encode(values, params_for(values["dataset"]))


def year_span(df: pd.DataFrame) -> tuple[int, int]:
    return int(df["year"].min()), int(df["year"].max())


def country_options(snap: Snapshot, name: str, chosen, lang: str) -> list[dict]:
    column = explorer_filters.country_column(name)
    if column is None:
        return []
    df = datasets.built(name, snap)
    codes = list(dict.fromkeys([*sorted(df[column].dropna().unique()), *(chosen or ())]))
    labelled = sorted(((f"{country_name(c, lang)} ({c})", c) for c in codes), key=lambda t: t[0])
    return [{"label": label, "value": code} for label, code in labelled]


def origin_options(snap: Snapshot, lang: str) -> list[dict]:
    """Countries of birth the migrant-stock rows have (Kazakhstan in the shipped snapshot; a refresh brings
    the other EAEU members)."""
    origins = sorted(set(datasets.built("migrant-stock", snap)["origin"]))
    return [{"label": f"{country_name(c, lang)} ({c})", "value": c} for c in origins]


def year_marks(first: int, last: int) -> dict[int, str]:
    step = 10 if last - first > 25 else 5 if last - first > 8 else 1
    marks = {y: str(y) for y in range(first, last + 1) if y % step == 0 and last - y >= step / 2}
    return {**marks, first: str(first), last: str(last)}


def records(df: pd.DataFrame) -> list[dict]:
    """Rows for the grid; a gap is an empty cell (None), never a filled-in number."""
    return df.astype(object).where(df.notna(), None).to_dict("records")


NOT_QUANTITIES = ("year", "revision")  # codes, not quantities: 2020, never "2,020"


def columns(df: pd.DataFrame, name: str, lang: str = "en") -> list[dict]:
    """Column specs: numeric columns sort as numbers; quantities show thousands separators (values unchanged);
    every header's tooltip is the dataset's description of the column."""
    import pandas as pd

    described = datasets.DATASETS[name].columns
    out = []
    for col in df.columns:
        numeric = pd.api.types.is_numeric_dtype(df[col]) and not pd.api.types.is_bool_dtype(df[col])
        out.append({"field": col, "numeric": numeric, "grouped": numeric and col not in NOT_QUANTITIES,
                    "description": _(described.get(col, ""), lang), "labels": explorer_labels.labels(df, col, lang)})
    return out


def row_count(n: int, lang: str = "en") -> str:
    return ngettext("{n} row", "{n} rows", n, lang, n=formatting.number(n, lang))


def source_for(values: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> str:
    name = values["dataset"]
    revision = values.get("revision") if name == "migrant-stock" else None
    return provenance.source_line(datasets.provenance(name, snap), lang,
                                  revision=None if revision in (None, "all") else str(revision))


def table_view(values: Mapping[str, Any], snap: Snapshot, lang: str = "en") -> dict[str, Any]:
    """Everything the page shows for a query: rows, columns, source line, count, download link."""
    name = values["dataset"]
    rows = explorer_filters.apply(datasets.built(name, snap), name, values)
    return {"data": records(rows), "columns": columns(rows, name, lang), "source": source_for(values, snap, lang),
            "count": row_count(len(rows), lang), "href": download_href(values), "n": len(rows)}


def sort_from_columns(column_state, columns: tuple[str, ...]) -> tuple | None:
    """The grid's column state (AG Grid: colId, sort, sortIndex) -> the ``sort`` filter value, or None."""
    # The grid reports colId; before it has reported, the column definitions (field) hold the page's sort.
    keys = [(c.get("sortIndex") or 0, c.get("colId") or c.get("field"), c["sort"] == "desc")
            for c in (column_state or []) if isinstance(c, dict) and c.get("sort") in ("asc", "desc")
            and (c.get("colId") or c.get("field")) in columns]
    return tuple((col, desc) for _i, col, desc in sorted(keys)) or None


def values_from_controls(snap: Snapshot, name, countries, years, revision, origin=None,
                         column_state=None) -> dict[str, Any]:
    """Control values -> filter values; the full year span and an empty country pick mean "no filter"."""
    name = name if name in datasets.DATASETS else explorer_filters.DATASET.default
    params = {p.name: p for p in explorer_filters.PARAMS_FOR(name)}
    values: dict[str, Any] = {"dataset": name, **{p: param.default for p, param in params.items()}}
    if "countries" in params and countries:
        allowed = set(params["countries"].choices)
        values["countries"] = tuple(dict.fromkeys(c for c in countries if c in allowed)) or None
    if years and len(years) == 2:
        try:
            first, last = sorted(int(y) for y in years)
        except (TypeError, ValueError):
            first = last = None
        lo, hi = explorer_filters.YEARS.choices
        if first is not None and (first, last) != year_span(datasets.built(name, snap)) and lo <= first <= last <= hi:
            values["years"] = (first, last)
    if "revision" in params and revision in params["revision"].choices:
        values["revision"] = revision
    if "origin" in params and origin:
        values["origin"] = tuple(dict.fromkeys(c for c in origin if c in params["origin"].choices)) or None
    values["sort"] = sort_from_columns(column_state, params["sort"].choices)
    return values
