"""The app starts and answers its index page without pandas, numpy or geopandas (~0.4 s of imports a bare
Dash app never pays: the bench's cold start); the data libraries come with the first request that reads data.

Each check runs in a fresh interpreter: this test process has imported pandas long ago.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import FIXTURE_DATA, ROOT

DATA_LIBRARIES = ("pandas", "numpy", "geopandas")

START = """
import json, sys
import dashboard.app
client = dashboard.app.server.test_client()
status = client.get("/").status_code
loaded = [name for name in {libraries!r} if name in sys.modules]
after = {after}
print(json.dumps({{"index": status, "loaded_at_start": loaded, "after": after,
                   "pandas_after": "pandas" in sys.modules}}))
"""


def _run(after: str = "None") -> dict:
    # KZ_WARM_UP=0: the warm-up thread the first request would start imports pandas (as it should) and
    # would race the check.
    env = {**os.environ, "KZ_DATA_DIR": str(FIXTURE_DATA), "KZ_WARM_UP": "0"}
    code = START.format(libraries=DATA_LIBRARIES, after=after)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=120)
    assert out.returncode == 0, out.stderr
    return json.loads(out.stdout.strip().splitlines()[-1])


def test_index_page_is_served_without_the_data_libraries():
    found = _run()
    assert found["index"] == 200
    assert found["loaded_at_start"] == [], (
        f"{found['loaded_at_start']} imported at start: a module the app imports at start imports it at "
        "module level (import it inside the function that builds frames, or under TYPE_CHECKING)")


def test_the_first_data_request_brings_pandas_in():
    after = ('[client.get("/_dash-layout").status_code, client.get("/data/kz-migration.csv").status_code, '
             'client.get("/healthz").status_code]')
    found = _run(after)
    assert found["index"] == 200 and found["loaded_at_start"] == []
    assert found["after"] == [200, 200, 200]
    assert found["pandas_after"]
