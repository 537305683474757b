"""/embed/<chart>, the embed snippet and /oembed: what editors paste into articles.

Embeds are served by the app's blueprint and rendered once per snapshot and canonical parameters: the same
view written differently is one cache entry.  An embed lives in someone else's article, so a bad parameter
never breaks it: the chart is drawn with that parameter's default and a small notice (a 200), and such a
page is not cached (junk queries cannot evict real embeds).  The ``/data/*`` API keeps its 400s.
"""

from __future__ import annotations

import datetime as dt
import json
import re

import pytest

from dashboard import alttext, claims, context, embeds, provenance, settings, snapshots, static_files, urlstate
from dashboard.app import create_app
from dashboard.views import charts, trends
from tests.conftest import FIXTURE_DATA

# Chart ids for parametrize, read from the fixture snapshot (its ledger decides the claim charts).
CHART_IDS = list(charts.registry(snapshots.Store(FIXTURE_DATA).current()))
STATIC_IDS = [c.id for c in charts.STATIC]

# The app's static files (their hashed URLs go into every embed page).
STATIC = static_files.StaticFiles(static_files.package_files(settings.assets_dir()))


def figure_of(html: str) -> dict:
    match = re.search(r'<script type="application/json" id="chart-figure">(.*?)</script>', html)
    assert match, "no figure JSON in the embed page"
    return json.loads(match.group(1))


def notices_of(html: str) -> list[str]:
    """The notices a reader sees above the chart (HTML-unescaped)."""
    import html as html_lib

    return [html_lib.unescape(n) for n in re.findall(r'<p class="notice"[^>]*>(.*?)</p>', html, re.S)]


def controls_of(html: str) -> list[dict]:
    """The embed form's controls as a reader meets them: name, kind, and each option's value and label."""
    import html as html_lib

    form = re.search(r'<form class="controls".*?</form>', html, re.S)
    if not form:
        return []
    out = []
    for match in re.finditer(r'<select name="([^"]+)"[^>]*>(.*?)</select>|<input type="(checkbox|hidden)" '
                             r'name="([^"]+)" value="([^"]*)"([^>]*)>', form.group(0), re.S):
        if match.group(1):
            options = [(v, html_lib.unescape(label), " selected" in attrs) for v, attrs, label in
                       re.findall(r'<option value="([^"]*)"([^>]*)>(.*?)</option>', match.group(2))]
            out.append({"kind": "select", "name": match.group(1), "options": options})
        else:
            out.append({"kind": match.group(3), "name": match.group(4), "value": match.group(5),
                        "checked": "checked" in match.group(6)})
    return out


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
    assert re.search(r'src="/_static/[0-9a-f]{16}/plotly-kz\.js"', html) and "cdn.plot.ly" not in html
    assert figure_of(html)["data"], "the embedded figure has no traces"
    # A Download PNG button of the embed's own (the modebar, whose icons covered titles, is off: the browser
    # tests check it is not drawn); the chart is drawn by embed.js from the JSON block, no inline script.
    assert re.findall(r"<script(?![^>]*(?:src=|application/(?:ld\+)?json))[^>]*>", html) == []
    assert '<button type="button" data-png-for="chart"' in html and "Download PNG" in html


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
                                         ("theme=purple", "theme"), ("controls=maybe", "controls"),
                                         ("as_of=1999-01-01", "1999-01-01"), ("nonsense=1", "nonsense"),
                                         ("per1000=0&per1000=1", "per1000"), ("scale=log&scale=linear", "scale")])
def test_a_bad_embed_parameter_still_draws_the_chart_with_a_notice(client, query, named):
    """A published embed must keep showing a chart: a bare 400 page in a reader's article is the worst kind
    of error.  The parameter falls back (to its default, or its last value if repeated) and a notice says so."""
    response = client.get(f"/embed/trends?{query}")
    assert response.status_code == 200 and response.mimetype == "text/html"
    html = response.data.decode()
    assert figure_of(html)["data"], "the chart is drawn"
    assert any(named in n for n in notices_of(html)), notices_of(html)
    assert "bad parameter" not in html


def test_bad_values_fall_back_to_what_the_reader_would_get_without_them(client):
    assert 'class="theme-light"' in client.get("/embed/trends?theme=purple").data.decode()
    assert '<form class="controls"' in client.get("/embed/trends?controls=maybe").data.decode()
    default = figure_of(client.get("/embed/trends").data.decode())
    assert figure_of(client.get("/embed/trends?years=20..30").data.decode())["data"] == default["data"]
    # A repeated parameter: the last value is the one drawn (a ticked checkbox arrives last).
    ticked = client.get("/embed/trends?per1000=0&per1000=1").data.decode()
    assert figure_of(ticked)["layout"]["title"]["text"] == "Migration per 1,000 residents"
    assert "no data was published on or before 1999-01-01" in " ".join(
        notices_of(client.get("/embed/trends?as_of=1999-01-01").data.decode())).lower()


@pytest.mark.parametrize("url", ["/data/kz-migration.csv?years=20..30", "/data/kz-migration.csv?nonsense=1",
                                 "/data/kz-migration.csv?years=2010..2011&years=2012..2013",
                                 "/data/eaeu.csv?countries=XXX"])
def test_the_data_api_keeps_its_400s(client, url):
    """Scripts want errors, not a fallback they cannot see."""
    response = client.get(url)
    assert response.status_code == 400


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


def test_a_chart_that_needs_a_country_still_draws_something(client):
    """No 400 in an article: the series embed without a country is an empty chart saying so, short."""
    response = client.get("/embed/destination-series")
    assert response.status_code == 200
    fig = figure_of(response.data.decode())
    assert fig["data"] == [] or all(not t.get("x") for t in fig["data"])
    assert [a["text"] for a in fig["layout"]["annotations"]], "the empty chart says why"


def test_a_chart_that_needs_a_country_says_which_parameter(client):
    html = client.get("/embed/destination-series").data.decode()
    assert any("country" in n for n in notices_of(html)), notices_of(html)


def test_unknown_chart_is_404(client):
    response = client.get("/embed/pie-of-everything")
    assert response.status_code == 404 and "trends" in response.data.decode()


def dark_patch_of(html: str) -> list:
    match = re.search(r'<script type="application/json" id="chart-dark">(.*?)</script>', html)
    assert match, "no dark patch in the embed page"
    return json.loads(match.group(1))


def test_controls_0_hides_controls_and_themes_apply(client):
    from dashboard.figures import theme

    with_controls = client.get("/embed/trends").data.decode()
    without = client.get("/embed/trends?controls=0").data.decode()
    assert '<form class="controls"' in with_controls and '<form class="controls"' not in without
    dark = client.get("/embed/trends?theme=dark").data.decode()
    assert 'class="theme-dark"' in dark
    assert figure_of(dark)["layout"]["paper_bgcolor"] == theme.DARK.background
    assert figure_of(with_controls)["layout"]["paper_bgcolor"] == theme.LIGHT.background
    auto = client.get("/embed/trends?theme=auto").data.decode()
    assert 'class="theme-auto"' in auto and "prefers-color-scheme: dark" in auto


def test_theme_auto_carries_the_dark_patch_of_its_own_figure(client):
    """theme=auto draws the light figure and, for a reader who prefers dark, patches it in the browser:
    the patch applied to the light figure must give exactly the theme=dark figure."""
    auto = client.get("/embed/trends?theme=auto").data.decode()
    light, patch = figure_of(auto), dark_patch_of(auto)
    assert patch, "an empty patch leaves dark readers with the light chart"
    for path, value in patch:
        node = light
        for key in path[:-1]:
            node = node[key]
        node[path[-1]] = value
    dark = figure_of(client.get("/embed/trends?theme=dark").data.decode())
    assert light == dark
    assert dark_patch_of(client.get("/embed/trends").data.decode()) == []
    assert dark_patch_of(client.get("/embed/trends?theme=dark").data.decode()) == []


# Each chart offers only the controls that change what it draws ("Leave out Russia" does nothing to the map).
CONTROLS = {"destinations-map": ["measure", "revision", "top"], "top-destinations": ["measure", "revision", "no_russia"],
            "destination-series": [], "trends": ["per1000", "scale"], "trends-compare": [], "eaeu-net": ["measure"],
            "eaeu-stock-share": ["revision"], "eaeu-rank": [], "eaeu-eec": []}


@pytest.mark.parametrize("chart_id", STATIC_IDS)
def test_each_embed_offers_only_its_own_controls(client, snap, chart_id):
    chart = charts.registry(snap)[chart_id]
    assert list(chart.controls_in(chart.defaults())) == CONTROLS[chart_id]
    shown = [c["name"] for c in controls_of(client.get(embed_url(chart_id)).data.decode()) if c["kind"] != "hidden"]
    assert shown == CONTROLS[chart_id]


@pytest.mark.parametrize("chart_id", CHART_IDS)
def test_no_form_field_is_sent_twice(client, chart_id):
    """per1000=0&per1000=1 came from a hidden field beside its checkbox: every name appears once in the form,
    and an unticked checkbox sends nothing (its flag falls back to off)."""
    for query in ("", "?per1000=1&scale=log&no_russia=1&measure=flows&years=2010..2020&countries=KAZ~RUS"):
        html = client.get(embed_url(chart_id) + ("&" if "?" in embed_url(chart_id) else "?") + query.lstrip("?")).data.decode()
        names = [c["name"] for c in controls_of(html)]
        assert len(names) == len(set(names)), names
        assert all(c["kind"] != "hidden" or c["name"] not in CONTROLS.get(chart_id, []) for c in controls_of(html))


def test_selects_show_labels_not_raw_values(client):
    """The Measure select showed "stock" and "flows"."""
    labels = {c["name"]: [label for _v, label, _s in c["options"]]
              for c in controls_of(client.get("/embed/destinations-map").data.decode()) if c["kind"] == "select"}
    assert labels["measure"] == ["People living abroad (UN DESA stock)", "Emigrants by period (BNS flows)"]
    assert labels["revision"] == ["revision 2020", "revision 2024"]
    assert labels["top"][0] == "top 5 destinations"
    trends_labels = {c["name"]: [label for _v, label, _s in c["options"]]
                     for c in controls_of(client.get("/embed/trends").data.decode()) if c["kind"] == "select"}
    assert trends_labels["scale"] == ["Linear", "Log"]
    eaeu_labels = [label for c in controls_of(client.get("/embed/eaeu-net").data.decode()) if c["kind"] == "select"
                   for _v, label, _s in c["options"]]
    assert eaeu_labels == ["people", "per 1,000 residents"]


def test_the_map_embed_offers_only_top_n_choices_that_make_sense(client):
    html = client.get("/embed/destinations-map?measure=flows&period=2023-Q1-Q3").data.decode()
    top = next(c for c in controls_of(html) if c["name"] == "top")
    assert [v for v, _l, _s in top["options"]] == ["5", "10"]


def test_the_source_line_is_printed_once_under_the_chart(client, snap):
    """It was printed twice (inside the figure and as the caption)."""
    for chart_id in CHART_IDS:
        html = client.get(embed_url(chart_id)).data.decode()
        fig = figure_of(html)
        source = fig["layout"]["meta"]["source"]
        assert source.startswith("Source:")
        assert not [a for a in fig["layout"].get("annotations", []) if "Source:" in (a.get("text") or "")], chart_id
        paragraph = re.search(r'<p class="source">(.*?)</p>', html, re.S).group(1)
        import html as html_lib
        assert html_lib.unescape(paragraph).startswith(source), chart_id
        assert html_lib.unescape(html).count(source) == 1 + html_lib.unescape(json.dumps(fig, ensure_ascii=False)).count(source)


def test_the_trends_embed_lists_its_event_numbers(client):
    html = client.get("/embed/trends").data.decode()
    items = re.findall(r"<li>(.*?)</li>", re.search(r'<ol class="events">(.*?)</ol>', html, re.S).group(1))
    assert items == figure_of(html)["layout"]["meta"]["events"]
    assert len(items) == 4
    assert '<ol class="events">' not in client.get("/embed/trends?years=2000..2010").data.decode()


def directive(response, name: str) -> str:
    """One directive of a response's Content-Security-Policy (its sources after the name)."""
    found = [d.strip()[len(name):].strip() for d in response.headers["Content-Security-Policy"].split(";")
             if d.strip().split(" ")[0] == name]
    assert len(found) == 1, response.headers["Content-Security-Policy"]
    return found[0]


def test_embeds_may_be_framed_other_pages_may_not(client, monkeypatch):
    assert directive(client.get("/embed/trends"), "frame-ancestors") == "*"
    page = client.get("/trends")
    assert directive(page, "frame-ancestors") == "'self'"
    assert page.headers["X-Frame-Options"] == "SAMEORIGIN"
    monkeypatch.setenv("KZ_EMBED_FRAME_ANCESTORS", "https://news.example https://cms.example")
    assert directive(client.get("/embed/trends"), "frame-ancestors") == "https://news.example https://cms.example"


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
    inner = client.get("/embed.js", follow_redirects=True).data.decode()
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


def test_as_of_takes_the_latest_snapshot_on_or_before_the_date(data_copy):
    """An article published on 30 November shows the data as of then, whatever later refreshes change."""
    client = create_app(data_copy).server.test_client()
    assert _refresh_with(data_copy, ",45225,", ",45300,") == "2026-12-02"
    between = client.get("/embed/trends?as_of=2026-11-30&measures=emigrants&years=2019..2019").data.decode()
    assert 45225 in figure_of(between)["data"][0]["y"]
    assert any("Pinned to the data as of 25 November 2026" in n for n in notices_of(between)), notices_of(between)
    later = client.get("/embed/trends?as_of=2027-01-01&measures=emigrants&years=2019..2019").data.decode()
    assert 45300 in figure_of(later)["data"][0]["y"] and not notices_of(later)
    before_any = client.get("/embed/trends?as_of=2020-01-01&measures=emigrants&years=2019..2019")
    assert before_any.status_code == 200
    assert 45300 in figure_of(before_any.data.decode())["data"][0]["y"], "the current data, with a notice"
    assert any("current data" in n for n in notices_of(before_any.data.decode()))


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
    """Each value a control offers must render without a notice (a crash or a "bad parameter" here is a
    broken embed in someone's article); each checkbox sends its value when ticked and nothing when not."""
    chart = charts.registry(snap)[chart_id]
    base = "country=DEU&" if chart_id == "destination-series" else ""
    for param in chart.params:
        for value in (param.choices if param.kind == "choice" else (("0", "1") if param.kind == "flag" else ())):
            response = client.get(f"/embed/{chart_id}?{base}{param.name}={param.encode(value)}")
            assert response.status_code == 200, (param.name, value, response.data[:200])
    for control in controls_of(client.get(f"/embed/{chart_id}?{base}".rstrip("&?")).data.decode()):
        values = [v for v, _l, _s in control["options"]] if control["kind"] == "select" else \
            [control["value"]] if control["kind"] == "checkbox" else []
        for value in values:
            html = client.get(f"/embed/{chart_id}?{base}{control['name']}={value}").data.decode()
            assert not [n for n in notices_of(html) if "not valid" in n or "more than once" in n or "Ignored" in n], \
                (control["name"], value, notices_of(html))


# --- the embed cache: canonical parameters, bounded, never a 4xx -------------------------------------------------

def test_one_cache_entry_per_view_however_the_query_spells_it(fresh_store):
    snap = fresh_store.current()
    chart = charts.registry(snap)["trends"]
    first = embeds.render(chart, {}, fresh_store, STATIC)
    assert first.status == 200
    for same in ({"theme": "light"}, {"controls": "1", "lang": "en"}, {"measures": "net~emigrants~immigrants"},
                 {"scale": "linear", "per1000": "0"}):
        assert embeds.render(chart, same, fresh_store, STATIC).body == first.body, same
    assert len(snap.caches["embed"]) == 1
    assert embeds.render(chart, {"theme": "dark"}, fresh_store, STATIC).body != first.body
    assert len(snap.caches["embed"]) == 2


@pytest.mark.parametrize("path", ["/embed/trends", "/embed/claim/leave-30-50k"])
def test_theme_light_and_no_theme_are_one_entry_and_a_bad_parameter_adds_none(app, client, path):
    """Over HTTP, for a chart and for a claim: one entry however the defaults are written; a bad parameter is
    drawn (with its notice) but adds no cache entry."""
    cache = embed_cache(app)
    before = len(cache)
    plain = client.get(path)
    light = client.get(f"{path}?theme=light&controls=1")
    assert plain.status_code == light.status_code == 200 and plain.data == light.data
    assert len(cache) == before + 1
    for bad in ("theme=blue", "as_of=1999-01-01", "colour=red"):
        response = client.get(f"{path}?{bad}")
        assert response.status_code == 200 and response.mimetype == "text/html", bad
        assert notices_of(response.data.decode()), bad
    assert len(cache) == before + 1


@pytest.mark.parametrize("query", [{"theme": "blue"}, {"nonsense": "1"}, {"years": "2030..2020"},
                                   {"as_of": "1999-01-01"}, {"as_of": "2026-13-01"}])
def test_a_bad_parameter_is_drawn_with_a_notice_and_leaves_the_cache_as_it_was(fresh_store, query):
    snap = fresh_store.current()
    registry = charts.registry(snap)
    embeds.render(registry["trends"], {}, fresh_store, STATIC)
    before = len(snap.caches["embed"])
    rendered = embeds.render(registry["trends"], query, fresh_store, STATIC)
    assert rendered.status == 200 and notices_of(rendered.body)
    assert figure_of(rendered.body)["data"]
    assert len(snap.caches["embed"]) == before


def test_a_repeated_parameter_takes_its_last_value_with_a_notice(fresh_store):
    """per1000=0&per1000=1 (what the old embed form sent): the last value wins, and that one view is cached."""
    snap = fresh_store.current()
    chart = charts.registry(snap)["trends"]
    rendered = embeds.render(chart, {"per1000": ["0", "1"]}, fresh_store, STATIC)
    assert rendered.status == 200 and notices_of(rendered.body)
    assert figure_of(rendered.body)["layout"]["title"]["text"].startswith("Migration per 1,000")
    plain = embeds.render(chart, {"per1000": "1"}, fresh_store, STATIC)
    assert len(snap.caches["embed"]) == 1, "the repeated spelling and the plain one are one view"
    assert not any("more than once" in n for n in notices_of(plain.body))
    assert any("more than once" in n for n in notices_of(rendered.body))


def test_junk_requests_do_not_evict_a_real_embed(app, client, monkeypatch):
    """More requests with junk parameters than the cache holds each draw the chart with a notice; the real
    embed stays cached and is not rendered again.  (The cache is shrunk to 16 entries so the test needs 40
    requests, not 600: each junk request is a full render.)"""
    cache = embed_cache(app)
    monkeypatch.setattr(cache, "maxsize", 16)
    assert client.get("/embed/trends?years=2010..2020").status_code == 200
    size = len(cache)
    renders = []
    real_page = embeds.page_html
    monkeypatch.setattr(embeds, "page_html", lambda *a, **k: renders.append(a) or real_page(*a, **k))
    for i in range(40):
        assert client.get(f"/embed/trends?junk{i}=1").status_code == 200
    # Every junk request falls back to the one default view: rendered once, cached once, the notice per request.
    assert len(cache) == size + 1 and len(renders) == 1
    renders.clear()
    again = client.get("/embed/trends?years=2010..2020&theme=light")
    assert again.status_code == 200 and renders == [], "the real embed was evicted and rendered again"
