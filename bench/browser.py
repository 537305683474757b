"""Weight and time to chart, in Debian's headless Chromium (Playwright, no download).

Weight: bytes on the wire (DevTools' encodedDataLength: headers and compressed bodies) of a first load in
a fresh profile, until the chart is drawn and the network is idle, from a warm server (every target loaded
once before, and Dash's scripts given time to be recompressed at brotli's best level, as they are for every
reader after the first); the very first reader's bytes are kept too (``first_reader_bytes``).
Time to chart: navigation start to
the chart drawn, against a standalone HTML file of the same figure with the same plotly.js bundle served
compressed by a plain static server (the floor), measured in the same run; on loopback and on a
throttled 10 Mbit/s, 40 ms profile (DevTools network emulation).  For a page, also against the Dash floor
(``dash_floor``: a bare Dash app with that figure already in its layout), reported: what any Dash page
costs before its own work.
"""

from __future__ import annotations

import contextlib
import json
import re
import shutil
import statistics
import tempfile
import time
import urllib.request
from pathlib import Path

from bench import servers

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-quic"]
THROTTLED = {"offline": False, "latency": 40, "downloadThroughput": 10_000_000 / 8,
             "uploadThroughput": 10_000_000 / 8}
# Page or embed -> the chart it draws (the floor draws that chart's figure alone).
TARGETS = {
    "/embed/trends": "trends", "/embed/destinations-map": "destinations-map", "/embed/eaeu-net": "eaeu-net",
    "/embed/claim/leave-30-50k": "claim/leave-30-50k",
    "/": "claim/leave-30-50k", "/destinations": "destinations-map", "/trends": "trends", "/eaeu": "eaeu-net",
    "/data": None,
}
DRAWN = """() => { const svg = document.querySelector('.js-plotly-plot .main-svg');
    return !!svg && !!document.querySelector('.js-plotly-plot .trace, .js-plotly-plot .choroplethlocation'); }"""
# A page's own chart, drawn by Dash once the first view (dashboard/first_view.py) has given way to it.
OWN = """() => !document.getElementById('kz-first-view') && !!document.querySelector(
    '#react-entry-point .js-plotly-plot .trace, #react-entry-point .js-plotly-plot .choroplethlocation')"""
RECOMPRESS_S = 25  # Dash's scripts at brotli 11 in the background: ~5 s of one CPU per worker (compression.py),
# and the pages' first views (~1 s per worker), with time to spare on a busy machine
GRID = "() => !!document.querySelector('.ag-row[row-index]')"

STANDALONE = """<!DOCTYPE html><html><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1"><script src="plotly-kz.js"></script></head>
<body><div id="chart" style="width:100%;height:{height}px"></div><script>
var fig = {figure};
Plotly.newPlot("chart", fig.data, fig.layout, {{responsive: true, displayModeBar: false, topojsonURL: "topojson/"}});
</script></body></html>"""


def _figure_of(embed_html: str) -> tuple[str, int]:
    figure = re.search(r'<script type="application/json" id="chart-figure">(.*?)</script>', embed_html)[1]
    height = int(re.search(r"#chart \{ width: 100%; height: (\d+)px", embed_html)[1])
    return figure, height


def standalone_folder(app_url: str, charts: set[str]) -> Path:
    """One standalone HTML file per chart, with the app's bundle and map shapes, pre-compressed; beside
    each, ``<chart>.json``: its figure, for the Dash floor."""
    from dashboard import static_files

    folder = Path(tempfile.mkdtemp(prefix="kz-floor-"))
    files = static_files.package_files(Path("assets"))
    shutil.copy(files["plotly-kz.js"], folder / "plotly-kz.js")
    (folder / "topojson").mkdir()
    shutil.copy(files["topojson/world_110m.json"], folder / "topojson" / "world_110m.json")
    for chart in charts:
        with urllib.request.urlopen(f"{app_url}/embed/{chart}") as response:
            figure, height = _figure_of(response.read().decode())
        name = chart.replace("/", "-")
        (folder / f"{name}.html").write_text(STANDALONE.format(figure=figure, height=height))
        (folder / f"{name}.json").write_text(figure)
    servers.brotli_folder(folder)
    return folder


@contextlib.contextmanager
def dash_floors(folder: Path, charts: set[str]):
    """A Dash floor server (``bench/dash_floor.py`` under gunicorn, one worker) per chart: chart -> URL."""
    with contextlib.ExitStack() as stack:
        urls = {}
        for chart in charts:
            env = {"KZ_FLOOR_FIGURE": str(folder / f"{chart.replace('/', '-')}.json"), "KZ_FLOOR_ASSETS": str(folder)}
            url, _started, _process = stack.enter_context(servers.gunicorn("bench.dash_floor:server", workers=1,
                                                                           env=env))
            urls[chart] = url
        for url in urls.values():
            servers.wait_for(url + "/", timeout=120)
        yield urls


def _load(browser, url: str, ready: str, throttle: dict | None) -> dict:
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    cdp = context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    if throttle:
        cdp.send("Network.emulateNetworkConditions", throttle)
    sizes: dict[str, float] = {}
    full: list[str] = []
    urls: dict[str, str] = {}
    cdp.on("Network.requestWillBeSent", lambda e: urls.__setitem__(e["requestId"], e["request"]["url"]))
    cdp.on("Network.loadingFinished", lambda e: sizes.__setitem__(e["requestId"], e["encodedDataLength"]))
    page.goto(url, wait_until="commit")
    page.wait_for_function(ready, polling="raf", timeout=120_000)
    drawn_ms = page.evaluate("() => performance.now()")
    first_view = page.evaluate("() => !!document.getElementById('kz-first-view-chart')")
    own_ms = None
    if page.evaluate("() => !!document.getElementById('react-entry-point')") and ready == DRAWN:
        page.wait_for_function(OWN, polling="raf", timeout=120_000)
        own_ms = page.evaluate("() => performance.now()")
    page.wait_for_load_state("networkidle")
    for request_id, url_seen in urls.items():
        if re.search(r"/plotly(\.min)?\.js$|package_data/plotly", url_seen):
            full.append(url_seen)
    context.close()
    return {"ms": drawn_ms, "own_ms": own_ms, "first_view": first_view, "bytes": int(sum(sizes.values())),
            "requests": len(sizes), "full_bundle": full}


def run(app_url: str, repeats: int = 3) -> dict:
    from playwright.sync_api import sync_playwright

    charts = {c for c in TARGETS.values() if c}
    page_charts = {c for t, c in TARGETS.items() if c and not t.startswith("/embed/")}
    floor_dir = standalone_folder(app_url, charts)
    results: dict = {"weight": {}, "time_to_chart": {}, "throttled": {}}
    try:
        with servers.brotli_static_server(floor_dir) as floor_url, dash_floors(floor_dir, page_charts) as dash_urls, \
                sync_playwright() as p:
            browser = p.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
            first = {target: _load(browser, app_url + target, GRID if chart is None else DRAWN, None)["bytes"]
                     for target, chart in TARGETS.items()}
            for url in dash_urls.values():
                _load(browser, url + "/", DRAWN, None)  # its scripts compressed once, as the app's are
            # Each worker builds a page's first view the second time it serves the page (in the background):
            # ask often enough that every worker has them, as the warm-up would have built them.
            for _ in range(8):
                for target, chart in TARGETS.items():
                    if chart and not target.startswith("/embed/"):
                        urllib.request.urlopen(app_url + target).read()
            time.sleep(RECOMPRESS_S)
            for profile, throttle in (("loopback", None), ("throttled", THROTTLED)):
                runs = repeats if profile == "loopback" else 1
                for target, chart in TARGETS.items():
                    ready = GRID if chart is None else DRAWN
                    samples, floors, dash_floor = [], [], []
                    for _ in range(runs):  # interleaved: the page, then its floor (and its Dash floor)
                        samples.append(_load(browser, app_url + target, ready, throttle))
                        if chart:
                            floors.append(_load(browser, f"{floor_url}/{chart.replace('/', '-')}.html", DRAWN,
                                                throttle))
                        if chart and not target.startswith("/embed/"):
                            dash_floor.append(_load(browser, dash_urls[chart] + "/", DRAWN, throttle))
                    ms = statistics.median(s["ms"] for s in samples)
                    floor = statistics.median(s["ms"] for s in floors) if floors else None
                    row = {"ms": round(ms), "floor_ms": round(floor) if floor else None,
                           "ratio": round(ms / floor, 2) if floor else None}
                    if samples[0]["own_ms"] is not None:
                        row.update(own_ms=round(statistics.median(s["own_ms"] for s in samples)),
                                   first_view=sum(s["first_view"] for s in samples))
                    if dash_floor:
                        dash_ms = statistics.median(s["ms"] for s in dash_floor)
                        row.update(dash_floor_ms=round(dash_ms), dash_floor_ratio=round(dash_ms / floor, 2))
                    if profile == "loopback":
                        results["weight"][target] = {"bytes": samples[0]["bytes"], "requests": samples[0]["requests"],
                                                     "full_bundle": samples[0]["full_bundle"],
                                                     "first_reader_bytes": first[target]}
                        results["time_to_chart"][target] = row
                    else:
                        results["throttled"][target] = row
            browser.close()
    finally:
        shutil.rmtree(floor_dir, ignore_errors=True)
    return results


if __name__ == "__main__":
    import sys

    print(json.dumps(run(sys.argv[1]), indent=2))
