"""What every worker and every instance builds once: rendered embeds and callback replies, in a cache shared
through Redis (flask-caching) when ``REDIS_URL`` is set, else in this process's memory.

Keys carry the snapshot id and the release (the package version and the hashes of the static files an
embed links), so two releases or two snapshots never share an entry, and the canonical parameters of the
view.  Redis is a help, never a dependency: if it is unreachable or goes away, a request builds its reply
itself (and says so in the log once a minute), never fails.
"""

from __future__ import annotations

import hashlib
import json
import logging
import time
from typing import Any, Callable

import flask
from flask_caching import Cache

import dashboard
from dashboard import settings

LOG = logging.getLogger(__name__)
TIMEOUT = 7 * 24 * 3600  # an entry names its snapshot: it is never stale, only unused
# Redis on the same network answers in well under a millisecond; one that hangs must not hang the reader.
REDIS_OPTIONS = {"socket_timeout": 0.25, "socket_connect_timeout": 0.25, "health_check_interval": 0}


def config() -> dict[str, Any]:
    url = settings.get("REDIS_URL")
    if url:
        return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": "kz:",
                "CACHE_DEFAULT_TIMEOUT": TIMEOUT, "CACHE_OPTIONS": REDIS_OPTIONS}
    return {"CACHE_TYPE": "SimpleCache", "CACHE_THRESHOLD": 2048, "CACHE_DEFAULT_TIMEOUT": TIMEOUT}


class SharedCache:
    """``text(key, build)`` and ``json(key, build)``: the stored value, else ``build()`` (stored for others)."""

    def __init__(self, server: flask.Flask, release: str):
        self.cache = Cache(server, config=config())
        self.release = release
        self._warned = 0.0

    def key(self, kind: str, snapshot_id: str, params: Any) -> str:
        canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:24]
        return f"{kind}:{self.release}:{snapshot_id}:{digest}"

    def _get(self, key: str) -> Any:
        try:
            return self.cache.get(key)
        except Exception as exc:  # redis.ConnectionError, TimeoutError ...: build locally instead
            self._unavailable(exc)
            return None

    def _set(self, key: str, value: Any) -> None:
        try:
            self.cache.set(key, value)
        except Exception as exc:
            self._unavailable(exc)

    def _unavailable(self, exc: Exception) -> None:
        now = time.monotonic()
        if now - self._warned > 60:
            self._warned = now
            LOG.warning("shared cache unavailable (%s): building replies locally", exc)

    def text(self, key: str, build: Callable[[], str]) -> str:
        found = self._get(key)
        if isinstance(found, str):
            return found
        value = build()
        self._set(key, value)
        return value


def release(static_digests: dict[str, str]) -> str:
    """The package version and the static files' hashes, in a few characters."""
    text = dashboard.__version__ + json.dumps(static_digests, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:12]


def install(server: flask.Flask, static_digests: dict[str, str]) -> SharedCache:
    shared = SharedCache(server, release(static_digests))
    server.extensions["kz_shared_cache"] = shared
    return shared


def of(server: flask.Flask | None = None) -> SharedCache:
    return (server or flask.current_app).extensions["kz_shared_cache"]
