"""The README is where users learn the commands and settings: it must not drift from the code."""

from __future__ import annotations

from dashboard import refresh, settings
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_every_setting_is_documented():
    for setting in settings.SETTINGS:
        assert f"`{setting.name}`" in README, f"{setting.name} missing from README"
        assert setting.help in README, f"{setting.name}'s help text differs from README"


def test_every_refresh_source_is_documented():
    for name in refresh.SOURCES:
        assert name in README


def test_ci_runs_the_readme_test_command():
    assert "./scripts/test" in README
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_procfile_matches_readme():
    assert "gunicorn dashboard.app:server" in (ROOT / "Procfile").read_text()
    assert "gunicorn dashboard.app:server" in README
