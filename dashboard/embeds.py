"""Chart-only pages for iframes (``/embed/<chart>``), their snippet, and the iframe markup oEmbed returns.

Server-rendered from the views' own figure functions with a Jinja2 template (autoescaped): every view
is a plain GET with a stable URL, so a CDN in front can cache a viral embed, and the page needs no
callbacks.  Rendered once per snapshot and canonical parameters (``theme=light`` and no theme are one
entry); a bad parameter is answered, never cached.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
from dataclasses import dataclass
from typing import Mapping

import jinja2
import plotly.io as pio

from dashboard import alttext, datasets, provenance, urlstate
from dashboard.i18n import _, negotiate
from dashboard.snapshots import Snapshot, Store, parse_id
from dashboard.views.charts import Chart

THEMES = ("light", "dark", "auto")
PLOTLY_JS = "/embed-static/plotly.min.js"
TOPOJSON = "/assets/topojson/"


def embed_params(dates: tuple[str, ...] = ()) -> tuple[urlstate.Param, ...]:
    """The parameters every embed takes besides its chart's own (and ``lang``); ``as_of`` takes the dates
    of the published snapshots."""
    return (
        urlstate.Param("theme", "choice", "light", THEMES,
                       help="light | dark | auto (follows the reader's prefers-color-scheme)"),
        urlstate.Param("controls", "flag", True, help="0 hides the controls"),
        urlstate.Param("as_of", "choice", None, dates,
                       help="a snapshot date (YYYY-MM-DD): pin the data an article was published with"),
    )


def embed_id(chart_id: str, query: str) -> str:
    return f"kz-{chart_id.replace('/', '-')}-{hashlib.sha1(query.encode()).hexdigest()[:8]}"


def iframe_html(url: str, title: str, chart_id: str, query: str, height: int = 500) -> str:
    return (f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" id="{embed_id(chart_id, query)}" '
            f'style="width:100%;min-width:100%;height:{height}px;border:none" scrolling="no" frameborder="0" '
            f'loading="lazy"></iframe>')


def snippet(base_url: str, chart: Chart, query: str, alt: str, lang: str = "en") -> str:
    """What an editor pastes: the responsive iframe, the one-time resize script, and alt text."""
    return "\n".join([
        iframe_html(f"{base_url}/embed/{chart.id}{query}", chart.title_in(lang), chart.id, query),
        f'<script src="{base_url}/embed-resize.js" defer></script>',
        f"<!-- {_('Alt text', lang)}: {html.escape(alt)} -->",
    ])


@functools.lru_cache(maxsize=1)
def environment() -> jinja2.Environment:
    return jinja2.Environment(loader=jinja2.PackageLoader("dashboard", "templates"),
                              autoescape=jinja2.select_autoescape(default=True), trim_blocks=False)


@dataclass(frozen=True)
class Rendered:
    status: int
    body: str  # the page, or the plain-text reason of a 4xx


def render(chart: Chart, query: Mapping[str, str], store: Store) -> Rendered:
    """The embed page for ``/embed/<chart>?query``: a 400 naming a bad parameter (never cached), else the
    page, built once per snapshot and canonical parameters."""
    extra = embed_params(tuple(dict.fromkeys(parse_id(i)[0] for i in store.published())))
    lang = negotiate(query.get("lang"))  # the one negotiation: anything but en/ru/kk is English
    try:
        values, _n = urlstate.parse(query, (*chart.params, *extra), strict=True, ignore=("lang",))
    except urlstate.BadParameter as exc:
        return Rendered(400, str(exc))
    for name in chart.required:
        if values.get(name) is None:
            param = next(p for p in chart.params if p.name == name)
            return Rendered(400, str(urlstate.BadParameter(name, "", "required for this chart: " + param.allowed())))
    current = store.current()
    snap = store.get(store.on_or_before(values["as_of"])) if values["as_of"] else current
    key = (chart.id, urlstate.encode(values, (*chart.params, *extra)), lang, current.id)
    return snap.cached("embed", key, lambda: Rendered(200, _page(chart, values, extra, snap, current, lang)))


def _controls(chart: Chart, values: Mapping, lang: str) -> list[dict]:
    """Simple GET-form controls: a select per choice, a checkbox per flag (years/codes stay in the URL)."""
    out = []
    for param in chart.params:
        label = _(param.label or param.name, lang)
        if param.kind == "choice" and len(param.choices) > 1:
            out.append({"kind": "select", "name": param.name, "label": label, "options": [
                {"value": str(c), "label": _(str(c), lang), "selected": c == values[param.name]}
                for c in param.choices]})
        elif param.kind == "flag":
            out.append({"kind": "checkbox", "name": param.name, "label": label, "checked": bool(values[param.name])})
    return out


def _page(chart: Chart, values: Mapping, extra, snap: Snapshot, current: Snapshot, lang: str) -> str:
    notices = []
    fig = chart.figure(values, snap, lang)
    if chart.caption:
        notices.append(chart.caption(snap, lang))
    if snap is not current:
        notices.append(_("Pinned to the data as of {date}; newer data exists (as of {current}).", lang,
                         date=snap.date, current=current.date))
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    # Notes a figure carries for its reader (e.g. "net migration is hidden on a log scale").
    notices += [str(n) for n in meta.get("notices", ()) or ()]
    if meta.get("note"):
        notices.append(str(meta["note"]))
    chart_query = urlstate.encode(values, chart.params)
    keep = {p.name: values[p.name] for p in extra if p.name != "controls"}
    hidden = [(p.name, p.encode(keep[p.name])) for p in extra if p.name in keep and keep[p.name] != p.default]
    if lang != "en":
        hidden.append(("lang", lang))
    controls = _controls(chart, values, lang) if values["controls"] else []
    if controls:
        # The form keeps the parameters it has no control for (years, countries) as hidden fields.
        hidden += [(p.name, p.encode(values[p.name])) for p in chart.params if p.kind not in ("choice", "flag")
                   and values[p.name] is not None and values[p.name] != p.default]
    source = meta.get("source", "")
    if not source:  # e.g. a series chart waiting for a country: the dataset's own source line
        source = provenance.source_line(datasets.provenance(chart.data(values)[0], snap), lang)
    figure_json = pio.to_json(fig, validate=False, pretty=False)
    # Inside <script>, "<" can only occur in JSON strings, where \u003c is the same character.
    figure_json = figure_json.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return environment().get_template("embed.html").render(
        lang=lang, theme=values["theme"], title=chart.title_in(lang), embed_id=embed_id(chart.id, chart_query),
        alt=alttext.alt_text(fig, lang), notices=notices, controls=controls, hidden=hidden if controls else [],
        source=source, data_url=chart.data_url(values), get_data=_("Get the data", lang),
        page_url=urlstate.with_lang(chart.page_url(values), lang), open_full=_("Open the full chart", lang),
        figure_json=jinja2.utils.markupsafe.Markup(figure_json), dark=json.dumps(values["theme"] == "dark"),
        auto=json.dumps(values["theme"] == "auto"), topojson=TOPOJSON, plotly_js=PLOTLY_JS)
