"""The snapshot a request reads: taken once when the request starts, so a response never mixes two.

``create_app`` keeps the app's :class:`~dashboard.snapshots.Store` in the Flask app's extensions and
``pin`` runs before every request (pages, Dash callbacks, embeds, downloads alike).  It pins the snapshot's
id; the tables are loaded when the request first asks for them, so a request that reads no data (the index
page) never loads them, nor imports pandas (the bench's cold start).
"""

from __future__ import annotations

import flask

from dashboard import i18n

from dashboard.snapshots import Snapshot, Store

EXTENSION = "kz-emigration"
LANG_COOKIE = "kz_lang"  # the language chosen for this visit (a session cookie)


def install(server: flask.Flask, store: Store) -> None:
    server.extensions[EXTENSION] = store
    server.before_request(pin)
    server.after_request(remember_language)


def store() -> Store:
    return flask.current_app.extensions[EXTENSION]


def pin() -> None:
    flask.g.kz_snapshot_id = store().current_id()


def snapshot_id() -> str:
    """The id of the snapshot pinned for the current request (pinned now if the request started without one)."""
    if "kz_snapshot_id" not in flask.g:
        pin()
    return flask.g.kz_snapshot_id


def loaded_snapshot() -> Snapshot | None:
    """The request's snapshot if this process has loaded it already, else None: what an index page may add
    from the data without making the first request after a start read it (the cold start)."""
    return store().loaded(snapshot_id())


def snapshot() -> Snapshot:
    """The snapshot pinned for the current request, loaded on first use (the store keeps it loaded)."""
    if "kz_snapshot" not in flask.g:
        flask.g.kz_snapshot = store().get(snapshot_id())
    return flask.g.kz_snapshot


def language(requested=None) -> str:
    """The request's language: ``requested`` (a page's ``?lang=``) if given, else the one chosen earlier in
    this visit, else the browser's ``Accept-Language``; English for anything else (``i18n.choose``)."""
    if not flask.has_request_context():
        return i18n.negotiate(requested)
    request = flask.request
    return i18n.choose(requested, request.cookies.get(LANG_COOKIE), request.headers.get("Accept-Language"))


def remember_language(response: flask.Response) -> flask.Response:
    """A page asked for with ``?lang=`` keeps that language for the rest of the visit."""
    if b"lang=" not in flask.request.query_string:
        return response  # most requests (assets, CSVs, callbacks) name no language: nothing to parse
    asked = flask.request.args.get("lang")
    if asked in i18n.LANGUAGES and flask.request.cookies.get(LANG_COOKIE) != asked:
        response.set_cookie(LANG_COOKIE, asked, samesite="Lax", httponly=True)
    return response
