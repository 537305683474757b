"""The security headers of every response: the Content-Security-Policy, framing, and the browser features
the dashboard never uses.

Scripts run from the site's own files only.  The inline scripts there are are Dash's own (its renderer's
start and the clientside callbacks, which Dash writes into the page): each is allowed by its hash, which
Dash computes (``Dash.csp_hashes``), never by ``'unsafe-inline'``; no page needs ``'unsafe-eval'``.  The
figures an embed or a page's first view draws are JSON data blocks, not scripts (chart-tools.js draws them).

Styles do need ``'unsafe-inline'``: Dash's components (the dropdowns, AG Grid's table) add ``<style>``
elements as they render, and plotly.js writes its rich-text labels (``<b>`` in a title) as ``style``
attributes; without it titles lose their weight and the pickers their layout.  A style cannot run code.
"""

from __future__ import annotations

import flask
from dash import Dash

from dashboard import settings

EXTENSION = "kz_security"

# On every response: no content-type guessing (a text/plain 400 is never run as HTML), no full address in
# the Referer sent to other sites, and none of the browser features the dashboard never uses.
HEADERS = {
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "strict-origin-when-cross-origin",
    "Permissions-Policy": "camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), "
                          "bluetooth=(), midi=(), magnetometer=(), gyroscope=(), accelerometer=()",
}

# Everything but scripts and framing, for pages and embeds alike: the site's own files, PNG exports as
# data: and blob: images, callbacks and map shapes fetched from the site itself.
_BASE = ("default-src 'self'", "style-src 'self' 'unsafe-inline'", "img-src 'self' data: blob:",
         "font-src 'self'", "connect-src 'self'", "object-src 'none'", "base-uri 'none'", "form-action 'self'")


def policy(script_hashes: tuple[str, ...], frame_ancestors: str) -> str:
    """The Content-Security-Policy: scripts from 'self' plus the inline scripts of these hashes."""
    scripts = " ".join(("script-src 'self'", *script_hashes))
    return "; ".join((*_BASE, scripts, f"frame-ancestors {frame_ancestors}"))


def embed_ancestors() -> str:
    """Who may frame an embed: the sites in KZ_EMBED_FRAME_ANCESTORS (every other page only the site itself)."""
    return settings.get("KZ_EMBED_FRAME_ANCESTORS")


def install(app: Dash) -> None:
    """The headers on every response of ``app``.  Dash adds one clientside callback of its own (the pages'
    routing) when it serves its first request, so the hashes are taken once that has happened (a fresh process
    serves one request at a time until it has: ``first_requests``)."""
    server = app.server
    server.extensions[EXTENSION] = {}

    @server.after_request
    def secure(response: flask.Response) -> flask.Response:
        found = server.extensions[EXTENSION]
        if "hashes" not in found and app._got_first_request.get("setup_server"):
            found["hashes"] = tuple(app.csp_hashes())
        # Before Dash's first setup this app has served no page yet (only a 400, a 404, /healthz): no hashes.
        hashes = found.get("hashes", ())
        if flask.request.path.startswith("/embed/"):
            # An embed runs no inline script; an address under /embed/ Dash answers has Dash's own.
            response.headers["Content-Security-Policy"] = policy(hashes, embed_ancestors())
            response.headers.pop("X-Frame-Options", None)
        else:
            response.headers["Content-Security-Policy"] = policy(hashes, "'self'")
            response.headers["X-Frame-Options"] = "SAMEORIGIN"
        response.headers.update(HEADERS)
        return response
