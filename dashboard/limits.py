"""How large a request may be, answered before anything reads it: a query string over ``MAX_QUERY`` bytes
is a 414, headers over ``MAX_HEADERS`` bytes together a 431, a body over ``MAX_BODY`` a 413 (Flask's
``MAX_CONTENT_LENGTH``, checked from Content-Length before the body is read).  Each answer is plain text
naming the limit.

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


def check() -> flask.Response | None:
    request = flask.request
    if len(request.query_string) > MAX_QUERY:
        return plain(414, f"the query string is longer than {MAX_QUERY} bytes")
    size = sum(len(name) + len(value) + 4 for name, value in request.headers.items())
    if size > MAX_HEADERS:
        return plain(431, f"the request's headers are larger than {MAX_HEADERS} bytes together")
    return None


def too_large(_error) -> flask.Response:
    return plain(413, f"the request's body is larger than {MAX_BODY} bytes")


def install(server: flask.Flask) -> None:
    """First of the app's request hooks: an oversized request is answered before the snapshot is pinned."""
    server.config["MAX_CONTENT_LENGTH"] = MAX_BODY
    server.before_request_funcs.setdefault(None, []).insert(0, check)
    server.register_error_handler(413, too_large)
