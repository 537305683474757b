"""WCAG 2.2 AA in a real browser: axe-core on every page and embed (1280 and 375 px, light and dark), the
keyboard alone (skip link, a visible focus ring, no traps, the destination picker, the grid), and a text
alternative and a data table for every chart."""

from __future__ import annotations

import pytest

from tests.browser.helpers import (axe_violations, focus_ring, open_dash, open_embed, query_lists, settle,
                                   type_into_picker, wait_for_all_graphs, wait_for_layout, wait_until)

pytestmark = pytest.mark.browser

WIDTHS = {"desktop": (1280, 900), "phone": (375, 800)}
PAGES = ["/", "/destinations", "/destinations?country=DEU", "/trends", "/eaeu", "/data",
         "/data?dataset=migrant-stock", "/trends?lang=ru", "/destinations?lang=kk"]
EMBEDS = ["/embed/destinations-map", "/embed/top-destinations", "/embed/destination-series?country=DEU",
          "/embed/trends", "/embed/trends-compare", "/embed/eaeu-net", "/embed/eaeu-stock-share", "/embed/eaeu-rank",
          "/embed/eaeu-eec", "/embed/claim/leave-30-50k", "/embed/claim/ukraine-key-destination",
          "/embed/trends?theme=dark", "/embed/trends?lang=kk&theme=auto"]


def _open(page, url):
    (open_embed if "/embed/" in url else open_dash)(page, url)


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("path", PAGES + EMBEDS)
def test_axe_finds_no_critical_or_serious_violation(browse, app_url, path, scheme):
    """At 1280 px, then the same page narrowed to 375 px (the layout follows the width live, as on a phone
    turned or a host page resized: one load checks both widths)."""
    page = browse(*WIDTHS["desktop"], scheme)
    _open(page, app_url + path)
    found = {"desktop": axe_violations(page)}
    page.set_viewport_size(dict(zip(("width", "height"), WIDTHS["phone"])))
    wait_for_layout(page)
    found["phone"] = axe_violations(page)
    assert found == {"desktop": [], "phone": []}


def test_axe_passes_with_the_embed_panel_open_and_a_dropdown_open(browse, app_url):
    page = browse(1280, 900)
    open_dash(page, app_url + "/trends")
    page.click("#trends-graph ~ * button:has-text('Embed'), figure.chart-block button:has-text('Embed')")
    page.wait_for_selector("textarea.embed-code")
    assert axe_violations(page) == []
    open_dash(page, app_url + "/data")
    page.click("#explorer-dataset")
    page.wait_for_selector(".dash-dropdown-content, [role=listbox]")
    assert axe_violations(page) == []


# --- the keyboard alone ------------------------------------------------------------------------------------------

def _tab_through(page, limit: int = 400, key: str = "Tab") -> list[dict]:
    """Press Tab until focus comes back to the page itself (or ``limit``): every stop with its focus ring."""
    stops = []
    for _ in range(limit):
        page.keyboard.press(key)
        ring = focus_ring(page)
        if ring["tag"] == "BODY" or (stops and ring == stops[0] and len(stops) > 1):
            break
        stops.append(ring)
    return stops


def test_the_skip_link_is_the_first_stop_and_leads_to_the_main_content(browse, app_url):
    page = browse(1280, 900)
    open_dash(page, app_url + "/trends")
    page.keyboard.press("Tab")
    first = focus_ring(page)
    assert first["cls"] == "skip-link" and first["text"] == "Skip to main content"
    box = page.evaluate("() => document.activeElement.getBoundingClientRect().toJSON()")
    assert box["x"] >= 0 and box["width"] > 0, "the skip link must be visible when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("() => document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.getElementById('main').contains(document.activeElement)")


@pytest.mark.parametrize("path", ["/", "/destinations", "/trends", "/eaeu", "/data"])
def test_every_stop_shows_a_focus_ring_and_tab_never_traps(browse, app_url, path):
    """Tab visits every control and leaves the page again (no trap, the /data table included); each stop
    shows a visible ring; Shift+Tab walks back.  No chart adds modebar stops."""
    page = browse(1280, 900)
    open_dash(page, app_url + path)
    stops = _tab_through(page)
    assert stops and len(stops) < 400, f"focus never left {path}: a keyboard trap"
    without_ring = [s for s in stops if not ((s["outline"] != "none" and s["width"] >= 2) or s["shadow"] != "none")]
    assert without_ring == [], without_ring[:5]
    assert not any("modebar" in s["cls"] for s in stops)
    assert page.evaluate("() => document.querySelectorAll('.modebar-btn').length") == 0
    # Shift+Tab from the last stop goes back, never stays put.
    page.keyboard.press("Shift+Tab")
    back = focus_ring(page)
    page.keyboard.press("Shift+Tab")
    assert focus_ring(page) != back


def test_the_data_table_is_operable_from_the_keyboard_and_lets_focus_go(browse, app_url):
    """Into the grid, sort a column with Enter, page on with the pagination buttons, and Tab out again."""
    page = browse(1280, 900)
    open_dash(page, app_url + "/data")
    page.wait_for_selector("#explorer-table .ag-row[row-index]")
    page.focus("#explorer-table .ag-header-cell[col-id=value]")
    page.keyboard.press("Enter")
    wait_until(page, """() => document.querySelector('#explorer-table .ag-header-cell[col-id=value]')
                              .getAttribute('aria-sort') === 'ascending'""")
    wait_until(page, "() => window.location.search.includes('sort=value')")
    # Every pagination button has a name and is reachable (a real button or a focusable role=button).
    buttons = page.evaluate("""() => [...document.querySelectorAll('#explorer-table .ag-paging-button')]
        .map(b => ({name: b.getAttribute('aria-label') || b.innerText, tab: b.tabIndex}))""")
    assert buttons and all(b["name"] for b in buttons) and any(b["tab"] >= 0 for b in buttons), buttons
    stops = _tab_through(page, limit=80)
    inside = [s for s in stops if s["cls"].startswith("ag-")]
    assert len(stops) < 80, "focus never left the table"
    assert len(inside) < 20, inside


def test_a_destination_is_chosen_without_a_mouse(browse, app_url):
    page = browse(1280, 900)
    open_dash(page, app_url + "/destinations")
    type_into_picker(page, "destinations-picker", "Germany")
    page.keyboard.press("ArrowDown")
    page.keyboard.press("Enter")
    wait_until(page, "() => new URLSearchParams(window.location.search).get('country') === 'DEU'")
    wait_until(page, "() => !document.getElementById('destinations-series-block').hidden")
    settle(page)


# --- every chart in words, and its data one click away -----------------------------------------------------------

@pytest.mark.parametrize("path", ["/", "/destinations?country=DEU", "/trends", "/eaeu"])
def test_every_chart_has_its_text_alternative_and_a_table_link(browse, app_url, path):
    page = browse(1280, 900)
    open_dash(page, app_url + path)
    wait_for_all_graphs(page)
    wait_until(page, """() => [...document.querySelectorAll('figure.chart-block')].filter(f => f.offsetParent !== null)
                              .every(f => f.querySelector('.chart-alt').textContent.length > 20)""")
    blocks = page.evaluate("""() => [...document.querySelectorAll('figure.chart-block')].filter(f => f.offsetParent !== null)
        .map(f => ({alt: f.querySelector('.chart-alt').textContent,
                    label: (f.querySelector('.js-plotly-plot') || {getAttribute: () => null}).getAttribute('aria-label'),
                    role: (f.querySelector('.js-plotly-plot') || {getAttribute: () => null}).getAttribute('role'),
                    table: (f.querySelector('.chart-text a') || {}).href || null}))""")
    assert blocks
    for block in blocks:
        assert block["label"] == block["alt"] and block["role"] == "img"
        assert block["alt"].split(":")[0] in ("Line chart", "Bar chart", "Map", "Chart", "Strip chart") or \
            ":" in block["alt"], block["alt"]
        assert block["table"] and "/data?dataset=" in block["table"], block
    # The table link opens the rows behind the chart.
    link = page.locator("figure.chart-block .chart-text").first
    link.locator("summary").click()
    href = link.locator("a").get_attribute("href")
    open_dash(page, app_url + href)
    # (the default dataset, kz-migration, is left out of the address once the page has loaded)
    assert query_lists(page.url).get("dataset", ["kz-migration"])[0] in (
        "kz-migration", "kz-destinations", "migrant-stock", "eaeu")
    page.wait_for_selector("#explorer-table .ag-row[row-index]")
