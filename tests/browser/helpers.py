"""What the browser tests read from a page: waits that fail fast on console errors, the boxes of a chart's
labels as drawn, overlaps between them, and a spy on plotly's image export."""

from __future__ import annotations

import time
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser.conftest import wait_for_dash

TIMEOUT = 20000  # ms

# The plotly div of a dcc.Graph (Dash puts the id on the wrapper) or of an embed (#chart is the plot itself).
GD = "(document.querySelector('#' + CSS.escape(id) + '.js-plotly-plot') || " \
     "document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot'))"


def wait_until(page, js: str, arg=None, timeout: int = TIMEOUT) -> None:
    """``page.wait_for_function``, failing at once (saying why) if the page logs a console error meanwhile."""
    deadline = time.monotonic() + timeout / 1000
    while True:
        errors = page.watch.console_errors if hasattr(page, "watch") else []
        if errors:
            reported = errors[:]
            errors.clear()
            raise AssertionError(f"console errors while waiting for {' '.join(js.split())[:200]!r}: {reported}")
        remaining = deadline - time.monotonic()
        try:
            page.wait_for_function(js, arg=arg, timeout=max(1.0, min(500.0, remaining * 1000)))
            return
        except PlaywrightTimeoutError:
            if remaining <= 0.5:
                raise


def settle(page) -> None:
    wait_until(page, "() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def wait_for_all_graphs(page) -> None:
    """Every visible chart block's graph is drawn."""
    wait_until(page, """() => [...document.querySelectorAll('figure.chart-block')]
                            .filter(f => f.offsetParent !== null)
                            .every(f => f.querySelector('.js-plotly-plot .main-svg'))""")


def open_dash(page, url: str) -> None:
    page.goto(url)
    wait_for_dash(page)
    wait_for_all_graphs(page)
    settle(page)
    wait_for_layout(page)


def wait_for_layout(page) -> None:
    """chart-tools.js fits each plot after plotly draws it: wait until no plot is mid-resize."""
    wait_until(page, """() => [...document.querySelectorAll('.js-plotly-plot')]
                            .every(gd => gd._fullLayout && gd._fullLayout._size && !gd._transitioning)""")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def open_embed(page, url: str) -> None:
    page.goto(url)
    wait_for_embed(page)


def wait_for_embed(page) -> None:
    """The embed's chart is drawn and laid out."""
    page.wait_for_selector("#chart .main-svg")
    wait_until(page, "() => { const gd = document.getElementById('chart'); return gd._fullLayout && gd._fullLayout._size; }")
    page.evaluate("() => new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)))")


def query_lists(url: str) -> dict[str, list[str]]:
    return parse_qs(urlsplit(url).query, keep_blank_values=True)


# --- the boxes of what a chart prints ---------------------------------------------------------------------------

LABELS_JS = r"""(root) => {
  const scope = root ? document.querySelector(root) : document;
  const out = [];
  scope.querySelectorAll('.js-plotly-plot').forEach((gd, g) => {
    if (gd.offsetParent === null && gd.id !== 'chart') { return; }
    const holder = gd.closest('[id]:not(.js-plotly-plot)');
    const graph = gd.id || (holder ? holder.id : 'graph' + g);
    const svg = gd.querySelector('.main-svg').getBoundingClientRect();
    const kinds = {legend: '.legend .legendtext', 'legend-symbol': '.legend .legendpoints',
                   title: '.g-gtitle text', annotation: '.annotation',
                   xtick: '.xaxislayer-above text', ytick: '.yaxislayer-above text', colorbar: '.colorbar text'};
    for (const [kind, selector] of Object.entries(kinds)) {
      gd.querySelectorAll(selector).forEach((el, i) => {
        const r = el.getBoundingClientRect();
        const style = window.getComputedStyle(el);
        if (!r.width || !r.height || style.visibility === 'hidden' || style.display === 'none'
            || Number(style.opacity) === 0) { return; }
        let axis = '';
        const rotated = /rotate\(\s*-?[1-9]/.test(el.getAttribute('transform') || '');
        if (kind === 'xtick' || kind === 'ytick') {
          const g = el.closest('[class$="tick"]');
          axis = g ? g.getAttribute('class') : '';
        }
        out.push({graph, kind, axis, i, rotated, text: (el.textContent || '').trim(),
                  x0: r.left, y0: r.top, x1: r.right, y1: r.bottom,
                  svg: {x0: svg.left, y0: svg.top, x1: svg.right, y1: svg.bottom}});
      });
    }
  });
  return out;
}"""


def labels(page, root: str | None = None) -> list[dict]:
    return page.evaluate(LABELS_JS, root)


def _overlap(a: dict, b: dict, slack: float) -> float:
    dx = min(a["x1"], b["x1"]) - max(a["x0"], b["x0"])
    dy = min(a["y1"], b["y1"]) - max(a["y0"], b["y0"])
    return min(dx, dy) if dx > slack and dy > slack else 0.0


def collisions(boxes: list[dict], *, slack: float = 1.0, tick_gap: float = 2.0) -> list[str]:
    """Pairs of printed things of one chart whose boxes overlap (by more than ``slack`` px both ways), and tick
    labels of one axis closer than ``tick_gap`` px ("(partial)(partial)" reads as one word).  A legend symbol
    and its own text, and an annotation and its own text, are one thing."""
    bad = []
    by_graph: dict[str, list[dict]] = {}
    for box in boxes:
        by_graph.setdefault(box["graph"], []).append(box)
    for graph, items in by_graph.items():
        for i, a in enumerate(items):
            for b in items[i + 1:]:
                if {a["kind"], b["kind"]} == {"legend", "legend-symbol"}:
                    continue  # a legend entry's symbol sits beside its text by design; entries are checked text to text
                if a["kind"] == b["kind"] == "legend-symbol":
                    continue
                if a.get("rotated") and b.get("rotated") and a["kind"] == b["kind"]:
                    continue  # slanted tick labels: their upright boxes overlap though the text does not
                same_axis = a["kind"] == b["kind"] and a["kind"] in ("xtick", "ytick") and a["axis"] == b["axis"]
                gap = tick_gap if same_axis else -slack
                dx = max(a["x0"], b["x0"]) - min(a["x1"], b["x1"])
                dy = max(a["y0"], b["y0"]) - min(a["y1"], b["y1"])
                if dx < gap and dy < gap:
                    bad.append(f"{graph}: {a['kind']} {a['text'][:30]!r} and {b['kind']} {b['text'][:30]!r} "
                               f"({round(-dx)} x {round(-dy)} px)")
    return bad


def outside_svg(boxes: list[dict], kinds=("legend", "title", "annotation", "xtick", "ytick")) -> list[str]:
    """Printed things that run past their chart's SVG (cut off on a phone)."""
    return [f"{b['graph']}: {b['kind']} {b['text'][:30]!r} at {round(b['x0'])}..{round(b['x1'])}"
            for b in boxes if b["kind"] in kinds and (b["x0"] < b["svg"]["x0"] - 1 or b["x1"] > b["svg"]["x1"] + 1)]


# --- Download PNG: a spy on plotly's image export -----------------------------------------------------------

SPY_JS = """() => { window.__kzExports = [];
  window.Plotly.downloadImage = function (gd, options) {
    window.__kzExports.push({layout: JSON.parse(JSON.stringify(gd.layout)), options: options});
    return Promise.resolve('spied'); }; }"""


def spy_on_png(page) -> None:
    page.evaluate(SPY_JS)


def exports(page) -> list[dict]:
    return page.evaluate("() => window.__kzExports || []")


# --- accessibility: axe-core, the engine the field uses (npm package, installed by scripts/test) ----------------

AXE = Path(__file__).resolve().parent / "node_modules" / "axe-core" / "axe.min.js"


def axe_violations(page, impacts=("critical", "serious")) -> list[dict]:
    """axe-core's WCAG 2.x A/AA violations of the page as it is now (frames included), of these impacts:
    [{"id", "impact", "nodes": [target and why, ...]}]."""
    if not AXE.exists():
        raise AssertionError(f"axe-core is missing ({AXE}): run scripts/test, which installs it with npm")
    if not page.evaluate("() => typeof window.axe === 'object'"):
        # Through DevTools, not a <script> tag: the page's Content-Security-Policy refuses inline scripts.
        page.evaluate(AXE.read_text(encoding="utf-8"))
    return page.evaluate("""async (impacts) => {
        const result = await axe.run(document, {runOnly: {type: 'tag',
            values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice']},
            resultTypes: ['violations']});
        return result.violations.filter(v => impacts.includes(v.impact)).map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 4).map(n => n.target.join(' ') + ': ' + n.failureSummary.split('\\n')[1])}));
    }""", list(impacts))


def focus_ring(page) -> dict:
    """How the focused element shows its focus: its outline (style and width) and box-shadow."""
    return page.evaluate("""() => { const el = document.activeElement; const s = getComputedStyle(el);
        return {tag: el.tagName, id: el.id, cls: String(el.className || ''), text: (el.innerText || el.value || '').slice(0, 40),
                outline: s.outlineStyle, width: parseFloat(s.outlineWidth) || 0, shadow: s.boxShadow,
                visible: el.offsetParent !== null || el === document.body,
                // where it is: tells apart two stops that look alike (the grid's icon-only paging buttons)
                at: (r => [Math.round(r.x), Math.round(r.y)])(el.getBoundingClientRect())}; }""")


def type_into_picker(page, picker_id: str, text: str) -> None:
    """Open a dcc.Dropdown from the keyboard (focus, Enter) and type into its search box, once the box has
    the focus: Dash 4 moves the focus there a frame or more after the list opens, and keys typed before
    that are lost (a flaky CI failure).  Waits until the list shows only matches."""
    searching = """() => { const a = document.activeElement;
                           return !!a && a.matches('.dash-dropdown-content input.dash-dropdown-search'); }"""
    page.focus(f"#{picker_id}-control .dash-dropdown-focus-target, #{picker_id}")
    for attempt in range(3):
        # An Enter that arrives while the list is still closing (just after an Escape) is swallowed; a
        # reader would press it again, and so does this.
        page.keyboard.press("Enter")
        try:
            page.wait_for_function(searching, timeout=3000)
            break
        except PlaywrightTimeoutError:
            if attempt == 2:
                raise
            if page.locator(".dash-dropdown-content input.dash-dropdown-search").count():
                page.focus(".dash-dropdown-content input.dash-dropdown-search")  # open, the focus left behind
                break
    page.keyboard.type(text)
    wait_until(page, """(text) => { const o = [...document.querySelectorAll('.dash-dropdown-content .dash-dropdown-option')];
                                   return o.length > 0 && o.every(e => e.textContent.includes(text)); }""", arg=text)
