"""The one place the loaders touch the network: a retrying session and typed source errors.

Faults and their bounds (each source's ``fetch`` goes through :func:`get`):

- a source that does not connect, accepts and never answers, or stops in the middle of a reply, is given
  up on after ``KZ_REFRESH_TIMEOUT`` seconds of silence; one that keeps sending a trickle of bytes, after ten
  times that for the body of its reply, so a refresh never hangs;
- 429 and 5xx, timeouts and resets are retried ``KZ_REFRESH_RETRIES`` times with exponential backoff
  (1 s factor: 0, 2, 4 s); a ``Retry-After`` is honoured but cut to ``KZ_REFRESH_RETRY_AFTER_MAX``
  seconds (urllib3 would wait up to six hours, or without a cap before 2.6.3);
- a reply cut short of its ``Content-Length`` or its chunks, and a 200 whose Content-Type says it is
  an HTML page (or JSON or XML where the source sends neither), are refused with the reason.
"""

from __future__ import annotations

import re
import time

import requests
from requests.adapters import HTTPAdapter
from urllib3.exceptions import (ConnectTimeoutError, DecodeError, IncompleteRead, InvalidHeader, MaxRetryError,
                                NewConnectionError, ProtocolError, ReadTimeoutError)
from urllib3.util.retry import Retry

from dashboard import settings

# un.org answers some default client user agents with 403; a browser-like one is accepted.
BROWSER_USER_AGENT = (
    "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/126.0 Safari/537.36 kz-emigration-refresh"
)
DEFAULT_TIMEOUT = 60  # seconds of silence per request, for a session not made by make_session
# A whole reply may take this many times the timeout: un.org's 6 MB workbook at 10 kB/s still arrives.
WHOLE_REPLY = 10
_CHUNK = 64 * 1024

# Content types that are documents of their own: a reply declaring one that its source never sends is
# an error page, a login or rate-limit page, or an API's other format, not the data.  Anything else
# (text/plain, application/octet-stream, no type at all) is left to the parser to judge by the bytes.
_DOCUMENT_TYPES = re.compile(r"^(text/html|application/xhtml\+xml|text/xml|application/xml|application/json"
                             r"|text/json|application/[\w.+-]+\+(json|xml))$")
_TITLE = re.compile(rb"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)


class SourceError(Exception):
    """A source could not be read: network fault, HTTP error, malformed reply or upstream change."""

    def __init__(self, source: str, reason: str):
        super().__init__(f"{source}: {reason}")
        self.source = source
        self.reason = reason


class SourceNotFound(SourceError):
    """The source answered 404: the URL moved or the dataset was withdrawn."""


class SourceUnavailable(SourceError):
    """The source answered 429 or 5xx, timed out, or broke the connection, even after retries."""


class _Retry(Retry):
    """urllib3's Retry with a server's Retry-After cut to ``retry_after_cap`` seconds.

    urllib3 caps Retry-After itself only from 2.6.3 on (``retry_after_max``, default 21,600 s = 6 h); the
    cap is applied here so that it holds with any urllib3 this project installs."""

    def __init__(self, *args, retry_after_cap: float = 30.0, **kwargs):
        super().__init__(*args, **kwargs)
        self.retry_after_cap = retry_after_cap

    def new(self, **kw) -> "_Retry":
        # Each retry is a new object made by new(): the cap must travel with it.
        kw.setdefault("retry_after_cap", self.retry_after_cap)
        return super().new(**kw)

    def parse_retry_after(self, retry_after: str) -> float:
        try:
            seconds = super().parse_retry_after(retry_after)
        except InvalidHeader:
            return 0  # neither seconds nor an HTTP date: back off as if none was sent
        return min(seconds, self.retry_after_cap)


class _Session(requests.Session):
    """A session that knows the per-request timeout it was made with."""

    timeout: float = DEFAULT_TIMEOUT


def _setting_number(name: str, kind: type) -> float:
    text = settings.get(name)
    try:
        value = kind(text)
    except ValueError:
        raise ValueError(f"{name} must be a {'whole ' if kind is int else ''}number, not {text!r}") from None
    if value < 0:
        raise ValueError(f"{name} must not be negative, not {text!r}")
    return value


def make_session(retries: int | None = None, backoff: float = 1.0, *, timeout: float | None = None,
                 retry_after_max: float | None = None) -> requests.Session:
    """A session that retries transient faults (429, 5xx, timeouts, resets) with exponential backoff.

    ``None`` takes the setting: ``KZ_REFRESH_RETRIES``, ``KZ_REFRESH_TIMEOUT``, ``KZ_REFRESH_RETRY_AFTER_MAX``.
    """
    retries = int(_setting_number("KZ_REFRESH_RETRIES", int)) if retries is None else retries
    timeout = _setting_number("KZ_REFRESH_TIMEOUT", float) if timeout is None else timeout
    cap = _setting_number("KZ_REFRESH_RETRY_AFTER_MAX", float) if retry_after_max is None else retry_after_max
    session = _Session()
    session.timeout = timeout
    retry = _Retry(
        total=retries,
        backoff_factor=backoff,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=frozenset({"GET"}),
        raise_on_status=False,
        retry_after_cap=cap,
    )
    adapter = HTTPAdapter(max_retries=retry)
    session.mount("https://", adapter)
    session.mount("http://", adapter)
    session.headers["User-Agent"] = BROWSER_USER_AGENT
    return session


def media_type(response: requests.Response) -> str:
    """The reply's Content-Type without its parameters, lower case; "" when it has none."""
    return response.headers.get("Content-Type", "").split(";")[0].strip().lower()


def describe(response: requests.Response, body: bytes) -> str:
    """What a reply that is not the data was: its type, size, and the title or first bytes of it."""
    kind = media_type(response) or "no Content-Type"
    title = _TITLE.search(body[:4096])
    start = (b" ".join(title.group(1).split()) if title else body[:40])[:80]
    return f"{kind}, {len(body)} bytes, {'title' if title else 'starts'} {start!r}"


def get(session: requests.Session, url: str, *, source: str, timeout: float | None = None,
        accept: tuple[str, ...] | None = None, **kwargs) -> requests.Response:
    """GET ``url`` and raise a typed :class:`SourceError` for anything but a whole 2xx reply.

    ``accept``: the content types the source's data comes as; a reply declaring another document type
    (HTML, JSON, XML) is refused.  The body is read here, within the time bounds (see the module's doc).
    """
    if timeout is None:
        timeout = getattr(session, "timeout", DEFAULT_TIMEOUT)
    try:
        response = session.get(url, timeout=timeout, stream=True, **kwargs)
    except requests.RequestException as exc:
        raise SourceUnavailable(source, f"{_failure(exc, timeout)}{_attempts(session, url)} ({url})") from exc
    with response:  # an error's body is never read: closing the reply drops the connection
        if response.status_code == 404:
            raise SourceNotFound(source, f"HTTP 404 Not Found ({url})")
        if response.status_code == 429 or response.status_code >= 500:
            # What is left after the retries; the last answer's Retry-After says how long it wanted.
            wait = response.headers.get("Retry-After")
            asked = f", asked to retry after {wait}" if wait else ""
            raise SourceUnavailable(source, f"HTTP {response.status_code}{asked}{_attempts(session, url)} ({url})")
        try:
            response.raise_for_status()
        except requests.HTTPError as exc:
            raise SourceError(source, f"HTTP {response.status_code} ({url})") from exc
        # The body's own bound starts with the answer: the retries before it have theirs (timeouts, backoff,
        # Retry-After), so a reply that came after a long wait still has its full time.
        body = _read_body(response, source, url, timeout, time.monotonic() + WHOLE_REPLY * timeout)
    kind = media_type(response)
    if accept is not None and kind not in accept and _DOCUMENT_TYPES.match(kind):
        raise SourceError(source, f"answered {describe(response, body)} instead of {' or '.join(accept)} ({url})")
    return response


def _failure(exc: requests.RequestException, timeout: float) -> str:
    # Once urllib3 has used up its retries, requests raises ConnectionError(MaxRetryError(reason)) even when
    # every attempt timed out: the last attempt's reason says what happened.
    reason = exc.args[0] if exc.args else exc
    if isinstance(reason, MaxRetryError) and reason.reason is not None:
        reason = reason.reason
    if isinstance(reason, NewConnectionError):  # urllib3 derives it from ConnectTimeoutError: test it first
        return f"could not connect: {reason}"
    if isinstance(exc, requests.Timeout) or isinstance(reason, (TimeoutError, ReadTimeoutError, ConnectTimeoutError)):
        return f"timed out after {timeout:g}s"
    return f"request failed: {reason}"


def _attempts(session: requests.Session, url: str) -> str:
    retry = getattr(session.get_adapter(url), "max_retries", None)
    total = getattr(retry, "total", None)
    return f" ({total + 1} attempts)" if isinstance(total, int) and total > 0 else ""


def _read_body(response: requests.Response, source: str, url: str, timeout: float, deadline: float) -> bytes:
    # requests' timeout bounds each wait for bytes, never the whole reply: a trickle of a byte a second
    # would keep it reading for days (and iter_content waits to fill each chunk).  So the body is read
    # here one socket read at a time (read1), against a deadline.
    raw = response.raw
    read = getattr(raw, "read1", None) or raw.read  # urllib3 < 2.1 has no read1: checked per chunk then
    chunks: list[bytes] = []
    try:
        while True:
            chunk = read(_CHUNK, decode_content=True)
            if not chunk:
                break
            chunks.append(chunk)
            if time.monotonic() > deadline:
                raise SourceUnavailable(source, f"reply still arriving after {WHOLE_REPLY * timeout:g}s "
                                                f"({_size(chunks)} so far), given up ({url})")
    except ReadTimeoutError as exc:
        raise SourceUnavailable(source, f"timed out after {timeout:g}s in the middle of the reply "
                                        f"({_size(chunks)} so far) ({url})") from exc
    except (ProtocolError, IncompleteRead) as exc:
        # urllib3 holds the bytes to Content-Length (or the chunk sizes): fewer is a reply cut short.
        cut = next((a for a in (exc, *exc.args) if isinstance(a, IncompleteRead)), None)
        detail = (f"{cut.partial} of {cut.partial + cut.expected} bytes announced" if cut is not None
                  and isinstance(cut.partial, int) and isinstance(cut.expected, int) else str(exc))
        raise SourceUnavailable(source, f"reply cut short after {_size(chunks)} ({detail}) ({url})") from exc
    except (DecodeError, OSError) as exc:
        raise SourceUnavailable(source, f"reply could not be read: {exc} ({url})") from exc
    body = b"".join(chunks)
    # .content, .text and .json() then give these bytes: requests keeps a body it has read in _content, and
    # nothing public sets it.
    response._content = body
    return body


def _size(chunks: list[bytes]) -> str:
    return f"{sum(map(len, chunks))} bytes"
