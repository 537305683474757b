"""Mock replies of the live sources, shaped exactly like the real ones, built from the shipped snapshot.

Only the envelope is made here; the numbers are the snapshot's own published figures, so a refresh
from these replies must reproduce the snapshot.
"""

from __future__ import annotations

import json
import re
from urllib.parse import parse_qs, urlparse

import pandas as pd

from dashboard.snapshots import Snapshot
from dashboard.countries import EAEU, m49_numeric
from tests.sources.test_undesa import build_workbook

BNS_INDICATOR = "Сальдо миграции по всем потокам(Человек)"
BNS_HEADER = "\t".join(f'"{c}"' for c in ("NAM", "DAT", "PERIOD", "TERRITORY", "TERRITORY_CODE", "DIM1", "DIM1_CODE",
                                           "DIM2", "DIM2_CODE", "DIM3", "DIM3_CODE", "VAL"))
WB_URL = re.compile(r"https://api\.worldbank\.org/v2/country/.*")
_M49 = {"ARM": 51, "BLR": 112, "KAZ": 398, "KGZ": 417, "RUS": 643}


def bns_csv(snap: Snapshot) -> str:
    """The dynamic-table export: tab-separated, quoted, thousands separated by a no-break space."""
    lines = [BNS_HEADER]
    for row in snap.frames["bns_net_migration"].itertuples():
        value = f"{int(row.value):,}".replace(",", "\u00a0")
        fields = [BNS_INDICATOR, f"{row.year} год", f"{row.year}12", row.territory, "0", "Всего", "0", "Всего", "0",
                  "Всего", "0", value]
        lines.append("\t".join(f'"{f}"' for f in fields))
    return "\r\n".join(lines) + "\r\n"


def worldbank_reply(snap: Snapshot, url: str, per_page: int = 100) -> tuple[int, dict, str]:
    """A World Bank API v2 page for the indicator, countries and page the URL asks for; newest year first."""
    parsed = urlparse(url)
    # /v2/country/<A;B;C>/indicator/<ID>
    parts = parsed.path.strip("/").split("/")
    countries = parts[2].split(";")
    indicator = parts[4]
    page = int(parse_qs(parsed.query).get("page", ["1"])[0])
    wdi = snap.frames["wdi"]
    rows = wdi[(wdi["indicator"] == indicator) & wdi["iso3"].isin(countries)]
    if rows.empty and indicator == "SP.POP.TOTL":
        # The snapshot has no population for destination countries; these stand-in test values
        # (1,000,000 each, 2024 only) exist only in this mock and are never shipped.
        rows = pd.DataFrame({"indicator": indicator, "iso3": sorted(set(countries) - set(EAEU)), "year": 2024,
                             "value": 1_000_000})
    rows = rows.sort_values(["iso3", "year"], ascending=[True, False])
    total = len(rows)
    pages = max(1, -(-total // per_page))
    chunk = rows.iloc[(page - 1) * per_page: page * per_page]
    meta = {"page": page, "pages": pages, "per_page": per_page, "total": total, "sourceid": "2",
            "lastupdated": "2026-07-13"}
    records = [{"indicator": {"id": indicator, "value": indicator}, "country": {"id": r.iso3[:2], "value": r.iso3},
                "countryiso3code": r.iso3, "date": str(r.year),
                "value": None if pd.isna(r.value) else int(r.value), "unit": "", "obs_status": "", "decimal": 0}
               for r in chunk.itertuples()]
    return 200, {}, json.dumps([meta, records])


def undesa_workbook(snap: Snapshot, revision: int) -> bytes:
    stock = snap.frames["undesa_stock"]
    stock = stock[stock["revision"] == revision]
    years = sorted(stock["year"].unique())
    wide = stock.pivot_table(index=["destination", "destination_name"], columns="year", values="value",
                             aggfunc="first")
    rows = [("WORLD", 900, "Kazakhstan", 398, [int(v) for v in stock.groupby("year")["value"].sum()])]
    for (dest, name), values in wide.iterrows():
        rows.append((name, m49_numeric(dest), "Kazakhstan", _M49["KAZ"],
                     [".." if pd.isna(values[y]) else int(values[y]) for y in years]))
    # The snapshot keeps only totals for the other members.  This mock puts each published total on a
    # single stand-in destination (Ukraine) so that summing over destinations gives it back; the
    # breakdown itself is a test device and is never shipped.
    totals = snap.frames["undesa_origin_totals"]
    totals = totals[(totals["revision"] == revision) & (totals["origin"] != "KAZ")]
    for origin, grp in totals.groupby("origin"):
        by_year = dict(zip(grp["year"], grp["value"]))
        rows.append(("Ukraine", 804, origin, _M49[origin],
                     [int(by_year[y]) if y in by_year else ".." for y in years]))
    return build_workbook(revision, rows=rows, years=[int(y) for y in years])
