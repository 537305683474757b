"""The Procfile's command starts real gunicorn workers that serve the dashboard on the snapshot."""

from __future__ import annotations

import os
import socket
import subprocess
import time
import urllib.request

from tests.conftest import ROOT


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_procfile_web_process_serves_pages_and_data():
    line = (ROOT / "Procfile").read_text().strip()
    assert line.startswith("web: gunicorn dashboard.app:server")
    port = free_port()
    env = {**os.environ, "PORT": str(port), "WEB_CONCURRENCY": "1", "GUNICORN_THREADS": "2"}
    # A platform runs the line through a shell, which expands ${PORT:-8050} and friends.
    proc = subprocess.Popen(["bash", "-c", "exec " + line.removeprefix("web: ")], cwd=ROOT, env=env,
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as response:
                    assert response.status == 200
                    break
            except OSError:
                assert proc.poll() is None, proc.stdout.read().decode()
                assert time.monotonic() < deadline, "gunicorn did not answer within 30 s"
                time.sleep(0.3)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/kz-migration.csv?years=2024", timeout=10) as r:
            body = r.read().decode()
        assert "2024,emigrants,12732" in body
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/trends", timeout=10) as r:
            assert r.status == 200
    finally:
        proc.terminate()
        proc.wait(timeout=15)
