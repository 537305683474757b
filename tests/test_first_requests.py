"""A fresh process's first concurrent requests all succeed (dashboard.first_requests).

Each check runs in a fresh interpreter (this test process imported pandas and set Dash up long ago), with
the window of each race widened so that, without the gate, it is hit on every run: pandas' import held
for a second after it is in ``sys.modules``, Dash's layout validation (which its first-request setup runs
after setting its "done" flag) held for a second.  Threads with their own test clients stand for
gunicorn's gthread worker taking several first requests at once.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

from tests.conftest import FIXTURE_DATA, ROOT

PRELUDE = """
import importlib.machinery, json, sys, threading, time

class SlowImport:
    # pandas is in sys.modules, not yet whole, for a second: the window in which plotly's encoder,
    # looking it up without importing it, finds half a module.
    def find_spec(self, name, path, target=None):
        if name != "pandas":
            return None
        spec = importlib.machinery.PathFinder.find_spec(name, path)
        run = spec.loader.exec_module
        def exec_module(module):
            time.sleep(1.0)
            run(module)
        spec.loader.exec_module = exec_module
        return spec

if "pandas" in SLOW:
    sys.meta_path.insert(0, SlowImport())

import dash._validate
validate = dash._validate.validate_layout
def slow_validate(*args, **kwargs):
    time.sleep(1.0)  # Dash's setup has set its "done" flag and not yet registered the pages' router
    return validate(*args, **kwargs)
if "dash" in SLOW:
    dash._validate.validate_layout = slow_validate

import dashboard.app
from dashboard import callback_bodies, first_requests
app = dashboard.app.create_app()
server = app.server
statuses = {}

def get(name, delay, path):
    time.sleep(delay)
    statuses[name] = server.test_client().get(path).status_code

def call(name, delay, body):
    time.sleep(delay)
    statuses[name] = callback_bodies.post(server.test_client(), body).status_code
"""

RUN = """
threads = [threading.Thread(target=f, args=a) for f, a in {calls}]
for t in threads: t.start()
for t in threads: t.join()
policy = server.test_client().get("/trends").headers["Content-Security-Policy"]
print(json.dumps({{"statuses": statuses, "open": first_requests.of(server).open, "pandas": "pandas" in sys.modules,
                  "page_policy": policy, "inline_script_hashes": list(app.csp_hashes())}}))
"""

def _run(calls: str, slow: tuple[str, ...] = ()) -> dict:
    """``calls`` in threads of a fresh interpreter; ``slow``: the windows to widen ("pandas", "dash")."""
    env = {**os.environ, "KZ_DATA_DIR": str(FIXTURE_DATA), "KZ_WARM_UP": "0", "KZ_FIRST_VIEW": "0"}
    code = f"SLOW = {slow!r}\n" + PRELUDE + RUN.format(calls=calls)
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=180)
    assert out.returncode == 0, out.stderr[-3000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


def _router_body(path: str) -> str:
    # The Pages router's own callback, as the browser sends it for a page (callback_bodies.page).
    return (f'{{"output": callback_bodies.ROUTER, '
            f'"outputs": [{{"id": "_pages_content", "property": "children"}}, '
            f'{{"id": "_pages_store", "property": "data"}}], '
            f'"inputs": [{{"id": "_pages_location", "property": "pathname", "value": "{path}"}}, '
            f'{{"id": "_pages_location", "property": "search", "value": ""}}], '
            f'"changedPropIds": ["_pages_location.pathname"], "state": []}}')


def test_layouts_served_while_another_request_imports_pandas():
    # The CSV request imports pandas (a second); the layouts asked meanwhile are encoded by plotly's
    # encoder, which finds pandas in sys.modules.
    found = _run('[(get, ("csv", 0, "/data/kz-migration.csv")), (get, ("layout", 0.3, "/_dash-layout")), '
                 '(get, ("layout2", 0.5, "/_dash-layout")), (get, ("page", 0.6, "/trends"))]', slow=("pandas",))
    assert found["statuses"] == {"csv": 200, "layout": 200, "layout2": 200, "page": 200}, found
    assert found["pandas"] and found["open"], found


def test_requests_while_dash_sets_itself_up_leave_every_page_its_script_hashes():
    # The first request runs Dash's setup (held for a second after its "done" flag is set); a request the
    # size limits refuse meanwhile (before Dash's hooks, so the pages' router, which adds an inline script,
    # is not set up yet) must not fix the Content-Security-Policy's hashes without that script's.
    body = _router_body("/trends")
    long = "/trends?" + "x=1&" * 2000
    found = _run(f'[(get, ("layout", 0, "/_dash-layout")), (get, ("refused", 0.3, "{long}")), '
                 f'(call, ("router", 0.5, {body}))]', slow=("dash",))
    assert found["statuses"] == {"layout": 200, "refused": 414, "router": 200}, found
    hashes = found["inline_script_hashes"]
    assert len(hashes) > 5 and all(h in found["page_policy"] for h in hashes), found


def test_the_gate_stays_closed_until_data_was_read_and_then_opens():
    # The index page alone neither imports pandas nor opens the gate (cold start stays light); a data
    # request then opens it for good.
    found = _run('[(get, ("index", 0, "/"))]')
    assert found["statuses"] == {"index": 200} and not found["pandas"] and not found["open"], found
    found = _run('[(get, ("index", 0, "/")), (get, ("csv", 0.2, "/data/kz-migration.csv"))]')
    assert found["statuses"] == {"index": 200, "csv": 200} and found["open"], found
