"""Every text response compressed (brotli, else gzip) with flask-compress, and Dash's own scripts kept for
a year.

Dash's scripts (the renderer, React, the component libraries, ~1.2 MB) have a version in their URL
(``dash_renderer.v4_4_1m1796252589.min.js``) and never change within a process: each is compressed once
and kept, quickly for the first reader, then again at brotli's best level in the background
(``SuitesCache``).  Embeds and downloads, asked for again and again, are kept compressed per snapshot by
``routes`` (``encoded``); pages and callback replies are compressed as they go.  Our own static files
come compressed from ``static_files``.
"""

from __future__ import annotations

import queue
import threading

import brotli
import flask
from flask_compress import Compress

from dashboard.encoded import MIN_SIZE
from dashboard.static_files import BROTLI_QUALITY as BEST_BROTLI

SUITES = "/_dash-component-suites/"
TEXT_TYPES = ["text/html", "text/css", "text/javascript", "application/javascript", "application/json",
              "text/csv", "text/plain", "image/svg+xml", "text/markdown"]


class SuitesCache:
    """A flask-compress cache backend that keeps the compressed Dash scripts only (per process).

    The first request for a script gets it at flask-compress's quick level (``COMPRESS_BR_LEVEL``, ~30 ms for
    the 1.3 MB grid bundle); one background thread then compresses it again at brotli's best level (1-2 s per
    MB, which no reader should wait for) and swaps it in: about 12% fewer bytes for every later reader, 100 kB
    on the data explorer.  brotli releases the GIL, so requests keep being served meanwhile."""

    def __init__(self) -> None:
        self.data: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._todo: queue.SimpleQueue[str] = queue.SimpleQueue()
        self._worker: threading.Thread | None = None

    def get(self, key: str) -> bytes | None:
        return self.data.get(key)

    def set(self, key: str, value: bytes) -> None:
        # flask-compress calls set after every get, hit or miss: only the first value of a key is news.
        if not key.split(";", 1)[-1].startswith(SUITES):
            return
        with self._lock:
            if key in self.data:
                return
            self.data[key] = value
            if not key.startswith("br;"):
                return
            self._todo.put(key)
            if self._worker is None:
                self._worker = threading.Thread(target=self._recompress, name="kz-brotli-best", daemon=True)
                self._worker.start()

    def _recompress(self) -> None:
        while True:
            key = self._todo.get()
            quick = self.data[key]
            best = brotli.compress(brotli.decompress(quick), quality=BEST_BROTLI)
            if len(best) < len(quick):
                self.data[key] = best


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

