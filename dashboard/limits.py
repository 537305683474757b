"""How large a request may be, answered before anything reads it: a query string over ``MAX_QUERY`` bytes
is a 414, headers over ``MAX_HEADERS`` bytes together a 431, a body over ``MAX_BODY`` a 413 (Flask's
``MAX_CONTENT_LENGTH``, checked from Content-Length before the body is read; a body sent chunked, without a
length, is read up to the limit here and refused if it goes on).  Each answer is plain text naming the limit.

A query string that is not UTF-8 (a raw byte 0xFF, which no browser sends but a client may) has its
invalid bytes percent-encoded first, as werkzeug already leaves an undecodable ``%ff``: every route then
reads it as it reads ``%ff`` (a 400 naming the parameter, or a notice), where werkzeug's strict decoding of
``request.args`` would raise inside the route (a 500).

The sizes leave room for every request the dashboard itself makes: its longest addresses (a page or an
embed with every control set, an oEmbed request quoting one) are well under 1 kB, and its largest callback
body (the story page re-theming every claim chart, their figures sent back as state) ~30 kB.
"""

from __future__ import annotations

import flask

from dashboard.routes import plain

MAX_QUERY = 4096
MAX_HEADERS = 16 * 1024
MAX_BODY = 2 * 1024 * 1024


def utf8_query(raw: bytes) -> bytes:
    """``raw`` with each byte that is not part of valid UTF-8 written as ``%XX`` (valid text unchanged)."""
    try:
        raw.decode("utf-8")
        return raw
    except UnicodeDecodeError:
        pass
    # "surrogateescape" decodes an invalid byte b to the lone surrogate U+DC00 + b, and only such a byte.
    text = raw.decode("utf-8", "surrogateescape")
    return "".join(f"%{ord(c) - 0xDC00:02X}" if "\udc80" <= c <= "\udcff" else c for c in text).encode("utf-8")


def check() -> flask.Response | None:
    request = flask.request
    raw = request.query_string
    escaped = utf8_query(raw)
    if escaped is not raw:  # before anything parses ``args`` (this hook runs first; the 414 below has after-hooks)
        request.query_string = escaped
        request.environ["QUERY_STRING"] = escaped.decode("latin-1")
    if len(raw) > MAX_QUERY:
        return plain(414, f"the query string is longer than {MAX_QUERY} bytes")
    size = sum(len(name) + len(value) + 4 for name, value in request.headers.items())
    if size > MAX_HEADERS:
        return plain(431, f"the request's headers are larger than {MAX_HEADERS} bytes together")
    chunked = "chunked" in request.headers.get("Transfer-Encoding", "").lower()
    if chunked and request.environ.get("wsgi.input_terminated"):
        # A body sent without a length (the server passes it on whole): werkzeug stops reading it at MAX_BODY
        # without a word, so a route would read it cut short.  Read it here (kept for the route) and refuse
        # one that goes on.
        request.get_data(cache=True)
        if request.environ["wsgi.input"].read(1):
            return too_large(None)
    return None


def too_large(_error) -> flask.Response:
    return plain(413, f"the request's body is larger than {MAX_BODY} bytes")


def install(server: flask.Flask) -> None:
    """First of the app's request hooks: an oversized request is answered before the snapshot is pinned."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    server.before_request_funcs.setdefault(None, []).insert(0, check)
    server.register_error_handler(413, too_large)
