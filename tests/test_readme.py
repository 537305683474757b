"""The README is where users learn the commands, URLs and settings: its reference tables are generated from
the code (cog), and this test fails when they drift."""

from __future__ import annotations

import subprocess
import sys

from dashboard import refresh, schema_export
from tests.conftest import ROOT

README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_the_generated_reference_tables_match_the_code():
    """URL parameters, charts, datasets and filters, settings and CLI help: `cog -r README.md` if this fails."""
    result = subprocess.run([sys.executable, "-m", "cogapp", "--check", "README.md"], cwd=ROOT,
                            capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


def test_every_refresh_source_is_documented():
    for name in refresh.SOURCES:
        assert f"`{name}`" in README or f"| {name}" in README or f" {name} " in README, name


def test_the_readme_has_the_two_commands_and_ci_runs_the_test_one():
    assert "pip install -e . && kz-emigration serve" in README
    assert "./scripts/test" in README
    assert "scripts/test" in (ROOT / ".ci" / "run").read_text()


def test_procfile_and_serve_share_the_gunicorn_settings():
    procfile = (ROOT / "Procfile").read_text()
    assert procfile.startswith("web: gunicorn --config python:dashboard.gunicorn_config ")
    assert "dashboard/gunicorn_config.py" in README


def test_the_exported_json_schemas_match_the_models():
    """Editors validate claims.json and provenance files against docs/schemas/: they must be the models'."""
    for name, schema in schema_export.schemas().items():
        assert (schema_export.FOLDER / name).read_text(encoding="utf-8") == schema_export.text(schema), \
            f"docs/schemas/{name} is stale: python -m dashboard.schema_export"


def test_the_architecture_section_names_every_top_level_folder_of_the_package():
    section = README[README.index("## Architecture"):README.index("## Development")]
    for folder in ("sources/", "claims/", "figures/", "views/", "pages/"):
        assert f"dashboard/{folder}" in section, folder
