"""A fresh process serves its first requests one at a time, until Dash has done its first-request setup and
the data libraries (pandas, numpy) are imported whole; from then on, requests never wait for each other here.

gunicorn's gthread workers take their first requests several at a time, and two things a process does
once are not safe in two threads at once (both seen in the soak, ``python -m bench.soak``):

- Dash's first-request setup (``Dash._setup_server`` and the pages' router, ``before_request`` hooks) sets
  its "done" flag *before* doing the work: a request arriving meanwhile skips it and is dispatched against
  half a callback map, and the Content-Security-Policy hashes (``security``) taken then miss the router's
  inline script.
- plotly's JSON encoder, which Dash uses for every layout and callback reply, looks for pandas and numpy in
  ``sys.modules`` without importing them (``get_module(..., should_load=False)``): while another thread is
  importing pandas it finds half a module and fails (``AttributeError: partially initialized module
  'pandas' has no attribute 'NaT'``, a 500 on ``/_dash-layout``).

The data libraries stay out of start-up (the index page needs none of them; the bench's cold start): they
come with the first request that reads data, which now runs alone.  A background thread that imports them
itself (the warm-up) does so through :func:`import_data_libraries`, under the same lock.
"""

from __future__ import annotations

import sys
import threading

import flask
from dash import Dash

EXTENSION = "kz-first-requests"
DATA_LIBRARIES = ("pandas", "numpy")  # what plotly's encoder looks up without importing
HELD = "kz_first_requests_held"  # on flask.g: this request holds the gate


class Gate:
    """One per app: closed (one request at a time) until the process is ready, then open for good."""

    def __init__(self, app: Dash):
        self._flags = app._got_first_request  # Dash's own record of its first-request setup
        # Re-entrant: a request that makes a request of its own app in its thread (a test client) must not
        # wait for itself.
        self._lock = threading.RLock()
        self._open = False

    @property
    def open(self) -> bool:
        return self._open

    def _ready(self) -> bool:
        return all(self._flags.values()) and all(_whole(name) for name in DATA_LIBRARIES)

    def enter(self) -> None:
        if self._open:
            return
        self._lock.acquire()
        setattr(flask.g, HELD, True)

    def leave(self, _error: BaseException | None = None) -> None:
        if flask.g.pop(HELD, False):
            self._open = self._open or self._ready()
            self._lock.release()

    def import_data_libraries(self) -> None:
        if self._open:
            return
        with self._lock:
            import numpy  # noqa: F401  (imported whole before any other request of this process sees it)
            import pandas  # noqa: F401


def _whole(name: str) -> bool:
    # A module being imported is in sys.modules already, marked as initialising on its spec.
    module = sys.modules.get(name)
    return module is not None and not getattr(getattr(module, "__spec__", None), "_initializing", False)


def install(app: Dash) -> None:
    """The gate before every other hook of ``app`` (Dash's own setup, the size limits, the warm-up), and
    after every request, even one that failed."""
    gate = Gate(app)
    server = app.server
    server.extensions[EXTENSION] = gate
    server.before_request_funcs.setdefault(None, []).insert(0, gate.enter)
    server.teardown_request(gate.leave)


def of(server: flask.Flask) -> Gate:
    return server.extensions[EXTENSION]
