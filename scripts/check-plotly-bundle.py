#!/usr/bin/env python3
"""Check the partial plotly.js bundle, its locales and the trimmed map shapes in real headless Chromium.

Serves a temporary folder from ``python3 -m http.server`` on 127.0.0.1 and opens standalone pages with
Playwright driving Debian's ``/usr/bin/chromium`` (never a browser Playwright downloads). Every request
that does not go to that server is blocked and recorded, and fails the check. The pages draw:

  scatter   a line chart (dates on x, thousands on y)
  bar       a horizontal bar chart
  map       a world choropleth (locationmode ISO-3) with a scattergeo line, shapes from the trimmed
            world_110m.json through config.topojsonURL
  kk, ru    the line chart with config.locale 'kk' / 'ru' (month names, separators, mode bar titles),
            and kk with an explicit layout.separators
then export each with Plotly.toImage and click the mode bar's download button.

Also checked without a browser: provenance checksums, the Kazakh locale's CLDR names against Babel, the
trimmed shapes' `countries` layer against assets/topojson/world_110m.json read with geopandas. Sizes
(raw, gzip -9, brotli) of the full plotly.min.js, the bundle, the locales and the shapes are printed.

    python3 scripts/check-plotly-bundle.py [--out DIR] [--bundle PATH] [--shapes PATH] [--chromium PATH]

Exits 1 if any check fails. Screenshots (PNG) go to --out (default: a new folder under /tmp).
"""

from __future__ import annotations

import argparse
import base64
import contextlib
import gzip
import hashlib
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlparse

ROOT = Path(__file__).resolve().parents[1]
VENDOR = ROOT / "dashboard" / "static" / "vendor"
BUNDLE = VENDOR / "plotly-kz.min.js"
LOCALES = {"ru": VENDOR / "plotly-locale-ru.js", "kk": VENDOR / "plotly-locale-kk.js"}
SHAPES = VENDOR / "topojson" / "world_110m.json"
SOURCE_SHAPES = ROOT / "assets" / "topojson" / "world_110m.json"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run"]
NBSP = "\u00a0"
DOWNLOAD_TITLE = {"map": "Download plot as a PNG", "kk": "PNG форматында сақтау"}

failures: list[str] = []
PARTIAL = True  # False when --bundle names another bundle (e.g. the full plotly.min.js, for comparison)


def check(ok: bool, what: str) -> bool:
    print(("  ok    " if ok else "  FAIL  ") + what)
    if not ok:
        failures.append(what)
    return ok


# ---------------------------------------------------------------- sizes

def sizes(path: Path) -> tuple[int, int, int | None]:
    data = path.read_bytes()
    gz = len(gzip.compress(data, compresslevel=9, mtime=0))
    try:
        import brotli
        br = len(brotli.compress(data, quality=11))
    except ImportError:
        br = None
    return len(data), gz, br


def print_sizes() -> None:
    import plotly
    full = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    rows = [("plotly.min.js (plotly.py %s, full)" % plotly.__version__, full),
            ("plotly-kz.min.js (partial bundle)", BUNDLE),
            ("plotly-locale-ru.js", LOCALES["ru"]), ("plotly-locale-kk.js", LOCALES["kk"]),
            ("assets/topojson/world_110m.json (source)", SOURCE_SHAPES),
            ("static/vendor/topojson/world_110m.json (trimmed)", SHAPES)]
    print("\nsizes (bytes)                                         raw      gzip -9   brotli 11")
    for name, path in rows:
        raw, gz, br = sizes(path)
        print(f"  {name:<48} {raw:>9,} {gz:>10,} {br if br is not None else 'n/a':>10,}")


# ---------------------------------------------------------------- checks without a browser

def check_files() -> None:
    print("files")
    for path in [BUNDLE, SHAPES]:
        prov_path = path.with_name(path.name + ".provenance.json") if path == BUNDLE else \
            path.with_name(path.stem + ".provenance.json")
        prov = json.loads(prov_path.read_text())
        want = prov["checksum"]
        have = "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()
        check(want == have, f"{prov_path.relative_to(ROOT)} checksum matches {path.name}")
    head = BUNDLE.read_text(encoding="utf-8")[:400]
    check(head.startswith("/**\n* plotly.js (kz-emigration partial") and "Licensed under the MIT license" in head,
          "bundle starts with plotly.js's licence header")
    check((VENDOR / "LICENSE.plotly.js").read_text().startswith("MIT License"), "LICENSE.plotly.js present")

    # Kazakh locale: CLDR names as Babel gives them
    from babel.dates import get_day_names, get_month_names
    from babel.numbers import get_decimal_symbol, get_group_symbol
    text = LOCALES["kk"].read_text(encoding="ascii")
    obj = json.loads(re.search(r"var locale = (\{.*?\n\});", text, re.S).group(1))
    fmt = obj["format"]
    sun_first = [6, 0, 1, 2, 3, 4, 5]
    want = {
        "days": [get_day_names("wide", "stand-alone", "kk")[i] for i in sun_first],
        "shortDays": [get_day_names("abbreviated", "stand-alone", "kk")[i] for i in sun_first],
        "months": [get_month_names("wide", "stand-alone", "kk")[i] for i in range(1, 13)],
        "shortMonths": [get_month_names("abbreviated", "stand-alone", "kk")[i] for i in range(1, 13)],
        "decimal": get_decimal_symbol("kk"), "thousands": get_group_symbol("kk"),
    }
    for key, value in want.items():
        check(fmt[key] == value, f"kk locale format.{key} is Babel's CLDR data ({value!r:.60})")
    ru = LOCALES["ru"].read_text(encoding="ascii")
    ru_keys = set(re.findall(r'(?:[{,])(?:"((?:[^"\\]|\\.)*)"|([A-Za-z_]\w*)):"', ru.split("format:")[0]))
    js_str = lambda a: json.loads('"%s"' % re.sub(r"\\x([0-9a-fA-F]{2})", r"\\u00\1", a))
    ru_keys = {js_str(a) if a else b for a, b in ru_keys} - {"moduleType", "name"}
    check(set(obj["dictionary"]) == ru_keys, f"kk dictionary has the {len(ru_keys)} keys of the ru locale")

    # Trimmed shapes: same ISO3 ids and label points for the Python side
    sys.path.insert(0, str(ROOT))
    from dashboard import geo
    src = geo.countries("110m")
    trimmed = geo.countries("110m", assets=VENDOR)
    check(list(src.index) == list(trimmed.index), f"trimmed shapes: same {len(src)} ISO3 ids via geopandas")
    check(src[["lon", "lat"]].equals(trimmed[["lon", "lat"]]), "trimmed shapes: same ct label points")
    topo = json.loads(SHAPES.read_text())
    check(sorted(topo["objects"]) == ["countries", "land"], "trimmed shapes keep only countries and land")


# ---------------------------------------------------------------- pages

PAGE = """<!doctype html>
<html lang="{lang}"><head><meta charset="utf-8"><title>{case}</title>
<style>body {{ margin: 0; font-family: sans-serif; }} #chart {{ width: 900px; height: 480px; }}</style>
<script src="plotly.js"></script>
{locale_scripts}
</head><body><div id="chart"></div>
<script>
window.__result = null;
(async function () {{
  try {{
    var fig = {figure};
    await Plotly.newPlot("chart", fig.data, fig.layout, fig.config);
    window.__result = {{ok: true}};
  }} catch (e) {{
    window.__result = {{ok: false, error: String(e && e.stack || e)}};
  }}
}})();
</script></body></html>
"""

MONTHS = [f"2020-{m:02d}-01" for m in range(1, 13)] + ["2021-01-01"]


def line_figure(locale: str | None = None, separators: str | None = None) -> dict:
    layout = {"title": {"text": "Emigrants by month"}, "margin": {"l": 90, "r": 20, "t": 50, "b": 60},
              "xaxis": {"tickformat": "%b %Y", "dtick": "M3"},
              "yaxis": {"tickformat": ",.1f", "separatethousands": True}}
    if separators is not None:
        layout["separators"] = separators
    config = {"displaylogo": False}
    if locale:
        config["locale"] = locale
    return {"data": [{"type": "scatter", "mode": "lines+markers", "x": MONTHS, "name": "emigrants",
                      "y": [12345.5, 13010.25, 11800, 12950, 14200.75, 15000, 14100, 13900, 12500, 12010,
                            11900, 12600, 13050]}],
            "layout": layout, "config": config}


def bar_figure() -> dict:
    names = ["Russia", "Germany", "Ukraine", "Belarus", "USA", "Israel"]
    return {"data": [{"type": "bar", "orientation": "h", "y": names[::-1],
                      "x": [2154, 1820, 640, 212, 145, 98][::-1], "marker": {"color": "#1f77b4"}}],
            "layout": {"title": {"text": "Top destinations"}, "margin": {"l": 90, "r": 20, "t": 50, "b": 40},
                       "xaxis": {"separatethousands": True, "tickformat": ",d"}},
            "config": {"displaylogo": False}}


MAP_LOCATIONS = ["RUS", "DEU", "UKR", "BLR", "USA", "ISR", "KGZ", "UZB", "TUR", "CAN", "LUX"]


def map_figure() -> dict:
    import math
    values = [2300000, 690000, 340000, 90000, 30000, 25000, 110000, 160000, 20000, 15000, 40]
    origin, end = (66.9, 48.0), (10.4, 51.1)  # Kazakhstan -> Germany, a straight lon/lat line
    lons = [origin[0] + (end[0] - origin[0]) * i / 20 for i in range(21)]
    lats = [origin[1] + (end[1] - origin[1]) * i / 20 for i in range(21)]
    return {"data": [
        {"type": "choropleth", "locationmode": "ISO-3", "locations": MAP_LOCATIONS,
         "z": [math.log10(v) for v in values], "colorscale": "Blues", "reversescale": True,
         "showscale": False,
         "marker": {"line": {"color": "#777", "width": 0.4}}},
        {"type": "scattergeo", "mode": "lines", "lon": lons, "lat": lats,
         "line": {"width": 3, "color": "#d62728"}, "showlegend": False}],
        "layout": {"title": {"text": "Where people born in Kazakhstan live"},
                   "margin": {"l": 8, "r": 8, "t": 50, "b": 8}, "showlegend": False, "dragmode": "pan",
                   "geo": {"scope": "world", "projection": {"type": "natural earth"}, "fitbounds": False,
                           "resolution": 110, "showcountries": True, "countrycolor": "#aaa",
                           "showland": True, "landcolor": "#e8e8e8", "showcoastlines": False,
                           "showframe": False, "showocean": False, "showlakes": False, "bgcolor": "white",
                           "lataxis": {"range": [-57, 84]}, "lonaxis": {"range": [-180, 180]}}},
        "config": {"displaylogo": False, "topojsonURL": "topojson/"}}


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextlib.contextmanager
def http_server(folder: Path):
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "http.server", str(port), "--bind", "127.0.0.1",
                             "--directory", str(folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
                conn.request("HEAD", "/")
                conn.getresponse()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("http.server did not start")
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


def browser_checks(bundle: Path, shapes: Path, out: Path, chromium: str) -> None:
    from playwright.sync_api import sync_playwright

    site = Path(tempfile.mkdtemp(prefix="plotly-check-site-"))
    try:
        shutil.copy(bundle, site / "plotly.js")
        for name, path in LOCALES.items():
            shutil.copy(path, site / f"plotly-locale-{name}.js")
        (site / "topojson").mkdir()
        shutil.copy(shapes, site / "topojson" / "world_110m.json")
        cases = {
            "scatter": (line_figure(), "en", []),
            "bar": (bar_figure(), "en", []),
            "map": (map_figure(), "en", []),
            "kk": (line_figure("kk"), "kk", ["kk"]),
            "kk-separators": (line_figure("kk", separators=", "), "kk", ["kk"]),
            "ru": (line_figure("ru"), "ru", ["ru", "kk"]),
        }
        for case, (fig, lang, locales) in cases.items():
            scripts = "\n".join(f'<script src="plotly-locale-{name}.js"></script>' for name in locales)
            (site / f"{case}.html").write_text(PAGE.format(case=case, lang=lang, locale_scripts=scripts,
                                                           figure=json.dumps(fig)), encoding="utf-8")

        with http_server(site) as base, sync_playwright() as pw:
            browser = pw.chromium.launch(executable_path=chromium, headless=True, args=CHROMIUM_ARGS)
            context = browser.new_context(viewport={"width": 920, "height": 500}, accept_downloads=True,
                                          service_workers="block")
            blocked: list[str] = []
            served: list[str] = []
            local = urlparse(base).netloc

            def route(r):
                url = r.request.url
                if urlparse(url).netloc == local:
                    served.append(url)
                    r.continue_()
                else:
                    blocked.append(url)
                    r.abort()

            context.route("**/*", route)
            for case in cases:
                print(f"page {case}")
                page = context.new_page()
                errors: list[str] = []
                page.on("pageerror", lambda e: errors.append(str(e)))
                page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
                page.goto(f"{base}/{case}.html")
                page.wait_for_function("window.__result !== null", timeout=30000)
                result = page.evaluate("window.__result")
                check(result["ok"], f"{case}: Plotly.newPlot resolved" + ("" if result["ok"] else f": {result}"))
                page_checks(page, case)
                shot = out / f"{case}.png"
                page.screenshot(path=str(shot))
                print(f"  screenshot {shot}")
                export_checks(page, case, out)
                check(not errors, f"{case}: no page or console errors {errors[:3] if errors else ''}")
                page.close()
            browser.close()
            check(not blocked, f"no request left 127.0.0.1 (blocked: {blocked[:5]})")
            check(any(u.endswith("/topojson/world_110m.json") for u in served),
                  "the map's shapes came from the local topojsonURL")
    finally:
        shutil.rmtree(site, ignore_errors=True)


def texts(page, selector: str) -> list[str]:
    return page.eval_on_selector_all(selector, "els => els.map(e => e.textContent)")


def page_checks(page, case: str) -> None:
    info = page.evaluate("""() => ({
        version: Plotly.version,
        hasPie: !!(Plotly.PlotSchema && Plotly.PlotSchema.get().traces.pie),
        traces: Object.keys(Plotly.PlotSchema.get().traces).sort(),
    })""")
    if case == "scatter" and PARTIAL:
        check(info["version"] == "4.1.1", f"window.Plotly is plotly.js {info['version']}")
        check(info["traces"] == ["bar", "choropleth", "scatter", "scattergeo"],
              f"only the four trace types are registered: {info['traces']}")
    if case in ("scatter", "kk", "kk-separators", "ru"):
        n = page.eval_on_selector_all(".scatterlayer .trace path.js-line", "els => els.filter(e => (e.getAttribute('d') || '').length > 20).length")
        check(n == 1, f"{case}: one line drawn")
        check(len(page.query_selector_all(".scatterlayer .trace .points path.point")) == len(MONTHS),
              f"{case}: {len(MONTHS)} markers drawn")
    xt, yt = texts(page, ".xtick text"), texts(page, ".ytick text")
    titles = page.eval_on_selector_all(".modebar-btn", "els => els.map(e => e.getAttribute('data-title'))")
    if case == "scatter":
        check(xt[:2] == ["Jan 2020", "Apr 2020"], f"scatter: English month ticks {xt[:3]}")
        check(any(t == "12,000.0" for t in yt), f"scatter: default separators '.,' {yt[:3]}")
    elif case == "bar":
        bars = page.query_selector_all(".barlayer .trace .point path")
        check(len(bars) == 6, f"bar: 6 bars drawn ({len(bars)})")
        widths = page.eval_on_selector_all(".barlayer .trace .point path",
                                           "els => els.map(e => { const b = e.getBBox(); return [b.width, b.height]; })")
        check(all(w > h for w, h in widths[-2:]) and widths[-1][0] > widths[0][0] * 5,
              f"bar: horizontal bars, the longest for the largest value {widths[-1]}")
        check("2,000" in texts(page, ".xtick text"), f"bar: thousands on the x axis {texts(page, '.xtick text')}")
    elif case == "map":
        locs = page.query_selector_all(".choroplethlayer path.choroplethlocation")
        check(len(locs) == len(MAP_LOCATIONS), f"map: {len(MAP_LOCATIONS)} countries filled ({len(locs)}), LUX included")
        land = page.eval_on_selector(".layer.land path", "e => (e.getAttribute('d') || '').length")
        borders = page.eval_on_selector(".layer.countries path", "e => (e.getAttribute('d') || '').length")
        check(land > 1000 and borders > 1000, f"map: land ({land} chars) and country borders ({borders}) drawn")
        for layer in ("ocean", "lakes", "rivers", "coastlines", "subunits"):
            check(page.query_selector(f".layer.{layer}") is None, f"map: no {layer} layer")
        # a ring turned inside out by quantisation would fill the whole sphere: land must not cover the oceans
        bbox = page.eval_on_selector(".layer.land path", "e => { const b = e.getBBox(); return [b.x, b.y, b.width, b.height]; }")
        sample = page.evaluate("""() => {
            const gd = document.getElementById('chart'), p = document.querySelector('.layer.land path');
            const projection = gd._fullLayout.geo._subplot.projection;
            const hits = (lon, lat) => { const xy = projection([lon, lat]); return p.isPointInFill(new DOMPoint(xy[0], xy[1])); };
            return {pacific: hits(-150, 0), atlantic: hits(-30, 20), kazakhstan: hits(67, 48)};
        }""")
        check(sample == {"pacific": False, "atlantic": False, "kazakhstan": True},
              f"map: land fills Kazakhstan, not the oceans {sample} (land box {bbox})")
        line = page.eval_on_selector_all(".scatterlayer .trace path.js-line", "els => els.map(e => (e.getAttribute('d') || '').length)")
        check(len(line) == 1 and line[0] > 20, f"map: the scattergeo line is drawn {line}")
        loaded = page.evaluate("Object.keys((window.PlotlyGeoAssets || {}).topojson || {})")
        check(loaded == ["world_110m"], f"map: plotly loaded topojson {loaded}")
    elif case == "kk":
        check(xt[:3] == ["қаң. 2020", "сәу. 2020", "шіл. 2020"], f"kk: Kazakh month ticks {xt[:3]}")
        check(f"12{NBSP}000,0" in yt, f"kk: separators ',' and U+00A0 from the locale {yt[:3]}")
        check("PNG форматында сақтау" in titles, f"kk: mode bar titles in Kazakh {titles[:3]}")
    elif case == "kk-separators":
        check(xt[0] == "қаң. 2020", f"kk + layout.separators: Kazakh months {xt[:2]}")
        check("12 000,0" in yt, f"kk + layout.separators ', ': plain space wins over the locale {yt[:3]}")
    elif case == "ru":
        check(xt[:3] == ["Янв. 2020", "Апр. 2020", "Июль 2020"], f"ru: Russian month ticks {xt[:3]}")
        check("12 000,0" in yt, f"ru: separators ',' and U+0020 from plotly.js's ru locale {yt[:3]}")
        check("Сохранить в формате PNG" in titles, f"ru: mode bar titles in Russian {titles[:3]}")


def export_checks(page, case: str, out: Path) -> None:
    url = page.evaluate("Plotly.toImage('chart', {format: 'png', width: 900, height: 480})")
    ok = url.startswith("data:image/png;base64,")
    png = base64.b64decode(url.split(",", 1)[1]) if ok else b""
    check(ok and png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 5000,
          f"{case}: Plotly.toImage gives a PNG ({len(png)} bytes)")
    if case in ("map", "kk"):
        (out / f"{case}-toImage.png").write_bytes(png)
        print(f"  toImage {out / f'{case}-toImage.png'}")
        # the mode bar's camera button: Plotly.downloadImage through an <a download> click
        with page.expect_download(timeout=20000) as dl:
            page.click(f'.modebar-btn[data-title="{DOWNLOAD_TITLE[case]}"]', force=True)
        target = out / f"{case}-modebar-download.png"
        dl.value.save_as(str(target))
        data = target.read_bytes()
        check(data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000,
              f"{case}: mode bar download gives a PNG ({dl.value.suggested_filename}, {len(data)} bytes)")
        print(f"  download {target}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", type=Path, help="folder for the screenshots (default: a new /tmp folder)")
    parser.add_argument("--bundle", type=Path, default=BUNDLE, help="plotly.js bundle to load in the pages")
    parser.add_argument("--shapes", type=Path, default=SHAPES,
                        help="world_110m.json for the map page (e.g. assets/topojson/world_110m.json, to compare)")
    parser.add_argument("--chromium", default="/usr/bin/chromium")
    args = parser.parse_args()
    out = args.out or Path(tempfile.mkdtemp(prefix="plotly-check-"))
    out.mkdir(parents=True, exist_ok=True)
    if not Path(args.chromium).exists():
        print(f"{args.chromium} is missing: apt-get install -y chromium", file=sys.stderr)
        return 2
    global PARTIAL
    PARTIAL = args.bundle.resolve() == BUNDLE.resolve()
    check_files()
    browser_checks(args.bundle, args.shapes, out, args.chromium)
    print_sizes()
    print(f"\nscreenshots in {out}")
    if failures:
        print(f"\n{len(failures)} check(s) failed:", *failures, sep="\n  ")
        return 1
    print("\nall checks passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
