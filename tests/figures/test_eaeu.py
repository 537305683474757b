"""EAEU comparison figures: the right numbers per member, gaps kept, revisions never mixed, partial EEC
periods labelled, and Kazakhstan's rank computed as documented."""

from __future__ import annotations

import pandas as pd
import pytest

from dashboard import datasets
from dashboard.countries import EAEU
from dashboard.figures import eaeu as fig_eaeu
from dashboard.figures.common import COUNTRY_COLOURS

SOURCE = "Source: World Bank WDI. Data as of 2026-07."
ALL_YEARS = (1990, 2024)


@pytest.fixture(scope="module")
def eaeu(snap):
    return datasets.get("eaeu", snap)


@pytest.fixture(scope="module")
def eec(snap):
    return datasets.get("eec", snap)


def trace(fig, iso3):
    found = [t for t in fig.data if (t.meta or {}).get("iso3") == iso3]
    assert len(found) == 1, f"expected one trace for {iso3}, got {len(found)}"
    return found[0]


def value_at(tr, year):
    return dict(zip(tr.x, tr.y))[year]


def by_period(tr):
    """A bar trace's values by published period (x is the period's place on the axis, plus the bar's offset)."""
    return dict(zip(tr.meta["periods"], tr.y))


def ticks(fig):
    """Period tick label -> its position on the shared x axis."""
    return dict(zip(fig.layout.xaxis.ticktext, fig.layout.xaxis.tickvals))


# --- net migration -----------------------------------------------------------------------------

def test_net_absolute_shows_world_bank_values_for_kazakhstan(eaeu):
    """A reader comparing with the World Bank sees its number: KAZ 2019 = +2,594, 2024 = -7,368."""
    fig = fig_eaeu.net_figure(eaeu, countries=EAEU, years=ALL_YEARS, measure="absolute", source=SOURCE)
    kaz = trace(fig, "KAZ")
    assert value_at(kaz, 2019) == 2594
    assert value_at(kaz, 2024) == -7368
    assert {(t.meta or {}).get("iso3") for t in fig.data} == set(EAEU)


def test_net_per_1000_uses_world_bank_population(eaeu):
    """2024: -7,368 / 20,592,571 residents x 1000 = -0.36 per 1,000 (SP.POP.TOTL of the same year)."""
    pop = eaeu[(eaeu["measure"] == "population") & (eaeu["iso3"] == "KAZ") & (eaeu["year"] == 2024)]["value"]
    assert int(pop.iloc[0]) == 20592571
    fig = fig_eaeu.net_figure(eaeu, countries=EAEU, years=ALL_YEARS, measure="per1000", source=SOURCE)
    assert value_at(trace(fig, "KAZ"), 2024) == pytest.approx(-0.36)
    assert value_at(trace(fig, "KAZ"), 2024) == pytest.approx(round(-7368 * 1000 / 20592571, 2))
    assert "1,000" in fig.layout.yaxis.title.text


def test_kazakhstan_is_emphasised_and_colours_come_from_the_palette(eaeu):
    """Kazakhstan must stand out (thicker line) and each member keep its palette colour on every chart."""
    fig = fig_eaeu.net_figure(eaeu, countries=EAEU, years=ALL_YEARS, measure="absolute", source=SOURCE)
    widths = {t.meta["iso3"]: t.line.width for t in fig.data}
    assert widths["KAZ"] > max(w for c, w in widths.items() if c != "KAZ")
    for t in fig.data:
        assert t.line.color == COUNTRY_COLOURS[t.meta["iso3"]]
        assert t.connectgaps is False


def test_net_only_selected_countries_and_years(eaeu):
    fig = fig_eaeu.net_figure(eaeu, countries=("KAZ", "RUS"), years=(2010, 2020), measure="absolute", source=SOURCE)
    assert sorted(t.meta["iso3"] for t in fig.data) == ["KAZ", "RUS"]
    assert all(min(t.x) == 2010 and max(t.x) == 2020 for t in fig.data)


def test_a_missing_year_is_a_gap_not_a_line_across(eaeu):
    """If the World Bank lacks a year, the line must break there rather than join its neighbours."""
    holed = eaeu[~((eaeu["iso3"] == "KAZ") & (eaeu["year"] == 2005))]
    fig = fig_eaeu.net_figure(holed, countries=("KAZ",), years=ALL_YEARS, measure="absolute", source=SOURCE)
    kaz = trace(fig, "KAZ")
    assert 2005 in kaz.x and value_at(kaz, 2005) is None
    assert kaz.connectgaps is False


def test_net_figure_carries_its_source_line(eaeu):
    fig = fig_eaeu.net_figure(eaeu, countries=EAEU, years=ALL_YEARS, measure="absolute", source=SOURCE)
    assert fig.layout.meta["source"] == SOURCE
    # Printed once, under the chart (the page's caption; the PNG export adds it): never inside the figure too.
    assert not [a for a in fig.layout.annotations if a.name == "source" or "Source:" in (a.text or "")]


def test_no_country_selected_says_so_instead_of_an_empty_axis(eaeu):
    fig = fig_eaeu.net_figure(eaeu, countries=(), years=ALL_YEARS, measure="absolute", source=SOURCE)
    assert len(fig.data) == 0
    assert any("Pick at least one country" in (a.text or "") for a in fig.layout.annotations)


# --- emigrant stock share ------------------------------------------------------------------------

@pytest.mark.parametrize("revision", [2020, 2024])
def test_stock_share_draws_one_revision_only(eaeu, revision):
    """2020 and 2024 revisions are never mixed: every trace and the subtitle name the one revision shown."""
    fig = fig_eaeu.stock_share_figure(eaeu, countries=EAEU, years=ALL_YEARS, revision=revision, source=SOURCE)
    assert {t.meta["revision"] for t in fig.data} == {revision}
    assert str(revision) in fig.layout.title.subtitle.text
    expected = eaeu[eaeu["measure"] == fig_eaeu.stock_share_measure(revision)]
    for t in fig.data:
        rows = expected[expected["iso3"] == t.meta["iso3"]]
        shown = {x: y for x, y in zip(t.x, t.y) if y is not None}
        assert shown == {int(y): pytest.approx(float(v)) for y, v in zip(rows["year"], rows["value"])}


def test_revision_2020_has_no_2024_point(eaeu):
    fig = fig_eaeu.stock_share_figure(eaeu, countries=EAEU, years=ALL_YEARS, revision=2020, source=SOURCE)
    assert all(2024 not in t.x for t in fig.data)
    assert value_at(trace(fig, "KAZ"), 2020) == pytest.approx(21.58)


def test_revision_2024_gaps_for_russia_are_gaps_even_when_russia_is_alone(eaeu):
    """The 2024 revision has Russia only for 1990, 2000, 2024: 1995 and 2005-2020 must be None (no line
    from 2000 to 2024), also when Russia is the only member shown."""
    fig = fig_eaeu.stock_share_figure(eaeu, countries=("RUS",), years=ALL_YEARS, revision=2024, source=SOURCE)
    rus = trace(fig, "RUS")
    assert [x for x, y in zip(rus.x, rus.y) if y is not None] == [1990, 2000, 2024]
    assert all(value_at(rus, y) is None for y in (1995, 2005, 2010, 2015, 2020))
    assert rus.connectgaps is False and "markers" in rus.mode  # isolated points stay visible


def test_revision_2024_kazakhstan_has_its_full_series(eaeu):
    fig = fig_eaeu.stock_share_figure(eaeu, countries=("KAZ",), years=ALL_YEARS, revision=2024, source=SOURCE)
    kaz = trace(fig, "KAZ")
    assert value_at(kaz, 2024) == pytest.approx(13.58)
    assert all(v is not None for v in kaz.y)


# --- Kazakhstan's rank ---------------------------------------------------------------------------

def frame(rows):
    return pd.DataFrame([{"iso3": c, "year": y, "measure": "net_migration_per_1000", "value": v}
                         for c, y, v in rows])


def test_rank_1_is_the_largest_net_outflow():
    df = frame([("KAZ", 2000, -5.0), ("RUS", 2000, 2.0), ("ARM", 2000, -1.0), ("BLR", 2000, 0.5),
                ("KGZ", 2000, -3.0)])
    ranks = fig_eaeu.kaz_rank(df)
    assert ranks.to_dict("records") == [{"year": 2000, "rank": 1, "of": 5, "value": -5.0}]


def test_rank_ties_share_the_better_rank():
    """KAZ tied with KGZ for the largest outflow: both are 1 (the next would be 3)."""
    df = frame([("KAZ", 2001, -2.0), ("KGZ", 2001, -2.0), ("ARM", 2001, -1.0), ("RUS", 2001, 1.0),
                ("BLR", 2001, 0.0), ("KAZ", 2002, 1.0), ("ARM", 2002, -1.0), ("KGZ", 2002, -1.0),
                ("RUS", 2002, 3.0), ("BLR", 2002, 2.0)])
    ranks = fig_eaeu.kaz_rank(df).set_index("year")
    assert ranks.at[2001, "rank"] == 1
    assert ranks.at[2002, "rank"] == 3  # ARM and KGZ share 1, KAZ next is 3 of 5


def test_rank_among_members_present_and_no_row_without_kazakhstan():
    """A member without a value that year is not counted ("of" says how many); a year without
    Kazakhstan has no rank at all (never an invented one)."""
    df = frame([("KAZ", 2003, 1.0), ("RUS", 2003, 2.0), ("ARM", 2003, None),
                ("RUS", 2004, -1.0), ("BLR", 2004, 1.0)])
    ranks = fig_eaeu.kaz_rank(df)
    assert ranks.to_dict("records") == [{"year": 2003, "rank": 1, "of": 2, "value": 1.0}]


def test_rank_ignores_other_measures():
    df = pd.concat([frame([("KAZ", 2005, -1.0), ("RUS", 2005, 1.0)]),
                    pd.DataFrame([{"iso3": "RUS", "year": 2005, "measure": "net_migration", "value": -9e6}])])
    assert fig_eaeu.kaz_rank(df)["rank"].tolist() == [1]


def test_rank_on_real_data(eaeu):
    """2024: KAZ -0.36 per 1,000; ARM and KGZ lose more people per 1,000, so Kazakhstan is 3rd of 5."""
    ranks = fig_eaeu.kaz_rank(eaeu).set_index("year")
    assert list(ranks.index) == list(range(1990, 2025))
    assert (ranks["of"] == 5).all()
    assert ranks.at[2024, "value"] == pytest.approx(-0.36)
    per1000 = eaeu[(eaeu["measure"] == "net_migration_per_1000") & (eaeu["year"] == 2024)]
    expected = 1 + int((per1000["value"].astype(float) < -0.36).sum())
    assert ranks.at[2024, "rank"] == expected == 3


def test_rank_figure_puts_rank_1_on_top_and_keeps_values_in_hover(eaeu):
    ranks = fig_eaeu.kaz_rank(eaeu)
    fig = fig_eaeu.rank_figure(ranks, years=(2020, 2024), source=SOURCE)
    (tr,) = fig.data
    assert list(tr.x) == [2020, 2021, 2022, 2023, 2024]
    assert list(tr.y) == ranks.set_index("year").loc[2020:2024, "rank"].tolist()
    assert fig.layout.yaxis.range[0] > fig.layout.yaxis.range[1]  # reversed: 1 at the top
    assert tr.customdata[-1][1] == pytest.approx(-0.36)


# --- EEC -----------------------------------------------------------------------------------------

def test_partial_periods_are_labelled_partial(eec):
    """A quarter, half-year or nine months must never look like a whole year on the axis or in the hover."""
    fig = fig_eaeu.eec_figure(eec, countries=EAEU, years=ALL_YEARS, source="Source: EEC.")
    assert list(fig.layout.xaxis.ticktext) == ["2019<br>Q1<br>(partial)", "2020<br>Q1–Q3<br>(partial)", "2020",
                                               "2021<br>H1<br>(partial)", "2024"]
    assert list(fig.layout.xaxis.tickvals) == [0, 1, 2, 3, 4]
    hover_labels = {c[0] for t in fig.data for c in t.customdata}
    assert "January–March 2019 (first quarter)" in hover_labels
    assert "January–September 2020 (nine months)" in hover_labels
    assert "first half of 2021" in hover_labels
    assert "2020" in hover_labels and "2024" in hover_labels


def test_eec_values_as_published_one_bar_per_member_and_period(eec):
    fig = fig_eaeu.eec_figure(eec, countries=EAEU, years=ALL_YEARS, source="Source: EEC.")
    kaz_net = [t for t in fig.data if (t.meta["iso3"], t.meta["measure"]) == ("KAZ", "net")][0]
    assert by_period(kaz_net) == {"2019-Q1": -5200, "2020-Q1-Q3": -11846, "2021-H1": -9597}
    # Nothing summed: the number of bars equals the number of published rows.
    assert sum(len(t.y) for t in fig.data) == len(eec)
    # Bars are placed by bar_slots, not by plotly's grouping (which keeps a place for every member).
    assert fig.layout.barmode == "overlay"


def test_eec_members_without_a_figure_get_no_bar(eec):
    fig = fig_eaeu.eec_figure(eec, countries=EAEU, years=ALL_YEARS, source="Source: EEC.")
    blr = [t for t in fig.data if t.meta["iso3"] == "BLR"]
    assert [t.meta["measure"] for t in blr] == ["net"]  # Belarus: only 2019-Q1 net is published
    assert blr[0].meta["periods"] == ["2019-Q1"] and len(blr[0].x) == 1
    assert abs(blr[0].x[0] - ticks(fig)["2019<br>Q1<br>(partial)"]) < 0.5, "inside its period's slot"


def test_eec_filters_countries_and_years(eec):
    fig = fig_eaeu.eec_figure(eec, countries=("KAZ",), years=(2020, 2020), source="Source: EEC.")
    assert {t.meta["iso3"] for t in fig.data} == {"KAZ"}
    assert {p for t in fig.data for p in t.meta["periods"]} == {"2020-Q1-Q3"}
    assert list(fig.layout.xaxis.ticktext) == ["2020<br>Q1–Q3<br>(partial)"]
    # Kazakhstan alone in its period: its bar is centred on the tick.
    assert all(list(t.x) == [pytest.approx(0)] for t in fig.data)


def test_eec_empty_selection_is_an_empty_chart_with_a_message(eec):
    fig = fig_eaeu.eec_figure(eec, countries=("BLR",), years=(2024, 2024), source="Source: EEC.")
    assert len(fig.data) == 0
    assert any("No data" in (a.text or "") for a in fig.layout.annotations)
    assert fig.layout.height < 300, "a short box saying why, not 800 px of blank"


def test_each_bar_sits_on_its_period(eec):
    """Armenia's 2020 and 2024 bars (the only member with a figure there) sat left of their ticks and its
    81k arrivals read as 2021 H1: every bar must lie within its own period's slot, and a lone bar centred."""
    fig = fig_eaeu.eec_figure(eec, countries=EAEU, years=ALL_YEARS, source="Source: EEC.")
    place = dict(zip(["2019-Q1", "2020-Q1-Q3", "2020", "2021-H1", "2024"], fig.layout.xaxis.tickvals))
    for t in fig.data:
        for period, x, width in zip(t.meta["periods"], t.x, t.width):
            assert place[period] - 0.5 < x - width / 2 and x + width / 2 < place[period] + 0.5, (t.meta, period)
    arm = {t.meta["measure"]: t for t in fig.data if t.meta["iso3"] == "ARM"}
    for measure, tr in arm.items():
        at = dict(zip(tr.meta["periods"], tr.x))
        assert at["2020"] == pytest.approx(place["2020"]) and at["2024"] == pytest.approx(place["2024"]), measure
    assert by_period(arm["arrivals"])["2024"] == 80996


def test_bars_of_one_period_do_not_overlap(eec):
    """Members sharing a period share its slot side by side (barmode overlay would stack them otherwise)."""
    fig = fig_eaeu.eec_figure(eec, countries=EAEU, years=ALL_YEARS, source="Source: EEC.")
    for measure in ("departures", "arrivals", "net"):
        spans = sorted((x - w / 2, x + w / 2) for t in fig.data if t.meta["measure"] == measure
                       for x, w in zip(t.x, t.width))
        assert all(a[1] <= b[0] + 1e-9 for a, b in zip(spans, spans[1:])), (measure, spans)


def test_bar_slots_centre_the_members_present():
    order = ("ARM", "BLR", "KGZ", "RUS", "KAZ")
    assert fig_eaeu.bar_slots(["ARM"], order) == {"ARM": (pytest.approx(0), pytest.approx(0.8 * 0.92))}
    slots = fig_eaeu.bar_slots(["KAZ", "RUS"], order)
    assert list(slots) == ["RUS", "KAZ"], "the page's member order, Kazakhstan last"
    assert slots["RUS"][0] == pytest.approx(-0.2) and slots["KAZ"][0] == pytest.approx(0.2)
    assert fig_eaeu.bar_slots([], order) == {}


@pytest.mark.parametrize("build", ["net", "stock", "rank", "eec"])
def test_empty_charts_are_short(eaeu, eec, build):
    """Nothing ticked: each chart is a short box saying so (the EEC chart kept about 900 px of blank)."""
    figs = {"net": lambda: fig_eaeu.net_figure(eaeu, countries=(), years=ALL_YEARS, measure="absolute", source=SOURCE),
            "stock": lambda: fig_eaeu.stock_share_figure(eaeu, countries=(), years=ALL_YEARS, revision=2020,
                                                         source=SOURCE),
            "rank": lambda: fig_eaeu.rank_figure(fig_eaeu.kaz_rank(eaeu), years=(1980, 1985), source=SOURCE),
            "eec": lambda: fig_eaeu.eec_figure(eec, countries=(), years=ALL_YEARS, source=SOURCE)}
    fig = figs[build]()
    assert len(fig.data) == 0
    assert fig.layout.height < 300
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    texts = [a.text for a in fig.layout.annotations]
    assert texts and all(texts)


def test_russian_departures_note_reaches_the_hover(eec):
    fig = fig_eaeu.eec_figure(eec, countries=("RUS",), years=ALL_YEARS, source="Source: EEC.")
    notes = [c[1] for t in fig.data for c in t.customdata]
    assert any("not comparable" in n for n in notes)


def test_figures_do_not_change_the_frame(eaeu):
    before = eaeu.copy()
    fig_eaeu.net_figure(eaeu, countries=EAEU, years=ALL_YEARS, measure="per1000", source=SOURCE)
    fig_eaeu.stock_share_figure(eaeu, countries=EAEU, years=ALL_YEARS, revision=2024, source=SOURCE)
    fig_eaeu.kaz_rank(eaeu)
    pd.testing.assert_frame_equal(eaeu, before)
