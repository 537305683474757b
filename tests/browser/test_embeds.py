"""Embeds in a real browser, as a reader of someone else's article meets them: every control of every embed
works, a bad or repeated parameter still draws the chart with a notice, a host that narrows live keeps the
plot readable, the source line is printed once and travels into the PNG, theme=auto follows the reader."""

from __future__ import annotations

import re

import pytest

from dashboard import snapshots
from dashboard.views import charts
from tests.browser.conftest import screenshot
from tests.browser.helpers import (collisions, exports, labels, open_embed, query_lists, spy_on_png, wait_for_embed,
                                  wait_until)
from tests.conftest import FIXTURE_DATA

pytestmark = pytest.mark.browser

_REGISTRY = charts.registry(snapshots.Store(FIXTURE_DATA).current())
WITH_CONTROLS = [c.id for c in charts.STATIC if c.controls_in(c.defaults())]
BAD_NOTICE = re.compile(r"not valid|more than once|Ignored unknown|bad parameter", re.I)

# What a chart draws, compactly: a changed control must change it (the chart redrew, with the new view).
SIGNATURE_JS = """() => { const gd = document.getElementById('chart');
  return JSON.stringify([gd.data.map(t => [t.type, t.name, t.x, t.y, t.z, t.locations, t.line && t.line.width]),
                         gd.layout.title, gd.layout.yaxis && gd.layout.yaxis.type, gd.layout.meta]); }"""


def _form(page) -> list[dict]:
    return page.evaluate("""() => [...document.querySelectorAll('form.controls select, form.controls input')]
        .map(e => ({name: e.name, tag: e.tagName.toLowerCase(), type: e.type || '',
                    checked: !!e.checked, value: e.value,
                    options: e.tagName === 'SELECT' ? [...e.options].map(o => [o.value, o.text]) : []}))""")


def _assert_clean_view(page, note: str) -> None:
    assert page.locator("#chart .main-svg").count() >= 1, note
    bad = [t for t in page.locator(".notice").all_inner_texts() if BAD_NOTICE.search(t)]
    assert bad == [], (note, bad)
    repeated = {k: v for k, v in query_lists(page.url).items() if len(v) != 1}
    assert repeated == {}, (note, page.url)


def _submit(page, action) -> None:
    with page.expect_navigation():
        action()
    wait_for_embed(page)


@pytest.mark.parametrize("chart_id", WITH_CONTROLS)
def test_every_control_of_every_embed_redraws_the_chart(browse, app_url, chart_id):
    """per1000=0&per1000=1 broke every checkbox of every embed; each control is now used as a reader would."""
    page = browse(1000, 900)
    open_embed(page, f"{app_url}/embed/{chart_id}")
    controls = [c for c in _form(page) if c["type"] != "hidden"]
    chart = _REGISTRY[chart_id]
    assert [c["name"] for c in controls] == list(chart.controls_in(chart.defaults()))
    for control in controls:
        name = control["name"]
        open_embed(page, f"{app_url}/embed/{chart_id}")  # each control from the chart's default view
        if control["tag"] == "select":
            for value, label in control["options"]:
                assert label and label != value, (name, value, label)  # "People living abroad ...", not "stock"
                current = page.eval_on_selector(f"select[name={name}]", "s => s.value")
                if current == value:
                    continue
                before = page.evaluate(SIGNATURE_JS)
                _submit(page, lambda: page.select_option(f"select[name={name}]", value))
                _assert_clean_view(page, f"{name}={value}")
                assert query_lists(page.url).get(name) == [value] or (value == _default(chart_id, name)), page.url
                assert page.eval_on_selector(f"select[name={name}]", "s => s.value") == value
                assert page.evaluate(SIGNATURE_JS) != before, f"{name}={value} did not change the chart"
        else:
            for tick in (True, False):
                before = page.evaluate(SIGNATURE_JS)
                _submit(page, lambda: page.click(f"input[type=checkbox][name={name}]"))
                _assert_clean_view(page, f"{name} ticked={tick}")
                assert page.is_checked(f"input[type=checkbox][name={name}]") is tick
                # Ticked: the URL says name=1 once; unticked: nothing (the flag's default, off).
                assert query_lists(page.url).get(name) == (["1"] if tick else None), page.url
                assert page.evaluate(SIGNATURE_JS) != before, f"{name} ticked={tick} did not change the chart"
    assert not page.watch.console_errors


@pytest.mark.parametrize("chart_id", ["destinations-map", "top-destinations"])
def test_the_flows_view_offers_no_revision(browse, app_url, chart_id):
    page = browse(1000, 900)
    open_embed(page, f"{app_url}/embed/{chart_id}?measure=flows")
    assert "revision" not in [c["name"] for c in _form(page) if c["type"] != "hidden"]


def _default(chart_id: str, name: str) -> str:
    param = next(p for p in _REGISTRY[chart_id].params if p.name == name)
    return param.encode(param.default)


@pytest.mark.parametrize("query", ["theme=purple", "years=20..30", "as_of=1999-01-01", "per1000=0&per1000=1",
                                   "controls=maybe&nonsense=1"])
def test_a_bad_parameter_still_draws_the_chart_with_a_notice(browse, app_url, query):
    """An embed already in an article must keep showing a chart (a bare 400 page was the worst kind of error)."""
    page = browse(1000, 900)
    response = page.goto(f"{app_url}/embed/trends?{query}")
    assert response is not None and response.status == 200
    open_embed(page, page.url)
    assert page.evaluate("() => document.getElementById('chart').data.length") > 0
    notices = page.locator(".notice")
    assert notices.count() >= 1 and notices.first.is_visible()
    assert any(BAD_NOTICE.search(t) or "No data was published" in t for t in notices.all_inner_texts()), \
        notices.all_inner_texts()
    assert page.locator("h1").is_visible() and "Source:" in page.inner_text(".source")


HOST = """<!DOCTYPE html><html><head><meta charset="utf-8"><title>An article</title>
<script src="{app}/embed-resize.js"></script></head>
<body style="margin:0"><p>Before the chart.</p>
<iframe id="embed" src="{app}/embed/trends" style="width:1000px;height:560px;border:0" scrolling="no"></iframe>
<p>After.</p></body></html>"""


def test_an_embed_narrowed_live_keeps_a_readable_plot(browse, app_url):
    """1,000 -> 420 px in a live host: the plot collapsed to a strip and the axis read "2 ... 2025"."""
    page = browse(1100, 900)
    page.goto(app_url + "/embed-resize.js")  # a page on the app's origin, so the host can be written into it
    page.set_content(HOST.format(app=app_url))
    frame = page.frame_locator("#embed")
    frame.locator("#chart .main-svg").first.wait_for()
    inner = page.frame(url=re.compile(r"/embed/trends"))
    wait_until(inner, "() => { const gd = document.getElementById('chart'); return gd._fullLayout && gd._fullLayout._size; }")
    wide = inner.evaluate("() => document.getElementById('chart')._fullLayout._size.h")
    assert wide >= 220
    page.evaluate("() => { document.getElementById('embed').style.width = '420px'; }")
    wait_until(inner, """() => { const gd = document.getElementById('chart');
                                 return gd.clientWidth < 430 && Math.abs(gd._fullLayout.width - gd.clientWidth) < 2; }""")
    wait_until(inner, "() => document.getElementById('chart')._fullLayout._size.h >= 220", timeout=5000)
    inner.evaluate("() => new Promise(r => setTimeout(r, 250))")  # the resize debounce (120 ms) and a redraw
    size = inner.evaluate("() => document.getElementById('chart')._fullLayout._size")
    assert size["h"] >= 220, f"the plot area is {size['h']} px tall at 420 px"
    ticks = inner.evaluate("() => [...document.querySelectorAll('#chart .xaxislayer-above text')].map(t => t.textContent)")
    assert len(ticks) >= 3 and all(re.fullmatch(r"(19|20)\d\d", t) for t in ticks), ticks
    boxes = labels(inner)
    assert collisions(boxes) == []
    # The host got the new height by postMessage, so nothing is cut off at the bottom.
    wait_until(page, """() => { const f = document.getElementById('embed');
        return Math.abs(parseFloat(f.style.height) - f.contentWindow.document.documentElement.scrollHeight) < 3; }""")
    screenshot(page, "embed-trends-narrowed-420")


def test_a_plot_squeezed_by_its_legend_grows_its_box_instead(browse, app_url):
    """chart-tools.js keeps every plot at least MIN_PLOT (220 px) tall: when a legend needs more rows than
    the box has room for, the box grows (here a legend in 30 px type at 420 px takes most of 480 px)."""
    page = browse(420, 900)
    open_embed(page, f"{app_url}/embed/trends")
    assert page.evaluate("() => window.kzCharts.MIN_PLOT") == 220
    before = page.evaluate("() => document.getElementById('chart').getBoundingClientRect().height")
    page.evaluate("() => Plotly.relayout('chart', {'legend.font.size': 30})")
    wait_until(page, "() => document.getElementById('chart')._fullLayout._size.h >= 220", timeout=5000)
    grown = page.evaluate("() => document.getElementById('chart').getBoundingClientRect().height")
    assert grown > before, (before, grown)


@pytest.mark.parametrize("chart_id", [c for c in _REGISTRY if c != "destination-series"] + ["destination-series"])
def test_the_source_line_is_printed_once_and_the_png_carries_it(browse, app_url, chart_id):
    """Once under the chart, never inside the figure too; Download PNG exports it under the chart."""
    page = browse(1000, 900)
    query = "?country=DEU" if chart_id == "destination-series" else ""
    open_embed(page, f"{app_url}/embed/{chart_id}{query}")
    source = page.evaluate("() => document.getElementById('chart').layout.meta.source")
    assert source.startswith("Source:")
    assert page.inner_text(".source").startswith(source)
    in_svg = page.evaluate("() => [...document.querySelectorAll('#chart svg text')].map(t => t.textContent)"
                           ".filter(t => t.includes('Source:'))")
    assert in_svg == [], in_svg
    assert page.inner_text("body").count(source) == 1
    spy_on_png(page)
    page.click("button[data-png-for=chart]")
    wait_until(page, "() => (window.__kzExports || []).length === 1")
    (exported,) = exports(page)
    texts = [a.get("text", "").replace("<br>", " ") for a in exported["layout"].get("annotations", [])]
    assert texts.count(source) == 1, texts
    assert exported["options"]["format"] == "png"
    assert exported["options"]["filename"] == chart_id.replace("/", "-")
    assert exported["options"]["height"] > exported["layout"]["height"] - 1 > 0


def test_theme_auto_follows_a_reader_who_prefers_dark(browse, app_url):
    from dashboard.figures import theme

    page = browse(1000, 900, "dark")
    open_embed(page, f"{app_url}/embed/trends?theme=auto")
    assert page.evaluate("() => document.getElementById('chart')._fullLayout.paper_bgcolor") == theme.DARK.background
    net = page.evaluate("() => document.getElementById('chart').data.find(t => t.meta && t.meta.measure === 'net').line.color")
    assert net.lower() == theme.DARK.net
    assert page.evaluate("() => getComputedStyle(document.body).backgroundColor") == "rgb(18, 18, 18)"
    screenshot(page, "embed-trends-auto-dark")
    light = browse(1000, 900, "light")
    open_embed(light, f"{app_url}/embed/trends?theme=auto")
    assert light.evaluate("() => document.getElementById('chart')._fullLayout.paper_bgcolor") == theme.LIGHT.background


def test_embeds_have_no_modebar(browse, app_url):
    """The modebar's icons covered chart titles; the embed's own Download PNG button replaces it."""
    page = browse(1000, 900)
    open_embed(page, f"{app_url}/embed/destinations-map")
    page.hover("#chart")
    assert page.locator("#chart .modebar-btn").count() == 0
    assert page.locator("button[data-png-for=chart]").is_visible()
