"""Callback replies built once per snapshot and arguments: the main charts' callbacks depend on nothing else
(the controls' values, the language, the theme), and their controls are bounded, so a reader changing the
map year or the EAEU countries mostly gets a reply another reader's request (or the background
``warm_up``) already built, from this process or, with ``REDIS_URL``, from any worker or instance
(``shared_cache``).

A reply is kept as its JSON, zlib-compressed: a map reply is ~50 kB of JSON, ~200 kB as Python objects and
~9 kB compressed, so the ~1,300 bounded states of the pages take ~15 MB per process instead of ~300 MB.
Unpacking one costs ~0.5 ms, and each reader gets objects of their own (no cached figure can be changed
by the code that sends it).
"""

from __future__ import annotations

import functools
import inspect
import json
import zlib
from typing import Callable

from plotly.io import json as pio_json

from dashboard import context, shared_cache
from dashboard.figures import theme as themes

ZLIB_LEVEL = 6


def memoised(kind: str) -> Callable[[Callable], Callable]:
    """For a chart callback taking the reader's theme last: the store holds None until the browser has read
    prefers-color-scheme, which draws the light theme, so None is kept (and warmed) as "light"."""
    def wrap(fn: Callable) -> Callable:
        params = list(inspect.signature(fn).parameters)
        if params[-1] != "theme":
            raise TypeError(f"{fn.__name__}: a memoised chart callback takes the theme last")

        @functools.wraps(fn)
        def call(*args):
            if len(args) == len(params):
                args = (*args[:-1], themes.name_of(args[-1]))
            snap = context.snapshot()
            shared = shared_cache.of()
            key = shared.key(f"reply:{kind}", snap.id, args)
            # Outputs as their JSON (figures as dicts, components as {type, namespace, props}), which Dash
            # sends as they are.
            packed = snap.cached("reply", key, lambda: zlib.compress(
                shared.text(key, lambda: pio_json.to_json_plotly(fn(*args))).encode(), ZLIB_LEVEL))
            return json.loads(zlib.decompress(packed))
        return call
    return wrap
