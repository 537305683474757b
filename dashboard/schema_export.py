"""The JSON Schemas of the files editors write by hand: the claims ledger and the provenance files.

    python -m dashboard.schema_export        # rewrite docs/schemas/*.schema.json from the pydantic models
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from dashboard.claims.ledger import json_schema as ledger_schema
from dashboard.provenance import Provenance

FOLDER = Path(__file__).resolve().parent.parent / "docs" / "schemas"


def schemas() -> dict[str, dict]:
    """file name -> JSON Schema, as the models define them now."""
    provenance = Provenance.model_json_schema()
    provenance["title"] = "kz-emigration provenance file (<table>.provenance.json)"
    return {"claims.schema.json": ledger_schema(), "provenance.schema.json": provenance}


def text(schema: dict) -> str:
    return json.dumps(schema, ensure_ascii=False, indent=2) + "\n"


def main() -> int:
    FOLDER.mkdir(parents=True, exist_ok=True)
    for name, schema in schemas().items():
        (FOLDER / name).write_text(text(schema), encoding="utf-8")
        print(f"wrote docs/schemas/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
