"""The app shell starts on the shipped snapshot with the network cut, and serves its pages."""

from __future__ import annotations

import importlib
import socket
import subprocess
import sys

import pytest


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a non-local connection fails the test."""
    real_connect = socket.socket.connect

    def guarded(self, address):
        host = address[0] if isinstance(address, tuple) else address
        if isinstance(host, str) and host not in ("127.0.0.1", "localhost", "::1") and not host.startswith("/"):
            raise AssertionError(f"network request to {address!r}")
        return real_connect(self, address)

    monkeypatch.setattr(socket.socket, "connect", guarded)


def test_importing_the_package_reads_no_data():
    """No I/O at import: importing every module must not open the snapshot or touch the network."""
    code = ("import builtins, io, sys; opened = []\n"
            "real = io.open\n"
            "def spy(f, *a, **k):\n"
            "    opened.append(str(f)); return real(f, *a, **k)\n"
            "builtins.open = spy; io.open = spy\n"
            "import dashboard.app, dashboard.cli, dashboard.refresh, dashboard.datasets, dashboard.geo, "
            "dashboard.claims, dashboard.ledger, dashboard.charts, dashboard.embed, dashboard.downloads, dashboard.story_charts, "
            "dashboard.explorer_filters, dashboard.events, dashboard.periods\n"
            "bad = [f for f in opened if '/data/' in f or f.endswith('.csv') or 'topojson' in f]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_app_serves_pages_and_health_offline(no_network):
    from dashboard.app import default_app

    client = default_app().server.test_client()
    page = client.get("/")
    assert page.status_code == 200
    assert b"_dash-renderer" in page.data or b"dash_renderer" in page.data
    layout = client.get("/_dash-layout")
    assert layout.status_code == 200
    health = client.get("/healthz").get_json()
    assert health["status"] == "ok"
    assert health["tables"]["bns_net_migration"]["rows"] >= 25


def test_gunicorn_entry_point_exposes_a_flask_server():
    """The Procfile runs `gunicorn dashboard.app:server`."""
    app_module = importlib.import_module("dashboard.app")
    assert callable(app_module.server.wsgi_app)


def test_no_cdn_urls_in_served_html(no_network):
    from dashboard.app import default_app

    html = default_app().server.test_client().get("/").get_data(as_text=True)
    assert "cdn.plot.ly" not in html and "unpkg.com" not in html and "cdn.jsdelivr" not in html
