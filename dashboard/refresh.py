"""Pull the live sources, validate every table, and publish them as a new snapshot folder.

All or nothing: every selected source is fetched, parsed and validated first; only if all of them succeed
is a new folder ``snapshots/<today>/`` written (the tables pulled, the others copied from the current
snapshot, each with its provenance), loaded back and checked like any snapshot, and only then made
current by one atomic ``os.replace`` of the pointer.  A failure leaves every existing file as it was.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Mapping

import pandas as pd
import requests

from dashboard import provenance, schemas, snapshots
from dashboard.countries import EAEU
from dashboard.snapshots import Snapshot, Store
from dashboard.sources import bns_dynamic, undesa, worldbank
from dashboard.sources._http import SourceError

# A refreshed table with fewer rows than this share of the old one is taken as a truncated or
# changed upstream reply, not as news.
MIN_ROW_SHARE = 0.5


@dataclass(frozen=True)
class Pulled:
    """One refreshed table and what its provenance file should now say."""

    frame: pd.DataFrame
    date_published: str | None = None


def _pull_worldbank(session: requests.Session, current: Snapshot) -> dict[str, Pulled]:
    frames, stamps = [], set()
    for indicator in worldbank.INDICATORS:
        df, lastupdated = worldbank.parse(worldbank.fetch(session, indicator, EAEU))
        frames.append(df)
        stamps.add(lastupdated)
    # Population of the destination countries the map shows (per-capita views of the stock).
    destinations = sorted(set(current.frames["undesa_stock"]["destination"]) - set(EAEU))
    if destinations:
        df, lastupdated = worldbank.parse(worldbank.fetch(session, "SP.POP.TOTL", destinations))
        frames.append(df)
        stamps.add(lastupdated)
    wdi = pd.concat(frames, ignore_index=True).sort_values(["indicator", "iso3", "year"], ignore_index=True)
    return {"wdi": Pulled(wdi, max(stamps))}


def _pull_undesa(session: requests.Session, current: Snapshot) -> dict[str, Pulled]:
    stock = pd.concat([undesa.parse(undesa.fetch(session, rev), rev) for rev in sorted(undesa.FILES)],
                      ignore_index=True)
    stock = stock.sort_values(["revision", "origin", "destination", "year"], ignore_index=True)
    totals = undesa.origin_totals(stock).sort_values(["revision", "origin", "year"], ignore_index=True)
    return {"undesa_stock": Pulled(stock), "undesa_origin_totals": Pulled(totals)}


def _pull_bns(session: requests.Session, current: Snapshot) -> dict[str, Pulled]:
    net = bns_dynamic.parse(bns_dynamic.fetch(session)).sort_values(["year", "territory"], ignore_index=True)
    return {"bns_net_migration": Pulled(net)}


# name -> puller.  The BNS releases, destinations and EEC tables have no machine-readable source:
# they are curated by hand in data/ with a citation per row, and refresh leaves them alone.
SOURCES: Mapping[str, Callable[[requests.Session, Snapshot], dict[str, Pulled]]] = {
    "worldbank": _pull_worldbank,
    "undesa": _pull_undesa,
    "bns": _pull_bns,
}


def check(name: str, pulled: Pulled, current: Snapshot) -> pd.DataFrame:
    """Schema and sanity checks of one refreshed table against the one it would replace."""
    df = schemas.validate(schemas.coerce(pulled.frame, name), name)
    old_rows = len(current.frames[name])
    if len(df) < MIN_ROW_SHARE * old_rows:
        raise schemas.SchemaError(f"{name}: only {len(df)} rows, against {old_rows} in the current snapshot")
    return df


def to_csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n", float_format="%.10g").encode("utf-8")


@dataclass(frozen=True)
class Outcome:
    written: tuple[str, ...]
    failures: tuple[tuple[str, str], ...]  # (source, reason)
    snapshot: str | None = None  # the id of the snapshot made current

    @property
    def ok(self) -> bool:
        return not self.failures


def run(directory: Path, sources: list[str], session: requests.Session,
        progress: Callable = lambda it, **kw: it, today: dt.date | None = None,
        derived: Callable[[Snapshot], Callable[[Snapshot], Mapping[str, bytes]]] | None = None) -> Outcome:
    """Refresh ``sources`` into a new snapshot under ``directory``; writes nothing unless all succeeded.
    ``derived(current)``: what computes files of the new snapshot from it (the CLI's: the verdicts' log)."""
    store = Store(directory)
    snapshots.clean_leftovers(store)
    current = store.current()
    staged: dict[str, tuple[pd.DataFrame, Pulled]] = {}
    failures = []
    for name in progress(sources, desc="refresh", unit="source"):
        try:
            pulled = SOURCES[name](session, current)
            for table, item in pulled.items():
                staged[table] = (check(table, item, current), item)
        except (SourceError, schemas.SchemaError) as exc:
            failures.append((name, str(exc)))
        except (ValueError, KeyError, TypeError) as exc:  # a parser met a reply it does not understand
            failures.append((name, f"malformed reply: {type(exc).__name__}: {exc}"))
    if failures:
        return Outcome((), tuple(failures))
    today = today or dt.date.today()
    files: dict[str, bytes] = {}
    for table, (df, item) in staged.items():
        raw = to_csv_bytes(df)
        old = current.provenance[table]
        new = old.model_copy(update={"checksum": provenance.checksum_bytes(raw), "date_accessed": today.isoformat(),
                                     "date_published": item.date_published or old.date_published})
        files[f"{table}.csv"] = raw
        files[f"{table}.provenance.json"] = new.to_json().encode("utf-8")
    snapshot_id = snapshots.publish(store, current, files, today, derived(current) if derived else None)
    return Outcome(tuple(staged), (), snapshot_id)
