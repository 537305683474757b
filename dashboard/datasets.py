"""The public tidy datasets (pages, CSV downloads, claims), derived once per snapshot from its tables.

Each dataset names the snapshot tables it comes from, so its source line and metadata are derived
from their provenance.  Every row carries its source and status; nothing is filled or interpolated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Callable

from dashboard.countries import EAEU, country_name
from dashboard.i18n import N_
from dashboard.provenance import Provenance
from dashboard.snapshots import Snapshot

if TYPE_CHECKING:
    import pandas as pd  # in the functions that use it: the app starts without pandas (see snapshots)


@dataclass(frozen=True)
class Dataset:
    name: str
    title: str
    tables: tuple[str, ...]  # snapshot tables it is built from (provenance)
    columns: dict[str, str]  # column -> description with unit
    build: Callable[[Snapshot], pd.DataFrame]


def _population(snap: Snapshot) -> pd.DataFrame:
    wdi = snap.frames["wdi"]
    pop = wdi[wdi["indicator"] == "SP.POP.TOTL"][["iso3", "year", "value"]]
    return pop.rename(columns={"value": "population"})


def _per_1000(values: pd.Series, population: pd.Series) -> pd.Series:
    out = values.astype("Float64") * 1000 / population.astype("Float64")
    return out.round(2)


def build_kz_migration(snap: Snapshot) -> pd.DataFrame:
    """Emigrants, immigrants (BNS releases) and net migration (BNS dynamic table, then releases)."""
    import pandas as pd

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


def build_kz_destinations(snap: Snapshot) -> pd.DataFrame:
    src = snap.provenance["bns_destinations"].short
    df = snap.frames["bns_destinations"].assign(source=src)
    df["destination_name"] = df["destination"].map(country_name).astype("string")
    return df[["period", "period_type", "year", "destination", "destination_name", "value", "status", "source",
               "citation", "note"]].reset_index(drop=True)


def build_migrant_stock(snap: Snapshot) -> pd.DataFrame:
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


def build_eaeu(snap: Snapshot) -> pd.DataFrame:
    """World Bank indicators for the five members, net migration per 1,000, emigrant stock share (UN DESA)."""
    import pandas as pd

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


def build_eec(snap: Snapshot) -> pd.DataFrame:
    src = snap.provenance["eec_flows"].short
    df = snap.frames["eec_flows"].assign(source=src)
    df["country"] = df["iso3"].map(country_name).astype("string")
    return df[["period", "period_type", "year", "iso3", "country", "measure", "value", "source", "citation",
               "note"]].reset_index(drop=True)


DATASETS: dict[str, Dataset] = {d.name: d for d in (
    Dataset("kz-migration", N_("Kazakhstan: emigrants, immigrants and net migration by year (BNS)"),
            ("bns_releases", "bns_net_migration", "wdi"),
            {"year": N_("calendar year"), "measure": N_("emigrants | immigrants | net"),
             "value": N_("people (registered moves for permanent residence)"),
             "per_1000": N_("value per 1,000 residents (World Bank population); empty where population is not published"),
             "status": N_("final | preliminary | rounded"), "source": N_("producer"), "citation": N_("where the figure was published")},
            build_kz_migration),
    Dataset("kz-destinations", N_("Emigrants from Kazakhstan by destination, as published (BNS)"), ("bns_destinations",),
            {"period": N_("period as published: 2019, 2018-H1, 2022-Q1, 2023-Q1-Q3"),
             "period_type": N_("year | half-year | quarter | nine-months (partial years are never whole years)"),
             "year": N_("calendar year the period falls in"), "destination": N_("ISO3, or CIS / NON-CIS groups"),
             "destination_name": N_("English name"), "value": N_("people"), "status": N_("final | preliminary | rounded"),
             "source": N_("producer"), "citation": N_("where the figure was published"), "note": N_("remarks")},
            build_kz_destinations),
    Dataset("migrant-stock", N_("People born in Kazakhstan living abroad, by country (UN DESA migrant stock)"),
            ("undesa_stock",),
            {"revision": N_("UN DESA revision: 2020 | 2024 (never mix)"), "origin": N_("ISO3 of birth country"),
             "destination": N_("ISO3 of country of residence"), "destination_name": N_("name as the UN spells it"),
             "year": N_("mid-year"), "value": N_("people"), "share_pct": N_("percent of the total over destinations, same revision and year"),
             "source": N_("producer and revision")},
            build_migrant_stock),
    Dataset("eaeu", N_("EAEU members: net migration, population, emigrant stock (World Bank, UN DESA)"),
            ("wdi", "undesa_origin_totals"),
            {"iso3": N_("member"), "country": N_("English name"), "year": N_("calendar year"),
             "measure": N_("net_migration | net_migration_per_1000 | population | immigrant_stock | emigrant_stock_rev2020 | "
                        "emigrant_stock_pct_of_population_rev2020 | ... rev2024"),
             "value": N_("people, per 1,000 or percent by measure"), "source": N_("producer"),
             "definition": N_("what the measure counts")},
            build_eaeu),
    Dataset("eec", N_("EAEU members: departures and arrivals as published by the Eurasian Economic Commission"),
            ("eec_flows",),
            {"period": N_("period as published"), "period_type": N_("year | half-year | quarter | nine-months"),
             "year": N_("calendar year"), "iso3": N_("member"), "country": N_("English name"),
             "measure": N_("departures | arrivals | net"), "value": N_("people"), "source": N_("producer"),
             "citation": N_("where the figure was published"), "note": N_("remarks (definitions differ by country)")},
            build_eec),
)}


def get(name: str, snap: Snapshot) -> pd.DataFrame:
    """A copy of a dataset; built once per snapshot (the cache lives on the snapshot), then copied."""
    return built(name, snap).copy()


def built(name: str, snap: Snapshot) -> pd.DataFrame:
    """The snapshot's own built frame of a dataset: read-only by contract (``get`` hands out copies)."""
    return snap.cached("dataset", name, lambda: DATASETS[name].build(snap))


def provenance(name: str, snap: Snapshot) -> list[Provenance]:
    """The provenance of every snapshot table a dataset is built from, in table order."""
    return [snap.provenance[t] for t in DATASETS[name].tables]


def table_provenance(name: str, table: str, snap: Snapshot) -> Provenance:
    """The provenance of one of a dataset's tables."""
    if table not in DATASETS[name].tables:
        raise KeyError(f"dataset {name!r} is not built from table {table!r}")
    return snap.provenance[table]
