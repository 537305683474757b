"""Each language in a real browser: the page's visible text and the text drawn in its charts are in that
language, ``<html lang>`` matches, the language follows the reader (switcher, links, Accept-Language, the
visit), and an embed loads plotly.js's locale of its language only (our own for Kazakh)."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest

from tests.browser.conftest import screenshot
from tests.browser.helpers import open_dash, open_embed, wait_until

pytestmark = pytest.mark.browser

# Letters on screen, split into visible page text and chart (SVG) text.  Not counted: text marked as another
# language (the article's quote and title in English, each language's name in itself) and the grid cells that
# hold the data's own text (sources and notes as their publishers wrote them, in English or Russian), and
# machine names (CSV columns, codes), which never change with the language.
SCRIPT_SHARE = """() => {
  const page = document.documentElement.lang;
  const out = {text: {cyr: 0, lat: 0, words: []}, chart: {cyr: 0, lat: 0, words: []}};
  const walker = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
  for (let n = walker.nextNode(); n; n = walker.nextNode()) {
    const el = n.parentElement;
    if (!el || el.closest('script, style, noscript, textarea')) continue;
    const tagged = el.closest('[lang]');
    if (tagged && tagged.lang !== page) continue;
    if (el.closest('.ag-cell[col-id=source], .ag-cell[col-id=citation], .ag-cell[col-id=note], '
                   + '.ag-cell[col-id=definition]')) continue;
    // CSV column names and codes are the same machine names in every language (the grid's headers, <code>)
    if (el.closest('code, .ag-header-cell-text')) continue;
    const svg = el.closest('svg');
    if (!svg && el.getClientRects().length === 0) continue;  // not displayed
    const bucket = svg ? out.chart : out.text, s = n.textContent;
    bucket.cyr += (s.match(/[\\u0400-\\u04FF]/g) || []).length;
    bucket.lat += (s.match(/[A-Za-z]/g) || []).length;
    bucket.words.push(...(s.match(/[A-Za-z][A-Za-z'.-]+/g) || []));
  }
  return out;
}"""
PAGES = ["/", "/destinations", "/trends", "/eaeu", "/data", "/data?dataset=kz-destinations"]
EMBEDS = ["/embed/trends", "/embed/destinations-map", "/embed/eaeu-eec", "/embed/claim/leave-30-50k"]
CYRILLIC_AT_LEAST = 0.85  # left in Latin letters: CSV, PNG, WDI, CABAR.asia, kz-emigration, codes in prose
# ("period_type: year | half-year | ..."); before the catalogues, 4-26% of the letters were Cyrillic


def _with_lang(path: str, lang: str) -> str:
    return path + ("&" if "?" in path else "?") + f"lang={lang}"


def _share(bucket: dict) -> float:
    letters = bucket["cyr"] + bucket["lat"]
    return bucket["cyr"] / letters if letters else 1.0


def _open(page, url: str) -> None:
    (open_embed if "/embed/" in url else open_dash)(page, url)


@pytest.mark.parametrize("lang", ["ru", "kk"])
@pytest.mark.parametrize("path", PAGES + EMBEDS)
def test_the_page_and_its_charts_read_in_the_language(browse, app_url, path, lang):
    page = browse(1280, 900)
    _open(page, app_url + _with_lang(path, lang))
    assert page.evaluate("document.documentElement.lang") == lang
    seen = page.evaluate(SCRIPT_SHARE)
    assert _share(seen["text"]) >= CYRILLIC_AT_LEAST, (round(_share(seen["text"]), 3), seen["text"]["words"])
    assert seen["chart"]["cyr"] + seen["chart"]["lat"] > 0 or path.startswith("/data"), "no chart text was read"
    assert _share(seen["chart"]) >= CYRILLIC_AT_LEAST, (round(_share(seen["chart"]), 3), seen["chart"]["words"])
    if path in ("/", "/trends"):  # for the README: one page in each language
        screenshot(page, f"{path.strip('/') or 'home'}-desktop-light-{lang}")


@pytest.mark.parametrize("path", ["/", "/destinations", "/trends", "/eaeu", "/data", "/embed/trends",
                                  "/embed/destinations-map"])
def test_kazakh_and_russian_fit_a_phone(browse, app_url, path):
    """Kazakh words are long ("көші-қон сальдосы"): no page scrolls sideways at 375 px in either language."""
    for lang in ("kk", "ru"):
        page = browse(375, 800)
        _open(page, app_url + _with_lang(path, lang))
        widths = page.evaluate("() => ({page: document.documentElement.scrollWidth, screen: window.innerWidth})")
        assert widths["page"] <= widths["screen"], (lang, widths)
        if path in ("/destinations", "/trends") and lang == "kk":
            screenshot(page, f"{path.strip('/')}-phone-light-{lang}")


def test_the_english_page_has_no_cyrillic_beyond_the_datas_own(browse, app_url):
    """The same measure on the English page: it tells the languages apart (it can fail)."""
    page = browse(1280, 900)
    open_dash(page, app_url + "/trends?lang=en")
    seen = page.evaluate(SCRIPT_SHARE)
    assert _share(seen["text"]) < 0.05 and _share(seen["chart"]) < 0.05, seen


def test_the_switcher_keeps_the_view_and_every_link_keeps_the_language(browse, app_url):
    page = browse(1280, 900)
    open_dash(page, app_url + "/trends?years=2010..2020&per1000=1")
    page.click("#lang-kk")
    wait_until(page, "() => document.documentElement.lang === 'kk'")
    open_dash(page, page.url)  # the switcher is a link: a new page load, in the same view
    query = parse_qs(urlsplit(page.url).query)
    assert query["lang"] == ["kk"] and query["years"] == ["2010..2020"] and query["per1000"] == ["1"], page.url
    hrefs = page.eval_on_selector_all("nav a[href^='/']:not(.lang-link)", "els => els.map(a => a.getAttribute('href'))")
    assert hrefs and [h for h in hrefs if "lang=kk" not in h] == [], hrefs
    page.click("nav a[href^='/eaeu']")
    wait_until(page, "() => location.pathname === '/eaeu'")
    open_dash(page, page.url)
    assert page.evaluate("document.documentElement.lang") == "kk"
    assert "lang=kk" in page.url, page.url


@pytest.mark.parametrize("path", ["/eaeu", "/data", "/destinations", "/trends"])
def test_the_address_keeps_the_language_after_loading(browse, app_url, path):
    """/eaeu and /data dropped ``lang`` from the address once their state was written back."""
    page = browse(1280, 900)
    open_dash(page, app_url + _with_lang(path, "ru"))
    wait_until(page, "() => new URLSearchParams(location.search).get('lang') === 'ru'")
    assert page.evaluate("document.documentElement.lang") == "ru"


def test_the_browsers_language_is_the_default(browse, app_url):
    page = browse(1280, 900, locale="ru-RU")
    open_dash(page, app_url + "/")
    assert page.evaluate("document.documentElement.lang") == "ru"
    assert _share(page.evaluate(SCRIPT_SHARE)["text"]) >= CYRILLIC_AT_LEAST


def test_the_language_chosen_is_remembered_for_the_visit(browse, app_url):
    page = browse(1280, 900)
    open_dash(page, app_url + "/?lang=kk")
    open_dash(page, app_url + "/trends")  # no lang in the address
    assert page.evaluate("document.documentElement.lang") == "kk"
    open_dash(page, app_url + "/trends?lang=en")  # an explicit choice wins
    assert page.evaluate("document.documentElement.lang") == "en"


@pytest.mark.parametrize("lang,other,january", [("kk", "ru", "Қаңтар"), ("ru", "kk", "январь")])
def test_charts_load_their_languages_plotly_locale_only(browse, app_url, lang, other, january):
    """plotly.js ships Russian; Kazakh is ours (dashboard/static/vendor/plotly-locale-kk.js)."""
    for url in (f"/embed/trends?lang={lang}", f"/trends?lang={lang}"):
        page = browse(1280, 900)
        requested = []
        page.on("request", lambda r: requested.append(urlsplit(r.url).path))
        _open(page, app_url + url)
        assert any(p.endswith(f"plotly-locale-{lang}.js") for p in requested), requested
        assert not any(p.endswith(f"plotly-locale-{other}.js") for p in requested), requested
        month = page.evaluate("""() => { const gd = document.querySelector('.js-plotly-plot');
            return {locale: gd._context.locale,
                    month: gd._fullLayout._d3locale.timeFormat('%B')(new Date(2020, 0, 15))}; }""")
        assert month["locale"] == lang and month["month"].lower() == january.lower(), month
