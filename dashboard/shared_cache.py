"""What every worker and every instance builds once: rendered embeds and callback replies, in a cache shared
through Redis (flask-caching) when ``REDIS_URL`` is set; without it, each process keeps only what its
snapshot's own bounded caches hold.

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


def config() -> dict[str, Any] | None:
    """flask-caching's settings for Redis; None without ``REDIS_URL``: there is nothing to share then, and
    the snapshot's own bounded caches (replies zlib-packed, embeds and downloads encoded) already keep what
    this process built.  A local store beside them would hold a second, uncompressed copy of each (~50 kB
    a map reply; flask-caching's SimpleCache bounds entries, not bytes)."""
    url = settings.get("REDIS_URL")
    if not url:
        return None
    return {"CACHE_TYPE": "RedisCache", "CACHE_REDIS_URL": url, "CACHE_KEY_PREFIX": "kz:",
            "CACHE_DEFAULT_TIMEOUT": TIMEOUT, "CACHE_OPTIONS": REDIS_OPTIONS}


class SharedCache:
    """``text(key, build)`` and ``json(key, build)``: the stored value, else ``build()`` (stored for others)."""

    def __init__(self, server: flask.Flask, release: str):
        found = config()
        self.cache = Cache(server, config=found) if found else None
        self.release = release
        self._warned = 0.0

    def key(self, kind: str, snapshot_id: str, params: Any) -> str:
        canonical = json.dumps(params, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()[:24]
        return f"{kind}:{self.release}:{snapshot_id}:{digest}"

    def _get(self, key: str) -> Any:
        if self.cache is None:
            return None
        try:
            return self.cache.get(key)
        except Exception as exc:  # redis.ConnectionError, TimeoutError ...: build locally instead
            self._unavailable(exc)
            return None

    def _set(self, key: str, value: Any) -> None:
        if self.cache is None:
            return
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
