"""Stable data downloads: filtered CSV, its metadata, and a ZIP with a README citing the sources.

The filters are the explorer's own (``explorer_filters``), so the page's Download button and the
URL give exactly the rows on screen.
"""

from __future__ import annotations

import io
import json
import re
import zipfile
from typing import TYPE_CHECKING

from dashboard import datasets, explorer_filters, formatting, urlstate
from dashboard.i18n import LANGUAGES, _
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)

# A spreadsheet runs a cell that starts with one of these as a formula (CSV injection, OWASP).
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
BOM = "\ufeff"
BOM_PARAM = urlstate.Param("bom", "flag", False, help="1 adds a UTF-8 byte-order mark for Excel")
# The language of the descriptions in .meta.json and the ZIP's README; the CSV itself (column names,
# codes, figures) is the same in every language, so scripts never depend on it.
LANG_PARAM = urlstate.Param("lang", "choice", "en", choices=LANGUAGES,
                            help="language of .meta.json and README.txt descriptions: en, ru or kk")
# Fixed timestamp inside ZIPs so identical content gives identical bytes (and ETags).
_ZIP_TIME = (2020, 1, 1, 0, 0, 0)


def params(name: str) -> tuple[urlstate.Param, ...]:
    return (*explorer_filters.PARAMS_FOR(name), BOM_PARAM, LANG_PARAM)


def filtered(name: str, values: dict, snap: Snapshot) -> pd.DataFrame:
    """The rows the explorer shows for these filter values."""
    return explorer_filters.apply(datasets.built(name, snap), name, values)


def neutralise(df: pd.DataFrame) -> pd.DataFrame:
    """Prefix text cells that a spreadsheet would run as formulas with a quote; numbers stay numbers."""
    import pandas as pd

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
    import pandas as pd

    if pd.api.types.is_bool_dtype(series):
        return "boolean"
    if pd.api.types.is_integer_dtype(series):
        return "integer"
    if pd.api.types.is_float_dtype(series):
        return "number"
    return "string"


def metadata(name: str, snap: Snapshot, *, query: str = "", lang: str = "en") -> dict:
    """Columns, units, sources, licences, dates and revisions of a dataset, from its provenance files.
    Descriptions are in ``lang``; names (dataset, columns, producers, publication titles) never change."""
    spec = datasets.DATASETS[name]
    df = datasets.built(name, snap)
    provs = datasets.provenance(name, snap)
    return {
        "dataset": name,
        "language": lang,
        "title": _(spec.title, lang),
        "url": f"/data/{name}.csv{query}",
        "columns": [{"name": col, "type": _dtype_name(df[col]), "description": _(desc, lang)}
                    for col, desc in spec.columns.items()],
        "sources": [{"producer": p.producer, "title": p.title, "url": p.url, "licence": p.licence,
                     "date_accessed": p.date_accessed, "date_published": p.date_published, "revision": p.revision,
                     "definition": _(p.definition, lang), "caveats": [_(c, lang) for c in p.caveats]}
                    for p in provs],
        "licence": "; ".join(dict.fromkeys(p.licence for p in provs)),
        "data_as_of": max(p.as_of for p in provs),
        "citation": citation(name, snap, lang),
        "filters": {p.name: p.allowed() for p in params(name)},
    }


def citation(name: str, snap: Snapshot, lang: str = "en") -> str:
    provs = datasets.provenance(name, snap)
    sources = "; ".join(dict.fromkeys(p.producer for p in provs))
    as_of = max(p.as_of for p in provs)
    return formatting.sentence(_("kz-emigration, dataset '{name}' ({title}). Sources: {sources}. Data as of {date}.",
                                 lang, name=name, title=_(datasets.DATASETS[name].title, lang), sources=sources,
                                 date=formatting.date(as_of, lang)))


def readme(meta: dict) -> str:
    """README.txt of the ZIP, in the metadata's language."""
    lang = meta.get("language", "en")
    lines = [meta["title"], "=" * len(meta["title"]), "", _("Cite as:", lang), meta["citation"], "",
             _("Licence: {licence}", lang, licence=meta["licence"]),
             _("Data as of: {date}", lang, date=formatting.date(meta["data_as_of"], lang)), "", _("Columns:", lang)]
    lines += [f"  {c['name']} ({c['type']}): {c['description']}" for c in meta["columns"]]
    lines += ["", _("Sources:", lang)]
    for s in meta["sources"]:
        lines += [f"  - {s['producer']}: {s['title']}", f"    {s['url']}",
                  "    " + _("licence {licence}; published {published}; accessed {accessed}; revision {revision}",
                            lang, licence=s["licence"], published=s["date_published"],
                            accessed=s["date_accessed"], revision=s["revision"])]
        lines += ["    " + _("note: {note}", lang, note=c) for c in s["caveats"]]
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
        if param.name in ("bom", "lang") or value is None or value == param.default:
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
        meta = metadata(name, snap, query=query, lang=values["lang"])
        return (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode(), "application/json"
    rows = filtered(name, values, snap)
    if suffix == ".csv":
        return csv_bytes(rows, bom=values["bom"]), "text/csv"
    return zip_bytes(name, rows, metadata(name, snap, query=query, lang=values["lang"])), "application/zip"
