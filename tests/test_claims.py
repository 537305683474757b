"""The article's claims ledger and the verdict engine: rules on hand-made frames, then the shipped snapshot."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from dashboard import claims, data, datasets, provenance
from dashboard.claims import (CANNOT_CHECK, CONTEXT, DOES_NOT_HOLD, HOLDS, NO_DATA, OUTDATED, SOME_YEARS, VERDICTS,
                              LedgerError)
from dashboard.events import Event
from tests.conftest import DATA, ROOT

LEDGER = DATA / "claims.json"


def series(values: dict[int, int], status: str = "final", **statuses: str) -> pd.DataFrame:
    """A yearly series: {year: value}; ``statuses`` like y2015="rounded" override the status of a year."""
    rows = [{"year": y, "value": v, "status": statuses.get(f"y{y}", status)} for y, v in values.items()]
    return pd.DataFrame(rows, columns=["year", "value", "status"])


def by_year(verdict: claims.Verdict) -> dict[int, claims.Row]:
    return {r.year: r for r in verdict.details}


# --- rule_range on hand-made frames -----------------------------------------------------------------------

def test_range_inside_every_year_holds():
    v = claims.rule_range(series({2017: 35000, 2018: 40000, 2019: 45000}), 30000, 50000, 2019)
    assert v.verdict == HOLDS
    assert {r.outcome for r in v.details} == {"inside"}
    assert "30,000–50,000" in v.summary and "2017–2019" in v.summary


def test_range_outside_every_year_does_not_hold():
    v = claims.rule_range(series({2020: 20000, 2021: 60000}), 30000, 50000, 2019)
    assert v.verdict == DOES_NOT_HOLD
    assert "20,000" in v.summary and "60,000" in v.summary


def test_range_partly_inside_holds_only_for_some_years():
    v = claims.rule_range(series({2017: 25000, 2018: 40000, 2019: 20000, 2020: 41000}), 30000, 50000, 2019)
    assert v.verdict == SOME_YEARS
    assert [r.outcome for r in v.details] == ["outside", "inside", "outside", "inside"]


def test_range_held_when_written_then_failed_is_outdated_with_the_year_it_stopped():
    v = claims.rule_range(series({2017: 35000, 2018: 40000, 2019: 45000, 2020: 31000, 2021: 20000, 2022: 10000}),
                          30000, 50000, 2019)
    assert v.verdict == OUTDATED
    assert v.since == 2021
    assert "not since 2021" in v.summary


def test_range_gaps_are_no_data_rows_never_zeros():
    v = claims.rule_range(series({2004: 40000, 2007: 41000}), 30000, 50000, 2019)
    rows = by_year(v)
    assert sorted(rows) == [2004, 2005, 2006, 2007]
    assert rows[2005].value is None and rows[2005].outcome == "no data" and rows[2005].supports is None
    assert v.verdict == HOLDS
    assert "no official figure for 2005–2006" in v.summary


def test_range_without_any_figure_is_no_official_data():
    v = claims.rule_range(series({}), 30000, 50000, 2019, first=1991, last=1999)
    assert v.verdict == NO_DATA
    assert len(v.details) == 9 and all(r.value is None for r in v.details)


def test_range_rounded_figure_at_a_bound_is_borderline_and_decides_nothing():
    """"~30 thousand" may be 29,600: it cannot say whether at least 30,000 left."""
    v = claims.rule_range(series({2015: 30000}, y2015="rounded"), 30000, 50000, 2019)
    assert by_year(v)[2015].outcome == "borderline"
    assert v.verdict == CANNOT_CHECK
    # a precise figure on the bound is inside; a rounded one clear of it decides
    assert claims.rule_range(series({2015: 30000}), 30000, 50000, 2019).verdict == HOLDS
    assert by_year(claims.rule_range(series({2018: 41800}, y2018="rounded"), 30000, 50000, 2019))[2018].supports


def test_range_flags_rounded_and_preliminary_figures():
    v = claims.rule_range(series({2022: 24239, 2023: 29000}, y2022="preliminary", y2023="rounded"),
                          30000, 50000, 2019)
    assert "24,239, preliminary" in v.summary and "29,000, rounded" in v.summary
    assert by_year(v)[2022].status == "preliminary"


def test_rounding_unit():
    assert claims.rounding_unit(30000) == 1000
    assert claims.rounding_unit(41800) == 100
    assert claims.rounding_unit(12345) == 1


# --- rule_rank ---------------------------------------------------------------------------------------------

def rank_frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(series, period, iso3, value per 1,000) -> the frame rule_rank reads."""
    out = pd.DataFrame(rows, columns=["series", "period", "iso3", "value"])
    out["year"] = out["period"].str[:4].astype(int)
    out["period_type"] = ["year" if "-" not in p else "quarter" for p in out["period"]]
    return out


def test_rank_first_when_most_negative():
    frame = rank_frame([("S", "2019", "KAZ", -3.0), ("S", "2019", "ARM", -1.0), ("S", "2019", "RUS", 2.0),
                        ("S", "2019", "BLR", 0.5), ("S", "2019", "KGZ", -2.0)])
    v = claims.rule_rank(frame, "KAZ", 2019)
    (row,) = v.details
    assert (row.rank, row.of, row.supports) == (1, 5, True)
    assert v.verdict == HOLDS


def test_rank_ties_share_the_better_rank():
    frame = rank_frame([("S", "2019", "KAZ", -3.0), ("S", "2019", "ARM", -3.0), ("S", "2019", "RUS", 2.0)])
    (row,) = claims.rule_rank(frame, "KAZ", 2019).details
    assert row.rank == 1 and row.supports is True


def test_rank_among_members_present_and_missing_target_is_no_data():
    frame = rank_frame([("S", "2019-Q1", "KAZ", -0.3), ("S", "2019-Q1", "ARM", -1.3), ("S", "2019-Q1", "KGZ", 0.1),
                        ("S", "2020", "ARM", 1.0), ("S", "2020", "RUS", 2.0), ("S", "2020", "KGZ", 0.0)])
    v = claims.rule_rank(frame, "KAZ", 2019)
    rows = {r.period: r for r in v.details}
    assert (rows["2019-Q1"].rank, rows["2019-Q1"].of, rows["2019-Q1"].supports) == (2, 3, False)
    assert rows["2020"].value is None and rows["2020"].outcome == "no data" and rows["2020"].supports is None
    assert "Armenia" in rows["2019-Q1"].note
    assert v.verdict == DOES_NOT_HOLD
    assert "the first quarter of 2019" in v.summary


def test_rank_with_too_few_members_decides_nothing():
    frame = rank_frame([("S", "2020", "KAZ", -1.0), ("S", "2020", "ARM", 1.0)])
    v = claims.rule_rank(frame, "KAZ", 2019, min_members=3)
    assert v.details[0].outcome == "too few members" and v.details[0].supports is None
    assert v.verdict == CANNOT_CHECK


def test_rank_per_source_some_periods():
    frame = rank_frame([("A", "2018", "KAZ", -1.0), ("A", "2018", "ARM", 0.0), ("A", "2018", "RUS", 1.0),
                        ("B", "2018", "KAZ", 0.0), ("B", "2018", "ARM", -1.0), ("B", "2018", "RUS", 1.0)])
    v = claims.rule_rank(frame, "KAZ", 2019)
    assert v.verdict == SOME_YEARS
    assert {r.series: r.rank for r in v.details} == {"A": 1, "B": 2}


# --- rule_presence, rule_rank_destination, rule_coverage, rule_event -------------------------------------

def stock_frame(values: dict[str, int], revision: int = 2020, year: int = 2020) -> pd.DataFrame:
    return pd.DataFrame([{"revision": revision, "origin": "KAZ", "destination": d, "year": year, "value": v}
                         for d, v in values.items()])


def test_presence():
    assert claims.rule_presence(stock_frame({"MNG": 5, "USA": 10}), ["MNG", "USA"], year=2020,
                                revision=2020).verdict == HOLDS
    assert claims.rule_presence(stock_frame({"MNG": 0, "USA": 10}), ["MNG", "USA"], year=2020,
                                revision=2020).verdict == DOES_NOT_HOLD
    partial = claims.rule_presence(stock_frame({"USA": 10}), ["MNG", "USA"], year=2020, revision=2020)
    assert partial.verdict == CANNOT_CHECK and partial.details[0].outcome == "no data"
    assert claims.rule_presence(stock_frame({"USA": 10}, revision=2024), ["MNG", "USA"], year=2020,
                                revision=2020).verdict == NO_DATA


def flows_frame(rows: list[tuple[str, str, int]]) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["period", "destination", "value"])
    out["year"] = out["period"].str[:4].astype(int)
    out["period_type"] = ["year" if "-" not in p else "half-year" for p in out["period"]]
    out["status"] = "final"
    return out


def test_rank_destination_stock_against_flows():
    stock = stock_frame({"RUS": 100, "DEU": 50, "UKR": 20, "BLR": 20, "USA": 5})
    flows = flows_frame([("2022-H1", "RUS", 90), ("2022-H1", "DEU", 10), ("2022-H1", "UKR", 1),
                         ("2022-H1", "USA", 2), ("2022-H1", "CIS", 9999),
                         ("2024", "RUS", 50), ("2024", "DEU", 5),
                         ("2017", "CIS", 10), ("2017", "NON-CIS", 5)])
    v = claims.rule_rank_destination(stock, flows, "UKR", year=2020, revision=2020, top=3)
    stock_row, h1, y2024 = v.details  # 2017 lists groups only: not a ranking of countries
    assert (stock_row.rank, stock_row.of, stock_row.supports) == (3, 5, True)  # tie with BLR shares 3rd
    assert (h1.rank, h1.of, h1.supports) == (4, 4, False)  # the CIS group is never ranked
    assert y2024.outcome == "not listed" and y2024.supports is None
    assert v.verdict == SOME_YEARS
    assert "3rd of 5" in v.summary and "the first half of 2022" in v.summary
    v = claims.rule_rank_destination(stock, None, "DEU", year=2020, revision=2020, top=3)
    assert v.details[0].rank == 2 and v.verdict == HOLDS


def test_coverage():
    full = claims.rule_coverage(series({2000: 1, 2001: 2}), 2000, 2001)
    assert full.verdict == HOLDS
    part = claims.rule_coverage(series({2004: 1, 2013: 2}), 1991, 2013)
    assert part.verdict == CANNOT_CHECK
    assert "2 of the 23 years" in part.summary and "1990s" in part.summary
    assert claims.rule_coverage(series({}), 1991, 1995).verdict == NO_DATA


def test_event():
    marked = (Event("2019-11", "Deal", "A deal.", "somewhere"),)
    assert claims.rule_event("2019-11", marked=marked).verdict == CONTEXT
    assert claims.rule_event("2018", marked=marked).verdict == CANNOT_CHECK


def test_verdict_vocabulary_is_closed():
    with pytest.raises(ValueError):
        claims.Verdict("true", "x")


# --- the ledger --------------------------------------------------------------------------------------------

REQUIRED = ("id", "paraphrase", "quote", "attribution", "article_url", "article_date", "written", "query", "chart")


def test_ledger_has_every_required_field_and_the_expected_claims():
    raw = json.loads(LEDGER.read_text(encoding="utf-8"))
    for entry in raw:
        for key in REQUIRED:
            assert entry.get(key) not in (None, ""), f"{entry.get('id')}: {key}"
        assert set(entry["query"]) >= {"dataset", "measure", "countries", "period", "rule"}
        assert "verdict" not in json.dumps(entry), "verdicts are computed, never typed in"
        assert entry["written"] == 2019
    ids = [c.id for c in claims.load_ledger(LEDGER)]
    assert {"leave-30-50k", "eaeu-top-emigration", "mongolia-to-usa", "ukraine-key-destination", "thirty-years",
            "extradition-2019", "departure-2014"} <= set(ids)


def test_ledger_default_path_is_the_data_folder(monkeypatch, snapshot_copy: Path):
    monkeypatch.setenv("KZ_DATA_DIR", str(snapshot_copy))
    assert claims.ledger_path() == snapshot_copy / "claims.json"
    assert len(claims.load_ledger()) == len(claims.load_ledger(LEDGER))


def test_every_claim_evaluates_on_the_shipped_snapshot():
    snap = data.snapshot(DATA)
    for claim in claims.load_ledger(LEDGER):
        v = claims.evaluate(claim, snap)
        assert v.verdict in VERDICTS
        assert v.summary.strip() and v.details
        assert set(v.sources) <= set(datasets.DATASETS)
        assert claim.chart.path.startswith("/")
        assert claim.chart.href.startswith(claim.chart.path)
        hash(claim)  # frozen and hashable: usable as a cache key


def _broken(tmp_path: Path, mutate) -> Path:
    raw = json.loads(LEDGER.read_text(encoding="utf-8"))
    mutate(raw)
    path = tmp_path / "claims.json"
    path.write_text(json.dumps(raw), encoding="utf-8")
    return path


@pytest.mark.parametrize("mutate, message", [
    (lambda raw: raw[1].pop("quote"), "eaeu-top-emigration.*quote"),
    (lambda raw: raw[0]["query"]["rule"].pop("low"), "leave-30-50k.*low"),
    (lambda raw: raw[0]["query"]["rule"].update(name="guess"), "leave-30-50k.*guess"),
    (lambda raw: raw[2].update(verdict="holds"), "mongolia-to-usa.*verdict"),
    (lambda raw: raw[3]["query"].update(dataset="nope"), "ukraine-key-destination.*nope"),
    (lambda raw: raw[4]["query"]["period"].update(first=2030), "thirty-years.*period"),
    (lambda raw: raw[5]["query"]["rule"].update(date="Nov 2019"), "extradition-2019"),
    (lambda raw: raw[6].update(written="2019"), "departure-2014.*written"),
    (lambda raw: raw.append(dict(raw[0])), "leave-30-50k.*duplicate"),
])
def test_a_malformed_entry_raises_an_error_naming_the_claim(tmp_path: Path, mutate, message):
    with pytest.raises(LedgerError, match=message):
        claims.load_ledger(_broken(tmp_path, mutate))


def test_claims_json_has_a_complete_provenance_file():
    prov_path = provenance.path_for(LEDGER)
    assert prov_path.name == "claims.provenance.json" and prov_path.exists()
    raw = json.loads(prov_path.read_text(encoding="utf-8"))
    for key in provenance.REQUIRED:
        assert str(raw.get(key, "")).strip(), f"claims.provenance.json: '{key}' is empty"
    assert raw["url"].startswith("https://")
    prov = provenance.read(prov_path)
    assert prov.checksum == provenance.checksum(LEDGER), "claims.json edited without updating its checksum"
    assert prov.short == "CABAR.asia"


# --- verdicts on the shipped snapshot ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def verdicts():
    return claims.evaluate_all(data.snapshot(DATA), path=LEDGER)


def test_thirty_to_fifty_thousand_held_when_written_and_fails_from_2022(verdicts):
    v = verdicts["leave-30-50k"]
    rows = by_year(v)
    assert [y for y, r in rows.items() if r.outcome == "inside"] == [2016, 2017, 2018, 2019, 2021]
    assert rows[2020].value == 29088 and rows[2020].outcome == "outside"
    assert [(rows[y].value, rows[y].outcome) for y in (2022, 2023, 2024)] == [
        (24239, "outside"), (16094, "outside"), (12732, "outside")]
    assert rows[2022].status == "preliminary" and rows[2025].status == "preliminary"
    assert rows[2015].outcome == "borderline" and rows[2015].status == "rounded"
    assert all(rows[y].value is None for y in range(2005, 2013))
    assert v.verdict == OUTDATED and v.since == 2022
    for figure in ("29,088", "24,239", "16,094", "12,732", "7,608"):
        assert figure in v.summary
    assert v.sources == ("kz-migration",)


def test_eaeu_rank_per_source(verdicts):
    v = verdicts["eaeu-top-emigration"]
    model = [r for r in v.details if r.status == "model estimate"]
    eec = {r.period: r for r in v.details if r.status != "model estimate"}
    assert [r.year for r in model if r.rank == 1] == [1995, 1996, 1997, 1998]
    assert (eec["2020-Q1-Q3"].rank, eec["2021-H1"].rank, eec["2019-Q1"].rank) == (1, 1, 2)
    assert eec["2020-Q1-Q3"].status == "partial period"
    assert v.verdict == SOME_YEARS
    assert set(v.sources) == {"eaeu", "eec"}


def test_mongolia_and_the_usa_both_have_kazakhstan_born_residents(verdicts):
    v = verdicts["mongolia-to-usa"]
    assert {r.country: r.value for r in v.details} == {"MNG": 225, "USA": 36353}
    assert v.verdict == HOLDS
    assert "political emigrants cannot be checked" in v.summary


def test_germany_and_ukraine_rank_second_and_third_by_stock(verdicts):
    v = verdicts["ukraine-key-destination"]
    stock = v.details[0]
    assert (stock.rank, stock.value) == (3, 225962)
    stock_2020 = datasets.get("migrant-stock", data.snapshot(DATA))
    deu = claims.rule_rank_destination(stock_2020, None, "DEU", year=2020, revision=2020, top=3)
    assert deu.details[0].rank == 2
    flows = {r.period: r.value for r in v.details[1:] if r.outcome == "rank"}
    assert flows == {"2022-H1": 20, "2023-Q1-Q3": 45, "2024": 41}
    assert v.verdict == SOME_YEARS
    assert "225,962" in v.summary and "20 people" in v.summary


def test_thirty_years_lacks_official_figures_for_the_1990s(verdicts):
    v = verdicts["thirty-years"]
    assert [r.year for r in v.details if r.outcome == "covered"] == [2004, *range(2013, 2021)]
    assert v.verdict == CANNOT_CHECK
    assert "1990s" in v.summary


def test_events_are_context(verdicts):
    assert verdicts["extradition-2019"].verdict == CONTEXT
    assert verdicts["departure-2014"].verdict == CONTEXT


def test_evaluate_all_is_cached_per_snapshot_version():
    snap = data.snapshot(DATA)
    assert claims.evaluate_all(snap, path=LEDGER) is claims.evaluate_all(snap, path=LEDGER)
    assert list(claims.evaluate_all(snap, path=LEDGER)) == [c.id for c in claims.load_ledger(LEDGER)]


def _swap(path: Path, text: str) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def test_verdict_follows_the_data(snapshot_copy: Path):
    claim = next(c for c in claims.load_ledger(snapshot_copy / "claims.json") if c.id == "leave-30-50k")
    before = claims.evaluate_all(data.snapshot(snapshot_copy))["leave-30-50k"]
    assert before.verdict == OUTDATED
    path = snapshot_copy / "bns_releases.csv"
    text = path.read_text(encoding="utf-8")
    for old, new in (("emigrants,24239,", "emigrants,34239,"), ("emigrants,16094,", "emigrants,36094,"),
                     ("emigrants,12732,", "emigrants,32732,"), ("emigrants,7608,", "emigrants,37608,")):
        assert old in text
        text = text.replace(old, new)
    _swap(path, text)
    snap = data.snapshot(snapshot_copy)
    after = claims.evaluate(claim, snap)
    assert after.verdict == SOME_YEARS  # no longer failing since 2022; still outside in 2020 and before 2015
    assert by_year(after)[2022].outcome == "inside"
    assert claims.evaluate_all(snap)["leave-30-50k"].verdict == SOME_YEARS  # the cache follows the refresh


def test_importing_claims_reads_no_data():
    code = ("import builtins, io, sys; opened = []\n"
            "real = io.open\n"
            "def spy(f, *a, **k):\n"
            "    opened.append(str(f)); return real(f, *a, **k)\n"
            "builtins.open = spy; io.open = spy\n"
            "import dashboard.claims\n"
            "bad = [f for f in opened if '/data/' in f or f.endswith(('.csv', '.json'))]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT,
                            env={**os.environ, "PYTHONPATH": str(ROOT)})
    assert result.returncode == 0, result.stdout + result.stderr
