"""Plain HTTP routes on the Flask server: health, data downloads (CSV, metadata, ZIP), embeds, oEmbed."""

from __future__ import annotations

from typing import Callable
from urllib.parse import parse_qsl, urlsplit

import flask

from dashboard import (context, datasets, downloads, embeds, encoded, feeds, shared_cache, static_files, urlstate,
                       warm_up)
from dashboard.views import charts

CACHE_CONTROL = "public, max-age=600, stale-while-revalidate=86400"
# A kept reply is compressed once and sent many times: quality 9 (the data explorer's page loads 19 kB less
# than at 5).  A reply to one junk address alone (``Unkept``) is compressed for that request only: quality
# 5, 5-25x faster than 9 for 0.1-4% more bytes (a map embed: 1 ms against 13 ms), so junk costs its render,
# not a slow compression.
REPLY_BROTLI = 9
UNKEPT_BROTLI = 5
REPLY_GZIP = 6
_SUFFIXES = (".meta.json", ".csv", ".zip")

blueprint = flask.Blueprint("kz", __name__)


@blueprint.route("/healthz")
def health() -> flask.Response:
    """Liveness plus what the snapshot is: its id, table row counts and "data as of" per table, and how
    far this process got building the charts' bounded states (``warm_up``).

    When the current snapshot is damaged and an earlier whole one is served instead: ``"status": "degraded"``,
    ``"snapshot"`` the one served and ``"damaged"`` the current one's id and what is wrong with it.  Still a
    200: a load balancer's check keeps the instance in rotation, since it serves whole (if older) data, and
    instances sharing a data folder are all degraded alike, so a 503 would take the whole site down for a
    stale snapshot; monitoring should alert on a status other than "ok".  With nothing whole to serve, this (like every
    request) is a 503 (``context.unavailable``), which does take the instance out."""
    if flask.request.args:
        return plain(400, f"bad parameter '{urlstate.excerpt(next(iter(flask.request.args)))}': /healthz takes none")
    snap = context.snapshot()
    damaged = context.damage()
    warming = warm_up.progress()
    body = {"status": "degraded" if damaged else "ok", "snapshot": snap.id,
            "tables": {name: {"rows": len(df), "as_of": snap.provenance[name].as_of}
                       for name, df in snap.frames.items()},
            "warm_up": warming.status() if warming else {"enabled": warm_up.enabled(), "done": False},
            # How full this process's caches of the snapshot are, against their bounds (junk addresses fill
            # them up to the bound, never past it).
            "caches": {kind: {"entries": len(memo), "bound": memo.maxsize} for kind, memo in snap.caches.items()}}
    if damaged:
        body["damaged"] = {"id": damaged.id, "reason": damaged.reason}
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


class Refused(Exception):
    """An address answered with an error (404, 400): sent as it is, never kept."""

    def __init__(self, response: flask.Response):
        super().__init__(response.status)
        self.response = response


class Unkept(Exception):
    """A reply to this address alone, not worth keeping: an embed whose address got something wrong (its
    notice quotes it).  Junk addresses are answered, compressed, and never evict a real reader's reply."""

    def __init__(self, body: bytes, mimetype: str, headers: tuple[tuple[str, str], ...] = ()):
        super().__init__(mimetype)
        self.reply = (body, mimetype, headers)


def _encode(raw: bytes, mimetype: str, brotli_quality: int = REPLY_BROTLI) -> encoded.Encoded:
    return encoded.encode(raw, mimetype, brotli_quality=brotli_quality, gzip_level=REPLY_GZIP)


def kept(build: Callable[[], tuple[bytes, str, tuple[tuple[str, str], ...]]]) -> flask.Response:
    """The reply to this exact address (path and query string), built once per snapshot and then sent as a
    static file is: an embed or a CSV asked for a thousand times a minute is rendered, hashed and compressed
    once.  ``build`` returns the body, its type and extra headers, or raises :class:`Refused` or
    :class:`Unkept`.

    Every such reply depends on its address (host included: a claim's embed and the feed name the site's
    public address) and the snapshot alone (an embed's language is in its query, never a cookie).  Bodies
    are kept by content, so addresses spelling one reply differently share it."""
    snap = context.snapshot()

    def finish() -> tuple[encoded.Encoded, tuple[tuple[str, str], ...]]:
        raw, mimetype, headers = build()
        body = snap.cached("encoded", (encoded.digest(raw), mimetype), lambda: _encode(raw, mimetype))
        return body, headers

    try:
        body, headers = snap.cached("http", (flask.request.host_url, flask.request.path, flask.request.query_string),
                                    finish)
    except Refused as refused:
        return refused.response
    except Unkept as unkept:
        raw, mimetype, headers = unkept.reply
        return encoded.send(_encode(raw, mimetype, UNKEPT_BROTLI), CACHE_CONTROL, headers)
    return encoded.send(body, CACHE_CONTROL, headers)


@blueprint.route("/data/<filename>")
def data_file(filename: str) -> flask.Response:
    """GET /data/<dataset>.csv | .meta.json | .zip with the explorer's filters."""
    return kept(lambda: _data_file(filename))


def _data_file(filename: str) -> tuple[bytes, str, tuple[tuple[str, str], ...]]:
    suffix = next((s for s in _SUFFIXES if filename.endswith(s)), None)
    name = filename[: -len(suffix)] if suffix else filename
    if suffix is None or name not in datasets.DATASETS:
        raise Refused(plain(404, f"unknown dataset file '{urlstate.excerpt(filename)}'; available: "
                                 + ", ".join(f"{n}.csv" for n in datasets.DATASETS) + " (and .meta.json, .zip)"))
    try:
        values, _notices = urlstate.parse(query_args(flask.request.args), downloads.params(name), strict=True)
    except urlstate.BadParameter as exc:
        raise Refused(plain(400, str(exc))) from None
    body, mimetype = downloads.body(name, suffix, values, context.snapshot())
    if suffix == ".csv":
        mimetype = "text/csv; charset=utf-8"
    if suffix == ".meta.json":
        return body, mimetype, ()
    return body, mimetype, (("Content-Disposition",
                             f'attachment; filename="{downloads.filename(name, values, suffix)}"'),)


@blueprint.route("/embed/<chart_id>")
@blueprint.route("/embed/claim/<claim_id>")
def embed_chart(chart_id: str = "", claim_id: str = "") -> flask.Response:
    """GET /embed/<chart>: the chart alone, for an iframe."""
    return kept(lambda: _embed(f"claim/{claim_id}" if claim_id else chart_id))


def _embed(chart_id: str) -> tuple[bytes, str, tuple[tuple[str, str], ...]]:
    registry = charts.registry(context.snapshot())
    chart = registry.get(chart_id)
    if chart is None:
        raise Refused(plain(404, f"unknown chart '{urlstate.excerpt(chart_id)}'; available: {', '.join(registry)}"))
    # An embed never refuses its reader: a repeated parameter is passed on as a list (the last value wins,
    # with a notice), like any other value it cannot honour.
    query = {k: v[0] if len(v) == 1 else v for k, v in flask.request.args.to_dict(flat=False).items()}
    rendered = embeds.render(chart, query, context.store(), static_files.of(), shared_cache.of(),
                             current=context.snapshot(), root=flask.request.url_root)
    if rendered.notices:  # the chart is kept (by its canonical state, in embeds.render); this body is not
        raise Unkept(rendered.body.encode("utf-8"), "text/html; charset=utf-8")
    return rendered.body.encode("utf-8"), "text/html; charset=utf-8", ()


@blueprint.route("/claims.atom")
def claims_feed() -> flask.Response:
    """GET /claims.atom[?lang=ru]: an Atom feed with an entry for each claim's first verdict and each change
    of verdict, from the snapshot's dated log (newest first)."""
    return kept(_claims_feed)


def _claims_feed() -> tuple[bytes, str, tuple[tuple[str, str], ...]]:
    try:
        values, _notices = urlstate.parse(query_args(flask.request.args), feeds.PARAMS, strict=True)
    except urlstate.BadParameter as exc:
        raise Refused(plain(400, str(exc))) from None
    body = feeds.claims_atom(context.snapshot(), flask.request.url_root, values["lang"])
    return body.encode("utf-8"), "application/atom+xml; charset=utf-8", ()


@blueprint.route("/oembed")
def oembed() -> flask.Response:
    """GET /oembed?url=<a page or embed URL of this site>&format=json (oEmbed 1.0, type "rich")."""
    args = flask.request.args
    url = args.get("url")
    if not url:
        return plain(400, "bad parameter 'url': missing; allowed: a page or /embed/ URL of this site")
    if args.get("format", "json") != "json":
        return plain(501, "bad parameter 'format': only json is implemented")
    sizes = {}
    for name in ("maxwidth", "maxheight"):
        value = args.get(name, "") or "0"
        if not (value.isascii() and value.isdigit()):  # int() would take "-5", " 7" and "1_000"
            return plain(400, f"bad parameter '{name}': '{urlstate.excerpt(value)}'; allowed: a whole number of pixels")
        sizes[name] = int(value)
    maxwidth, maxheight = sizes["maxwidth"], sizes["maxheight"]
    try:
        parts = urlsplit(url)
    except ValueError:  # "http://[::1": an address with a broken host
        return plain(404, f"no embed for '{urlstate.excerpt(url)}': not a URL of this site")
    host = flask.request.host_url.rstrip("/")
    if parts.netloc and parts.netloc != urlsplit(host).netloc:
        return plain(404, f"no embed for '{urlstate.excerpt(url)}': not a URL of this site")
    snap = context.snapshot()
    if parts.path.startswith("/embed/"):
        chart = charts.registry(snap).get(parts.path[len("/embed/"):].strip("/"))
    else:
        chart = charts.for_page(snap, parts.path)
    if chart is None:
        return plain(404, f"no embed for '{urlstate.excerpt(url)}'")
    height = min(maxheight or 500, 500)
    width = maxwidth or 600
    title, markup = embeds.oembed_html(host, chart, dict(parse_qsl(parts.query)), height)
    return flask.jsonify({
        "version": "1.0", "type": "rich", "provider_name": "kz-emigration", "provider_url": host + "/",
        "title": title, "width": width, "height": height, "html": markup,
    })


# Addresses of earlier releases, still in cached embed pages (their HTML may be kept up to a day): each
# leads to today's file at its hashed address.
MOVED = {"/embed-static/plotly.min.js": "plotly-kz.js", "/vendor/plotly-locale-ru.js": "plotly-locale-ru.js",
         "/vendor/plotly-locale-kk.js": "plotly-locale-kk.js", "/embed.js": "embed.js"}


@blueprint.route("/embed-static/plotly.min.js")
@blueprint.route("/vendor/plotly-locale-ru.js")
@blueprint.route("/vendor/plotly-locale-kk.js")
@blueprint.route("/embed.js")
def moved() -> flask.Response:
    return flask.redirect(static_files.of().url(MOVED[flask.request.path]), code=301)


@blueprint.route("/embed-resize.js")
def embed_resize_js() -> flask.Response:
    """The script editors paste beside their iframes: a stable address (it is in published articles), so
    cached for ten minutes only."""
    return static_files.of().response("", "embed-resize.js")
