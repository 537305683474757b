"""/embed/<chart>, the embed snippet and /oembed: what editors paste into articles.

Embeds are served by the app's blueprint and rendered once per snapshot and canonical parameters: the same
view written differently is one cache entry, and a bad parameter is answered with a 400, never cached.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from dashboard import alttext, claims, context, embeds, provenance, snapshots, urlstate
from dashboard.app import create_app
from dashboard.views import charts, trends
from tests.conftest import FIXTURE_DATA

# Chart ids for parametrize, read from the fixture snapshot (its ledger decides the claim charts).
CHART_IDS = list(charts.registry(snapshots.Store(FIXTURE_DATA).current()))
STATIC_IDS = [c.id for c in charts.STATIC]


def figure_of(html: str) -> dict:
    match = re.search(r"var fig = (\{.*?\});\n", html, re.S)
    assert match, "no figure JSON in the embed page"
    return json.loads(match.group(1))


def embed_url(chart_id: str) -> str:
    return f"/embed/{chart_id}" + ("?country=DEU" if chart_id == "destination-series" else "")


@pytest.fixture
def fresh_store():
    """A store of its own on the fixture data: its snapshot's caches start empty."""
    return snapshots.Store(FIXTURE_DATA)


def embed_cache(app):
    """The embed cache of the snapshot the app serves now."""
    with app.server.test_request_context("/"):
        return context.snapshot().caches["embed"]


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_every_chart_has_an_embed_with_title_source_and_data_link(client, chart_id):
    response = client.get(embed_url(chart_id))
    assert response.status_code == 200
    html = response.data.decode()
    assert "<h1>" in html and 'class="source"' in html and "Data as of" in html
    assert 'href="/data/' in html and "Get the data" in html
    assert 'data-embed-id="kz-' + chart_id.replace("/", "-") in html
    assert 'src="/embed-static/plotly.min.js"' in html and "cdn.plot.ly" not in html
    assert figure_of(html)["data"], "the embedded figure has no traces"


def test_embeds_are_routes_of_the_apps_blueprint(app):
    """/embed/<chart> and /embed/claim/<id> belong to the blueprint every app registers (no global app)."""
    rules = {r.rule: r.endpoint for r in app.server.url_map.iter_rules()}
    assert rules["/embed/<chart_id>"] == rules["/embed/claim/<claim_id>"] == "kz.embed_chart"


def test_two_apps_in_one_process_both_serve_embeds():
    for app in (create_app(FIXTURE_DATA), create_app(FIXTURE_DATA)):
        client = app.server.test_client()
        assert client.get("/embed/trends").status_code == 200
        assert client.get("/embed/claim/leave-30-50k").status_code == 200


def test_embed_takes_the_page_query_and_shows_that_view(client, snap):
    """A reader's view on the page can be embedded as it is."""
    values, _ = urlstate.parse({"years": "2015..2020", "measures": "emigrants"}, trends.PARAMS, strict=True)
    expected = trends.figure_main(values, snap)
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


def test_an_unknown_language_is_english_and_the_same_entry(app, client):
    """``lang`` is negotiated, not validated: anything but en/ru/kk (a path, say) is the English embed."""
    cache = embed_cache(app)
    english = client.get("/embed/trends")
    before = len(cache)
    for lang in ("../../x", "xx", "en"):
        response = client.get(f"/embed/trends?lang={lang}")
        assert response.status_code == 200 and response.data == english.data, lang
    assert '<html lang="en"' in english.data.decode()
    assert len(cache) == before


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


def test_alt_text_and_snippet_are_derived_from_the_data(snap):
    values, _ = urlstate.parse({"years": "2019..2024", "measures": "emigrants"}, trends.PARAMS, strict=True)
    alt = alttext.alt_text(trends.figure_main(values, snap))
    assert "fell from 45,225 in 2019 to 12,732 in 2024" in alt
    code = embeds.snippet("https://kz.example", charts.registry(snap)["trends"], "?years=2019..2024", alt)
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


def _refresh_with(data_dir, old: str, new: str) -> str:
    """A refresh that changes one published figure in bns_releases: a new snapshot folder, made current."""
    store = snapshots.Store(data_dir)
    base = store.current()
    raw = (base.directory / "bns_releases.csv").read_bytes()
    assert raw.count(old.encode()) == 1
    raw = raw.replace(old.encode(), new.encode())
    prov = json.loads((base.directory / "bns_releases.provenance.json").read_text(encoding="utf-8"))
    prov["checksum"] = provenance.checksum_bytes(raw)
    files = {"bns_releases.csv": raw, "bns_releases.provenance.json": json.dumps(prov).encode()}
    return snapshots.publish(store, base, files, dt.date(2026, 12, 2))


def test_as_of_pins_an_older_snapshot_and_says_newer_data_exists(data_copy):
    """An article's embed keeps the numbers it was published with after a refresh."""
    client = create_app(data_copy).server.test_client()
    pinned_url = "/embed/trends?as_of=2026-11-25&measures=emigrants&years=2019..2019"
    before = client.get(pinned_url).data.decode()
    assert "newer data exists" not in before and 45225 in figure_of(before)["data"][0]["y"]

    assert _refresh_with(data_copy, ",45225,", ",45300,") == "2026-12-02"
    pinned = client.get(pinned_url).data.decode()
    assert "newer data exists" in pinned, "the cached page of the old snapshot was served after the refresh"
    assert 45225 in figure_of(pinned)["data"][0]["y"]
    current = client.get("/embed/trends?measures=emigrants&years=2019..2019").data.decode()
    assert "newer data exists" not in current
    assert 45300 in figure_of(current)["data"][0]["y"]


def test_each_claim_is_embeddable_with_its_verdict_and_deep_link(client, snap):
    """An editor can drop a fact-check into an article: the claim, its computed verdict, the chart."""
    verdicts = claims.evaluate_all(snap, "en")
    ids = claims.claim_ids(snap)
    assert "leave-30-50k" in ids
    for claim in claims.ledger(snap):
        if claim.id not in ids:
            continue
        response = client.get(f"/embed/claim/{claim.id}")
        assert response.status_code == 200
        html = response.data.decode()
        assert f"Verdict: {verdicts[claim.id].verdict}." in html
        assert f'href="{claim.chart.href.replace("&", "&amp;")}"' in html
        assert figure_of(html)["data"]
    assert client.get("/embed/claim/no-such-claim").status_code == 404


def test_an_event_claim_has_no_embed(client, snap):
    """A claim about an event has no chart, so no /embed/claim/<id> (404 naming the charts there are)."""
    events = [c.id for c in claims.ledger(snap) if not claims.has_chart(c)]
    assert events
    response = client.get(f"/embed/claim/{events[0]}")
    assert response.status_code == 404 and "claim/leave-30-50k" in response.data.decode()


@pytest.mark.parametrize("chart_id", STATIC_IDS)
def test_every_choice_of_every_control_embeds(client, snap, chart_id):
    """Each value a control offers must render (a crash here is a broken embed in someone's article)."""
    chart = charts.registry(snap)[chart_id]
    base = "country=DEU&" if chart_id == "destination-series" else ""
    for param in chart.params:
        for value in (param.choices if param.kind == "choice" else (("0", "1") if param.kind == "flag" else ())):
            response = client.get(f"/embed/{chart_id}?{base}{param.name}={param.encode(value)}")
            assert response.status_code == 200, (param.name, value, response.data[:200])


# --- the embed cache: canonical parameters, bounded, never a 4xx -------------------------------------------------

def test_one_cache_entry_per_view_however_the_query_spells_it(fresh_store):
    snap = fresh_store.current()
    chart = charts.registry(snap)["trends"]
    first = embeds.render(chart, {}, fresh_store)
    assert first.status == 200
    for same in ({"theme": "light"}, {"controls": "1", "lang": "en"}, {"measures": "net~emigrants~immigrants"},
                 {"scale": "linear", "per1000": "0"}):
        assert embeds.render(chart, same, fresh_store) is first, same
    assert len(snap.caches["embed"]) == 1
    assert embeds.render(chart, {"theme": "dark"}, fresh_store) is not first
    assert len(snap.caches["embed"]) == 2


@pytest.mark.parametrize("path", ["/embed/trends", "/embed/claim/leave-30-50k"])
def test_theme_light_and_no_theme_are_one_entry_and_a_400_adds_none(app, client, path):
    """Over HTTP, for a chart and for a claim: one entry however the defaults are written; a 400 adds nothing."""
    cache = embed_cache(app)
    before = len(cache)
    plain = client.get(path)
    light = client.get(f"{path}?theme=light&controls=1")
    assert plain.status_code == light.status_code == 200 and plain.data == light.data
    assert len(cache) == before + 1
    for bad in ("theme=blue", "as_of=1999-01-01", "colour=red"):
        response = client.get(f"{path}?{bad}")
        assert response.status_code == 400 and response.mimetype == "text/plain", bad
    assert len(cache) == before + 1


@pytest.mark.parametrize("query", [{"theme": "blue"}, {"nonsense": "1"}, {"years": "2030..2020"},
                                   {"as_of": "1999-01-01"}])
def test_a_bad_parameter_is_a_400_that_leaves_the_cache_as_it_was(fresh_store, query):
    snap = fresh_store.current()
    registry = charts.registry(snap)
    embeds.render(registry["trends"], {}, fresh_store)
    before = len(snap.caches["embed"])
    rendered = embeds.render(registry["trends"], query, fresh_store)
    assert rendered.status == 400 and f"'{next(iter(query))}'" in rendered.body
    missing_country = embeds.render(registry["destination-series"], {}, fresh_store)
    assert missing_country.status == 400 and "'country'" in missing_country.body
    assert len(snap.caches["embed"]) == before


def test_junk_requests_do_not_evict_a_real_embed(app, client, monkeypatch):
    """600 requests with junk parameters (more than the cache holds) are all 400s; the real embed stays
    cached and is not rendered again."""
    cache = embed_cache(app)
    assert client.get("/embed/trends?years=2010..2020").status_code == 200
    size = len(cache)
    assert cache.maxsize < 600
    renders = []
    real_page = embeds._page
    monkeypatch.setattr(embeds, "_page", lambda *a, **k: renders.append(a) or real_page(*a, **k))
    for i in range(600):
        assert client.get(f"/embed/trends?junk{i}=1").status_code == 400
    assert len(cache) == size
    again = client.get("/embed/trends?years=2010..2020&theme=light")
    assert again.status_code == 200 and renders == [], "the real embed was evicted and rendered again"
