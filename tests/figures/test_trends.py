"""The Trends figures: registered migration lines with status marks and events; BNS vs the UN model estimate."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from dashboard import datasets, provenance
from dashboard.events import EVENTS, Event
from dashboard.figures import trends
from dashboard.figures.common import STATUS_SYMBOLS

SOURCE = "Source: test. Data as of 2026-01."


@pytest.fixture(scope="module")
def frame(snap) -> pd.DataFrame:
    return datasets.get("kz-migration", snap)


@pytest.fixture(scope="module")
def model(snap) -> pd.DataFrame:
    eaeu = datasets.get("eaeu", snap)
    return eaeu[(eaeu["iso3"] == "KAZ") & (eaeu["measure"] == "net_migration")]


def lines(frame, **options):
    kwargs = {"measures": trends.MEASURES, "per_1000": False, "log": False, "years": None, "events": EVENTS,
              "source": SOURCE, "lang": "en"}
    return trends.migration_lines(frame, **{**kwargs, **options})


def trace(fig, measure):
    found = [t for t in fig.data if (t.meta or {}).get("measure") == measure]
    assert len(found) == 1, f"expected one trace for {measure}, got {len(found)}"
    return found[0]


def at(tr, year):
    return list(tr.x).index(year)


def value(tr, year):
    return tr.y[at(tr, year)]


def test_published_values_are_drawn_exactly(frame):
    """A reader comparing with BNS releases must see the published numbers, not rounded or smoothed ones."""
    fig = lines(frame)
    assert value(trace(fig, "emigrants"), 2019) == 45225
    assert value(trace(fig, "emigrants"), 2024) == 12732
    assert value(trace(fig, "net"), 2024) == 16550
    assert value(trace(fig, "net"), 2019) == -32970
    assert value(trace(fig, "immigrants"), 2024) == 29282


def test_years_without_emigrant_figures_are_gaps_so_the_line_breaks(frame):
    """No annual emigrant series 1991-2012 (except 2004): a connected line would invent a trend."""
    em = trace(lines(frame), "emigrants")
    assert list(em.x) == list(range(2000, 2026)), "every year of the axis is present"
    for year in range(2005, 2013):
        assert value(em, year) is None, year
    for year in (2000, 2001, 2002, 2003):
        assert value(em, year) is None
    assert value(em, 2004) == 65000
    assert all(t.connectgaps is False for t in lines(frame).data if t.meta and "measure" in t.meta)


def test_immigrant_gaps_are_gaps_too(frame):
    im = trace(lines(frame), "immigrants")
    for year in (2006, 2010, 2013, 2015, 2016, 2020):
        assert value(im, year) is None, year


def test_preliminary_and_rounded_values_have_their_own_hollow_markers(frame):
    """Status must not rest on colour alone: preliminary = open circle, rounded = open diamond, with hover text."""
    fig = lines(frame)
    em, net = trace(fig, "emigrants"), trace(fig, "net")
    assert em.marker.symbol[at(em, 2025)] == STATUS_SYMBOLS["preliminary"] == "circle-open"
    assert em.marker.symbol[at(em, 2018)] == STATUS_SYMBOLS["rounded"] == "diamond-open"
    assert value(em, 2018) == 41800
    assert em.marker.symbol[at(em, 2019)] == STATUS_SYMBOLS["final"]
    assert net.marker.symbol[at(net, 2025)] == "circle-open"
    assert net.marker.symbol[at(net, 2024)] == "circle"
    assert em.customdata[at(em, 2025)] == "preliminary"
    assert "preliminary" in em.hovertext[at(em, 2025)]
    assert "rounded" in em.hovertext[at(em, 2018)]
    assert "preliminary" not in em.hovertext[at(em, 2019)] and "rounded" not in em.hovertext[at(em, 2019)]
    # the hover names where the figure was published
    citation = frame[(frame["measure"] == "emigrants") & (frame["year"] == 2025)]["citation"].iloc[0]
    assert citation in em.hovertext[at(em, 2025)]


def key(fig):
    """The status key as the legend shows it: the names of the hollow-marker entries, in order."""
    return [t.name for t in fig.data if (t.meta or {}).get("group") == "status"]


def test_the_legend_explains_the_hollow_markers(frame):
    """Without the key a reader cannot tell a preliminary or rounded figure from a final one.  It is in the
    legend (laid out by plotly at any width), not a loose note that printed over "Net migration" at 375 px."""
    fig = lines(frame)
    assert key(fig) == ["preliminary", "rounded"]
    entries = {t.name: t for t in fig.data if (t.meta or {}).get("group") == "status"}
    assert entries["preliminary"].marker.symbol == STATUS_SYMBOLS["preliminary"] == "circle-open"
    assert entries["rounded"].marker.symbol == STATUS_SYMBOLS["rounded"] == "diamond-open"
    assert all(t.showlegend is True and list(t.y) == [None] for t in entries.values()), "shown, carrying no data"
    assert not [a for a in fig.layout.annotations if a.name == "status-key"], "no loose note any more"


def test_legend_entries_show_the_plain_marker_even_when_the_first_point_is_hollow(frame):
    """plotly draws the legend symbol from a trace's first marker; 2019 immigrants are rounded (a diamond)."""
    fig = lines(frame, years=(2019, 2023))
    im = trace(fig, "immigrants")
    assert im.marker.symbol[0] == "diamond-open" and im.showlegend is False
    entries = [t for t in fig.data if (t.meta or {}).get("role") == "legend" and (t.meta or {}).get("group") != "status"]
    assert [e.name for e in entries] == ["Emigrants", "Immigrants", "Net migration"]
    assert all(e.marker.symbol == "circle" and list(e.y) == [None] for e in entries), "entries carry no data"
    assert {e.legendgroup for e in entries} == {t.legendgroup for t in fig.data if (t.meta or {}).get("measure")}


def test_status_key_names_only_the_statuses_shown(frame):
    assert key(lines(frame, measures=("net",), years=(2000, 2024))) == []
    assert key(lines(frame, measures=("net",))) == ["preliminary"]


def test_per_1000_uses_the_per_1000_column_and_leaves_missing_population_as_a_gap(frame):
    fig = lines(frame, per_1000=True)
    em, net = trace(fig, "emigrants"), trace(fig, "net")
    assert value(em, 2019) == pytest.approx(2.35)
    assert value(net, 2019) == pytest.approx(-1.72)
    assert value(em, 2025) is None, "2025 has no population figure: a gap, never a guess"
    notices = fig.layout.meta["notices"]
    assert any("2025" in n and "gap" in n for n in notices)
    assert "45,225" in em.hovertext[at(em, 2019)] and "per 1,000" in em.hovertext[at(em, 2019)]
    assert fig.layout.yaxis.title.text == "per 1,000 residents"


def test_counts_view_has_no_per_1000_notice(frame):
    assert not lines(frame).layout.meta["notices"]


def test_log_scale_hides_net_migration_with_a_visible_notice(frame):
    """Net migration can be negative: on a log axis it would silently lose points, so it is hidden and said so."""
    fig = lines(frame, log=True)
    assert fig.layout.yaxis.type == "log"
    assert not [t for t in fig.data if (t.meta or {}).get("measure") == "net"]
    assert trace(fig, "emigrants") and trace(fig, "immigrants")
    assert any("log scale" in n and "Net migration" in n for n in fig.layout.meta["notices"])


def test_log_scale_without_net_has_no_notice(frame):
    fig = lines(frame, log=True, measures=("emigrants",))
    assert not fig.layout.meta["notices"]


def test_no_measure_chosen_asks_for_one(frame):
    fig = lines(frame, measures=())
    assert not [t for t in fig.data if (t.meta or {}).get("measure")]
    assert any("at least one measure" in n for n in fig.layout.meta["notices"])


def test_year_range_limits_the_axis_and_keeps_gaps(frame):
    fig = lines(frame, years=(2010, 2020))
    em = trace(fig, "emigrants")
    assert list(em.x) == list(range(2010, 2021))
    assert value(em, 2012) is None and value(em, 2013) == 24384
    assert fig.layout.xaxis.range[0] < 2010 and fig.layout.xaxis.range[1] > 2019.83


def shapes(fig):
    return [s for s in fig.layout.shapes if (s.name or "").startswith("event")]


def test_events_sit_at_their_month_on_a_yearly_axis(frame):
    """November 2019 is 2019 + 10/12, not 2019 or 2020."""
    fig = lines(frame)
    xs = {s.name.removeprefix("event "): s.x0 for s in shapes(fig)}
    assert xs["2019-11"] == pytest.approx(2019 + 10 / 12) and xs["2019-11"] == pytest.approx(2019.83, abs=0.01)
    assert xs["2022-01"] == pytest.approx(2022.0)
    assert xs["2022-09"] == pytest.approx(2022 + 8 / 12)
    assert xs["2014"] == 2014
    labels = [a for a in fig.layout.annotations if (a.name or "").startswith("event")]
    assert len(labels) == len(shapes(fig)) == 4
    assert all(a.hovertext and "Source:" in a.hovertext for a in labels)


def event_labels(fig):
    return sorted((a for a in fig.layout.annotations if (a.name or "").startswith("event")), key=lambda a: a.x)


def test_close_events_are_staggered_so_labels_do_not_overprint(frame):
    """Neighbouring event numbers alternate between two rows (2022-01 and 2022-09 are eight months apart)."""
    labels = event_labels(lines(frame))
    assert len(labels) == 4
    for left, right in zip(labels, labels[1:]):
        assert left.y != right.y, (left.name, right.name)


def test_events_are_numbered_at_the_top_with_their_key_in_meta(frame):
    """A sentence per event piled up at 375 px; a number does not, and the key lists them under the chart
    (item N is number N, in date order)."""
    fig = lines(frame)
    labels = event_labels(fig)
    assert [a.text for a in labels] == ["<b>1</b>", "<b>2</b>", "<b>3</b>", "<b>4</b>"]
    assert all(a.yref == "paper" and a.y >= 0.9 and a.yanchor == "top" and a.xanchor == "center" for a in labels)
    assert fig.layout.meta["events"] == ["Couple leaves for Kyiv (2014)", "KZ-UA extradition deal (Nov 2019)",
                                         "January unrest (Jan 2022)", "Arrivals from Russia (Sept 2022)"]
    # The hover of number N names event N (its date, label, note and source).
    for number, (label, entry) in enumerate(zip(labels, fig.layout.meta["events"]), start=1):
        assert label.hovertext.startswith(f"{number}. ")
        assert entry.split(" (")[0] in label.hovertext.replace("<br>", " ")
    assert trends.event_key(EVENTS, 2015, 2020) == ["KZ-UA extradition deal (Nov 2019)"]
    assert lines(frame, years=(2000, 2010)).layout.meta["events"] == []


def test_the_y_axis_leaves_only_a_little_headroom_for_the_numbers(frame):
    """The event numbers need one row above the data, not half the chart (the axis ran to 150k for 75k)."""
    fig = lines(frame)
    data_max = max(v for t in fig.data if (t.meta or {}).get("measure") for v in t.y if v is not None)
    top = fig.layout.yaxis.autorangeoptions.include[0]
    assert data_max < top <= 1.3 * data_max, (top, data_max)


def test_year_ticks_are_whole_years_at_any_width(frame):
    """"2 ... 2025" came from a fixed dtick on a narrowed chart: plotly picks how many whole years fit."""
    axis = lines(frame).layout.xaxis
    assert axis.tickformat == "d" and axis.nticks and axis.dtick is None
    short = lines(frame, years=(2019, 2024)).layout.xaxis
    assert short.dtick == 1 and short.tickformat == "d"


def test_markers_at_the_edge_are_not_clipped(frame, model):
    """The 2025 markers sit on the plot's right edge: clipped to half a marker unless cliponaxis is off."""
    for fig in (lines(frame), compare(frame, model)):
        data = [t for t in fig.data if (t.meta or {}).get("role") != "legend"]
        assert data and all(t.cliponaxis is False for t in data)
        assert fig.layout.xaxis.range[1] >= 2025.5


def test_events_outside_the_years_are_left_out(frame):
    fig = lines(frame, years=(2015, 2020))
    assert [s.name for s in shapes(fig)] == ["event 2019-11"]


def test_event_dates_must_be_year_or_year_month():
    with pytest.raises(ValueError):
        Event("2019-13", "x", "y", "z")
    with pytest.raises(ValueError):
        Event("Nov 2019", "x", "y", "z")
    assert Event("2019-11", "x", "y", "z").x == pytest.approx(2019 + 10 / 12)


def test_every_event_has_a_note_and_a_source():
    assert len(EVENTS) >= 4
    assert {e.date for e in EVENTS} >= {"2014", "2019-11", "2022-01", "2022-09"}
    assert all(e.label and e.note and e.source for e in EVENTS)


def test_source_line_travels_in_meta_and_is_not_printed_in_the_figure(frame, snap):
    """The page's caption and the embed's source line print it once, under the chart (twice was one too
    many); the PNG export adds it from meta, so it must be the derived line, whole."""
    src = provenance.source_line(datasets.provenance("kz-migration", snap))
    fig = lines(frame, source=src)
    assert fig.layout.meta["source"] == src
    assert not [a for a in fig.layout.annotations if a.name == "source"]
    assert not [a for a in fig.layout.annotations if "Source:" in (a.text or "")]


def test_two_rows_for_one_year_are_refused(frame):
    """Two releases for one year must be resolved upstream, never drawn as a zigzag."""
    dup = pd.concat([frame, frame[(frame["measure"] == "emigrants") & (frame["year"] == 2019)]], ignore_index=True)
    with pytest.raises(ValueError):
        lines(dup)


# --- BNS vs World Bank / UN model -------------------------------------------------------------


def compare(frame, model, years=None):
    return trends.net_compare(frame[frame["measure"] == "net"], model, years=years, source=SOURCE, lang="en")


def series(fig):
    """The traces that hold numbers (legend entries hold none)."""
    return [t for t in fig.data if (t.meta or {}).get("role") != "legend"]


def test_compare_chart_keys_its_hollow_markers_in_the_legend(frame, model):
    assert key(compare(frame, model)) == ["preliminary"]


def test_bns_and_world_bank_are_two_labelled_traces_never_one(frame, model):
    fig = compare(frame, model)
    assert len(series(fig)) == 2
    bns, wb = series(fig)
    assert bns.name == "BNS: registered moves" and wb.name == "World Bank / UN WPP: model estimate"
    assert bns.line.dash != wb.line.dash
    assert {t.name for t in fig.data if t.showlegend is not False and (t.meta or {}).get("group") != "status"} \
        == {bns.name, wb.name}
    assert bns.y[list(bns.x).index(2019)] == -32970
    assert wb.y[list(wb.x).index(2019)] == 2594
    # no trace carries both sources' numbers
    for tr in series(fig):
        text = " ".join(h for h in tr.hovertext if h)
        assert ("BNS" in text) != ("World Bank" in text)


def test_model_series_has_a_gap_where_the_world_bank_has_no_year(frame, model):
    bns, wb = series(compare(frame, model))
    assert wb.y[list(wb.x).index(2025)] is None
    assert bns.y[list(bns.x).index(2025)] == 16153
    assert bns.marker.symbol[list(bns.x).index(2025)] == "circle-open"
    assert wb.connectgaps is False and bns.connectgaps is False


def test_compare_note_quotes_numbers_taken_from_the_data(frame, model):
    note = compare(frame, model, years=(2010, 2020)).layout.meta["note"]
    assert "registered" in note and "deregistering" in note and "World Population Prospects" in note
    wb = int(model[model["year"] == 2019]["value"].iloc[0])
    bns = int(frame[(frame["measure"] == "net") & (frame["year"] == 2019)]["value"].iloc[0])
    assert f"In 2019: World Bank +{wb:,} vs BNS −{abs(bns):,}." in note


def test_compare_note_without_a_common_year_has_no_numbers(frame, model):
    note = trends.compare_note(frame[frame["measure"] == "net"], model[model["year"] < 2000], (2000, 2025))
    assert "In " not in note and not any(ch.isdigit() for ch in note)


def test_compare_refuses_a_frame_that_mixes_measures(frame, model):
    with pytest.raises(ValueError):
        trends.net_compare(frame, model, source=SOURCE)


def test_figures_are_pure_and_do_not_change_their_input(frame):
    before = frame.copy()
    lines(frame, per_1000=True, log=True)
    pd.testing.assert_frame_equal(frame, before)


def test_headroom_keeps_labels_above_the_data(frame):
    fig = lines(frame)
    top = fig.layout.yaxis.autorangeoptions.include[0]
    assert top > 65000
    fig = lines(frame, log=True, measures=("emigrants",))
    assert math.isfinite(fig.layout.yaxis.autorangeoptions.include[0])


def test_the_articles_claim_band_is_named_in_the_legend_not_on_the_plot(frame):
    """A label on the plot sat under the 2004 marker and the event labels; a legend entry never does."""
    fig = lines(frame, bands=[(30000, 50000, "Article's claim: 30,000–50,000 a year")])
    bands = [s for s in fig.layout.shapes if s.name == "Article's claim: 30,000–50,000 a year"]
    assert len(bands) == 1
    band = bands[0]
    assert (band.y0, band.y1, band.showlegend, band.layer) == (30000, 50000, True, "below")
    assert not [a for a in fig.layout.annotations if (a.name or "").startswith("claim-band")]
