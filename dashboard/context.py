"""The snapshot a request reads: taken once when the request starts, so a response never mixes two; and which
snapshot the app serves when the current one is damaged.

``create_app`` keeps the app's :class:`AppStore` in the Flask app's extensions and ``pin`` runs before every
request (pages, Dash callbacks, embeds, downloads alike).  It pins the snapshot's id; the tables are loaded
when the request first asks for them, so a request that reads no data (the index page) never loads them,
nor imports pandas (the bench's cold start).

A damaged current snapshot (a truncated or altered file, a missing provenance file, a pointer naming no
folder) is found at start-up by :meth:`AppStore.check` (its files' checksums against their provenance: a
few ms, no table read), or later by the request that first loads it.  The app then serves the latest whole
snapshot published before it, logs a warning naming the file, and ``/healthz`` says so; with none to serve,
start-up raises :class:`~dashboard.snapshots.SnapshotError` naming the file (gunicorn's master exits with
it), and after start-up every request is answered 503 with the reason: never a half-working app.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

import flask

from dashboard import i18n

from dashboard.snapshots import Damage, Snapshot, SnapshotError, Store, parse_id, verify

LOG = logging.getLogger(__name__)
EXTENSION = "kz-emigration"
LANG_COOKIE = "kz_lang"  # the language chosen for this visit (a session cookie)


class AppStore(Store):
    """The app's store: a snapshot found damaged (by ``check`` or a failed load) is never served again by this
    process, and while the pointer names one, the latest whole snapshot published before it is served.

    The tools that write snapshots (refresh, amend, bake) keep the plain :class:`Store`, which fails on a
    damaged current snapshot rather than build on an earlier one.  Restart the app after repairing a folder."""

    def __init__(self, root: Path, keep: int = 4):
        super().__init__(root, keep)
        self._damaged: dict[str, str] = {}  # id -> why it cannot be served (the SnapshotError's message)
        self._instead: dict[str, str] = {}  # a damaged id the pointer names -> the snapshot served instead
        self._told: set[str] = set()  # what the log was told already

    def check(self) -> Damage | None:
        """Start-up: the pointer and the current snapshot's files (no table read).  None if it is whole; its
        :class:`Damage` if an earlier whole one is served instead; :class:`SnapshotError` naming the file if
        none can be (or if the pointer names no snapshot: then no one can tell which folders were published)."""
        self.whole(self.pointer_id())
        return self.serving()[1]

    def serving(self) -> tuple[str, Damage | None]:
        named = self.pointer_id()
        reason = self._damaged.get(named)
        if reason is None:  # the common case: one file read and one lookup per request
            return named, None
        return self._instead_of(named), Damage(named, self.public(reason))

    def whole(self, snapshot_id: str) -> bool:
        """Whether every file of the snapshot matches its provenance: loaded already, or checked now (~1 ms,
        just before it is loaded); one found damaged stays so."""
        if self.loaded(snapshot_id) is not None:
            return True
        if snapshot_id in self._damaged:
            return False
        try:
            verify(self.folder / snapshot_id)
        except SnapshotError as exc:
            self._found_damaged(snapshot_id, exc)
            return False
        return True

    def get(self, snapshot_id: str) -> Snapshot:
        try:
            return super().get(snapshot_id)
        except SnapshotError as exc:  # found damaged after start-up (a file truncated while serving)
            self._found_damaged(snapshot_id, exc)
            raise

    def on_or_before(self, date: str) -> str | None:
        """The latest whole published snapshot made on or before ``date``, or None: an embed pinned to a
        damaged snapshot shows the whole one before it, or the current data, with its notice."""
        for snapshot_id in reversed(self.published()):
            if parse_id(snapshot_id)[0] <= date:
                if self.whole(snapshot_id):
                    return snapshot_id
                self.tell(f"snapshot {snapshot_id} is damaged, so no embed is pinned to it: "
                          f"{self._damaged.get(snapshot_id)}")
        return None

    def public(self, message: str) -> str:
        """A message with the data folder's paths relative to it (what a reader may be shown)."""
        return message.replace(f"{self.root}{os.sep}", "")

    def tell(self, message: str, level: int = logging.WARNING) -> None:
        """Log ``message`` once per process (a damaged snapshot is met by request after request)."""
        if message not in self._told:
            self._told.add(message)
            LOG.log(level, "%s", message)

    def _found_damaged(self, snapshot_id: str, exc: SnapshotError) -> None:
        with self._lock:
            self._damaged[snapshot_id] = str(exc)
            self._instead.clear()  # the snapshot served instead may be the one just found damaged

    def _instead_of(self, named: str) -> str:
        """The latest whole snapshot published before ``named`` (damaged); SnapshotError if there is none."""
        found = self._instead.get(named)
        if found is not None:
            return found
        reason = self._damaged.get(named, "damaged")
        earlier = [i for i in self.published() if parse_id(i) < parse_id(named)]
        for candidate in reversed(earlier):
            if self.whole(candidate):
                with self._lock:
                    self._instead[named] = candidate
                self.tell(f"snapshot {named}, the current one, cannot be served: {reason}; serving snapshot "
                          f"{candidate} instead, the latest whole one published before it")
                return candidate
        if not earlier:
            other = "no earlier published snapshot to serve instead"
        else:
            latest = f"{earlier[-1]}: {self._damaged.get(earlier[-1])}"
            other = (f"the earlier published snapshot is damaged too ({latest})" if len(earlier) == 1 else
                     f"none of the {len(earlier)} earlier published snapshots is whole either (the latest, {latest})")
        raise SnapshotError(f"snapshot {named}, the current one, cannot be served: {reason}; {other}")


def install(server: flask.Flask, store: AppStore) -> None:
    """The store checked (``AppStore.check``: a damaged current snapshot with nothing whole to serve instead
    raises here, so the app is never built), kept, and pinned before every request."""
    store.check()
    server.extensions[EXTENSION] = store
    server.before_request(pin)
    server.after_request(remember_language)
    server.register_error_handler(SnapshotError, unavailable)


def store() -> AppStore:
    return flask.current_app.extensions[EXTENSION]


def pin() -> None:
    flask.g.kz_snapshot_id, flask.g.kz_damage = store().serving()


def snapshot_id() -> str:
    """The id of the snapshot pinned for the current request (pinned now if the request started without one)."""
    if "kz_snapshot_id" not in flask.g:
        pin()
    return flask.g.kz_snapshot_id


def damage() -> Damage | None:
    """Why the request's snapshot is not the one the pointer names (it is damaged), or None."""
    if "kz_snapshot_id" not in flask.g:
        pin()
    return flask.g.kz_damage


def loaded_snapshot() -> Snapshot | None:
    """The request's snapshot if this process has loaded it already, else None: what an index page may add
    from the data without making the first request after a start read it (the cold start)."""
    return store().loaded(snapshot_id())


def snapshot() -> Snapshot:
    """The snapshot pinned for the current request, loaded on first use (the store keeps it loaded).  One
    found damaged as it loads (a file truncated while serving) is never read from: the request is pinned
    again, to the snapshot served instead (or answered 503 when there is none: ``pin`` raises)."""
    while "kz_snapshot" not in flask.g:
        try:
            flask.g.kz_snapshot = store().get(snapshot_id())
        except SnapshotError:
            pin()  # the store knows it damaged now: each round pins an earlier snapshot, or raises
    return flask.g.kz_snapshot


def unavailable(exc: SnapshotError) -> flask.Response:
    """A snapshot found damaged after start-up, by the request that first loads it (the next ones are served an
    earlier whole snapshot, if there is one), or the current one damaged with none to serve: a 503 saying
    what is wrong, never a traceback page, and never kept by a cache."""
    found = store()
    found.tell(f"answering 503: {exc}", logging.ERROR)
    response = flask.Response(f"the data cannot be served: {found.public(str(exc))}\n", status=503,
                              mimetype="text/plain")
    response.headers["Cache-Control"] = "no-store"
    return response


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
