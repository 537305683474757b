"""The explorer's filters, which also decide what /data/<dataset>.csv returns: every dataset, every filter,
empty results, and the URL contract of each dataset."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import datasets, explorer_filters, urlstate
from dashboard.countries import EAEU

ALL = tuple(datasets.DATASETS)


@pytest.fixture(scope="module")
def frames(snap):
    return {name: datasets.get(name, snap) for name in ALL}


def parse(name, query):
    return urlstate.parse(query, explorer_filters.PARAMS_FOR(name), strict=True)[0]


def test_every_dataset_has_a_filter_contract():
    assert set(ALL) == set(explorer_filters._COUNTRY_COLUMNS)
    for name in ALL:
        names = [p.name for p in explorer_filters.PARAMS_FOR(name)]
        assert "dataset" not in names
        assert "years" in names
        assert ("countries" in names) == (explorer_filters.country_column(name) is not None)
        assert ("revision" in names) == (name == "migrant-stock")


def test_country_columns():
    assert explorer_filters.country_column("kz-migration") is None
    assert explorer_filters.country_column("kz-destinations") == "destination"
    assert explorer_filters.country_column("migrant-stock") == "destination"
    assert explorer_filters.country_column("eaeu") == "iso3"
    assert explorer_filters.country_column("eec") == "iso3"


def test_unknown_dataset_is_an_error_naming_the_choices():
    with pytest.raises(KeyError, match="kz-migration"):
        explorer_filters.PARAMS_FOR("nope")
    with pytest.raises(KeyError):
        explorer_filters.apply(pd.DataFrame(), "nope", {})


@pytest.mark.parametrize("name", ALL)
def test_no_filter_returns_the_whole_dataset(frames, name):
    values = parse(name, {})
    pd.testing.assert_frame_equal(explorer_filters.apply(frames[name], name, values), frames[name])


@pytest.mark.parametrize("name", ALL)
def test_years_are_inclusive(frames, name):
    """Both end years are kept (years=2010..2020 includes 2010 and 2020)."""
    df = frames[name]
    years = sorted(set(df["year"]))
    lo, hi = years[1], years[-2]  # two years that have rows, inside the span
    out = explorer_filters.apply(df, name, parse(name, {"years": f"{lo}..{hi}"}))
    assert out["year"].between(lo, hi).all()
    assert len(out) == int(df["year"].between(lo, hi).sum())
    assert {lo, hi} <= set(out["year"])
    single = explorer_filters.apply(df, name, parse(name, {"years": str(hi)}))
    assert set(single["year"]) == {hi}


@pytest.mark.parametrize("name, codes", [("kz-destinations", "RUS~DEU"), ("migrant-stock", "RUS~DEU"),
                                         ("eaeu", "KAZ~RUS"), ("eec", "KAZ~RUS")])
def test_countries_filter_on_the_right_column(frames, name, codes):
    df = frames[name]
    column = explorer_filters.country_column(name)
    out = explorer_filters.apply(df, name, parse(name, {"countries": codes}))
    assert set(out[column]) == set(codes.split("~"))
    assert len(out) == int(df[column].isin(codes.split("~")).sum())


def test_destination_groups_are_filterable_in_kz_destinations(frames):
    out = explorer_filters.apply(frames["kz-destinations"], "kz-destinations", parse("kz-destinations",
                                                                                      {"countries": "CIS"}))
    assert not out.empty and set(out["destination"]) == {"CIS"}


@pytest.mark.parametrize("revision", [2020, 2024])
def test_revision_filter_only_for_migrant_stock(frames, revision):
    out = explorer_filters.apply(frames["migrant-stock"], "migrant-stock",
                                 parse("migrant-stock", {"revision": str(revision)}))
    assert set(out["revision"]) == {revision}
    both = explorer_filters.apply(frames["migrant-stock"], "migrant-stock", parse("migrant-stock", {"revision": "all"}))
    assert set(both["revision"]) == {2020, 2024}
    # a stray revision value never filters another dataset
    eaeu = explorer_filters.apply(frames["eaeu"], "eaeu", {"revision": revision})
    assert len(eaeu) == len(frames["eaeu"])


def test_all_filters_together(frames):
    """The example link: ?countries=RUS~DEU&years=2010..2020&revision=2020 on migrant-stock."""
    values = parse("migrant-stock", {"countries": "RUS~DEU", "years": "2010..2020", "revision": "2020"})
    out = explorer_filters.apply(frames["migrant-stock"], "migrant-stock", values)
    assert sorted(zip(out["destination"], out["year"])) == sorted(
        (c, y) for c in ("DEU", "RUS") for y in (2010, 2015, 2020))
    russia_2020 = out[(out["destination"] == "RUS") & (out["year"] == 2020)]
    assert int(russia_2020["value"].iloc[0]) == 2558907


@pytest.mark.parametrize("name, query", [
    ("migrant-stock", {"countries": "ZWE"}),  # a valid code with no row
    ("eec", {"years": "1990..2000"}),  # years without EEC figures
    ("kz-migration", {"years": "1960..1990"}),
])
def test_empty_results_are_allowed(frames, name, query):
    out = explorer_filters.apply(frames[name], name, parse(name, query))
    assert out.empty and list(out.columns) == list(frames[name].columns)


@pytest.mark.parametrize("name, query", [
    ("eaeu", {"countries": "DEU"}),  # not a member
    ("migrant-stock", {"countries": "XX1"}),
    ("kz-migration", {"countries": "KAZ"}),  # no country column
    ("eec", {"revision": "2020"}),  # revision only for migrant-stock
    ("migrant-stock", {"revision": "2019"}),
    ("eaeu", {"years": "2020..2010"}),
    ("eaeu", {"years": "1900..2000"}),
])
def test_strict_parse_rejects_what_the_dataset_cannot_honour(name, query):
    """The CSV route parses strictly: a bad filter is a 400 naming it, never silently all rows."""
    with pytest.raises(urlstate.BadParameter):
        urlstate.parse(query, explorer_filters.PARAMS_FOR(name), strict=True)


def test_eaeu_and_eec_accept_only_members():
    for name in ("eaeu", "eec"):
        (countries,) = [p for p in explorer_filters.PARAMS_FOR(name) if p.name == "countries"]
        assert countries.choices == EAEU


def test_apply_is_pure(frames):
    df = frames["eaeu"]
    before = df.copy()
    out = explorer_filters.apply(df, "eaeu", {"countries": ("KAZ",), "years": (2000, 2001)})
    pd.testing.assert_frame_equal(df, before)
    assert out.index.tolist() == list(range(len(out)))


def test_encode_leaves_out_defaults():
    params = explorer_filters.PARAMS_FOR("migrant-stock")
    assert urlstate.encode({"countries": None, "years": None, "revision": "all"}, params) == ""
    assert urlstate.encode({"countries": ("RUS", "DEU"), "years": (2010, 2020), "revision": 2020}, params) == \
        "?countries=RUS~DEU&years=2010..2020&revision=2020"


# --- sort: the row order of the grid, the URL and the CSV ---------------------------------------------------

def test_every_dataset_takes_a_sort_over_its_own_columns():
    for name in ALL:
        sort = {p.name: p for p in explorer_filters.PARAMS_FOR(name)}["sort"]
        assert sort.default is None and set(sort.choices) == set(datasets.DATASETS[name].columns)


def test_sort_parses_columns_in_order_with_a_minus_for_descending():
    assert parse("kz-migration", {"sort": "-value~year"})["sort"] == (("value", True), ("year", False))
    assert parse("kz-migration", {"sort": "year"})["sort"] == (("year", False),)
    assert parse("kz-migration", {})["sort"] is None
    params = explorer_filters.PARAMS_FOR("kz-migration")
    assert urlstate.encode({"sort": (("value", True), ("year", False))}, params) == "?sort=-value~year"


@pytest.mark.parametrize("raw", ["nope", "-value~value", "", "~", "value~-value", "share_pct"])
def test_a_sort_the_dataset_cannot_honour_is_refused(raw):
    with pytest.raises(urlstate.BadParameter):
        parse("kz-migration", {"sort": raw})


def test_sort_orders_the_rows_stably(frames):
    df = frames["kz-migration"]
    out = explorer_filters.apply(df, "kz-migration", {"sort": (("value", True), ("year", False))})
    assert len(out) == len(df) and out.index.tolist() == list(range(len(out)))
    present = out["value"].dropna().tolist()
    assert present == sorted(present, reverse=True)
    ties = out[out["value"] == out["value"].dropna().mode().iloc[0]]
    assert ties["year"].tolist() == sorted(ties["year"].tolist()), "ties by the next key, ascending"
    by_measure = explorer_filters.apply(df, "kz-migration", {"sort": (("measure", False),)})
    # Stable: within one measure the published order (by year) is kept.
    for _m, rows in by_measure.groupby("measure", sort=False):
        assert rows["year"].tolist() == df[df["measure"] == _m]["year"].tolist()


def test_gaps_sort_last_both_ways(frames):
    df = frames["kz-migration"]
    assert df["per_1000"].isna().any()
    for desc in (False, True):
        out = explorer_filters.apply(df, "kz-migration", {"sort": (("per_1000", desc),)})
        gaps = int(out["per_1000"].isna().sum())
        assert out["per_1000"].tail(gaps).isna().all() and out["per_1000"].head(len(out) - gaps).notna().all()
