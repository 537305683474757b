"""A damaged snapshot at start-up (issue 13): the app refuses to start naming the file, or serves the latest
whole published snapshot and says so on /healthz; never a half-working app (an index page that loads and
charts, downloads and /healthz that answer 500)."""

from __future__ import annotations

import datetime as dt
import html
import logging
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from dashboard import provenance, snapshots
from dashboard.app import create_app
from tests import dash_calls
from tests.conftest import ROOT

ARCHIVE = "2026-11-25"  # the fixture's one snapshot; an archive once another is published over it
NEWER = "2026-12-02"
# 2024 emigrants (BNS releases): the fixture's figure, and the one the newer snapshot publishes, so a
# download tells which snapshot answered it.
ARCHIVE_FIGURE, NEWER_FIGURE = 12732, 12345
PAGES = ("/", "/destinations", "/trends", "/eaeu", "/data")
BOUND = 60  # seconds: how long a real server may take to start, or to give up


def _truncate(folder: Path) -> None:
    path = folder / "eec_flows.csv"
    path.write_bytes(path.read_bytes()[:200])


def _one_byte(folder: Path) -> None:
    path = folder / "wdi.csv"
    raw = path.read_bytes()
    assert raw.count(b"-7368") == 1
    path.write_bytes(raw.replace(b"-7368", b"-7369"))  # still a valid CSV: only the checksum can tell


def _no_provenance(folder: Path) -> None:
    (folder / "wdi.provenance.json").unlink()


def _ledger(folder: Path) -> None:
    path = folder / "claims.json"
    path.write_bytes(path.read_bytes()[:-40])


def _no_folder(folder: Path) -> None:
    shutil.rmtree(folder)  # the pointer names a folder that does not exist


# kind -> (damage done to the current snapshot's folder, the file the message must name, what it must say)
DAMAGE = {
    "truncated CSV": (_truncate, "eec_flows.csv", "checksum"),
    "one byte changed": (_one_byte, "wdi.csv", "checksum"),
    "missing provenance file": (_no_provenance, "wdi.provenance.json", "missing provenance file"),
    "damaged ledger": (_ledger, "claims.json", "checksum"),
    "pointer to a missing folder": (_no_folder, "", "no such snapshot folder"),
}


def _publish_newer(data: Path) -> None:
    """A second snapshot (2024 emigrants amended) made current, so the fixture's becomes an archive."""
    store = snapshots.Store(data)
    base = store.current()
    raw = (base.directory / "bns_releases.csv").read_text()
    raw, n = re.subn(r"^2024,year,2024,emigrants,\d+,", f"2024,year,2024,emigrants,{NEWER_FIGURE},", raw, flags=re.M)
    assert n == 1
    prov = base.provenance["bns_releases"].model_copy(update={"checksum": provenance.checksum_bytes(raw.encode())})
    files = {"bns_releases.csv": raw.encode(), "bns_releases.provenance.json": prov.to_json().encode()}
    assert snapshots.publish(store, base, files, dt.date(2026, 12, 2)) == NEWER


def _damaged(data: Path, kind: str, archive: bool) -> tuple[Path, str]:
    """The data folder with its current snapshot damaged (over a whole archive if ``archive``), and the path
    (relative to the data folder) the messages must name."""
    if archive:
        _publish_newer(data)
    current = NEWER if archive else ARCHIVE
    damage, name, _says = DAMAGE[kind]
    damage(data / snapshots.FOLDER / current)
    return data, f"{snapshots.FOLDER}/{current}/{name}".rstrip("/")


def _emigrants_2024(client) -> int:
    response = client.get("/data/kz-migration.csv?years=2024")
    assert response.status_code == 200, response.get_data(as_text=True)[:300]
    return int(re.search(r"^2024,emigrants,(\d+),", response.get_data(as_text=True), re.M).group(1))


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_current_snapshot_with_no_whole_archive_stops_the_app_naming_the_file(data_copy, kind):
    """The operator sees one message naming the damaged file and what is wrong with it, and no app is built:
    never an index page whose charts, downloads and /healthz all answer 500."""
    data, named = _damaged(data_copy, kind, archive=False)
    with pytest.raises(snapshots.SnapshotError) as raised:
        create_app(data)
    message = str(raised.value)
    assert str(data / named) in message and DAMAGE[kind][2] in message, message
    assert "no earlier published snapshot" in message


@pytest.mark.parametrize("kind", DAMAGE)
def test_a_damaged_current_snapshot_over_a_whole_archive_serves_the_archive_and_says_so(data_copy, kind, caplog):
    """Readers get every page, chart, download and embed from the latest whole snapshot (its figures, not a
    mix); /healthz stays 200 (the instance stays in rotation) but says "degraded", which snapshot it serves
    and what is wrong with the current one; the log names the damaged file."""
    data, named = _damaged(data_copy, kind, archive=True)
    with caplog.at_level(logging.WARNING, logger="dashboard.context"):
        client = create_app(data).server.test_client()
    assert any(str(data / named) in r.getMessage() and f"serving snapshot {ARCHIVE}" in r.getMessage()
               for r in caplog.records), [r.getMessage() for r in caplog.records]
    health = client.get("/healthz")
    assert health.status_code == 200
    body = health.get_json()
    assert body["status"] == "degraded" and body["snapshot"] == ARCHIVE
    assert body["damaged"]["id"] == NEWER and named in body["damaged"]["reason"], body["damaged"]
    assert str(data) not in body["damaged"]["reason"], "a reader is shown no path of the server's"
    for path in PAGES:
        assert client.get(path).status_code == 200, path
    assert dash_calls.page(client, "/trends"), "the trends page's layout is built from the archive"
    trends = next(b for b in dash_calls.calls(client, "/trends") if b["output"].startswith("..trends-graph"))
    assert dash_calls.post(client, trends).status_code == 200
    assert _emigrants_2024(client) == ARCHIVE_FIGURE
    assert client.get("/embed/trends").status_code == 200
    pinned = client.get(f"/embed/trends?as_of={ARCHIVE}")
    assert pinned.status_code == 200 and "current data" not in html.unescape(pinned.get_data(as_text=True))


@pytest.mark.parametrize("pointer", [b"", b"\n", b"\x00\xffjunk\n", b"latest\n"], ids=["empty", "blank line",
                                                                                     "binary", "not an id"])
@pytest.mark.parametrize("archive", [False, True], ids=["alone", "over an archive"])
def test_an_unreadable_pointer_stops_the_app_naming_it_even_over_a_whole_archive(data_copy, pointer, archive):
    """CURRENT is the one record of which folders were published (a newer folder may be a refresh that never
    finished): without it no snapshot can be chosen safely, so the app refuses to start and names the file."""
    if archive:
        _publish_newer(data_copy)
    (data_copy / snapshots.POINTER).write_bytes(pointer)
    with pytest.raises(snapshots.SnapshotError, match=re.escape(str(data_copy / snapshots.POINTER))):
        create_app(data_copy)


def test_an_embed_pinned_to_a_damaged_snapshot_shows_the_whole_one_before_it_with_its_notice(data_copy):
    """An article's embed pinned with ?as_of= to a snapshot since damaged still draws a chart: the latest
    whole data published before it, and the notice saying which (never a 500)."""
    _publish_newer(data_copy)
    store = snapshots.Store(data_copy)
    base = store.current()
    snapshots.publish(store, base, {}, dt.date(2026, 12, 3))  # 2026-12-03, current; 2026-12-02 an archive
    _truncate(data_copy / snapshots.FOLDER / NEWER)
    client = create_app(data_copy).server.test_client()
    assert client.get("/healthz").get_json()["status"] == "ok", "the current snapshot is whole"
    pinned = client.get(f"/embed/trends?as_of={NEWER}")
    assert pinned.status_code == 200
    assert "Pinned to the data as of 25 November 2026" in html.unescape(pinned.get_data(as_text=True))


def test_an_embed_pinned_to_a_damaged_snapshot_with_none_whole_before_it_shows_the_current_data(data_copy):
    """With nothing whole on or before its date, a pinned embed draws the current data, with the notice an
    embed pinned before the first snapshot gets (it says no data was published then)."""
    _publish_newer(data_copy)
    store = snapshots.Store(data_copy)
    snapshots.publish(store, store.current(), {}, dt.date(2026, 12, 3))
    _one_byte(data_copy / snapshots.FOLDER / ARCHIVE)
    client = create_app(data_copy).server.test_client()
    pinned = client.get(f"/embed/trends?as_of={ARCHIVE}")
    assert pinned.status_code == 200
    assert "showing the current data" in html.unescape(pinned.get_data(as_text=True))


def test_damage_found_after_start_up_moves_readers_to_the_archive_without_an_error(data_copy):
    """A file truncated while serving, before this process loaded the snapshot: the request that finds it is
    answered from the latest whole snapshot, and so is every later one; /healthz says degraded."""
    _publish_newer(data_copy)
    client = create_app(data_copy).server.test_client()
    assert client.get("/").status_code == 200  # started; no table read yet
    _truncate(data_copy / snapshots.FOLDER / NEWER)
    assert _emigrants_2024(client) == ARCHIVE_FIGURE
    body = client.get("/healthz").get_json()
    assert body["status"] == "degraded" and body["snapshot"] == ARCHIVE and "eec_flows.csv" in body["damaged"]["reason"]


def test_damage_found_after_start_up_with_no_archive_is_a_plain_503_naming_the_file(data_copy):
    """With nothing whole to serve, every request after the damage is found (pages, callbacks, downloads,
    /healthz) is a 503 saying which file is damaged, never a traceback page; a load balancer takes the
    instance out."""
    trends = next(b for b in dash_calls.calls(create_app(data_copy).server.test_client(), "/trends")
                  if b["output"].startswith("..trends-graph"))  # from another app: this one reads no table yet
    client = create_app(data_copy).server.test_client()
    _truncate(data_copy / snapshots.FOLDER / ARCHIVE)
    answers = [client.get("/data/kz-migration.csv"), dash_calls.post(client, trends), client.get("/healthz"),
               client.get("/"), client.get("/embed/trends")]
    for response in answers:
        text = response.get_data(as_text=True)
        assert response.status_code == 503 and response.mimetype == "text/plain", (response.status_code, text[:200])
        assert "snapshots/2026-11-25/eec_flows.csv" in text and "Traceback" not in text
        assert str(data_copy) not in text, "a reader is shown no path of the server's"
        assert response.headers["Cache-Control"] == "no-store"


def test_a_pointer_damaged_after_start_up_is_a_plain_503_naming_it(data_copy):
    """CURRENT overwritten with junk while serving: every request says which file is wrong, none is a 500."""
    client = create_app(data_copy).server.test_client()
    assert client.get("/healthz").status_code == 200
    (data_copy / snapshots.POINTER).write_text("latest\n")
    for path in ("/healthz", "/", "/data/kz-migration.csv"):
        response = client.get(path)
        assert response.status_code == 503 and "CURRENT: the pointer file holds 'latest'" in response.get_data(
            as_text=True), (path, response.status_code)


def test_a_snapshot_loaded_before_the_damage_keeps_being_served(data_copy):
    """Snapshots are immutable: one this process has loaded is served from memory, whatever happens to its files."""
    client = create_app(data_copy).server.test_client()
    assert _emigrants_2024(client) == ARCHIVE_FIGURE
    _truncate(data_copy / snapshots.FOLDER / ARCHIVE)
    assert _emigrants_2024(client) == ARCHIVE_FIGURE
    assert client.get("/healthz").get_json()["status"] == "ok"


def test_a_table_that_fits_its_checksum_but_not_its_contract_is_caught_when_first_loaded(data_copy):
    """The start-up check compares checksums only (it reads no table, so start-up needs no pandas): a file
    changed together with its provenance passes it, and is refused by the first request that loads it; that
    request is answered from the archive."""
    _publish_newer(data_copy)
    path = data_copy / snapshots.FOLDER / NEWER / "wdi.csv"
    path.write_text(path.read_text().replace("indicator,iso3", "indicator,country", 1))
    prov = provenance.read(provenance.path_for(path)).model_copy(update={"checksum": provenance.checksum(path)})
    provenance.path_for(path).write_text(prov.to_json())
    client = create_app(data_copy).server.test_client()
    assert client.get("/healthz").get_json()["status"] == "degraded"
    assert _emigrants_2024(client) == ARCHIVE_FIGURE


def test_the_start_up_check_reads_no_table(data_copy):
    """The cold-start budget: building the app on a degraded data folder imports neither pandas nor numpy."""
    data, _named = _damaged(data_copy, "truncated CSV", archive=True)
    code = ("import sys\nfrom dashboard.app import create_app\ncreate_app(sys.argv[1])\n"
            "print([m for m in ('pandas', 'numpy') if m in sys.modules])")
    out = subprocess.run([sys.executable, "-c", code, str(data)], cwd=ROOT, capture_output=True, text=True,
                         timeout=BOUND, env={**os.environ, "KZ_WARM_UP": "0", "KZ_FIRST_VIEW": "0"})
    assert out.returncode == 0, out.stderr
    assert out.stdout.strip().splitlines()[-1] == "[]", out.stdout


# A real server, as the Procfile starts it.

def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _server(data: Path, port: int, tmp_path: Path, command: str) -> tuple[subprocess.Popen, Path]:
    env = {**os.environ, "KZ_DATA_DIR": str(data), "KZ_WARM_UP": "0", "KZ_FIRST_VIEW": "0", "WEB_CONCURRENCY": "2",
           "GUNICORN_THREADS": "2", "HOST": "127.0.0.1", "PORT": str(port)}
    argv = {"gunicorn": [sys.executable, "-m", "gunicorn", "--config", "python:dashboard.gunicorn_config",
                         "--bind", f"127.0.0.1:{port}", "dashboard.app:server"],
            "kz-emigration serve": [sys.executable, "-m", "dashboard.cli", "serve", "--port", str(port)]}[command]
    stderr = tmp_path / f"stderr-{port}.txt"
    with stderr.open("wb") as err:
        process = subprocess.Popen(argv, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=err)
    return process, stderr


def _stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.mark.parametrize("command", ["gunicorn", "kz-emigration serve"])
def test_the_real_server_exits_at_start_up_naming_the_damaged_file(data_copy, tmp_path, command):
    """gunicorn's master checks the snapshot before it forks a worker: it exits non-zero with the message,
    rather than serving 500s or respawning workers that cannot serve."""
    data, named = _damaged(data_copy, "truncated CSV", archive=False)
    process, stderr = _server(data, _free_port(), tmp_path, command)
    try:
        code = process.wait(BOUND)
    finally:
        _stop(process)
    log = stderr.read_text()
    assert code != 0, log
    assert str(data / named) in log and "checksum" in log, log
    assert "Booting worker" not in log and "Traceback" not in log, log


def test_the_real_server_serves_the_archive_and_its_healthz_says_degraded(data_copy, tmp_path):
    data, named = _damaged(data_copy, "missing provenance file", archive=True)
    port = _free_port()
    process, stderr = _server(data, port, tmp_path, "gunicorn")
    try:
        deadline, answer = time.monotonic() + BOUND, None
        while answer is None and time.monotonic() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=10) as response:
                    answer = (response.status, response.read().decode())
            except OSError:
                time.sleep(0.2)
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/data/kz-migration.csv?years=2024", timeout=10) as csv:
            rows = csv.read().decode()
    finally:
        _stop(process)
    log = stderr.read_text()
    assert answer is not None, f"no answer within {BOUND} s: {log[-2000:]}"
    status, text = answer
    assert status == 200 and '"status":"degraded"' in text.replace(" ", "") and f'"snapshot":"{ARCHIVE}"' in text
    assert named in text, text
    assert f"2024,emigrants,{ARCHIVE_FIGURE}," in rows
    assert str(data / named) in log and f"serving snapshot {ARCHIVE}" in log, log
