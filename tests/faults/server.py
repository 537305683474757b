"""A real HTTP server on 127.0.0.1 whose answer to each path a test scripts: the sources' faults on real sockets.

Each route (a path prefix) answers with a :class:`Reply`: a status, headers and body, or a fault of the
connection itself: never answering, a reset, a body cut short of its Content-Length, a body sent in slow
pieces.  A route is a list of replies taken in turn (the last one repeats) or a function of the request.
Every request is recorded, so a test can count attempts and see when they came.

    with FaultServer() as server:
        server.route("/bns", [Reply(status=500), Reply(body=csv)])   # fails once, then answers
        env = source_env(server)                                      # KZ_*_URL pointing at it

The server runs in threads of the test process; the refresh under test may run in that process or in a
subprocess (it only needs the address).
"""

from __future__ import annotations

import socket
import struct
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import TYPE_CHECKING, Callable, Mapping, Sequence, Union

if TYPE_CHECKING:
    from dashboard.snapshots import Snapshot

# A stalled reply waits at most this long (or until the server stops): a test never leaves a thread behind.
STALL_LIMIT = 120.0

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
JSON = "application/json;charset=utf-8"
CSV = "text/csv; charset=utf-8"
HTML = "text/html; charset=utf-8"


@dataclass(frozen=True)
class Reply:
    """One scripted answer.  By default a 200 with ``body``; the fault fields change how it is sent."""

    status: int = 200
    body: bytes = b""
    content_type: str | None = "application/octet-stream"
    headers: Mapping[str, str] = field(default_factory=dict)
    stall: bool = False              # read the request, then never answer
    reset: bool = False              # read the request, then reset the connection (TCP RST)
    cut_at: int | None = None        # send only this many bytes of the body (Content-Length stays the full size)
    then_stall: bool = False         # after a cut body: keep the connection open and silent instead of closing
    pace: tuple[int, float] | None = None  # send the body in pieces of n bytes, one every s seconds


@dataclass(frozen=True)
class Request:
    """What the server was asked, and when (time.monotonic of the test process)."""

    path: str        # the full path with the query string
    rest: str        # the path after the route's prefix
    at: float


Handler = Callable[[Request], Reply]
# A route's script: one reply, a function of the request, or a list of either taken in turn (the last repeats).
Script = Union[Handler, Sequence[Union[Reply, Handler]], Reply]


def html_page(title: str, status: int = 200) -> Reply:
    """An HTML page of the kind a server, proxy or firewall answers instead of the data."""
    body = (f"<!DOCTYPE html><html><head><title>{title}</title></head>"
            f"<body><h1>{title}</h1><p>Please try again later.</p></body></html>").encode()
    return Reply(status=status, body=body, content_type=HTML)


class FaultServer:
    """A threaded ``http.server`` on 127.0.0.1 (a free port) answering each route as scripted."""

    def __init__(self) -> None:
        self._routes: dict[str, Handler] = {}
        self._lock = threading.Lock()
        self.requests: list[Request] = []
        self.stopping = threading.Event()
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
        self._httpd.daemon_threads = True
        self._httpd.owner = self  # type: ignore[attr-defined]
        self._thread = threading.Thread(target=self._httpd.serve_forever, kwargs={"poll_interval": 0.05},
                                        name="fault-server", daemon=True)

    @property
    def base(self) -> str:
        host, port = self._httpd.server_address[:2]
        return f"http://{host}:{port}"

    def url(self, prefix: str) -> str:
        return self.base + prefix

    def route(self, prefix: str, script: Script) -> None:
        """Answer every path starting with ``prefix`` by ``script`` (replacing what it answered before)."""
        if isinstance(script, Reply):
            script = [script]
        if not callable(script):
            steps, taken = list(script), []

            def script(request: Request, steps=steps, taken=taken) -> Reply:
                with self._lock:
                    step = steps[min(len(taken), len(steps) - 1)]
                    taken.append(request)
                return step(request) if callable(step) else step
        with self._lock:
            self._routes[prefix] = script

    def handler(self, prefix: str) -> Handler:
        """What ``prefix`` answers now: to put a fault in front of it (``route(p, [fault, handler(p)])``)."""
        with self._lock:
            return self._routes[prefix]

    def hits(self, prefix: str) -> list[Request]:
        """The requests whose path starts with ``prefix``, in order of arrival."""
        with self._lock:
            return [r for r in self.requests if r.path.startswith(prefix)]

    def _answer_for(self, path: str) -> Reply:
        with self._lock:
            matches = [p for p in self._routes if path.startswith(p)]
            prefix = max(matches, key=len) if matches else None
            request = Request(path, path[len(prefix):] if prefix else path, time.monotonic())
            self.requests.append(request)
            handler = self._routes.get(prefix) if prefix else None
        if handler is None:
            return Reply(status=404, body=b"no such route", content_type="text/plain")
        return handler(request)

    def __enter__(self) -> FaultServer:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopping.set()  # stalled and paced replies end now
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(timeout=5)


# Where each source lives on the server: its KZ_*_URL is the server's address with this path.
WORLDBANK = "/worldbank"           # KZ_WORLDBANK_URL = <server>/worldbank/v2 (the API's own /v2 kept)
UNDESA = "/undesa/files"           # KZ_UNDESA_URL: the folder of the workbooks
BNS = "/bns"                       # KZ_BNS_URL: stat.gov.kz's root


def source_env(server: FaultServer) -> dict[str, str]:
    """The settings that point every source of ``refresh`` at ``server``."""
    return {"KZ_WORLDBANK_URL": server.url(WORLDBANK + "/v2"), "KZ_UNDESA_URL": server.url(UNDESA),
            "KZ_BNS_URL": server.url(BNS)}


def undesa_path(revision: int) -> str:
    from dashboard.sources import undesa

    return f"{UNDESA}/{undesa.FILES[revision]}"


def serve_snapshot(server: FaultServer, snap: Snapshot, workbooks: Mapping[int, bytes] | None = None,
                   pace: tuple[int, float] | None = None) -> None:
    """Every source answers like the real one with ``snap``'s own figures (tests/replies.py builds the bodies).

    ``workbooks``: the UN DESA workbooks by revision, if the caller built them already (openpyxl takes a
    while); ``pace``: send every body in slow pieces (n bytes every s seconds)."""
    from dashboard.sources import undesa
    from tests import replies

    def worldbank(request: Request) -> Reply:
        # The builder reads the indicator, countries and page from a World Bank URL: the same path and query.
        _status, _headers, text = replies.worldbank_reply(snap, "https://api.worldbank.org" + request.rest)
        return Reply(body=text.encode("utf-8"), content_type=JSON, pace=pace)

    server.route(WORLDBANK, worldbank)
    for revision in undesa.FILES:
        body = workbooks[revision] if workbooks else replies.undesa_workbook(snap, revision)
        server.route(undesa_path(revision), Reply(body=body, content_type=XLSX, pace=pace))
    server.route(BNS, Reply(body=replies.bns_csv(snap).encode("utf-8"), content_type=CSV, pace=pace))


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:  # noqa: N802 (http.server's name)
        owner: FaultServer = self.server.owner  # type: ignore[attr-defined]
        self.close_connection = True  # one request per connection: a fault never leaks into the next one
        reply = owner._answer_for(self.path)
        try:
            self._send(reply, owner.stopping)
        except OSError:
            pass  # the client gave up first (its timeout): nothing left to send to

    def _send(self, reply: Reply, stopping: threading.Event) -> None:
        if reply.stall:
            stopping.wait(STALL_LIMIT)
            return
        if reply.reset:
            # SO_LINGER with a zero timeout makes close() send RST instead of FIN.
            self.connection.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
            self.connection.close()
            return
        self.send_response(reply.status)
        if reply.content_type is not None:
            self.send_header("Content-Type", reply.content_type)
        self.send_header("Content-Length", str(len(reply.body)))  # the whole body's, even when cut_at sends less
        for name, value in reply.headers.items():
            self.send_header(name, value)
        self.send_header("Connection", "close")
        self.end_headers()
        body = reply.body if reply.cut_at is None else reply.body[:reply.cut_at]
        if reply.pace is None:
            self.wfile.write(body)
        else:
            size, every = reply.pace
            for start in range(0, len(body), size):
                self.wfile.write(body[start:start + size])
                self.wfile.flush()
                if stopping.wait(every):
                    return
        self.wfile.flush()
        if reply.cut_at is not None and reply.then_stall:
            stopping.wait(STALL_LIMIT)

    def log_message(self, format: str, *args) -> None:  # noqa: A002 (http.server's name)
        pass  # the test records requests itself; the server's own log would only clutter pytest's output
