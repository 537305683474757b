"""``kz-emigration bake``: every baked view, link and file is there, holds what the live app serves for the same
address, and a bake that fails or meets a folder it does not own changes nothing."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qsl

import pytest

from dashboard import bake, cli, downloads, embeds, settings, static_files, urlstate
from dashboard.snapshots import Store
from dashboard.views import charts
from tests.conftest import BAKED_CHARTS, FIXTURE_DATA

LINK = re.compile(r'(?:src|href)="([^"]+)"')
FIGURE = re.compile(r'<script type="application/json" id="chart-figure">(.*?)</script>')


def _static():
    return static_files.StaticFiles(static_files.package_files(settings.assets_dir()))


def _file(root: Path, url: str) -> Path:
    path = root / url.lstrip("/")
    return path / "index.html" if url.endswith("/") else path


def _pages(root: Path) -> list[Path]:
    return sorted((root / "embed").rglob("index.html"))


def _spec(page: Path) -> dict:
    return json.loads(re.search(r'id="kz-bake">(.*?)</script>', page.read_text()).group(1))


def test_a_view_is_a_folder_per_setting_in_the_canonical_order():
    assert bake.folder("/embed/trends/", "") == "/embed/trends/"
    assert bake.folder("/embed/trends/", "?scale=log&lang=ru") == "/embed/trends/scale=log/lang=ru/"
    assert bake.folder("/data/x/", "?years=2010..2020&countries=DEU~RUS") == \
        "/data/x/years=2010..2020/countries=DEU~RUS/"


@pytest.mark.parametrize("query", ["?a=../b", "?a=%2F", "?a=b/c", "?=x", "?a="])
def test_a_setting_that_is_not_a_plain_folder_name_is_refused(query):
    with pytest.raises(bake.BakeError, match="not a plain folder name"):
        bake.folder("/embed/x/", query)


def test_the_map_bakes_every_view_its_controls_reach(snap):
    chart = charts.registry(snap)["destinations-map"]
    states = bake.chart_states(chart, snap)
    keys = {urlstate.encode(s, chart.params) for s in states}
    assert "" in keys and "?measure=flows" in keys and "?revision=2024" in keys
    # No revision control in the flows view, but a revision chosen before switching is carried along.
    assert "?measure=flows&revision=2024" in keys
    assert all(s["year"] == chart.defaults()["year"] for s in states)  # no control, so never baked
    assert len(keys) == len(states)


def test_the_chart_of_one_destination_bakes_its_prompt_and_each_destination(snap):
    from dashboard.views import destinations

    chart = charts.registry(snap)["destination-series"]
    countries = {s["country"] for s in bake.chart_states(chart, snap)}
    assert countries == {None} | destinations.destinations_present(snap)


def test_every_page_of_each_chart_is_baked_in_each_language_and_theme(baked, snap):
    manifest = json.loads((baked / bake.MANIFEST).read_text())
    assert manifest["snapshot"] == snap.id and sorted(manifest["charts"]) == sorted(BAKED_CHARTS)
    pages = _pages(baked)
    assert len(pages) == manifest["pages"]
    plans = {p.chart.id: p for p in bake.plan(snap, BAKED_CHARTS)}
    # 3 languages x 3 themes x (with and without controls, where the chart has any)
    assert manifest["pages"] == sum(len(p.states) * 9 * (2 if p.has_controls else 1) for p in plans.values())
    for page in pages:
        html = page.read_text()
        lang = re.search(r'<html lang="(\w+)"', html).group(1)
        assert (f"lang={lang}" in page.parent.name) == (lang != "en"), page


def test_every_link_in_every_baked_page_is_a_baked_file(baked):
    missing = set()
    for page in _pages(baked):
        for url in LINK.findall(page.read_text()):
            assert "?" not in url, f"{page}: {url} (a static host ignores query strings)"
            if not _file(baked, url).is_file():
                missing.add(url)
    assert not missing, sorted(missing)[:10]


def test_every_control_of_every_baked_page_leads_to_a_baked_view(baked):
    # What bake.js does with a changed control, in Python: the page's settings with that option, canonical.
    checked = 0
    for page in _pages(baked)[::7]:
        spec = _spec(page)
        html = page.read_text()
        for name, options in re.findall(r'<select name="(\w+)">(.*?)</select>', html):
            for value in re.findall(r'<option value="([^"]*)"', options):
                state = {**spec["page"], name: value}
                chart = "&".join(f"{n}={state[n]}" for n, default in spec["chart"]
                                 if state.get(n) not in (None, default))
                assert chart in spec["states"], (page, name, value)
                checked += 1
    assert checked > 100


def test_a_baked_page_draws_the_figure_the_live_embed_draws(baked, client):
    for url in ("/embed/trends?scale=log&lang=ru", "/embed/destinations-map?measure=flows&theme=dark",
                "/embed/destination-series?country=DEU&lang=kk"):
        path, _sep, query = url.partition("?")
        live = client.get(url).data.decode()
        parsed = dict(parse_qsl(query))
        lang = parsed.pop("lang", "en")
        chart = next(c for c in charts.STATIC if c.id == path.rsplit("/", 1)[1])
        values, _n = urlstate.parse(parsed, (*chart.params, *embeds.embed_params()), strict=False)
        canonical = urlstate.with_lang(urlstate.encode(values, (*chart.params, *embeds.embed_params())), lang)
        baked_page = _file(baked, bake.folder(path + "/", canonical)).read_text()
        assert FIGURE.search(baked_page).group(1) == FIGURE.search(live).group(1), url


def test_every_baked_data_file_is_what_the_live_route_serves(baked, client):
    files = [f for f in (baked / "data").rglob("*") if f.is_file()]
    assert {f.suffix for f in files} == {".csv", ".json", ".zip"}
    names = {f.name for f in files}
    assert {"migrant-stock.csv", "migrant-stock.meta.json", "migrant-stock.zip"} <= names
    for f in files:
        rel = f.relative_to(baked / "data")
        dataset = rel.parts[0] if len(rel.parts) > 1 else None
        if dataset is None:
            live_url = f"/data/{rel}"
        else:  # /data/<name>/<k=v>/.../<file>: the live URL is /data/<name><suffix>?k=v&...
            suffix = next(s for s in bake.SUFFIXES if f.name.endswith(s))
            live_url = f"/data/{dataset}{suffix}?" + "&".join(rel.parts[1:-1])
            values, _n = urlstate.parse(dict(parse_qsl(live_url.partition("?")[2])), downloads.params(dataset),
                                        strict=True)
            assert f.name == downloads.filename(dataset, values, suffix)
        reply = client.get(live_url)
        assert reply.status_code == 200 and reply.data == f.read_bytes(), live_url


def test_the_assets_are_the_hashed_files_with_compressed_siblings(baked):
    static = _static()
    for name in static.digests:
        raw = _file(baked, static.url(name)).read_bytes()
        assert raw == static.files[name].read_bytes()
        if name.endswith(".ico"):  # not text: no compressed siblings
            assert not _file(baked, static.url(name) + ".br").exists()
            continue
        assert _file(baked, static.url(name) + ".br").stat().st_size < len(raw) or len(raw) < 1000
    assert (baked / "embed-resize.js").read_bytes() == static.files["embed-resize.js"].read_bytes()
    assert "immutable" in (baked / "_headers").read_text()


def test_the_headers_file_frames_embeds_as_the_live_app_does(monkeypatch):
    monkeypatch.setenv("KZ_EMBED_FRAME_ANCESTORS", "https://news.example")
    embeds = bake.headers().split("/embed/*\n")[1].split("\n/")[0]
    policy = next(line for line in embeds.splitlines() if line.startswith("  Content-Security-Policy: "))
    # The embed's policy, scripts from the host alone (a baked embed runs no inline script).
    assert policy.endswith("; script-src 'self'; frame-ancestors https://news.example")
    assert "default-src 'self'" in policy and "unsafe-eval" not in policy


def test_the_headers_file_sends_the_live_apps_security_headers_everywhere():
    from dashboard.security import HEADERS as SECURITY_HEADERS

    first = bake.headers().split("\n/_static/*")[0]
    assert first.startswith("/*\n")
    for name, value in SECURITY_HEADERS.items():
        assert f"  {name}: {value}\n" in first + "\n"


def test_a_bake_refuses_a_folder_it_did_not_write_and_touches_nothing(tmp_path):
    out = tmp_path / "mine"
    out.mkdir()
    (out / "notes.txt").write_text("keep me")
    with pytest.raises(bake.BakeError, match="not a bake"):
        bake.bake(out, Store(FIXTURE_DATA), _static(), only=("eaeu-rank",))
    assert [p.name for p in out.iterdir()] == ["notes.txt"]


def test_a_new_bake_replaces_the_old_one_whole_and_a_failed_one_leaves_it(tmp_path, monkeypatch):
    out = tmp_path / "site"
    bake.bake(out, Store(FIXTURE_DATA), _static(), only=("eaeu-rank",))
    (out / "stale.html").write_text("from an earlier bake")
    first = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(downloads, "body", broken)
    with pytest.raises(OSError, match="disk full"):
        bake.bake(out, Store(FIXTURE_DATA), _static(), only=("trends",))
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == first
    assert not list(tmp_path.glob(".site.*"))  # its work folder is gone
    monkeypatch.undo()
    (tmp_path / ".site.baking-999999").mkdir()  # left by a bake that was killed
    bake.bake(out, Store(FIXTURE_DATA), _static(), only=("trends",))
    assert not (out / "stale.html").exists()
    assert json.loads((out / bake.MANIFEST).read_text())["charts"] == ["trends"]
    assert not list(tmp_path.glob(".site.*"))


def test_the_command_bakes_and_names_what_it_wrote(tmp_path, capsys):
    out = tmp_path / "site"
    assert cli.main(["bake", str(out), "--chart", "eaeu-rank", "--site", "https://kz.example",
                     "--data-dir", str(FIXTURE_DATA)]) == 0
    said = capsys.readouterr().out
    assert f"into {out}" in said and "9 embed pages of 1 charts" in said
    page = (out / "embed" / "eaeu-rank" / "lang=ru" / "index.html").read_text()
    assert 'href="https://kz.example/eaeu?lang=ru"' in page  # "Open the full chart" on the live site
    assert cli.main(["bake", str(tmp_path / "other"), "--chart", "nope", "--data-dir", str(FIXTURE_DATA)]) == 1
    assert "unknown chart 'nope'" in capsys.readouterr().err
    assert not (tmp_path / "other").exists()


def test_without_a_live_site_a_baked_page_has_no_link_to_it(baked):
    page = (baked / "embed" / "trends" / "index.html").read_text()
    assert "Get the data" in page and 'href="/data/kz-migration.csv"' in page
    assert "Open the full chart" not in page
