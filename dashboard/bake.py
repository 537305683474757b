"""``kz-emigration bake OUT/``: every embed, the data files its links name, and the assets, as plain files
that any static host or CDN (nginx, an object store, a pages host) serves with no Python at all.

A static host ignores query strings, so each view lives at a path of its own, one folder per non-default
parameter in the canonical order: ``/embed/trends?scale=log&lang=ru`` is baked as
``/embed/trends/scale=log/lang=ru/index.html``, and its CSV link ``/data/kz-migration.csv?years=2010..2020``
as ``/data/kz-migration/years=2010..2020/kz-migration_years-2010-2020.csv``.  Each baked page carries the
map of its chart's baked views, which ``static/bake.js`` reads: an address written with a query string (an
iframe already in an article) goes to its file, a changed control to the file of the chosen view, and a
setting the bake has no file for falls back to the nearest view with a notice.

What is baked, for the current snapshot: each chart's every view its embed controls reach from the
default (and one per destination for the chart of one destination), in each language and theme, with and
without controls; each dataset whole and as each filtered table a baked page links to, as CSV, .meta.json
and ZIP (the whole table's metadata and ZIP in every language); the content-hashed assets.  The bake is
written beside ``OUT`` and swapped in whole, so a failed bake leaves the previous one as it was.
"""

from __future__ import annotations

import dataclasses
import functools
import itertools
import json
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterable, Mapping
from urllib.parse import parse_qsl

import plotly.graph_objects as go

from dashboard import datasets, downloads, embeds, routes, security, static_files, urlstate
from dashboard.i18n import LANGUAGES, DEFAULT_LANGUAGE
from dashboard.snapshots import Snapshot, Store
from dashboard.static_files import StaticFiles
from dashboard.views import charts, destinations
from dashboard.views.charts import Chart

MANIFEST = "bake.json"
# A baked folder name is "name=value" with nothing a path, a shell or an object store would read otherwise.
SEGMENT = re.compile(r"[A-Za-z0-9_-]+=[A-Za-z0-9._~-]+")
SUFFIXES = (".csv", ".meta.json", ".zip")
# The values of a parameter a chart cannot do without (it has no default view): one view per value.
REQUIRED_VALUES: Mapping[str, Callable[[Snapshot], Iterable[str]]] = {
    "country": lambda snap: sorted(destinations.destinations_present(snap)),
}


class BakeError(RuntimeError):
    """A bake that cannot be written; the message says why, and nothing was changed."""


def headers() -> str:
    """A ``_headers`` file (Netlify, Cloudflare Pages) with the live app's caching and framing headers;
    README.md shows nginx's."""
    everywhere = "".join(f"  {name}: {value}\n" for name, value in security.HEADERS.items())
    return (f"/*\n{everywhere}"
            f"/_static/*\n  Cache-Control: {static_files.IMMUTABLE}\n  Access-Control-Allow-Origin: *\n"
            f"/embed/*\n  Cache-Control: {routes.CACHE_CONTROL}\n"
            # A baked embed runs no inline script (and the bake has no Dash page): scripts from the host alone.
            f"  Content-Security-Policy: {security.policy((), security.embed_ancestors())}\n"
            f"/data/*\n  Cache-Control: {routes.CACHE_CONTROL}\n  Access-Control-Allow-Origin: *\n")


def _args(query: str) -> dict[str, str]:
    return dict(parse_qsl(query.lstrip("?"), keep_blank_values=True))


def folder(base: str, query: str) -> str:
    """``("/embed/trends/", "?scale=log&lang=ru")`` -> ``"/embed/trends/scale=log/lang=ru/"``."""
    pairs = [p for p in query.lstrip("?").split("&") if p]
    bad = [p for p in pairs if not SEGMENT.fullmatch(p)]
    if bad:
        raise BakeError(f"cannot bake {base}{query}: {bad[0]!r} is not a plain folder name")
    return base + "".join(p + "/" for p in pairs)


def split_data_url(url: str) -> tuple[str, str, str]:
    """``/data/<name><suffix>?filters`` -> (name, suffix, "?filters" or "")."""
    path, _sep, query = url.partition("?")
    name, suffix = next((path[len("/data/"):-len(s)], s) for s in SUFFIXES if path.endswith(s))
    return name, suffix, "?" + query if query else ""


def download_values(name: str, query: str) -> dict[str, Any]:
    values, _notices = urlstate.parse(_args(query), downloads.params(name), strict=True)
    return values


def data_path(url: str, values: Mapping[str, Any] | None = None) -> str:
    """A live download URL (``/data/<name>.csv?filters``) -> the baked file's path (``values``: its filters,
    when already parsed)."""
    name, suffix, query = split_data_url(url)
    if not query:
        return f"/data/{name}{suffix}"
    values = download_values(name, query) if values is None else values
    return folder(f"/data/{name}/", query) + downloads.filename(name, values, suffix)


def chart_states(chart: Chart, snap: Snapshot) -> list[dict[str, Any]]:
    """The chart-parameter values of every view its embed controls reach from its default: each select's
    every option, each checkbox ticked and not, state after state (what one control offers can depend on
    another, e.g. no revision in the flows view).  A chart that needs a parameter starts from each of its
    values too; its default view (a prompt for that parameter) stays, as the file that a query-string
    address of the chart reaches first."""
    seeds = [chart.defaults()]
    for name in chart.required:
        seeds += [{**seed, name: value} for seed in seeds for value in REQUIRED_VALUES[name](snap)]
    by_name = {p.name: p for p in chart.params}
    seen: dict[str, dict] = {}
    queue = list(seeds)
    while queue:
        state = queue.pop(0)
        key = urlstate.encode(state, chart.params)
        if key in seen:
            continue
        seen[key] = state
        for control in embeds.controls(chart, state, snap, DEFAULT_LANGUAGE):
            raws = [o["value"] for o in control["options"]] if control["kind"] == "select" else ["0", "1"]
            queue += [{**state, control["name"]: by_name[control["name"]].parse(raw)} for raw in raws]
    return list(seen.values())


@dataclass(frozen=True)
class Plan:
    """One chart's baked views: its chart states, and the embed settings crossed with each."""
    chart: Chart
    states: tuple[dict, ...]
    has_controls: bool

    @property
    def base(self) -> str:
        return f"/embed/{self.chart.id}/"

    def embed_params(self) -> list[urlstate.Param]:
        """The embed parameters baked: theme, and controls where the chart has any (else the switch changes
        nothing); never ``as_of`` (a bake holds one snapshot)."""
        return [p for p in embeds.embed_params() if p.name == "theme" or (p.name == "controls" and self.has_controls)]

    def embed_settings(self) -> list[dict[str, Any]]:
        """Every combination of the baked embed parameters' values."""
        params = self.embed_params()
        return [dict(zip((p.name for p in params), combo))
                for combo in itertools.product(*(_values(p) for p in params))]

    def queries(self) -> list[str]:
        """The canonical query of every page of this chart."""
        params = (*self.chart.params, *embeds.embed_params())
        out = []
        for state in self.states:
            for setting in self.embed_settings():
                values = {**{p.name: p.default for p in params}, **state, **setting}
                for lang in LANGUAGES:
                    out.append(urlstate.with_lang(urlstate.encode(values, params), lang))
        return out

    @functools.cached_property
    def views(self) -> dict:
        """bake.js's map of this chart's baked views, the same on each of its pages: the chart parameters
        that vary (name, encoded default), the baked chart states, and the embed settings (name, default,
        values, whether an unknown value falls back quietly)."""
        chart_params = [p for p in self.chart.params
                        if any(s.get(p.name) != p.default for s in self.states) or p.name in self.chart.required]
        embed = [[p.name, p.encode(p.default), [p.encode(v) for v in _values(p)], False] for p in self.embed_params()]
        embed.append(["lang", DEFAULT_LANGUAGE, list(LANGUAGES), True])  # live: an unknown language is English
        return {
            "base": self.base,
            "chart": [[p.name, p.encode(p.default) if p.default is not None else ""] for p in chart_params],
            "states": sorted(urlstate.encode(s, self.chart.params).lstrip("?") for s in self.states),
            "embed": embed,
            "ignore": [] if self.has_controls else ["controls"],
        }

    def spec(self, values: Mapping, lang: str) -> dict:
        """What bake.js needs on one page: the chart's baked views and this page's own settings."""
        own = _args(urlstate.encode(values, (*self.chart.params, *embeds.embed_params())))
        own.update({"lang": lang} if lang != DEFAULT_LANGUAGE else {})
        return {**self.views, "page": own, "pageChart": urlstate.encode(values, self.chart.params).lstrip("?")}


def _values(param: urlstate.Param) -> tuple:
    """Every value of a bounded parameter (a choice or a flag)."""
    return param.choices if param.kind == "choice" else (False, True)


def plan(snap: Snapshot, only: Iterable[str] = ()) -> list[Plan]:
    """The views to bake for each chart (all, or the ids in ``only``)."""
    registry = charts.registry(snap)
    unknown = sorted(set(only) - set(registry))
    if unknown:
        raise BakeError(f"unknown chart '{unknown[0]}'; available: {', '.join(registry)}")
    out = []
    for chart in registry.values():
        if only and chart.id not in only:
            continue
        states = chart_states(chart, snap)
        has_controls = any(chart.controls_in(s) for s in states)
        out.append(Plan(chart, tuple(states), has_controls))
    return out


@dataclass
class Written:
    """What a bake wrote: paths (from the bake's root, as URLs) by kind."""
    pages: list[str] = field(default_factory=list)
    data: list[str] = field(default_factory=list)
    assets: list[str] = field(default_factory=list)


def _write(root: Path, url_path: str, body: bytes) -> None:
    path = root / url_path.lstrip("/")
    if url_path.endswith("/"):
        path = path / "index.html"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(body)


def _figures_once(chart: Chart) -> Chart:
    """The chart with its figure built once per state and language: its themes, with and without controls,
    are the same figure (``embeds.page_html`` only reads it; tests/test_bake.py holds each page to the
    live embed's figure)."""
    built: dict[tuple, go.Figure] = {}

    def figure(state: Mapping, snap: Snapshot, lang: str) -> go.Figure:
        key = (urlstate.encode(state, chart.params), snap.id, lang)
        if key not in built:
            built[key] = chart.figure(state, snap, lang)
        return built[key]

    return dataclasses.replace(chart, figure=figure)


def _bake_pages(root: Path, plans: list[Plan], store: Store, static: StaticFiles, site: str | None,
                written: Written) -> set[str]:
    """Every embed page; returns the live data URLs they link to."""
    data_urls: set[str] = set()
    for item in plans:
        chart = _figures_once(item.chart)
        for query in item.queries():
            path = folder(item.base, query)

            def links(chart: Chart, parsed: Mapping, page_lang: str) -> embeds.Links:
                data_url = chart.data_url(parsed)
                data_urls.add(data_url)
                page = (site.rstrip("/") + urlstate.with_lang(chart.page_url(parsed), page_lang)) if site else None
                return embeds.Links(data_path(data_url), page, item.spec(parsed, page_lang))

            rendered = embeds.render(chart, _args(query), store, static, links=links)
            _write(root, path, rendered.body.encode("utf-8"))
            written.pages.append(path)
    return data_urls


def _bake_data(root: Path, data_urls: set[str], snap: Snapshot, written: Written) -> None:
    """Each dataset whole (its metadata and README in every language) and each filtered table linked."""
    queries = {(name, "") for name in datasets.DATASETS}
    queries |= {(name, f"?lang={lang}") for name in datasets.DATASETS for lang in LANGUAGES if lang != "en"}
    queries |= {(name, query) for name, _suffix, query in map(split_data_url, data_urls)}
    for name, query in sorted(queries):
        values = download_values(name, query)
        for suffix in SUFFIXES:
            if suffix == ".csv" and query.startswith("?lang="):
                continue  # the CSV is the same in every language
            path = data_path(f"/data/{name}{suffix}{query}", values)
            body, _mimetype = downloads.body(name, suffix, values, snap)
            _write(root, path, body)
            written.data.append(path)


def _bake_assets(root: Path, static: StaticFiles, written: Written) -> None:
    """The content-hashed files (with brotli and gzip siblings, for nginx's brotli_static/gzip_static) and
    the resize script at the stable address published in articles."""
    for name in static.digests:
        url = static.url(name)
        encoded = static.encoded(name)
        _write(root, url, encoded.identity)
        if encoded.br is not None:  # None: not a text file (the icon)
            _write(root, url + ".br", encoded.br)
            _write(root, url + ".gz", encoded.gzip)
        written.assets.append(url)
    for stable in ("embed-resize.js", "embed.js"):
        _write(root, f"/{stable}", static.encoded(stable).identity)
        written.assets.append(f"/{stable}")
    _write(root, "/_headers", headers().encode())


def _check_target(out: Path) -> None:
    if out.exists() and (not out.is_dir() or (any(out.iterdir()) and not (out / MANIFEST).exists())):
        raise BakeError(f"{out} holds files that are not a bake; give a new or empty folder (or a previous bake)")


def bake(out: Path, store: Store, static: StaticFiles, *, site: str | None = None,
         only: Iterable[str] = ()) -> dict:
    """Bake the current snapshot into ``out`` (new, empty, or a previous bake, which is replaced whole).
    Returns the manifest written as ``out/bake.json``."""
    out = Path(out).resolve()
    _check_target(out)
    snap = store.current()
    plans = plan(snap, tuple(only))
    for stale in out.parent.glob(f".{out.name}.baking-*"):  # left by a bake that was killed
        shutil.rmtree(stale, ignore_errors=True)
    work = out.parent / f".{out.name}.baking-{os.getpid()}"
    work.mkdir(parents=True)
    try:
        written = Written()
        data_urls = _bake_pages(work, plans, store, static, site, written)
        _bake_data(work, data_urls, snap, written)
        _bake_assets(work, static, written)
        manifest = {"snapshot": snap.id, "snapshot_date": str(snap.date), "site": site,
                    "charts": [p.chart.id for p in plans], "pages": len(written.pages),
                    "data_files": len(written.data), "assets": len(written.assets), "files": sorted(written.pages + written.data + written.assets)}
        (work / MANIFEST).write_text(json.dumps(manifest, indent=1) + "\n", encoding="utf-8")
    except BaseException:
        shutil.rmtree(work, ignore_errors=True)
        raise
    _swap(work, out)
    return manifest


def _swap(work: Path, out: Path) -> None:
    """``work`` becomes ``out``; a previous bake there is removed only once the new one is in place."""
    old = out.parent / f".{out.name}.old-{os.getpid()}"
    if out.exists():
        out.rename(old)
    work.rename(out)
    shutil.rmtree(old, ignore_errors=True)
