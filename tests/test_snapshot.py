"""The shipped snapshot: complete provenance, valid schemas, and the published figures reproduced exactly."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from dashboard import data, geo, provenance, schemas
from tests.conftest import DATA, ROOT

DATA_FILES = sorted(DATA.glob("*.csv"))
SHAPE_FILES = sorted((ROOT / "assets" / "topojson").glob("world_*m.json"))


def test_every_table_in_the_contract_is_shipped_and_nothing_else():
    """A table the app reads but data/ lacks would crash a fresh clone; a stray file would have no contract."""
    assert sorted(p.stem for p in DATA_FILES) == sorted(schemas.TABLES)


@pytest.mark.parametrize("path", DATA_FILES + SHAPE_FILES, ids=lambda p: p.name)
def test_every_data_file_has_a_complete_provenance_file(path: Path):
    """Every number shown must trace back to a producer, URL, licence and date."""
    prov_path = provenance.path_for(path)
    assert prov_path.exists(), f"{path.name} has no {prov_path.name}"
    raw = json.loads(prov_path.read_text(encoding="utf-8"))
    for key in provenance.REQUIRED:
        assert str(raw.get(key, "")).strip(), f"{prov_path.name}: '{key}' is empty"
    assert raw["url"].startswith("https://"), raw["url"]


@pytest.mark.parametrize("path", DATA_FILES + SHAPE_FILES, ids=lambda p: p.name)
def test_provenance_checksum_matches_the_file(path: Path):
    """A data file edited without updating its provenance would silently misstate where numbers came from."""
    assert provenance.read(provenance.path_for(path)).checksum == provenance.checksum(path)


def test_provenance_reader_rejects_an_incomplete_file(tmp_path: Path):
    broken = json.loads((DATA / "wdi.provenance.json").read_text())
    broken["licence"] = ""
    (tmp_path / "x.provenance.json").write_text(json.dumps(broken))
    with pytest.raises(ValueError, match="licence"):
        provenance.read(tmp_path / "x.provenance.json")


def test_snapshot_loads_and_validates_every_table():
    snap = data.snapshot(DATA)
    assert set(snap.frames) == set(schemas.TABLES)
    for name, df in snap.frames.items():
        schemas.validate(df, name)


def _one(df: pd.DataFrame, **where) -> int:
    mask = pd.Series(True, index=df.index)
    for col, val in where.items():
        mask &= df[col] == val
    rows = df[mask]
    assert len(rows) == 1, f"expected one row for {where}, got {len(rows)}"
    return int(rows["value"].iloc[0])


def test_snapshot_reproduces_the_key_published_figures():
    """The figures readers will quote must equal the publications exactly."""
    snap = data.snapshot(DATA)
    assert _one(snap.frame("bns_net_migration"), year=2024, national=True) == 16550
    assert _one(snap.frame("bns_net_migration"), year=2019, national=True) == -32970
    releases = snap.frame("bns_releases")
    preferred = releases[releases["preferred"]]
    assert _one(preferred, year=2019, measure="emigrants") == 45225
    assert _one(preferred, year=2024, measure="emigrants") == 12732
    assert _one(preferred, year=2020, measure="emigrants") == 29088
    stock = snap.frame("undesa_stock")
    assert _one(stock, revision=2020, destination="DEU", year=2020) == 1128201
    assert _one(stock, revision=2020, destination="RUS", year=2020) == 2558907
    assert _one(stock, revision=2024, destination="RUS", year=2024) == 1321004
    wdi = snap.frame("wdi")
    assert _one(wdi, indicator="SP.POP.TOTL", iso3="KAZ", year=2024) == 20592571
    assert _one(wdi, indicator="SM.POP.NETM", iso3="KAZ", year=2019) == 2594


def test_gaps_stay_gaps():
    """Absent is not zero: the 2024 revision does not break out Kazakhstan for the USA, and
    BNS has no annual emigrant figure for 1991-2012 besides 2004."""
    snap = data.snapshot(DATA)
    stock = snap.frame("undesa_stock")
    assert stock[(stock["revision"] == 2024) & (stock["destination"] == "USA")].empty
    assert not stock[(stock["revision"] == 2020) & (stock["destination"] == "USA")].empty
    emigrants = snap.frame("bns_releases").query("measure == 'emigrants'")
    assert set(emigrants["year"]) & set(range(1991, 2013)) == {2004}
    totals = snap.frame("undesa_origin_totals")
    assert totals[(totals["revision"] == 2024) & (totals["origin"] == "RUS") & (totals["year"] == 1995)].empty


def test_partial_periods_are_labelled_never_passed_off_as_years():
    dest = data.snapshot(DATA).frame("bns_destinations")
    partial = dest[dest["period"].str.contains("-")]
    assert not partial.empty
    assert (partial["period_type"] != "year").all()
    assert set(dest.loc[dest["period"] == "2023-Q1-Q3", "period_type"]) == {"nine-months"}
    assert set(dest.loc[dest["period"] == "2018-H1", "period_type"]) == {"half-year"}


def test_only_one_preferred_value_per_year_and_measure():
    """Two releases quote 2018 emigrants (41,900 then 41,800): charts must draw exactly one."""
    rel = data.snapshot(DATA).frame("bns_releases")
    counts = rel[rel["preferred"]].groupby(["period", "measure"]).size()
    assert (counts == 1).all()
    assert _one(rel[rel["preferred"]], year=2018, measure="emigrants") == 41800


def test_accessor_hands_out_copies():
    """Under gunicorn a mutated shared frame would leak one reader's view into another's."""
    snap = data.snapshot(DATA)
    df = snap.frame("wdi")
    df["value"] = 0
    assert (snap.frame("wdi")["value"] != 0).any()


def test_accessor_reloads_after_a_file_is_swapped(snapshot_copy: Path):
    first = data.snapshot(snapshot_copy)
    path = snapshot_copy / "eec_flows.csv"
    raw = path.read_bytes()
    tmp = path.with_suffix(".tmp")
    tmp.write_bytes(raw.replace(b"-5200", b"-5201"))
    tmp.replace(path)
    second = data.snapshot(snapshot_copy)
    assert second is not first
    assert -5201 in set(second.frame("eec_flows")["value"])


def test_a_renamed_column_in_data_fails_at_load(snapshot_copy: Path):
    path = snapshot_copy / "wdi.csv"
    path.write_text(path.read_text().replace("indicator,iso3", "indicator,country", 1))
    with pytest.raises(schemas.SchemaError, match="wdi"):
        data.snapshot(snapshot_copy)


def test_every_destination_has_a_shape_and_centroid():
    """A destination without a shape would vanish from the map without a word."""
    countries = geo.countries()
    missing = set(data.snapshot(DATA).frame("undesa_stock")["destination"]) - set(countries.index)
    assert not missing
    assert countries.loc["KAZ", "lon"] == pytest.approx(67.29)
    assert countries.crs.to_epsg() == 4326
