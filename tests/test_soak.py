"""A short soak (bench/soak.py's mix through bench/soak.lua) against real gunicorn workers: under 50 connections
every page, callback, embed and CSV of the mix is answered 2xx/3xx, and junk on the same routes never gets a
5xx or a dropped connection.  Counts only: timings are the bench's (``python -m bench.soak``), never a test's."""

from __future__ import annotations

import shutil

import pytest

from bench import servers, soak
from tests.conftest import FIXTURE_DATA

SECONDS = 5
CONNECTIONS = 50
ANSWER_TYPES = ("page", "json", "embed", "csv")  # how the Lua script tells the replies apart

pytestmark = pytest.mark.skipif(shutil.which("wrk") is None, reason="wrk is installed by scripts/test")


@pytest.fixture(scope="module")
def mix_file(tmp_path_factory):
    lines = soak.mix(FIXTURE_DATA)
    assert all(soak.counts(lines)[kind] > 0 for kind in (*soak.KINDS, "template", "key")), soak.counts(lines)
    return soak.write_mix(lines, tmp_path_factory.mktemp("soak") / "mix.tsv")


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The Procfile's gunicorn (2 workers x 4 threads, first views on) on the fixture snapshot; the warm-up off,
    as for every server the tests start (conftest), so each state is built by its first reader under load.
    Its error log (Flask's exceptions too) says what went wrong when a test fails."""
    log = tmp_path_factory.mktemp("gunicorn") / "error.log"
    env = {"KZ_DATA_DIR": str(FIXTURE_DATA), "KZ_FIRST_VIEW": "1", "KZ_WARM_UP": "0"}
    with servers.gunicorn(workers=2, threads=4, env=env, extra=("--error-logfile", str(log))) as (url, _s, process):
        # /healthz reads no data: the mix's 50 connections are the workers' first real requests (a fresh
        # process takes them one at a time until it is ready: dashboard.first_requests).
        servers.wait_for(url + "/healthz", timeout=60)
        yield url, process, log


def _every_answer_counted(run: dict) -> None:
    assert sum(run["statuses"].values()) == run["requests"] == sum(run["answers"].values()), run


def _why(run: dict, log) -> str:
    return f"{run['errors']}; statuses {run['statuses']}; server log: {soak.log_problems(log)['lines'][:8]}"


def test_the_mix_under_50_connections_answers_every_kind_with_no_error(server, mix_file):
    """Readers loading pages, moving controls, viewing embeds and downloading CSVs at once: none of them is
    refused or dropped (a 5xx, a 4xx for a request the dashboard itself makes, or a socket error)."""
    url, process, log = server
    workers = soak.worker_pids(process.pid)
    run = soak.run_wrk(url, mix_file, "real", SECONDS, CONNECTIONS)
    assert run["errors"]["total"] == 0, _why(run, log)
    assert all(200 <= int(status) < 400 for status in run["statuses"]), run["statuses"]
    _every_answer_counted(run)
    # Requests of every kind went out, and replies of every type came back (so the run cannot pass empty).
    assert all(run["sent"].get(kind, 0) >= 5 for kind in soak.KINDS), run["sent"]
    assert all(run["answers"].get(kind, 0) > 0 for kind in ANSWER_TYPES), run["answers"]
    assert run["requests"] >= CONNECTIONS, run
    assert soak.worker_pids(process.pid) == workers, "a worker died and was replaced under load: " + _why(run, log)


def test_junk_on_the_same_routes_gets_4xx_answers_never_a_5xx_or_a_dropped_connection(server, mix_file):
    """Random query strings (unknown and repeated keys, long and percent-encoded values) and random callback
    values at the same 50 connections: refused with a 4xx or answered with a fallback, never a 500."""
    url, process, log = server
    workers = soak.worker_pids(process.pid)
    run = soak.run_wrk(url, mix_file, "junk", SECONDS, CONNECTIONS)
    assert run["errors"]["total"] == 0, _why(run, log)
    assert all(int(status) < 500 for status in run["statuses"]), run["statuses"]
    _every_answer_counted(run)
    assert all(run["sent"].get(kind, 0) > 0 for kind in ("page", "callback", "embed", "csv")), run["sent"]
    # The junk reached the app's checks: some of it refused (400, 414), some answered with a fallback.
    assert any(400 <= int(status) < 500 for status in run["statuses"]), run["statuses"]
    assert any(200 <= int(status) < 300 for status in run["statuses"]), run["statuses"]
    assert soak.worker_pids(process.pid) == workers, "a worker died and was replaced under junk: " + _why(run, log)
    # Nearly every junk address is a new key: the caches (as /healthz reports them) fill up to their bounds, never past.
    fill = soak.cache_fill(url)
    assert fill, "no /healthz answer after the junk"
    for caches in fill.values():
        assert all(c["entries"] <= c["bound"] for c in caches.values()), caches
        assert caches["http"]["entries"] > 0, caches
