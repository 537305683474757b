"""Every text response compressed (brotli, else gzip) with flask-compress, and Dash's own scripts kept for
a year.

Dash's scripts (the renderer, React, the component libraries, ~1.2 MB) have a version in their URL
(``dash_renderer.v4_4_1m1796252589.min.js``) and never change within a process: each is compressed once
and kept.  Embeds and downloads, asked for again and again, are compressed once per snapshot and content
(``negotiated``); pages and callback replies are compressed as they go.  Our own static files come
compressed from ``static_files``.
"""

from __future__ import annotations

import gzip
import hashlib

import brotli
import flask
from flask_compress import Compress

from dashboard.static_files import MIN_SIZE, preferred_encoding

SUITES = "/_dash-component-suites/"
BROTLI_QUALITY = 9  # for replies compressed once and sent many times (11 is ~10x slower for ~3% less)
TEXT_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "text/csv", "text/plain", "image/svg+xml", "text/markdown"]


class SuitesCache:
    """A flask-compress cache backend that keeps the compressed Dash scripts only (per process)."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        if key.split(";", 1)[-1].startswith(SUITES):
            self.data[key] = value


def cache_key(request: flask.Request) -> str:
    # flask-compress asks every response for a key: only the scripts' (a GET of a versioned URL) is kept.
    return request.path if request.method == "GET" and request.path.startswith(SUITES) else "-"


def install(server: flask.Flask) -> None:
    server.config.update(
        COMPRESS_MIMETYPES=TEXT_TYPES, COMPRESS_ALGORITHM=["br", "gzip"], COMPRESS_BR_LEVEL=5,
        COMPRESS_LEVEL=6, COMPRESS_MIN_SIZE=MIN_SIZE, COMPRESS_CACHE_BACKEND=SuitesCache, COMPRESS_CACHE_KEY=cache_key)
    Compress(server)
    server.after_request(_immutable_suites)


def _immutable_suites(response: flask.Response) -> flask.Response:
    if not flask.request.path.startswith(SUITES) or response.status_code != 200:
        return response
    if "max-age=31536000" in response.headers.get("Cache-Control", ""):
        # Dash already sends max-age of a year for versioned script URLs; `immutable` spares the revalidation.
        response.headers["Cache-Control"] = "public, max-age=31536000, immutable"
    else:
        # The chunks dcc loads itself (async-graph.js ...) have fixed names: kept, but revalidated by ETag
        # (a 304 once the browser has them), so a Dash upgrade never meets a stale chunk.
        response.headers["Cache-Control"] = "public, no-cache"
        response.add_etag()
        response.make_conditional(flask.request)
    return response


def encoded(snap, body: bytes) -> dict[str, bytes]:
    """A cached reply's brotli and gzip forms, compressed once per snapshot and content (an embed or a CSV
    asked for a thousand times a minute is compressed once, not a thousand times)."""
    digest = hashlib.sha256(body).hexdigest()
    return snap.cached("encoded", digest, lambda: {
        "br": brotli.compress(body, quality=BROTLI_QUALITY), "gzip": gzip.compress(body, 6, mtime=0)})


def negotiated(response: flask.Response, snap, body: bytes) -> flask.Response:
    """``response`` (its body ``body``, ETag already set) in the encoding the client prefers."""
    if len(body) < MIN_SIZE:
        return response
    encoding = preferred_encoding(flask.request)
    response.headers["Vary"] = "Accept-Encoding"
    if encoding is None:
        return response
    response.set_data(encoded(snap, body)[encoding])
    response.headers["Content-Encoding"] = encoding
    etag, _weak = response.get_etag()
    if etag:
        response.set_etag(f"{etag}:{encoding}")
    return response
