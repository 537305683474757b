"""Each rule's pure function on hand-made frames: what a reader would be told wrongly if it broke."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard.claims import CANNOT_CHECK, CONTEXT, DOES_NOT_HOLD, HOLDS, NO_DATA, OUTDATED, SOME_YEARS, Row, Verdict
from dashboard.claims.rules.coverage import rule_coverage
from dashboard.claims.rules.event import rule_event
from dashboard.claims.rules.presence import rule_presence
from dashboard.claims.rules.range import rounding_unit, rule_range
from dashboard.claims.rules.rank import rule_rank
from dashboard.claims.rules.rank_destination import rule_rank_destination
from dashboard.claims.verdicts import classify, sentence
from dashboard.events import Event


def series(values: dict[int, int], status: str = "final", **statuses: str) -> pd.DataFrame:
    """A yearly series: {year: value}; ``statuses`` like y2015="rounded" override the status of a year."""
    rows = [{"year": y, "value": v, "status": statuses.get(f"y{y}", status)} for y, v in values.items()]
    return pd.DataFrame(rows, columns=["year", "value", "status"])


def by_year(verdict: Verdict) -> dict[int, Row]:
    return {r.year: r for r in verdict.details}


# --- range ------------------------------------------------------------------------------------------------

def test_range_inside_every_year_holds():
    v = rule_range(series({2017: 35000, 2018: 40000, 2019: 45000}), 30000, 50000, 2019)
    assert v.verdict == HOLDS
    assert {r.outcome for r in v.details} == {"inside"}
    assert "30,000–50,000" in v.summary and "2017–2019" in v.summary


def test_range_outside_every_year_does_not_hold():
    v = rule_range(series({2020: 20000, 2021: 60000}), 30000, 50000, 2019)
    assert v.verdict == DOES_NOT_HOLD
    assert "2020 (20,000) and 2021 (60,000)" in v.summary, "a list reads 'a and b' (Babel, en_GB)"


def test_range_partly_inside_holds_only_for_some_years():
    v = rule_range(series({2017: 25000, 2018: 40000, 2019: 20000, 2020: 41000}), 30000, 50000, 2019)
    assert v.verdict == SOME_YEARS
    assert [r.outcome for r in v.details] == ["outside", "inside", "outside", "inside"]


def test_range_held_when_written_then_failed_is_outdated_with_the_year_it_stopped():
    v = rule_range(series({2017: 35000, 2018: 40000, 2019: 45000, 2020: 31000, 2021: 20000, 2022: 10000}),
                   30000, 50000, 2019)
    assert v.verdict == OUTDATED
    assert v.since == 2021
    assert v.summary.startswith("Held when written (2017–2019) but not since 2021")


def test_range_gaps_are_no_data_rows_never_zeros():
    v = rule_range(series({2004: 40000, 2007: 41000}), 30000, 50000, 2019)
    rows = by_year(v)
    assert sorted(rows) == [2004, 2005, 2006, 2007]
    assert rows[2005].value is None and rows[2005].outcome == "no data" and rows[2005].supports is None
    assert v.verdict == HOLDS
    assert "no official figure for 2005–2006" in v.summary


def test_range_without_any_figure_is_no_official_data():
    v = rule_range(series({}), 30000, 50000, 2019, first=1991, last=1999)
    assert v.verdict == NO_DATA
    assert len(v.details) == 9 and all(r.value is None for r in v.details)
    assert "1991–1999" in v.summary


def test_range_rounded_figure_at_a_bound_is_borderline_and_decides_nothing():
    """"~30 thousand" may be 29,600: it cannot say whether at least 30,000 left."""
    v = rule_range(series({2015: 30000}, y2015="rounded"), 30000, 50000, 2019)
    assert by_year(v)[2015].outcome == "borderline"
    assert v.verdict == CANNOT_CHECK
    # a precise figure on the bound is inside; a rounded one clear of it decides
    assert rule_range(series({2015: 30000}), 30000, 50000, 2019).verdict == HOLDS
    assert by_year(rule_range(series({2018: 41800}, y2018="rounded"), 30000, 50000, 2019))[2018].supports


def test_range_flags_rounded_and_preliminary_figures():
    v = rule_range(series({2022: 24239, 2023: 29000}, y2022="preliminary", y2023="rounded"), 30000, 50000, 2019)
    assert "24,239, preliminary" in v.summary and "29,000, rounded" in v.summary
    assert by_year(v)[2022].status == "preliminary"


def test_range_figures_follow_the_readers_language():
    """Russian writes 29 088 (a non-breaking space groups thousands), never 29,088."""
    v = rule_range(series({2020: 29088}), 30000, 50000, 2019, lang="ru")
    assert "29,088" not in v.summary and "29\xa0088" in v.summary


def test_rounding_unit():
    assert rounding_unit(30000) == 1000
    assert rounding_unit(41800) == 100
    assert rounding_unit(12345) == 1


# --- rank among the EAEU members ---------------------------------------------------------------------------

def rank_frame(rows: list[tuple[str, str, str, float]]) -> pd.DataFrame:
    """(series, period, iso3, value per 1,000) -> the frame rule_rank reads."""
    out = pd.DataFrame(rows, columns=["series", "period", "iso3", "value"])
    out["year"] = out["period"].str[:4].astype(int)
    out["period_type"] = ["year" if "-" not in p else "quarter" for p in out["period"]]
    return out


def test_rank_first_when_most_negative():
    frame = rank_frame([("S", "2019", "KAZ", -3.0), ("S", "2019", "ARM", -1.0), ("S", "2019", "RUS", 2.0),
                        ("S", "2019", "BLR", 0.5), ("S", "2019", "KGZ", -2.0)])
    v = rule_rank(frame, "KAZ", 2019)
    (row,) = v.details
    assert (row.rank, row.of, row.supports) == (1, 5, True)
    assert v.verdict == HOLDS


def test_rank_ties_share_the_better_rank():
    frame = rank_frame([("S", "2019", "KAZ", -3.0), ("S", "2019", "ARM", -3.0), ("S", "2019", "RUS", 2.0)])
    (row,) = rule_rank(frame, "KAZ", 2019).details
    assert row.rank == 1 and row.supports is True


def test_rank_among_members_present_and_missing_target_is_no_data():
    frame = rank_frame([("S", "2019-Q1", "KAZ", -0.3), ("S", "2019-Q1", "ARM", -1.3), ("S", "2019-Q1", "KGZ", 0.1),
                        ("S", "2020", "ARM", 1.0), ("S", "2020", "RUS", 2.0), ("S", "2020", "KGZ", 0.0)])
    v = rule_rank(frame, "KAZ", 2019)
    rows = {r.period: r for r in v.details}
    assert (rows["2019-Q1"].rank, rows["2019-Q1"].of, rows["2019-Q1"].supports) == (2, 3, False)
    assert rows["2020"].value is None and rows["2020"].outcome == "no data" and rows["2020"].supports is None
    assert "Armenia" in rows["2019-Q1"].note
    assert v.verdict == DOES_NOT_HOLD
    assert "the first quarter of 2019" in v.summary, "a partial period is named as one in the sentence"


def test_rank_periods_are_in_chronological_order():
    """Q1 before H1 before the nine months before the year, whatever order the frame holds them in."""
    rows = [("S", p, iso3, v) for p in ("2020", "2020-Q1-Q3", "2020-H1", "2020-Q1")
            for iso3, v in (("KAZ", -1.0), ("ARM", 0.0), ("RUS", 1.0))]
    v = rule_rank(rank_frame(rows), "KAZ", 2019)
    assert [r.period for r in v.details] == ["2020-Q1", "2020-H1", "2020-Q1-Q3", "2020"]


def test_rank_with_too_few_members_decides_nothing():
    frame = rank_frame([("S", "2020", "KAZ", -1.0), ("S", "2020", "ARM", 1.0)])
    v = rule_rank(frame, "KAZ", 2019, min_members=3)
    assert v.details[0].outcome == "too few members" and v.details[0].supports is None
    assert v.verdict == CANNOT_CHECK


def test_rank_per_source_some_periods():
    frame = rank_frame([("A", "2018", "KAZ", -1.0), ("A", "2018", "ARM", 0.0), ("A", "2018", "RUS", 1.0),
                        ("B", "2018", "KAZ", 0.0), ("B", "2018", "ARM", -1.0), ("B", "2018", "RUS", 1.0)])
    v = rule_rank(frame, "KAZ", 2019)
    assert v.verdict == SOME_YEARS
    assert {r.series: r.rank for r in v.details} == {"A": 1, "B": 2}


# --- presence, rank among destinations, coverage, event ------------------------------------------------------

def stock_frame(values: dict[str, int], revision: int = 2020, year: int = 2020) -> pd.DataFrame:
    return pd.DataFrame([{"revision": revision, "origin": "KAZ", "destination": d, "year": year, "value": v}
                         for d, v in values.items()])


def test_presence():
    assert rule_presence(stock_frame({"MNG": 5, "USA": 10}), ["MNG", "USA"], year=2020, revision=2020).verdict == HOLDS
    assert rule_presence(stock_frame({"MNG": 0, "USA": 10}), ["MNG", "USA"], year=2020,
                         revision=2020).verdict == DOES_NOT_HOLD
    partial = rule_presence(stock_frame({"USA": 10}), ["MNG", "USA"], year=2020, revision=2020)
    assert partial.verdict == CANNOT_CHECK and partial.details[0].outcome == "no data"
    assert rule_presence(stock_frame({"USA": 10}, revision=2024), ["MNG", "USA"], year=2020,
                         revision=2020).verdict == NO_DATA, "another revision's figures are never read"


UNCHECKED = "which emigrants are political emigrants"
SAID = "No statistic records which emigrants are political emigrants."  # what a reader is told first


def test_presence_of_everyone_born_there_never_makes_a_claim_about_political_emigrants_hold():
    """225 people born in Kazakhstan live in Mongolia: whether any is a political emigrant, no figure says."""
    v = rule_presence(stock_frame({"MNG": 225, "USA": 36353}), ["MNG", "USA"], year=2020, revision=2020,
                      unchecked=UNCHECKED)
    assert v.verdict == CANNOT_CHECK
    assert v.summary.startswith(SAID + " "), "what cannot be checked is said first"
    assert "Mongolia (225) and United States (36,353) in 2020" in v.summary, "the residents are given as context"
    assert "Holds" not in v.summary and "holds" not in v.summary
    nobody = rule_presence(stock_frame({"MNG": 0, "USA": 10}), ["MNG", "USA"], year=2020, revision=2020,
                           unchecked=UNCHECKED)
    assert nobody.verdict == DOES_NOT_HOLD, "nobody born in Kazakhstan lives there: no political emigrant either"
    partial = rule_presence(stock_frame({"USA": 10}), ["MNG", "USA"], year=2020, revision=2020,
                            unchecked=UNCHECKED)
    assert partial.verdict == CANNOT_CHECK and "no figure for Mongolia" in partial.summary


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
    v = rule_rank_destination(stock, flows, "UKR", year=2020, revision=2020, top=3)
    stock_row, h1, y2024 = v.details  # 2017 lists groups only: not a ranking of countries
    assert (stock_row.rank, stock_row.of, stock_row.supports) == (3, 5, True)  # tie with BLR shares 3rd
    assert (h1.rank, h1.of, h1.supports) == (4, 4, False)  # the CIS group is never ranked
    assert y2024.outcome == "not listed" and y2024.supports is None
    assert v.verdict == SOME_YEARS
    assert "3rd of 5" in v.summary and "the first half of 2022" in v.summary
    assert "after Russia and Germany" in v.summary
    v = rule_rank_destination(stock, None, "DEU", year=2020, revision=2020, top=3)
    assert v.details[0].rank == 2 and v.verdict == HOLDS


def ukraine_frames() -> tuple[pd.DataFrame, pd.DataFrame]:
    """Ukraine 3rd by stock, low in every listed period, missing from one: the shape of the real figures."""
    stock = stock_frame({"RUS": 2558907, "DEU": 676713, "UKR": 225962, "UZB": 190000, "USA": 36353})
    flows = flows_frame([("2022-H1", "RUS", 9000), ("2022-H1", "DEU", 500), ("2022-H1", "UKR", 20),
                         ("2024", "RUS", 7000), ("2024", "DEU", 900), ("2024", "USA", 60), ("2024", "UKR", 41),
                         ("2021", "RUS", 8000), ("2021", "DEU", 700)])
    return stock, flows


def test_a_country_never_first_is_never_the_main_destination():
    """"The main country" is 1st: 3rd by stock and last in every listed period never reads as "holds"."""
    stock, flows = ukraine_frames()
    v = rule_rank_destination(stock, flows, "UKR", year=2020, revision=2020, top=1)
    assert [r.supports for r in v.details] == [False, None, False, False]  # stock, 2021 (no Ukraine), 2022-H1, 2024
    assert v.verdict == DOES_NOT_HOLD
    assert v.summary.startswith("Does not hold: Ukraine is never 1st — 3rd of 5 destination countries")
    assert "holds" not in v.summary.lower().replace("does not hold", "")
    # a top 3 claim on the same figures is another claim: the stock supports it, the flows do not
    assert rule_rank_destination(stock, flows, "UKR", year=2020, revision=2020, top=3).verdict == SOME_YEARS


def test_a_claim_about_political_emigrants_cannot_be_checked_and_shows_the_ranks_as_context():
    stock, flows = ukraine_frames()
    v = rule_rank_destination(stock, flows, "UKR", year=2020, revision=2020, top=1, unchecked=UNCHECKED)
    assert v.verdict == CANNOT_CHECK
    assert v.summary.startswith(SAID + " Among all emigrants, Ukraine is never 1st: ")
    assert ("3rd of 5 destination countries by people born in Kazakhstan living there (225,962 in 2020; UN DESA, "
            "revision 2020), after Russia and Germany") in v.summary
    assert "by recorded emigration (BNS), 3rd of 3 listed destinations in the first half of 2022 (20 people) and " \
           "4th of 4 in 2024 (41 people)" in v.summary
    assert "not among the destinations listed for 2021" in v.summary
    assert "holds" not in v.summary.lower()
    assert [r.rank for r in v.details if r.rank] == [3, 3, 4], "the rows keep the ranks for the chart"


def test_where_all_emigrants_go_never_confirms_where_political_emigrants_go():
    """Even 1st everywhere among all emigrants says nothing of a group no statistic separates."""
    stock, flows = ukraine_frames()
    v = rule_rank_destination(stock, flows, "RUS", year=2020, revision=2020, top=1, unchecked=UNCHECKED)
    assert all(r.supports for r in v.details if r.supports is not None)
    assert v.verdict == CANNOT_CHECK
    assert "Among all emigrants, Russia is 1st in every ranking with a figure: 1st of 5" in v.summary
    assert "after" not in v.summary.split(";")[0], "nobody is ahead of the 1st"


def test_coverage():
    full = rule_coverage(series({2000: 1, 2001: 2}), 2000, 2001)
    assert full.verdict == HOLDS
    part = rule_coverage(series({2004: 1, 2013: 2}), 1991, 2013)
    assert part.verdict == CANNOT_CHECK
    assert "2 of the 23 years" in part.summary and "1990s" in part.summary
    assert rule_coverage(series({}), 1991, 1995).verdict == NO_DATA


def test_event():
    marked = (Event("2019-11", "Deal", "A deal.", "somewhere"),)
    context = rule_event("2019-11", marked=marked)
    assert context.verdict == CONTEXT and context.details[0].note == "somewhere"
    assert rule_event("2018", marked=marked).verdict == CANNOT_CHECK


# --- the vocabulary ------------------------------------------------------------------------------------------

def test_verdict_vocabulary_is_closed():
    with pytest.raises(ValueError, match="true"):
        Verdict("true", "x")


@pytest.mark.parametrize("verdict", [HOLDS, SOME_YEARS, OUTDATED])
def test_no_verdict_says_holds_without_a_figure_that_supports_the_claim(verdict):
    against = (Row("2020", 2020, 3, "estimate", "rank", False, 3, 5), Row("2021", 2021, None, "no data", "gap", None))
    with pytest.raises(ValueError, match="without a figure that supports"):
        Verdict(verdict, "x", against)
    Verdict(verdict, "x", (*against, Row("2019", 2019, 1, "final", "inside", True)))
    Verdict(DOES_NOT_HOLD, "x", against)


def test_classify_never_calls_a_claim_outdated_without_the_year_it_was_written():
    rows = [Row("2019", 2019, 1, "final", "inside", True), Row("2022", 2022, 1, "final", "outside", False)]
    assert classify(rows, 2019) == (OUTDATED, 2022)
    assert classify(rows, None) == (SOME_YEARS, None)


def test_sentence_drops_empty_clauses():
    assert sentence("Holds", ["a", "", "b"]) == "Holds: a; b."
    assert sentence("Context", []) == "Context."
