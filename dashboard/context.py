"""The snapshot a request reads: taken once when the request starts, so a response never mixes two.

``create_app`` keeps the app's :class:`~dashboard.snapshots.Store` in the Flask app's extensions and
``pin`` runs before every request (pages, Dash callbacks, embeds, downloads alike).
"""

from __future__ import annotations

import flask

from dashboard.snapshots import Snapshot, Store

EXTENSION = "kz-emigration"


def install(server: flask.Flask, store: Store) -> None:
    server.extensions[EXTENSION] = store
    server.before_request(pin)


def store() -> Store:
    return flask.current_app.extensions[EXTENSION]


def pin() -> None:
    flask.g.kz_snapshot = store().current()


def snapshot() -> Snapshot:
    """The snapshot pinned for the current request (pinned now if the request started without one)."""
    if "kz_snapshot" not in flask.g:
        pin()
    return flask.g.kz_snapshot
