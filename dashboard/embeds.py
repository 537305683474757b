"""Chart-only pages for iframes (``/embed/<chart>``), their snippet, and the iframe markup oEmbed returns.

Server-rendered from the views' own figure functions with a Jinja2 template (autoescaped): every view is
a plain GET with a stable URL, so a CDN in front can cache a viral embed, and the page needs no callbacks.
An embed lives inside someone else's article: a parameter it cannot honour (a mistyped year, an unknown
theme, an ``as_of`` date before any snapshot) falls back to its default with a small notice, and the
chart is drawn all the same.  Rendered once per snapshot and canonical parameters (``theme=light`` and
no theme are one entry).
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
import html
import json
from dataclasses import dataclass
from typing import Any, Callable, Mapping

import jinja2

from dashboard import alttext, claim_review, datasets, formatting, provenance, urlstate
from dashboard.figures import theme as themes
from dashboard.i18n import N_, _, negotiate, plotly_locale_file
from dashboard.snapshots import Snapshot, Store
from dashboard.shared_cache import SharedCache
from dashboard.static_files import StaticFiles
from dashboard.views.charts import CLAIM_PREFIX, Chart

THEMES = ("light", "dark", "auto")
DATE = r"\d{4}-\d{2}-\d{2}"
NOTICES_MARK = "<!--kz-notices-->"  # where a request's own notices go into a cached page


def embed_params() -> tuple[urlstate.Param, ...]:
    """The parameters every embed takes besides its chart's own (and ``lang``)."""
    return (
        urlstate.Param("theme", "choice", "light", THEMES, labels=(N_("light"), N_("dark"), N_("auto")),
                       help="light | dark | auto (follows the reader's prefers-color-scheme)"),
        urlstate.Param("controls", "flag", True, help="0 hides the controls"),
        urlstate.Param("as_of", "pattern", None, pattern=DATE,
                       help="a date (YYYY-MM-DD): the data as published then (the latest snapshot on or before it)"),
    )


def embed_id(chart_id: str, query: str) -> str:
    return f"kz-{chart_id.replace('/', '-')}-{hashlib.sha1(query.encode()).hexdigest()[:8]}"


def iframe_html(url: str, title: str, chart_id: str, query: str, height: int = 500) -> str:
    return (f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" id="{embed_id(chart_id, query)}" '
            f'style="width:100%;min-width:100%;height:{height}px;border:none" scrolling="no" frameborder="0" '
            f'loading="lazy"></iframe>')


def resize_script(base_url: str) -> str:
    """The script the article's page loads once, beside its iframes."""
    return f'<script src="{base_url}/embed-resize.js" defer></script>'


def snippet(base_url: str, chart: Chart, query: str, alt: str, lang: str = "en") -> str:
    """What an editor pastes: the responsive iframe (in ``lang``), the one-time resize script, and alt text.
    ``query`` is the chart's canonical query: the iframe's id (which the resize script matches) never
    depends on the language."""
    return "\n".join([
        iframe_html(f"{base_url}/embed/{chart.id}{urlstate.with_lang(query, lang)}", chart.title_in(lang),
                    chart.id, query),
        resize_script(base_url),
        "<!-- " + _("Alt text: {alt}", lang, alt=html.escape(alt)) + " -->",
    ])


def oembed_html(base_url: str, chart: Chart, query: Mapping[str, Any], height: int) -> tuple[str, str]:
    """(title, iframe markup) for an oEmbed reply on a page or embed URL: its parameters in canonical form
    (the iframe's id is the one the embed page gives itself), in the URL's language."""
    lang = negotiate(query.get("lang"))
    params = (*chart.params, *embed_params())
    values, _notices = urlstate.parse(query, params, strict=False, ignore=("lang",), lang=lang)
    full = urlstate.with_lang(urlstate.encode(values, params), lang)
    return chart.title_in(lang), (iframe_html(f"{base_url}/embed/{chart.id}{full}", chart.title_in(lang), chart.id,
                                              urlstate.encode(values, chart.params), height)
                                  + resize_script(base_url))


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("dashboard", "templates"),
                              autoescape=jinja2.select_autoescape(default=True), trim_blocks=False)


@dataclass(frozen=True)
class Rendered:
    status: int
    body: str
    notices: tuple[str, ...] = ()  # what this address got wrong, written into the body


@dataclass(frozen=True)
class Links:
    """Where an embed page's links go: the live app's own routes, or a static bake's files (``bake``)."""
    data_url: str
    page_url: str | None  # "Open the full chart"; None leaves the link out (a bake with no live site)
    bake: dict | None = None  # a baked page's map from query strings to its sibling files (static/bake.js)


def live_links(chart: Chart, values: Mapping, lang: str) -> Links:
    return Links(chart.data_url(values), urlstate.with_lang(chart.page_url(values), lang))


def _pin(values: dict, store: Store, current: Snapshot, lang: str, notices: list[str]) -> Snapshot:
    """The snapshot an ``as_of`` date asks for: the latest published on or before it, else the current one."""
    asked = values.get("as_of")
    if not asked:
        return current
    try:
        dt.date.fromisoformat(asked)
    except ValueError:
        notices.append(_("'{value}' is not a date (YYYY-MM-DD); showing the current data (as of {current}).", lang,
                         value=urlstate.excerpt(asked), current=formatting.date(current.date, lang)))
        values["as_of"] = None
        return current
    found = store.on_or_before(asked)
    if found is None:
        notices.append(_("No data was published on or before {date}; showing the current data (as of {current}).",
                         lang, date=urlstate.excerpt(asked), current=formatting.date(current.date, lang)))
        values["as_of"] = None
        return current
    return store.get(found)


def render(chart: Chart, query: Mapping[str, Any], store: Store, static: StaticFiles,
           shared: SharedCache | None = None,
           links: Callable[[Chart, Mapping, str], Links] | None = None, current: Snapshot | None = None,
           root: str | None = None) -> Rendered:
    """The embed page for ``/embed/<chart>?query``, built once per snapshot and canonical parameters.

    Leniently parsed: a bad or repeated parameter falls back (to its default, or its last value) with a
    notice, so an embed already published in an article keeps showing a chart.  ``links`` (a static bake's)
    replaces the live routes in the page's links; such a page is built each time, never cached.  ``current``:
    the snapshot the request pinned (default: the store's current one).  ``root``: the site's public address
    (the live app's), for a claim's ClaimReview markup."""
    lang = negotiate(query.get("lang"))  # the one negotiation: anything but en/ru/kk is English
    values, notices = urlstate.parse(query, (*chart.params, *embed_params()), strict=False, ignore=("lang",),
                                     lang=lang)
    current = current or store.current()
    snap = _pin(values, store, current, lang, notices)
    for name in chart.required:
        if values.get(name) is None:
            param = next(p for p in chart.params if p.name == name)
            notices.append(_("This chart shows one destination: add {name}= to its address ({allowed}).", lang,
                             name=name, allowed=param.allowed()))
    # The page is cached by its canonical parameters alone; what this request got wrong is written into it
    # as a notice, so junk queries neither evict real embeds nor cost a render each.
    # Only a claim's page names the site's address (its ClaimReview): the others are one entry whatever the
    # host, so every instance behind a balancer shares them in Redis.
    root = root if chart.id.startswith(CLAIM_PREFIX) else None
    key = (chart.id, urlstate.encode(values, (*chart.params, *embed_params())), lang, current.id, root)
    build = functools.partial(page_html, chart, values, snap, current, lang, static,
                              (links or live_links)(chart, values, lang), None if links else root)
    if links is not None:
        page = build()
    elif shared is not None:  # built once by any worker or instance (Redis), then kept in this process too
        page = snap.cached("embed", key, functools.partial(shared.text, shared.key("embed", snap.id, key), build))
    else:
        page = snap.cached("embed", key, build)
    if not notices:
        return Rendered(200, page)
    extra = "".join(f'<p class="notice" role="status">{html.escape(n)}</p>\n' for n in notices)
    return Rendered(200, page.replace(NOTICES_MARK, extra + NOTICES_MARK, 1), tuple(notices))


def controls(chart: Chart, values: Mapping, snap: Snapshot, lang: str) -> list[dict]:
    """GET-form controls for what changes this chart: a select per choice, a checkbox per flag (an unticked
    box sends nothing, so the flag falls back to its default, off)."""
    by_name = {p.name: p for p in chart.params}
    data_options = chart.options(values, snap, lang) if chart.options else {}
    out = []
    for name in chart.controls_in(values):
        param = by_name[name]
        label = _(param.label or param.name, lang)
        if param.kind == "choice":
            choices = data_options.get(name) or [{"value": c, "label": _(param.label_of(c), lang, value=c)}
                                                 for c in param.choices]
            out.append({"kind": "select", "name": name, "label": label, "options": [
                {"value": str(o["value"]), "label": o["label"], "selected": o["value"] == values[name]}
                for o in choices]})
        elif param.kind == "flag":
            out.append({"kind": "checkbox", "name": name, "label": label, "checked": bool(values[name])})
    return out


def hidden_fields(chart: Chart, values: Mapping, lang: str) -> list[tuple[str, str]]:
    """What the controls' form must carry along unchanged: every non-default parameter without a control."""
    shown = set(chart.controls_in(values))
    params = [*chart.params, *(p for p in embed_params() if p.name != "controls")]
    fields = [(p.name, p.encode(values[p.name])) for p in params
              if p.name not in shown and values.get(p.name) is not None and values[p.name] != p.default]
    return fields + ([("lang", lang)] if lang != "en" else [])


def page_html(chart: Chart, values: Mapping, snap: Snapshot, current: Snapshot, lang: str, static: StaticFiles,
              links: Links, root: str | None = None) -> str:
    """The embed page's HTML for parsed ``values`` (every parameter of the chart and of embeds); a claim's
    carries its ClaimReview when ``root`` (the site's public address) is known."""
    notices: list[str] = []
    fig = chart.figure(values, snap, lang)
    if chart.caption:
        notices.insert(0, chart.caption(snap, lang))
    if snap is not current:
        notices.append(_("Pinned to the data as of {date}; newer data exists (as of {current}).", lang,
                         date=formatting.date(snap.date, lang), current=formatting.date(current.date, lang)))
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    # Notes a figure carries for its reader (e.g. "net migration is hidden on a log scale").
    notices += [str(n) for n in meta.get("notices", ()) or ()]
    if meta.get("note"):
        notices.append(str(meta["note"]))
    source = source_of(chart, values, meta, snap, lang)
    height = int(fig.layout.height or 480)
    locale = plotly_locale_file(lang)
    light, dark = box_themes(fig)
    shown = dark if values["theme"] == "dark" else light
    chart_query = urlstate.encode(values, chart.params)
    form = controls(chart, values, snap, lang) if values["controls"] else []
    return environment().get_template("embed.html").render(
        lang=lang, theme=values["theme"], title=chart.title_in(lang), embed_id=embed_id(chart.id, chart_query),
        alt=alttext.alt_text(fig, lang), notices=notices, controls=form,
        hidden=hidden_fields(chart, values, lang) if form else [], source=source, events=meta.get("events") or [],
        data_url=links.data_url, get_data=_("Get the data", lang),
        page_url=links.page_url, open_full=_("Open the full chart", lang),
        bake=script_json(links.bake) if links.bake else None, bake_js=static.url("bake.js") if links.bake else None,
        bake_notice=_("This static copy of the chart has no view for some settings in its address; it shows the "
                      "nearest view it has.", lang),
        png=_("Download PNG", lang), png_name=chart.id.replace("/", "-"),
        figure_json=script_json(shown), dark_patch=script_json(themes.patch(light, dark)
                                                                 if values["theme"] == "auto" else []),
        height=height, topojson=static.folder_url("topojson/world_110m.json"),
        plotly_js=static.url("plotly-kz.js"),
        chart_tools_js=static.url("chart-tools.js"), embed_js=static.url("embed.js"),
        locale_js=static.url(locale) if locale else None,
        claim_review=_claim_review(chart, snap, root, lang))


def source_of(chart: Chart, values: Mapping, meta: Mapping, snap: Snapshot, lang: str) -> str:
    """A chart's source line: its figure's own, else (e.g. a series chart waiting for a country) its dataset's."""
    return meta.get("source") or provenance.source_line(datasets.provenance(chart.data(values)[0], snap), lang)


def box_themes(fig) -> tuple[dict, dict]:
    """The figure as plotly JSON in light and in dark, each filling its box (the box has the figure's height):
    what an embed and a page's first view draw."""
    light = themes.apply(fig, "light")
    light["layout"].pop("height", None)
    return light, themes.apply(light, "dark")


def _claim_review(chart: Chart, snap: Snapshot, root: str | None, lang: str) -> jinja2.utils.markupsafe.Markup | None:
    if root is None or not chart.id.startswith(CLAIM_PREFIX):
        return None
    found = claim_review.reviews(snap, root, lang, claim_id=chart.id[len(CLAIM_PREFIX):])
    return jinja2.utils.markupsafe.Markup(claim_review.script(found)) if found else None


def script_json(value) -> jinja2.utils.markupsafe.Markup:
    # Inside <script>, "<" can only occur in JSON strings, where \u003c is the same character.
    text = json.dumps(value, separators=(",", ":"), ensure_ascii=False, default=_plain)
    return jinja2.utils.markupsafe.Markup(text.replace("<", "\\u003c").replace(">", "\\u003e")
                                          .replace("&", "\\u0026"))


def _plain(value):
    """numpy scalars and arrays in plotly JSON -> plain Python."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"not JSON serialisable: {type(value).__name__}")
