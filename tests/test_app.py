"""The app factory and the package's shape: real factories, no I/O at import, one direction of imports."""

from __future__ import annotations

import ast
import json
import pkgutil
import socket
import subprocess
import sys
from pathlib import Path

import pytest

import dashboard
from dashboard.app import create_app
from tests import dash_calls
from tests.conftest import FIXTURE_DATA, ROOT

PAGES = ("/", "/destinations", "/trends", "/eaeu", "/data")
PACKAGE = Path(dashboard.__file__).parent


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


def _modules() -> list[str]:
    return sorted(m.name for m in pkgutil.walk_packages(dashboard.__path__, "dashboard."))


def test_importing_every_module_reads_no_data():
    """No I/O at import: importing the whole package opens no snapshot, shape or catalogue file."""
    code = ("import builtins, io, sys; opened = []\n"
            "real = io.open\n"
            "def spy(f, *a, **k):\n"
            "    opened.append(str(f)); return real(f, *a, **k)\n"
            "builtins.open = spy; io.open = spy\n"
            f"import importlib\nfor m in {_modules()!r}: importlib.import_module(m)\n"
            "bad = [f for f in opened if '/data/' in f or f.endswith(('.csv', '.po')) or 'topojson' in f\n"
            "       or '/fixtures/' in f]\n"
            "print(bad); sys.exit(1 if bad else 0)\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    assert result.returncode == 0, result.stdout + result.stderr


def _imports(path: Path, module: str) -> set[str]:
    """Every dashboard module a file imports, at the top or inside a function (not the annotations-only
    ``if TYPE_CHECKING:`` blocks, which never run)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and getattr(node.test, "id", getattr(node.test, "attr", "")) == "TYPE_CHECKING":
            node.body = []
    found = set()
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found |= {a.name for a in node.names if a.name.startswith("dashboard")}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            if base.startswith("dashboard"):
                found.add(base)
                found |= {f"{base}.{a.name}" for a in node.names}
    return found


def import_graph() -> dict[str, set[str]]:
    modules = set(_modules()) | {"dashboard"}
    graph = {}
    for module in modules:
        spec_path = PACKAGE.parent / (module.replace(".", "/") + ".py")
        if not spec_path.exists():
            spec_path = PACKAGE.parent / module.replace(".", "/") / "__init__.py"
        graph[module] = {m for m in _imports(spec_path, module) if m in modules and m != module}
    return graph


def test_no_import_cycle_anywhere_in_the_package():
    """Counting imports inside functions: a cycle means the layers are tangled (and imports order-dependent)."""
    graph = import_graph()
    cycles, state = [], {}

    def visit(node, stack):
        state[node] = "open"
        for nxt in sorted(graph[node]):
            if state.get(nxt) == "open":
                cycles.append(stack[stack.index(nxt):] + [nxt])
            elif nxt not in state:
                visit(nxt, stack + [nxt])
        state[node] = "done"

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    assert not cycles, f"import cycles: {cycles[:3]}"


# Data flows one way: sources -> snapshot -> accessor -> datasets -> views -> pages, embeds, routes.
LAYERS = [
    {"dashboard.settings", "dashboard.i18n", "dashboard.schemas", "dashboard.urlstate", "dashboard.events",
     "dashboard.encoded", "dashboard.static_files", "dashboard.shared_cache"},
    {"dashboard.formatting", "dashboard.periods", "dashboard.countries", "dashboard.provenance", "dashboard.geo"},
    {"dashboard.snapshots", "dashboard.sources", "dashboard.figures", "dashboard.alttext"},
    {"dashboard.datasets", "dashboard.refresh"},
    {"dashboard.explorer_filters", "dashboard.claims"},
    {"dashboard.views"},
    {"dashboard.downloads", "dashboard.embeds", "dashboard.catalogue", "dashboard.schema_export",
     "dashboard.static_render", "dashboard.claim_review", "dashboard.feeds",
     "dashboard.security", "dashboard.first_requests"},
    {"dashboard.context", "dashboard.components", "dashboard.routes", "dashboard.compression", "dashboard.replies",
     "dashboard.bake", "dashboard.callback_bodies", "dashboard.warm_up", "dashboard.callback_guard",
     "dashboard.limits"},
    {"dashboard.pages", "dashboard.shell", "dashboard.first_view"},
    {"dashboard.app", "dashboard.cli", "dashboard.gunicorn_config"},
    {"dashboard.reference"},
]


def layer(module: str) -> int:
    for i, names in enumerate(LAYERS):
        if any(module == n or module.startswith(n + ".") for n in names):
            return i
    raise AssertionError(f"{module} has no layer: add it to LAYERS")


def test_no_module_imports_one_above_it():
    """Views never import pages; figures never import the data; nothing imports the app."""
    upward = [(m, d) for m, deps in import_graph().items() if m != "dashboard" for d in deps
              if d != "dashboard" and layer(d) > layer(m)]
    assert not upward, f"imports against the flow: {upward}"


def test_views_figures_and_claims_are_dash_free():
    """The view layer (URL contract, state, figures) must be usable without Dash (embeds, CSV, bake)."""
    for module, path in ((m, PACKAGE.parent / (m.replace(".", "/") + ".py")) for m in _modules()):
        if module.startswith(("dashboard.views", "dashboard.figures", "dashboard.claims")) and path.exists():
            tree = ast.parse(path.read_text())
            names = {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
            names |= {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
            assert not {n for n in names if n == "dash" or n.startswith(("dash.", "flask"))}, module


def test_no_module_of_the_package_is_over_400_lines():
    long = {str(p.relative_to(PACKAGE)): n for p in PACKAGE.rglob("*.py")
            if (n := len(p.read_text().splitlines())) > 400}
    assert not long, long


def test_two_apps_in_one_process_both_serve_every_page_and_callback(no_network):
    """create_app is a real factory: the second app gets its own callbacks, routes and snapshot store."""
    apps = [create_app(FIXTURE_DATA), create_app(FIXTURE_DATA)]
    counts = []
    for app in apps:
        client = app.server.test_client()
        assert client.get("/healthz").get_json()["status"] == "ok"
        called = 0
        for path in PAGES:
            assert client.get(path).status_code == 200
            for body in dash_calls.calls(client, path):
                response = dash_calls.post(client, body)
                assert response.status_code in (200, 204), (path, body["output"], response.get_data(as_text=True)[:300])
                called += 1
        counts.append((len(app.callback_map), called))
    assert counts[0] == counts[1] and counts[0][0] >= 15 and counts[0][1] >= 20, counts


def test_each_app_reads_its_own_data_folder(data_copy):
    from dashboard import snapshots

    store = snapshots.Store(data_copy)
    base = store.current()
    raw = (base.directory / "bns_net_migration.csv").read_bytes().replace(b"-32970", b"-32971")
    from dashboard import provenance
    prov = base.provenance["bns_net_migration"].model_copy(update={"checksum": provenance.checksum_bytes(raw)})
    import datetime as dt
    snapshots.publish(store, base, {"bns_net_migration.csv": raw,
                                    "bns_net_migration.provenance.json": prov.to_json().encode()}, dt.date(2026, 12, 2))
    fixture, copy = create_app(FIXTURE_DATA).server.test_client(), create_app(data_copy).server.test_client()
    assert fixture.get("/healthz").get_json()["snapshot"] == "2026-11-25"
    assert copy.get("/healthz").get_json()["snapshot"] == "2026-12-02"
    assert b"-32970" in fixture.get("/data/kz-migration.csv?years=2019").data
    assert b"-32971" in copy.get("/data/kz-migration.csv?years=2019").data


def test_no_cdn_urls_in_served_html(client, no_network):
    html = client.get("/").get_data(as_text=True)
    assert "cdn.plot.ly" not in html and "unpkg.com" not in html and "cdn.jsdelivr" not in html


def test_snippets_and_oembed_say_https_behind_a_trusted_tls_proxy(monkeypatch):
    """Behind a TLS-terminating proxy an embed snippet must be https:// (mixed content is blocked otherwise)."""
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kz.example.org"}
    monkeypatch.setenv("KZ_TRUSTED_PROXIES", "1")
    trusted = create_app(FIXTURE_DATA).server.test_client()
    body = trusted.get("/oembed?url=https://kz.example.org/trends", headers=headers).get_json()
    assert 'src="https://kz.example.org/embed/trends"' in body["html"]
    assert body["provider_url"] == "https://kz.example.org/"
    monkeypatch.setenv("KZ_TRUSTED_PROXIES", "0")
    untrusted = create_app(FIXTURE_DATA).server.test_client()
    body = untrusted.get("/oembed?url=http://localhost/trends", headers=headers).get_json()
    assert 'src="http://localhost/embed/trends"' in body["html"], "forwarded headers from untrusted hops are ignored"


def test_the_embed_snippet_on_a_page_follows_the_forwarded_scheme(monkeypatch):
    monkeypatch.setenv("KZ_TRUSTED_PROXIES", "1")
    client = create_app(FIXTURE_DATA).server.test_client()
    headers = {"X-Forwarded-Proto": "https", "X-Forwarded-Host": "kz.example.org"}
    client.get("/trends", headers=headers)
    body = next(b for b in dash_calls.calls(client, "/trends") if "embed-panel" in b["output"])
    body["inputs"][0]["value"] = 1  # the Embed button, clicked once
    response = client.post(dash_calls.ENDPOINT, json=body, headers=headers)
    assert response.status_code == 200
    assert "https://kz.example.org/embed/trends" in json.dumps(response.get_json())
