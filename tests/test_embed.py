"""/embed/<chart>, the embed snippet and /oembed: what editors paste into articles."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from dashboard import charts, data, embed, settings


@pytest.fixture(scope="module")
def client():
    from dashboard.app import default_app

    return default_app().server.test_client()


def figure_of(html: str) -> dict:
    match = re.search(r"var fig = (\{.*?\});\n", html, re.S)
    assert match, "no figure JSON in the embed page"
    return json.loads(match.group(1).replace("<\\/", "</"))


@pytest.mark.parametrize("chart_id", list(charts.registry()))
def test_every_chart_has_an_embed_with_title_source_and_data_link(client, chart_id):
    response = client.get(f"/embed/{chart_id}" + ("?country=DEU" if chart_id == "destination-series" else ""))
    assert response.status_code == 200
    html = response.data.decode()
    assert "<h1>" in html and 'class="source"' in html and "Data as of" in html
    assert 'href="/data/' in html and "Get the data" in html
    assert 'data-embed-id="kz-' + chart_id.replace("/", "-") in html
    assert 'src="/embed-static/plotly.min.js"' in html and "cdn.plot.ly" not in html
    assert figure_of(html)["data"], "the embedded figure has no traces"


def test_embed_takes_the_page_query_and_shows_that_view(client):
    """A reader's view on the page can be embedded as it is."""
    from dashboard.pages import trends
    from dashboard import urlstate

    values, _ = urlstate.parse({"years": "2015..2020", "measures": "emigrants"}, trends.PARAMS, strict=True)
    expected = trends.figure_for(values)
    html = client.get("/embed/trends?years=2015..2020&measures=emigrants").data.decode()
    shown = figure_of(html)
    assert [t.get("name") for t in shown["data"]] == [t.name for t in expected.data]
    assert 'href="/data/kz-migration.csv?years=2015..2020"' in html


def test_the_get_the_data_link_matches_the_map_view(client):
    html = client.get("/embed/destinations-map?revision=2024&year=2024").data.decode()
    assert 'href="/data/migrant-stock.csv?years=2024&amp;revision=2024"' in html


@pytest.mark.parametrize("query,named", [("years=20..30", "years"), ("theme=blue", "theme"),
                                         ("controls=maybe", "controls"), ("as_of=1999-01-01", "as_of"),
                                         ("nonsense=1", "nonsense")])
def test_bad_embed_parameters_answer_400(client, query, named):
    response = client.get(f"/embed/trends?{query}")
    assert response.status_code == 400
    assert f"'{named}'" in response.data.decode()


def test_a_chart_that_needs_a_country_says_so(client):
    response = client.get("/embed/destination-series")
    assert response.status_code == 400 and "'country'" in response.data.decode()


def test_unknown_chart_is_404(client):
    response = client.get("/embed/pie-of-everything")
    assert response.status_code == 404 and "trends" in response.data.decode()


def test_controls_0_hides_controls_and_themes_apply(client):
    with_controls = client.get("/embed/trends").data.decode()
    without = client.get("/embed/trends?controls=0").data.decode()
    assert '<form class="controls"' in with_controls and '<form class="controls"' not in without
    assert 'class="theme-dark"' in client.get("/embed/trends?theme=dark").data.decode()
    auto = client.get("/embed/trends?theme=auto").data.decode()
    assert 'class="theme-auto"' in auto and "prefers-color-scheme: dark" in auto


def test_embeds_may_be_framed_other_pages_may_not(client, monkeypatch):
    assert client.get("/embed/trends").headers["Content-Security-Policy"] == "frame-ancestors *"
    page = client.get("/trends")
    assert page.headers["Content-Security-Policy"] == "frame-ancestors 'self'"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    monkeypatch.setenv("KZ_EMBED_FRAME_ANCESTORS", "https://news.example https://cms.example")
    assert client.get("/embed/trends").headers["Content-Security-Policy"] == \
        "frame-ancestors https://news.example https://cms.example"


def test_embed_etag_and_304(client):
    first = client.get("/embed/eaeu-net?countries=KAZ~RUS")
    assert first.headers["Cache-Control"].startswith("public")
    again = client.get("/embed/eaeu-net?countries=KAZ~RUS", headers={"If-None-Match": first.headers["ETag"]})
    assert again.status_code == 304


def test_alt_text_and_snippet_are_derived_from_the_data():
    from dashboard import alttext, urlstate
    from dashboard.pages import trends

    values, _ = urlstate.parse({"years": "2019..2024", "measures": "emigrants"}, trends.PARAMS, strict=True)
    alt = alttext.alt_text(trends.figure_for(values))
    assert "fell from 45,225 in 2019 to 12,732 in 2024" in alt
    code = embed.snippet("https://kz.example", charts.registry()["trends"], "?years=2019..2024", alt)
    assert 'src="https://kz.example/embed/trends?years=2019..2024"' in code
    assert 'loading="lazy"' in code and "width:100%" in code and 'title="' in code
    assert 'src="https://kz.example/embed-resize.js"' in code
    assert "45,225" in code


def test_oembed_returns_the_iframe_for_a_page_or_embed_url(client):
    answer = client.get("/oembed?url=http://localhost/trends?years=2010..2020&maxwidth=400").get_json()
    assert answer["type"] == "rich" and answer["version"] == "1.0" and answer["width"] == 400
    assert 'src="http://localhost/embed/trends?years=2010..2020"' in answer["html"]
    direct = client.get("/oembed?url=http://localhost/embed/eaeu-rank").get_json()
    assert "/embed/eaeu-rank" in direct["html"]


@pytest.mark.parametrize("query,status", [("", 400), ("url=http://elsewhere.example/trends", 404),
                                          ("url=http://localhost/nowhere", 404),
                                          ("url=http://localhost/trends&format=xml", 501),
                                          ("url=http://localhost/trends&maxwidth=wide", 400)])
def test_oembed_errors(client, query, status):
    assert client.get(f"/oembed?{query}").status_code == status


def test_resize_scripts_use_the_datawrapper_message_format(client):
    inner = client.get("/embed.js").data.decode()
    outer = client.get("/embed-resize.js").data.decode()
    assert '"datawrapper-height"' in inner and "postMessage" in inner
    assert '"datawrapper-height"' in outer and "contentWindow === event.source" in outer


def test_as_of_pins_an_archived_snapshot_and_says_newer_data_exists(client, snapshot_copy, monkeypatch):
    """An article's embed keeps the numbers it was published with after a refresh."""
    archive = snapshot_copy / data.ARCHIVE / "2026-01-01"
    archive.mkdir(parents=True)
    for path in snapshot_copy.glob("*.*"):
        if path.suffix in (".csv", ".json") and path.name != "claims.json":
            shutil.copy2(path, archive / path.name)
    # the archived snapshot said 2019 emigrants were 45,000 (a changed copy, for this test only)
    rel = archive / "bns_releases.csv"
    rel.write_text(rel.read_text().replace(",45225,", ",45000,"))
    from dashboard import provenance
    prov = json.loads((archive / "bns_releases.provenance.json").read_text())
    prov["checksum"] = provenance.checksum(rel)
    (archive / "bns_releases.provenance.json").write_text(json.dumps(prov))
    monkeypatch.setenv("KZ_DATA_DIR", str(snapshot_copy))
    pinned = client.get("/embed/trends?as_of=2026-01-01&measures=emigrants&years=2019..2019").data.decode()
    assert "newer data exists" in pinned
    assert 45000 in figure_of(pinned)["data"][0]["y"]
    current = client.get("/embed/trends?measures=emigrants&years=2019..2019").data.decode()
    assert "newer data exists" not in current
    assert 45225 in figure_of(current)["data"][0]["y"]
    assert settings.data_dir() == snapshot_copy


def test_each_claim_is_embeddable_with_its_verdict_and_deep_link(client):
    """An editor can drop a fact-check into an article: the claim, its computed verdict, the chart."""
    from dashboard import claims, story_charts

    verdicts = claims.evaluate_all()
    ids = story_charts.claim_ids()
    assert "leave-30-50k" in ids
    for claim in claims.load_ledger():
        if claim.id not in ids:
            continue
        response = client.get(f"/embed/claim/{claim.id}")
        assert response.status_code == 200
        html = response.data.decode()
        assert f"Verdict: {verdicts[claim.id].verdict}." in html
        assert f'href="{claim.chart.href.replace("&", "&amp;")}"' in html
        assert figure_of(html)["data"]
    assert client.get("/embed/claim/no-such-claim").status_code == 404


@pytest.mark.parametrize("chart_id", [c for c in charts.registry() if not c.startswith("claim/")])
def test_every_choice_of_every_control_embeds(client, chart_id):
    """Each value a control offers must render (a crash here is a broken embed in someone's article)."""
    chart = charts.registry()[chart_id]
    base = "country=DEU&" if chart_id == "destination-series" else ""
    for param in chart.params:
        for value in (param.choices if param.kind == "choice" else (("0", "1") if param.kind == "flag" else ())):
            response = client.get(f"/embed/{chart_id}?{base}{param.name}={param.encode(value)}")
            assert response.status_code == 200, (param.name, value, response.data[:200])
