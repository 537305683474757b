"""The pages' chart callbacks built for every bounded state once per snapshot, in the background, so the
first reader to pick a map year, a destination or a set of EAEU countries gets a reply already built.
The steps others add (``add_step``: the pages' first views, ``first_view``) run before the replies.

Building a chart reply takes 50-300 ms (most of it plotly's property validation); serving a built one
from the memo (``replies``) takes 1-2 ms.  A control is *bounded* when it has a short list of options:
radio items, dropdowns of up to 64 options, checklists (every subset of up to 5 options).  For each chart
callback of each page, in each language and colour scheme, the states are: the page's default view,
every value of each bounded control one at a time, and every combination of them where there are at
most 64.  A range slider of up to ``MAX_RANGES`` positions (the trends years: 26 years, 351 ranges) takes
each of its ranges with the other controls at their defaults (most readers drag it without touching
anything else); a range with another toggle changed is left to its first reader.

The requests go through the app itself (a Flask test client: the same dispatch, memo keys and Redis as
a reader's request; no socket, nothing leaves the process).  One daemon thread per process and snapshot
starts with the first request; it stops when a newer snapshot becomes current.  With ``REDIS_URL`` a
worker finds most states already built by another.  ``KZ_WARM_UP=0`` turns it off; ``/healthz`` says
how far it got.
"""

from __future__ import annotations

import itertools
import json
import logging
import os
import random
import threading
import time
from dataclasses import dataclass, field
from typing import Any, Iterator

import flask

from dashboard import callback_bodies, context, first_requests, settings
from dashboard import i18n
from dashboard.snapshots import Memo

LOG = logging.getLogger(__name__)
EXTENSION = "kz-warm-up"  # the app's warm-ups: snapshot id -> Progress
STEPS = "kz-warm-up-steps"  # what a warm-up builds before the replies: [(name, step(snapshot) -> count)]
PAGES = ("/destinations", "/trends", "/eaeu")  # the pages whose chart callbacks are memoised
THEMES = ("light", "dark")  # what the theme store holds once the browser has read prefers-color-scheme
LANGUAGES = i18n.LANGUAGES
THEME_ID = "kz-theme"
MAX_OPTIONS = 64
MAX_SUBSET_OPTIONS = 5
MAX_COMBINATIONS = 64
MAX_RANGES = 400


@dataclass
class Progress:
    """How far one process got warming one snapshot (shown on /healthz)."""

    snapshot: str
    process: int = field(default_factory=os.getpid)
    steps: dict = field(default_factory=dict)  # what the steps before the replies built: name -> how many
    states: int = 0
    failed: int = 0
    seconds: float = 0.0
    done: bool = False
    stopped: str = ""  # why it stopped early, if it did
    _started: float = field(default_factory=time.perf_counter, repr=False)

    def status(self) -> dict:
        return {"snapshot": self.snapshot, "process": self.process, "steps": dict(self.steps),
                "states": self.states, "failed": self.failed,
                "seconds": round(self.seconds, 1), "done": self.done, "stopped": self.stopped}


def enabled() -> bool:
    return settings.enabled("KZ_WARM_UP")


def install(server: flask.Flask) -> None:
    # Kept by snapshot id, not on the snapshot: starting the thread loads no data, so the first request
    # (the index page) is answered without pandas; the thread's first request imports it and loads the tables.
    server.extensions[EXTENSION] = Memo(4)
    server.extensions.setdefault(STEPS, [])
    server.before_request(start)


def add_step(server: flask.Flask, name: str, step) -> None:
    """``step(snapshot)`` runs first in every warm-up of this app (the pages' first views); it returns how
    many things it built (shown on /healthz)."""
    server.extensions.setdefault(STEPS, []).append((name, step))


def start() -> None:
    """Before every request: the current snapshot's warm-up thread, started once per process (every later
    request of the snapshot costs one lookup)."""
    if not enabled() or progress() is not None:
        return
    snapshot_id = context.snapshot_id()
    server = flask.current_app._get_current_object()
    server.extensions[EXTENSION].get(snapshot_id, lambda: _spawn(server, snapshot_id))


def progress() -> Progress | None:
    """This process's warm-up of the request's snapshot (None if it has not started)."""
    return flask.current_app.extensions[EXTENSION].peek(context.snapshot_id())


def _spawn(server: flask.Flask, snapshot_id: str) -> Progress:
    found = Progress(snapshot_id)
    threading.Thread(target=run, args=(server, found), name="kz-warm-up", daemon=True).start()
    return found


def warm(server: flask.Flask) -> Progress:
    """The whole walk for the current snapshot, in this thread (the bench and the tests; a process runs it in
    the background)."""
    with server.test_request_context("/"):
        found = Progress(context.snapshot().id)
    return run(server, found)


def run(server: flask.Flask, found: Progress) -> Progress:
    """Run the steps (the pages' first views), then post every bounded state's body to the app; stops if
    another snapshot becomes current."""
    client = server.test_client()
    store = server.extensions[context.EXTENSION]
    try:
        # The steps import pandas outside any request: not while a reader's request may be looking for it.
        first_requests.of(server).import_data_libraries()
        for name, step in server.extensions[STEPS]:
            found.steps[name] = step(store.get(found.snapshot))
        for body in ordered(bodies(client)):
            if store.current_id() != found.snapshot:
                found.stopped = "a newer snapshot became current"
                break
            response = callback_bodies.post(client, body)
            found.states += 1
            found.failed += response.status_code != 200
            found.seconds = time.perf_counter() - found._started
    except Exception as exc:  # a background thread: say why on /healthz and in the log, never crash a worker
        found.stopped = f"failed: {type(exc).__name__}: {exc}"[:300]
        LOG.warning("warm-up of snapshot %s stopped: %s", found.snapshot, found.stopped)
    found.done = not found.stopped
    found.seconds = time.perf_counter() - found._started
    return found


def ordered(found: Iterator[tuple[bool, dict]]) -> list[dict]:
    """Every page's default views first (what most readers see), then the other states in an order of this
    process's own: with a shared cache, two workers warming at once mostly build different states and then
    find each other's in Redis."""
    defaults, others = [], []
    for is_default, body in found:
        (defaults if is_default else others).append(body)
    random.Random(os.getpid()).shuffle(others)
    return defaults + others


def choices(component: dict) -> list | None:
    """The values a bounded control can take (None: not bounded)."""
    props = component["props"]
    if component["type"] == "RangeSlider":
        return ranges(props)
    options = props.get("options")
    if not options or len(options) > MAX_OPTIONS:
        return None
    values = [o["value"] if isinstance(o, dict) else o for o in options]
    if component["type"] != "Checklist" and not props.get("multi"):
        return values
    if len(values) > MAX_SUBSET_OPTIONS:
        return None
    # A reader unticks from the default (its order kept) and ticks more (appended, as dcc.Checklist does).
    default = [v for v in props.get("value") or [] if v in values]
    ordered = default + [v for v in values if v not in default]
    return [list(c) for n in range(len(ordered) + 1) for c in itertools.combinations(ordered, n)]


def ranges(props: dict) -> list | None:
    """Every [first, last] a range slider sends (its two handles may meet), or None past ``MAX_RANGES``."""
    low, high, step = props.get("min"), props.get("max"), props.get("step") or 1
    if not all(isinstance(v, int) for v in (low, high, step)) or step <= 0:
        return None
    stops = range(low, high + 1, step)
    if len(stops) * (len(stops) + 1) // 2 > MAX_RANGES:
        return None
    return [[a, b] for i, a in enumerate(stops) for b in stops[i:]]


def states(body: dict, found: dict[str, dict]) -> Iterator[dict[str, Any]]:
    """Input id -> value for the default view, each bounded control alone, then their combinations."""
    bounded, alone = {}, {}
    for item in body["inputs"]:
        if isinstance(item, dict) and isinstance(item["id"], str) and item["id"] in found:
            values = choices(found[item["id"]])
            if values:
                (alone if found[item["id"]]["type"] == "RangeSlider" else bounded)[item["id"]] = values
    seen: set[str] = set()

    def fresh(state: dict) -> bool:
        key = json.dumps(state, sort_keys=True, default=str)
        new = key not in seen
        seen.add(key)
        return new

    if fresh({}):
        yield {}
    for ident, values in [*bounded.items(), *alone.items()]:
        for value in values:
            if fresh({ident: value}):
                yield {ident: value}
    count = 1
    for values in bounded.values():
        count *= len(values)
    if 1 < count <= MAX_COMBINATIONS:
        for combination in itertools.product(*bounded.values()):
            state = dict(zip(bounded, combination))
            if fresh(state):
                yield state


def _with(body: dict, state: dict[str, Any], theme: str) -> dict:
    body = json.loads(json.dumps(body))
    for item in body["inputs"]:
        if isinstance(item, dict) and item["id"] == THEME_ID:
            item["value"] = theme
        elif isinstance(item, dict) and isinstance(item["id"], str) and item["id"] in state:
            item["value"] = state[item["id"]]
    return body


def bodies(client) -> Iterator[tuple[bool, dict]]:
    """(is it the page's default view, the request body) for every bounded state of every chart callback."""
    for lang in LANGUAGES:
        for path in PAGES:
            search = f"?lang={lang}"
            found = {c["props"]["id"]: c for c in callback_bodies.components(callback_bodies.page(client, path, search))
                     if isinstance(c["props"]["id"], str)}
            for body in callback_bodies.calls(client, path, search):
                if ".figure" not in body["output"] or "claim" in body["output"]:
                    continue  # the claim cards are cheap and few; they are built by the page itself
                for state in states(body, found):
                    for theme in THEMES:
                        yield not state, _with(body, state, theme)
