"""Shared fixtures: a throwaway copy of the shipped snapshot, so no test can change data/."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def pytest_configure(config):
    """Dash pages can register themselves only once an app exists, and test modules import page
    modules at collection time: build the app first."""
    from dashboard.app import default_app

    default_app()


@pytest.fixture
def snapshot_copy(tmp_path: Path) -> Path:
    """A copy of data/ that a test may refresh or break without touching the real snapshot."""
    target = tmp_path / "data"
    shutil.copytree(DATA, target)
    return target
