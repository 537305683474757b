"""Production serving: the Procfile's command and `kz-emigration serve` start real gunicorn workers with the
same settings, on the snapshot, with no development-server warning."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.conftest import FIXTURE_DATA, ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait(proc: subprocess.Popen, port: int) -> None:
    deadline = time.monotonic() + 30
    while True:
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                assert response.status == 200
                return
        except OSError:
            assert proc.poll() is None, proc.stdout.read().decode()
            assert time.monotonic() < deadline, "no answer within 30 s"
            time.sleep(0.3)


def _stop(proc: subprocess.Popen) -> str:
    proc.terminate()
    try:
        out, _ = proc.communicate(timeout=15)
    except subprocess.TimeoutExpired:
        proc.kill()
        out, _ = proc.communicate()
    return out.decode(errors="replace")


def test_procfile_web_process_serves_pages_and_data():
    line = (ROOT / "Procfile").read_text().strip()
    assert line.startswith("web: gunicorn ")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2",
           "KZ_DATA_DIR": str(FIXTURE_DATA)}
    # A platform runs the line through a shell, which expands ${PORT:-8050} and friends.
    proc = subprocess.Popen(["bash", "-c", "exec " + line.removeprefix("web: ")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait(proc, port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/kz-migration.csv?years=2024", timeout=10) as r:
            assert "2024,emigrants,12732" in r.read().decode()
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/trends", timeout=10) as r:
            assert r.status == 200
    finally:
        out = _stop(proc)
    assert "Booting worker" in out  # gunicorn's own log


@pytest.mark.skipif(shutil.which("kz-emigration") is None, reason="the package's command is installed by pip")
def test_serve_runs_gunicorn_not_the_development_server():
    """The README's first command must start a production server (Flask's warns it is not one)."""
    port = free_port()
    env = {**os.environ, "KZ_DATA_DIR": str(FIXTURE_DATA), "WEB_CONCURRENCY": "1"}
    proc = subprocess.Popen(["kz-emigration", "serve", "--port", str(port)], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        _wait(proc, port)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=10) as r:
            assert r.status == 200
    finally:
        out = _stop(proc)
    assert "gunicorn" in out.lower() and "Booting worker" in out
    assert "development server" not in out.lower()


def test_serve_debug_keeps_the_development_server_for_local_work():
    from dashboard import cli

    args = cli.parser().parse_args(["serve", "--debug", "--port", "9"])
    assert args.debug and args.func is cli._serve


def test_gunicorn_settings_come_from_the_environment(monkeypatch):
    monkeypatch.setenv("WEB_CONCURRENCY", "3")
    monkeypatch.setenv("GUNICORN_THREADS", "5")
    code = "import dashboard.gunicorn_config as c; print(c.workers, c.threads, c.preload_app)"
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=os.environ)
    assert out.stdout.split() == ["3", "5", "True"]


def _raw(port: int, request: bytes) -> int:
    """The status gunicorn (or the app behind it) answers a raw request with."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as conn:
        conn.sendall(request)
        reply = b""
        while b"\r\n" not in reply:
            chunk = conn.recv(4096)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1])


def test_gunicorns_own_limits_answer_as_the_apps_do():
    """In front of the app's limits (dashboard/limits.py) gunicorn has its own: a request line over its 4094
    bytes, one header over 8190 or over 100 headers.  They answer with the same statuses the app documents
    (414, 431), and what gunicorn lets through the app answers itself: never a 400 for a size, never a 5xx."""
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "KZ_DATA_DIR": str(FIXTURE_DATA)}
    proc = subprocess.Popen([sys.executable, "-m", "gunicorn", "--config", "python:dashboard.gunicorn_config",
                             "--bind", f"127.0.0.1:{port}", "dashboard.app:server"], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    host = b"Host: 127.0.0.1\r\n"
    try:
        _wait(proc, port)
        assert _raw(port, b"GET /healthz HTTP/1.1\r\n" + host + b"Connection: close\r\n\r\n") == 200
        # A query just over the app's 4 kB: the request line is over gunicorn's limit as well.
        assert _raw(port, b"GET /data/kz-migration.csv?q=" + b"x" * 4100 + b" HTTP/1.1\r\n" + host + b"\r\n") == 414
        # Headers: one of 9 kB (gunicorn's limit per header), 101 headers, 20 kB in 4 kB headers (the app's).
        assert _raw(port, b"GET / HTTP/1.1\r\n" + host + b"X-A: " + b"a" * 9000 + b"\r\n\r\n") == 431
        many = b"".join(b"X-%d: 1\r\n" % i for i in range(101))
        assert _raw(port, b"GET / HTTP/1.1\r\n" + host + many + b"\r\n") == 431
        big = b"".join(b"X-%d: " % i + b"b" * 4000 + b"\r\n" for i in range(5))
        assert _raw(port, b"GET /healthz HTTP/1.1\r\n" + host + big + b"Connection: close\r\n\r\n") == 431
        body = b"Content-Type: application/json\r\nContent-Length: %d\r\nConnection: close\r\n\r\n" % (3 * 2**20)
        assert _raw(port, b"POST /_dash-update-component HTTP/1.1\r\n" + host + body) == 413
    finally:
        _stop(proc)
