"""A response body held in every encoding a client may ask for (identity, brotli, gzip) with its content
hash, and the one way such a body is sent: in the encoding the client prefers, with a strong ETag, answering
a matching ``If-None-Match`` with 304.  Static files (``static_files``) and the replies the routes keep per
snapshot (``routes``: embeds, downloads) are both sent this way, so a reply asked for a thousand times costs
what a static file costs: no rendering, hashing or compressing per request.
"""

from __future__ import annotations

import gzip
import hashlib
from dataclasses import dataclass

import brotli
import flask

HASH_LENGTH = 16
MIN_SIZE = 500  # bytes: below this, compressing costs more than it saves (flask-compress's default too)
COMPRESSIBLE = ("text/", "application/javascript", "application/json", "image/svg+xml")


@dataclass(frozen=True)
class Encoded:
    identity: bytes
    br: bytes | None  # None: not worth compressing (too small, or already compressed like a ZIP)
    gzip: bytes | None
    digest: str
    mimetype: str  # the whole Content-Type, charset included where it applies


def digest(raw: bytes) -> str:
    return hashlib.sha256(raw).hexdigest()[:HASH_LENGTH]


def encode(raw: bytes, mimetype: str, *, brotli_quality: int, gzip_level: int, min_size: int = MIN_SIZE,
           br: bytes | None = None, gz: bytes | None = None) -> Encoded:
    """``raw`` in every encoding (``br``/``gz``: ready-made forms of it, e.g. files compressed at build time)."""
    if len(raw) < min_size or not mimetype.startswith(COMPRESSIBLE):
        return Encoded(raw, None, None, digest(raw), mimetype)
    return Encoded(raw, br or brotli.compress(raw, quality=brotli_quality),
                   gz or gzip.compress(raw, gzip_level, mtime=0), digest(raw), mimetype)


def preferred_encoding(request: flask.Request) -> str | None:
    """The encoding to send: brotli if the client takes it, else gzip, else none."""
    accepted = request.accept_encodings
    return "br" if accepted["br"] else "gzip" if accepted["gzip"] else None


def send(body: Encoded, cache_control: str, headers: tuple[tuple[str, str], ...] = ()) -> flask.Response:
    """``body`` for the current request: its preferred encoding, an ETag per encoding, a 304 if it matches."""
    encoding = preferred_encoding(flask.request) if body.br is not None else None
    payload = {"br": body.br, "gzip": body.gzip, None: body.identity}[encoding]
    response = flask.Response(payload, content_type=body.mimetype)  # as given: mimetype= would add a charset
    for name, value in headers:
        response.headers[name] = value
    if encoding:
        response.headers["Content-Encoding"] = encoding
    if body.br is not None:
        response.headers["Vary"] = "Accept-Encoding"
    response.headers["Access-Control-Allow-Origin"] = "*"
    response.headers["Cache-Control"] = cache_control
    response.set_etag(body.digest + (f"-{encoding}" if encoding else ""))
    return response.make_conditional(flask.request)
