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
