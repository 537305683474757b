"""Stable data downloads: filtered CSV, its metadata, and a ZIP with a README citing the sources.

The filters are the explorer's own (``explorer_filters``), so the page's Download button and the
URL give exactly the rows on screen.
"""

from __future__ import annotations

import io
import json
import re
import zipfile

import pandas as pd

from dashboard import datasets, explorer_filters, urlstate
from dashboard.i18n import _
from dashboard.snapshots import Snapshot

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
BOM_PARAM = urlstate.Param("bom", "flag", False, help="1 adds a UTF-8 byte-order mark for Excel")
# Fixed timestamp inside ZIPs so identical content gives identical bytes (and ETags).
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def params(name: str) -> tuple[urlstate.Param, ...]:
    return (*explorer_filters.PARAMS_FOR(name), BOM_PARAM)


def filtered(name: str, values: dict, snap: Snapshot) -> pd.DataFrame:
    """The rows the explorer shows for these filter values."""
    return explorer_filters.apply(datasets.built(name, snap), name, values)


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with a quote; numbers stay numbers."""
    out = df.copy()
    for col in out.columns:
        if pd.api.types.is_string_dtype(out[col]) or out[col].dtype == object:
            text = out[col]
            risky = text.notna() & text.astype("string").str.startswith(FORMULA_PREFIXES).fillna(False)
            if risky.any():
                out[col] = text.astype("string").mask(risky, "'" + text.astype("string"))
    return out


def csv_text(df: pd.DataFrame) -> str:
    # RFC 4180 line ends (CRLF): Python's csv writer quotes a field holding CR only when CR is part of
    # the line terminator, and a bare CR inside an unquoted field breaks readers.
    return neutralise(df).to_csv(index=False, lineterminator="\r\n", float_format="%.10g")


def csv_bytes(df: pd.DataFrame, *, bom: bool = False) -> bytes:
    return ((BOM if bom else "") + csv_text(df)).encode("utf-8")


def _dtype_name(series: pd.Series) -> str:
    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def metadata(name: str, snap: Snapshot, *, query: str = "") -> dict:
    """Columns, units, sources, licences, dates and revisions of a dataset, from its provenance files."""
    spec = datasets.DATASETS[name]
    df = datasets.built(name, snap)
    provs = datasets.provenance(name, snap)
    return {
        "dataset": name,
        "title": spec.title,
        "url": f"/data/{name}.csv{query}",
        "columns": [{"name": col, "type": _dtype_name(df[col]), "description": desc}
                    for col, desc in spec.columns.items()],
        "sources": [{"producer": p.producer, "title": p.title, "url": p.url, "licence": p.licence,
                     "date_accessed": p.date_accessed, "date_published": p.date_published, "revision": p.revision,
                     "definition": p.definition, "caveats": list(p.caveats)} for p in provs],
        "licence": "; ".join(dict.fromkeys(p.licence for p in provs)),
        "data_as_of": max(p.as_of for p in provs),
        "citation": citation(name, snap),
        "filters": {p.name: p.allowed() for p in params(name)},
    }


def citation(name: str, snap: Snapshot) -> str:
    provs = datasets.provenance(name, snap)
    sources = "; ".join(dict.fromkeys(p.producer for p in provs))
    as_of = max(p.as_of for p in provs)
    return _("kz-emigration, dataset '{name}' ({title}). Sources: {sources}. Data as of {date}.",
             name=name, title=datasets.DATASETS[name].title, sources=sources, date=as_of)


def readme(meta: dict) -> str:
    lines = [meta["title"], "=" * len(meta["title"]), "", "Cite as:", meta["citation"], "",
             f"Licence: {meta['licence']}", f"Data as of: {meta['data_as_of']}", "", "Columns:"]
    lines += [f"  {c['name']} ({c['type']}): {c['description']}" for c in meta["columns"]]
    lines += ["", "Sources:"]
    for s in meta["sources"]:
        lines += [f"  - {s['producer']}: {s['title']}", f"    {s['url']}",
                  f"    licence {s['licence']}; published {s['date_published']}; accessed {s['date_accessed']}; "
                  f"revision {s['revision']}"]
        lines += [f"    note: {c}" for c in s["caveats"]]
    return "\n".join(lines) + "\n"


def zip_bytes(name: str, df: pd.DataFrame, meta: dict) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for filename, text in ((f"{name}.csv", csv_text(df)),
                               (f"{name}.meta.json", json.dumps(meta, ensure_ascii=False, indent=2) + "\n"),
                               ("README.txt", readme(meta))):
            info = zipfile.ZipInfo(filename, date_time=_ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, text.encode("utf-8"))
    return buffer.getvalue()


def filename(name: str, values: dict, suffix: str) -> str:
    """The download's file name says what it holds: "migrant-stock_countries-DEU-UKR_years-2000-2020.csv"."""
    parts = [name]
    for param in params(name):
        value = values.get(param.name)
        if param.name == "bom" or value is None or value == param.default:
            continue
        # Letters, digits and "-" only ("-value" stays: it says descending); the rest becomes "-".
        text = re.sub(r"[^A-Za-z0-9-]+", "-", param.encode(value)).rstrip("-")
        parts.append(f"{param.name}-{text}"[:60])
    return "_".join(parts) + suffix


def body(name: str, suffix: str, values: dict, snap: Snapshot) -> tuple[bytes, str]:
    """The bytes and type of one download (``.csv``, ``.meta.json``, ``.zip``), built once per snapshot and
    canonical filter values (the same filters written differently share one entry)."""
    query = urlstate.encode(values, params(name))
    return snap.cached("download", (name, suffix, query), lambda: _build(name, suffix, values, query, snap))


def _build(name: str, suffix: str, values: dict, query: str, snap: Snapshot) -> tuple[bytes, str]:
    if suffix == ".meta.json":
        meta = metadata(name, snap, query=query)
        return (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode(), "application/json"
    rows = filtered(name, values, snap)
    if suffix == ".csv":
        return csv_bytes(rows, bom=values["bom"]), "text/csv"
    return zip_bytes(name, rows, metadata(name, snap, query=query)), "application/zip"
