"""The EAEU comparison page: URL state in and out, lenient parsing with notices, badges and notes from
provenance, and the callback's figures, source lines and query string."""

from __future__ import annotations

import dash
import plotly.graph_objects as go
import pytest
from dash import dcc, html

from dashboard import datasets, provenance, urlstate
from dashboard.countries import EAEU
from dashboard.pages import eaeu as page
from dashboard.views import eaeu as view
from tests.pages.layout_tools import by_id, notice_texts, walk


def texts(layout):
    return [c.children for c in walk(layout) if isinstance(getattr(c, "children", None), str)]


def badges(layout):
    return [c for c in walk(layout) if isinstance(c, html.Span) and c.className == "badge"]


def test_page_is_registered_at_eaeu():
    entry = [p for p in dash.page_registry.values() if p["path"] == "/eaeu"]
    assert len(entry) == 1
    assert entry[0]["name"] == "EAEU comparison" and entry[0]["order"] == 3


def test_default_layout_shows_all_five_members_and_no_notice():
    layout = page.layout()
    assert notice_texts(layout) == []
    assert by_id(layout, "eaeu-countries").value == list(EAEU)
    assert by_id(layout, "eaeu-years").value == [1990, 2024]
    assert by_id(layout, "eaeu-measure").value == "absolute"
    assert by_id(layout, "eaeu-revision").value == 2020
    for graph in ("eaeu-net-graph", "eaeu-stock-graph", "eaeu-rank-graph", "eaeu-eec-graph"):
        assert isinstance(by_id(layout, graph), dcc.Graph)


def test_a_shared_link_reopens_the_same_view():
    layout = page.layout(countries="KAZ~RUS", years="2000..2020", measure="per1000", revision="2024")
    assert notice_texts(layout) == []
    assert by_id(layout, "eaeu-countries").value == ["KAZ", "RUS"]
    assert by_id(layout, "eaeu-years").value == [2000, 2020]
    assert by_id(layout, "eaeu-measure").value == "per1000"
    assert by_id(layout, "eaeu-revision").value == 2024


@pytest.mark.parametrize("query, name", [
    ({"countries": "KAZ~DEU"}, "countries"),  # not a member
    ({"years": "1980..2024"}, "years"),  # before the data
    ({"years": "2020..2010"}, "years"),  # backwards
    ({"measure": "percent"}, "measure"),
    ({"revision": "2019"}, "revision"),
])
def test_bad_values_fall_back_to_defaults_with_a_notice(query, name):
    """A mistyped link must still open the page, say what was ignored, and show the default view."""
    layout = page.layout(**query)
    notes = notice_texts(layout)
    assert len(notes) == 1 and f"'{name}=" in notes[0]
    assert by_id(layout, "eaeu-countries").value == list(EAEU)
    assert by_id(layout, "eaeu-years").value == [1990, 2024]
    assert by_id(layout, "eaeu-revision").value == 2020


def test_unknown_parameter_is_named_and_lang_is_not_a_filter():
    layout = page.layout(colour="red", lang="en")
    assert notice_texts(layout) == ["Ignored unknown setting 'colour'."]


def test_every_series_has_a_definition_badge_from_provenance(snap):
    layout = page.layout()
    provs = dict(zip(datasets.DATASETS["eaeu"].tables, datasets.provenance("eaeu", snap)))
    eec = datasets.provenance("eec", snap)[0]
    titles = [b.title for b in badges(layout)]
    assert provs["wdi"].definition in titles  # net migration: UN WPP model estimate
    assert provs["undesa_origin_totals"].definition in titles  # emigrant stock
    assert eec.definition in titles
    assert any("model estimate" in b.children for b in badges(layout))


def test_caveats_come_from_provenance(snap):
    """The like-for-like warning on 2024 totals and the Russian departures caveat are shown, not retyped."""
    shown = " ".join(texts(page.layout()))
    provs = dict(zip(datasets.DATASETS["eaeu"].tables, datasets.provenance("eaeu", snap)))
    for caveat in provs["undesa_origin_totals"].caveats:
        assert caveat in shown
    assert "not like-for-like" in shown
    for caveat in datasets.provenance("eec", snap)[0].caveats:
        assert caveat in shown
    assert "not comparable" in shown


def unpack(out):
    """The callback's outputs by name, its figures (themed plotly JSON) as go.Figure again."""
    (net, net_src, rank, rank_src, rank_table, stock, stock_src, eec, eec_src, *styles, query) = out
    assert len(styles) == 4
    assert all(isinstance(f, dict) for f in (net, rank, stock, eec)), "dcc.Graph gets the themed JSON"
    net, rank, stock, eec = (go.Figure(f) for f in (net, rank, stock, eec))
    return {"net": net, "net_src": net_src, "rank": rank, "rank_src": rank_src, "rank_table": rank_table,
            "stock": stock, "stock_src": stock_src, "eec": eec, "eec_src": eec_src,
            "styles": dict(zip(("net", "rank", "stock", "eec"), styles)), "query": query}


def test_callback_returns_figures_sources_and_query(snap):
    out = unpack(page.update(["RUS", "KAZ"], [2000, 2024], "per1000", 2024, "en"))
    net, net_src, rank, rank_src, rank_table = (out[k] for k in ("net", "net_src", "rank", "rank_src", "rank_table"))
    stock, stock_src, eec, eec_src, query = (out[k] for k in ("stock", "stock_src", "eec", "eec_src", "query"))
    assert query == "?countries=KAZ~RUS&years=2000..2024&measure=per1000&revision=2024"
    assert {t.meta["iso3"] for t in net.data} == {"KAZ", "RUS"}
    kaz = [t for t in net.data if t.meta["iso3"] == "KAZ"][0]
    assert dict(zip(kaz.x, kaz.y))[2024] == pytest.approx(-0.36)
    assert {t.meta["revision"] for t in stock.data} == {2024}
    provs = dict(zip(datasets.DATASETS["eaeu"].tables, datasets.provenance("eaeu", snap)))
    assert net_src == rank_src == provenance.source_line([provs["wdi"]]) == net.layout.meta["source"]
    assert stock_src == provenance.source_line([provs["undesa_origin_totals"], provs["wdi"]], revision="2024")
    assert "revision 2024" in stock_src and stock.layout.meta["source"] == stock_src
    assert eec_src == provenance.source_line(datasets.provenance("eec", snap)) == eec.layout.meta["source"]
    assert rank_table["type"] == "Table"  # the reply's JSON, as Dash sends it
    # Each graph box takes its figure's height.
    for name in ("net", "rank", "stock", "eec"):
        assert out["styles"][name] == {"height": f"{int(out[name].layout.height)}px"}


def test_default_view_writes_an_empty_query():
    """Nothing changed -> the address bar stays clean (no ?countries=...)."""
    out = page.update(list(EAEU), [1990, 2024], "absolute", 2020, "en")
    assert out[-1] == ""


def test_query_round_trips_through_the_layout():
    query = page.update(["KGZ", "KAZ"], [1995, 2015], "absolute", 2020, "en")[-1]
    values, notices = urlstate.parse(dict(p.split("=") for p in query.lstrip("?").split("&")), view.PARAMS,
                                     strict=True)
    assert notices == [] and values["countries"] == ("KAZ", "KGZ") and values["years"] == (1995, 2015)


def test_unticking_every_country_shows_a_hint_not_all_countries():
    out = unpack(page.update([], [1990, 2024], "absolute", 2020, "en"))
    net, eec, stock = out["net"], out["eec"], out["stock"]
    assert len(net.data) == 0 and len(eec.data) == 0 and len(stock.data) == 0
    assert any("Pick at least one country" in (a.text or "") for a in net.layout.annotations)
    assert any("Pick at least one country" in (a.text or "") for a in eec.layout.annotations)
    # The empty charts are short boxes (the EEC chart kept about 900 px of blank), and their graph boxes too.
    for name in ("net", "stock", "eec"):
        assert out[name].layout.height < 300, name
        assert int(out["styles"][name]["height"].removesuffix("px")) < 300, name
    # A copied link reproduces the empty view (it used to drop countries, so the link showed all five).
    assert out["query"] == "?countries="


def test_a_link_with_no_country_reopens_the_empty_view():
    layout = page.layout(countries="")
    assert notice_texts(layout) == []
    assert by_id(layout, "eaeu-countries").value == []
    values, notices = urlstate.parse({"countries": ""}, view.PARAMS, strict=True)
    assert values["countries"] == () and notices == []
    assert urlstate.encode(view.url_state(view.normalise({"countries": ()})), view.PARAMS) == "?countries="


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_callback_draws_in_the_readers_theme(scheme):
    from dashboard.figures import theme

    out = page.update(["KAZ", "RUS"], [1990, 2024], "absolute", 2020, "en", scheme)
    for fig in (out[0], out[2], out[5], out[7]):
        assert fig["layout"]["paper_bgcolor"] == theme.THEMES[scheme].background
        assert fig["layout"]["font"]["color"] == theme.THEMES[scheme].ink


def test_rank_is_among_all_five_whatever_the_selection(snap):
    only_kaz = view.figure_rank({"countries": ("KAZ",)}, snap)
    everyone = view.figure_rank({}, snap)
    assert list(only_kaz.data[0].y) == list(everyone.data[0].y)


def test_rank_table_lists_year_rank_and_value(snap):
    table = page.rank_table(view.rank_rows({"years": (2024, 2024)}, snap), "en")
    rows = [r for r in walk(table) if isinstance(r, html.Tr)]
    cells = [c.children for c in walk(rows[1]) if isinstance(c, html.Td)]
    assert cells == ["2024", "3 of 5", "−0.36"]


@pytest.mark.parametrize("fn", ["figure_net", "figure_stock_share", "figure_rank", "figure_eec"])
def test_figure_functions_accept_url_values_and_garbage(snap, fn):
    """The /embed route passes parsed URL state; bad or missing values must give the default view."""
    figure = getattr(view, fn)
    good = figure({"countries": ("KAZ", "RUS"), "years": (2000, 2020), "measure": "per1000", "revision": 2024},
                  snap)
    assert isinstance(good, go.Figure) and good.layout.meta["source"].startswith("Source:")
    default = figure({"countries": ("XXX",), "years": "nonsense", "revision": 1999}, snap)
    assert default.to_plotly_json() == figure({}, snap).to_plotly_json()
