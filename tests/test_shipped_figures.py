"""The shipped snapshot (``data/``): the one place that asserts the published figures themselves.

Every other test reads the frozen fixture snapshot, so a refresh of ``data/`` changes only what is
checked here: that the current snapshot is whole (every table, complete provenance, checksums), and
that the figures readers quote equal the publications exactly.
"""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import geo, provenance, schemas, snapshots
from tests.conftest import DATA, ROOT

SHAPE_FILES = sorted((ROOT / "assets" / "topojson").glob("world_*m.json"))


@pytest.fixture(scope="module")
def shipped() -> snapshots.Snapshot:
    """The current shipped snapshot; loading it checks every schema and every checksum."""
    return snapshots.Store(DATA).current()


def _one(df: pd.DataFrame, **where) -> int:
    mask = pd.Series(True, index=df.index)
    for col, val in where.items():
        mask &= df[col] == val
    rows = df[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return int(rows["value"].iloc[0])


def test_every_table_in_the_contract_is_shipped_and_nothing_else(shipped):
    """A table the app reads but data/ lacks would crash a fresh clone; a stray file would have no contract."""
    csvs = sorted(p.stem for p in shipped.directory.glob("*.csv"))
    assert csvs == sorted(schemas.TABLES)
    assert (shipped.directory / snapshots.LEDGER).exists()


@pytest.mark.parametrize("path", SHAPE_FILES, ids=lambda p: p.name)
def test_map_shapes_have_provenance_with_a_matching_checksum(path):
    prov = provenance.read(provenance.path_for(path))
    assert prov.checksum == provenance.checksum(path)
    assert prov.url.startswith("https://")


def test_every_shipped_source_url_is_https(shipped):
    assert all(p.url.startswith("https://") for p in shipped.provenance.values())


def test_the_key_published_figures(shipped):
    """The figures readers will quote must equal the publications exactly."""
    assert _one(shipped.frame("bns_net_migration"), year=2024, national=True) == 16550
    assert _one(shipped.frame("bns_net_migration"), year=2019, national=True) == -32970
    releases = shipped.frame("bns_releases")
    preferred = releases[releases["preferred"]]
    assert _one(preferred, year=2019, measure="emigrants") == 45225
    assert _one(preferred, year=2024, measure="emigrants") == 12732
    assert _one(preferred, year=2020, measure="emigrants") == 29088
    # Two releases quote 2018 emigrants (41,900 then 41,800): charts must draw exactly one, the later.
    assert _one(preferred, year=2018, measure="emigrants") == 41800
    stock = shipped.frame("undesa_stock")
    assert _one(stock, revision=2020, destination="DEU", year=2020) == 1128201
    assert _one(stock, revision=2020, destination="RUS", year=2020) == 2558907
    assert _one(stock, revision=2024, destination="RUS", year=2024) == 1321004
    wdi = shipped.frame("wdi")
    assert _one(wdi, indicator="SP.POP.TOTL", iso3="KAZ", year=2024) == 20592571
    assert _one(wdi, indicator="SM.POP.NETM", iso3="KAZ", year=2019) == 2594


def test_gaps_stay_gaps(shipped):
    """Absent is not zero: the 2024 revision does not break out Kazakhstan for the USA, and BNS has no
    annual emigrant figure for 1991-2012 besides 2004."""
    stock = shipped.frame("undesa_stock")
    assert stock[(stock["revision"] == 2024) & (stock["destination"] == "USA")].empty
    assert not stock[(stock["revision"] == 2020) & (stock["destination"] == "USA")].empty
    emigrants = shipped.frame("bns_releases").query("measure == 'emigrants'")
    assert set(emigrants["year"]) & set(range(1991, 2013)) == {2004}


def test_partial_periods_are_labelled_never_passed_off_as_years(shipped):
    dest = shipped.frame("bns_destinations")
    partial = dest[dest["period"].str.contains("-")]
    assert not partial.empty and (partial["period_type"] != "year").all()
    assert set(dest.loc[dest["period"] == "2023-Q1-Q3", "period_type"]) == {"nine-months"}


def test_only_one_preferred_value_per_year_and_measure(shipped):
    rel = shipped.frame("bns_releases")
    assert (rel[rel["preferred"]].groupby(["period", "measure"]).size() == 1).all()


def test_every_destination_has_a_shape_and_centroid(shipped):
    """A destination without a shape would vanish from the map without a word."""
    countries = geo.countries()
    assert not set(shipped.frame("undesa_stock")["destination"]) - set(countries.index)
    assert countries.loc["KAZ", "lon"] == pytest.approx(67.29)
    assert countries.crs.to_epsg() == 4326


def test_the_2025_release_as_first_published(shipped):
    """BNS first published the 2025 figures on 9 February 2026 (Zakon.kz, Kazakh edition): −40.5% emigrants
    and −20.7% immigrants on 2024, which are the changes against the *preliminary* 2024 figures (12,784 and
    29,948), not the final ones the snapshot holds (12,732 and 29,282: −40.2% and −18.9%)."""
    rel = shipped.frames["bns_releases"]
    rows = rel[(rel["year"] == 2025) & (rel["period_type"] == "year")].set_index("measure")
    assert rows.loc["emigrants", "note"].startswith("-40.5% on 2024 as the release says")
    assert rows.loc["immigrants", "note"].startswith("-20.7% on 2024 as the release says")
    assert all(c.startswith("kaz.zakon.kz (9 Feb 2026)") for c in rows["citation"])
    # The stated changes follow from the preliminary 2024 figures the 2024 rows' notes quote.
    for measure, preliminary, stated in (("emigrants", 12784, -40.5), ("immigrants", 29948, -20.7)):
        assert str(preliminary) in rel[(rel["year"] == 2024) & (rel["measure"] == measure)]["note"].iloc[0]
        assert round((rows.loc[measure, "value"] / preliminary - 1) * 100, 1) == stated
    assert shipped.provenance["bns_releases"].date_published == "2026-02-09"
