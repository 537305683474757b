"""Plain HTTP routes on the Flask server (health for now; CSV downloads and embeds come with their issue)."""

from __future__ import annotations

import flask

from dashboard import data


def health() -> flask.Response:
    """Liveness plus what the snapshot is: table row counts and "data as of" per table."""
    snap = data.snapshot()
    body = {"status": "ok",
            "tables": {name: {"rows": len(df), "as_of": snap.provenance[name].as_of}
                       for name, df in snap.frames.items()}}
    return flask.jsonify(body)


def register(server: flask.Flask) -> None:
    server.add_url_rule("/healthz", "healthz", health)
