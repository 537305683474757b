"""Alt text: what a screen-reader user hears instead of the chart, so it must say what a sighted reader sees
(the peak and the trough with their years, the latest figure, lone figures and gaps), never a misleading
first-to-last comparison, and never a figure's internal trace name."""

from __future__ import annotations

import html
import re
from urllib.parse import parse_qsl

import plotly.graph_objects as go
import pytest

from dashboard import alttext, formatting, urlstate
from dashboard.views import charts
from tests.conftest import ROOT

MINUS = formatting.MINUS


def figure(snap, url: str, lang: str = "en") -> go.Figure:
    """The figure an embed draws for ``chart?query`` (the registry's own figure function, as embeds use it)."""
    chart_id, _sep, query = url.partition("?")
    chart = charts.registry(snap)[chart_id]
    values, _notices = urlstate.parse(dict(parse_qsl(query, keep_blank_values=True)), chart.params, strict=True)
    return chart.figure(values, snap, lang)


def alt(snap, url: str, lang: str = "en") -> str:
    return alttext.alt_text(figure(snap, url, lang), lang)


def sentence_of(text: str, start: str) -> str:
    """The sentence of ``text`` that begins with ``start`` (a series' own sentence)."""
    match = re.search(re.escape(start) + r"[^.]*\.", text)
    assert match, f"no sentence starting {start!r} in: {text}"
    return match.group(0)


# --- the examples, on the fixture snapshot -----------------------------------------------------------

def test_the_default_trends_embed_names_the_2019_peak_not_an_isolated_rounded_figure(snap):
    """65,000 in 2004 is one rounded figure standing alone before a gap: it is named as such, and the line's
    peak (45,225 in 2019) and latest figure are the ones a reader follows."""
    text = alt(snap, "trends")
    emigrants = sentence_of(text, "Emigrants,")
    assert emigrants == "Emigrants, 2013–2025: highest 45,225 in 2019; lowest and latest 7,608 in 2025 (preliminary)."
    assert "A lone figure, apart from the line: 65,000 in 2004 (rounded)." in text
    assert "No figure for 2005–2012." in text
    assert "fell from 65,000" not in text


def test_net_migration_from_2010_names_the_2019_trough_with_a_real_minus_sign(snap):
    text = alt(snap, "trends?years=2010..2025")
    net = sentence_of(text, "Net migration,")
    assert f"lowest {MINUS}32,970 in 2019" in net
    assert "highest +16,550 in 2024" in net and "latest +16,153 in 2025 (preliminary)" in net
    assert "rose" not in text


def test_a_claim_embed_describes_its_one_series_by_the_chart_title_and_counts_its_markers(snap):
    """The range chart's markers are one series split by outcome: never "inside: fell from ..."."""
    fig = figure(snap, "claim/leave-30-50k")
    text = alttext.alt_text(fig)
    for internal in ("inside:", "outside:", "series:", "too close to call:"):
        assert internal not in text
    title = fig.layout.title.text
    assert text.startswith(f"Line chart: {title}. {title}, 2013–2025: highest 45,225 in 2019;")
    counts = {t.meta["outcome"]: len(t.x) for t in fig.data if isinstance(t.meta, dict) and t.meta.get("outcome")}
    assert counts == {"inside": 5, "outside": 8, "borderline": 1}  # what the fixture's markers show
    assert ("inside in 5 years (2016–2019 and 2021), outside in 8 years (2004, 2013–2014, 2020 and 2022–2025), "
            "too close to call in 1 year (2015).") in text
    band = next(a.text for a in fig.layout.annotations if a.name == "claim-band")
    assert f"“{band}”" in text


def test_the_map_names_the_three_largest_and_how_many_countries_have_a_figure(snap):
    fig = figure(snap, "destinations-map")
    text = alttext.alt_text(fig)
    located = {loc for t in fig.data if t.type == "choropleth" for loc in t.locations}
    assert text.startswith("Map: Born in Kazakhstan, living abroad — UN DESA revision 2020, mid-2020.")
    assert "Largest: Russia (2,558,907), Germany (1,128,201) and Ukraine (225,962)." in text
    assert f"{len(located)} countries have a figure." in text


def test_the_bar_chart_names_the_top_three_and_how_many_bars(snap):
    fig = figure(snap, "top-destinations")
    text = alttext.alt_text(fig)
    assert "Largest: Russia (2,558,907), Germany (1,128,201) and Ukraine (225,962)." in text
    assert f"{len(fig.data[0].x)} bars in all." in text


def test_bars_marked_rounded_say_so(snap):
    text = alt(snap, "top-destinations?measure=flows")
    assert "Russia (8,800, rounded)" in text


def test_a_rank_chart_gives_the_best_and_worst_rank_with_their_years(snap):
    text = alt(snap, "eaeu-rank")
    assert "Kazakhstan, 1990–2024: best 1st place in 1995–1998; worst 4th place in 2002–2003 and 2005; latest 3rd place in 2024." \
        in text


def test_partial_periods_are_named_as_periods_never_as_years(snap):
    """EEC bars and the claim's rank markers sit at a period's middle (2020.375): the text names the months."""
    eec = alt(snap, "eaeu-eec")
    assert "Russia, arrivals in January–September 2020 (433,401)" in eec
    rank = alt(snap, "claim/eaeu-top-emigration")
    assert "EEC, as published, the first quarter of 2019 to the first half of 2021:" in rank
    assert "January–September 2020" in rank
    for text in (eec, rank):
        assert not re.search(r"\d{4}\.\d", text), text


def test_a_stock_claim_chart_names_the_countries_the_claim_names(snap):
    text = alt(snap, "claim/mongolia-to-usa")
    assert "Named in the claim: 5. United States (36,353) and 47. Mongolia (225)." in text


def test_a_coverage_strip_says_which_years_have_a_figure(snap):
    text = alt(snap, "claim/thirty-years")
    assert "Official count (BNS): a figure in 9 of 30 years (2004 and 2013–2020)." in text


def test_an_empty_chart_says_why(snap):
    assert alt(snap, "eaeu-net?countries=").endswith("Pick at least one country.")


@pytest.mark.parametrize("chart_id", ["trends", "destinations-map", "top-destinations", "eaeu-rank"])
def test_numbers_follow_the_readers_language(snap, chart_id):
    text = alt(snap, chart_id, "ru")
    assert re.search(r"\d\xa0\d{3}", text) or "-е" in text or "th" in text  # "45 225" with a no-break space
    assert "45,225" not in text and "2,558,907" not in text


def test_every_chart_of_the_fixture_has_alt_text_that_names_no_internal_trace(snap):
    for chart_id, chart in charts.registry(snap).items():
        url = chart_id + ("?country=DEU" if chart.required else "")
        text = alt(snap, url)
        assert text and "None" not in text and "nan" not in text, (chart_id, text)
        assert not re.search(r"(^|\. )(series|inside|outside|others)\b", text), (chart_id, text)


def test_the_embed_page_carries_the_alt_text(client, snap):
    page = client.get("/embed/claim/leave-30-50k").data.decode()
    assert f'aria-label="{html.escape(alt(snap, "claim/leave-30-50k"))}"' in page


# --- small figures for the edge cases ------------------------------------------------------------------------

def line(name, x, y, **kw) -> go.Scatter:
    return go.Scatter(x=x, y=y, name=name, mode=kw.pop("mode", "lines+markers"), **kw)


def chart(*traces, title="A chart", **layout) -> go.Figure:
    fig = go.Figure(list(traces))
    fig.update_layout(title={"text": title}, **layout)
    return fig


def test_a_gap_in_the_middle_is_named_and_a_lone_figure_is_kept_apart_from_the_line():
    fig = chart(line("People", list(range(2000, 2011)), [90, None, None, 10, 20, 40, 30, None, 25, 15, 12]))
    text = alttext.alt_text(fig)
    assert "People, 2003–2010: highest 40 in 2005; lowest and latest 10 in 2003" not in text
    assert "People, 2003–2010: highest 40 in 2005; lowest 10 in 2003; latest 12 in 2010." in text
    assert "A lone figure, apart from the line: 90 in 2000." in text
    assert "No figure for 2001–2002 and 2007." in text


def test_a_falling_line_from_its_peak_to_its_trough_says_it_fell():
    text = alttext.alt_text(chart(line("Emigrants", [2019, 2020, 2021], [45225, 29088, 12732])))
    assert "Emigrants, 2019–2021: fell from 45,225 in 2019 to 12,732 in 2021, the highest and lowest figures." in text


def test_the_latest_figure_is_never_set_apart_even_after_a_gap():
    text = alttext.alt_text(chart(line("P", [2000, 2001, 2002, 2003], [5, 6, None, 9])))
    assert "P, 2000–2003: rose from 5 in 2000 to 9 in 2003, the lowest and highest figures." in text
    assert "lone" not in text and "No figure for 2002." in text


def test_markers_without_a_line_have_no_lone_figures():
    text = alttext.alt_text(chart(line("P", [2000, 2001, 2002, 2004], [5, None, 7, 6], mode="markers")))
    assert "lone" not in text
    assert "P, 2000–2004: highest 7 in 2002; lowest 5 in 2000; latest 6 in 2004. No figure for 2001." in text


def test_a_single_figure_and_a_flat_series():
    assert "Only: 7 in 2020." in alttext.alt_text(chart(line("Only", [2019, 2020, 2021], [None, 7, None])))
    assert "Flat, 2019–2021: 3 throughout." in alttext.alt_text(chart(line("Flat", [2019, 2020, 2021], [3, 3, 3])))


def test_legend_only_text_only_and_hidden_traces_are_not_described():
    fig = chart(
        line("Shown", [2000, 2001], [1, 2], showlegend=False, legendgroup="g"),
        line("Legend name", [None], [None], legendgroup="g", meta={"role": "legend"}),
        line("Labels", [2000, 2001], [5, 6], mode="text"),
        line("Hidden", [2000, 2001], [8, 9], visible="legendonly"),
        line("Off", [2000, 2001], [8, 9], visible=False))
    text = alttext.alt_text(fig)
    assert "Legend name, 2000–2001: rose from 1 in 2000 to 2 in 2001" in text  # the legend's name, not "Shown"
    for name in ("Shown", "Labels", "Hidden", "Off"):
        assert name not in text


def test_statuses_come_from_the_markers_the_chart_draws():
    fig = chart(line("P", [2000, 2001, 2002], [10, 30, 20], marker={"symbol": ["circle", "diamond-open",
                                                                                  "circle-open"]}))
    assert "P, 2000–2002: highest 30 in 2001 (rounded); lowest 10 in 2000; latest 20 in 2002 (preliminary)." \
        in alttext.alt_text(fig)


def test_too_many_series_are_capped_and_the_rest_named():
    fig = chart(*[line(f"S{i}", [2000, 2001], [i, i + 1]) for i in range(6)])
    text = alttext.alt_text(fig)
    assert sum(f"S{i}, 2000–2001" in text for i in range(6)) == alttext.MAX_SERIES
    assert text.endswith("And 2 more series: S4 and S5.")


def test_the_emphasised_series_comes_first_when_the_legend_ranks_it_so():
    fig = chart(line("Armenia", [2000, 2001], [1, 2], legendrank=2), line("Kazakhstan", [2000, 2001], [3, 4],
                                                                          legendrank=0))
    text = alttext.alt_text(fig)
    assert text.index("Kazakhstan") < text.index("Armenia")


def test_a_series_below_zero_is_written_with_its_sign():
    text = alttext.alt_text(chart(line("Net", [2000, 2001, 2002], [-5, 3, 1])))
    assert f"lowest {MINUS}5 in 2000" in text and "highest +3 in 2001" in text


def test_ranks_on_a_reversed_axis_are_ordinals_best_first():
    fig = chart(line("KAZ", [2000, 2001, 2002], [2, 1, 3]), yaxis={"range": [3.5, 0.5]})
    assert "KAZ, 2000–2002: best 1st place in 2001; worst and latest 3rd place in 2002." in alttext.alt_text(fig)


def test_a_category_axis_of_periods_is_read_back_into_period_words():
    fig = chart(go.Scatter(y=["2022 H1", "2023 Jan–Sept"], x=[20, 45], mode="markers", name="BNS"))
    assert "BNS, the first half of 2022 to January–September 2023" in alttext.alt_text(fig)


def test_a_map_without_figures_and_a_chart_without_data_say_so():
    fig = chart(go.Choropleth(locations=[], z=[]), title="Map")
    fig.add_annotation(text="No figures for 2030.", x=0.5, y=0.5, xref="paper", yref="paper", showarrow=False)
    assert alttext.alt_text(fig) == "Map: Map. No figures for 2030."


# --- the README's example ------------------------------------------------------------------------------------

def test_the_readme_example_is_what_the_code_writes(snap):
    """The README quotes the alt text of one embed: it is regenerated here from the chart and query it names."""
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Embedding a chart"):]
    match = re.search(r"for `/embed/([^`?]+)\?([^`]*)`: \"(.+?)\"\)", section, re.S)
    assert match, "the README's alt text example names its chart and query: for `/embed/<chart>?<query>`: \"...\""
    chart_id, query, quoted = match.groups()
    assert " ".join(quoted.split()) == alt(snap, f"{chart_id}?{query}")
