"""The story page: one callout per claim of the ledger, in reading order, each with the verdict the engine
computes (badge with symbol and words), the verdict's sentence, a source line derived from provenance, a
small chart where the claim is a figure, and the deep link that opens the full chart in the claimed state."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import dash
import pytest
from dash import dcc, html

from dashboard import alttext, claims, datasets, provenance, snapshots
from dashboard.pages import home as page
from dashboard.views import charts
from tests import dash_calls
from tests.conftest import FIXTURE_DATA, ROOT
from tests.pages.layout_tools import walk


@pytest.fixture
def ledger(snap):
    return claims.ledger(snap)


@pytest.fixture
def verdicts(snap):
    return claims.evaluate_all(snap, "en")


@pytest.fixture
def layout():
    return page.layout()


def text(component) -> str:
    """The visible text of a component, as a browser would concatenate it."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return "".join(text(c) for c in component)
    return text(getattr(component, "children", None))


def classes(component) -> list[str]:
    return (getattr(component, "className", None) or "").split()


def find(root, cls: str) -> list:
    return [c for c in walk(root) if cls in classes(c)]


def callouts(layout) -> list[html.Article]:
    return find(layout, "callout")


def callout_by_claim(layout, claim_id: str):
    found = [c for c in callouts(layout) if c.id == f"claim-{claim_id}"]
    assert len(found) == 1, claim_id
    return found[0]


def notice_texts(layout) -> list[str]:
    return [text(c) for c in walk(layout) if "notice" in classes(c)]


def test_page_is_the_story_at_the_root_in_first_place():
    entry = dash.page_registry["dashboard.pages.home"]
    assert entry["path"] == "/" and entry["name"] == "Story" and entry["order"] == 0


def test_one_callout_per_claim_in_the_ledgers_reading_order(layout, ledger):
    assert [c.id for c in callouts(layout)] == [f"claim-{c.id}" for c in ledger]


def test_each_badge_shows_the_verdict_the_engine_computes(layout, ledger, verdicts):
    for claim in ledger:
        badges = find(callout_by_claim(layout, claim.id), "verdict")
        assert len(badges) == 1, claim.id
        badge, verdict = badges[0], verdicts[claim.id].verdict
        assert badge.to_plotly_json()["props"]["data-verdict"] == verdict
        assert text(find(badge, "verdict-text")) == verdict
        assert f"verdict-{page.verdict_slug(verdict)}" in classes(badge)


def test_badges_never_rely_on_colour_alone():
    """Each verdict has its own symbol and slug (a reader who cannot tell the colours still can tell them)."""
    styles = page.VERDICT_STYLES
    assert set(styles) == set(claims.VERDICTS)
    symbols = [s[1] for s in styles.values()]
    assert all(symbols) and len(set(symbols)) == len(symbols)
    assert len({s[0] for s in styles.values()}) == len(styles)
    for verdict in claims.VERDICTS:
        badge = page.verdict_badge(verdict)
        icon = find(badge, "verdict-icon")[0]
        assert icon.children == styles[verdict][1]
        assert icon.to_plotly_json()["props"]["aria-hidden"] == "true"  # the words are read, not the symbol


def test_each_callout_gives_the_verdicts_sentence_with_its_figures(layout, ledger, verdicts):
    for claim in ledger:
        summary = find(callout_by_claim(layout, claim.id), "verdict-summary")
        assert [text(s) for s in summary] == [verdicts[claim.id].summary]
    assert "2020 (29,088)" in text(find(callout_by_claim(layout, "leave-30-50k"), "verdict-summary"))


def test_each_callout_quotes_the_article_with_attribution(layout, ledger):
    for claim in ledger:
        quote = [c for c in walk(callout_by_claim(layout, claim.id)) if isinstance(c, html.Blockquote)]
        assert len(quote) == 1
        assert claim.quote in text(quote[0]) and claim.attribution in text(quote[0])
        links = [c for c in walk(quote[0]) if isinstance(c, html.A)]
        assert links[0].href == claim.article_url


def test_each_callout_has_a_source_line_derived_from_provenance(layout, ledger, verdicts, snap):
    for claim in ledger:
        verdict = verdicts[claim.id]
        lines = [text(c) for c in find(callout_by_claim(layout, claim.id), "source-line")]
        assert lines and all(lines), claim.id
        if verdict.sources:
            every = provenance.source_line([p for name in verdict.sources for p in datasets.provenance(name, snap)],
                                           revision=claim.rule.source_revision())
            assert every in lines or every == claims.chart_source_line(claim, verdict, snap), claim.id
        else:
            assert lines == [claims.source_line(claim, verdict, snap)]


def test_a_verdict_that_read_more_than_its_chart_draws_cites_both(layout, ledger, snap):
    """Ukraine's verdict also ranks the BNS flows; its chart draws the UN DESA stock only."""
    claim = next(c for c in ledger if c.id == "ukraine-key-destination")
    box = callout_by_claim(layout, claim.id)
    verdict_line = text(find(box, "verdict-source"))
    assert "UN DESA (revision 2020)" in verdict_line and "BNS releases" in verdict_line
    caption = [c for c in walk(box) if isinstance(c, html.Figcaption)][0]
    assert text(caption) == provenance.source_line(datasets.provenance("migrant-stock", snap), revision="2020")


def test_each_callout_links_to_the_full_chart_in_the_claimed_state(layout, ledger):
    for claim in ledger:
        links = find(callout_by_claim(layout, claim.id), "claim-link")
        assert [a.href for a in links] == [claim.chart.href]
    assert callout_by_claim(layout, "leave-30-50k") and ledger[0].chart.href == "/trends?measures=emigrants"


def test_figure_claims_have_a_chart_and_events_a_note_only(layout, ledger, snap):
    charted = set(claims.claim_ids(snap))
    for claim in ledger:
        graphs = [c for c in walk(callout_by_claim(layout, claim.id)) if isinstance(c, dcc.Graph)]
        if claim.id in charted:
            # A pattern id: one callback re-themes every claim chart for a dark reader.
            assert len(graphs) == 1 and graphs[0].id == {"type": "claim-graph", "claim": claim.id}
            assert graphs[0].figure["layout"]["meta"]["source"], "the figure carries its source line"
            assert re.fullmatch(r"/_static/[0-9a-f]{16}/topojson/", graphs[0].config["topojsonURL"])
        else:
            assert graphs == []


def test_claim_charts_follow_a_dark_reader(layout):
    """The layout draws the claim charts light; for a reader who prefers dark one callback re-themes them all,
    and a light reader's charts are left as they are (no second download)."""
    from dashboard.figures import theme

    figures = [g.figure for g in walk(layout) if isinstance(g, dcc.Graph)]
    assert figures
    dark = page.retheme("dark", figures)
    assert len(dark) == len(figures)
    assert all(f["layout"]["paper_bgcolor"] == theme.DARK.background for f in dark)
    assert all(f["layout"]["font"]["color"] == theme.DARK.ink for f in dark)
    assert page.retheme("light", figures) == [dash.no_update] * len(figures)


def test_the_range_chart_on_the_page_is_the_embed_chart(layout, snap):
    graph = [c for c in walk(callout_by_claim(layout, "leave-30-50k")) if isinstance(c, dcc.Graph)][0]
    embedded = charts.registry(snap)["claim/leave-30-50k"].figure({}, snap, "en")
    shown = json.loads(json.dumps(graph.figure))
    # The page's copy carries the chart in words: the embed's own alt text.
    assert shown["layout"]["meta"].pop("alt") == alttext.alt_text(embedded)
    assert shown == json.loads(embedded.to_json())


def test_claim_charts_are_built_once_per_snapshot_and_handed_out_as_copies(monkeypatch):
    """The story page is the landing page: its charts must not be rebuilt for every reader."""
    fresh = snapshots.Store(FIXTURE_DATA).current()  # a snapshot of its own: empty caches
    claim = claims.find(fresh, "leave-30-50k")
    built = []
    real = claims.figure
    monkeypatch.setattr(claims, "figure", lambda *a, **k: built.append(a) or real(*a, **k))
    first = claims.figure_json(claim, fresh, "en")
    first["layout"]["title"] = "changed by one reader"
    second = claims.figure_json(claim, fresh, "en")
    assert second["layout"]["title"] != "changed by one reader"
    assert len(built) == 1, "the chart was built again for the second reader"


def test_intro_names_the_article_and_links_to_it(layout, ledger):
    intro = text(layout)
    assert "A Promised Land: How Kazakh Political Emigrants Live in Ukraine" in intro
    assert "Andrei Grishin" in intro and "CABAR.asia" in intro and "2020" in intro
    hrefs = [c.href for c in walk(layout) if isinstance(c, html.A)]
    assert ledger[0].article_url in hrefs


def test_glance_list_jumps_to_every_callout(layout, ledger):
    hrefs = [c.href for c in walk(find(layout, "glance")[0]) if isinstance(c, html.A)]
    assert hrefs == [f"#claim-{c.id}" for c in ledger]


def test_default_page_has_no_notice(layout):
    assert notice_texts(layout) == []


def test_the_page_works_in_another_language_and_keeps_it_in_the_deep_links(ledger, verdicts):
    layout = page.layout(lang="ru")
    assert notice_texts(layout) == []
    assert len(callouts(layout)) == len(ledger)
    first = callout_by_claim(layout, "leave-30-50k")
    assert find(first, "claim-link")[0].href == "/trends?measures=emigrants&lang=ru"
    assert any(text(c).startswith("Источник") for c in find(first, "source-line"))
    badge = find(first, "verdict")[0]
    assert badge.to_plotly_json()["props"]["data-verdict"] == verdicts["leave-30-50k"].verdict


def test_an_unknown_language_falls_back_to_english_with_a_notice(ledger):
    layout = page.layout(lang="xx")
    assert any("xx" in n for n in notice_texts(layout))
    assert [a.href for a in find(layout, "claim-link")] == [c.chart.href for c in ledger]


def test_an_unknown_setting_is_ignored_with_a_notice_never_an_error(ledger):
    layout = page.layout(colour="red")
    assert any("colour" in n for n in notice_texts(layout))
    assert len(callouts(layout)) == len(ledger)


def test_the_router_renders_one_callout_per_claim(client, ledger):
    """What Dash's Pages router sends the browser for / holds every callout."""
    tree = dash_calls.page(client, "/")
    ids = [c["props"]["id"] for c in dash_calls.components(tree) if c["type"] == "Article"]
    assert ids == [f"claim-{c.id}" for c in ledger]


def test_no_data_is_read_when_the_modules_are_imported(tmp_path):
    """Importing the page, its view, the claims and the figures must not touch a snapshot (empty data folder)."""
    code = (
        "from dashboard import snapshots\n"
        "def boom(*a, **k): raise AssertionError('data read at import')\n"
        "snapshots.load = boom\n"
        "snapshots.Store.get = boom\n"
        "snapshots.Store.current_id = boom\n"
        "import dashboard.figures.story, dashboard.claims, dashboard.views.story, dashboard.pages.home\n"
        "print('ok')\n"
    )
    env = {**os.environ, "KZ_DATA_DIR": str(tmp_path)}
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                            timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "ok"
