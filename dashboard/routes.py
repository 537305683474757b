"""Plain HTTP routes on the Flask server: health, data downloads (CSV, metadata, ZIP)."""

from __future__ import annotations

import functools
import hashlib
import json

import flask

from pathlib import Path
from urllib.parse import urlsplit

import plotly

from dashboard import charts, data, datasets, downloads, embed, settings, urlstate

CACHE_CONTROL = "public, max-age=600, stale-while-revalidate=86400"
_SUFFIXES = (".meta.json", ".csv", ".zip")


def health() -> flask.Response:
    """Liveness plus what the snapshot is: table row counts and "data as of" per table."""
    snap = data.snapshot()
    body = {"status": "ok",
            "tables": {name: {"rows": len(df), "as_of": snap.provenance[name].as_of}
                       for name, df in snap.frames.items()}}
    return flask.jsonify(body)


def plain(status: int, message: str) -> flask.Response:
    return flask.Response(message.rstrip("\n") + "\n", status=status, mimetype="text/plain")


def query_args(args) -> dict[str, str]:
    """One value per parameter; a repeated parameter is ambiguous, so it is refused."""
    repeated = [k for k in args if len(args.getlist(k)) > 1]
    if repeated:
        name = repeated[0]
        raise urlstate.BadParameter(name, "&".join(args.getlist(name)),
                                    f"give '{name}' once (join several values with '{urlstate.SEP}')")
    return args.to_dict()


def cacheable(response: flask.Response, body: bytes) -> flask.Response:
    """Strong ETag from the content; answers 304 to a matching If-None-Match (so a CDN can serve it)."""
    response.set_etag(hashlib.sha256(body).hexdigest()[:32])
    response.headers["Cache-Control"] = CACHE_CONTROL
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response.make_conditional(flask.request)


@functools.lru_cache(maxsize=512)
def _data_body(name: str, suffix: str, items: tuple, directory: str, signature: tuple) -> tuple[bytes, str]:
    """The bytes of one download, built once per dataset, parsed filter values and snapshot version."""
    snap = data.snapshot(directory)
    values = dict(items)
    query = urlstate.encode(values, downloads.params(name))
    if suffix == ".meta.json":
        meta = downloads.metadata(name, snap, query=query)
        return (json.dumps(meta, ensure_ascii=False, indent=2) + "\n").encode(), "application/json"
    rows = downloads.filtered(name, values, snap)
    if suffix == ".csv":
        return downloads.csv_bytes(rows, bom=values["bom"]), "text/csv"
    return downloads.zip_bytes(name, rows, downloads.metadata(name, snap, query=query)), "application/zip"


def data_file(filename: str) -> flask.Response:
    """GET /data/<dataset>.csv | .meta.json | .zip with the explorer's filters."""
    suffix = next((s for s in _SUFFIXES if filename.endswith(s)), None)
    name = filename[: -len(suffix)] if suffix else filename
    if suffix is None or name not in datasets.DATASETS:
        return plain(404, f"unknown dataset file '{filename}'; available: "
                          + ", ".join(f"{n}.csv" for n in datasets.DATASETS) + " (and .meta.json, .zip)")
    try:
        values, _notices = urlstate.parse(query_args(flask.request.args), downloads.params(name), strict=True)
    except urlstate.BadParameter as exc:
        return plain(400, str(exc))
    snap = data.snapshot()
    # Keyed by the parsed values: the same filters written differently share one cache entry.
    body, mimetype = _data_body(name, suffix, tuple(sorted(values.items())), str(snap.directory), snap.signature)
    response = flask.Response(body, mimetype=mimetype)
    if suffix == ".csv":
        response.headers["Content-Type"] = "text/csv; charset=utf-8"
    if suffix != ".meta.json":
        response.headers["Content-Disposition"] = f'attachment; filename="{name}{suffix}"'
    return cacheable(response, body)


def embed_chart(chart_id: str) -> flask.Response:
    """GET /embed/<chart>: the chart alone, for an iframe."""
    chart = charts.registry().get(chart_id)
    if chart is None:
        return plain(404, f"unknown chart '{chart_id}'; available: {', '.join(charts.registry())}")
    try:
        query = query_args(flask.request.args)
    except urlstate.BadParameter as exc:
        return plain(400, str(exc))
    status, body = embed.render(chart, query)
    if status != 200:
        return plain(status, body)
    raw = body.encode("utf-8")
    return cacheable(flask.Response(raw, mimetype="text/html"), raw)


def oembed() -> flask.Response:
    """GET /oembed?url=<a page or embed URL of this site>&format=json (oEmbed 1.0, type "rich")."""
    args = flask.request.args
    url = args.get("url")
    if not url:
        return plain(400, "bad parameter 'url': missing; allowed: a page or /embed/ URL of this site")
    if args.get("format", "json") != "json":
        return plain(501, "bad parameter 'format': only json is implemented")
    try:
        maxwidth = int(args.get("maxwidth", "0") or 0)
        maxheight = int(args.get("maxheight", "0") or 0)
    except ValueError:
        return plain(400, "bad parameter 'maxwidth'/'maxheight': allowed: whole numbers of pixels")
    parts = urlsplit(url)
    host = flask.request.host_url.rstrip("/")
    if parts.netloc and parts.netloc != urlsplit(host).netloc:
        return plain(404, f"no embed for {url}: not a URL of this site")
    chart = _chart_for_path(parts.path)
    if chart is None:
        return plain(404, f"no embed for {url}")
    query = ("?" + parts.query) if parts.query else ""
    height = min(maxheight or 500, 500)
    width = maxwidth or 600
    return flask.jsonify({
        "version": "1.0", "type": "rich", "provider_name": "kz-emigration", "provider_url": host + "/",
        "title": charts.title(chart), "width": width, "height": height,
        "html": embed.iframe_html(f"{host}/embed/{chart.id}{query}", charts.title(chart), chart.id, query, height)
        + f'<script src="{host}/embed-resize.js" defer></script>',
    })


def _chart_for_path(path: str):
    """/embed/<chart> -> that chart; a page path -> its first chart."""
    registry = charts.registry()
    if path.startswith("/embed/"):
        return registry.get(path[len("/embed/"):].strip("/"))
    return next((c for c in registry.values() if c.page == (path.rstrip("/") or "/")), None)


def static_file(path: Path, mimetype: str) -> flask.Response:
    raw = path.read_bytes()
    response = flask.Response(raw, mimetype=mimetype)
    return cacheable(response, raw)


def frame_policy(response: flask.Response) -> flask.Response:
    """Embeds may be framed by the sites in KZ_EMBED_FRAME_ANCESTORS; every other page only by itself."""
    if flask.request.path.startswith("/embed/"):
        response.headers["Content-Security-Policy"] = f"frame-ancestors {settings.get('KZ_EMBED_FRAME_ANCESTORS')}"
        response.headers.pop("X-Frame-Options", None)
    else:
        response.headers["Content-Security-Policy"] = "frame-ancestors 'self'"
        response.headers["X-Frame-Options"] = "SAMEORIGIN"
    return response


def register(server: flask.Flask) -> None:
    server.add_url_rule("/healthz", "healthz", health)
    server.add_url_rule("/data/<filename>", "data_file", data_file)
    server.add_url_rule("/embed/<chart_id>", "embed_chart", embed_chart)
    server.add_url_rule("/embed/claim/<claim_id>", "embed_claim", lambda claim_id: embed_chart(f"claim/{claim_id}"))
    server.add_url_rule("/oembed", "oembed", oembed)
    plotly_js = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
    server.add_url_rule("/embed-static/plotly.min.js", "plotly_js",
                        lambda: static_file(plotly_js, "text/javascript"))
    server.add_url_rule("/embed.js", "embed_js", lambda: static_file(embed.STATIC / "embed.js", "text/javascript"))
    server.add_url_rule("/embed-resize.js", "embed_resize_js",
                        lambda: static_file(embed.STATIC / "embed-resize.js", "text/javascript"))
    server.after_request(frame_policy)
