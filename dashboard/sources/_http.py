"""The one place the loaders touch the network: a retrying session and typed source errors."""

from __future__ import annotations

import requests
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

# un.org answers some default client user agents with 403; a browser-like one is accepted.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 kz-emigration-refresh"
)
DEFAULT_TIMEOUT = 60  # seconds, per request


class SourceError(Exception):
    """A source could not be read: network fault, HTTP error, malformed reply or upstream change."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class SourceNotFound(SourceError):
    """The source answered 404: the URL moved or the dataset was withdrawn."""


class SourceUnavailable(SourceError):
    """The source answered 5xx or timed out, even after retries."""


def make_session(retries: int = 3, backoff: float = 1.0) -> requests.Session:
    """A session that retries transient faults (429, 5xx, connection resets) with exponential backoff."""
    session = requests.Session()
    retry = Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = BROWSER_USER_AGENT
    return session


def get(session: requests.Session, url: str, *, source: str, timeout: float = DEFAULT_TIMEOUT,
        **kwargs) -> requests.Response:
    """GET ``url`` and raise a typed :class:`SourceError` for anything but a 2xx reply."""
    try:
        response = session.get(url, timeout=timeout, **kwargs)
    except requests.Timeout as exc:
        raise SourceUnavailable(source, f"timed out after {timeout:g}s ({url})") from exc
    except requests.RequestException as exc:
        raise SourceUnavailable(source, f"request failed: {exc} ({url})") from exc
    if response.status_code == 404:
        raise SourceNotFound(source, f"HTTP 404 Not Found ({url})")
    if response.status_code >= 500:
        raise SourceUnavailable(source, f"HTTP {response.status_code} ({url})")
    try:
        response.raise_for_status()
    except requests.HTTPError as exc:
        raise SourceError(source, f"HTTP {response.status_code} ({url})") from exc
    return response
