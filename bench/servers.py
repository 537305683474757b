"""Real servers for the bench: the app under gunicorn as the Procfile runs it, a bare Dash app, a static file
server sending brotli; each on a free loopback port, stopped when the ``with`` block ends."""

from __future__ import annotations

import contextlib
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
BARE_APP = ROOT / "bench" / "bare_dash.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(url: str, timeout: float = 60.0) -> float:
    """Seconds until ``url`` first answers 200."""
    start = time.perf_counter()
    while time.perf_counter() - start < timeout:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    response.read()
                    return time.perf_counter() - start
        except OSError:
            time.sleep(0.02)
    raise TimeoutError(f"{url} did not answer within {timeout} s")


@contextlib.contextmanager
def gunicorn(app: str = "dashboard.app:server", workers: int = 2, threads: int = 4, env: dict | None = None,
             extra: tuple[str, ...] = ()):
    """gunicorn with the Procfile's settings (dashboard/gunicorn_config.py: gthread, --preload).

    The background warm-up is off unless ``env`` turns it on: the load and browser runs measure the server
    once it has settled (the warm-up takes each worker's CPU for its first ~100 s; ``callbacks`` measures
    what it gives)."""
    port = free_port()
    environment = {**os.environ, "PORT": str(port), "HOST": "127.0.0.1", "WEB_CONCURRENCY": str(workers),
                   "GUNICORN_THREADS": str(threads), "KZ_WARM_UP": "0", **(env or {})}
    command = [sys.executable, "-m", "gunicorn", "--config", "python:dashboard.gunicorn_config",
               "--bind", f"127.0.0.1:{port}", "--access-logfile", "/dev/null", *extra, app]
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                               stderr=subprocess.DEVNULL)
    try:
        yield f"http://127.0.0.1:{port}", started, process
    finally:
        process.terminate()
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()


def brotli_folder(folder: Path) -> None:
    """Write ``<file>.br`` beside every file of a folder (what a static host or CDN sends a browser)."""
    import brotli

    for path in list(folder.rglob("*")):
        if path.is_file() and path.suffix in (".html", ".js", ".json", ".css", ".csv"):
            path.with_name(path.name + ".br").write_bytes(brotli.compress(path.read_bytes(), quality=11))


@contextlib.contextmanager
def brotli_static_server(folder: Path):
    """A static server that sends a file's ``.br`` copy to a browser that accepts brotli (like nginx's
    brotli_static): the standalone floor for time to chart, with the same bytes on the wire."""
    import functools
    import http.server
    import threading

    class Handler(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def send_head(self):
            path = Path(self.translate_path(self.path.split("?")[0]))
            compressed = path.with_name(path.name + ".br")
            if path.is_file() and compressed.is_file() and "br" in self.headers.get("Accept-Encoding", ""):
                body = compressed.read_bytes()
                self.send_response(200)
                self.send_header("Content-Type", self.guess_type(str(path)))
                self.send_header("Content-Encoding", "br")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                return __import__("io").BytesIO(body)
            return super().send_head()

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Handler, directory=str(folder)))
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
