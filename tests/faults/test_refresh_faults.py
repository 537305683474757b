"""`kz-emigration refresh` against a real local server that misbehaves the way live sources do.

The sources are pointed at tests/faults/server.py through their settings (KZ_WORLDBANK_URL, KZ_UNDESA_URL,
KZ_BNS_URL), so every byte goes over a real socket: a stall is a real silent connection, a reset a real RST,
a truncated body a real Content-Length that is not met.  Whatever the fault, the readers keep the old numbers
(every file of the data folder byte for byte), the operator learns which source failed and why, the command
exits non-zero, and the run ends in bounded time instead of hanging.
"""

from __future__ import annotations

import datetime as dt
import io
import re
import socket
import time
import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from dashboard import cli, snapshots
from dashboard.sources import _http, undesa
from tests import replies
from tests.conftest import FIXTURE_DATA
from tests.faults.server import (BNS, CSV, JSON, WORLDBANK, XLSX, FaultServer, Reply, html_page, serve_snapshot,
                                 source_env, undesa_path)
from tests.test_refresh import digest

# Short bounds so that a fault costs seconds: one retry without backoff, a second of silence per attempt, a
# Retry-After cut to one second.
FAST = {"KZ_REFRESH_TIMEOUT": "1", "KZ_REFRESH_RETRIES": "1", "KZ_REFRESH_RETRY_AFTER_MAX": "1"}
BOUND = 30.0  # seconds: any refresh here ends well within this, whatever the server does


@pytest.fixture(scope="module")
def fixture_snapshot() -> snapshots.Snapshot:
    return snapshots.Store(FIXTURE_DATA).current()


@pytest.fixture(scope="module")
def workbooks(fixture_snapshot) -> dict[int, bytes]:
    """The UN DESA workbooks carrying the fixture's figures (built once: openpyxl takes a while)."""
    return {revision: replies.undesa_workbook(fixture_snapshot, revision) for revision in undesa.FILES}


@pytest.fixture
def server(fixture_snapshot, workbooks, monkeypatch):
    """The three sources answering like the real ones with the fixture's own figures, until a test breaks one."""
    with FaultServer() as running:
        serve_snapshot(running, fixture_snapshot, workbooks)
        for name, value in {**source_env(running), **FAST}.items():
            monkeypatch.setenv(name, value)
        yield running


def refresh(data: Path, capsys, *args: str) -> tuple[int, str, str, float]:
    """The CLI's refresh as an operator runs it: exit code, stdout, stderr, seconds taken."""
    started = time.monotonic()
    code = cli.main(["refresh", "--data-dir", str(data), *args])
    took = time.monotonic() - started
    out, err = capsys.readouterr()
    return code, out, err, took


def failed_sources(err: str) -> list[str]:
    return re.findall(r"^refresh failed: (\w+): ", err, flags=re.MULTILINE)


# ------------------------------------------------------------------------------ replies that are not the data

def _worldbank_page(snap: snapshots.Snapshot) -> bytes:
    url = "https://api.worldbank.org/v2/country/ARM;BLR;KAZ;KGZ;RUS/indicator/SM.POP.NETM?page=1"
    return replies.worldbank_reply(snap, url)[2].encode("utf-8")


WORLDBANK_XML = (b'<?xml version="1.0" encoding="utf-8"?>\r\n<wb:error xmlns:wb="http://www.worldbank.org">'
                 b'<wb:message id="175" key="Invalid format">The indicator was not found.</wb:message></wb:error>')


def _rewrite(raw: bytes, change) -> bytes:
    """The workbook with ``change(sheet)`` applied to its "Table 1", saved again by openpyxl."""
    book = openpyxl.load_workbook(io.BytesIO(raw))
    change(book[undesa.SHEET])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def header_moved_right(raw: bytes) -> bytes:
    # A new first column (UN DESA has added note columns before): "Index" is no longer in column A.
    return _rewrite(raw, lambda sheet: sheet.insert_cols(1))


def header_moved_down(raw: bytes) -> bytes:
    # Three more title rows above the table, as between the 2020 (row 10) and 2024 (row 11) revisions.
    return _rewrite(raw, lambda sheet: sheet.insert_rows(1, amount=3))


def _member(raw: bytes, name: str) -> tuple[int, int]:
    """Where a zip member's compressed bytes start in the archive, and how many there are."""
    info = zipfile.ZipFile(io.BytesIO(raw)).getinfo(name)
    local = info.header_offset
    name_length = int.from_bytes(raw[local + 26:local + 28], "little")
    extra_length = int.from_bytes(raw[local + 28:local + 30], "little")
    return local + 30 + name_length + extra_length, info.compress_size


def corrupt_member(raw: bytes) -> bytes:
    # Bytes flipped inside the sheet's deflated data (a bad disk or proxy): the archive's directory is intact.
    start, size = _member(raw, "xl/worksheets/sheet2.xml")
    damaged = bytearray(raw)
    for i in range(start + size // 3, start + size // 3 + 64):
        damaged[i] ^= 0x5A
    return bytes(damaged)


def cut_sheet_xml(raw: bytes) -> bytes:
    # A well-formed zip whose sheet XML stops half-way (a broken export on the server's side).
    source, out = zipfile.ZipFile(io.BytesIO(raw)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            data = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet2.xml":
                data = data[:len(data) // 2]
            target.writestr(item, data)
    return out.getvalue()


# name -> (the source named, the route broken, the fault given the snapshot and workbooks, the reason quoted,
#          whether it is transient: retried once under FAST, so the server sees a second attempt)
FAULTS = {
    "worldbank stalls: accepts and never answers": (
        "worldbank", WORLDBANK, lambda snap, wb: Reply(stall=True), r"timed out after 1s", True),
    "undesa stops half-way through the workbook and goes silent": (
        "undesa", undesa_path(2024),
        lambda snap, wb: Reply(body=wb[2024], content_type=XLSX, cut_at=len(wb[2024]) // 2, then_stall=True),
        r"timed out after 1s in the middle of the reply \(\d+ bytes so far\)", False),
    "bns resets the connection": (
        "bns", BNS, lambda snap, wb: Reply(reset=True), r"request failed: .*(reset|aborted)", True),
    "worldbank answers 500": (
        "worldbank", WORLDBANK, lambda snap, wb: Reply(status=500, body=b"Internal Server Error",
                                                       content_type="text/plain"), r"HTTP 500", True),
    "worldbank answers 429 with Retry-After: 3600": (
        "worldbank", WORLDBANK, lambda snap, wb: Reply(status=429, headers={"Retry-After": "3600"}),
        r"HTTP 429, asked to retry after 3600", True),
    "undesa workbook truncated (Content-Length larger than the body)": (
        "undesa", undesa_path(2024),
        lambda snap, wb: Reply(body=wb[2024], content_type=XLSX, cut_at=len(wb[2024]) - 1000),
        r"reply cut short after \d+ bytes", False),
    "worldbank JSON truncated (Content-Length larger than the body)": (
        "worldbank", WORLDBANK, lambda snap, wb: Reply(body=_worldbank_page(snap), content_type=JSON, cut_at=5000),
        r"reply cut short after 5000 bytes", False),
    "worldbank answers XML (the API's other format)": (
        "worldbank", WORLDBANK, lambda snap, wb: Reply(body=WORLDBANK_XML, content_type="application/xml"),
        r"answered application/xml, \d+ bytes, starts b'<\?xml.* instead of application/json", False),
    "bns answers JSON instead of the CSV export": (
        "bns", BNS, lambda snap, wb: Reply(body=b'{"success": false, "message": "Element not found"}',
                                           content_type=JSON),
        r"answered application/json, .* instead of text/csv", False),
    "undesa answers an HTML page with 200": (
        "undesa", undesa_path(2024), lambda snap, wb: html_page("Access Denied"),
        r"answered text/html, \d+ bytes, title b'Access Denied' instead of application/vnd", False),
    "worldbank answers an HTML page with 200": (
        "worldbank", WORLDBANK, lambda snap, wb: html_page("Service Unavailable"),
        r"answered text/html, .*title b'Service Unavailable'", False),
    "undesa answers an HTML page labelled as a workbook": (
        "undesa", undesa_path(2020),
        lambda snap, wb: Reply(body=html_page("Page not found").body, content_type=XLSX),
        r"reply is not an XLSX workbook \(application/vnd.*title b'Page not found'\)", False),
    "undesa header row moved one column right": (
        "undesa", undesa_path(2024), lambda snap, wb: Reply(body=header_moved_right(wb[2024]), content_type=XLSX),
        r"no header row \(first cell 'Index'\)", False),
    "undesa workbook with a corrupt member": (
        "undesa", undesa_path(2024), lambda snap, wb: Reply(body=corrupt_member(wb[2024]), content_type=XLSX),
        r"not a readable XLSX workbook: (error|BadZipFile)", False),
    "undesa workbook whose sheet XML is cut": (
        "undesa", undesa_path(2020), lambda snap, wb: Reply(body=cut_sheet_xml(wb[2020]), content_type=XLSX),
        r"not a readable XLSX workbook: (ParseError|XMLSyntaxError)", False),
    "bns answers 502 with a proxy's HTML page": (
        "bns", BNS, lambda snap, wb: html_page("502 Bad Gateway", status=502), r"HTTP 502", True),
}


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_a_faulty_source_leaves_the_data_folder_byte_for_byte(server, fixture_snapshot, workbooks, data_copy,
                                                              capsys, fault):
    """Readers keep the old numbers, the operator reads which source broke and how, the exit code says it
    failed, and the command does not hang."""
    source, route, make, reason, transient = FAULTS[fault]
    server.route(route, make(fixture_snapshot, workbooks))
    before = digest(data_copy)
    code, _out, err, took = refresh(data_copy, capsys)
    assert code == 1, err
    assert failed_sources(err) == [source], err
    assert re.search(reason, err), err
    assert "The snapshot was left unchanged." in err
    assert digest(data_copy) == before, "a failed refresh left a file behind or changed one"
    assert took < BOUND, f"the refresh took {took:.0f}s"
    # Transient faults get their retry (KZ_REFRESH_RETRIES=1); a reply that is there but wrong is not re-asked.
    assert len(server.hits(route)) == (2 if transient else 1)


def test_a_source_that_refuses_connections_fails_alone(server, data_copy, capsys, monkeypatch):
    """Nothing listening (a host down, a firewall answering RST): named and bounded like any other fault."""
    with socket.socket() as probe:  # a port that was free a moment ago and has nobody listening on it
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    monkeypatch.setenv("KZ_BNS_URL", f"http://127.0.0.1:{port}")
    before = digest(data_copy)
    code, _out, err, took = refresh(data_copy, capsys)
    assert code == 1 and failed_sources(err) == ["bns"], err
    assert "Connection refused" in err
    assert digest(data_copy) == before
    assert took < BOUND


def test_a_trickle_of_bytes_is_given_up_on_within_bounds(server, fixture_snapshot, data_copy, capsys, monkeypatch):
    """A server that sends a byte every 0.2 s never trips a per-read timeout; without a bound on the whole
    reply the refresh would take an hour for this 5 kB export.  It gives up after ten times the timeout."""
    monkeypatch.setenv("KZ_REFRESH_TIMEOUT", "0.5")
    server.route(BNS, Reply(body=replies.bns_csv(fixture_snapshot).encode("utf-8"), content_type=CSV,
                            pace=(1, 0.2)))
    before = digest(data_copy)
    code, _out, err, took = refresh(data_copy, capsys, "--source", "bns")
    assert code == 1 and failed_sources(err) == ["bns"], err
    assert re.search(r"reply still arriving after 5s \(\d+ bytes so far\), given up", err), err
    assert digest(data_copy) == before
    assert took < BOUND


def test_retry_after_is_honoured_but_cut_to_the_cap(server, data_copy, capsys):
    """A 429 asking for an hour must not hold the refresh for an hour: the wait is cut to
    KZ_REFRESH_RETRY_AFTER_MAX (1 s here), and it is waited (the retry comes no sooner)."""
    server.route(WORLDBANK, Reply(status=429, headers={"Retry-After": "3600"}))
    code, _out, err, took = refresh(data_copy, capsys, "--source", "worldbank")
    assert code == 1 and "HTTP 429, asked to retry after 3600" in err, err
    assert took < BOUND
    first, retry = server.hits(WORLDBANK)
    assert retry.at - first.at >= 0.9, "the Retry-After was not waited for"


def test_the_retry_after_cap_holds_whatever_urllib3_would_allow(monkeypatch):
    """urllib3 caps Retry-After only from 2.6.3 on, and then at six hours (Retry.DEFAULT_RETRY_AFTER_MAX =
    21600 in the installed 2.7): the session's own cap is what holds, with any urllib3."""
    monkeypatch.delenv("KZ_REFRESH_RETRY_AFTER_MAX", raising=False)
    retry = _http.make_session().get_adapter("https://api.worldbank.org/").max_retries
    assert retry.parse_retry_after("3600") == 30  # the default setting
    assert retry.parse_retry_after("2") == 2
    future = (dt.datetime.now(dt.timezone.utc) + dt.timedelta(days=1)).strftime("%a, %d %b %Y %H:%M:%S GMT")
    assert retry.parse_retry_after(future) == 30  # an HTTP date is cut the same way
    # The cap travels with each retry (urllib3 makes a new Retry object for every attempt).
    assert retry.new(total=0).parse_retry_after("3600") == 30
    # A Retry-After that is neither seconds nor a date: backoff as if none was sent, not an error.
    assert retry.parse_retry_after("soon") == 0


# ------------------------------------------------------------------------------------------------ successes

def test_the_server_harness_serves_a_refresh_that_reproduces_the_snapshot(server, fixture_snapshot, data_copy,
                                                                         capsys):
    """Replies carrying the snapshot's own figures, over real sockets, give back the same tables: the harness
    itself works, so the faults above fail for the fault and nothing else."""
    code, out, err, took = refresh(data_copy, capsys)
    assert code == 0, err
    assert "refreshed wdi, undesa_stock, undesa_origin_totals, bns_net_migration" in out
    assert took < BOUND
    for route in (WORLDBANK, undesa_path(2020), undesa_path(2024), BNS):
        assert server.hits(route), f"nothing asked {route}"
    store = snapshots.Store(data_copy)
    after = store.current()
    assert after.id != fixture_snapshot.id
    for name in ("bns_net_migration", "undesa_origin_totals"):
        pd.testing.assert_frame_equal(after.frame(name), fixture_snapshot.frame(name), check_dtype=False)
    wdi = after.frame("wdi")
    eaeu = wdi[wdi["iso3"].isin(["ARM", "BLR", "KAZ", "KGZ", "RUS"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(eaeu, fixture_snapshot.frame("wdi"), check_dtype=False)
    assert after.provenance["bns_net_migration"].date_accessed == dt.date.today().isoformat()


TRANSIENT = {
    "500": Reply(status=500, body=b"Internal Server Error", content_type="text/plain"),
    "429 with Retry-After: 1": Reply(status=429, headers={"Retry-After": "1"}),
    "reset": Reply(reset=True),
    "stall": Reply(stall=True),
}


@pytest.mark.parametrize("fault", TRANSIENT, ids=list(TRANSIENT))
def test_a_transient_fault_is_retried_and_the_refresh_succeeds(server, data_copy, capsys, fault):
    """One bad answer from the World Bank (overloaded, rate limiting, a dropped connection) is not worth a
    failed refresh: the retry gets the data."""
    server.route(WORLDBANK, [TRANSIENT[fault], server.handler(WORLDBANK)])
    code, _out, err, took = refresh(data_copy, capsys, "--source", "worldbank")
    assert code == 0, err
    assert took < BOUND
    first, retry = server.hits(WORLDBANK)[:2]
    assert first.path == retry.path  # the same page asked again
    assert snapshots.Store(data_copy).current().id != snapshots.Store(FIXTURE_DATA).current_id()


def test_a_header_row_moved_down_is_found_and_read(server, fixture_snapshot, workbooks, data_copy, capsys):
    """Title rows above the table change between revisions (row 10 in 2020, 11 in 2024): a header moved down
    is not a fault, and the figures under it are read as before."""
    server.route(undesa_path(2024), Reply(body=header_moved_down(workbooks[2024]), content_type=XLSX))
    code, _out, err, _took = refresh(data_copy, capsys, "--source", "undesa")
    assert code == 0, err
    after = snapshots.Store(data_copy).current()
    kaz = after.frame("undesa_stock").query("origin == 'KAZ'").reset_index(drop=True)
    pd.testing.assert_frame_equal(kaz, fixture_snapshot.frame("undesa_stock"), check_dtype=False)
