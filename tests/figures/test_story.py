"""The story page's small charts: each shows the figures its verdict rests on, the claim drawn as a labelled
band or highlight, gaps kept as gaps, sources never mixed in one trace, and a source line derived from
provenance."""

from __future__ import annotations

import gettext

import pandas as pd
import plotly.graph_objects as go
import pytest

from dashboard import claims, datasets, i18n, provenance, snapshots
from dashboard.figures import story

SOURCE = "Source: BNS releases. Data as of 2026-03-13."


def chart(snap, claim_id: str, lang: str = "en") -> go.Figure:
    return claims.figure(claims.find(snap, claim_id), snap, lang)


@pytest.fixture
def verdicts(snap):
    return claims.evaluate_all(snap, "en")


def traces(fig, **meta):
    return [t for t in fig.data if all((t.meta or {}).get(k) == v for k, v in meta.items())]


def one(fig, **meta):
    found = traces(fig, **meta)
    assert len(found) == 1, f"expected one trace with {meta}, got {len(found)}"
    return found[0]


def points(trace):
    return dict(zip(trace.x, trace.y))


def band_shape(fig):
    return [s for s in fig.layout.shapes if s.name == "claim-band"][0]


def band_label(fig):
    return [a for a in fig.layout.annotations if a.name == "claim-band"][0].text


# --- the range claim: 30-50 thousand a year ---------------------------------------------------------------

@pytest.fixture
def leave(snap):
    return chart(snap, "leave-30-50k")


def test_range_chart_shades_the_claimed_band_and_labels_it_with_the_claim(leave):
    shape = band_shape(leave)
    assert (shape.y0, shape.y1) == (30000, 50000)
    assert "Claim" in band_label(leave) and "30,000–50,000" in band_label(leave)


def test_range_chart_marks_2019_inside_and_2020_outside_with_the_published_values(leave):
    """A reader must see that 2019 (45,225) fits the claim and 2020 (29,088) does not."""
    inside, outside = points(one(leave, outcome="inside")), points(one(leave, outcome="outside"))
    assert inside[2019] == 45225
    assert outside[2020] == 29088
    assert 2020 not in inside and 2019 not in outside


def test_range_chart_outcomes_are_told_by_symbol_not_colour_alone(leave):
    symbols = {t.meta["outcome"]: set(s.replace("-open", "") for s in t.marker.symbol) for t in traces(leave)
               if t.meta and "outcome" in t.meta}
    assert symbols["inside"] != symbols["outside"] != symbols.get("borderline", {"?"})


def test_range_chart_draws_preliminary_and_rounded_figures_hollow_and_says_so(leave):
    outside = one(leave, outcome="outside")
    by_year = dict(zip(outside.x, outside.marker.symbol))
    assert by_year[2022].endswith("-open")  # preliminary
    assert by_year[2004].endswith("-open")  # rounded
    assert not by_year[2020].endswith("-open")  # final
    assert "preliminary or rounded" in leave.layout.title.subtitle.text


def test_range_chart_leaves_the_years_without_a_figure_as_a_gap(leave):
    line = one(leave, role="line")
    values = points(line)
    assert all(values[y] is None for y in range(2005, 2013)), "2005-2012 have no official figure"
    assert line.connectgaps is False


def test_range_chart_values_equal_the_dataset(leave, snap):
    data = datasets.get("kz-migration", snap)
    data = data[data["measure"] == "emigrants"].set_index("year")["value"]
    drawn = {**points(one(leave, outcome="inside")), **points(one(leave, outcome="outside"))}
    for year, value in drawn.items():
        assert value == data[year]


def test_range_chart_source_line_is_derived_from_provenance(leave, snap):
    expected = provenance.source_line(datasets.provenance("kz-migration", snap))
    assert leave.layout.meta["source"] == expected
    # Printed once, under the chart (the page's caption, the embed's source line), never also inside it.
    assert not any(expected in (a.text or "") for a in leave.layout.annotations)


def test_range_figure_without_any_value_says_so_instead_of_drawing_zeros():
    rows = pd.DataFrame({"year": [2019, 2020], "value": [None, None], "status": ["final", "final"],
                         "outcome": ["no data", "no data"]})
    fig = story.range_figure(rows, low=1, high=2, label="Claim", title="t", source=SOURCE)
    assert any(a.name == "no-data" for a in fig.layout.annotations)
    assert len(fig.data) == 0


# --- the EAEU rank claim -------------------------------------------------------------------------------

@pytest.fixture
def rank(snap):
    return chart(snap, "eaeu-top-emigration")


def test_rank_chart_puts_first_on_top_and_shades_the_claimed_rank(rank):
    lo, hi = rank.layout.yaxis.range
    assert lo > hi, "rank 1 must be at the top"
    assert list(rank.layout.yaxis.ticktext) == ["1st place", "2nd place", "3rd place", "4th place", "5th place"]
    shape = band_shape(rank)
    assert (shape.y0, shape.y1) == (0.5, 1.5)
    assert "1st" in band_label(rank)


def test_rank_chart_never_mixes_the_model_estimate_with_the_partial_eec_periods(rank, verdicts):
    rows = [r for r in verdicts["eaeu-top-emigration"].details if r.rank is not None]
    series = list(dict.fromkeys(r.series for r in rows))
    assert len([t for t in rank.data if (t.meta or {}).get("series")]) == len(series) == 2
    model, eec = (one(rank, series=s) for s in series)
    assert all("-" not in p for p in model.meta["periods"])
    assert all("-" in p for p in eec.meta["periods"]), "the EEC periods drawn are partial years"
    assert list(eec.text) == ["Q1", "Q1–Q3", "H1"], "partial periods are labelled as such"


def test_rank_chart_ranks_equal_the_verdict(rank, verdicts):
    rows = [r for r in verdicts["eaeu-top-emigration"].details if r.rank is not None]
    model = one(rank, series=rows[0].series)
    drawn = points(model)
    for row in rows:
        if row.series == rows[0].series:
            assert drawn[row.year] == row.rank
    assert drawn[1995] == 1 and drawn[2019] == 3


def test_rank_chart_hover_names_partial_periods_in_words(rank):
    eec = [t for t in rank.data if (t.meta or {}).get("periods") and "-" in t.meta["periods"][0]][0]
    assert "January–September 2020 (nine months): 1st of 4 (−0.61 per 1,000)" in eec.hovertext
    assert any(h.startswith("first half of 2021: ") for h in eec.hovertext)


# --- Mongolia to the USA -----------------------------------------------------------------------------

@pytest.fixture
def presence(snap):
    return chart(snap, "mongolia-to-usa")


def test_presence_chart_shows_the_claimed_countries_with_their_stock(presence):
    claimed = one(presence, highlight=True)
    values = dict(zip(claimed.meta["destinations"], claimed.x))
    assert values == {"USA": 36353, "MNG": 225}


def test_presence_chart_highlights_by_hatching_and_bold_not_colour_alone(presence):
    claimed, others = one(presence, highlight=True), one(presence, highlight=False)
    assert claimed.marker.pattern.shape == "/" and not others.marker.pattern.shape
    assert claimed.marker.color != others.marker.color
    assert all(label.startswith("<b>") for label in claimed.y)
    assert "Mongolia" in claimed.y[-1] and "47." in claimed.y[-1]


def test_presence_chart_uses_a_log_scale_so_225_people_show_beside_millions(presence):
    assert presence.layout.xaxis.type == "log"
    assert "log scale" in presence.layout.title.subtitle.text
    ticks = dict(zip(presence.layout.xaxis.tickvals, presence.layout.xaxis.ticktext))
    assert (ticks[100], ticks[1000], ticks[100000]) == ("100", "1k", "100k"), "compact ticks, not 100000"


def test_presence_chart_shows_the_largest_destinations_for_scale(presence):
    others = one(presence, highlight=False)
    assert others.meta["destinations"][:2] == ["RUS", "DEU"]
    assert others.x[0] == 2558907


def test_presence_chart_cites_the_one_revision_it_draws(presence, snap):
    assert presence.layout.meta["source"] == provenance.source_line(datasets.provenance("migrant-stock", snap),
                                                                    revision="2020")
    assert "revision 2020" in presence.layout.meta["source"]


# --- Ukraine ------------------------------------------------------------------------------------------

@pytest.fixture
def ukraine(snap):
    return chart(snap, "ukraine-key-destination")


def test_ukraine_chart_highlights_ukraine_alone_with_its_rank_and_value(ukraine):
    claimed = one(ukraine, highlight=True)
    assert claimed.meta["destinations"] == ["UKR"]
    assert list(claimed.x) == [225962]
    assert claimed.y[0] == "<b>3. Ukraine</b>"
    assert "UKR" not in one(ukraine, highlight=False).meta["destinations"]


def test_ukraine_chart_marks_the_claimed_first_place_above_ukraine(ukraine):
    """"The key place of attraction" is 1st: the line sits under Russia, two places above Ukraine's bar."""
    line = [s for s in ukraine.layout.shapes if s.name == "top-line"]
    assert len(line) == 1 and line[0].y0 == 0.5
    assert any(a.name == "top-line" and a.text == "claim: 1st" for a in ukraine.layout.annotations)
    others = one(ukraine, highlight=False)
    assert others.meta["destinations"][:2] == ["RUS", "DEU"] and others.y[0] == "1. Russia"


def test_stock_bar_labels_its_line_as_told_or_as_a_top_n():
    rows = pd.DataFrame({"destination": ["RUS", "DEU", "UKR", "UZB"], "value": [40, 30, 20, 10]})
    default = story.stock_bar(rows, highlight=("UKR",), top=4, top_line=3, title="t", source=SOURCE)
    told = story.stock_bar(rows, highlight=("UKR",), top=4, top_line=1, top_label="claim: 1st", title="t",
                           source=SOURCE)
    assert [a.text for a in default.layout.annotations if a.name == "top-line"] == ["top 3"]
    assert [a.text for a in told.layout.annotations if a.name == "top-line"] == ["claim: 1st"]


def test_ukraine_chart_cites_only_the_stock_it_draws(ukraine, snap):
    """The verdict also reads BNS flows; the chart draws only UN DESA, so only UN DESA is its source."""
    assert ukraine.layout.meta["source"] == provenance.source_line(datasets.provenance("migrant-stock", snap),
                                                                   revision="2020")


def test_stock_bar_refuses_rows_of_two_revisions(snap):
    stock = datasets.get("migrant-stock", snap)
    with pytest.raises(ValueError, match="revision"):
        story.stock_bar(stock[stock["year"] == 2020], highlight=("UKR",), top=3, title="t", source=SOURCE)


# --- 30 years of independence ------------------------------------------------------------------------------

@pytest.fixture
def coverage(snap):
    return chart(snap, "thirty-years")


def test_coverage_strip_shows_which_years_have_an_official_figure(coverage):
    official = [t for t in coverage.data if t.meta["covered"] and t.meta["row"] == "Official count (BNS)"][0]
    assert list(official.x) == [2004, *range(2013, 2021)]
    gaps = [t for t in coverage.data if not t.meta["covered"] and t.meta["row"] == "Official count (BNS)"][0]
    assert list(gaps.x) == [*range(1991, 2004), *range(2005, 2013)]
    assert list(coverage.layout.xaxis.range) == [1990.4, 2020.6]


def test_coverage_strip_keeps_the_model_estimate_on_its_own_row(coverage):
    model = [t for t in coverage.data if t.meta["row"] == "Model estimate (World Bank/UN)"]
    assert len(model) == 1 and list(model[0].x) == list(range(1991, 2021))
    assert model[0].marker.pattern.shape, "the model estimate differs by pattern, not colour alone"
    labels = [a.text for a in coverage.layout.annotations if a.name == "row-label"]
    assert labels == ["Official count (BNS): 9 of 30 years", "Model estimate (World Bank/UN): 30 of 30 years"]


def test_coverage_strip_without_an_alternative_has_one_row():
    official = pd.DataFrame({"year": [2000, 2002], "value": [1, None]})
    fig = story.coverage_strip(official, first=2000, last=2003, official_label="BNS", title="t", source=SOURCE)
    covered = [t for t in fig.data if t.meta["covered"]][0]
    gaps = [t for t in fig.data if not t.meta["covered"]][0]
    assert list(covered.x) == [2000] and list(gaps.x) == [2001, 2002, 2003]


# --- the reader's language ------------------------------------------------------------------------------------

class _Russian(gettext.NullTranslations):
    """A stand-in catalogue: the source line's message in Russian (the real catalogues are built separately)."""

    def gettext(self, message: str) -> str:
        russian = {"Source: {sources}. Data as of {date}.": "Источник: {sources}. Данные на {date}."}
        return russian.get(message, message)


def test_charts_follow_the_readers_language_in_their_source_line_and_figures(store, monkeypatch):
    real = i18n.translations
    monkeypatch.setattr(i18n, "translations", lambda lang: _Russian() if lang == "ru" else real(lang))
    snap = snapshots.load(store.folder / store.current_id())  # fresh caches: nothing built in English reused
    fig = chart(snap, "ukraine-key-destination", "ru")
    assert fig.layout.meta["source"] == provenance.source_line(datasets.provenance("migrant-stock", snap), "ru",
                                                               revision="2020")
    assert fig.layout.meta["source"].startswith("Источник")
    claimed = one(fig, highlight=True)
    assert list(claimed.text) == ["225\xa0962"], "Russian groups thousands with a space"


def test_partial_periods_are_tagged_by_the_shared_period_wording():
    rows = pd.DataFrame({"series": ["S"] * 3, "period": ["2019-Q1", "2020-Q1-Q3", "2021-H1"],
                         "year": [2019, 2020, 2021], "rank": [2, 1, 1], "of": [5, 4, 4],
                         "value": [-0.27, -0.61, -0.49]})
    fig = story.rank_figure(rows, target="KAZ", label="Claim", title="t", source=SOURCE)
    (trace,) = fig.data
    assert list(trace.text) == ["Q1", "Q1–Q3", "H1"]
    assert list(trace.x) == [2019.125, 2020.375, 2021.25], "a partial period sits at its middle month"
    assert trace.hovertext[0].startswith("January–March 2019 (first quarter): 2nd of 5")


# --- which claims have a chart -----------------------------------------------------------------------------

def test_every_claim_with_a_figure_rule_has_a_chart_and_events_have_none(snap):
    charted = claims.claim_ids(snap)
    assert charted == ("leave-30-50k", "eaeu-top-emigration", "mongolia-to-usa", "ukraine-key-destination",
                       "thirty-years")
    kinds = {cid: chart(snap, cid).layout.meta["kind"] for cid in charted}
    assert kinds == {"leave-30-50k": "range", "eaeu-top-emigration": "rank", "mongolia-to-usa": "stock",
                     "ukraine-key-destination": "stock", "thirty-years": "coverage"}
    assert chart(snap, "extradition-2019") is None and chart(snap, "departure-2014") is None
