"""`kz-emigration refresh`: live sources (mocked like their real replies) into a new snapshot, switched atomically.

A refresh writes a new snapshot folder and moves the pointer; a failed one must leave every byte of the
data folder in place, say which source failed and why, and exit non-zero.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
from pathlib import Path

import pandas as pd
import pytest
import requests
import responses

from dashboard import claims, cli, provenance, refresh, snapshots
from dashboard.sources import bns_dynamic, undesa
from dashboard.sources._http import make_session
from tests import replies


def digest(directory: Path) -> dict[str, str]:
    """Every file under the data folder (every snapshot and the pointer), by relative path."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file()}


@pytest.fixture
def live(data_copy: Path):
    """Every source answers like the real one, with the snapshot's own figures."""
    snap = snapshots.Store(data_copy).current()
    with responses.RequestsMock(assert_all_requests_are_fired=False) as mock:
        mock.add_callback(responses.GET, replies.WB_URL,
                          callback=lambda req: replies.worldbank_reply(snap, req.url))
        for rev, url in undesa.URLS.items():
            mock.add(responses.GET, url, body=replies.undesa_workbook(snap, rev),
                     content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        mock.add(responses.GET, bns_dynamic.url(), body=replies.bns_csv(snap).encode("utf-8"),
                 content_type="text/csv; charset=utf-8")
        yield mock


def run(directory: Path, sources=None):
    return refresh.run(directory, sources or list(refresh.SOURCES), make_session(retries=0),
                       today=dt.date(2026, 11, 25))


def test_refresh_reproduces_the_snapshot_and_updates_provenance(live, data_copy: Path):
    """Replies carrying the published figures give back the same tables, with fresh checksums."""
    store = snapshots.Store(data_copy)
    before = store.current()
    outcome = run(data_copy)
    assert outcome.ok, outcome.failures
    assert set(outcome.written) == {"wdi", "undesa_stock", "undesa_origin_totals", "bns_net_migration"}
    assert outcome.snapshot == store.current_id() == "2026-11-25-2"
    after = store.current()
    for name in ("undesa_origin_totals", "bns_net_migration"):
        pd.testing.assert_frame_equal(after.frame(name).reset_index(drop=True),
                                      before.frame(name).reset_index(drop=True), check_dtype=False)
    kaz = after.frame("undesa_stock").query("origin == 'KAZ'").reset_index(drop=True)
    pd.testing.assert_frame_equal(kaz, before.frame("undesa_stock").reset_index(drop=True), check_dtype=False)
    wdi = after.frame("wdi")
    eaeu = wdi[wdi["iso3"].isin(["ARM", "BLR", "KAZ", "KGZ", "RUS"])].reset_index(drop=True)
    pd.testing.assert_frame_equal(eaeu, before.frame("wdi").reset_index(drop=True), check_dtype=False)
    assert {"DEU", "USA", "MNG"} <= set(wdi.loc[wdi["indicator"] == "SP.POP.TOTL", "iso3"])
    for name in outcome.written:
        prov = provenance.read(provenance.path_for(after.directory / f"{name}.csv"))
        assert prov.checksum == provenance.checksum(after.directory / f"{name}.csv")
        assert prov.date_accessed == "2026-11-25"
    assert after.provenance["wdi"].date_published == "2026-07-13"
    # the curated tables are not touched
    assert after.provenance["bns_releases"] == before.provenance["bns_releases"]


def test_refresh_of_one_source_changes_only_its_tables_in_the_new_snapshot(live, data_copy: Path):
    store = snapshots.Store(data_copy)
    old = store.current()
    outcome = run(data_copy, ["bns"])
    assert outcome.ok
    new, old_files = store.current(), digest(old.directory)
    changed = {name for name, sha in digest(new.directory).items() if old_files.get(name) != sha}
    assert changed <= {"bns_net_migration.csv", "bns_net_migration.provenance.json"}


def test_the_old_snapshot_stays_whole_for_pinned_embeds(live, data_copy: Path):
    """An article's embed pinned with ?as_of= must keep showing the numbers it was published with."""
    store = snapshots.Store(data_copy)
    old = store.current()
    before = digest(old.directory)
    assert run(data_copy, ["bns"]).ok
    assert store.ids() == ["2026-11-25", "2026-11-25-2"]
    assert digest(old.directory) == before, "a published snapshot folder is never rewritten"
    pinned = store.get(old.id)
    pd.testing.assert_frame_equal(pinned.frame("bns_net_migration"), old.frame("bns_net_migration"))


def test_refresh_cleans_what_an_interrupted_one_left(live, data_copy: Path):
    leftover = data_copy / snapshots.FOLDER / ".new-interrupted"
    leftover.mkdir()
    (leftover / "wdi.csv").write_text("half written")
    assert run(data_copy, ["bns"]).ok
    assert not leftover.exists()


FAULTS = {
    "http 500 from the World Bank": ("worldbank", lambda m: m.replace(responses.GET, replies.WB_URL, status=500),
                                     "HTTP 500"),
    "timeout at un.org": ("undesa", lambda m: m.replace(responses.GET, undesa.URLS[2024],
                                                        body=requests.exceptions.ReadTimeout("read timed out")),
                          "timed out"),
    "truncated World Bank JSON": ("worldbank", lambda m: m.replace(responses.GET, replies.WB_URL,
                                                                   body='[{"page": 1, "pages": 1, "per_'),
                                  "not valid JSON"),
    "renamed UN DESA column": ("undesa", lambda m: m.replace(
        responses.GET, undesa.URLS[2020], body=_renamed_undesa()), "Location code of destination"),
    "BNS 404": ("bns", lambda m: m.replace(responses.GET, bns_dynamic.url(), status=404), "404"),
    "BNS layout change": ("bns", lambda m: m.replace(responses.GET, bns_dynamic.url(),
                                                     body='"a"\t"b"\r\n"1"\t"2"\r\n'), "bns"),
}


def _renamed_undesa() -> bytes:
    header = list(replies_header())
    header[3] = "Code of destination"  # upstream renamed the column
    return replies.build_workbook(2020, header=header)


def replies_header():
    from tests.sources.test_undesa import HEADER
    return HEADER


@pytest.mark.parametrize("fault", FAULTS, ids=list(FAULTS))
def test_a_failed_refresh_leaves_the_snapshot_byte_for_byte(live, data_copy: Path, fault: str):
    """Whatever breaks upstream, readers keep the old numbers and the operator learns what broke."""
    source, break_it, expected = FAULTS[fault]
    break_it(live)
    before = digest(data_copy)
    outcome = run(data_copy)
    assert not outcome.ok
    assert [s for s, _ in outcome.failures] == [source]
    assert expected in outcome.failures[0][1]
    assert digest(data_copy) == before, "a failed refresh left a file behind or changed one"


def test_a_reply_much_smaller_than_the_snapshot_is_refused(live, data_copy: Path):
    """A reply that validates but has lost most rows (a truncated export) must not replace the table."""
    snap = snapshots.Store(data_copy).current()
    short = replies.bns_csv(snap).split("\r\n")
    live.replace(responses.GET, bns_dynamic.url(), body="\r\n".join(short[:6]) + "\r\n")
    before = digest(data_copy)
    outcome = run(data_copy, ["bns"])
    assert not outcome.ok and "rows" in outcome.failures[0][1]
    assert digest(data_copy) == before


def test_cli_exits_non_zero_and_names_the_failed_source(live, data_copy: Path, capsys):
    live.replace(responses.GET, replies.WB_URL, status=503)
    before = digest(data_copy)
    code = cli.main(["refresh", "--data-dir", str(data_copy), "--source", "worldbank"])
    err = capsys.readouterr().err
    assert code == 1
    assert "worldbank" in err and "503" in err and "unchanged" in err
    assert digest(data_copy) == before


def test_cli_refresh_succeeds_with_progress(live, data_copy: Path, capsys):
    code = cli.main(["refresh", "--data-dir", str(data_copy), "--source", "bns"])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "refreshed bns_net_migration" in captured.out
    assert re.search(r"refresh: 100%", captured.err)  # tqdm's progress bar
    # The new snapshot carries the verdicts' log: the fixture's current one has none, so it begins with that
    # one's verdicts; the same figures change none.
    from dashboard.claims import log

    store = snapshots.Store(data_copy)
    new = store.current()
    entries = log.read(new)
    assert [e.claim for e in entries] == [c.id for c in claims.ledger(new)]
    assert all(e.snapshot == "2026-11-25" and e.before is None for e in entries)
    assert entries == log.changes(None, store.get("2026-11-25")) + log.changes(store.get("2026-11-25"), new)


def test_cli_rejects_an_unknown_source(capsys):
    with pytest.raises(SystemExit) as exc:
        cli.main(["refresh", "--source", "imf"])
    assert exc.value.code == 2
    assert "invalid choice" in capsys.readouterr().err
