"""The app's own static files (plotly.js, its locales, map shapes, the stylesheet and scripts) at URLs that
carry a hash of their content, ``/_static/<hash>/<name>``, so a browser or CDN keeps them for a year and a
new release can never be mixed with an old cached file.

Each file is read, hashed and compressed (brotli and gzip) once per process, when first asked for, and then
served from memory with an ETag and conditional requests: never re-read or re-hashed per request.  The large
vendor bundle ships pre-compressed beside itself (``.br``, ``.gz``, written by ``scripts/build-plotly``):
brotli at its best level takes seconds on 1.3 MB, too long for a first request.
"""

from __future__ import annotations

import gzip
import mimetypes
from pathlib import Path
from typing import Mapping

import brotli
import flask

from dashboard.encoded import Encoded, digest, encode, send
from dashboard.urlstate import excerpt

STATIC = Path(__file__).resolve().parent / "static"
PREFIX = "/_static/"
IMMUTABLE = "public, max-age=31536000, immutable"
STALE = "public, max-age=600"  # an old hash after a release: today's file, kept briefly
# Best compression for files the browser keeps for a year; done once per process and file.
BROTLI_QUALITY = 11
GZIP_LEVEL = 9


def package_files(assets_dir: Path) -> dict[str, Path]:
    """Public name -> file: the vendor files under dashboard/static and the stylesheet and scripts of the
    assets folder (Dash would otherwise link them by modification time, not content)."""
    vendor = STATIC / "vendor"
    return {
        "plotly-kz.js": vendor / "plotly-kz.min.js",
        "plotly-locale-ru.js": vendor / "plotly-locale-ru.js",
        "plotly-locale-kk.js": vendor / "plotly-locale-kk.js",
        # plotly.js asks for "<topojsonURL>world_110m.json": the name must stay, the hash is in the folder.
        "topojson/world_110m.json": vendor / "topojson" / "world_110m.json",
        "embed.js": STATIC / "embed.js",  # inside an embed
        "bake.js": STATIC / "bake.js",  # inside a baked embed (dashboard/bake.py)
        "embed-resize.js": STATIC / "embed-resize.js",  # in articles: also at its own stable address (routes.py)
        "style.css": assets_dir / "style.css",
        "chart-tools.js": assets_dir / "chart-tools.js",
        "a11y.js": assets_dir / "a11y.js",
        # Dash's scripts started after a first view (first_view.py); Dash checks that a page starts its
        # renderer from a script with "dash-renderer" in its address and the id "_dash-renderer".
        "dash-renderer-start.js": assets_dir / "dash-renderer-start.js",
        "favicon.ico": assets_dir / "favicon.ico",  # drawn by scripts/make_favicon.py
    }


def _encode(path: Path) -> Encoded:
    raw = path.read_bytes()
    # Hashed again in ``encode``: the file may have changed since its URL was made (then the URL is stale).
    br_file, gz_file = path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")
    # A pre-compressed sibling is used only if it still holds this file (decompressing takes milliseconds);
    # otherwise ``encode`` compresses it.
    br = br_file.read_bytes() if br_file.exists() else None
    if br is not None and brotli.decompress(br) != raw:
        br = None
    gz = gz_file.read_bytes() if gz_file.exists() else None
    if gz is not None and gzip.decompress(gz) != raw:
        gz = None
    mimetype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
    if mimetype in ("text/javascript", "application/javascript", "text/css", "application/json"):
        mimetype += "; charset=utf-8"
    return encode(raw, mimetype, brotli_quality=BROTLI_QUALITY, gzip_level=GZIP_LEVEL, min_size=0, br=br, gz=gz)


class StaticFiles:
    """The static files of one app.  Digests for URLs are computed when the app is built (hashing ~1.5 MB
    takes a few milliseconds); the compressed bodies when each file is first requested."""

    def __init__(self, files: Mapping[str, Path]):
        self.files = dict(files)
        self.digests = {name: digest(path.read_bytes()) for name, path in self.files.items() if path.exists()}
        self._bodies: dict[str, Encoded] = {}

    def url(self, name: str) -> str:
        return f"{PREFIX}{self.digests[name]}/{name}"

    def folder_url(self, name: str) -> str:
        """The URL of a file's folder, for plotly.js's ``topojsonURL`` (it appends the file name itself)."""
        return self.url(name).rsplit("/", 1)[0] + "/"

    def encoded(self, name: str) -> Encoded:
        # Filled once per file; two threads racing here build the same bytes, so no lock is needed.
        found = self._bodies.get(name)
        if found is None:
            found = self._bodies[name] = _encode(self.files[name])
        return found

    def response(self, digest: str, name: str) -> flask.Response:
        if name not in self.digests:
            return flask.Response(f"unknown file '{excerpt(name)}'\n", status=404, mimetype="text/plain")
        body = self.encoded(name)
        return send(body, IMMUTABLE if digest == body.digest else STALE)


def install(server: flask.Flask, static: StaticFiles) -> StaticFiles:
    server.extensions["kz_static"] = static
    server.add_url_rule(f"{PREFIX}<digest>/<path:name>", "kz_static", static.response)
    return static


def of(server: flask.Flask | None = None) -> StaticFiles:
    return (server or flask.current_app).extensions["kz_static"]


def precompress(path: Path) -> tuple[Path, Path]:
    """Write ``<file>.br`` and ``<file>.gz`` beside a file (reproducibly: gzip without a timestamp)."""
    raw = path.read_bytes()
    br, gz = path.with_name(path.name + ".br"), path.with_name(path.name + ".gz")
    br.write_bytes(brotli.compress(raw, quality=BROTLI_QUALITY))
    gz.write_bytes(gzip.compress(raw, GZIP_LEVEL, mtime=0))
    return br, gz


if __name__ == "__main__":  # python -m dashboard.static_files FILE...  (used by scripts/build-plotly)
    import sys

    for arg in sys.argv[1:]:
        for written in precompress(Path(arg)):
            print(written, written.stat().st_size)
