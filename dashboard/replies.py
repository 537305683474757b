"""Callback replies built once per snapshot and arguments: the main charts' callbacks depend on nothing else
(the controls' values, the language, the theme), and their controls are bounded, so a reader changing the
map year or the EAEU countries mostly gets a reply another reader's request already built, from this
process or, with ``REDIS_URL``, from any worker or instance (``shared_cache``)."""

from __future__ import annotations

import functools
from typing import Callable

from dashboard import context, shared_cache


def memoised(kind: str) -> Callable[[Callable], Callable]:
    def wrap(fn: Callable) -> Callable:
        @functools.wraps(fn)
        def call(*args):
            snap = context.snapshot()
            shared = shared_cache.of()
            key = shared.key(f"reply:{kind}", snap.id, args)
            # Outputs come back as their JSON (figures as dicts, components as {type, namespace, props}),
            # which Dash sends as they are.
            return snap.cached("reply", key, lambda: shared.json(key, lambda: fn(*args)))
        return call
    return wrap
