"""Shared fixtures: a small frozen snapshot for every test that is not about the shipped figures.

``tests/fixtures/snapshot/`` is a data folder of its own (pointer + one snapshot), frozen: a refresh of
``data/`` never changes it, so tests that assert numbers assert the fixture's, and the shipped published
figures are asserted in one place (``tests/test_shipped_figures.py``).
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dashboard import snapshots

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"
FIXTURE_DATA = FIXTURES / "snapshot"

# The background warm-up (dashboard/warm_up.py) is off for the tests and the servers they start (its CPU
# would make every timing-sensitive browser test slower); tests/test_warm_up.py turns it on where it is tested.
os.environ["KZ_WARM_UP"] = "0"
# The pages' first views (dashboard/first_view.py) likewise: a page's second load would otherwise find its
# chart drawn in a layer over the page, which the tests of the pages' own charts must not take for theirs;
# tests/browser/test_first_view.py turns them on.
os.environ["KZ_FIRST_VIEW"] = "0"


@pytest.fixture(autouse=True)
def _fixture_data_dir(monkeypatch):
    """Every test reads the frozen fixture snapshot unless it points KZ_DATA_DIR elsewhere itself."""
    monkeypatch.setenv("KZ_DATA_DIR", str(FIXTURE_DATA))


@pytest.fixture(scope="session")
def store() -> snapshots.Store:
    return snapshots.Store(FIXTURE_DATA)


@pytest.fixture(scope="session")
def snap(store) -> snapshots.Snapshot:
    """The frozen fixture snapshot (loaded once per test session; its caches are shared by the tests)."""
    return store.current()


@pytest.fixture
def data_copy(tmp_path: Path) -> Path:
    """A copy of the fixture data folder that a test may refresh or break without touching the original."""
    target = tmp_path / "data"
    shutil.copytree(FIXTURE_DATA, target)
    return target


@pytest.fixture
def app():
    """A fresh app on the fixture snapshot (``create_app`` is a real factory: building one is cheap)."""
    from dashboard.app import create_app

    return create_app(FIXTURE_DATA)


@pytest.fixture
def client(app):
    return app.server.test_client()


# The charts a bake in the tests holds: one with controls and a query-string default, the map (its shapes and
# data-dependent controls), and the chart of one destination (one view per country).
BAKED_CHARTS = ("trends", "destinations-map", "destination-series")


@pytest.fixture(scope="session")
def baked(tmp_path_factory) -> Path:
    """A static bake (``kz-emigration bake``) of the fixture snapshot, made once per session; never modify it."""
    from dashboard import bake, settings, static_files

    out = tmp_path_factory.mktemp("bake") / "site"
    static = static_files.StaticFiles(static_files.package_files(settings.assets_dir()))
    bake.bake(out, snapshots.Store(FIXTURE_DATA), static, only=BAKED_CHARTS)
    return out
