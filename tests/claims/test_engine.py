"""The verdicts and charts the story page shows, on the frozen fixture snapshot: what each claim's verdict
rests on, that it is computed once per snapshot and follows a new snapshot, and the API callers use."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import plotly.graph_objects as go
import pytest

from dashboard import claims, datasets, provenance, snapshots
from dashboard.claims import CANNOT_CHECK, CONTEXT, HOLDS, OUTDATED, SOME_YEARS, Row, Verdict
from dashboard.claims.rules.rank_destination import rule_rank_destination
from tests.conftest import ROOT


def by_year(verdict: Verdict) -> dict[int, Row]:
    return {r.year: r for r in verdict.details}


@pytest.fixture
def verdicts(snap):
    return claims.evaluate_all(snap, "en")


def test_every_claim_evaluates_with_a_sentence_and_the_datasets_it_read(snap):
    for claim in claims.ledger(snap):
        v = claims.evaluate(claim, snap, "en")
        assert v.summary.endswith(".") and v.details, claim.id
        assert set(v.sources) <= set(datasets.DATASETS), claim.id


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
    assert v.summary.startswith("Held when written (2017–2019) but not since 2022")
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
    assert "1st in January–September 2020 and the first half of 2021" in v.summary


SAID = "No statistic records which emigrants are political emigrants."  # what a reader is told first


def test_mongolia_and_the_usa_have_kazakhstan_born_residents_but_not_known_political_emigrants(verdicts):
    """The stock shows people born in Kazakhstan in both, not that any of them is a political emigrant."""
    v = verdicts["mongolia-to-usa"]
    assert {r.country: r.value for r in v.details} == {"MNG": 225, "USA": 36353}
    assert all(r.supports for r in v.details), "the residents the claim needs are there"
    assert v.verdict == CANNOT_CHECK
    assert v.summary == (SAID + " People born in Kazakhstan, whatever their reasons for leaving, do live in "
                         "Mongolia (225) and United States (36,353) in 2020 (UN DESA, revision 2020).")


def test_germany_and_ukraine_rank_second_and_third_by_stock(snap, verdicts):
    v = verdicts["ukraine-key-destination"]
    stock = v.details[0]
    assert (stock.rank, stock.value) == (3, 225962)
    deu = rule_rank_destination(datasets.get("migrant-stock", snap), None, "DEU", year=2020, revision=2020, top=3)
    assert deu.details[0].rank == 2
    flows = {r.period: (r.rank, r.of, r.value) for r in v.details[1:] if r.outcome == "rank"}
    assert flows == {"2022-H1": (12, 12, 20), "2023-Q1-Q3": (8, 10, 45), "2024": (6, 6, 41)}


def test_ukraine_as_the_main_destination_of_political_emigrants_cannot_be_checked(verdicts):
    """A journalist reads any "holds" as "the data show it": Ukraine is 1st in no measure, and no statistic
    counts political emigrants, so the verdict says that plainly and gives the ranks as context."""
    v = verdicts["ukraine-key-destination"]
    assert not any(r.supports for r in v.details), "Ukraine is never 1st"
    assert v.verdict == CANNOT_CHECK
    assert v.summary.startswith(SAID + " Among all emigrants, Ukraine is never 1st: 3rd of 59 destination "
                                "countries by people born in Kazakhstan living there (225,962 in 2020; UN DESA, "
                                "revision 2020), after Russia and Germany; by recorded emigration (BNS), 12th of 12 "
                                "listed destinations in the first half of 2022 (20 people), 8th of 10 in "
                                "January–September 2023 (45 people) and 6th of 6 in 2024 (41 people); not among the "
                                "destinations listed for 2016, ")
    assert "holds" not in v.summary.lower()


def test_no_claim_holds_in_any_form_without_a_figure_that_supports_it(verdicts):
    for claim_id, v in verdicts.items():
        if v.verdict in (HOLDS, SOME_YEARS, OUTDATED):
            assert any(r.supports for r in v.details), claim_id
        else:
            assert not v.summary.startswith(("Holds", "Held when written")), claim_id


def test_thirty_years_lacks_official_figures_for_the_1990s(verdicts):
    v = verdicts["thirty-years"]
    assert [r.year for r in v.details if r.outcome == "covered"] == [2004, *range(2013, 2021)]
    assert v.verdict == CANNOT_CHECK
    assert "1990s" in v.summary


def test_events_are_context(verdicts):
    assert verdicts["extradition-2019"].verdict == CONTEXT
    assert verdicts["departure-2014"].verdict == CONTEXT


# --- computed once per snapshot, and following a new one ------------------------------------------------------

def test_evaluate_all_is_cached_per_snapshot_and_language(snap):
    assert claims.evaluate_all(snap, "en") is claims.evaluate_all(snap, "en")
    assert claims.evaluate_all(snap, "ru") is not claims.evaluate_all(snap, "en")
    assert list(claims.evaluate_all(snap, "en")) == [c.id for c in claims.ledger(snap)]
    assert claims.ledger(snap) is claims.ledger(snap), "the ledger is parsed once per snapshot"
    with pytest.raises(TypeError):
        claims.evaluate_all(snap, "en")["leave-30-50k"] = None  # read-only: one reader cannot change another's


def _new_snapshot(store: snapshots.Store, edits: dict[str, str]) -> str:
    """A copy of the current snapshot as a new one, bns_releases.csv edited and its checksum updated."""
    new_id = "2026-11-26"
    folder = store.folder / new_id
    shutil.copytree(store.folder / store.current_id(), folder)
    path = folder / "bns_releases.csv"
    text = path.read_text(encoding="utf-8")
    for old, new in edits.items():
        assert old in text
        text = text.replace(old, new)
    path.write_text(text, encoding="utf-8")
    prov_path = provenance.path_for(path)
    prov = provenance.read(prov_path).model_copy(update={"checksum": provenance.checksum(path)})
    prov_path.write_text(prov.to_json(), encoding="utf-8")
    return new_id


def test_verdict_follows_a_new_snapshot_and_the_old_one_keeps_its_own(data_copy: Path):
    store = snapshots.Store(data_copy)
    before = store.current()
    assert claims.evaluate_all(before, "en")["leave-30-50k"].verdict == OUTDATED
    new_id = _new_snapshot(store, {"emigrants,24239,": "emigrants,34239,",
                                   "emigrants,16094,": "emigrants,36094,",
                                   "emigrants,12732,": "emigrants,32732,",
                                   "emigrants,7608,": "emigrants,37608,"})
    store.switch(new_id)
    after = claims.evaluate_all(store.current(), "en")["leave-30-50k"]
    assert after.verdict == SOME_YEARS  # no longer failing since 2022; still outside in 2020 and before 2015
    assert by_year(after)[2022].outcome == "inside"
    assert claims.evaluate_all(before, "en")["leave-30-50k"].verdict == OUTDATED, "an embed pinned to the old one"


# --- the API the story page, the trends page and the embeds call --------------------------------------------

def test_events_have_no_chart_and_every_other_claim_has_one(snap):
    assert claims.claim_ids(snap) == ("leave-30-50k", "eaeu-top-emigration", "mongolia-to-usa",
                                      "ukraine-key-destination", "thirty-years")
    for claim in claims.ledger(snap):
        fig = claims.figure(claim, snap, "en")
        assert isinstance(fig, go.Figure) if claims.has_chart(claim) else fig is None, claim.id


def test_find_names_the_claims_for_an_unknown_id(snap):
    assert claims.find(snap, "thirty-years").id == "thirty-years"
    with pytest.raises(KeyError, match="leave-30-50k"):
        claims.find(snap, "no-such-claim")


def test_figure_json_is_built_once_and_each_caller_gets_its_own_copy(store):
    snap = snapshots.load(store.folder / store.current_id())  # fresh caches
    claim = claims.find(snap, "leave-30-50k")
    first = claims.figure_json(claim, snap, "en")
    assert len(snap.caches["figure"]) == 1
    first["layout"]["title"]["text"] = "changed by one reader"
    second = claims.figure_json(claim, snap, "en")
    assert second["layout"]["title"]["text"] != "changed by one reader"
    assert len(snap.caches["figure"]) == 1
    assert claims.figure_json(claims.find(snap, "extradition-2019"), snap, "en") is None


def test_a_claim_from_outside_the_snapshots_ledger_is_evaluated_not_looked_up(snap):
    claim = claims.find(snap, "leave-30-50k")
    wider = claim.model_copy(update={"query": claim.query.model_copy(
        update={"rule": claim.rule.model_copy(update={"low": 10000})})})
    fig = claims.figure(wider, snap, "en")
    assert [s.y0 for s in fig.layout.shapes if s.name == "claim-band"] == [10000]


def test_range_bands_give_the_trends_page_the_articles_range(snap):
    assert claims.range_bands(snap, "kz-migration", "emigrants") == ((30000, 50000),)
    assert claims.range_bands(snap, "kz-migration", "immigrants") == ()


def test_source_lines_are_derived_from_provenance(snap, verdicts):
    ukraine = claims.find(snap, "ukraine-key-destination")
    line = claims.source_line(ukraine, verdicts[ukraine.id], snap, "en")
    assert line == provenance.source_line([*datasets.provenance("migrant-stock", snap),
                                           *datasets.provenance("kz-destinations", snap)], revision="2020")
    chart = claims.chart_source_line(ukraine, verdicts[ukraine.id], snap, "en")
    assert chart == provenance.source_line(datasets.provenance("migrant-stock", snap), revision="2020"), \
        "the chart draws the stock only, so only UN DESA is its source"


def test_event_claims_cite_where_the_event_is_reported(snap, verdicts):
    claim = claims.find(snap, "extradition-2019")
    line = claims.source_line(claim, verdicts[claim.id], snap, "en")
    assert line.startswith("Source: CABAR.asia") and "Kazinform" in line
    assert claims.chart_source_line(claim, verdicts[claim.id], snap, "en") == ""


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
