"""Chart-only pages for iframes (/embed/<chart>), their snippet, and the oEmbed answer.

Server-rendered with the pages' own figure functions: every view is a plain GET with a stable URL,
so a CDN in front can cache a viral embed (ETag + Cache-Control), and the page needs no callbacks.
"""

from __future__ import annotations

import functools
import hashlib
import html
import json
from pathlib import Path
from typing import Mapping

import plotly.io as pio

from dashboard import alttext, charts, data, datasets, provenance, urlstate
from dashboard.i18n import LANGUAGES, _

STATIC = Path(__file__).resolve().parent / "static"
THEMES = ("light", "dark", "auto")


def embed_params(snap_dates: tuple[str, ...]) -> tuple[urlstate.Param, ...]:
    return (
        urlstate.Param("theme", "choice", "light", THEMES, help="light | dark | auto (follows prefers-color-scheme)"),
        urlstate.Param("controls", "flag", True, help="0 hides the controls"),
        urlstate.Param("as_of", "choice", None, snap_dates, help="pin the data to an earlier snapshot"),
        urlstate.Param("lang", "choice", "en", LANGUAGES, help="interface language"),
    )


def snapshot_dates() -> dict[str, Path | None]:
    """as_of values: archived snapshots by date, and the current one (None = current folder)."""
    dates: dict[str, Path | None] = dict(data.archived())
    dates[data.snapshot_date(data.snapshot())] = None
    return dates


def embed_id(chart_id: str, query: str) -> str:
    return f"kz-{chart_id.replace('/', '-')}-{hashlib.sha1(query.encode()).hexdigest()[:8]}"


def iframe_html(url: str, title: str, chart_id: str, query: str, height: int = 500) -> str:
    return (f'<iframe src="{html.escape(url)}" title="{html.escape(title)}" id="{embed_id(chart_id, query)}" '
            f'style="width:100%;min-width:100%;height:{height}px;border:none" scrolling="no" frameborder="0" '
            f'loading="lazy"></iframe>')


def snippet(base_url: str, chart: charts.Chart, query: str, alt: str, lang: str = "en") -> str:
    """What an editor pastes: the responsive iframe, the one-time resize script, and alt text."""
    title = charts.title(chart, lang)
    return "\n".join([
        iframe_html(f"{base_url}/embed/{chart.id}{query}", title, chart.id, query),
        f'<script src="{base_url}/embed-resize.js" defer></script>',
        f"<!-- {_('Alt text', lang)}: {html.escape(alt)} -->",
    ])


_PAGE = """<!DOCTYPE html>
<html lang="{lang}" class="theme-{theme}">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
:root {{ color-scheme: light dark; --ink:#1a1a1a; --muted:#555; --bg:#fff; --line:#ddd; --accent:#0072B2; }}
.theme-dark {{ --ink:#eee; --muted:#aaa; --bg:#111; --line:#444; --accent:#56B4E9; }}
@media (prefers-color-scheme: dark) {{ .theme-auto {{ --ink:#eee; --muted:#aaa; --bg:#111; --line:#444; --accent:#56B4E9; }} }}
html, body {{ margin:0; background:var(--bg); color:var(--ink);
  font-family: system-ui, -apple-system, "Segoe UI", Roboto, "Noto Sans", sans-serif; }}
main {{ padding: 8px; }}
h1 {{ font-size: 1.1rem; margin: 0 0 .4rem; }}
.notice {{ border-left: 4px solid #E69F00; padding: .3rem .6rem; font-size: .85rem; margin: .3rem 0; }}
.controls {{ display:flex; flex-wrap:wrap; gap:.4rem .9rem; font-size:.85rem; margin:.3rem 0; }}
.controls label {{ color: var(--muted); }}
.source {{ font-size: .78rem; color: var(--muted); margin: .3rem 0 0; }}
.source a {{ color: var(--accent); }}
#chart {{ width: 100%; min-height: 320px; }}
</style>
<script src="/embed-static/plotly.min.js"></script>
</head>
<body>
<main data-embed-id="{embed_id}">
<h1>{title}</h1>
{notices}
{controls}
<div id="chart" role="img" aria-label="{alt}"></div>
<p class="source">{source} <a href="{data_url}" target="_blank" rel="noopener">{get_data}</a>
 · <a href="{page_url}" target="_blank" rel="noopener">{open_full}</a></p>
</main>
<script>
(function () {{
  var fig = {figure};
  var dark = {dark};
  if ({auto} && window.matchMedia && window.matchMedia("(prefers-color-scheme: dark)").matches) {{ dark = true; }}
  if (dark) {{
    fig.layout.paper_bgcolor = "#111"; fig.layout.plot_bgcolor = "#111";
    fig.layout.font = Object.assign({{}}, fig.layout.font, {{color: "#eee"}});
    (fig.layout.annotations || []).forEach(function (a) {{ a.font = Object.assign({{}}, a.font, {{color: "#aaa"}}); }});
    if (fig.layout.geo) {{ fig.layout.geo.bgcolor = "#111"; fig.layout.geo.landcolor = "#333"; }}
  }}
  Plotly.newPlot("chart", fig.data, fig.layout, {{responsive: true, displaylogo: false,
    topojsonURL: "{topojson}", modeBarButtonsToRemove: ["lasso2d", "select2d"]}});
}})();
</script>
<script src="/embed.js"></script>
</body>
</html>
"""


def _control(param: urlstate.Param, value, lang: str) -> str:
    """Simple GET-form controls: a select per choice, a checkbox per flag (years/codes stay in the URL)."""
    name = html.escape(param.name)
    if param.kind == "choice" and len(param.choices) > 1:
        options = "".join(f'<option value="{html.escape(str(c))}"{" selected" if c == value else ""}>'
                          f"{html.escape(_(str(c), lang))}</option>" for c in param.choices)
        return f'<label>{html.escape(_(param.label or param.name, lang))} <select name="{name}" ' \
               f'onchange="this.form.submit()">{options}</select></label>'
    if param.kind == "flag":
        checked = " checked" if value else ""
        return (f'<label><input type="hidden" name="{name}" value="0"><input type="checkbox" name="{name}" '
                f'value="1"{checked} onchange="this.form.submit()"> {html.escape(_(param.label or param.name, lang))}'
                f"</label>")
    return ""


def render(chart: charts.Chart, query: Mapping[str, str]) -> tuple[int, str]:
    """(status, html) for /embed/<chart>?query; a bad parameter is a 400 naming it.

    Rendered once per chart, query and snapshot version, then served from memory: a viral embed
    costs one figure build, not one per reader.
    """
    dates = snapshot_dates()
    snap = data.snapshot()
    key = (str(snap.directory), snap.signature, tuple((d, str(p)) for d, p in dates.items()))
    return _render(chart.id, tuple(sorted(query.items())), key)


@functools.lru_cache(maxsize=512)
def _render(chart_id: str, query: tuple[tuple[str, str], ...], _snapshot_key: tuple) -> tuple[int, str]:
    return _render_now(charts.registry()[chart_id], dict(query))


def _render_now(chart: charts.Chart, query: Mapping[str, str]) -> tuple[int, str]:
    dates = snapshot_dates()
    extra = embed_params(tuple(dates))
    try:
        values, _n = urlstate.parse(query, (*chart.params, *extra), strict=True)
    except urlstate.BadParameter as exc:
        return 400, str(exc)
    for name in chart.required:
        if values.get(name) is None:
            param = next(p for p in chart.params if p.name == name)
            return 400, str(urlstate.BadParameter(name, "", "required for this chart: " + param.allowed()))
    lang = values["lang"]
    pin = dates.get(values["as_of"]) if values["as_of"] else None
    current_date = data.snapshot_date(data.snapshot())
    notices = []
    with data.pinned(pin):
        fig = chart.figure(values, lang)
        if chart.caption:
            notices.append(chart.caption(lang))
        if pin is not None:
            notices.append(_("Pinned to the data as of {date}; newer data exists (as of {current}).", lang,
                             date=values["as_of"], current=current_date))
    meta = fig.layout.meta if isinstance(fig.layout.meta, dict) else {}
    # Notes a figure carries for its reader (e.g. "net migration is hidden on a log scale").
    notices += [str(n) for n in meta.get("notices", ()) or ()]
    if meta.get("note"):
        notices.append(str(meta["note"]))
    chart_query = urlstate.encode(values, chart.params)
    alt = alttext.alt_text(fig, lang)
    keep = {p.name: values[p.name] for p in extra if p.name not in ("controls",)}
    hidden = "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(p.encode(keep[k]))}">'
                     for p in extra for k in [p.name] if k in keep and keep[k] != p.default)
    controls = ""
    if values["controls"]:
        inner = "".join(_control(p, values[p.name], lang) for p in chart.params)
        if inner:
            # The form keeps the parameters it has no control for (years, countries) as hidden fields.
            hidden += "".join(f'<input type="hidden" name="{html.escape(p.name)}" '
                              f'value="{html.escape(p.encode(values[p.name]))}">'
                              for p in chart.params if p.kind not in ("choice", "flag")
                              and values[p.name] is not None and values[p.name] != p.default)
            controls = f'<form class="controls" method="get">{inner}{hidden}</form>'
    figure_json = pio.to_json(fig, validate=False, pretty=False).replace("</", "<\\/")
    source = fig.layout.meta.get("source", "") if isinstance(fig.layout.meta, dict) else ""
    if not source:  # e.g. a series chart waiting for a country: the dataset's own source line
        with data.pinned(pin):
            source = provenance.source_line(datasets.provenance(chart.data(values)[0]), lang)
    page = _PAGE.format(
        lang=lang, theme=values["theme"], title=html.escape(charts.title(chart, lang)),
        embed_id=embed_id(chart.id, chart_query), alt=html.escape(alt),
        notices="".join(f'<p class="notice" role="status">{html.escape(n)}</p>' for n in notices),
        controls=controls, source=html.escape(source), data_url=html.escape(chart.data_url(values)),
        get_data=html.escape(_("Get the data", lang)), page_url=html.escape(chart.page + chart_query),
        open_full=html.escape(_("Open the full chart", lang)), figure=figure_json,
        dark=json.dumps(values["theme"] == "dark"), auto=json.dumps(values["theme"] == "auto"),
        topojson="/assets/topojson/",
    )
    return 200, page
