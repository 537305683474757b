"""Every page in a real browser: loads offline and cleanly, controls change the view and the URL,
a copied URL reproduces the view, embeds and downloads follow what is on screen, phones fit.

The ``page`` / ``phone_page`` fixtures (overridden below) fail a test on any console error or any
request that leaves the app's origin, so every test here also checks "offline, no errors".
"""

from __future__ import annotations

import csv
import html
import io
import re
from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import PageWatch, screenshot, wait_for_dash
from tests.browser.helpers import wait_until

pytestmark = pytest.mark.browser

TIMEOUT = 20000  # ms: generous, but a hung callback still fails well inside the suite's budget

PAGES = {  # path -> (screenshot name, words the h1 must contain)
    "/": ("home", "Emigration from Kazakhstan"),
    "/destinations": ("destinations", "where people from Kazakhstan go"),
    "/trends": ("trends", "Trends"),
    "/eaeu": ("eaeu", "EAEU comparison"),
    "/data": ("data", "Data"),
}

# The plotly div of a dcc.Graph (Dash puts the id on the wrapper; plotly keeps data/layout on this div).
GD = "document.querySelector('#' + CSS.escape(id) + ' .js-plotly-plot')"


# --- fixtures ------------------------------------------------------------------------------------------------
# The same checks as conftest's ``page`` / ``phone_page`` (any request leaving the app fails the test, and is
# blocked; so does any console error), but faster: each test's fresh page opens in a browser context shared
# by this module, and requests are not intercepted (Playwright's routing turns the HTTP cache off), so
# plotly.js and the Dash bundles are fetched and compiled once per module instead of once per test.
# Blocking without routing: the context's proxy is a local port that refuses connections, bypassed only for
# 127.0.0.1, so nothing can leave the machine; every request is still recorded and checked against the app's
# origin.  No test here relies on cookies or storage.

def _context(browser, refusing_proxy: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height}, device_scale_factor=1,
                                  proxy={"server": refusing_proxy, "bypass": "127.0.0.1"})
    context.set_default_timeout(TIMEOUT)
    return context


@pytest.fixture(scope="module")
def desktop_context(browser, refusing_proxy):
    context = _context(browser, refusing_proxy, 1280, 900)
    yield context
    context.close()


@pytest.fixture(scope="module")
def phone_context(browser, refusing_proxy):
    context = _context(browser, refusing_proxy, 375, 800)
    yield context
    context.close()


def _watched_page(context, app_url):
    page = context.new_page()
    watch = PageWatch(app_url)
    app_host = urlsplit(app_url).netloc

    def on_request(request):
        url = request.url
        if not url.startswith(("data:", "blob:")) and urlsplit(url).netloc != app_host:
            watch.external.append(url)

    page.on("request", on_request)
    page.on("console", lambda msg: watch.console_errors.append(msg.text) if msg.type == "error" else None)
    page.on("pageerror", lambda exc: watch.console_errors.append(str(exc)))
    page.watch = watch
    return page, watch


def _close_and_check(context, watch) -> None:
    for other in context.pages:  # the test's page and any page it opened beside it
        other.close()
    watch.assert_clean()


@pytest.fixture
def page(desktop_context, app_url):
    """A fresh desktop-sized page; fails the test on console errors or external requests."""
    page, watch = _watched_page(desktop_context, app_url)
    yield page
    _close_and_check(desktop_context, watch)


@pytest.fixture
def phone_page(phone_context, app_url):
    """A fresh 375 px wide page; fails the test on console errors or external requests."""
    page, watch = _watched_page(phone_context, app_url)
    yield page
    _close_and_check(phone_context, watch)


# --- helpers -------------------------------------------------------------------------------------------------



def wait_for_graphs(page, *graph_ids: str) -> None:
    """Wait until each graph has been drawn by plotly (its SVG exists and it holds at least one trace)."""
    for graph_id in graph_ids:
        wait_until(page, f"""(id) => {{ const gd = {GD};
            return !!(gd && gd.querySelector('.main-svg') && gd.data && gd.data.length && gd._fullLayout); }}""",
                   arg=graph_id)


def wait_for_all_graphs(page) -> None:
    """Every visible chart block's graph is drawn (hidden ones, e.g. an unselected series, are skipped).

    Counted by ``figure.chart-block`` (present from the first render), not by ``.dash-graph``, which only
    exists once dcc.Graph's lazily loaded code has arrived."""
    wait_until(page, """() => [...document.querySelectorAll('figure.chart-block')]
                            .filter(f => f.offsetParent !== null)
                            .every(f => f.querySelector('.js-plotly-plot .main-svg'))""")


def settle(page) -> None:
    """Dash is idle (no component loading) — after a control changed, callbacks have answered."""
    wait_until(page, "() => !document.querySelector('[data-dash-is-loading=\"true\"]')")


def figure(page, graph_id: str) -> dict:
    """What a graph shows: title (+ subtitle), trace names, x range, y title, layout.meta, first trace's customdata."""
    return page.evaluate(
        f"""(id) => {{ const gd = {GD};
            const title = (gd.layout.title && (gd.layout.title.text || '')) || '';
            const sub = (gd.layout.title && gd.layout.title.subtitle && gd.layout.title.subtitle.text) || '';
            const fl = gd._fullLayout;
            return {{title: title + ' ' + sub,
                     names: gd.data.map(t => t.name || ''),
                     series: gd.data.filter(t => !(t.meta && t.meta.group === 'status')).map(t => t.name || ''),
                     xrange: fl.xaxis ? fl.xaxis.range.slice() : null,
                     ytitle: (fl.yaxis && fl.yaxis.title && fl.yaxis.title.text) || '',
                     meta: gd.layout.meta || null,
                     customdata: gd.data[0].customdata || null}}; }}""",
        graph_id)


def query(page) -> dict[str, str]:
    return {k: v[0] for k, v in parse_qs(urlsplit(page.url).query).items()}


def checked_values(page, container_id: str) -> list[str]:
    return page.evaluate(
        "(id) => [...document.getElementById(id).querySelectorAll('input:checked')].map(i => i.value)",
        container_id)


def slider_values(page, slider_id: str) -> list[int]:
    return page.evaluate(
        """(id) => [...document.getElementById(id).closest('.control').querySelectorAll('[role=slider]')]
                   .map(h => Number(h.getAttribute('aria-valuenow')))""", slider_id)


def pick_dropdown_option(page, dropdown_id: str, text: str) -> None:
    """Open a Dash 4 dcc.Dropdown (a button + popover) and click the option with this text."""
    page.click(f"#{dropdown_id}")
    option = page.locator(".dash-dropdown-content .dash-dropdown-option", has_text=text)
    option.first.wait_for(state="visible")
    option.first.click()


def open_page(page, app_url: str, path: str) -> None:
    page.goto(app_url + path)
    wait_for_dash(page)
    wait_for_all_graphs(page)


def csv_rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))


# --- 1. every page loads cleanly, with its title and source lines ---------------------------------------------

@pytest.mark.parametrize("path", list(PAGES))
def test_page_loads_with_title_and_sources(page, app_url, path):
    name, words = PAGES[path]
    response = page.goto(app_url + path)
    assert response is not None and response.status == 200
    wait_for_dash(page)
    wait_for_all_graphs(page)
    if path == "/destinations":  # the README screenshot should show the map's countries, not an empty box
        wait_until(page, "() => document.querySelectorAll('#destinations-map .choroplethlocation').length > 40")
    settle(page)
    assert page.locator("h1").first.is_visible()
    assert words in page.inner_text("h1")
    wait_until(page, """() => [...document.querySelectorAll('.source-line')]
                            .some(e => e.innerText.includes('Source:') && e.innerText.includes('Data as of'))""")
    sources = page.evaluate("() => [...document.querySelectorAll('.source-line')].filter(e => e.offsetParent !== null)"
                            ".map(e => e.innerText)")
    assert any("Source:" in s and "Data as of" in s for s in sources), sources
    screenshot(page, name)


# Counts, in every frame, the charts that have traces drawn (requestAnimationFrame runs before each paint).
COUNT_DRAWN_PER_FRAME = """(() => {
    window.__kzDrawnPerFrame = [];
    const count = () => document.querySelectorAll('.js-plotly-plot').length
        && [...document.querySelectorAll('.js-plotly-plot')].filter(gd => gd.querySelector('.trace')).length;
    const frame = () => { window.__kzDrawnPerFrame.push(count() || 0); requestAnimationFrame(frame); };
    requestAnimationFrame(frame);
})();"""


def test_charts_filled_by_one_reply_appear_one_per_frame(page, app_url):
    # The EAEU page's callback fills four charts at once; chart-tools.js draws them one per frame, so the
    # first is on screen after its own draw rather than after all four.  Drawn all in one task (as
    # dcc.Graph alone does), the count would jump from 0 to 4 between two frames.
    page.add_init_script(COUNT_DRAWN_PER_FRAME)
    page.goto(app_url + "/eaeu")
    wait_until(page, "() => [...document.querySelectorAll('.js-plotly-plot')].filter(gd => gd.querySelector('.trace'))"
                     ".length >= 4")
    counts = page.evaluate("() => window.__kzDrawnPerFrame")
    steps = [b - a for a, b in zip(counts, counts[1:]) if b != a]
    assert max(counts) >= 4 and steps and max(steps) == 1, counts
    assert page.evaluate("() => window.Plotly.react.__kzOnePerFrame === true")


# --- 2. the map draws countries from the app's own topojson ---------------------------------------------------

def test_destinations_map_draws_countries_offline(page, app_url):
    responses: list[tuple[str, int]] = []
    page.on("response", lambda r: responses.append((r.url, r.status)))
    open_page(page, app_url, "/destinations")
    wait_until(page, "() => document.querySelectorAll('#destinations-map .geo .choroplethlocation').length > 40")
    shapes = page.locator("#destinations-map .geo .choroplethlocation")
    assert shapes.count() > 40
    # Country outlines drawn and non-trivial (a path with real geometry, not an empty "M0,0Z").
    assert page.evaluate("() => [...document.querySelectorAll('#destinations-map .geo .choroplethlocation')]"
                         ".filter(p => (p.getAttribute('d') || '').length > 50).length") > 40
    topojson = [(url, status) for url, status in responses if "/topojson/" in url]
    assert topojson, "plotly fetched no topojson"
    for url, status in topojson:
        # The trimmed shapes (dashboard/static/vendor/topojson/) at their content-hashed address.
        assert re.match(re.escape(app_url) + r"/_static/[0-9a-f]{16}/topojson/world_110m\.json$", url), url
        assert status == 200, (url, status)


# --- 3. the year control changes what is shown ---------------------------------------------------------------

def test_destinations_year_changes_map_and_url(page, app_url):
    open_page(page, app_url, "/destinations")
    wait_for_graphs(page, "destinations-map", "destinations-bar")
    before = figure(page, "destinations-map")
    bar_before = figure(page, "destinations-bar")
    assert "2020" in page.inner_text("#destinations-year")
    assert before["meta"]["year"] == 2020

    pick_dropdown_option(page, "destinations-year", "2000")
    wait_until(page, "() => new URLSearchParams(location.search).get('year') === '2000'")
    assert "2000" in page.inner_text("#destinations-year")
    # The map's figure is redrawn for mid-2000: its meta, its subtitle and its numbers change.
    wait_until(page, f"(id) => {{ const gd = {GD}; return gd.layout.meta && gd.layout.meta.year === 2000; }}",
               arg="destinations-map")
    settle(page)
    after = figure(page, "destinations-map")
    assert "mid-2000" in after["title"], after["title"]
    assert after["customdata"] != before["customdata"], "the map shows the same numbers for 2000 as for 2020"
    bar_after = figure(page, "destinations-bar")
    assert "mid-2000" in bar_after["title"] and "mid-2020" in bar_before["title"]
    assert query(page)["year"] == "2000"


# --- 4. clicking a country shows its series ------------------------------------------------------------------

def test_clicking_a_bar_selects_the_country(page, app_url):
    open_page(page, app_url, "/destinations")
    wait_for_graphs(page, "destinations-bar")
    assert page.locator("#destinations-series-block").is_hidden()
    codes = figure(page, "destinations-bar")["customdata"]
    assert "DEU" in codes, codes
    settle(page)
    bar = page.locator("#destinations-bar .bars .point").nth(codes.index("DEU")).locator("path")
    bar.scroll_into_view_if_needed()
    box = bar.bounding_box()
    assert box and box["width"] > 0
    # A real mouse click on Germany's bar (plotly's drag layer sits on top, so click by position).
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)

    wait_until(page, "() => new URLSearchParams(location.search).get('country') === 'DEU'")
    page.wait_for_selector("#destinations-series-block", state="visible")
    wait_until(page, f"""(id) => {{ const gd = {GD};
        return !!(gd && gd.layout.title && (gd.layout.title.text || '').includes('Germany')); }}""",
               arg="destinations-series")
    series = figure(page, "destinations-series")
    assert "Germany" in series["title"]
    assert series["meta"]["country"] == "DEU"
    assert page.locator("#destinations-series-prompt").is_hidden()
    wait_until(page, "() => document.getElementById('destinations-series-source').innerText.includes('Source:')")

    # Clearing the country hides the series again and takes it out of the URL.
    page.click("#destinations-clear")
    wait_until(page, "() => !new URLSearchParams(location.search).has('country')")
    page.wait_for_selector("#destinations-series-block", state="hidden")


# --- 5. a copied URL reproduces the view ---------------------------------------------------------------------

def test_destinations_url_reproduces_the_view(page, app_url):
    open_page(page, app_url, "/destinations?measure=stock&revision=2024&year=2015&country=UKR")
    wait_for_graphs(page, "destinations-map", "destinations-bar", "destinations-series")
    settle(page)
    assert checked_values(page, "destinations-measure") == ["stock"]
    assert checked_values(page, "destinations-revision") == ["2024"]
    assert page.inner_text("#destinations-year").strip() == "2015"
    map_fig, bar_fig = figure(page, "destinations-map"), figure(page, "destinations-bar")
    assert (map_fig["meta"]["revision"], map_fig["meta"]["year"]) == (2024, 2015), map_fig["meta"]
    assert "revision 2024" in map_fig["title"] and "mid-2015" in map_fig["title"], map_fig["title"]
    assert "revision 2024" in bar_fig["title"] and "mid-2015" in bar_fig["title"], bar_fig["title"]
    page.wait_for_selector("#destinations-series-block", state="visible")
    series = figure(page, "destinations-series")
    assert "Ukraine" in series["title"] and series["meta"]["country"] == "UKR"
    q = query(page)
    assert (q.get("revision"), q.get("year"), q.get("country")) == ("2024", "2015", "UKR"), page.url


def test_trends_url_reproduces_the_view(page, app_url):
    open_page(page, app_url, "/trends?measures=emigrants&years=2010..2020&per1000=1")
    wait_for_graphs(page, "trends-graph", "trends-compare-graph")
    settle(page)
    assert checked_values(page, "trends-measures") == ["emigrants"]
    assert checked_values(page, "trends-per1000") == ["1"]
    assert slider_values(page, "trends-years") == [2010, 2020]
    main = figure(page, "trends-graph")
    # The series drawn (the legend's hollow-marker key, "preliminary" and "rounded", is not a series).
    assert main["series"] and {n for n in main["series"] if n} == {"Emigrants"}, main["names"]
    assert "1,000" in main["title"] or "1,000" in main["ytitle"], (main["title"], main["ytitle"])
    lo, hi = main["xrange"]
    assert 2009 <= lo <= 2010 and 2020 <= hi <= 2021, main["xrange"]
    compare = figure(page, "trends-compare-graph")
    lo, hi = compare["xrange"]
    assert 2009 <= lo <= 2010 and 2020 <= hi <= 2021, compare["xrange"]
    q = query(page)
    assert (q.get("measures"), q.get("years"), q.get("per1000")) == ("emigrants", "2010..2020", "1"), page.url


def test_eaeu_url_reproduces_the_view(page, app_url):
    open_page(page, app_url, "/eaeu?countries=KAZ~RUS&measure=per1000")
    wait_for_graphs(page, "eaeu-net-graph", "eaeu-stock-graph", "eaeu-eec-graph")
    settle(page)
    assert sorted(checked_values(page, "eaeu-countries")) == ["KAZ", "RUS"]
    assert checked_values(page, "eaeu-measure") == ["per1000"]
    net = figure(page, "eaeu-net-graph")
    assert set(net["names"]) == {"Kazakhstan", "Russia"}, net["names"]
    assert "1,000" in net["title"] or "1,000" in net["ytitle"], (net["title"], net["ytitle"])
    assert set(figure(page, "eaeu-stock-graph")["names"]) == {"Kazakhstan", "Russia"}
    assert set(figure(page, "eaeu-eec-graph")["names"]) <= {"Kazakhstan", "Russia"}
    q = query(page)
    assert (q.get("countries"), q.get("measure")) == ("KAZ~RUS", "per1000"), page.url


# --- 6. a malformed URL: a visible notice and the default view ------------------------------------------------

EAEU_NAMES = {"Armenia", "Belarus", "Kazakhstan", "Kyrgyzstan", "Russia"}


def _trends_default(page):
    main = figure(page, "trends-graph")
    assert {"Emigrants", "Immigrants", "Net migration"} <= set(main["names"]), main["names"]
    assert "1,000" not in main["title"] and "1,000" not in main["ytitle"]
    assert sorted(checked_values(page, "trends-measures")) == ["emigrants", "immigrants", "net"]
    assert checked_values(page, "trends-per1000") == []
    # The whole year span: the slider's handles sit at its ends and the chart covers them.
    ends = page.evaluate("""() => { const h = document.getElementById('trends-years').closest('.control')
                                                .querySelector('[role=slider]');
                                     return [Number(h.getAttribute('aria-valuemin')),
                                             Number(h.getAttribute('aria-valuemax'))]; }""")
    assert slider_values(page, "trends-years") == ends
    lo, hi = main["xrange"]
    assert lo <= ends[0] and hi >= ends[1], (main["xrange"], ends)


def _eaeu_default(page):
    net = figure(page, "eaeu-net-graph")
    assert set(net["names"]) == EAEU_NAMES, net["names"]
    assert "1,000" not in net["title"] and "1,000" not in net["ytitle"]
    assert sorted(checked_values(page, "eaeu-countries")) == ["ARM", "BLR", "KAZ", "KGZ", "RUS"]
    assert checked_values(page, "eaeu-measure") == ["absolute"]
    assert slider_values(page, "eaeu-years") == [1990, 2024]


def _destinations_default(page):
    meta = figure(page, "destinations-map")["meta"]
    assert (meta["measure"], meta["revision"], meta["year"]) == ("stock", 2020, 2020), meta
    assert checked_values(page, "destinations-measure") == ["stock"]
    assert checked_values(page, "destinations-revision") == ["2020"]
    assert page.locator("#destinations-series-block").is_hidden()


def _data_default(page, app_url):
    assert page.get_attribute("#explorer-download", "href") == "/data/kz-migration.csv"
    body = csv_rows(page.request.get(app_url + "/data/kz-migration.csv").text())[1:]
    assert page.inner_text("#explorer-count").strip() == f"{len(body):,} rows"


MALFORMED = {  # path -> (words the notices must mention, check of the default view)
    "/trends?years=abc&measures=foo": (("years", "measures"), _trends_default),
    "/eaeu?countries=FOO&years=zz&measure=nope": (("countries", "years", "measure"), _eaeu_default),
    "/destinations?measure=bogus&revision=1999&year=1234&country=XYZ": (("measure", "revision", "XYZ"),
                                                                         _destinations_default),
    "/data?dataset=nope&years=zz": (("dataset", "years"), None),
}


@pytest.mark.parametrize("path", list(MALFORMED))
def test_malformed_url_shows_notice_and_default_view(page, app_url, path):
    mentioned, default_view = MALFORMED[path]
    response = page.goto(app_url + path)
    assert response is not None and response.status == 200
    wait_for_dash(page)
    wait_for_all_graphs(page)
    settle(page)
    notices = page.locator(".notice")
    notices.first.wait_for(state="visible")
    text = " ".join(notices.all_inner_texts())
    for word in mentioned:
        assert word in text, f"no notice mentions {word!r}: {text!r}"
    assert page.locator("h1").first.is_visible()
    assert "Internal Server Error" not in page.content()
    if default_view is None:
        _data_default(page, app_url)
    else:
        default_view(page)
    # Bad values do not stay in the address bar: it shows the default view's URL.
    for bad in ("abc", "foo", "FOO", "nope", "bogus", "1999", "1234", "XYZ", "zz"):
        assert bad not in urlsplit(page.url).query, page.url


# --- 7. controls write the URL without re-rendering the page -------------------------------------------------

def test_control_change_rewrites_url_without_rerender(page, app_url):
    open_page(page, app_url, "/eaeu")
    wait_for_graphs(page, "eaeu-net-graph")
    settle(page)
    assert "Russia" in figure(page, "eaeu-net-graph")["names"]
    page.evaluate("() => { document.querySelector('h1').dataset.mark = '1'; window.__kzMark = 'kept'; }")
    history_length = page.evaluate("() => history.length")

    page.locator("#eaeu-countries label", has_text="Russia").click()
    wait_until(page, "() => new URLSearchParams(location.search).has('countries')")
    wait_until(page, f"(id) => !{GD}.data.some(t => t.name === 'Russia')", arg="eaeu-net-graph")
    settle(page)
    assert query(page)["countries"] == "ARM~BLR~KAZ~KGZ", page.url
    assert sorted(checked_values(page, "eaeu-countries")) == ["ARM", "BLR", "KAZ", "KGZ"]
    # Same document, same DOM node: the page was not re-rendered, and no history entry was pushed.
    assert page.evaluate("() => document.querySelector('h1').dataset.mark") == "1"
    assert page.evaluate("() => window.__kzMark") == "kept"
    assert page.evaluate("() => history.length") == history_length


# --- 8. Embed snippet and Download CSV follow the view ---------------------------------------------------------

def test_embed_snippet_and_download_follow_the_view(page, app_url):
    open_page(page, app_url, "/eaeu?countries=KAZ~RUS&measure=per1000&years=2000..2020")
    wait_for_graphs(page, "eaeu-net-graph")
    settle(page)
    page_query = urlsplit(page.url).query
    assert parse_qs(page_query) == {"countries": ["KAZ~RUS"], "measure": ["per1000"], "years": ["2000..2020"]}

    button = page.locator("button[aria-controls='embed-panel-eaeu-net']")
    assert button.get_attribute("aria-expanded") == "false"
    assert page.locator("#embed-panel-eaeu-net").count() == 1, "aria-controls names the panel"
    button.click()
    textarea = page.locator("#embed-code-eaeu-net")
    textarea.wait_for(state="visible")
    wait_until(page, "() => document.querySelector(\"button[aria-controls='embed-panel-eaeu-net']\")"
                     ".getAttribute('aria-expanded') === 'true'")
    code = textarea.input_value()
    assert "<iframe" in code and 'loading="lazy"' in code, code
    src = html.unescape(code.split('src="', 1)[1].split('"', 1)[0])
    assert urlsplit(src).path == "/embed/eaeu-net", src
    assert parse_qs(urlsplit(src).query) == parse_qs(page_query), (src, page.url)
    assert "/embed-resize.js" in code
    assert "Alt text:" in code
    alt = page.locator(".embed-alt").first
    assert alt.is_visible()
    assert "Alt text" in alt.inner_text() and len(alt.inner_text()) > len("Alt text: ") + 10

    link = page.locator("a[data-chart='eaeu-net']")
    href = link.get_attribute("href")
    assert urlsplit(href).path == "/data/eaeu.csv", href
    assert parse_qs(urlsplit(href).query) == {"countries": ["KAZ~RUS"], "years": ["2000..2020"]}, href
    response = page.request.get(app_url + href)
    assert response.status == 200
    assert response.headers["content-type"].startswith("text/csv")
    rows = csv_rows(response.text())
    header, body = rows[0], rows[1:]
    assert body, "the CSV has no rows"
    assert {r[header.index("iso3")] for r in body} == {"KAZ", "RUS"}
    assert all(2000 <= int(r[header.index("year")]) <= 2020 for r in body)

    # The link follows a change of the filters.
    page.locator("#eaeu-countries label", has_text="Russia").click()
    wait_until(page, """() => new URL(document.querySelector("a[data-chart='eaeu-net']").href)
                                .searchParams.get('countries') === 'KAZ'""")
    settle(page)
    assert query(page)["countries"] == "KAZ"


# --- 9. the data explorer: what's on screen is exactly the download -------------------------------------------
# The table is a dash-ag-grid AgGrid: its rows are read from the DOM (what a reader sees: `.ag-row` by its
# row-index, cells by col-id) and its pagination through the grid's API (dash_ag_grid.getApiAsync).

GRID = "explorer-table"


def grid_page(page) -> dict:
    """The grid as shown: header col-ids in order, which columns are numeric, and the rows on this page."""
    return page.evaluate(
        """(id) => { const grid = document.getElementById(id);
            const heads = [...grid.querySelectorAll('.ag-header-row-column .ag-header-cell[col-id]')];
            const header = heads.map(h => h.getAttribute('col-id'));
            const numeric = heads.filter(h => h.classList.contains('ag-right-aligned-header'))
                                 .map(h => h.getAttribute('col-id'));
            const rows = [...grid.querySelectorAll('.ag-center-cols-container .ag-row[row-index]')]
                .sort((a, b) => Number(a.getAttribute('row-index')) - Number(b.getAttribute('row-index')))
                .map(r => { const cells = {};
                            r.querySelectorAll('.ag-cell[col-id]').forEach(c => {
                                cells[c.getAttribute('col-id')] = c.innerText.trim(); });
                            return header.map(h => cells[h]); });
            const first = rows.length ? Number(grid.querySelector('.ag-center-cols-container .ag-row[row-index]')
                                                      .getAttribute('row-index')) : null;
            return {header, numeric, rows, first}; }""",
        GRID)


def grid_api(page, expression: str):
    """Evaluate ``expression`` with ``api`` bound to the explorer grid's AG Grid API."""
    return page.evaluate(f"async (id) => {{ const api = await dash_ag_grid.getApiAsync(id); return {expression}; }}",
                         GRID)


def as_csv_cell(shown: str, numeric: bool) -> str:
    """A cell as the CSV writes it: quantities are shown with thousands separators and a real minus sign."""
    return shown.replace(",", "").replace("\u2212", "-") if numeric else shown


def assert_page_equals(shown: dict, header: list[str], body: list[list[str]]) -> None:
    assert shown["header"] == header, (shown["header"], header)
    numeric = [h in shown["numeric"] for h in header]
    cells = [[as_csv_cell(c, n) for c, n in zip(row, numeric)] for row in shown["rows"]]
    assert cells == body, (cells[:3], body[:3])


def wait_for_grid_page(page, first_row: int) -> None:
    wait_until(page, """([id, first]) => { const row = document.getElementById(id)
                            .querySelector('.ag-center-cols-container .ag-row[row-index]');
                        return !!row && [...document.getElementById(id)
                            .querySelectorAll('.ag-center-cols-container .ag-row[row-index]')]
                            .some(r => Number(r.getAttribute('row-index')) === first); }""", arg=[GRID, first_row])


def test_explorer_table_matches_download(page, app_url):
    open_page(page, app_url, "/data")
    pick_dropdown_option(page, "explorer-dataset", "migrant-stock:")
    wait_until(page, """() => document.getElementById('explorer-download').getAttribute('href')
                                .startsWith('/data/migrant-stock.csv')""")
    page.wait_for_selector("#explorer-countries-control", state="visible")
    page.click("#explorer-countries")
    search = page.locator(".dash-dropdown-content input.dash-dropdown-search")
    if search.count():
        search.fill("DEU")
    option = page.locator(".dash-dropdown-content .dash-dropdown-option", has_text="(DEU)")
    option.first.wait_for(state="visible")
    option.first.click()
    page.keyboard.press("Escape")
    wait_until(page, """() => new URL(document.getElementById('explorer-download').href)
                                .searchParams.get('countries') === 'DEU'""")
    # The address bar is written by a clientside callback once the page's url-query store has the new query.
    wait_until(page, "() => new URLSearchParams(location.search).get('countries') === 'DEU'")
    settle(page)
    q = query(page)
    assert (q.get("dataset"), q.get("countries")) == ("migrant-stock", "DEU"), page.url

    count_text = page.inner_text("#explorer-count")
    href = page.get_attribute("#explorer-download", "href")
    response = page.request.get(app_url + href)
    assert response.status == 200 and response.headers["content-type"].startswith("text/csv")
    rows = csv_rows(response.text())
    header, body = rows[0], rows[1:]
    expected = "1 row" if len(body) == 1 else f"{len(body):,} rows"
    assert count_text.strip() == expected, (count_text, len(body))
    assert body and {r[header.index("destination")] for r in body} == {"DEU"}

    # The rows on the table's first page are the CSV's first rows, column for column.
    wait_until(page, """(id) => [...document.getElementById(id).querySelectorAll('.ag-row[row-index]')]
                                .some(r => (r.querySelector('[col-id=destination]') || {}).innerText === 'DEU')""",
               arg=GRID)
    shown = grid_page(page)
    assert len(shown["rows"]) == min(len(body), 25)
    assert_page_equals(shown, header, body[: len(shown["rows"])])
    assert grid_api(page, "api.getDisplayedRowCount()") == len(body)


def test_explorer_pages_through_every_row_of_the_download(page, app_url):
    """Page by page, the grid shows the whole CSV, in its order."""
    open_page(page, app_url, "/data")
    page.wait_for_selector(f"#{GRID} .ag-row[row-index]")
    body_csv = csv_rows(page.request.get(app_url + page.get_attribute("#explorer-download", "href")).text())
    header, body = body_csv[0], body_csv[1:]
    assert len(body) > 25, "the default dataset should need more than one page"
    assert grid_api(page, "api.getDisplayedRowCount()") == len(body)
    pages = grid_api(page, "api.paginationGetTotalPages()")
    assert pages == -(-len(body) // 25)
    assert grid_api(page, "api.paginationGetPageSize()") == 25

    for number in range(pages):
        if number:
            page.click(f"#{GRID} .ag-paging-button[aria-label='Next Page']")
            wait_for_grid_page(page, 25 * number)
        assert grid_api(page, "api.paginationGetCurrentPage()") == number
        assert f"Page {number + 1} of {pages}" in page.inner_text(f"#{GRID} .ag-paging-panel")
        shown = grid_page(page)
        assert shown["first"] == 25 * number
        assert_page_equals(shown, header, body[25 * number: 25 * (number + 1)])


def test_explorer_starts_on_page_one_after_a_new_filter(page, app_url):
    """On the last page, another choice (here: the dataset) shows its rows from the first page, as its CSV has them."""
    open_page(page, app_url, "/data")
    page.wait_for_selector(f"#{GRID} .ag-row[row-index]")
    page.click(f"#{GRID} .ag-paging-button[aria-label='Last Page']")
    wait_until(page, f"""() => !!document.querySelector('#{GRID} .ag-row[row-index="25"]')""")
    assert grid_api(page, "api.paginationGetCurrentPage()") > 0
    pick_dropdown_option(page, "explorer-dataset", "eaeu:")
    wait_until(page, "() => document.getElementById('explorer-download').getAttribute('href') === '/data/eaeu.csv'")
    settle(page)
    wait_until(page, f"() => document.querySelector('#{GRID} .ag-header-cell[col-id=iso3]') !== null")
    assert grid_api(page, "api.paginationGetCurrentPage()") == 0
    eaeu = csv_rows(page.request.get(app_url + "/data/eaeu.csv").text())
    assert_page_equals(grid_page(page), eaeu[0], eaeu[1:26])


def test_explorer_shows_every_cell_in_full(page, app_url):
    """What is on screen equals the CSV only if a reader can read each cell: no text cut off with an ellipsis."""
    open_page(page, app_url, "/data")
    page.wait_for_selector(f"#{GRID} .ag-row[row-index]")
    cut = page.evaluate(
        """(id) => [...document.getElementById(id).querySelectorAll('.ag-center-cols-container .ag-cell[col-id]')]
                   .filter(c => c.scrollWidth > c.clientWidth + 1 || (c.firstElementChild
                                && c.firstElementChild.scrollWidth > c.firstElementChild.clientWidth + 1))
                   .map(c => c.getAttribute('col-id') + ': ' + c.innerText)""", GRID)
    assert cut == [], f"{len(cut)} cells cut off, e.g. {cut[:3]}"


def test_explorer_sorts_numbers_as_numbers_and_moves_by_keyboard(page, app_url):
    """Sorting a quantity column puts 7,608 before 65,000 (not as text); the arrow keys move between cells."""
    open_page(page, app_url, "/data")
    page.wait_for_selector(f"#{GRID} .ag-row[row-index]")
    page.click(f"#{GRID} .ag-header-cell[col-id=value] .ag-header-cell-label")
    wait_until(page, f"""() => document.querySelector('#{GRID} .ag-header-cell[col-id=value]')
                                .getAttribute('aria-sort') === 'ascending'""")
    values = grid_api(page, "(() => { const v = []; api.forEachNodeAfterFilterAndSort(n => v.push(n.data.value));"
                            " return v; })()")
    present = [v for v in values if v is not None]
    assert present == sorted(present) and len(present) > 25
    shown = grid_page(page)
    column = shown["header"].index("value")
    on_screen = [float(as_csv_cell(r[column], True)) for r in shown["rows"] if r[column]]
    assert on_screen == sorted(on_screen) and on_screen[0] == min(present)

    page.click(f"#{GRID} .ag-row[row-index='0'] .ag-cell[col-id=year]")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("ArrowRight")
    focused = grid_api(page, "(() => { const c = api.getFocusedCell(); return [c.rowIndex, c.column.getColId()]; })()")
    assert focused == [1, shown["header"][shown["header"].index("year") + 1]]


# --- 10. phone width: nothing wider than the screen ------------------------------------------------------------

@pytest.mark.parametrize("path", list(PAGES))
def test_page_fits_phone_width(phone_page, app_url, path):
    name, _words = PAGES[path]
    open_page(phone_page, app_url, path)
    settle(phone_page)
    overflow = phone_page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0, f"{path} is {overflow}px wider than a 375px phone"
    if name in ("destinations", "trends"):
        screenshot(phone_page, f"{name}-phone")
