"""The public tidy datasets (pages, CSV downloads, claims), derived once per snapshot from its tables.

Each dataset names the snapshot tables it comes from, so its source line and metadata are derived
from their provenance.  Every row carries its source and status; nothing is filled or interpolated.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass
from pathlib import Path
from typing import Callable

import pandas as pd

from dashboard import data
from dashboard.countries import EAEU, country_name


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    tables: tuple[str, ...]  # snapshot tables it is built from (provenance)
    columns: dict[str, str]  # column -> description with unit
    build: Callable[[data.Snapshot], pd.DataFrame]


def _population(snap: data.Snapshot) -> pd.DataFrame:
    wdi = snap.frames["wdi"]
    pop = wdi[wdi["indicator"] == "SP.POP.TOTL"][["iso3", "year", "value"]]
    return pop.rename(columns={"value": "population"})


def _per_1000(values: pd.Series, population: pd.Series) -> pd.Series:
    out = values.astype("Float64") * 1000 / population.astype("Float64")
    return out.round(2)


def build_kz_migration(snap: data.Snapshot) -> pd.DataFrame:
    """Emigrants, immigrants (BNS releases) and net migration (BNS dynamic table, then releases)."""
    prov_rel, prov_net = snap.provenance["bns_releases"], snap.provenance["bns_net_migration"]
    rel = snap.frames["bns_releases"]
    rel = rel[rel["preferred"]]
    rel = rel.assign(source=prov_rel.short)[["year", "measure", "value", "status", "source", "citation"]]
    net = snap.frames["bns_net_migration"]
    net = net[net["national"]].assign(measure="net", status="final", source=prov_net.short,
                                      citation=prov_net.title)[["year", "measure", "value", "status", "source",
                                                                "citation"]]
    # The dynamic table is the final word on net migration; releases fill only years it lacks (2025).
    rel = rel[~((rel["measure"] == "net") & rel["year"].isin(net["year"]))]
    out = pd.concat([net, rel], ignore_index=True)
    pop = _population(snap).query("iso3 == 'KAZ'")[["year", "population"]]
    out = out.merge(pop, on="year", how="left")
    out["per_1000"] = _per_1000(out["value"], out["population"])
    out = out.drop(columns="population").sort_values(["measure", "year"], ignore_index=True)
    return out[["year", "measure", "value", "per_1000", "status", "source", "citation"]]


def build_kz_destinations(snap: data.Snapshot) -> pd.DataFrame:
    src = snap.provenance["bns_destinations"].short
    df = snap.frames["bns_destinations"].assign(source=src)
    df["destination_name"] = df["destination"].map(country_name).astype("string")
    return df[["period", "period_type", "year", "destination", "destination_name", "value", "status", "source",
               "citation", "note"]].reset_index(drop=True)


def build_migrant_stock(snap: data.Snapshot) -> pd.DataFrame:
    src = snap.provenance["undesa_stock"].short
    df = snap.frames["undesa_stock"].copy()
    total = df.groupby(["revision", "origin", "year"])["value"].transform("sum")
    # Share of the total over destinations with a value in the same revision and year.
    df["share_pct"] = (df["value"].astype("Float64") * 100 / total.astype("Float64")).round(3)
    df["source"] = src + " Rev." + df["revision"].astype(str)
    return df[["revision", "origin", "destination", "destination_name", "year", "value", "share_pct",
               "source"]].sort_values(["revision", "year", "value"], ascending=[True, True, False],
                                      ignore_index=True)


_WDI_MEASURES = {"SM.POP.NETM": "net_migration", "SP.POP.TOTL": "population", "SM.POP.TOTL": "immigrant_stock"}


def build_eaeu(snap: data.Snapshot) -> pd.DataFrame:
    """World Bank indicators for the five members, net migration per 1,000, emigrant stock share (UN DESA)."""
    wb = snap.provenance["wdi"].short
    wdi = snap.frames["wdi"]
    wdi = wdi[wdi["iso3"].isin(EAEU)]
    frames = [wdi.assign(measure=wdi["indicator"].map(_WDI_MEASURES), source=wb, definition=wdi["indicator"])
              [["iso3", "year", "measure", "value", "source", "definition"]]]
    pop = _population(snap)
    net = wdi[wdi["indicator"] == "SM.POP.NETM"].merge(pop, on=["iso3", "year"], how="left")
    frames.append(net.assign(measure="net_migration_per_1000", value=_per_1000(net["value"], net["population"]),
                             source=wb, definition="SM.POP.NETM / SP.POP.TOTL x 1000")
                  [["iso3", "year", "measure", "value", "source", "definition"]])
    tot = snap.frames["undesa_origin_totals"].rename(columns={"origin": "iso3"}).merge(pop, on=["iso3", "year"],
                                                                                       how="left")
    un = snap.provenance["undesa_origin_totals"].short
    for rev, grp in tot.groupby("revision"):
        frames.append(grp.assign(measure=f"emigrant_stock_rev{rev}", source=f"{un} Rev.{rev}",
                                 definition="people born in the country living abroad")
                      [["iso3", "year", "measure", "value", "source", "definition"]])
        frames.append(grp.assign(measure=f"emigrant_stock_pct_of_population_rev{rev}",
                                 value=(grp["value"].astype("Float64") * 100 / grp["population"].astype("Float64"))
                                 .round(2), source=f"{un} Rev.{rev}; {wb}",
                                 definition="emigrant stock / resident population x 100")
                      [["iso3", "year", "measure", "value", "source", "definition"]])
    out = pd.concat([f.astype({"value": "Float64"}) for f in frames], ignore_index=True)
    out = out.dropna(subset=["value"])  # a ratio with no population is a gap, not a row
    out["country"] = out["iso3"].map(country_name).astype("string")
    return out[["iso3", "country", "year", "measure", "value", "source", "definition"]].sort_values(
        ["measure", "iso3", "year"], ignore_index=True)


def build_eec(snap: data.Snapshot) -> pd.DataFrame:
    src = snap.provenance["eec_flows"].short
    df = snap.frames["eec_flows"].assign(source=src)
    df["country"] = df["iso3"].map(country_name).astype("string")
    return df[["period", "period_type", "year", "iso3", "country", "measure", "value", "source", "citation",
               "note"]].reset_index(drop=True)


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("kz-migration", "Kazakhstan: emigrants, immigrants and net migration by year (BNS)",
            ("bns_releases", "bns_net_migration", "wdi"),
            {"year": "calendar year", "measure": "emigrants | immigrants | net",
             "value": "people (registered moves for permanent residence)",
             "per_1000": "value per 1,000 residents (World Bank population); empty where population is not published",
             "status": "final | preliminary | rounded", "source": "producer", "citation": "where the figure was published"},
            build_kz_migration),
    Dataset("kz-destinations", "Emigrants from Kazakhstan by destination, as published (BNS)", ("bns_destinations",),
            {"period": "period as published: 2019, 2018-H1, 2022-Q1, 2023-Q1-Q3",
             "period_type": "year | half-year | quarter | nine-months (partial years are never whole years)",
             "year": "calendar year the period falls in", "destination": "ISO3, or CIS / NON-CIS groups",
             "destination_name": "English name", "value": "people", "status": "final | preliminary | rounded",
             "source": "producer", "citation": "where the figure was published", "note": "remarks"},
            build_kz_destinations),
    Dataset("migrant-stock", "People born in Kazakhstan living abroad, by country (UN DESA migrant stock)",
            ("undesa_stock",),
            {"revision": "UN DESA revision: 2020 | 2024 (never mix)", "origin": "ISO3 of birth country",
             "destination": "ISO3 of country of residence", "destination_name": "name as the UN spells it",
             "year": "mid-year", "value": "people", "share_pct": "percent of the total over destinations, same revision and year",
             "source": "producer and revision"},
            build_migrant_stock),
    Dataset("eaeu", "EAEU members: net migration, population, emigrant stock (World Bank, UN DESA)",
            ("wdi", "undesa_origin_totals"),
            {"iso3": "member", "country": "English name", "year": "calendar year",
             "measure": "net_migration | net_migration_per_1000 | population | immigrant_stock | emigrant_stock_rev2020 | "
                        "emigrant_stock_pct_of_population_rev2020 | ... rev2024",
             "value": "people, per 1,000 or percent by measure", "source": "producer",
             "definition": "what the measure counts"},
            build_eaeu),
    Dataset("eec", "EAEU members: departures and arrivals as published by the Eurasian Economic Commission",
            ("eec_flows",),
            {"period": "period as published", "period_type": "year | half-year | quarter | nine-months",
             "year": "calendar year", "iso3": "member", "country": "English name",
             "measure": "departures | arrivals | net", "value": "people", "source": "producer",
             "citation": "where the figure was published", "note": "remarks (definitions differ by country)"},
            build_eec),
)}


@functools.lru_cache(maxsize=16)
def _built(name: str, directory: Path, signature: tuple) -> pd.DataFrame:
    return DATASETS[name].build(data.snapshot(directory))


def get(name: str, snap: data.Snapshot | None = None) -> pd.DataFrame:
    """A copy of a dataset; computed once per snapshot version, then served from memory."""
    snap = snap or data.snapshot()
    return _built(name, snap.directory, snap.signature).copy()


def provenance(name: str, snap: data.Snapshot | None = None):
    snap = snap or data.snapshot()
    return [snap.provenance[t] for t in DATASETS[name].tables]
