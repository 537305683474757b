"""The app shell around every page: a skip link, the navigation (a menu on a phone), the language switcher,
the theme store, and the index HTML's ``<html lang>``, title and plotly.js locale."""

from __future__ import annotations

import json
import re

import dash
import flask
from dash import Input, Output, dcc, html

from dashboard import claim_review, context, urlstate
from dashboard.components import THEME
from dashboard.i18n import LANGUAGES, _, plotly_locale_file
from dashboard.static_files import StaticFiles

# Each language named in itself, so a reader finds theirs whatever the page's language.
ENDONYMS = {"en": "English", "ru": "Русский", "kk": "Қазақша"}


def scripts(page: dict | None) -> tuple:
    """What a page's HTML loads beyond Dash's core: its component libraries, and plotly.js if it draws charts."""
    page = page or {}
    return tuple(page.get("libraries", ())), page.get("charts", True)


def page_at(path: str) -> dict | None:
    return next((p for p in dash.page_registry.values() if p["path"] == path), None)


def pages() -> list[dict]:
    return sorted(dash.page_registry.values(), key=lambda p: p.get("order") or 0)


def navbar(lang: str = "en") -> html.Nav:
    """The brand, the pages and the languages on one line; on a phone the pages fold behind a Menu button."""
    links = [dcc.Link(_(page["name"], lang), href=urlstate.with_lang(page["relative_path"], lang),
                      className="nav-link", id=f"nav-link-{i}") for i, page in enumerate(pages())]
    languages = html.Div([
        html.A(ENDONYMS[code], id=f"lang-{code}", href=f"?lang={code}", lang=code, hrefLang=code,
               className="lang-link" + (" current" if code == lang else ""),
               **({"aria-current": "true"} if code == lang else {}))
        for code in LANGUAGES], className="languages", role="group", **{"aria-label": _("Language", lang)})
    return html.Nav([
        html.A(_("kz-emigration", lang), href=urlstate.with_lang("/", lang), className="brand"),
        html.Button([html.Span("☰", **{"aria-hidden": "true"}), " ", _("Menu", lang)], id="nav-toggle",
                    className="nav-toggle", type="button", n_clicks=0,
                    **{"aria-controls": "nav-links", "aria-expanded": "false"}),
        html.Div(links, id="nav-links", className="nav-links"),
        languages,
    ], className="navbar", **{"aria-label": _("Pages", lang)})


def layout() -> html.Div:
    """The shell of the request's language (Dash asks for it once per page load)."""
    lang = context.language(flask.request.args.get("lang") if flask.has_request_context() else None)
    return html.Div([
        html.A(_("Skip to main content", lang), href="#main", className="skip-link"),
        navbar(lang),
        html.Main(dash.page_container, id="main", className="page", tabIndex="-1"),
        dcc.Store(id=THEME),
        dcc.Store(id="page-title-sync"),
    ], className="shell")


# The menu opens and closes with its button, and closes when a page is chosen.
NAV_JS = """function(clicks, pathname) {
    const ctx = window.dash_clientside.callback_context;
    const toggled = ctx.triggered.length && ctx.triggered[0].prop_id === 'nav-toggle.n_clicks';
    const open = toggled && !document.getElementById('nav-links').classList.contains('open');
    return [open ? 'nav-links open' : 'nav-links', open ? 'true' : 'false'];
}"""

# The language links lead to the page the reader is on, in the same state, in another language.
LANGUAGE_JS = """function(pathname, search) {
    return %s.map(function (code) {
        const params = new URLSearchParams(window.location.search);
        params.set('lang', code);  // explicit, so it also overrides the language remembered for the visit
        const query = params.toString();
        return window.location.pathname + (query ? '?' + query : '');
    });
}""" % list(LANGUAGES)


# The browser tab names the page in the reader's language: the page's own heading, then the site.
TITLE_JS = """function(children) {
    setTimeout(function () {
        const heading = document.querySelector('#main h1');
        const site = document.querySelector('.navbar .brand');
        if (heading) { document.title = heading.textContent + (site ? ' · ' + site.textContent : ''); }
    }, 0);
    return window.dash_clientside.no_update;
}"""


# A page whose HTML loads other scripts than the current one's (index_html) is reached by a full load, not
# in place: each link's `refresh` follows the page the reader is on.
REFRESH_JS = """function(pathname) {
    const groups = %s;
    const paths = %s;
    const here = JSON.stringify(groups[pathname] || groups['/']);
    return paths.map(function (path) { return JSON.stringify(groups[path]) !== here; });
}"""


def register(app: dash.Dash) -> None:
    listed = pages()
    groups = {p["path"]: scripts(p) for p in listed}
    app.clientside_callback(REFRESH_JS % (json.dumps(groups), json.dumps([p["path"] for p in listed])),
                            *(Output(f"nav-link-{i}", "refresh") for i in range(len(listed))),
                            Input("_pages_location", "pathname"))
    app.clientside_callback(NAV_JS, Output("nav-links", "className"), Output("nav-toggle", "aria-expanded"),
                            Input("nav-toggle", "n_clicks"), Input("_pages_location", "pathname"))
    app.clientside_callback(LANGUAGE_JS, *(Output(f"lang-{code}", "href") for code in LANGUAGES),
                            Input("_pages_location", "pathname"), Input("_pages_location", "search"))
    app.clientside_callback(TITLE_JS, Output("page-title-sync", "data"), Input("_pages_content", "children"))


# Component libraries only some pages use (a page names its own in register_page(libraries=...)), and
# dash_table, which Dash 4 still links although no page uses it.
OPTIONAL_LIBRARIES = ("dash_ag_grid", "dash/dash_table")


def index_html(page: str, lang: str, static: StaticFiles, path: str) -> str:
    """The index HTML Dash renders, for one page in the reader's language: ``<html lang>``, plotly.js's
    locale script for that language only (it registers itself when plotly.js loads), and the component
    libraries this page uses, not those of every page."""
    needed, charts = scripts(page_at(path))
    for library in OPTIONAL_LIBRARIES:
        if library not in needed:
            page = re.sub(rf'<script src="[^"]*/_dash-component-suites/{library}/[^"]*"></script>\s*', "", page)
    if not charts:
        page = page.replace(f'<script src="{static.url("plotly-kz.js")}"></script>', "", 1)
    page = page.replace("<html>", f'<html lang="{lang}">', 1)
    script = plotly_locale_file(lang)
    if script and charts:
        page = page.replace("</head>", f'<script src="{static.url(script)}"></script>\n</head>', 1)
    return page


STORY = "/"  # the story page: the claims checked


def with_claim_reviews(page: str, path: str, lang: str) -> str:
    """The story page's HTML with every claim's ClaimReview JSON-LD in its head, once this process has
    read the data (the first request after a start reads none, so it goes out without)."""
    if path != STORY:
        return page
    # The feed of verdict changes, for a reader's feed reader to find.
    feed = urlstate.with_lang("/claims.atom", lang)
    page = page.replace("</head>", f'<link rel="alternate" type="application/atom+xml" href="{feed}">\n</head>', 1)
    snap = context.loaded_snapshot()
    if snap is None:
        return page
    root = flask.request.url_root
    block = snap.cached("page", ("claim-review", root, lang),
                        lambda: claim_review.script(claim_review.reviews(snap, root, lang)))
    return page.replace("</head>", block + "\n</head>", 1)
